"""Memory repositories of the identity context."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime

from adapters.memory.store import MemoryStore, detached
from application.identity.ports import Caller
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


class MemoryUserRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, User] = store.table("users")
        self._store = store

    def _check_unique(self, user: User) -> None:
        for other in self._rows.values():
            if other.id == user.id or other.realm is not user.realm:
                continue
            if other.email == user.email:
                raise EmailTaken()
            if other.username.lower() == user.username.lower():
                raise UsernameTaken()

    async def add(self, user: User) -> User:
        self._check_unique(user)
        user.id = self._store.next_id("users")
        self._rows[user.id] = detached(user)
        return user

    async def get(self, user_id: int) -> User | None:
        found = self._rows.get(user_id)
        return detached(found) if found else None

    get_for_update = get

    async def by_email(self, realm: Realm, email: str) -> User | None:
        return next((detached(u) for u in self._rows.values() if u.realm is realm and u.email == email), None)

    async def by_username(self, realm: Realm, username: str) -> User | None:
        wanted = username.lower()
        return next(
            (detached(u) for u in self._rows.values() if u.realm is realm and u.username.lower() == wanted), None
        )

    async def save(self, user: User) -> None:
        assert user.id is not None
        self._check_unique(user)
        self._rows[user.id] = self._store.keep(user)

    # Each method below reads and writes the stored row with no await in between: atomic, like its SQL statement.

    async def record_failed_login(self, user: User, policy: LockoutPolicy, now: datetime) -> bool:
        assert user.id is not None
        stored = self._rows.get(user.id)
        if stored is None:
            return False
        locked = stored.record_failed_login(policy, now)
        user.failed_logins, user.locked_until = stored.failed_logins, stored.locked_until
        return locked

    async def record_login(self, user: User, now: datetime, *, new_hash: str | None = None) -> bool:
        assert user.id is not None
        stored = self._rows.get(user.id)
        if stored is None:
            return False
        if not stored.can_log_in(now, user.password_hash):
            fresh = detached(stored)
            for column in fields(User):
                setattr(user, column.name, getattr(fresh, column.name))
            return False
        for row in (stored, user):
            row.record_login(now)
            if new_hash is not None:
                row.password_hash = new_hash
        return True

    async def rehash_password(self, user: User, new_hash: str) -> bool:
        assert user.id is not None
        stored = self._rows.get(user.id)
        if stored is None or stored.password_hash != user.password_hash:
            return False
        stored.password_hash = user.password_hash = new_hash
        return True


class MemoryMunicipalityRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, Municipality] = store.table("municipalities")
        self._store = store

    async def add(self, municipality: Municipality) -> Municipality:
        if any(m.code == municipality.code for m in self._rows.values()):
            raise Conflict("Cette commune existe déjà")
        municipality.id = self._store.next_id("municipalities")
        self._rows[municipality.id] = detached(municipality)
        return municipality

    async def get(self, municipality_id: int) -> Municipality | None:
        found = self._rows.get(municipality_id)
        return detached(found) if found else None

    async def by_code(self, code: str) -> Municipality | None:
        return next((detached(m) for m in self._rows.values() if m.code == code), None)


class MemoryRefreshSessionRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[str, RefreshSession] = store.table("refresh_sessions")

    async def add(self, session: RefreshSession) -> None:
        self._rows[session.jti] = detached(session)

    async def get(self, jti: str) -> RefreshSession | None:
        found = self._rows.get(jti)
        return detached(found) if found else None

    async def rotate(self, jti: str, replaced_by: str, now: datetime) -> bool:
        row = self._rows.get(jti)
        if row is None or not row.is_usable(now):
            return False
        self._rows[jti] = replace(row, revoked_at=now, replaced_by=replaced_by)
        return True

    async def revoke_family(self, family_id: str, now: datetime) -> None:
        for jti, row in list(self._rows.items()):
            if row.family_id == family_id and row.revoked_at is None:
                self._rows[jti] = replace(row, revoked_at=now)

    async def revoke_all_for_user(self, user_id: int, now: datetime, *, keep_family: str | None = None) -> None:
        for jti, row in list(self._rows.items()):
            if row.user_id == user_id and row.revoked_at is None and row.family_id != keep_family:
                self._rows[jti] = replace(row, revoked_at=now)


class MemoryIdentityReads:
    def __init__(self, store: MemoryStore) -> None:
        self._users: dict[int, User] = store.table("users")
        self._towns: dict[int, Municipality] = store.table("municipalities")
        self._sessions: dict[str, RefreshSession] = store.table("refresh_sessions")
        self._attempts: dict[int, LoginAttempt] = store.table("login_attempts")
        self._social = MemorySocialAccountRepository(store)

    async def caller(self, user_id: int, session_id: str, now: datetime) -> Caller:
        user = self._users.get(user_id)
        active = any(r.family_id == session_id and r.is_usable(now) for r in self._sessions.values())
        if user is None:
            return Caller(user=None, session_active=False)
        town = self._towns.get(user.municipality_id) if user.municipality_id is not None else None
        return Caller(user=detached(user), session_active=active, municipality=detached(town) if town else None)

    async def profile(self, user_id: int) -> tuple[User, Municipality | None] | None:
        user = self._users.get(user_id)
        if user is None:
            return None
        town = self._towns.get(user.municipality_id) if user.municipality_id is not None else None
        return detached(user), detached(town) if town else None

    async def municipality(self, municipality_id: int) -> Municipality | None:
        town = self._towns.get(municipality_id)
        return detached(town) if town else None

    async def login_attempts(self, user_id: int, limit: int) -> list[LoginAttempt]:
        mine = [a for a in self._attempts.values() if a.user_id == user_id]
        mine.sort(key=lambda a: (a.at, a.id or 0), reverse=True)
        return [detached(a) for a in mine[:limit]]

    async def social_accounts(self, user_id: int) -> list[SocialAccount]:
        return await self._social.for_user(user_id)


class MemoryOneTimeCodeRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[str, OneTimeCode] = store.table("one_time_codes")

    async def add(self, code: OneTimeCode) -> None:
        self._rows[code.id] = detached(code)

    async def latest_live(self, user_id: int, purpose: CodePurpose, now: datetime) -> OneTimeCode | None:
        live = [c for c in self._rows.values()
                if c.user_id == user_id and c.purpose is purpose and c.consumed_at is None and c.expires_at > now]
        return detached(max(live, key=lambda c: c.created_at)) if live else None

    async def by_digest(self, purpose: CodePurpose, digest: str) -> OneTimeCode | None:
        return next((detached(c) for c in self._rows.values() if c.purpose is purpose and c.digest == digest), None)

    async def count_attempt(self, code_id: str) -> int:
        row = self._rows[code_id]
        row.attempts += 1
        return row.attempts

    async def consume(self, code_id: str, now: datetime) -> bool:
        row = self._rows.get(code_id)
        if row is None or row.consumed_at is not None:
            return False
        row.consumed_at = now
        return True

    async def revoke_for(self, user_id: int, purpose: CodePurpose, now: datetime) -> None:
        for row in self._rows.values():
            if row.user_id == user_id and row.purpose is purpose and row.consumed_at is None:
                row.consumed_at = now


class MemoryLoginAttemptRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, LoginAttempt] = store.table("login_attempts")
        self._store = store

    async def add(self, attempt: LoginAttempt) -> None:
        attempt.id = self._store.next_id("login_attempts")
        self._rows[attempt.id] = detached(attempt)



class MemorySocialAccountRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, SocialAccount] = store.table("social_accounts")
        self._store = store

    async def add(self, account: SocialAccount) -> SocialAccount:
        if await self.find(account.provider, account.social_id) is not None:
            raise Conflict("Ce compte social est déjà lié")
        account.id = self._store.next_id("social_accounts")
        self._rows[account.id] = detached(account)
        return account

    async def find(self, provider: SocialProvider, social_id: str) -> SocialAccount | None:
        return next(
            (detached(a) for a in self._rows.values() if a.provider is provider and a.social_id == social_id), None
        )

    async def for_user(self, user_id: int) -> list[SocialAccount]:
        return [detached(a) for a in sorted(self._rows.values(), key=lambda a: a.id or 0) if a.user_id == user_id]

    async def remove(self, account_id: int) -> None:
        self._rows.pop(account_id, None)
