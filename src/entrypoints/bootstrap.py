"""Where a process finds its database: DATABASE_URL, or the embedded PostgreSQL in the data folder."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from adapters.sql import migrate
from adapters.sql.database import EmbeddedPostgres, libpq_url
from entrypoints.runtime import Runtime
from entrypoints.settings import Settings

log = logging.getLogger("agora")


def migrate_on_start(settings: Settings) -> bool:
    """Embedded mode always upgrades; with DATABASE_URL only when AGORA_MIGRATE_ON_START=1."""
    return settings.database_url is None or settings.migrate_on_start


@contextmanager
def database(settings: Settings, *, upgrade: bool | None = None) -> Iterator[Runtime]:
    """Yields the process's Runtime with the database reachable (and migrated, when `upgrade`, by
    default as `migrate_on_start` says). The embedded server stops on exit; its data stays.
    Several processes may share one data folder: the server keeps running until the last one leaves."""
    embedded: EmbeddedPostgres | None = None
    if settings.database_url:
        url = settings.database_url
    else:
        embedded = EmbeddedPostgres(settings.data_dir / "pg")
        url = embedded.start()
    try:
        if migrate_on_start(settings) if upgrade is None else upgrade:
            log.info("applying migrations")
            migrate.upgrade(url)
        yield Runtime(settings=settings, database_url=url, queue_url=settings.queue_url or libpq_url(url))
    finally:
        if embedded is not None:
            embedded.stop()
