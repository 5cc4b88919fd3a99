"""The migration "stairway": every Alembic revision goes up, down and up again on a fresh database,
and the head matches every context's tables (autogenerate would find nothing to write)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sql import migrate
from adapters.sql.database import async_url
from entrypoints.contexts.assembly import schema

STAIRWAY_DB = "agora_stairway"


async def _recreate(server_url: str, name: str, *, drop_only: bool = False) -> None:
    engine = create_async_engine(async_url(server_url), isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if not drop_only:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()


@pytest.fixture
def fresh_database(database_url: str) -> Iterator[str]:
    """An empty database beside the test database, on the same server."""
    url = urlunsplit(urlsplit(database_url)._replace(path=f"/{STAIRWAY_DB}"))
    asyncio.run(_recreate(database_url, STAIRWAY_DB))
    yield url
    asyncio.run(_recreate(database_url, STAIRWAY_DB, drop_only=True))


def revisions(url: str) -> list[Script]:
    """Base to head."""
    script = ScriptDirectory.from_config(migrate.alembic_config(url))
    return list(reversed(list(script.walk_revisions("base", "heads"))))


def _inspect(url: str, work: Any) -> Any:
    async def run() -> Any:
        engine = create_async_engine(async_url(url))
        async with engine.connect() as connection:
            result = await connection.run_sync(work)
        await engine.dispose()
        return result

    return asyncio.run(run())


def tables(url: str) -> set[str]:
    return _inspect(url, lambda connection: set(inspect(connection).get_table_names()))


def differences(url: str) -> list[Any]:
    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_object": lambda obj, name, type_, reflected, to: not (
                (type_ == "table" and str(name).startswith("saq_"))
                or (type_ == "index" and str(name).endswith("_trgm"))),  # only where pg_trgm exists
        })
        return list(compare_metadata(context, schema()))

    return _inspect(url, compare)


def test_there_is_a_single_head(fresh_database: str) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(fresh_database))
    assert len(script.get_heads()) == 1


def test_every_revision_goes_up_down_and_up_again(fresh_database: str) -> None:
    steps = revisions(fresh_database)
    assert steps, "no migration found"
    for step in steps:
        migrate.upgrade(fresh_database, step.revision)
        migrate.downgrade(fresh_database, step.down_revision or "base")  # type: ignore[arg-type]
        migrate.upgrade(fresh_database, step.revision)
    assert differences(fresh_database) == [], "the tables and the migrations disagree: write a revision"

    migrate.downgrade(fresh_database, "base")
    assert tables(fresh_database) <= {"alembic_version"}, "a downgrade left tables behind"
