"""Imperative mapping of the publications' entities."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sql.publications import tables
from domain.publications.model import Comment, Publication


def map_entities(mapper: registry) -> None:
    mapper.map_imperatively(Publication, tables.publications)
    mapper.map_imperatively(Comment, tables.comments)
