"""Running Alembic from code: upgrade on start, and the `agora db` commands."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

from adapters.sql.database import async_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", async_url(database_url).replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def _apart(work: Callable[[], object]) -> None:
    """Alembic's env runs its own event loop: give it a thread, so callers inside a loop can use it too."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(work).result()


def upgrade(database_url: str, revision: str = "head") -> None:
    _apart(lambda: command.upgrade(alembic_config(database_url), revision))


def downgrade(database_url: str, revision: str = "-1") -> None:
    _apart(lambda: command.downgrade(alembic_config(database_url), revision))


def revision(database_url: str, message: str, *, metadata: MetaData, autogenerate: bool = True) -> None:
    """`metadata` holds every context's tables (entrypoints.contexts.assembly.schema())."""
    config = alembic_config(database_url)
    config.attributes["target_metadata"] = metadata
    _apart(lambda: command.revision(config, message=message, autogenerate=autogenerate))


def current(database_url: str) -> None:
    _apart(lambda: command.current(alembic_config(database_url), verbose=False))
