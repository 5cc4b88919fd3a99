"""Importing the tables puts them on the shared metadata (Alembic's, the tests' clean-up script)."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sql.community import tables


def map_entities(mapper: registry) -> None:
    assert tables.members.metadata is mapper.metadata
