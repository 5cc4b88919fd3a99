"""One contract for each payments repository, run against memory and PostgreSQL alike; then what only the
database can show (locks, concurrent writers, CHECK constraints). The read side (`reads`) sees committed data
only: the tests commit before they read through it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import event, func, select, text, update
from sqlalchemy.exc import IntegrityError

from adapters.clock import SystemClock
from adapters.memory import identity as memory_identity
from adapters.memory import payments as memory
from adapters.memory.store import MemoryOutbox, MemoryStore, MemoryUnitOfWork
from adapters.sql.database import make_engine, make_sessionmaker
from adapters.sql.identity import repositories as sql_identity
from adapters.sql.payments import repositories as sql
from adapters.sql.payments import tables
from adapters.sql.payments.reads import SqlPaymentReads
from adapters.sql.reads import ReadPool
from adapters.sql.shared.tables import outbox
from adapters.sql.uow import SqlOutbox, SqlUnitOfWork
from application.payments.announcements import ANNOUNCEMENTS
from application.payments.ports import PaymentTotals
from application.payments.topics import PAYMENT_SETTLED
from application.shared.events import EventTranslation
from domain.identity.model import Realm, User
from domain.payments.model import (
    Account,
    Attempt,
    Commission,
    CommissionStatus,
    CommissionType,
    LedgerEntry,
    Payment,
    PaymentMethod,
    PaymentStatus,
    PaymentType,
    Refund,
    RefundReason,
    RefundStatus,
)
from domain.payments.policies import ledger_report, refund_entries, settlement_entries
from domain.shared.errors import Conflict

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


@dataclass
class Repos:
    payments: Any
    reads: Any
    attempts: Any
    refunds: Any
    commissions: Any
    ledger: Any
    callbacks: Any
    commit: Any
    reload: Any  # forget what the session holds: the next reads come from storage
    payer: int  # two users, for the foreign keys
    other: int
    announced: Any = None  # the outbox messages' (topic, status) committed so far


async def _users(users: Any) -> tuple[int, int]:
    ids = []
    for name in ("awa", "koffi"):
        user = await users.add(User(realm=Realm.SPOTVIBE, username=name, email=f"{name}@example.com",
                                    password_hash="h", created_at=NOW))
        ids.append(user.id)
    return ids[0], ids[1]


@pytest.fixture(params=["memory", "sql"])
async def repos(request: pytest.FixtureRequest, database_url: str, clean_database: None) -> AsyncIterator[Repos]:
    if request.param == "memory":
        store = MemoryStore()

        async def nothing() -> None:
            return None

        async def announced_in_memory() -> list[tuple[str, str]]:
            return [(m.topic, m.payload["status"]) for m in MemoryOutbox(store).messages()]

        payer, other = await _users(memory_identity.MemoryUserRepository(store))
        uow = MemoryUnitOfWork(store, EventTranslation(ANNOUNCEMENTS))
        yield Repos(memory.MemoryPaymentRepository(store), memory.MemoryPaymentReads(store),
                    memory.MemoryAttemptRepository(store), memory.MemoryRefundRepository(store),
                    memory.MemoryCommissionRepository(store), memory.MemoryLedger(store),
                    memory.MemoryProcessedCallbacks(store), uow.commit, nothing, payer, other, announced_in_memory)
        return
    engine = make_engine(database_url)
    reads = await ReadPool.open(database_url, max_size=2)
    async with make_sessionmaker(engine)() as session:
        payer, other = await _users(sql_identity.SqlUserRepository(session))

        async def reload() -> None:
            session.expunge_all()

        async def announced_in_sql() -> list[tuple[str, str]]:
            rows = await session.execute(select(outbox.c.topic, outbox.c.payload).order_by(outbox.c.created_at))
            return [(topic, payload["status"]) for topic, payload in rows]

        uow = SqlUnitOfWork(session, SqlOutbox(session, SystemClock()), EventTranslation(ANNOUNCEMENTS))
        yield Repos(sql.SqlPaymentRepository(session), SqlPaymentReads(reads),
                    sql.SqlAttemptRepository(session), sql.SqlRefundRepository(session),
                    sql.SqlCommissionRepository(session), sql.SqlLedger(session),
                    sql.SqlProcessedCallbacks(session), uow.commit, reload, payer, other, announced_in_sql)
    await reads.close()
    await engine.dispose()


def a_payment(payer_id: int, n: int = 1, *, status: PaymentStatus = PaymentStatus.PENDING,
              created_at: datetime = NOW, updated_at: datetime | None = None, amount: int = 10_000,
              fees: int = 1_000, currency: str = "XOF", refunded: int = 0) -> Payment:
    return Payment(uuid=uuid4(), payer_id=payer_id, type=PaymentType.TICKET, purpose_kind="ticket_order",
                   purpose_reference=f"order-{n}", description=f"Billets n°{n}", currency=currency,
                   amount_minor=amount, fees_minor=fees, net_minor=amount - fees, method=PaymentMethod.MTN,
                   internal_reference=f"SV20260501{n:06d}", created_at=created_at,
                   updated_at=updated_at or created_at, status=status, refunded_minor=refunded)


def an_attempt(payment: Payment, number: int = 1, *, at: datetime = NOW, method: PaymentMethod = PaymentMethod.MTN,
               provider_reference: str | None = None, secret: str | None = None) -> Attempt:
    assert payment.id is not None
    return Attempt(payment_id=payment.id, number=number, method=method, reference=uuid4(),
                   order_id=f"{payment.internal_reference}-{number}", created_at=at, phone="+22997000000",
                   provider_reference=provider_reference, callback_secret=secret)


def a_refund(payment: Payment, requester_id: int, *, at: datetime = NOW, amount: int = 1_000,
             status: RefundStatus = RefundStatus.REQUESTED) -> Refund:
    assert payment.id is not None
    return Refund(payment_id=payment.id, payment_uuid=payment.uuid, requester_id=requester_id,
                  currency=payment.currency, amount_minor=amount, reason=RefundReason.DUPLICATE,
                  description="Payé deux fois", requested_at=at, status=status)


def a_commission(payment: Payment, *, at: datetime = NOW) -> Commission:
    assert payment.id is not None
    return Commission(payment_id=payment.id, type=CommissionType.TICKETING, currency=payment.currency,
                      amount_minor=payment.fees_minor, rate_basis_points=1_000, label="Commission billetterie",
                      created_at=at, beneficiary_id=None)


def as_dict(entity: Any) -> dict[str, Any]:
    return {f.name: getattr(entity, f.name) for f in fields(entity)}


# ---------------------------------------------------------------- payments


async def test_payments_round_trip_with_every_field(repos: Repos) -> None:
    payment = a_payment(repos.payer)
    payment.beneficiary_id, payment.phone, payment.email = 42, "+22997000000", "awa@example.com"
    added = await repos.payments.add(payment)
    assert added is payment and payment.id is not None
    await repos.commit()
    await repos.reload()
    loaded = await repos.payments.get(payment.uuid)
    assert as_dict(loaded) == as_dict(payment)
    assert loaded.status is PaymentStatus.PENDING and loaded.method is PaymentMethod.MTN
    assert loaded.type is PaymentType.TICKET and loaded.created_at.tzinfo is not None
    assert (await repos.payments.get_by_id(payment.id)).uuid == payment.uuid
    assert (await repos.payments.get_for_update(payment.uuid)).id == payment.id
    assert await repos.payments.get(uuid4()) is None
    assert await repos.payments.get_for_update(uuid4()) is None
    assert await repos.payments.get_by_id(payment.id + 1000) is None


async def test_a_saved_payment_keeps_its_changes_and_its_events_are_announced_at_commit(repos: Repos) -> None:
    payment = await repos.payments.add(a_payment(repos.payer))
    await repos.commit()
    payment = await repos.payments.get_for_update(payment.uuid)
    payment.start_attempt(NOW + timedelta(minutes=1))
    payment.mark_submitted("mtn-1", "https://pay.example/1", NOW + timedelta(minutes=1))
    payment.succeed(NOW + timedelta(minutes=2), transaction_id="tx-1")
    payment.record_refund(2_500, NOW + timedelta(days=1))
    await repos.payments.save(payment)
    await repos.commit()
    await repos.reload()
    loaded = await repos.payments.get(payment.uuid)
    assert loaded.status is PaymentStatus.REFUNDED and loaded.refunded_minor == 2_500 and loaded.attempts == 1
    assert loaded.provider_reference == "mtn-1" and loaded.provider_transaction_id == "tx-1"
    assert loaded.settled_at == NOW + timedelta(minutes=2) and loaded.updated_at == NOW + timedelta(days=1)
    assert await repos.announced() == [(PAYMENT_SETTLED, "REUSSI"), (PAYMENT_SETTLED, "REMBOURSE")]
    assert payment.pull_events() == [], "pulled once, by the commit"
    assert (await repos.payments.get_by_id(payment.id)).pull_events() == []


async def test_the_read_side_gives_a_committed_payment_with_every_field(repos: Repos) -> None:
    payment = a_payment(repos.payer, status=PaymentStatus.SUCCEEDED)
    payment.beneficiary_id, payment.phone, payment.email = 42, "+22997000000", "awa@example.com"
    payment.settled_at, payment.provider_reference = NOW + timedelta(minutes=1), "mtn-1"
    await repos.payments.add(payment)
    await repos.commit()
    read = await repos.reads.payment(payment.uuid)
    assert as_dict(read) == as_dict(payment)
    assert read.status is PaymentStatus.SUCCEEDED and read.method is PaymentMethod.MTN
    assert read.type is PaymentType.TICKET and read.created_at.tzinfo is not None
    assert type(read.amount_minor) is int and isinstance(read.uuid, UUID)
    assert await repos.reads.payment(uuid4()) is None


async def test_the_read_side_gives_a_refund_with_its_payment(repos: Repos) -> None:
    payment = await repos.payments.add(a_payment(repos.payer, 1, status=PaymentStatus.SUCCEEDED))
    await repos.payments.add(a_payment(repos.payer, 2, status=PaymentStatus.SUCCEEDED))
    refund = a_refund(payment, repos.payer, amount=2_500)
    refund.reference = uuid4()
    await repos.refunds.add(refund)
    await repos.commit()
    found = await repos.reads.refund(refund.id)
    assert found is not None
    read_refund, read_payment = found
    assert as_dict(read_refund) == as_dict(refund) and read_refund.reason is RefundReason.DUPLICATE
    assert as_dict(read_payment) == as_dict(payment)
    assert await repos.reads.refund(refund.id + 1000) is None


async def test_a_payment_uuid_and_internal_reference_are_unique(repos: Repos) -> None:
    first = await repos.payments.add(a_payment(repos.payer, 1))
    twin = a_payment(repos.payer, 2)
    twin.uuid = first.uuid
    with pytest.raises(Conflict):
        await repos.payments.add(twin)
    with pytest.raises(Conflict):
        await repos.payments.add(a_payment(repos.payer, 1))
    await repos.commit()  # a refused add leaves the transaction usable
    assert (await repos.payments.get(first.uuid)).internal_reference == first.internal_reference
    assert await repos.reads.payments_of(repos.payer) != []


async def test_a_payer_sees_their_payments_newest_first(repos: Repos) -> None:
    for n, hours in ((1, 1), (2, 3), (3, 2)):
        await repos.payments.add(a_payment(repos.payer, n, created_at=NOW + timedelta(hours=hours)))
    await repos.payments.add(a_payment(repos.other, 4, created_at=NOW + timedelta(hours=9)))
    await repos.commit()
    listed = await repos.reads.payments_of(repos.payer)
    assert [p.purpose_reference for p in listed] == ["order-2", "order-3", "order-1"]
    assert await repos.reads.payments_of(repos.other + 1000) == []


async def test_stale_open_payments_come_oldest_first_up_to_the_limit(repos: Repos) -> None:
    cases = [(1, PaymentStatus.PENDING, 50), (2, PaymentStatus.IN_PROGRESS, 40), (3, PaymentStatus.IN_PROGRESS, 45),
             (4, PaymentStatus.SUCCEEDED, 60), (5, PaymentStatus.FAILED, 60), (6, PaymentStatus.CANCELLED, 60),
             (7, PaymentStatus.PENDING, 5)]
    for n, status, minutes_ago in cases:
        await repos.payments.add(a_payment(repos.payer, n, status=status, created_at=NOW - timedelta(hours=2),
                                           updated_at=NOW - timedelta(minutes=minutes_ago)))
    await repos.commit()
    cut_off = NOW - timedelta(minutes=30)
    stale = await repos.payments.stale_open(cut_off, 10)
    assert [p.purpose_reference for p in stale] == ["order-1", "order-3", "order-2"]
    assert [p.purpose_reference for p in await repos.payments.stale_open(cut_off, 2)] == ["order-1", "order-3"]
    assert await repos.payments.stale_open(NOW - timedelta(hours=5), 10) == []


async def test_reference_numbers_only_go_up(repos: Repos) -> None:
    numbers = [await repos.payments.next_reference_number(date(2026, 5, 1)) for _ in range(5)]
    numbers.append(await repos.payments.next_reference_number(date(2026, 5, 2)))
    assert numbers == sorted(set(numbers)) and numbers[0] >= 1


# ---------------------------------------------------------------- statistics


async def test_totals_count_by_status_and_sum_collected_money_per_currency(repos: Repos) -> None:
    assert await repos.reads.totals() == PaymentTotals(0, 0, 0, 0, {})
    cases = [(PaymentStatus.SUCCEEDED, "XOF", 10_000, 0), (PaymentStatus.REFUNDED, "XOF", 5_000, 5_000),
             (PaymentStatus.SUCCEEDED, "EUR", 2_000, 0), (PaymentStatus.FAILED, "XOF", 7_000, 0),
             (PaymentStatus.PENDING, "XOF", 1_000, 0), (PaymentStatus.IN_PROGRESS, "EUR", 3_000, 0),
             (PaymentStatus.CANCELLED, "XOF", 9_000, 0)]
    for n, (status, currency, amount, refunded) in enumerate(cases, start=1):
        await repos.payments.add(a_payment(repos.payer if n % 2 else repos.other, n, status=status,
                                           currency=currency, amount=amount, fees=amount // 10, refunded=refunded))
    await repos.commit()
    totals = await repos.reads.totals()
    assert (totals.total, totals.succeeded, totals.failed, totals.pending) == (7, 3, 1, 2)
    assert totals.revenue_minor == {"XOF": 15_000, "EUR": 2_000}


async def test_a_payer_summary_counts_what_they_spent_net_of_refunds(repos: Repos) -> None:
    empty = await repos.reads.payer_summary(repos.payer)
    assert (empty.spent_minor, empty.last_payment_at, empty.pending_count) == ({}, None, 0)
    cases = [(PaymentStatus.SUCCEEDED, "XOF", 10_000, 0, 1), (PaymentStatus.REFUNDED, "XOF", 5_000, 2_000, 2),
             (PaymentStatus.SUCCEEDED, "EUR", 2_000, 0, 3), (PaymentStatus.PENDING, "XOF", 1_000, 0, 5),
             (PaymentStatus.IN_PROGRESS, "XOF", 1_000, 0, 4), (PaymentStatus.FAILED, "XOF", 9_000, 0, 6)]
    for n, (status, currency, amount, refunded, hours) in enumerate(cases, start=1):
        await repos.payments.add(a_payment(repos.payer, n, status=status, currency=currency, amount=amount,
                                           fees=0, refunded=refunded, created_at=NOW + timedelta(hours=hours)))
    await repos.payments.add(a_payment(repos.other, 99, status=PaymentStatus.SUCCEEDED,
                                       created_at=NOW + timedelta(days=3)))
    await repos.commit()
    summary = await repos.reads.payer_summary(repos.payer)
    assert summary.spent_minor == {"XOF": 13_000, "EUR": 2_000}
    assert summary.last_payment_at == NOW + timedelta(hours=6)
    assert summary.pending_count == 2


# ---------------------------------------------------------------- attempts


async def test_attempts_are_found_by_each_of_their_references(repos: Repos) -> None:
    payment = await repos.payments.add(a_payment(repos.payer))
    first = await repos.attempts.add(an_attempt(payment, 1, provider_reference="mtn-1", secret="s1"))
    second = await repos.attempts.add(an_attempt(payment, 2, at=NOW + timedelta(minutes=5)))
    assert first.id is not None and second.id is not None
    second.provider_reference, second.callback_secret, second.provider_status = "mtn-2", "s2", "PENDING"
    await repos.attempts.save(second)
    await repos.commit()
    await repos.reload()
    latest = await repos.attempts.latest(payment.id)
    assert as_dict(latest) == as_dict(second)
    assert (await repos.attempts.by_provider_reference(PaymentMethod.MTN, "mtn-1")).id == first.id
    assert await repos.attempts.by_provider_reference(PaymentMethod.MOOV, "mtn-1") is None
    assert (await repos.attempts.by_callback_secret(PaymentMethod.MTN, "s2")).id == second.id
    assert await repos.attempts.by_callback_secret(PaymentMethod.ORANGE, "s2") is None
    assert (await repos.attempts.by_order_id(first.order_id)).number == 1
    assert await repos.attempts.by_order_id("nope") is None
    assert (await repos.attempts.by_reference(second.reference)).id == second.id
    assert await repos.attempts.by_reference(uuid4()) is None
    assert await repos.attempts.latest(payment.id + 1000) is None


async def test_a_provider_reference_belongs_to_one_attempt_per_method(repos: Repos) -> None:
    payment = await repos.payments.add(a_payment(repos.payer))
    await repos.attempts.add(an_attempt(payment, 1, provider_reference="ref"))
    await repos.attempts.add(an_attempt(payment, 2, method=PaymentMethod.MOOV, provider_reference="ref"))
    with pytest.raises(Conflict):
        await repos.attempts.add(an_attempt(payment, 3, provider_reference="ref"))
    third = await repos.attempts.add(an_attempt(payment, 3))
    third.provider_reference = "ref"
    with pytest.raises(Conflict):
        await repos.attempts.save(third)
    with pytest.raises(Conflict):
        await repos.attempts.add(an_attempt(payment, 3))  # same number, same order id
    await repos.commit()
    assert (await repos.attempts.latest(payment.id)).provider_reference is None


async def test_recent_attempts_come_newest_first_with_their_payment(repos: Repos) -> None:
    one = await repos.payments.add(a_payment(repos.payer, 1))
    two = await repos.payments.add(a_payment(repos.other, 2))
    for payment, number, minutes in ((one, 1, 1), (two, 1, 2), (one, 2, 3), (two, 2, 4)):
        await repos.attempts.add(an_attempt(payment, number, at=NOW + timedelta(minutes=minutes)))
    await repos.commit()
    page = await repos.reads.recent_attempts(3, 0)
    assert [(a.order_id, uuid) for a, uuid in page] == [
        (f"{two.internal_reference}-2", two.uuid), (f"{one.internal_reference}-2", one.uuid),
        (f"{two.internal_reference}-1", two.uuid)]
    rest = await repos.reads.recent_attempts(3, 3)
    assert [(a.order_id, uuid) for a, uuid in rest] == [(f"{one.internal_reference}-1", one.uuid)]
    assert isinstance(rest[0][1], UUID)


# ---------------------------------------------------------------- refunds


async def test_refunds_round_trip_and_list(repos: Repos) -> None:
    payment = await repos.payments.add(a_payment(repos.payer, status=PaymentStatus.SUCCEEDED))
    other_payment = await repos.payments.add(a_payment(repos.other, 2, status=PaymentStatus.SUCCEEDED))
    first = await repos.refunds.add(a_refund(payment, repos.payer, at=NOW))
    second = await repos.refunds.add(a_refund(payment, repos.payer, at=NOW + timedelta(hours=1)))
    third = await repos.refunds.add(a_refund(other_payment, repos.other, at=NOW + timedelta(hours=2)))
    assert first.id is not None
    await repos.commit()
    await repos.reload()
    assert as_dict(await repos.refunds.get(first.id)) == as_dict(first)
    assert await repos.refunds.get(third.id + 1000) is None

    refund = await repos.refunds.get_for_update(first.id)
    refund.approve(7, "Accordé", NOW + timedelta(hours=3))
    refund.reference = uuid4()
    await repos.refunds.save(refund)
    await repos.commit()
    loaded = await repos.refunds.get(first.id)
    assert loaded.status is RefundStatus.APPROVED and loaded.decided_by == 7 and loaded.decision_note == "Accordé"
    assert loaded.reference == refund.reference and loaded.decided_at == NOW + timedelta(hours=3)

    assert [r.id for r in await repos.reads.refunds_of(repos.payer)] == [second.id, first.id]
    assert [r.id for r in await repos.reads.refunds(None, 10, 0)] == [third.id, second.id, first.id]
    assert [r.id for r in await repos.reads.refunds(None, 1, 1)] == [second.id]
    assert [r.id for r in await repos.reads.refunds(RefundStatus.REQUESTED, 10, 0)] == [third.id, second.id]
    assert [r.id for r in await repos.reads.refunds(RefundStatus.APPROVED, 10, 0)] == [first.id]
    assert await repos.reads.refunds(RefundStatus.REJECTED, 10, 0) == []


async def test_open_and_in_progress_refunds(repos: Repos) -> None:
    payment = await repos.payments.add(a_payment(repos.payer, status=PaymentStatus.SUCCEEDED))
    elsewhere = await repos.payments.add(a_payment(repos.payer, 2, status=PaymentStatus.SUCCEEDED))
    made = {}
    for hours, status in enumerate(RefundStatus):
        made[status] = await repos.refunds.add(a_refund(payment, repos.payer, status=status,
                                                        at=NOW + timedelta(hours=hours)))
    late = await repos.refunds.add(a_refund(elsewhere, repos.payer, status=RefundStatus.IN_PROGRESS,
                                            at=NOW + timedelta(days=1)))
    early = await repos.refunds.add(a_refund(elsewhere, repos.payer, status=RefundStatus.IN_PROGRESS,
                                             at=NOW - timedelta(days=1)))
    await repos.commit()
    open_ = await repos.refunds.open_for_payment(payment.id)
    assert [r.status for r in open_] == [RefundStatus.REQUESTED, RefundStatus.IN_PROGRESS, RefundStatus.APPROVED]
    going = await repos.refunds.in_progress(10)
    assert [r.id for r in going] == [early.id, made[RefundStatus.IN_PROGRESS].id, late.id]
    assert [r.id for r in await repos.refunds.in_progress(1)] == [early.id]


async def test_a_refund_reference_is_unique(repos: Repos) -> None:
    payment = await repos.payments.add(a_payment(repos.payer, status=PaymentStatus.SUCCEEDED))
    reference = uuid4()
    first = a_refund(payment, repos.payer)
    first.reference = reference
    await repos.refunds.add(first)
    await repos.refunds.add(a_refund(payment, repos.payer))  # no reference yet: several may wait
    await repos.refunds.add(a_refund(payment, repos.payer))
    twin = a_refund(payment, repos.payer)
    twin.reference = reference
    with pytest.raises(Conflict):
        await repos.refunds.add(twin)
    await repos.commit()
    assert len(await repos.refunds.open_for_payment(payment.id)) == 3


# ---------------------------------------------------------------- commissions


async def test_one_commission_per_payment(repos: Repos) -> None:
    one = await repos.payments.add(a_payment(repos.payer, 1, status=PaymentStatus.SUCCEEDED))
    two = await repos.payments.add(a_payment(repos.payer, 2, status=PaymentStatus.SUCCEEDED))
    first = await repos.commissions.add(a_commission(one, at=NOW))
    assert first.id is not None
    with pytest.raises(Conflict):
        await repos.commissions.add(a_commission(one, at=NOW))
    second = await repos.commissions.add(a_commission(two, at=NOW + timedelta(hours=1)))
    await repos.commit()
    await repos.reload()
    assert as_dict(await repos.commissions.for_payment(one.id)) == as_dict(first)
    assert await repos.commissions.for_payment(two.id + 1000) is None
    first.status = CommissionStatus.CANCELLED
    await repos.commissions.save(first)
    await repos.commit()
    assert (await repos.commissions.for_payment(one.id)).status is CommissionStatus.CANCELLED
    assert [c.id for c in await repos.reads.recent_commissions(10, 0)] == [second.id, first.id]
    assert [c.id for c in await repos.reads.recent_commissions(10, 1)] == [first.id]


# ---------------------------------------------------------------- ledger and callbacks


def settled(payer: int, n: int = 1, at: datetime = NOW) -> Payment:
    payment = a_payment(payer, n, status=PaymentStatus.SUCCEEDED)
    payment.settled_at = at
    return payment


async def test_a_ledger_transaction_is_recorded_once(repos: Repos) -> None:
    payment = await repos.payments.add(settled(repos.payer))
    entries = settlement_entries(payment)
    assert await repos.ledger.record(entries)
    assert all(entry.id is not None for entry in entries)
    assert not await repos.ledger.record(settlement_entries(payment))
    await repos.commit()
    recorded = await repos.reads.ledger_entries(None, None)
    assert [(e.account, e.amount_minor) for e in recorded] == [
        (Account.COLLECTED, 10_000), (Account.COMMISSIONS, -1_000), (Account.NET_PAYABLE, -9_000)]
    assert [e.id for e in recorded] == sorted(e.id for e in recorded)
    assert recorded[0].payment_uuid == payment.uuid and recorded[0].at == NOW


async def test_a_transaction_whose_key_is_recorded_writes_none_of_its_entries(repos: Repos) -> None:
    payment = await repos.payments.add(settled(repos.payer))
    assert await repos.ledger.record(settlement_entries(payment))
    clash = [LedgerEntry(transaction_key=f"settle:{payment.uuid}", payment_uuid=payment.uuid, account=account,
                         currency="XOF", amount_minor=amount, at=NOW)
             for account, amount in ((Account.REFUNDS, -500), (Account.COLLECTED, 500))]
    assert not await repos.ledger.record(clash)
    await repos.commit()
    assert [e.account for e in await repos.reads.ledger_entries(None, None)] == [
        Account.COLLECTED, Account.COMMISSIONS, Account.NET_PAYABLE]


async def test_the_ledger_refuses_what_is_not_one_balanced_transaction(repos: Repos) -> None:
    payment = await repos.payments.add(settled(repos.payer))
    entries = settlement_entries(payment)
    with pytest.raises(ValueError):
        await repos.ledger.record([])
    with pytest.raises(ValueError):
        await repos.ledger.record(entries[:2])
    mixed = settlement_entries(payment)
    mixed[0].transaction_key = "other"
    with pytest.raises(ValueError):
        await repos.ledger.record(mixed)
    await repos.commit()
    assert await repos.reads.ledger_entries(None, None) == []


async def test_ledger_entries_between_two_instants(repos: Repos) -> None:
    payment = await repos.payments.add(settled(repos.payer, at=NOW))
    later = await repos.payments.add(settled(repos.payer, 2, at=NOW + timedelta(days=1)))
    assert await repos.ledger.record(settlement_entries(payment))
    assert await repos.ledger.record(settlement_entries(later))
    later.record_refund(4_000, NOW + timedelta(days=2))
    refund = await repos.refunds.add(a_refund(later, repos.payer, amount=4_000))
    assert await repos.ledger.record(refund_entries(later, refund, NOW + timedelta(days=2)))
    await repos.commit()
    assert len(await repos.reads.ledger_entries(None, None)) == 8
    day_two = await repos.reads.ledger_entries(NOW + timedelta(days=1), NOW + timedelta(days=2))
    assert {e.payment_uuid for e in day_two} == {later.uuid} and len(day_two) == 3
    assert len(await repos.reads.ledger_entries(NOW + timedelta(days=1), None)) == 5
    assert len(await repos.reads.ledger_entries(None, NOW + timedelta(days=1))) == 3
    report = ledger_report("XOF", await repos.reads.ledger_entries(None, None))
    assert report.balances and report.refunds == 4_000 and report.collected == 20_000
    with pytest.raises(TypeError):
        await repos.reads.ledger_entries(NOW.replace(tzinfo=None), None)
    with pytest.raises(TypeError):
        await repos.reads.ledger_entries(None, NOW.replace(tzinfo=None))


async def test_a_callback_delivery_counts_the_first_time_only(repos: Repos) -> None:
    assert await repos.callbacks.first_time("mtn", "evt-1", NOW)
    assert not await repos.callbacks.first_time("mtn", "evt-1", NOW + timedelta(minutes=1))
    assert await repos.callbacks.first_time("moov", "evt-1", NOW)
    assert await repos.callbacks.first_time("mtn", "evt-2", NOW)
    await repos.commit()
    assert not await repos.callbacks.first_time("moov", "evt-1", NOW)


# ---------------------------------------------------------------- memory only


async def test_memory_repositories_hand_out_copies() -> None:
    store = MemoryStore()
    payments, attempts = memory.MemoryPaymentRepository(store), memory.MemoryAttemptRepository(store)
    refunds, ledger = memory.MemoryRefundRepository(store), memory.MemoryLedger(store)
    reads = memory.MemoryPaymentReads(store)
    payment = await payments.add(settled(1))
    payment.description = "changed, not saved"
    loaded = await payments.get(payment.uuid)
    assert loaded is not payment and loaded.description == "Billets n°1"
    loaded.status = PaymentStatus.FAILED
    assert (await payments.get_by_id(payment.id)).status is PaymentStatus.SUCCEEDED
    attempt = await attempts.add(an_attempt(payment))
    attempt.provider_reference = "unsaved"
    assert (await attempts.latest(payment.id)).provider_reference is None
    refund = await refunds.add(a_refund(payment, 1))
    (await refunds.get(refund.id)).status = RefundStatus.REJECTED
    assert (await reads.refunds(None, 10, 0))[0].status is RefundStatus.REQUESTED
    (await reads.payment(payment.uuid)).status = PaymentStatus.FAILED
    assert (await payments.get(payment.uuid)).status is PaymentStatus.SUCCEEDED
    entries = settlement_entries(payment)
    await ledger.record(entries)
    entries[0].amount_minor = 0
    assert (await reads.ledger_entries(None, None))[0].amount_minor == 10_000


# ---------------------------------------------------------------- PostgreSQL only


@pytest.fixture
async def factory(database_url: str, clean_database: None) -> AsyncIterator[Any]:
    engine = make_engine(database_url, pool_size=60, max_overflow=0)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def _stored_payment(factory: Any, payment_at: datetime = NOW) -> Payment:
    async with factory() as session:
        (payer, _) = await _users(sql_identity.SqlUserRepository(session))
        payment = await sql.SqlPaymentRepository(session).add(settled(payer, at=payment_at))
        await session.commit()
    return payment


async def test_concurrent_recordings_of_one_settlement_write_it_once(factory: Any) -> None:
    payment = await _stored_payment(factory)
    ready = asyncio.Barrier(50)

    async def record() -> bool:
        async with factory() as session:
            await session.execute(text("SELECT 1"))  # hold a connection, then all go at once
            await ready.wait()
            written = await sql.SqlLedger(session).record(settlement_entries(payment))
            await session.commit()
            return written

    results = await asyncio.gather(*(record() for _ in range(50)))
    assert results.count(True) == 1
    async with factory() as session:
        rows = await session.scalar(select(func.count()).select_from(tables.ledger_entries))
    assert rows == 3


async def test_concurrent_deliveries_of_one_callback_count_once(factory: Any) -> None:
    ready = asyncio.Barrier(50)

    async def deliver() -> bool:
        async with factory() as session:
            await session.execute(text("SELECT 1"))
            await ready.wait()
            first = await sql.SqlProcessedCallbacks(session).first_time("mtn", "evt-1", NOW)
            await session.commit()
            return first

    results = await asyncio.gather(*(deliver() for _ in range(50)))
    assert results.count(True) == 1


async def test_get_for_update_holds_the_payment_until_the_transaction_ends(factory: Any) -> None:
    payment = await _stored_payment(factory)
    asking = asyncio.Event()

    async def second_writer() -> Payment | None:
        async with factory() as session:
            await session.execute(text("SELECT 1"))
            asking.set()
            loaded = await sql.SqlPaymentRepository(session).get_for_update(payment.uuid)
            await session.commit()
            return loaded

    async def someone_waits_on_a_lock() -> bool:
        async with factory() as session:
            waiting = await session.scalar(text("SELECT count(*) FROM pg_stat_activity "
                                                "WHERE wait_event_type = 'Lock' AND datname = current_database()"))
        return bool(waiting)

    async with factory() as session:
        repo = sql.SqlPaymentRepository(session)
        held = await repo.get_for_update(payment.uuid)
        task = asyncio.create_task(second_writer())
        await asyncio.wait_for(asking.wait(), 5)
        for _ in range(100):
            if await someone_waits_on_a_lock():
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the second get_for_update never waited")
        assert not task.done()
        held.record_refund(1_000, NOW + timedelta(hours=1))
        await repo.save(held)
        await session.commit()
    seen = await asyncio.wait_for(task, 5)
    assert seen is not None and seen.refunded_minor == 1_000 and seen.status is PaymentStatus.REFUNDED


async def test_the_database_refuses_fees_and_net_that_do_not_make_the_amount(factory: Any) -> None:
    payment = await _stored_payment(factory)
    t = tables.payments
    async with factory() as session:
        with pytest.raises(IntegrityError, match="fees_and_net_make_amount"):
            await session.execute(update(t).where(t.c.id == payment.id).values(fees_minor=t.c.fees_minor + 1))
        await session.rollback()
        with pytest.raises(IntegrityError, match="refunded_within_amount"):
            await session.execute(update(t).where(t.c.id == payment.id).values(refunded_minor=t.c.amount_minor + 1))
        await session.rollback()


async def test_an_unknown_payer_is_a_bug_not_a_conflict(factory: Any) -> None:
    async with factory() as session:
        with pytest.raises(IntegrityError):
            await sql.SqlPaymentRepository(session).add(a_payment(123_456))


async def test_a_save_that_cannot_clash_is_written_without_a_savepoint(factory: Any) -> None:
    payment = await _stored_payment(factory)
    async with factory() as session:
        statements: list[str] = []
        event.listen(session.sync_session.bind, "before_cursor_execute",
                     lambda conn, cursor, text, *rest: statements.append(text.split(None, 1)[0].upper()))
        payments = sql.SqlPaymentRepository(session)
        loaded = await payments.get_for_update(payment.uuid)
        assert loaded is not None
        loaded.flag_for_refund("Montant reçu différent du montant attendu")
        statements.clear()
        await payments.save(loaded)
        assert statements == ["UPDATE"]
        twin = await payments.add(a_payment(loaded.payer_id, 2))
        twin.internal_reference = loaded.internal_reference  # a unique column changed: it may clash
        statements.clear()
        with pytest.raises(Conflict):
            await payments.save(twin)
        assert "SAVEPOINT" in statements
        await session.commit()  # the refused save left the transaction usable
    async with factory() as session:
        again = await sql.SqlPaymentRepository(session).get(payment.uuid)
        assert again is not None and again.flagged_for_refund
