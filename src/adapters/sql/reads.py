"""The base of every SQL read model: Core selects compiled once, run straight on asyncpg.

A read sends its statement and nothing else: no BEGIN/ROLLBACK around it, no ORM session, identity map or unit
of work, and no SQLAlchemy execution layer (which costs about twice the query itself in CPU). Statements are
written with Core (`select(...)` and `bindparam`s, so they follow the tables) at import, compiled once for
asyncpg, and prepared once per connection by asyncpg's statement cache. Records become read models, or detached
entities through `RowReader`, in the adapter; nothing read here is ever written back. Reads see committed data
only: a use case that must read its own writes reads through its repositories.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import asyncpg
from sqlalchemy import Enum, Table
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.sql import Select

from adapters.sql.database import libpq_url

_DIALECT = asyncpg_dialect(paramstyle="numeric_dollar")  # type: ignore[no-untyped-call]
T = TypeVar("T")


class ReadStatement:
    """A Core select as asyncpg runs it: its SQL text and the order of its named parameters."""

    def __init__(self, statement: Select[Any]) -> None:
        compiled = statement.compile(dialect=_DIALECT)
        self.sql = compiled.string
        self._names = list(compiled.positiontup or ())

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        return [params[name] for name in self._names]


class ReadPool:
    """The process's connections for reads, beside the ORM's pool for writes."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @classmethod
    async def open(cls, database_url: str, *, max_size: int = 10) -> ReadPool:
        # A read changes no session state, so a connection goes back to the pool without asyncpg's reset
        # (one more round trip: UNLISTEN, RESET ALL, ...).
        return cls(await asyncpg.create_pool(libpq_url(database_url), min_size=1, max_size=max_size,
                                             reset=_keep_as_is))

    async def close(self) -> None:
        await self.pool.close()


class RowReader(Generic[T]):
    """Builds `entity` from the columns of `table` in a record (named `prefix` + column), turning the enum
    columns' strings into their enums as the ORM would."""

    def __init__(self, table: Table, entity: Callable[..., T], *, prefix: str = "") -> None:
        self._entity = entity
        self._columns = [(column.name, prefix + column.name, _enum_of(column.type)) for column in table.c]

    def __call__(self, record: Mapping[str, Any]) -> T:
        values = {}
        for name, key, kind in self._columns:
            value = record[key]
            values[name] = kind(value) if kind is not None and value is not None else value
        return self._entity(**values)


async def _keep_as_is(connection: asyncpg.Connection) -> None:
    return None


def _enum_of(column_type: Any) -> type[enum.Enum] | None:
    return column_type.enum_class if isinstance(column_type, Enum) else None


class SqlReads:
    def __init__(self, reads: ReadPool) -> None:
        self._pool = reads.pool

    async def _first(self, statement: ReadStatement, **params: Any) -> asyncpg.Record | None:
        return await self._pool.fetchrow(statement.sql, *statement.arguments(params))

    async def _all(self, statement: ReadStatement, **params: Any) -> Sequence[asyncpg.Record]:
        rows: Sequence[asyncpg.Record] = await self._pool.fetch(statement.sql, *statement.arguments(params))
        return rows
