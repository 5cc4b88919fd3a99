"""The publications' use cases: write, edit, delete; like, comment, take a comment down; the scheduling cron and
the job that tells a town's accounts about a new publication."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from application.publications.announcements import tell_followers
from application.publications.config import PublicationsConfig
from application.publications.ports import (
    Author,
    CommentCard,
    CommentRepository,
    LikeRepository,
    Notices,
    PublicationCard,
    PublicationReads,
    PublicationRepository,
    TownAccounts,
)
from application.shared.media import store_image
from application.shared.ports import Clock, FileStorage, Outbox, UnitOfWork, Upload
from application.shared.uploads import check_image
from domain.publications.errors import CommentsClosed, PublicationInvalid
from domain.publications.model import (
    MAX_IMAGES,
    Comment,
    CommentStatus,
    Publication,
    PublicationDetails,
    PublicationStatus,
)
from domain.publications.permissions import MANAGE, MODERATE, REACT, READ_PUBLISHED, SEE_UNPUBLISHED
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden, NotFound

log = logging.getLogger("agora.publications")
NOT_FOUND = "Publication introuvable"
COMMENT_NOT_FOUND = "Commentaire introuvable"
INVALID = "Les données de la publication sont invalides"
DUE_BATCH = 500


def can_see(publication: Publication, actor: Actor, now: datetime) -> bool:
    """The town's staff see all its publications; its other accounts the published ones not expired. Nobody
    sees another town's."""
    if not actor.in_municipality(publication.municipality_id):
        return False
    if SEE_UNPUBLISHED.allows(actor):
        return True
    return READ_PUBLISHED.allows(actor) and publication.is_live(now)


async def _managed(publications: PublicationRepository, publication_id: int, actor: Actor,
                   now: datetime) -> Publication:
    """The publication, locked, if the actor may change it: 404 when they cannot even see it, 403 when they can."""
    publication = await publications.get_for_update(publication_id)
    if publication is None or not can_see(publication, actor, now):
        raise NotFound(NOT_FOUND)
    MANAGE.check(actor)
    return publication


async def _live(publications: PublicationRepository, publication_id: int, actor: Actor,
                now: datetime) -> Publication:
    """The publication if the actor may react to it: published, not expired, of their town."""
    REACT.check(actor)
    publication = await publications.get_for_update(publication_id)
    if publication is None or not can_see(publication, actor, now) or not publication.is_live(now):
        raise NotFound(NOT_FOUND)
    return publication


def _image_problems(errors: dict[str, list[str]], name: str, uploads: Sequence[Upload]) -> None:
    for upload in uploads:
        if problem := check_image(upload):
            errors.setdefault(name, []).append(f"{upload.filename or 'fichier'} : {problem}")


async def _author(reads: PublicationReads, user_id: int) -> Author:
    return await reads.author(user_id) or Author(id=user_id, name="", role="", avatar_url=None)


class _Files:
    """The files a use case stored, removed again if it fails before its commit."""

    def __init__(self, storage: FileStorage) -> None:
        self._storage = storage
        self.saved: list[str] = []

    async def save(self, folder: str, upload: Upload, field: str) -> str:
        """Re-encoded without its metadata (EXIF, GPS), with a thumbnail (docs/media.md)."""
        path = (await store_image(self._storage, folder, upload, field=field)).path
        self.saved.append(path)
        return path

    async def discard(self) -> None:
        for path in self.saved:
            await self._storage.delete(path)


@dataclass(frozen=True)
class CreatePublicationCommand:
    actor: Actor
    details: PublicationDetails
    status: PublicationStatus = PublicationStatus.DRAFT
    cover: Upload | None = None
    images: tuple[Upload, ...] = ()


class CreatePublication:
    def __init__(self, publications: PublicationRepository, reads: PublicationReads, storage: FileStorage,
                 uow: UnitOfWork, clock: Clock, config: PublicationsConfig) -> None:
        self._publications = publications
        self._reads = reads
        self._storage = storage
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: CreatePublicationCommand) -> PublicationCard:
        MANAGE.check(cmd.actor)
        if cmd.actor.municipality_id is None:
            raise Forbidden(MANAGE.refusal)
        now = self._clock.now()
        errors = cmd.details.problems(cmd.status, now)
        if cmd.status is PublicationStatus.ARCHIVED:
            errors.setdefault("status", []).append("Une nouvelle publication ne peut pas être archivée")
        _image_problems(errors, "cover_image", [cmd.cover] if cmd.cover else [])
        _image_problems(errors, "images", cmd.images)
        if len(cmd.images) > MAX_IMAGES:
            errors.setdefault("images", []).append(f"{MAX_IMAGES} images au plus")
        if errors:
            raise PublicationInvalid(INVALID, details=errors)
        publication = Publication.create(cmd.actor.municipality_id, cmd.actor.user_id, cmd.details, cmd.status, now)
        files = _Files(self._storage)
        try:
            if cmd.cover is not None:
                publication.cover_image = await files.save(self._config.cover_folder, cmd.cover, "cover_image")
            publication.images = [await files.save(self._config.images_folder, image, "images")
                                  for image in cmd.images]
            await self._publications.add(publication)
            if publication.status is PublicationStatus.PUBLISHED:
                publication.announce()
                await self._publications.save(publication)
            await self._uow.commit()
        except BaseException:
            await files.discard()
            raise
        return PublicationCard(publication, await _author(self._reads, cmd.actor.user_id))


