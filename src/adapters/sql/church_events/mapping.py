"""Imperative mapping of the church events' entities."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sql.church_events import tables
from domain.church_events.model import ChurchEvent, Registration


def map_entities(mapper: registry) -> None:
    mapper.map_imperatively(ChurchEvent, tables.events)
    mapper.map_imperatively(Registration, tables.registrations)
