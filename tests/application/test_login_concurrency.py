"""Logins whose password checks overlap, on the memory adapters: the hasher holds them between the read of the
user and the write of the outcome, where no lock protects them any more."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable
from typing import Any

import pytest

from adapters.memory.ports import QuickPasswordHasher
from application.identity.services import (
    ChangePasswordCommand,
    IssuedTokens,
    LogInCommand,
    RegisterCommand,
    SecondStepCommand,
    TwoFactorChallenge,
)
from domain.identity.errors import AccountLocked, InvalidCode, InvalidCredentials
from domain.identity.model import LoginOutcome, Realm, TwoFactorMethod, User
from domain.shared.errors import InvalidInput
from tests.application.world import World

PASSWORD = "Sup3r-secret!"


class HeldHasher(QuickPasswordHasher):
    """Verifications wait at `barrier` (all of them reach it before any goes on), or the next one waits for
    `release` after setting `entered`; `rehash` makes every hash look outdated."""

    def __init__(self) -> None:
        self.barrier: asyncio.Barrier | None = None
        self.entered = asyncio.Event()
        self.release: asyncio.Event | None = None
        self.rehash = False

    async def verify(self, password_hash: str, password: str) -> bool:
        if self.barrier is not None:
            await self.barrier.wait()
        elif self.release is not None:
            release, self.release = self.release, None
            self.entered.set()
            await release.wait()
        return await super().verify(password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self.rehash


def a_world() -> tuple[World, HeldHasher]:
    hasher = HeldHasher()
    return World(hasher_override=hasher), hasher


async def registered(world: World) -> User:
    return await world.register(RegisterCommand(realm=Realm.SPOTVIBE, email="awa@example.com", password=PASSWORD,
                                                username="awa"))


def log_in(world: World, password: str) -> Awaitable[IssuedTokens | TwoFactorChallenge]:
    return world.login(LogInCommand(realm=Realm.SPOTVIBE, identifier="awa@example.com", password=password))  # type: ignore[no-any-return]


async def outcomes(world: World, user: User) -> list[LoginOutcome]:
    return [a.outcome for a in await world.queries.login_attempts(user.id or 0)]


async def at_once(world: World, hasher: HeldHasher, passwords: list[str]) -> list[Any]:
    """Every login has read the user before any of them writes."""
    hasher.barrier = asyncio.Barrier(len(passwords))
    results = await asyncio.gather(*(log_in(world, p) for p in passwords), return_exceptions=True)
    hasher.barrier = None
    return results


async def test_wrong_passwords_checked_at_once_each_count() -> None:
    world, hasher = a_world()
    user = await registered(world)
    results = await at_once(world, hasher, ["wrong"] * 4)
    assert all(isinstance(r, InvalidCredentials) for r in results)
    stored = await world.users.get(user.id or 0)
    assert stored is not None and stored.failed_logins == 4 and stored.locked_until is None


async def test_wrong_passwords_checked_at_once_lock_exactly_once_at_the_threshold() -> None:
    world, hasher = a_world()
    user = await registered(world)
    results = await at_once(world, hasher, ["wrong"] * 12)
    assert sum(isinstance(r, InvalidCredentials) for r in results) == 4
    assert sum(isinstance(r, AccountLocked) for r in results) == 8
    stored = await world.users.get(user.id or 0)
    assert stored is not None and stored.failed_logins == 0
    assert stored.locked_until == world.clock.now() + world.config.lockout.lock_for
    assert sorted(await outcomes(world, user)) == sorted([LoginOutcome.FAILED] * 4 + [LoginOutcome.BLOCKED] * 8)


async def test_right_passwords_checked_at_once_all_log_in() -> None:
    world, hasher = a_world()
    user = await registered(world)
    results = await at_once(world, hasher, [PASSWORD] * 6)
    assert all(isinstance(r, IssuedTokens) for r in results)
    assert await outcomes(world, user) == [LoginOutcome.SUCCEEDED] * 6


async def test_a_right_password_meeting_a_lock_set_while_it_was_checked_is_refused() -> None:
    world, hasher = a_world()
    user = await registered(world)
    release = hasher.release = asyncio.Event()
    right = asyncio.ensure_future(log_in(world, PASSWORD))
    await hasher.entered.wait()
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            await log_in(world, "wrong")
    with pytest.raises(AccountLocked):
        await log_in(world, "wrong")
    release.set()
    with pytest.raises(AccountLocked):
        await right
    stored = await world.users.get(user.id or 0)
    assert stored is not None and stored.is_locked(world.clock.now()) and stored.last_login is None
    assert (await outcomes(world, user))[0] is LoginOutcome.BLOCKED


async def test_a_right_password_changed_while_it_was_checked_is_refused() -> None:
    world, hasher = a_world()
    user = await registered(world)
    session = await world.login(LogInCommand(realm=Realm.SPOTVIBE, identifier="awa", password=PASSWORD))
    release = hasher.release = asyncio.Event()
    old = asyncio.ensure_future(log_in(world, PASSWORD))
    await hasher.entered.wait()
    await world.change_password(ChangePasswordCommand(user_id=user.id or 0, session_id=session.session_id,
                                                      old_password=PASSWORD, new_password="An0ther-secret!",
                                                      confirm_password="An0ther-secret!"))
    release.set()
    with pytest.raises(InvalidCredentials):
        await old
    assert (await outcomes(world, user))[0] is LoginOutcome.FAILED
    assert isinstance(await log_in(world, "An0ther-secret!"), IssuedTokens)


async def test_an_outdated_hash_is_replaced_at_login() -> None:
    world, hasher = a_world()
    user = await registered(world)
    before = (await world.users.get(user.id or 0)).password_hash  # type: ignore[union-attr]
    hasher.rehash = True
    assert isinstance(await log_in(world, PASSWORD), IssuedTokens)
    after = (await world.users.get(user.id or 0)).password_hash  # type: ignore[union-attr]
    assert after != before and after is not None and await hasher.verify(after, PASSWORD)


async def test_an_outdated_hash_is_replaced_at_the_first_step_of_a_two_factor_login() -> None:
    world, hasher = a_world()
    user = await registered(world)
    await world.setup_2fa(user.id or 0, TwoFactorMethod.EMAIL)
    code = await _emailed_code(world)
    await world.confirm_2fa(user.id or 0, code)
    before = (await world.users.get(user.id or 0)).password_hash  # type: ignore[union-attr]
    hasher.rehash = True
    assert isinstance(await log_in(world, PASSWORD), TwoFactorChallenge)
    after = (await world.users.get(user.id or 0)).password_hash  # type: ignore[union-attr]
    assert after != before and after is not None and await hasher.verify(after, PASSWORD)


async def test_wrong_second_factor_codes_and_wrong_passwords_add_up() -> None:
    world, hasher = a_world()
    user = await registered(world)
    await world.setup_2fa(user.id or 0, TwoFactorMethod.EMAIL)
    await world.confirm_2fa(user.id or 0, await _emailed_code(world))
    challenge = await log_in(world, PASSWORD)
    assert isinstance(challenge, TwoFactorChallenge)
    for _ in range(2):
        with pytest.raises(InvalidCode):
            await world.complete_login(SecondStepCommand(realm=Realm.SPOTVIBE, challenge=challenge.token,
                                                         code="00000000"))
    results = await at_once(world, hasher, ["wrong"] * 3)
    assert sum(isinstance(r, InvalidCredentials) for r in results) == 2
    assert sum(isinstance(r, AccountLocked) for r in results) == 1
    with pytest.raises(AccountLocked):
        await world.complete_login(SecondStepCommand(realm=Realm.SPOTVIBE, challenge=challenge.token,
                                                     code=await _emailed_code(world)))


async def _emailed_code(world: World) -> str:
    mail = await world.last_email("awa@example.com")
    found = re.search(r"\b(\d{6})\b", mail.text)
    assert found is not None
    return found.group(1)


async def test_two_password_changes_at_once_let_one_through_and_refuse_the_other() -> None:
    world, hasher = a_world()
    user = await registered(world)
    session = await log_in(world, PASSWORD)
    assert isinstance(session, IssuedTokens)

    def change_to(new: str) -> Awaitable[Any]:
        return world.change_password(ChangePasswordCommand(  # type: ignore[no-any-return]
            user_id=user.id or 0, session_id=session.session_id, old_password=PASSWORD, new_password=new,
            confirm_password=new))

    release = hasher.release = asyncio.Event()
    first = asyncio.ensure_future(change_to("Firs7-new-secret!"))
    await hasher.entered.wait()  # the first checked the old password and waits, holding nothing
    await change_to("Secon6-new-secret!")
    release.set()
    with pytest.raises(InvalidInput, match="incorrect"):
        await first
    assert isinstance(await log_in(world, "Secon6-new-secret!"), IssuedTokens)
