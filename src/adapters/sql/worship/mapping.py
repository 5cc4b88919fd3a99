"""The rota is read and written in SQLAlchemy Core (repositories.py); importing the tables puts them on the
shared metadata (Alembic's, the tests' clean-up script)."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sql.worship import tables


def map_entities(mapper: registry) -> None:
    assert tables.assignments.metadata is mapper.metadata
