"""The announcements use cases: staff publish, edit, delete; members read and mark read; the cron announces the
ones whose start came, the push job tells their members."""

from __future__ import annotations

from dataclasses import dataclass

from application.announcements.announcements import push_message
from application.announcements.config import AnnouncementsConfig
from application.announcements.ports import AnnouncementRepository, AuthorNames, PushRequests, ReadMarks
from application.shared.church import ChurchDirectory
from application.shared.ports import Clock, Outbox, UnitOfWork
from domain.announcements.model import Announcement, AnnouncementDetails
from domain.announcements.permissions import MANAGE_ANNOUNCEMENTS, MANAGE_EVERY_SITE, READ_ANNOUNCEMENTS
from domain.shared.actor import Actor
from domain.shared.errors import FieldErrors, Forbidden, InvalidInput, NotFound

NOT_FOUND = "Annonce introuvable"
UNKNOWN_SITE = "Site inconnu"


async def own_site_id(directory: ChurchDirectory, actor: Actor) -> int | None:
    """The id of the account's site (`Actor.site` is its code), None when it has none or it is unknown."""
    if not actor.site:
        return None
    site = await directory.site_by_code(actor.site)
    return site.id if site else None


def is_readable(announcement: Announcement, site_id: int | None) -> bool:
    """A member reads the announcements of their own site and those for every site."""
    return announcement.site_id is None or announcement.site_id == site_id


async def _check_details(details: AnnouncementDetails, directory: ChurchDirectory) -> None:
    errors = details.problems()
    if details.site_id is not None and await directory.site(details.site_id) is None:
        errors.setdefault("site_id", []).append(UNKNOWN_SITE)
    if errors:
        raise InvalidInput("Les données de l'annonce sont invalides", details=errors)


def _check_scope(actor: Actor, site_id: int | None, own: int | None) -> None:
    """Staff of one site (secretariat) publish for it only; admin and pasteur for any site or for all."""
    if MANAGE_EVERY_SITE.allows(actor) or (site_id is not None and site_id == own):
        return
    raise Forbidden("Vous ne pouvez publier que pour votre site")


async def _managed(repository: AnnouncementRepository, directory: ChurchDirectory, actor: Actor,
                   announcement_id: int) -> Announcement:
    """The announcement, locked, if the actor may change it: another site's is NotFound for staff of one site; a
    church-wide one, which they read, is Forbidden."""
    MANAGE_ANNOUNCEMENTS.check(actor)
    announcement = await repository.get_for_update(announcement_id)
    if announcement is None:
        raise NotFound(NOT_FOUND)
    if MANAGE_EVERY_SITE.allows(actor):
        return announcement
    own = await own_site_id(directory, actor)
    if announcement.site_id is not None and announcement.site_id != own:
        raise NotFound(NOT_FOUND)
    _check_scope(actor, announcement.site_id, own)
    return announcement


@dataclass(frozen=True)
class SaveAnnouncementCommand:
    """`details.site_id` None: every site (admin, pasteur); staff of one site publish for their site."""

    actor: Actor
    details: AnnouncementDetails
    announcement_id: int | None = None


class CreateAnnouncement:
    def __init__(self, announcements: AnnouncementRepository, directory: ChurchDirectory, authors: AuthorNames,
                 uow: UnitOfWork, clock: Clock) -> None:
        self._announcements = announcements
        self._directory = directory
        self._authors = authors
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: SaveAnnouncementCommand) -> Announcement:
        MANAGE_ANNOUNCEMENTS.check(cmd.actor)
        details = cmd.details
        own = await own_site_id(self._directory, cmd.actor)
        if details.site_id is None and not MANAGE_EVERY_SITE.allows(cmd.actor):
            if own is None:
                raise FieldErrors.single("site_id", "Votre compte n'est rattaché à aucun site")
            details = AnnouncementDetails(**{**details.__dict__, "site_id": own})
        await _check_details(details, self._directory)
        _check_scope(cmd.actor, details.site_id, own)
        now = self._clock.now()
        author = await self._authors.name_of(cmd.actor.user_id)
        announcement = await self._announcements.add(Announcement.create(details, cmd.actor.user_id, author, now))
        if announcement.announce_if_due(now):
            await self._announcements.save(announcement)
        await self._uow.commit()
        return announcement


