"""What the push and SMS adapter tests share: a sleep that records instead of waiting, a clock tests move."""

from __future__ import annotations

import asyncio


class Sleeps:
    """Stands in for asyncio.sleep: records each pause and returns at once."""

    def __init__(self) -> None:
        self.pauses: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)
        await asyncio.sleep(0)


class Clock:
    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now
