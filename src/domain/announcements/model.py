"""An announcement of the church: shown within its date window, to one site's members or (no site) to every site.

It is announced (pushed to its members) once, when it becomes active: created active, edited into its window, or
when its start date comes (a cron marks it with one conditional UPDATE)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.announcements.events import AnnouncementPublished
from domain.shared.errors import FieldErrors
from domain.shared.events import RecordsEvents
from domain.shared.time import require_aware

TITLE_MAX = 200
CONTENT_MAX = 20_000
EXCERPT_LENGTH = 150
REQUIRED = "Ce champ est requis"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


# Higher first in lists (after the pinned ones).
PRIORITY_RANK = {Priority.URGENT: 3, Priority.HIGH: 2, Priority.NORMAL: 1, Priority.LOW: 0}


def excerpt_of(content: str, length: int = EXCERPT_LENGTH) -> str:
    """The first `length` characters of the text, cut on a word and ended with "..." when the text is longer."""
    text = " ".join(content.split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] if " " in text[:length] else text[:length]
    return cut.rstrip(" ,;:.") + "..."


@dataclass(frozen=True)
class AnnouncementDetails:
    """What staff write. `site_id` None: the announcement is for every site."""

    title: str
    content: str
    start_date: datetime | None = None  # None: now (creating) or unchanged (editing)
    end_date: datetime | None = None
    site_id: int | None = None
    is_pinned: bool = False
    priority: Priority = Priority.NORMAL

    def problems(self) -> dict[str, list[str]]:
        errors = FieldErrors()
        title, content = self.title.strip(), self.content.strip()
        errors.add("title", REQUIRED if not title else None)
        errors.add("title", f"{TITLE_MAX} caractères au plus" if len(title) > TITLE_MAX else None)
        errors.add("content", REQUIRED if not content else None)
        errors.add("content", f"{CONTENT_MAX} caractères au plus" if len(content) > CONTENT_MAX else None)
        for name, moment in (("start_date", self.start_date), ("end_date", self.end_date)):
            if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
                errors.add(name, "Indiquez le fuseau horaire (par exemple 2026-01-05T00:00:00Z)")
        start = self.start_date
        if not errors.details and self.end_date is not None and start is not None and self.end_date <= start:
            errors.add("end_date", "La date de fin doit suivre la date de début")
        return errors.details


@dataclass(eq=False)
class Announcement(RecordsEvents):
    title: str
    content: str
    start_date: datetime
    end_date: datetime | None
    site_id: int | None
    is_pinned: bool
    priority: Priority
    author_id: int
    author_name: str
    created_at: datetime
    updated_at: datetime
    announced_at: datetime | None = None
    id: int | None = field(default=None)

    @classmethod
    def create(cls, details: AnnouncementDetails, author_id: int, author_name: str, now: datetime) -> Announcement:
        require_aware(now)
        announcement = cls(title="", content="", start_date=details.start_date or now, end_date=None, site_id=None,
                           is_pinned=False, priority=Priority.NORMAL, author_id=author_id, author_name=author_name,
                           created_at=now, updated_at=now)
        announcement._apply(details)
        return announcement

    def _apply(self, details: AnnouncementDetails) -> None:
        self.title, self.content = details.title.strip(), details.content.strip()
        self.start_date, self.end_date = details.start_date or self.start_date, details.end_date
        self.site_id, self.is_pinned, self.priority = details.site_id, details.is_pinned, details.priority

    @property
    def details(self) -> AnnouncementDetails:
        return AnnouncementDetails(title=self.title, content=self.content, start_date=self.start_date,
                                   end_date=self.end_date, site_id=self.site_id, is_pinned=self.is_pinned,
                                   priority=Priority(self.priority))

    @property
    def excerpt(self) -> str:
        return excerpt_of(self.content)

    def edit(self, details: AnnouncementDetails, now: datetime) -> None:
        """Every field again; the end must still follow the (kept) start."""
        start = details.start_date or self.start_date
        if details.end_date is not None and details.end_date <= start:
            raise FieldErrors.single("end_date", "La date de fin doit suivre la date de début")
        self._apply(details)
        self.updated_at = now

    def is_active(self, now: datetime) -> bool:
        return self.start_date <= now and (self.end_date is None or now < self.end_date)

    def announce_if_due(self, now: datetime) -> bool:
        """Once active and not yet announced: mark it and record the push. True when it did."""
        if self.announced_at is not None or self.id is None or not self.is_active(now):
            return False
        self.announced_at = now
        self._record(AnnouncementPublished(self.id))
        return True
