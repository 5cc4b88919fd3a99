"""The outbox relay loop: every half second, committed outbox messages become SAQ jobs."""

from __future__ import annotations

import asyncio
import logging

from dishka import AsyncContainer

from application.shared.outbox import RelayOutbox

log = logging.getLogger("agora.worker.relay")


async def relay_once(container: AsyncContainer, batch_size: int = 100) -> int:
    """One batch in its own REQUEST scope; a failure is logged and retried on the next turn (the
    messages stay in the outbox until a relay commits them as dispatched)."""
    try:
        async with container() as request:
            relay = await request.get(RelayOutbox)
            return await relay(batch_size)
    except Exception:
        log.exception("outbox relay failed; will retry")
        return 0


async def relay_forever(container: AsyncContainer, *, interval: float = 0.5, batch_size: int = 100) -> None:
    """Runs at once, then every `interval` seconds; drains without pausing while batches come back full."""
    while True:
        moved = await relay_once(container, batch_size)
        if moved:
            log.debug("relayed %d outbox messages", moved)
        if moved < batch_size:
            await asyncio.sleep(interval)
