"""What members and staff read: active announcements of the reader's site and of every site (members); every
announcement of the sites they manage, whatever its window (staff)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.announcements.ports import AnnouncementCard, AnnouncementFilter, AnnouncementReads
from application.announcements.services import NOT_FOUND, is_readable, own_site_id
from application.shared.church import ChurchDirectory, SiteRef
from application.shared.ports import Clock
from domain.announcements.model import Announcement
from domain.announcements.permissions import MANAGE_ANNOUNCEMENTS, MANAGE_EVERY_SITE, READ_ANNOUNCEMENTS
from domain.shared.actor import Actor
from domain.shared.errors import NotFound

SEARCH_MAX = 200


@dataclass(frozen=True)
class AnnouncementPage:
    total: int
    cards: list[AnnouncementCard]
    has_next: bool
    sites: dict[int, SiteRef]  # the sites the cards name
    now: datetime


class AnnouncementQueries:
    def __init__(self, reads: AnnouncementReads, directory: ChurchDirectory, clock: Clock) -> None:
        self._reads = reads
        self._directory = directory
        self._clock = clock

    async def _page(self, wanted: AnnouncementFilter, page: int, page_size: int, *,
                    with_sites: bool) -> AnnouncementPage:
        total, cards = await self._reads.page(wanted, page_size, (page - 1) * page_size)
        wanted_sites = {c.announcement.site_id for c in cards if c.announcement.site_id is not None and with_sites}
        sites = {s.id: s for s in await self._directory.sites() if s.id in wanted_sites} if wanted_sites else {}
        return AnnouncementPage(total=total, cards=cards, has_next=page * page_size < total, sites=sites,
                                now=self._clock.now())

    async def site_of(self, announcement: Announcement) -> tuple[SiteRef | None, datetime]:
        """The site block a staff answer shows, and the moment its `is_active` is told at."""
        site_id = announcement.site_id
        return (await self._directory.site(site_id) if site_id is not None else None), self._clock.now()

    async def active(self, actor: Actor, *, page: int = 1, page_size: int = 20, search: str | None = None,
                     is_read: bool | None = None) -> AnnouncementPage:
        READ_ANNOUNCEMENTS.check(actor)
        site_id = await own_site_id(self._directory, actor)
        wanted = AnnouncementFilter(
            reader_id=actor.user_id, site_ids=frozenset({site_id} if site_id else ()),
            active_at=self._clock.now(), search=(search or "").strip()[:SEARCH_MAX] or None, is_read=is_read)
        return await self._page(wanted, page, page_size, with_sites=False)  # the member list shows no site

    async def one(self, actor: Actor, announcement_id: int) -> tuple[AnnouncementCard, SiteRef | None]:
        READ_ANNOUNCEMENTS.check(actor)
        card = await self._reads.one(announcement_id, actor.user_id)
        if card is None or not card.announcement.is_active(self._clock.now()):
            raise NotFound(NOT_FOUND)
        if not is_readable(card.announcement, await own_site_id(self._directory, actor)):
            raise NotFound(NOT_FOUND)
        site_id = card.announcement.site_id
        return card, (await self._directory.site(site_id) if site_id is not None else None)

    async def managed(self, actor: Actor, *, page: int = 1, page_size: int = 20,
                      search: str | None = None) -> AnnouncementPage:
        """Staff: every announcement of the sites they manage (all of them for admin and pasteur), church-wide
        ones included, past and future too."""
        MANAGE_ANNOUNCEMENTS.check(actor)
        if MANAGE_EVERY_SITE.allows(actor):
            sites: frozenset[int] | None = None
        else:
            site_id = await own_site_id(self._directory, actor)
            sites = frozenset({site_id} if site_id else ())
        wanted = AnnouncementFilter(reader_id=actor.user_id, site_ids=sites,
                                    search=(search or "").strip()[:SEARCH_MAX] or None)
        return await self._page(wanted, page, page_size, with_sites=True)
