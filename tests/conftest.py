"""Shared fixtures: one embedded PostgreSQL per test process, migrated once; a fresh container per test."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from adapters.sql import migrate
from adapters.sql.database import EmbeddedPostgres, libpq_url

os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")


@pytest.fixture(scope="session", autouse=True)
def mapped_entities() -> None:
    """Every context's entities mapped onto its tables, as the container does when the engine starts."""
    from entrypoints.contexts.assembly import schema

    schema()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A migrated database on a private PostgreSQL (pgserver), or TEST_DATABASE_URL when set."""
    if os.environ.get("TEST_DATABASE_URL"):
        url = os.environ["TEST_DATABASE_URL"]
        migrate.upgrade(url)
        yield url
        return
    folder = Path(tempfile.mkdtemp(prefix="agora-pg-", dir="/tmp"))
    server = EmbeddedPostgres(folder)
    server.start()
    url = server.create_database("agora_test")
    migrate.upgrade(url)
    yield url
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def queue_url(database_url: str) -> str:
    return libpq_url(database_url)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="agora-data-") as folder:
        yield Path(folder)


# The sequences of identity and serial columns start again, as TRUNCATE ... RESTART IDENTITY does; a sequence
# of its own (payments_reference_seq) goes on, so that references stay unique for the fake providers, which
# live longer than a test.
RESTART_SEQUENCES = ("SELECT setval(s.seqrelid, s.seqstart, false) FROM pg_sequence s JOIN pg_depend d "
                     "ON d.objid = s.seqrelid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i');")


@pytest.fixture(scope="session")
async def empty_tables(database_url: str) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """Deletes every row of every table and restarts the sequences, in one round trip on a kept connection.

    Measured on the embedded PostgreSQL 16 (tables holding a test's few rows): about 2 ms, where TRUNCATE of
    the same tables took 50 to 130 ms and a database cloned from a migrated template (CREATE DATABASE ...
    TEMPLATE, then DROP) 300 ms or more: both rewrite files, and this disk is shared."""
    from adapters.sql.database import make_engine
    from entrypoints.contexts.assembly import schema

    engine = make_engine(database_url, pool_size=1)
    children_first = reversed(schema().sorted_tables)
    deletes = " ".join(f'DELETE FROM "{table.name}";' for table in children_first)  # noqa: S608 (our tables)
    script = f"BEGIN; {deletes} {RESTART_SEQUENCES} COMMIT;"

    async def empty() -> None:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            await raw.driver_connection.execute(script)  # type: ignore[union-attr]

    yield empty
    await engine.dispose()


@pytest.fixture
async def clean_database(empty_tables: Callable[[], Awaitable[None]]) -> AsyncIterator[None]:
    """Every table is empty before the test and after it (children first, as the foreign keys want), the
    sequences restarted. Before too: the migrations seed rows (the church's two sites) that the first test of a
    process would otherwise meet."""
    await empty_tables()
    yield
    await empty_tables()