@dataclass(frozen=True)
class UpdatePublicationCommand:
    """`changes` holds only the details sent, by PublicationDetails' names; `remove_images` names images by their
    path (as listed in `images`) or their file name."""

    actor: Actor
    publication_id: int
    changes: Mapping[str, Any] = field(default_factory=dict)
    status: PublicationStatus | None = None
    cover: Upload | None = None
    new_images: tuple[Upload, ...] = ()
    remove_images: tuple[str, ...] = ()


def _named(images: Sequence[str], name: str) -> str | None:
    return next((path for path in images if name in (path, path.rsplit("/", 1)[-1])), None)


class UpdatePublication:
    def __init__(self, publications: PublicationRepository, storage: FileStorage, uow: UnitOfWork, clock: Clock,
                 config: PublicationsConfig) -> None:
        self._publications = publications
        self._storage = storage
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: UpdatePublicationCommand) -> Publication:
        now = self._clock.now()
        publication = await _managed(self._publications, cmd.publication_id, cmd.actor, now)
        details = dataclasses.replace(publication.details, **cmd.changes)
        status = cmd.status or publication.status
        errors = details.problems(status, now)
        removed = [_named(publication.images, name) for name in cmd.remove_images]
        if any(path is None for path in removed):
            errors.setdefault("remove_images", []).append("Image inconnue dans cette publication")
        kept = [path for path in publication.images if path not in removed]
        if len(kept) + len(cmd.new_images) > MAX_IMAGES:
            errors.setdefault("new_images", []).append(f"{MAX_IMAGES} images au plus")
        _image_problems(errors, "cover_image", [cmd.cover] if cmd.cover else [])
        _image_problems(errors, "new_images", cmd.new_images)
        if errors:
            raise PublicationInvalid(INVALID, details=errors)
        old_cover = publication.cover_image
        publication.edit(details, status, now)
        files = _Files(self._storage)
        try:
            if cmd.cover is not None:
                publication.cover_image = await files.save(self._config.cover_folder, cmd.cover, "cover_image")
            publication.images = kept + [await files.save(self._config.images_folder, image, "new_images")
                                         for image in cmd.new_images]
            await self._publications.save(publication)
            await self._uow.commit()
        except BaseException:
            await files.discard()
            raise
        gone = [path for path in removed if path] + ([old_cover] if cmd.cover is not None and old_cover else [])
        for path in gone:
            await self._storage.delete(path)
        return publication


@dataclass(frozen=True)
class PublicationCommand:
    actor: Actor
    publication_id: int


class DeletePublication:
    def __init__(self, publications: PublicationRepository, storage: FileStorage, uow: UnitOfWork,
                 clock: Clock) -> None:
        self._publications = publications
        self._storage = storage
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: PublicationCommand) -> None:
        publication = await _managed(self._publications, cmd.publication_id, cmd.actor, self._clock.now())
        files = [*([publication.cover_image] if publication.cover_image else []), *publication.images]
        await self._publications.delete(publication)
        await self._uow.commit()
        for path in files:
            await self._storage.delete(path)


class ToggleLike:
    """One like per account: a second call takes it back."""

    def __init__(self, publications: PublicationRepository, likes: LikeRepository, uow: UnitOfWork,
                 clock: Clock) -> None:
        self._publications = publications
        self._likes = likes
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: PublicationCommand) -> tuple[bool, int]:
        await _live(self._publications, cmd.publication_id, cmd.actor, self._clock.now())
        liked, count = await self._likes.toggle(cmd.publication_id, cmd.actor.user_id)
        await self._uow.commit()
        return liked, count


@dataclass(frozen=True)
class AddCommentCommand:
    actor: Actor
    publication_id: int
    content: str
    parent_id: int | None = None


