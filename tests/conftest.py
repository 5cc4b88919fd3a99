"""Shared fixtures: one embedded PostgreSQL per test process, migrated once; a fresh container per test."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
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


async def truncate_all(database_url: str) -> None:
    from sqlalchemy import text

    from adapters.sql.database import make_engine
    from entrypoints.contexts.assembly import schema

    engine = make_engine(database_url)
    names = ", ".join(f'"{table.name}"' for table in schema().sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
async def clean_database(database_url: str) -> AsyncIterator[None]:
    yield
    await truncate_all(database_url)
