"""What a running process knows beyond its settings: the resolved database and queue URLs."""

from __future__ import annotations

from dataclasses import dataclass

from entrypoints.settings import Settings


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    database_url: str
    queue_url: str
