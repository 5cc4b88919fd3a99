"""The announcements context in memory: announcements, reads, authors' names over the MemoryStore."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.memory.store import MemoryStore, detached
from application.announcements.ports import AnnouncementCard, AnnouncementFilter
from domain.announcements.model import PRIORITY_RANK, Announcement, Priority

ANNOUNCEMENTS, READS = "announcements", "announcements_reads"


class MemoryAnnouncementRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Announcement] = store.table(ANNOUNCEMENTS)

    async def add(self, announcement: Announcement) -> Announcement:
        announcement.id = self._store.next_id(ANNOUNCEMENTS)
        self._rows[announcement.id] = self._store.keep(announcement)
        return announcement

    async def get(self, announcement_id: int) -> Announcement | None:
        found = self._rows.get(announcement_id)
        return detached(found) if found else None

    get_for_update = get

    async def save(self, announcement: Announcement) -> None:
        assert announcement.id is not None, "an announcement is added before it is saved"
        self._rows[announcement.id] = self._store.keep(announcement)

    async def delete(self, announcement: Announcement) -> None:
        self._rows.pop(announcement.id or 0, None)
        reads = self._store.table(READS)
        for key in [k for k in reads if k[0] == announcement.id]:
            del reads[key]

    async def mark_due_announced(self, now: datetime) -> list[int]:
        marked = []
        for announcement in self._rows.values():
            if announcement.announced_at is None and announcement.is_active(now):
                announcement.announced_at = now
                marked.append(announcement.id or 0)
        return sorted(marked)


class MemoryReadMarks:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[tuple[int, int], datetime] = store.table(READS)

    async def mark(self, announcement_id: int, user_id: int, at: datetime) -> None:
        self._rows.setdefault((announcement_id, user_id), at)


class MemoryAuthorNames:
    def __init__(self, store: MemoryStore) -> None:
        self._users: dict[int, Any] = store.table("users")

    async def name_of(self, user_id: int) -> str:
        user = self._users.get(user_id)
        if user is None:
            return ""
        full = f"{user.first_name} {user.last_name}".strip()
        return full or str(user.username)


def sort_key(announcement: Announcement) -> tuple[bool, int, datetime, int]:
    return (announcement.is_pinned, PRIORITY_RANK[Priority(announcement.priority)], announcement.start_date,
            announcement.id or 0)


def matches(announcement: Announcement, wanted: AnnouncementFilter, is_read: bool) -> bool:
    if wanted.site_ids is not None and not (
            announcement.site_id in wanted.site_ids or (wanted.church_wide and announcement.site_id is None)):
        return False
    if wanted.active_at is not None and not announcement.is_active(wanted.active_at):
        return False
    if wanted.search and not any(wanted.search.casefold() in text.casefold()
                                 for text in (announcement.title, announcement.content)):
        return False
    return wanted.is_read is None or wanted.is_read == is_read


class MemoryAnnouncementReads:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def page(self, wanted: AnnouncementFilter, limit: int, offset: int) -> tuple[int, list[AnnouncementCard]]:
        reads = self._store.table(READS)
        cards = [AnnouncementCard(detached(a), (a.id, wanted.reader_id) in reads)
                 for a in self._store.table(ANNOUNCEMENTS).values()]
        found = sorted((c for c in cards if matches(c.announcement, wanted, c.is_read)),
                       key=lambda c: sort_key(c.announcement), reverse=True)
        return len(found), found[offset:offset + limit]

    async def one(self, announcement_id: int, reader_id: int) -> AnnouncementCard | None:
        found = self._store.table(ANNOUNCEMENTS).get(announcement_id)
        if found is None:
            return None
        return AnnouncementCard(detached(found), (announcement_id, reader_id) in self._store.table(READS))
