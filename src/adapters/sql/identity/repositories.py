"""SQL repositories of the identity context (PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from adapters.sql.identity import tables
from domain.identity.errors import EmailTaken, UsernameTaken
from domain.identity.model import (
    CodePurpose,
    LoginAttempt,
    Municipality,
    OneTimeCode,
    Realm,
    RefreshSession,
    SocialAccount,
    SocialProvider,
    User,
)
from domain.identity.policies import LockoutPolicy
from domain.shared.errors import Conflict


def _unique_violation(error: IntegrityError) -> str:
    return str(getattr(error.orig, "__cause__", None) or error.orig)


class SqlUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._repo = _Users(session=session, auto_expunge=False, auto_commit=False)

    async def add(self, user: User) -> User:
        try:
            async with self._session.begin_nested():
                self._session.add(user)
                await self._session.flush()
        except IntegrityError as error:
            message = _unique_violation(error)
            if "username" in message:
                raise UsernameTaken() from None
            raise EmailTaken() from None
        return user

    async def get(self, user_id: int) -> User | None:
        return await self._repo.get_one_or_none(id=user_id)

    async def get_for_update(self, user_id: int) -> User | None:
        result = await self._session.execute(
            select(User).where(tables.users.c.id == user_id).with_for_update().execution_options(
                populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def by_email(self, realm: Realm, email: str) -> User | None:
        return await self._repo.get_one_or_none(realm=realm, email=email)

    async def by_username(self, realm: Realm, username: str) -> User | None:
        result = await self._session.execute(
            select(User).where(tables.users.c.realm == realm,
                               func.lower(tables.users.c.username) == username.lower())
        )
        return result.scalar_one_or_none()

    async def save(self, user: User) -> None:
        try:
            async with self._session.begin_nested():
                self._session.add(user)
                await self._session.flush()
        except IntegrityError:
            raise EmailTaken() from None


    # The lockout writes below are single statements on a row read earlier without a lock. Under READ COMMITTED,
    # concurrent UPDATEs of one row queue on its row lock for the statement only, and each re-evaluates its
    # WHERE and SET on the row as the previous one left it: failures add up exactly and one of them locks.

    async def record_failed_login(self, user: User, policy: LockoutPolicy, now: datetime) -> bool:
        t = tables.users
        count = t.c.failed_logins + 1
        reaches = count >= policy.max_failures
        result = await self._session.execute(
            update(t)
            .where(t.c.id == user.id, _unlocked(now))
            .values(failed_logins=case((reaches, 0), else_=count),
                    locked_until=case((reaches, literal(now + policy.lock_for, t.c.locked_until.type)),
                                      else_=t.c.locked_until))
            .returning(t.c.failed_logins, t.c.locked_until)
            .execution_options(synchronize_session=False)
        )
        row = result.first()
        if row is None:  # locked since it was read (or gone): refused, not counted
            await self._refresh(user)
            return user.is_locked(now)
        set_committed_value(user, "failed_logins", row.failed_logins)
        set_committed_value(user, "locked_until", row.locked_until)
        return user.is_locked(now)

    async def record_login(self, user: User, now: datetime, *, new_hash: str | None = None) -> bool:
        t = tables.users
        changes: dict[str, Any] = {"failed_logins": 0, "locked_until": None, "last_login": now}
        if new_hash is not None:
            changes["password_hash"] = new_hash
        result = await self._session.execute(
            update(t)
            .where(t.c.id == user.id, t.c.is_active.is_(True), _unlocked(now),
                   t.c.password_hash.is_not_distinct_from(user.password_hash))
            .values(**changes)
            .returning(t.c.id)
            .execution_options(synchronize_session=False)
        )
        if result.first() is None:
            await self._refresh(user)
            return False
        for name, value in changes.items():
            set_committed_value(user, name, value)
        return True

    async def rehash_password(self, user: User, new_hash: str) -> bool:
        t = tables.users
        result = await self._session.execute(
            update(t)
            .where(t.c.id == user.id, t.c.password_hash == user.password_hash)
            .values(password_hash=new_hash)
            .returning(t.c.id)
            .execution_options(synchronize_session=False)
        )
        if result.first() is None:
            return False
        set_committed_value(user, "password_hash", new_hash)
        return True

    async def _refresh(self, user: User) -> None:
        await self._session.execute(
            select(User).where(tables.users.c.id == user.id).execution_options(populate_existing=True)
        )


def _unlocked(now: datetime) -> ColumnElement[bool]:
    """`not User.is_locked(now)`, in SQL."""
    t = tables.users
    return or_(t.c.locked_until.is_(None), t.c.locked_until <= now)


class _Users(SQLAlchemyAsyncRepository[User]):  # type: ignore[type-var]
    model_type = User


class _Municipalities(SQLAlchemyAsyncRepository[Municipality]):  # type: ignore[type-var]
    model_type = Municipality


class SqlMunicipalityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._repo = _Municipalities(session=session, auto_expunge=False, auto_commit=False)

    async def add(self, municipality: Municipality) -> Municipality:
        try:
            async with self._session.begin_nested():
                self._session.add(municipality)
                await self._session.flush()
        except IntegrityError:
            raise Conflict("Cette commune existe déjà") from None
        return municipality

    async def get(self, municipality_id: int) -> Municipality | None:
        return await self._repo.get_one_or_none(id=municipality_id)

    async def by_code(self, code: str) -> Municipality | None:
        return await self._repo.get_one_or_none(code=code)


class SqlRefreshSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, session: RefreshSession) -> None:
        self._session.add(session)
        await self._session.flush()

    async def get(self, jti: str) -> RefreshSession | None:
        return await self._session.get(RefreshSession, jti, populate_existing=True)

    async def rotate(self, jti: str, replaced_by: str, now: datetime) -> bool:
        t = tables.refresh_sessions
        result = await self._session.execute(
            update(t)
            .where(t.c.jti == jti, t.c.revoked_at.is_(None), t.c.expires_at > now)
            .values(revoked_at=now, replaced_by=replaced_by)
            .returning(t.c.jti)
            .execution_options(synchronize_session=False)
        )
        return result.first() is not None

    async def revoke_family(self, family_id: str, now: datetime) -> None:
        t = tables.refresh_sessions
        await self._session.execute(
            update(t).where(t.c.family_id == family_id, t.c.revoked_at.is_(None)).values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )

    async def revoke_all_for_user(self, user_id: int, now: datetime, *, keep_family: str | None = None) -> None:
        t = tables.refresh_sessions
        condition = and_(t.c.user_id == user_id, t.c.revoked_at.is_(None))
        if keep_family is not None:
            condition = and_(condition, t.c.family_id != keep_family)
        await self._session.execute(
            update(t).where(condition).values(revoked_at=now).execution_options(synchronize_session=False)
        )


class SqlOneTimeCodeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, code: OneTimeCode) -> None:
        self._session.add(code)
        await self._session.flush()

    async def latest_live(self, user_id: int, purpose: CodePurpose, now: datetime) -> OneTimeCode | None:
        t = tables.one_time_codes
        result = await self._session.execute(
            select(OneTimeCode)
            .where(t.c.user_id == user_id, t.c.purpose == purpose, t.c.consumed_at.is_(None), t.c.expires_at > now)
            .order_by(t.c.created_at.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def by_digest(self, purpose: CodePurpose, digest: str) -> OneTimeCode | None:
        t = tables.one_time_codes
        result = await self._session.execute(select(OneTimeCode).where(t.c.purpose == purpose, t.c.digest == digest))
        return result.scalars().first()

    async def count_attempt(self, code_id: str) -> int:
        t = tables.one_time_codes
        result = await self._session.execute(
            update(t).where(t.c.id == code_id).values(attempts=t.c.attempts + 1).returning(t.c.attempts)
            .execution_options(synchronize_session=False)
        )
        return int(result.scalar_one())

    async def consume(self, code_id: str, now: datetime) -> bool:
        t = tables.one_time_codes
        result = await self._session.execute(
            update(t).where(t.c.id == code_id, t.c.consumed_at.is_(None)).values(consumed_at=now).returning(t.c.id)
            .execution_options(synchronize_session=False)
        )
        return result.first() is not None

    async def revoke_for(self, user_id: int, purpose: CodePurpose, now: datetime) -> None:
        t = tables.one_time_codes
        await self._session.execute(
            update(t).where(t.c.user_id == user_id, t.c.purpose == purpose, t.c.consumed_at.is_(None))
            .values(consumed_at=now).execution_options(synchronize_session=False)
        )


class SqlLoginAttemptRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, attempt: LoginAttempt) -> None:
        self._session.add(attempt)
        await self._session.flush()


class SqlSocialAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, account: SocialAccount) -> SocialAccount:
        try:
            async with self._session.begin_nested():
                self._session.add(account)
                await self._session.flush()
        except IntegrityError:
            raise Conflict("Ce compte social est déjà lié") from None
        return account

    async def find(self, provider: SocialProvider, social_id: str) -> SocialAccount | None:
        t = tables.social_accounts
        result = await self._session.execute(
            select(SocialAccount).where(t.c.provider == provider, t.c.social_id == social_id)
        )
        return result.scalar_one_or_none()

    async def for_user(self, user_id: int) -> list[SocialAccount]:
        t = tables.social_accounts
        result = await self._session.execute(select(SocialAccount).where(t.c.user_id == user_id).order_by(t.c.id))
        return list(result.scalars())

    async def remove(self, account_id: int) -> None:
        account = await self._session.get(SocialAccount, account_id)
        if account is not None:
            await self._session.delete(account)
            await self._session.flush()
