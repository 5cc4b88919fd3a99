"""Aggregates record what happened to them; committing the unit of work hands it to the outbox."""

from __future__ import annotations

from typing import Any


class RecordsEvents:
    """Mixed into an aggregate: `_record(event)` when something happens, `pull_events()` once, at commit."""

    def _record(self, event: Any) -> None:
        # Not a dataclass field: persistence rebuilds aggregates without calling __init__.
        self.__dict__.setdefault("_pending_events", []).append(event)

    def pull_events(self) -> list[Any]:
        """The events recorded since the last pull; each is pulled once."""
        events: list[Any] = self.__dict__.pop("_pending_events", [])
        return events
