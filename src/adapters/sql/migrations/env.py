"""Alembic environment: async engine, the contexts' metadata (handed in by the caller), SAQ's tables left alone."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from adapters.sql.database import make_engine
from adapters.sql.schema import metadata

config = context.config


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "index" and name is not None and name.endswith("_trgm"):
        return False  # made only where pg_trgm exists (revision 7a1c0e5e0003), so not in the metadata
    return not (type_ == "table" and name is not None and name.startswith("saq_"))


# `agora db revision --autogenerate` hands in the metadata the list of contexts assembled (every table loaded);
# running migrations needs none.
target_metadata = config.attributes.get("target_metadata", metadata)


def run_with(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, include_object=include_object,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    async with engine.connect() as connection:
        await connection.run_sync(run_with)
    await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:
    asyncio.run(run_online())
