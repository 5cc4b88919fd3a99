"""What happens to an announcement, recorded by the aggregate and handed to the outbox at commit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnnouncementPublished:
    """The announcement became active: its members are told (once; the key is the announcement)."""

    announcement_id: int
