"""argon2id password hashing, in a pool of threads of its own so the event loop keeps serving."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")


class Argon2PasswordHasher:
    """Runs every hash and verification in a dedicated pool of `workers` threads, one per core by default.
    argon2 releases the GIL, so that many computations run in parallel and a burst of logins waits in the pool's
    queue instead of taking every core from the requests around it (and never uses the event loop's default
    executor). The bound is per process: N API processes on one machine may run N x `workers` at once, so with
    one process per core, pass `workers=1` to keep the machine-wide bound at the core count."""

    def __init__(self, *, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 1,
                 workers: int | None = None) -> None:
        self._argon = Argon2(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
        self.workers = workers or os.cpu_count() or 1
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="argon2")
        self._dummy = self._argon.hash("not-a-real-password")

    async def hash(self, password: str) -> str:
        return await self._run(partial(self._argon.hash, password))

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self._run(partial(self._check, password_hash, password))

    def needs_rehash(self, password_hash: str) -> bool:
        return self._argon.check_needs_rehash(password_hash)

    async def burn(self, password: str) -> None:
        await self.verify(self._dummy, password)

    def close(self) -> None:
        """Lets the pool's threads end (a computation already queued still completes)."""
        self._pool.shutdown(wait=False)

    async def _run(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, work)

    def _check(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
