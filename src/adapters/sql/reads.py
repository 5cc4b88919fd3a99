"""The base of every SQL read model: Core selects on an autocommit connection.

A read sends its statement and nothing else: no BEGIN/ROLLBACK around it, no ORM session, identity map or unit
of work, no connection check before it (the engine does not pre-ping: a connection broken by a database restart
fails the request that meets it and the pool is thrown away). Statements are built once, at import, with
`bindparam`s, so SQLAlchemy compiles each one once per process. Rows become read models (or, for the caller of
a request, detached entities) in the adapter; nothing here is ever written back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Executable, Row
from sqlalchemy.ext.asyncio import AsyncEngine


class SqlReads:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")

    async def _first(self, statement: Executable, params: Mapping[str, Any] | None = None) -> Row[Any] | None:
        async with self._engine.connect() as connection:
            return (await connection.execute(statement, params)).first()

    async def _all(self, statement: Executable, params: Mapping[str, Any] | None = None) -> Sequence[Row[Any]]:
        async with self._engine.connect() as connection:
            return (await connection.execute(statement, params)).all()
