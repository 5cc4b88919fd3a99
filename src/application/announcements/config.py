"""Settings of the announcements context."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnnouncementsConfig:
    page_size: int = 20
    # The ids of one `notify` message (the notifications context fans out each message on its own).
    push_batch: int = 1000
