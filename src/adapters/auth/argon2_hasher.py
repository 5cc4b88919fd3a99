"""argon2id password hashing, run in worker threads so the event loop keeps serving."""

from __future__ import annotations

import asyncio
from functools import partial

from anyio import to_thread
from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2PasswordHasher:
    def __init__(self, *, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 1,
                 max_concurrent: int = 4) -> None:
        self._argon = Argon2(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
        self._slots = asyncio.Semaphore(max_concurrent)
        self._dummy = self._argon.hash("not-a-real-password")

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await to_thread.run_sync(self._argon.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        async with self._slots:
            return await to_thread.run_sync(partial(self._check, password_hash, password))

    def needs_rehash(self, password_hash: str) -> bool:
        return self._argon.check_needs_rehash(password_hash)

    async def burn(self, password: str) -> None:
        await self.verify(self._dummy, password)

    def _check(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
