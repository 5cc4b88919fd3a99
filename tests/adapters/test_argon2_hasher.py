from __future__ import annotations

import threading

import pytest
from argon2 import PasswordHasher

from adapters.auth.argon2_hasher import Argon2PasswordHasher


async def test_hashes_verify_and_refuse_wrong_passwords() -> None:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024)
    hashed = await hasher.hash("Sup3r-secret!")
    assert hashed.startswith("$argon2id$")
    assert await hasher.verify(hashed, "Sup3r-secret!")
    assert not await hasher.verify(hashed, "sup3r-secret!")
    assert not await hasher.verify("not-a-hash", "Sup3r-secret!")
    assert not hasher.needs_rehash(hashed)
    assert Argon2PasswordHasher(time_cost=2, memory_cost=1024).needs_rehash(hashed)


async def test_hashing_runs_off_the_event_loop_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024)
    seen: list[int] = []
    original = PasswordHasher.hash

    def spy(self: PasswordHasher, password: str, *, salt: bytes | None = None) -> str:
        seen.append(threading.get_ident())
        return original(self, password, salt=salt)

    monkeypatch.setattr(PasswordHasher, "hash", spy)
    await hasher.hash("whatever-password")
    assert seen and seen[0] != threading.get_ident()
