"""The memory unit of work behaves as a transaction, so use-case tests see what a rollback really leaves."""

from __future__ import annotations

from adapters.memory.store import MemoryOutbox, MemoryStore, MemoryUnitOfWork
from application.shared.ports import OutboxMessage


async def test_rollback_puts_back_rows_and_outbox_as_the_last_commit_left_them() -> None:
    store = MemoryStore()
    uow, outbox = MemoryUnitOfWork(store), MemoryOutbox(store)
    things = store.table("things")  # as a repository keeps it
    store.table("things")[1] = "kept"
    outbox.add(OutboxMessage(topic="t", payload={}, key="k1"))
    await uow.commit()

    store.table("things")[2] = "dropped"
    store.table("things")[1] = "changed"
    outbox.add(OutboxMessage(topic="t", payload={}, key="k2"))
    await uow.rollback()

    assert store.table("things") == {1: "kept"} and things == {1: "kept"}
    assert [m.key for m in outbox.messages()] == ["k1"]


async def test_events_of_saved_aggregates_are_announced_on_commit_and_dropped_on_rollback() -> None:
    from adapters.memory.payments import MemoryPaymentRepository
    from application.payments.announcements import ANNOUNCEMENTS
    from application.shared.events import EventTranslation
    from tests.adapters.test_payment_repositories import NOW, a_payment

    store = MemoryStore()
    uow, outbox, payments = MemoryUnitOfWork(store, EventTranslation(ANNOUNCEMENTS)), MemoryOutbox(store), \
        MemoryPaymentRepository(store)
    payment = await payments.add(a_payment(7))
    payment.cancel(NOW)
    await payments.save(payment)
    await uow.rollback()
    assert outbox.messages() == []
    payment = await payments.add(a_payment(7, 2))
    payment.cancel(NOW)
    await payments.save(payment)
    await uow.commit()
    assert [m.payload["status"] for m in outbox.messages()] == ["ANNULE"]
