"""Ticket sales, phase 1 of their wiring: their tables join the schema. Providers, the `ticket` purpose owner,
the cancel job and the hold-expiry cron are wired when the events half is merged (see docs/ticketing.md)."""

from __future__ import annotations

from adapters.sql.ticketing_sales.mapping import map_entities
from entrypoints.contexts.base import BoundedContext

TICKETING_SALES = BoundedContext(name="ticketing_sales", map_entities=map_entities)
