"""The write side's cheap statements: a new row in one INSERT, a duplicate told apart without a savepoint.

The ORM's way to turn a duplicate into a Conflict is a savepoint around the flush (SAVEPOINT, INSERT, RELEASE:
three round trips and a unit-of-work pass per row). `insert_new` sends one `INSERT ... ON CONFLICT DO NOTHING
RETURNING id`: no row back means some unique constraint already holds the values, and the transaction is still
usable. The entity then joins the session as if it had been loaded, so later changes to it are ORM updates.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, make_transient_to_detached

from domain.shared.errors import Conflict


def row_values(mapper: Mapper[Any], entity: object) -> dict[str, Any]:
    """The entity's column values; unset keys, identities and defaulted columns left to the table."""
    values: dict[str, Any] = {}
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        value = getattr(entity, prop.key)
        if value is None and (column.primary_key or column.server_default is not None
                              or column.default is not None):
            continue
        values[column.name] = value
    return values


async def insert_new(session: AsyncSession, entity: object, conflict: str) -> None:
    """Inserts `entity` and gives it its key; Conflict(conflict) when a unique constraint already holds one of
    its values (then nothing is written and the entity stays out of the session). Any other integrity error (a
    missing row behind a foreign key, a broken CHECK) is a bug of the caller and propagates."""
    mapper: Mapper[Any] = inspect(type(entity))
    key = mapper.primary_key
    statement = (pg_insert(cast(Table, mapper.local_table)).values(row_values(mapper, entity))
                 .on_conflict_do_nothing().returning(*key))
    row = (await session.execute(statement)).first()
    if row is None:
        raise Conflict(conflict)
    for column, value in zip(key, row, strict=True):
        setattr(entity, mapper.get_property_by_column(column).key, value)
    make_transient_to_detached(entity)
    session.add(entity)
