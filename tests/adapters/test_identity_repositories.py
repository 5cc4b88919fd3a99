"""One contract for each identity repository, run against memory and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.memory import identity as memory
from adapters.memory.store import MemoryStore
from adapters.sql.database import make_engine, make_sessionmaker
from adapters.sql.identity import repositories as sql
from adapters.sql.identity.reads import SqlIdentityReads
from adapters.sql.reads import ReadPool
from domain.identity.errors import EmailTaken, UsernameTaken
from domain.identity.model import (
    CodePurpose,
    LoginAttempt,
    LoginOutcome,
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

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


@dataclass
class Repos:
    users: Any
    municipalities: Any
    sessions: Any
    codes: Any
    attempts: Any
    social: Any
    commit: Any
    reads: Any


@pytest.fixture(params=["memory", "sql"])
async def repos(request: pytest.FixtureRequest, database_url: str, clean_database: None) -> AsyncIterator[Repos]:
    if request.param == "memory":
        store = MemoryStore()

        async def nothing() -> None:
            return None

        yield Repos(memory.MemoryUserRepository(store), memory.MemoryMunicipalityRepository(store),
                    memory.MemoryRefreshSessionRepository(store), memory.MemoryOneTimeCodeRepository(store),
                    memory.MemoryLoginAttemptRepository(store), memory.MemorySocialAccountRepository(store), nothing,
                    memory.MemoryIdentityReads(store))
        return
    engine = make_engine(database_url)
    reads = await ReadPool.open(database_url, max_size=2)
    async with make_sessionmaker(engine)() as session:
        yield Repos(sql.SqlUserRepository(session), sql.SqlMunicipalityRepository(session),
                    sql.SqlRefreshSessionRepository(session), sql.SqlOneTimeCodeRepository(session),
                    sql.SqlLoginAttemptRepository(session), sql.SqlSocialAccountRepository(session), session.commit,
                    SqlIdentityReads(reads))
    await reads.close()
    await engine.dispose()


def a_user(realm: Realm = Realm.SPOTVIBE, username: str = "awa", email: str = "awa@example.com") -> User:
    return User(realm=realm, username=username, email=email, password_hash="h", created_at=NOW, roles=["user"],
                backup_code_hashes=["b1", "b2"])


async def test_users_round_trip_with_every_field(repos: Repos) -> None:
    user = await repos.users.add(a_user())
    assert user.id is not None
    user.first_name = "Awa"
    user.locked_until = NOW + timedelta(minutes=15)
    await repos.users.save(user)
    await repos.commit()
    loaded = await repos.users.get(user.id)
    assert loaded.first_name == "Awa" and loaded.roles == ["user"] and loaded.realm is Realm.SPOTVIBE
    assert loaded.locked_until == NOW + timedelta(minutes=15) and loaded.locked_until.tzinfo is not None
    assert loaded.backup_code_hashes == ["b1", "b2"]
    assert (await repos.users.by_email(Realm.SPOTVIBE, "awa@example.com")).id == user.id
    assert (await repos.users.by_username(Realm.SPOTVIBE, "AWA")).id == user.id
    assert await repos.users.by_email(Realm.MAIRIE, "awa@example.com") is None
    assert (await repos.users.get_for_update(user.id)).username == "awa"


async def test_email_and_username_are_unique_within_a_realm_only(repos: Repos) -> None:
    await repos.users.add(a_user())
    await repos.users.add(a_user(realm=Realm.EEBC))
    with pytest.raises(EmailTaken):
        await repos.users.add(a_user(username="other"))
    with pytest.raises(UsernameTaken):
        await repos.users.add(a_user(username="Awa", email="x@example.com"))
    await repos.commit()
    assert (await repos.users.by_email(Realm.EEBC, "awa@example.com")) is not None


async def test_municipality_codes_are_unique(repos: Repos) -> None:
    town = await repos.municipalities.add(Municipality(code="75001", name="Paris 1er", created_at=NOW))
    assert (await repos.municipalities.by_code("75001")).id == town.id
    with pytest.raises(Conflict):
        await repos.municipalities.add(Municipality(code="75001", name="Copie", created_at=NOW))


async def test_a_refresh_token_rotates_once_and_families_revoke(repos: Repos) -> None:
    user = await repos.users.add(a_user())
    for jti, family in (("a", "f1"), ("b", "f1"), ("c", "f2")):
        await repos.sessions.add(RefreshSession(jti=jti, family_id=family, user_id=user.id, realm=Realm.SPOTVIBE,
                                                issued_at=NOW, expires_at=NOW + timedelta(days=1)))
    assert await repos.sessions.rotate("a", "a2", NOW)
    assert not await repos.sessions.rotate("a", "a3", NOW)
    assert (await repos.sessions.get("a")).replaced_by == "a2"
    assert not await repos.sessions.rotate("b", "b2", NOW + timedelta(days=2))
    assert await session_active(repos, user.id, "f1")
    await repos.sessions.revoke_family("f1", NOW)
    assert not await session_active(repos, user.id, "f1")
    assert await session_active(repos, user.id, "f2")
    await repos.sessions.revoke_all_for_user(user.id, NOW, keep_family="f2")
    assert await session_active(repos, user.id, "f2")
    assert not await session_active(repos, user.id, "f2", at=NOW + timedelta(days=1))
    await repos.sessions.revoke_all_for_user(user.id, NOW)
    assert not await session_active(repos, user.id, "f2")


async def session_active(repos: Repos, user_id: int, family: str, at: datetime = NOW) -> bool:
    await repos.commit()  # the read side sees what is committed
    caller = await repos.reads.caller(user_id, family, at)
    assert caller.user is not None and caller.user.id == user_id
    return bool(caller.session_active)


async def test_the_caller_read_names_the_account_and_its_session(repos: Repos) -> None:
    town = await repos.municipalities.add(Municipality(code="97302", name="Cayenne", created_at=NOW))
    user = a_user()
    user.municipality_id, user.locked_until = town.id, NOW + timedelta(minutes=5)
    user = await repos.users.add(user)
    await repos.commit()
    caller = await repos.reads.caller(user.id, "no-such-family", NOW)
    assert not caller.session_active
    assert (caller.user.username, caller.user.roles, caller.user.locked_until) == ("awa", ["user"], user.locked_until)
    assert (caller.municipality.id, caller.municipality.name) == (town.id, "Cayenne")
    missing = await repos.reads.caller(user.id + 1, "no-such-family", NOW)
    assert (missing.user, missing.session_active) == (None, False)
    profile, municipality = await repos.reads.profile(user.id)
    assert (profile.email, municipality.name, municipality.code) == ("awa@example.com", "Cayenne", "97302")
    assert (await repos.reads.municipality(town.id)).name == "Cayenne"
    assert await repos.reads.municipality(town.id + 1) is None
    assert await repos.reads.profile(user.id + 1) is None
    alone = await repos.users.add(a_user(username="ali", email="ali@example.com"))
    await repos.commit()
    assert (await repos.reads.profile(alone.id))[1] is None
    assert (await repos.reads.caller(alone.id, "no-such-family", NOW)).municipality is None


async def test_codes_count_tries_and_are_consumed_once(repos: Repos) -> None:
    user = await repos.users.add(a_user())
    code = OneTimeCode(id="c1", user_id=user.id, purpose=CodePurpose.PASSWORD_RESET, digest="d1", created_at=NOW,
                       expires_at=NOW + timedelta(hours=1), max_attempts=5)
    await repos.codes.add(code)
    assert (await repos.codes.latest_live(user.id, CodePurpose.PASSWORD_RESET, NOW)).id == "c1"
    assert await repos.codes.latest_live(user.id, CodePurpose.EMAIL_VERIFICATION, NOW) is None
    assert (await repos.codes.by_digest(CodePurpose.PASSWORD_RESET, "d1")).id == "c1"
    assert await repos.codes.count_attempt("c1") == 1
    assert await repos.codes.count_attempt("c1") == 2
    assert await repos.codes.consume("c1", NOW)
    assert not await repos.codes.consume("c1", NOW)
    assert await repos.codes.latest_live(user.id, CodePurpose.PASSWORD_RESET, NOW) is None


async def test_a_new_code_replaces_the_live_ones(repos: Repos) -> None:
    user = await repos.users.add(a_user())
    await repos.codes.add(OneTimeCode(id="old", user_id=user.id, purpose=CodePurpose.EMAIL_VERIFICATION,
                                      digest="o", created_at=NOW, expires_at=NOW + timedelta(minutes=10),
                                      max_attempts=5))
    await repos.codes.revoke_for(user.id, CodePurpose.EMAIL_VERIFICATION, NOW)
    assert await repos.codes.latest_live(user.id, CodePurpose.EMAIL_VERIFICATION, NOW) is None


async def test_login_attempts_come_newest_first(repos: Repos) -> None:
    user = await repos.users.add(a_user())
    for minutes, outcome in ((1, LoginOutcome.FAILED), (2, LoginOutcome.SUCCEEDED), (3, LoginOutcome.BLOCKED)):
        await repos.attempts.add(LoginAttempt(realm=Realm.SPOTVIBE, identifier="awa", outcome=outcome,
                                              at=NOW + timedelta(minutes=minutes), user_id=user.id))
    await repos.commit()
    listed = await repos.reads.login_attempts(user.id, 2)
    assert [a.outcome for a in listed] == [LoginOutcome.BLOCKED, LoginOutcome.SUCCEEDED]


async def test_a_social_identity_links_to_one_account(repos: Repos) -> None:
    user = await repos.users.add(a_user())
    linked = await repos.social.add(SocialAccount(user_id=user.id, provider=SocialProvider.GOOGLE, social_id="g1",
                                                  created_at=NOW, email="awa@example.com"))
    assert (await repos.social.find(SocialProvider.GOOGLE, "g1")).user_id == user.id
    assert await repos.social.find(SocialProvider.FACEBOOK, "g1") is None
    with pytest.raises(Conflict):
        await repos.social.add(SocialAccount(user_id=user.id, provider=SocialProvider.GOOGLE, social_id="g1",
                                             created_at=NOW))
    await repos.commit()
    assert [a.social_id for a in await repos.reads.social_accounts(user.id)] == ["g1"]
    await repos.social.remove(linked.id)
    assert await repos.social.for_user(user.id) == []


async def test_concurrent_rotations_of_one_token_let_exactly_one_through(database_url: str,
                                                                         clean_database: None) -> None:
    engine = make_engine(database_url)
    factory = make_sessionmaker(engine)
    async with factory() as session:
        user = await sql.SqlUserRepository(session).add(a_user())
        await sql.SqlRefreshSessionRepository(session).add(
            RefreshSession(jti="t", family_id="f", user_id=user.id, realm=Realm.SPOTVIBE, issued_at=NOW,
                           expires_at=datetime.now(UTC) + timedelta(days=1)))
        await session.commit()

    async def rotate(n: int) -> bool:
        async with factory() as session:
            spent = await sql.SqlRefreshSessionRepository(session).rotate("t", f"n{n}", datetime.now(UTC))
            await session.commit()
            return bool(spent)

    results = await asyncio.gather(*(rotate(n) for n in range(20)))
    await engine.dispose()
    assert results.count(True) == 1


# lockout writes ------------------------------------------------------------------------------------------

POLICY = LockoutPolicy(max_failures=3, lock_for=timedelta(minutes=15))


async def test_failed_logins_count_then_lock_as_the_domain_rule_says(repos: Repos) -> None:
    user = await repos.users.add(a_user())
    await repos.commit()
    read = await repos.users.get(user.id)
    assert not await repos.users.record_failed_login(read, POLICY, NOW)
    assert not await repos.users.record_failed_login(read, POLICY, NOW)
    assert read.failed_logins == 2 and read.locked_until is None
    assert await repos.users.record_failed_login(read, POLICY, NOW)
    assert read.failed_logins == 0 and read.locked_until == NOW + timedelta(minutes=15)
    assert await repos.users.record_failed_login(read, POLICY, NOW + timedelta(minutes=14))
    assert read.failed_logins == 0 and read.locked_until == NOW + timedelta(minutes=15)
    assert not await repos.users.record_failed_login(read, POLICY, NOW + timedelta(minutes=15))
    assert read.failed_logins == 1
    await repos.commit()


async def test_a_login_is_written_only_while_the_account_is_not_locked(repos: Repos) -> None:
    user = await repos.users.add(a_user())
    await repos.commit()
    read = await repos.users.get(user.id)
    await repos.users.record_failed_login(read, POLICY, NOW)
    assert await repos.users.record_login(read, NOW, new_hash="h2")
    assert read.failed_logins == 0 and read.last_login == NOW and read.password_hash == "h2"
    for _ in range(3):
        await repos.users.record_failed_login(read, POLICY, NOW)
    assert not await repos.users.record_login(read, NOW + timedelta(minutes=1))
    assert read.is_locked(NOW + timedelta(minutes=1)) and read.last_login == NOW
    assert await repos.users.record_login(read, NOW + timedelta(minutes=15))
    assert read.locked_until is None and read.last_login == NOW + timedelta(minutes=15)
    read.is_active = False
    await repos.users.save(read)
    assert not await repos.users.record_login(read, NOW + timedelta(minutes=16))
    await repos.commit()


async def read_then(factory: Any, user_id: int, barrier: asyncio.Barrier, write: Any) -> Any:
    """As LogIn does: a plain read whose transaction ends, a wait (the hash), then one write, committed."""
    async with factory() as session:
        users = sql.SqlUserRepository(session)
        user = await users.get(user_id)
        await session.commit()
        await barrier.wait()
        result = await write(users, user)
        await session.commit()
        return result


async def stored_user(factory: Any, user_id: int) -> User:
    async with factory() as session:
        user = await sql.SqlUserRepository(session).get(user_id)
        assert user is not None
        return user


@pytest.mark.parametrize(("failures", "counted"), [(2, 2), (10, 2)])
async def test_concurrent_failed_logins_on_postgresql_each_count_and_lock_exactly_once(
        database_url: str, clean_database: None, failures: int, counted: int) -> None:
    engine = make_engine(database_url, pool_size=failures)
    factory = make_sessionmaker(engine)
    async with factory() as session:
        user = await sql.SqlUserRepository(session).add(a_user())
        await session.commit()
    barrier = asyncio.Barrier(failures)

    async def fail(users: sql.SqlUserRepository, read: User) -> bool:
        return await users.record_failed_login(read, POLICY, NOW)

    locked = await asyncio.gather(*(read_then(factory, user.id, barrier, fail) for _ in range(failures)))
    stored = await stored_user(factory, user.id)
    await engine.dispose()
    assert locked.count(False) == counted
    if failures >= POLICY.max_failures:
        assert stored.failed_logins == 0 and stored.locked_until == NOW + POLICY.lock_for
    else:
        assert stored.failed_logins == failures and stored.locked_until is None


async def test_concurrent_right_passwords_on_postgresql_all_log_in(database_url: str,
                                                                   clean_database: None) -> None:
    engine = make_engine(database_url, pool_size=8)
    factory = make_sessionmaker(engine)
    async with factory() as session:
        user = await sql.SqlUserRepository(session).add(a_user())
        await session.commit()
    barrier = asyncio.Barrier(8)

    async def log_in(users: sql.SqlUserRepository, read: User) -> bool:
        return await users.record_login(read, NOW)

    written = await asyncio.gather(*(read_then(factory, user.id, barrier, log_in) for _ in range(8)))
    stored = await stored_user(factory, user.id)
    await engine.dispose()
    assert written == [True] * 8 and stored.last_login == NOW


async def test_a_login_read_before_a_lock_or_a_password_change_is_not_written(database_url: str,
                                                                              clean_database: None) -> None:
    engine = make_engine(database_url)
    factory = make_sessionmaker(engine)
    async with factory() as session:
        user = await sql.SqlUserRepository(session).add(a_user())
        await session.commit()
    async with factory() as first, factory() as second:
        early, late = sql.SqlUserRepository(first), sql.SqlUserRepository(second)
        read = await early.get(user.id)
        await first.commit()
        other = await late.get(user.id)
        for _ in range(POLICY.max_failures):
            await late.record_failed_login(other, POLICY, NOW)
        await second.commit()
        assert not await early.record_login(read, NOW)
        assert read.is_locked(NOW)
        await first.commit()
        read = await early.get(user.id)
        await first.commit()
        assert await late.rehash_password(other, "h2")
        await second.commit()
        assert not await early.rehash_password(read, "h3")
        assert not await early.record_login(read, NOW + POLICY.lock_for)
        assert read.password_hash == "h2"
        await first.commit()
    stored = await stored_user(factory, user.id)
    await engine.dispose()
    assert stored.password_hash == "h2" and stored.last_login is None
