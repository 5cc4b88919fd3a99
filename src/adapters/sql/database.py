"""Engines and sessions, and the embedded PostgreSQL used when no DATABASE_URL is given."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import msgspec
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

log = logging.getLogger("agora.db")


def async_url(url: str) -> str:
    """The SQLAlchemy URL with the asyncpg driver, from any postgres URL."""
    for prefix in ("postgresql+asyncpg://", "postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    raise ValueError(f"not a PostgreSQL URL: {url}")


def libpq_url(url: str) -> str:
    """The plain libpq form (postgresql://) that psycopg and SAQ's Postgres queue want."""
    for prefix in ("postgresql+asyncpg://", "postgresql+psycopg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix):]
    return url


MIN_CONNECTIONS = 8  # the smallest share that gives every pool two connections


@dataclass(frozen=True)
class ConnectionShare:
    """How one process spends its PostgreSQL connections: the ORM's pool (writes), asyncpg's read pool, the
    queue's pool, and one for the inbox listener. Bounded, never overflowing: under a rush a request waits for a
    connection (`pool_timeout`) instead of the server refusing one ("too many clients" for everyone)."""

    orm: int
    reads: int
    queue: int
    listener: int = 1

    @classmethod
    def of(cls, connections: int) -> ConnectionShare:
        queue = max(2, connections // 6)
        reads = max(2, connections // 3)
        return cls(orm=max(2, connections - queue - reads - 1), reads=reads, queue=queue)

    @property
    def total(self) -> int:
        return self.orm + self.reads + self.queue + self.listener


def per_process(total: int, processes: int) -> int:
    """Each process's part of what a deployment may open together (at least the smallest working share)."""
    return max(MIN_CONNECTIONS, total // max(1, processes))


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """No ping before each checkout (a round trip per request): a connection the database dropped fails the one
    statement that meets it, and SQLAlchemy then discards the whole pool; idle connections are renewed after
    30 minutes. JSON columns are read by msgspec (the same Python values as the json module, faster)."""
    return create_async_engine(async_url(url), pool_recycle=1800, json_deserializer=msgspec.json.decode, **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@dataclass
class EmbeddedPostgres:
    """A private PostgreSQL 16 from the pgserver wheel, its data kept in `folder`."""

    folder: Path
    database: str = "agora"
    _server: Any = None

    def start(self) -> str:
        import pgserver

        self.folder.mkdir(parents=True, exist_ok=True)
        _forget_dead_users(self.folder)
        self._server = pgserver.postgres_server.get_server(str(self.folder), cleanup_mode="stop")
        query = f"SELECT 1 FROM pg_database WHERE datname = '{self.database}';"  # noqa: S608 - our own name
        exists = self._server.psql(query)
        if "1 row" not in exists:
            self._server.psql(f'CREATE DATABASE "{self.database}";')
        log.info("embedded PostgreSQL running in %s", self.folder)
        return self._url(self.database)

    def create_database(self, name: str) -> str:
        assert self._server is not None
        self._server.psql(f'DROP DATABASE IF EXISTS "{name}";')
        self._server.psql(f'CREATE DATABASE "{name}";')
        return self._url(name)

    def _url(self, database: str) -> str:
        # pgserver puts the socket in the data folder, or in a short runtime folder when that path is too
        # long for a unix socket (~100 characters): ask the running server where it is.
        assert self._server is not None
        socket_dir = self._server.get_postmaster_info().socket_dir or self.folder
        return f"postgresql://postgres:@/{database}?host={quote(str(socket_dir), safe='/')}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None


def _forget_dead_users(folder: Path) -> None:
    """pgserver stops the server when the last process using it leaves, and lists those processes in a
    file; one killed hard stays listed, and the server would then never stop. Drop the dead ones."""
    import psutil
    from pgserver.postgres_server import PostgresServer

    listing = folder / ".handle_pids.json"
    with PostgresServer._lock:
        if not listing.exists():
            return
        pids: list[int] = json.loads(listing.read_text() or "[]")
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            log.info("forgetting %d dead users of the embedded PostgreSQL", len(pids) - len(alive))
            listing.write_text(json.dumps(alive))
