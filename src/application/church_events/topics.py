"""The worker tasks of the church events."""

from __future__ import annotations

TELL_CANCELLED = "church_events_tell_cancelled"  # job: TellCancelled, payload {"event_id", "title", "start_date"}
