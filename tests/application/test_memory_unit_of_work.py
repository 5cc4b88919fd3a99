"""The memory unit of work behaves as a transaction, so use-case tests see what a rollback really leaves."""

from __future__ import annotations

from adapters.memory.store import MemoryOutbox, MemoryStore, MemoryUnitOfWork
from application.shared.ports import OutboxMessage


async def test_rollback_puts_back_rows_and_outbox_as_the_last_commit_left_them() -> None:
    store = MemoryStore()
    uow, outbox = MemoryUnitOfWork(store), MemoryOutbox(store)
    store.table("things")[1] = "kept"
    outbox.add(OutboxMessage(topic="t", payload={}, key="k1"))
    await uow.commit()

    store.table("things")[2] = "dropped"
    store.table("things")[1] = "changed"
    outbox.add(OutboxMessage(topic="t", payload={}, key="k2"))
    await uow.rollback()

    assert store.table("things") == {1: "kept"}
    assert [m.key for m in outbox.messages()] == ["k1"]
