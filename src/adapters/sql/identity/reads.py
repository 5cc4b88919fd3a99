"""Identity's read side: one round trip each (see adapters/sql/reads.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, select

from adapters.sql.identity import tables
from adapters.sql.reads import ReadStatement, RowReader, SqlReads
from application.identity.ports import Caller
from domain.identity.model import LoginAttempt, Municipality, SocialAccount, User

_users, _sessions, _towns = tables.users, tables.refresh_sessions, tables.municipalities
_attempts, _social = tables.login_attempts, tables.social_accounts

_TOWN_OF_USER = [column.label(f"town_{column.name}") for column in _towns.c]
_CALLER = ReadStatement(select(
    _users, *_TOWN_OF_USER,
    exists().where(_sessions.c.family_id == bindparam("session_id"), _sessions.c.revoked_at.is_(None),
                   _sessions.c.expires_at > bindparam("now")).label("session_active"),
).outerjoin(_towns, _towns.c.id == _users.c.municipality_id).where(_users.c.id == bindparam("user_id")))
_PROFILE = ReadStatement(
    select(_users, *_TOWN_OF_USER)
    .outerjoin(_towns, _towns.c.id == _users.c.municipality_id).where(_users.c.id == bindparam("user_id")))
_TOWN = ReadStatement(select(_towns).where(_towns.c.id == bindparam("municipality_id")))
_ATTEMPTS = ReadStatement(select(_attempts).where(_attempts.c.user_id == bindparam("user_id"))
                          .order_by(_attempts.c.at.desc(), _attempts.c.id.desc()).limit(bindparam("limit")))
_SOCIAL = ReadStatement(select(_social).where(_social.c.user_id == bindparam("user_id")).order_by(_social.c.id))

_user = RowReader(_users, User)
_town = RowReader(_towns, Municipality)
_town_of_user = RowReader(_towns, Municipality, prefix="town_")
_attempt = RowReader(_attempts, LoginAttempt)
_social_account = RowReader(_social, SocialAccount)


def _town_in(row: Mapping[str, Any]) -> Municipality | None:
    return None if row["town_id"] is None else _town_of_user(row)


class SqlIdentityReads(SqlReads):
    async def caller(self, user_id: int, session_id: str, now: datetime) -> Caller:
        row = await self._first(_CALLER, user_id=user_id, session_id=session_id, now=now)
        if row is None:
            return Caller(user=None, session_active=False)
        return Caller(user=_user(row), session_active=row["session_active"], municipality=_town_in(row))

    async def profile(self, user_id: int) -> tuple[User, Municipality | None] | None:
        row = await self._first(_PROFILE, user_id=user_id)
        if row is None:
            return None
        return _user(row), _town_in(row)

    async def municipality(self, municipality_id: int) -> Municipality | None:
        row = await self._first(_TOWN, municipality_id=municipality_id)
        return None if row is None else _town(row)

    async def login_attempts(self, user_id: int, limit: int) -> list[LoginAttempt]:
        return [_attempt(row) for row in await self._all(_ATTEMPTS, user_id=user_id, limit=limit)]

    async def social_accounts(self, user_id: int) -> list[SocialAccount]:
        return [_social_account(row) for row in await self._all(_SOCIAL, user_id=user_id)]