class UpdateAnnouncement:
    """PUT: every field again. Moved into its window and never announced, it is announced now."""

    def __init__(self, announcements: AnnouncementRepository, directory: ChurchDirectory, uow: UnitOfWork,
                 clock: Clock) -> None:
        self._announcements = announcements
        self._directory = directory
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: SaveAnnouncementCommand) -> Announcement:
        assert cmd.announcement_id is not None, "an update names its announcement"
        announcement = await _managed(self._announcements, self._directory, cmd.actor, cmd.announcement_id)
        details = cmd.details
        if details.site_id is None and not MANAGE_EVERY_SITE.allows(cmd.actor):
            details = AnnouncementDetails(**{**details.__dict__, "site_id": announcement.site_id})
        await _check_details(details, self._directory)
        _check_scope(cmd.actor, details.site_id, await own_site_id(self._directory, cmd.actor))
        now = self._clock.now()
        announcement.edit(details, now)
        announcement.announce_if_due(now)
        await self._announcements.save(announcement)
        await self._uow.commit()
        return announcement


@dataclass(frozen=True)
class DeleteAnnouncementCommand:
    actor: Actor
    announcement_id: int


class DeleteAnnouncement:
    def __init__(self, announcements: AnnouncementRepository, directory: ChurchDirectory, uow: UnitOfWork) -> None:
        self._announcements = announcements
        self._directory = directory
        self._uow = uow

    async def __call__(self, cmd: DeleteAnnouncementCommand) -> None:
        announcement = await _managed(self._announcements, self._directory, cmd.actor, cmd.announcement_id)
        await self._announcements.delete(announcement)
        await self._uow.commit()


@dataclass(frozen=True)
class MarkReadCommand:
    actor: Actor
    announcement_id: int


class MarkRead:
    """Idempotent: marking an announcement read again changes nothing. Only an announcement the account can read
    (active, of its site or for every site); any other is NotFound."""

    def __init__(self, announcements: AnnouncementRepository, reads: ReadMarks, directory: ChurchDirectory,
                 uow: UnitOfWork, clock: Clock) -> None:
        self._announcements = announcements
        self._reads = reads
        self._directory = directory
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: MarkReadCommand) -> None:
        READ_ANNOUNCEMENTS.check(cmd.actor)
        now = self._clock.now()
        announcement = await self._announcements.get(cmd.announcement_id)
        site_id = await own_site_id(self._directory, cmd.actor)
        if announcement is None or not announcement.is_active(now) or not is_readable(announcement, site_id):
            raise NotFound(NOT_FOUND)
        await self._reads.mark(cmd.announcement_id, cmd.actor.user_id, now)
        await self._uow.commit()


class PublishDueAnnouncements:
    """Cron (every minute): the announcements whose start came are marked announced by one conditional UPDATE
    and their push is queued in the same transaction; a second run finds nothing left to mark."""

    def __init__(self, announcements: AnnouncementRepository, outbox: Outbox, uow: UnitOfWork, clock: Clock) -> None:
        self._announcements = announcements
        self._outbox = outbox
        self._uow = uow
        self._clock = clock

    async def __call__(self) -> int:
        marked = await self._announcements.mark_due_announced(self._clock.now())
        for announcement_id in marked:
            self._outbox.add(push_message(announcement_id))
        await self._uow.commit()
        return len(marked)


class PushAnnouncement:
    """Job `announcements_push`: the accounts of the announcement's site's active members (every site's for a
    church-wide one) are told, in `notify` batches; the keys name the announcement, so a re-run tells nobody
    twice. A deleted announcement tells nobody."""

    def __init__(self, announcements: AnnouncementRepository, directory: ChurchDirectory, pushes: PushRequests,
                 outbox: Outbox, uow: UnitOfWork, config: AnnouncementsConfig) -> None:
        self._announcements = announcements
        self._directory = directory
        self._pushes = pushes
        self._outbox = outbox
        self._uow = uow
        self._config = config

    async def __call__(self, payload: dict[str, object]) -> int:
        announcement_id = payload.get("announcement_id")
        if not isinstance(announcement_id, int):
            return 0
        announcement = await self._announcements.get(announcement_id)
        if announcement is None:
            return 0
        if announcement.site_id is None:
            site_ids = [site.id for site in await self._directory.sites()]
        else:
            site_ids = [announcement.site_id]
        user_ids: set[int] = set()
        for site_id in site_ids:
            user_ids.update(m.user_id for m in await self._directory.members_of_site(site_id) if m.user_id)
        ordered = sorted(user_ids)
        size = self._config.push_batch
        for start in range(0, len(ordered), size):
            self._outbox.add(self._pushes.announcement(announcement, ordered[start:start + size]))
        await self._uow.commit()
        return len(ordered)
