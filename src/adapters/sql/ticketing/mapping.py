"""Imperative mapping of the events catalogue's entities."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sql.ticketing import tables
from domain.ticketing.model import Event, Participation, Share


def map_entities(mapper: registry) -> None:
    mapper.map_imperatively(Event, tables.events)
    mapper.map_imperatively(Participation, tables.participations)
    mapper.map_imperatively(Share, tables.shares)
