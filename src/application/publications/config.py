"""Settings of the publications context the use cases read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class PublicationsConfig:
    # One counted view per account and publication within this window.
    view_window: timedelta = timedelta(minutes=30)
    # A scheduled publication published later than this after its time was missed (the worker was down).
    overdue_after: timedelta = timedelta(seconds=90)
    # Accounts told per notify message.
    notify_batch: int = 1000
    cover_folder: str = "publications/covers"
    images_folder: str = "publications/images"
