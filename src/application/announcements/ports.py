"""What the announcements use cases need from persistence and from the identity context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.shared.ports import OutboxMessage
from domain.announcements.model import Announcement


class AnnouncementRepository(Protocol):
    async def add(self, announcement: Announcement) -> Announcement: ...

    async def get(self, announcement_id: int) -> Announcement | None: ...

    async def get_for_update(self, announcement_id: int) -> Announcement | None: ...

    async def save(self, announcement: Announcement) -> None: ...

    async def delete(self, announcement: Announcement) -> None:
        """Removes the announcement and its reads."""
        ...

    async def mark_due_announced(self, now: datetime) -> list[int]:
        """One conditional UPDATE: every announcement active at `now` and not yet announced is marked announced;
        the ids it marked (a concurrent run marks none of them twice)."""
        ...


class ReadMarks(Protocol):
    async def mark(self, announcement_id: int, user_id: int, at: datetime) -> None:
        """Records that the account read it; marking it again changes nothing."""
        ...


class AuthorNames(Protocol):
    async def name_of(self, user_id: int) -> str:
        """The account's full name (its username when it has none): the `author` an announcement shows."""
        ...


@dataclass(frozen=True)
class AnnouncementFilter:
    """`site_ids` None: every site's announcements; otherwise those sites' (plus church-wide ones when
    `church_wide`). `active_at` None: whatever their window (the staff list)."""

    reader_id: int
    site_ids: frozenset[int] | None
    church_wide: bool = True
    active_at: datetime | None = None
    search: str | None = None
    is_read: bool | None = None


@dataclass(frozen=True)
class AnnouncementCard:
    announcement: Announcement
    is_read: bool


class AnnouncementReads(Protocol):
    async def page(self, wanted: AnnouncementFilter, limit: int, offset: int) -> tuple[int, list[AnnouncementCard]]:
        """The total and one page: pinned first, then by priority (urgent first), newest start first."""
        ...

    async def one(self, announcement_id: int, reader_id: int) -> AnnouncementCard | None: ...


class PushRequests(Protocol):
    """Builds the notifications context's `notify` request for one batch of an announcement's recipients (wired in
    entrypoints/contexts/notification_reactions.py: contexts never import each other)."""

    def announcement(self, announcement: Announcement, user_ids: list[int]) -> OutboxMessage: ...
