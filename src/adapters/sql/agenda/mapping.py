"""Imperative mapping of the agenda's entities."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sql.agenda import tables
from domain.agenda.model import Event


def map_entities(mapper: registry) -> None:
    mapper.map_imperatively(Event, tables.events)