class AddComment:
    def __init__(self, publications: PublicationRepository, comments: CommentRepository, reads: PublicationReads,
                 uow: UnitOfWork, clock: Clock) -> None:
        self._publications = publications
        self._comments = comments
        self._reads = reads
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: AddCommentCommand) -> CommentCard:
        now = self._clock.now()
        publication = await _live(self._publications, cmd.publication_id, cmd.actor, now)
        if not publication.allow_comments:
            raise CommentsClosed()
        errors = Comment.problems(cmd.content)
        if cmd.parent_id is not None:
            parent = await self._comments.get(cmd.publication_id, cmd.parent_id)
            if parent is None or parent.status is not CommentStatus.VISIBLE:
                errors.setdefault("parent_id", []).append("Commentaire parent introuvable dans cette publication")
        if errors:
            raise PublicationInvalid("Le commentaire est invalide", details=errors)
        comment = Comment(publication_id=cmd.publication_id, author_id=cmd.actor.user_id,
                          content=cmd.content.strip(), created_at=now, parent_id=cmd.parent_id)
        await self._comments.add(comment)
        await self._uow.commit()
        return CommentCard(comment, await _author(self._reads, cmd.actor.user_id))


@dataclass(frozen=True)
class CommentCommand:
    actor: Actor
    publication_id: int
    comment_id: int


class DeleteComment:
    """Its author deletes a comment (with its replies); the town's moderation team hides another's."""

    def __init__(self, publications: PublicationRepository, comments: CommentRepository, uow: UnitOfWork,
                 clock: Clock) -> None:
        self._publications = publications
        self._comments = comments
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: CommentCommand) -> None:
        publication = await self._publications.get_for_update(cmd.publication_id)
        if publication is None or not can_see(publication, cmd.actor, self._clock.now()):
            raise NotFound(NOT_FOUND)
        comment = await self._comments.get(cmd.publication_id, cmd.comment_id)
        moderator = MODERATE.allows(cmd.actor)
        if comment is None or (comment.status is CommentStatus.HIDDEN and not moderator
                               and not cmd.actor.is_user(comment.author_id)):
            raise NotFound(COMMENT_NOT_FOUND)
        if cmd.actor.is_user(comment.author_id):
            await self._comments.delete(comment)
        elif moderator:
            if comment.status is CommentStatus.VISIBLE:
                await self._comments.hide(comment)
        else:
            raise Forbidden(MODERATE.refusal)
        await self._uow.commit()


class PublishDue:
    """Cron, every minute: publishes each scheduled publication whose time came (never early: `scheduled_at <=
    now`; never twice: one conditional UPDATE per batch, status `scheduled` -> `published`), announces it in the
    same transaction, and archives the published ones that expired. After downtime the overdue ones all go at
    once, and the log says how many were late."""

    def __init__(self, publications: PublicationRepository, outbox: Outbox, uow: UnitOfWork, clock: Clock,
                 config: PublicationsConfig) -> None:
        self._publications = publications
        self._outbox = outbox
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self) -> int:
        now = self._clock.now()
        published = overdue = 0
        while True:
            due = await self._publications.publish_due(now, DUE_BATCH)
            for item in (item for item in due if item.first_time):
                self._outbox.add(tell_followers(item.id, item.municipality_id, item.author_id, item.title))
            await self._uow.commit()
            published += len(due)
            overdue += sum(1 for item in due if item.scheduled_at < now - self._config.overdue_after)
            if len(due) < DUE_BATCH:
                break
        archived = await self._publications.archive_expired(now)
        await self._uow.commit()
        if overdue:
            log.warning("publications: %d scheduled publication(s) overdue, published now (catching up)", overdue)
        if published or archived:
            log.info("publications: %d published on schedule, %d archived on expiry", published, archived)
        return published


class TellFollowers:
    """Job (payload of announcements.tell_followers): asks notifications to tell the town's active accounts but
    the author, in batches; notifications applies each account's opt-outs. The keys come from the publication,
    so a second run tells nobody twice."""

    def __init__(self, accounts: TownAccounts, notices: Notices, outbox: Outbox, uow: UnitOfWork,
                 config: PublicationsConfig) -> None:
        self._accounts = accounts
        self._notices = notices
        self._outbox = outbox
        self._uow = uow
        self._config = config

    async def __call__(self, payload: Mapping[str, Any]) -> int:
        publication_id, town = int(payload["publication_id"]), int(payload["municipality_id"])
        author_id = int(payload["author_id"])
        title = str(payload["title"])
        told, after = 0, 0
        while True:
            ids = list(await self._accounts.active_ids(town, after, self._config.notify_batch))
            if not ids:
                break
            after = ids[-1]
            recipients = [user_id for user_id in ids if user_id != author_id]
            if recipients:
                self._outbox.add(self._notices.published(recipients, publication_id, title))
                told += len(recipients)
        await self._uow.commit()
        return told
