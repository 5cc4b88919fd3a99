"""Imperative mapping of the announcements context's entities."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sql.announcements import tables
from domain.announcements.model import Announcement


def map_entities(mapper: registry) -> None:
    mapper.map_imperatively(Announcement, tables.announcements)
