"""EEBC announcements on the wire: the spec's field names ("Annonces"); the staff API's bodies use the same."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from application.announcements.ports import AnnouncementCard
from application.shared.church import SiteRef
from domain.announcements.model import Announcement, AnnouncementDetails, Priority
from domain.shared.ids import MAX_ID

PriorityName = Literal["low", "normal", "high", "urgent"]
SiteId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


class AnnouncementBody(msgspec.Struct, forbid_unknown_fields=True):
    """POST and PUT (every field again). `start_date` missing: now (POST) or unchanged (PUT); `site_id` null or
    missing: every site (admin, pasteur), the author's own site (secretariat)."""

    title: Annotated[str, msgspec.Meta(max_length=1000)]
    content: Annotated[str, msgspec.Meta(max_length=100_000)]
    start_date: datetime | None = None
    end_date: datetime | None = None
    site_id: SiteId | None = None
    is_pinned: bool = False
    priority: PriorityName = "normal"

    def details(self) -> AnnouncementDetails:
        return AnnouncementDetails(title=self.title, content=self.content, start_date=self.start_date,
                                   end_date=self.end_date, site_id=self.site_id, is_pinned=self.is_pinned,
                                   priority=Priority(self.priority))


class SiteOut(msgspec.Struct):
    id: int
    code: str
    name: str


class AnnouncementItem(msgspec.Struct):
    id: int
    title: str
    excerpt: str
    is_pinned: bool
    priority: str
    start_date: datetime
    author: str
    is_read: bool


class AnnouncementDetail(msgspec.Struct):
    id: int
    title: str
    excerpt: str
    content: str
    is_pinned: bool
    priority: str
    start_date: datetime
    end_date: datetime | None
    site: SiteOut | None  # null: for every site
    author: str
    is_read: bool
    created_at: datetime
    updated_at: datetime


class AnnouncementPage(msgspec.Struct):
    count: int
    next: str | None
    previous: str | None
    results: list[AnnouncementItem]


class MarkedRead(msgspec.Struct):
    success: bool
    message: str


class StaffAnnouncement(msgspec.Struct):
    id: int
    title: str
    excerpt: str
    content: str
    is_pinned: bool
    priority: str
    start_date: datetime
    end_date: datetime | None
    site: SiteOut | None
    author: str
    is_active: bool
    announced: bool  # its members were told (it became active)
    created_at: datetime
    updated_at: datetime


class StaffSaved(msgspec.Struct):
    success: bool
    message: str
    data: StaffAnnouncement


class StaffDeleted(msgspec.Struct):
    success: bool
    message: str


class StaffPage(msgspec.Struct):
    count: int
    next: str | None
    previous: str | None
    results: list[StaffAnnouncement]


def site_out(site: SiteRef | None) -> SiteOut | None:
    return SiteOut(id=site.id, code=site.code, name=site.name) if site else None


def item(card: AnnouncementCard) -> AnnouncementItem:
    a = card.announcement
    assert a.id is not None
    return AnnouncementItem(id=a.id, title=a.title, excerpt=a.excerpt, is_pinned=a.is_pinned,
                            priority=str(a.priority), start_date=a.start_date, author=a.author_name,
                            is_read=card.is_read)


def detail(card: AnnouncementCard, site: SiteRef | None) -> AnnouncementDetail:
    a = card.announcement
    assert a.id is not None
    return AnnouncementDetail(id=a.id, title=a.title, excerpt=a.excerpt, content=a.content, is_pinned=a.is_pinned,
                              priority=str(a.priority), start_date=a.start_date, end_date=a.end_date,
                              site=site_out(site), author=a.author_name, is_read=card.is_read,
                              created_at=a.created_at, updated_at=a.updated_at)


def staff(a: Announcement, site: SiteRef | None, now: datetime) -> StaffAnnouncement:
    assert a.id is not None
    return StaffAnnouncement(id=a.id, title=a.title, excerpt=a.excerpt, content=a.content, is_pinned=a.is_pinned,
                             priority=str(a.priority), start_date=a.start_date, end_date=a.end_date,
                             site=site_out(site), author=a.author_name, is_active=a.is_active(now),
                             announced=a.announced_at is not None, created_at=a.created_at,
                             updated_at=a.updated_at)
