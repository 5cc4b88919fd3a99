"""Memory repositories of the payments context: the same contract as the SQL ones, over a MemoryStore."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from adapters.memory.store import MemoryStore, detached
from application.payments.ports import PayerSummary, PaymentTotals
from domain.payments.model import (
    OPEN,
    Attempt,
    Commission,
    LedgerEntry,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from domain.payments.policies import one_transaction
from domain.shared.errors import Conflict

COLLECTED = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED})  # payments whose money came in
SETTLED_REFUNDS = frozenset({RefundStatus.REJECTED, RefundStatus.REFUNDED})


def _copies(found: Iterable[Any]) -> list[Any]:
    return [detached(entity) for entity in found]


def _newest_first(found: Iterable[Any], at: str) -> list[Any]:
    return sorted(found, key=lambda entity: (getattr(entity, at), entity.id), reverse=True)


class MemoryPaymentRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, Payment] = store.table("payments")
        self._store = store

    def _check_unique(self, payment: Payment) -> None:
        for other in self._rows.values():
            if other.id != payment.id and (other.uuid == payment.uuid
                                           or other.internal_reference == payment.internal_reference):
                raise Conflict("Ce paiement existe déjà")

    async def add(self, payment: Payment) -> Payment:
        self._check_unique(payment)
        payment.id = self._store.next_id("payments")
        self._rows[payment.id] = self._store.keep(payment)
        return payment

    async def get(self, payment_uuid: UUID) -> Payment | None:
        return next((detached(p) for p in self._rows.values() if p.uuid == payment_uuid), None)

    # One writer at a time in memory: there is nothing to hold.
    get_for_update = get

    async def get_by_id(self, payment_id: int) -> Payment | None:
        found = self._rows.get(payment_id)
        return detached(found) if found else None

    async def save(self, payment: Payment) -> None:
        assert payment.id is not None, "a payment is added before it is saved"
        self._check_unique(payment)
        self._rows[payment.id] = self._store.keep(payment)

    async def stale_open(self, older_than: datetime, limit: int) -> list[Payment]:
        stale = [p for p in self._rows.values() if p.status in OPEN and p.updated_at < older_than]
        stale.sort(key=lambda p: (p.updated_at, p.id))
        return _copies(stale[:limit])

    async def next_reference_number(self, day: date) -> int:
        return self._store.next_id("payment_references")


class MemoryAttemptRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, Attempt] = store.table("payment_attempts")
        self._store = store

    def _check_unique(self, attempt: Attempt) -> None:
        for other in self._rows.values():
            if other.id == attempt.id:
                continue
            if (other.reference == attempt.reference or other.order_id == attempt.order_id
                    or (other.payment_id, other.number) == (attempt.payment_id, attempt.number)):
                raise Conflict("Cette tentative existe déjà")
            if (attempt.provider_reference is not None and other.method is attempt.method
                    and other.provider_reference == attempt.provider_reference):
                raise Conflict("Référence opérateur déjà attribuée à une autre tentative")

    async def add(self, attempt: Attempt) -> Attempt:
        self._check_unique(attempt)
        attempt.id = self._store.next_id("payment_attempts")
        self._rows[attempt.id] = detached(attempt)
        return attempt

    async def save(self, attempt: Attempt) -> None:
        assert attempt.id is not None, "an attempt is added before it is saved"
        self._check_unique(attempt)
        self._rows[attempt.id] = detached(attempt)

    async def latest(self, payment_id: int) -> Attempt | None:
        mine = [a for a in self._rows.values() if a.payment_id == payment_id]
        return detached(max(mine, key=lambda a: (a.number, a.id))) if mine else None

    async def by_provider_reference(self, method: PaymentMethod, provider_reference: str) -> Attempt | None:
        return next((detached(a) for a in self._rows.values()
                     if a.method is method and a.provider_reference == provider_reference), None)

    async def by_callback_secret(self, method: PaymentMethod, secret: str) -> Attempt | None:
        found = [a for a in self._rows.values() if a.method is method and a.callback_secret == secret]
        return detached(max(found, key=lambda a: a.id or 0)) if found else None

    async def by_order_id(self, order_id: str) -> Attempt | None:
        return next((detached(a) for a in self._rows.values() if a.order_id == order_id), None)

    async def by_reference(self, reference: UUID) -> Attempt | None:
        return next((detached(a) for a in self._rows.values() if a.reference == reference), None)


class MemoryRefundRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, Refund] = store.table("refunds")
        self._store = store

    def _check_unique(self, refund: Refund) -> None:
        if refund.reference is not None and any(
                r.id != refund.id and r.reference == refund.reference for r in self._rows.values()):
            raise Conflict("Référence de remboursement déjà attribuée")

    async def add(self, refund: Refund) -> Refund:
        self._check_unique(refund)
        refund.id = self._store.next_id("refunds")
        self._rows[refund.id] = detached(refund)
        return refund

    async def get(self, refund_id: int) -> Refund | None:
        found = self._rows.get(refund_id)
        return detached(found) if found else None

    get_for_update = get

    async def save(self, refund: Refund) -> None:
        assert refund.id is not None, "a refund is added before it is saved"
        self._check_unique(refund)
        self._rows[refund.id] = detached(refund)

    async def open_for_payment(self, payment_id: int) -> list[Refund]:
        mine = [r for r in self._rows.values() if r.payment_id == payment_id and r.status not in SETTLED_REFUNDS]
        return _copies(sorted(mine, key=lambda r: r.id))

    async def in_progress(self, limit: int) -> list[Refund]:
        going = [r for r in self._rows.values() if r.status is RefundStatus.IN_PROGRESS]
        going.sort(key=lambda r: (r.requested_at, r.id))
        return _copies(going[:limit])


class MemoryCommissionRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, Commission] = store.table("commissions")
        self._store = store

    def _check_unique(self, commission: Commission) -> None:
        if any(c.id != commission.id and c.payment_id == commission.payment_id for c in self._rows.values()):
            raise Conflict("La commission de ce paiement est déjà enregistrée")

    async def add(self, commission: Commission) -> Commission:
        self._check_unique(commission)
        commission.id = self._store.next_id("commissions")
        self._rows[commission.id] = detached(commission)
        return commission

    async def for_payment(self, payment_id: int) -> Commission | None:
        return next((detached(c) for c in self._rows.values() if c.payment_id == payment_id), None)

    async def save(self, commission: Commission) -> None:
        assert commission.id is not None, "a commission is added before it is saved"
        self._check_unique(commission)
        self._rows[commission.id] = detached(commission)


class MemoryLedger:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, LedgerEntry] = store.table("ledger_entries")
        self._store = store

    async def record(self, entries: Sequence[LedgerEntry]) -> bool:
        ordered = one_transaction(entries)
        key = ordered[0].transaction_key
        if any(row.transaction_key == key for row in self._rows.values()):
            return False
        for entry in ordered:
            entry.id = self._store.next_id("ledger_entries")
            self._rows[entry.id] = detached(entry)
        return True


class MemoryProcessedCallbacks:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[tuple[str, str], datetime] = store.table("processed_callbacks")

    async def first_time(self, provider: str, event_id: str, at: datetime) -> bool:
        if (provider, event_id) in self._rows:
            return False
        self._rows[(provider, event_id)] = at
        return True


class MemoryPaymentReads:
    def __init__(self, store: MemoryStore) -> None:
        self._payments: dict[int, Payment] = store.table("payments")
        self._attempts: dict[int, Attempt] = store.table("payment_attempts")
        self._refunds: dict[int, Refund] = store.table("refunds")
        self._commissions: dict[int, Commission] = store.table("commissions")
        self._ledger: dict[int, LedgerEntry] = store.table("ledger_entries")

    async def payment(self, payment_uuid: UUID) -> Payment | None:
        return next((detached(p) for p in self._payments.values() if p.uuid == payment_uuid), None)

    async def payments_of(self, payer_id: int) -> list[Payment]:
        return _copies(_newest_first((p for p in self._payments.values() if p.payer_id == payer_id), "created_at"))

    async def refunds_of(self, requester_id: int) -> list[Refund]:
        return _copies(_newest_first((r for r in self._refunds.values() if r.requester_id == requester_id),
                                     "requested_at"))

    async def refunds(self, status: RefundStatus | None, limit: int, offset: int) -> list[Refund]:
        found = [r for r in self._refunds.values() if status is None or r.status is status]
        return _copies(_newest_first(found, "requested_at")[offset:offset + limit])

    async def refund(self, refund_id: int) -> tuple[Refund, Payment] | None:
        refund = self._refunds.get(refund_id)
        if refund is None:
            return None
        return detached(refund), detached(self._payments[refund.payment_id])

    async def totals(self) -> PaymentTotals:
        payments = list(self._payments.values())
        revenue: dict[str, int] = defaultdict(int)
        for payment in payments:
            if payment.status in COLLECTED:
                revenue[payment.currency] += payment.amount_minor
        return PaymentTotals(
            total=len(payments),
            succeeded=sum(p.status in COLLECTED for p in payments),
            failed=sum(p.status is PaymentStatus.FAILED for p in payments),
            pending=sum(p.status in OPEN for p in payments),
            revenue_minor=dict(revenue),
        )

    async def payer_summary(self, payer_id: int) -> PayerSummary:
        mine = [p for p in self._payments.values() if p.payer_id == payer_id]
        spent: dict[str, int] = defaultdict(int)
        for payment in mine:
            if payment.status in COLLECTED:
                spent[payment.currency] += payment.amount_minor - payment.refunded_minor
        return PayerSummary(
            spent_minor=dict(spent),
            last_payment_at=max((p.created_at for p in mine), default=None),
            pending_count=sum(p.status in OPEN for p in mine),
        )

    async def recent_attempts(self, limit: int, offset: int) -> list[tuple[Attempt, UUID]]:
        page = _newest_first(self._attempts.values(), "created_at")[offset:offset + limit]
        return [(detached(a), self._payments[a.payment_id].uuid) for a in page]

    async def recent_commissions(self, limit: int, offset: int) -> list[Commission]:
        return _copies(_newest_first(self._commissions.values(), "created_at")[offset:offset + limit])

    async def ledger_entries(self, start: datetime | None, end: datetime | None) -> list[LedgerEntry]:
        found = [e for e in self._ledger.values()
                 if (start is None or e.at >= start) and (end is None or e.at < end)]
        return _copies(sorted(found, key=lambda e: e.id))
