from __future__ import annotations

import asyncio
import os
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


async def test_at_most_workers_computations_run_at_once_on_threads_of_the_hashers_own(
        monkeypatch: pytest.MonkeyPatch) -> None:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, workers=2)
    hashed = await hasher.hash("Sup3r-secret!")
    both_running = threading.Barrier(2, timeout=30)
    guard = threading.Lock()
    running, peak, threads = 0, 0, set()
    original = PasswordHasher.verify

    def spy(self: PasswordHasher, password_hash: str | bytes, password: str | bytes) -> bool:
        nonlocal running, peak
        with guard:
            running += 1
            peak = max(peak, running)
            threads.add(threading.current_thread().name)
        both_running.wait()
        try:
            return original(self, password_hash, password)
        finally:
            with guard:
                running -= 1

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    results = await asyncio.gather(*(hasher.verify(hashed, "Sup3r-secret!") for _ in range(8)))
    hasher.close()
    assert results == [True] * 8
    assert peak == 2 and len(threads) == 2 and all(name.startswith("argon2") for name in threads)


def test_the_pool_has_one_thread_per_core_by_default() -> None:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024)
    hasher.close()
    assert hasher.workers == (os.cpu_count() or 1)


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="thread priorities are a Linux feature")
async def test_the_pools_threads_yield_the_cores_to_the_event_loop() -> None:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, workers=1, nice=5)

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    in_pool = await asyncio.get_running_loop().run_in_executor(hasher._pool, niceness)
    hasher.close()
    assert in_pool == min(19, niceness() + 5)
