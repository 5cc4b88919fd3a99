"""The isolation between database tests (tests/conftest.py `empty_tables`): no row of a test reaches the next,
and ids start again as on a fresh database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import func, select

from adapters.sql.database import make_engine, make_sessionmaker
from adapters.sql.identity.repositories import SqlUserRepository
from adapters.sql.identity.tables import users
from domain.identity.model import Realm, User


def a_user(name: str) -> User:
    return User(realm=Realm.SPOTVIBE, username=name, email=f"{name}@example.com", password_hash="h",
                created_at=datetime(2026, 5, 1, tzinfo=UTC))


async def test_emptying_the_tables_removes_every_row_and_restarts_the_ids(
        database_url: str, empty_tables: Callable[[], Awaitable[None]]) -> None:
    await empty_tables()
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        first = await SqlUserRepository(session).add(a_user("awa"))
        await SqlUserRepository(session).add(a_user("kofi"))
        await session.commit()

    await empty_tables()

    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(users)) == 0
        again = await SqlUserRepository(session).add(a_user("ama"))
        await session.commit()
    await empty_tables()
    await engine.dispose()
    assert again.id == first.id
