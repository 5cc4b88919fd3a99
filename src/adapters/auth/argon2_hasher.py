"""argon2id password hashing, in a pool of threads of its own so the event loop keeps serving."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
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
    queue (never in the event loop's default executor). The pool's threads run at a lower CPU priority (`nice`
    added to their niceness, on Linux): logins get every core the requests around them leave idle, and when both
    want the cores the event loop comes first, so reads keep their latency during a burst of logins.
    The bound is per process: N API processes on one machine may run N x `workers` at once."""

    def __init__(self, *, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 1,
                 workers: int | None = None, nice: int = 10) -> None:
        self._argon = Argon2(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
        self.workers = workers or os.cpu_count() or 1
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="argon2",
                                        initializer=_lower_priority, initargs=(nice,))
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


def _lower_priority(nice: int) -> None:
    """Raises this thread's niceness (a Linux thread is a task of its own: PRIO_PROCESS with its native id)."""
    if nice > 0 and hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + nice)
