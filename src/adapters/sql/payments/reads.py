"""Payments' read side: one round trip each (see adapters/sql/reads.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import bindparam, func, or_, select

from adapters.sql.payments import tables
from adapters.sql.reads import ReadStatement, RowReader, SqlReads
from application.payments.ports import PayerSummary, PaymentTotals
from domain.payments.model import (
    OPEN,
    Attempt,
    Commission,
    LedgerEntry,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)

_payments, _attempts, _refunds = tables.payments, tables.payment_attempts, tables.refunds
_commissions, _ledger = tables.commissions, tables.ledger_entries
COLLECTED = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)  # payments whose money came in

_PAYMENT = ReadStatement(select(_payments).where(_payments.c.uuid == bindparam("payment_uuid")))
_PAYMENTS_OF = ReadStatement(select(_payments).where(_payments.c.payer_id == bindparam("payer_id"))
                             .order_by(_payments.c.created_at.desc(), _payments.c.id.desc()))
_REFUNDS_OF = ReadStatement(select(_refunds).where(_refunds.c.requester_id == bindparam("requester_id"))
                            .order_by(_refunds.c.requested_at.desc(), _refunds.c.id.desc()))
_ALL_REFUNDS = (select(_refunds).order_by(_refunds.c.requested_at.desc(), _refunds.c.id.desc())
                .limit(bindparam("limit")).offset(bindparam("offset")))
_REFUNDS = ReadStatement(_ALL_REFUNDS)
_REFUNDS_IN = ReadStatement(_ALL_REFUNDS.where(_refunds.c.status == bindparam("status")))
_REFUND = ReadStatement(
    select(_refunds, *[column.label(f"payment__{column.name}") for column in _payments.c])
    .join(_payments, _payments.c.id == _refunds.c.payment_id).where(_refunds.c.id == bindparam("refund_id")))
_BY_STATUS = ReadStatement(
    select(_payments.c.status, _payments.c.currency, func.count().label("n"),
           func.sum(_payments.c.amount_minor).label("amount"))
    .group_by(_payments.c.status, _payments.c.currency))
_OF_PAYER = ReadStatement(
    select(_payments.c.status, _payments.c.currency, func.count().label("n"),
           func.sum(_payments.c.amount_minor - _payments.c.refunded_minor).label("kept"),
           func.max(_payments.c.created_at).label("last_at"))
    .where(_payments.c.payer_id == bindparam("payer_id")).group_by(_payments.c.status, _payments.c.currency))
_RECENT_ATTEMPTS = ReadStatement(
    select(_attempts, _payments.c.uuid.label("payment_uuid"))
    .join(_payments, _payments.c.id == _attempts.c.payment_id)
    .order_by(_attempts.c.created_at.desc(), _attempts.c.id.desc())
    .limit(bindparam("limit")).offset(bindparam("offset")))
_RECENT_COMMISSIONS = ReadStatement(
    select(_commissions).order_by(_commissions.c.created_at.desc(), _commissions.c.id.desc())
    .limit(bindparam("limit")).offset(bindparam("offset")))
_start, _end = bindparam("start", type_=DateTimeUTC), bindparam("end", type_=DateTimeUTC)
_LEDGER = ReadStatement(
    select(_ledger).where(or_(_start.is_(None), _ledger.c.at >= _start), or_(_end.is_(None), _ledger.c.at < _end))
    .order_by(_ledger.c.id))

_payment = RowReader(_payments, Payment)
_payment_of_refund = RowReader(_payments, Payment, prefix="payment__")
_refund = RowReader(_refunds, Refund)
_attempt = RowReader(_attempts, Attempt)
_commission = RowReader(_commissions, Commission)
_entry = RowReader(_ledger, LedgerEntry)


class SqlPaymentReads(SqlReads):
    async def payment(self, payment_uuid: UUID) -> Payment | None:
        row = await self._first(_PAYMENT, payment_uuid=payment_uuid)
        return None if row is None else _payment(row)

    async def payments_of(self, payer_id: int) -> list[Payment]:
        return [_payment(row) for row in await self._all(_PAYMENTS_OF, payer_id=payer_id)]

    async def refunds_of(self, requester_id: int) -> list[Refund]:
        return [_refund(row) for row in await self._all(_REFUNDS_OF, requester_id=requester_id)]

    async def refunds(self, status: RefundStatus | None, limit: int, offset: int) -> list[Refund]:
        if status is None:
            rows = await self._all(_REFUNDS, limit=limit, offset=offset)
        else:
            rows = await self._all(_REFUNDS_IN, status=status.value, limit=limit, offset=offset)
        return [_refund(row) for row in rows]

    async def refund(self, refund_id: int) -> tuple[Refund, Payment] | None:
        row = await self._first(_REFUND, refund_id=refund_id)
        return None if row is None else (_refund(row), _payment_of_refund(row))

    async def totals(self) -> PaymentTotals:
        counts: dict[PaymentStatus, int] = defaultdict(int)
        revenue: dict[str, int] = defaultdict(int)
        for row in await self._all(_BY_STATUS):
            status = PaymentStatus(row["status"])
            counts[status] += row["n"]
            if status in COLLECTED:
                revenue[row["currency"]] += int(row["amount"])
        return PaymentTotals(
            total=sum(counts.values()),
            succeeded=sum(counts[status] for status in COLLECTED),
            failed=counts[PaymentStatus.FAILED],
            pending=sum(counts[status] for status in OPEN),
            revenue_minor=dict(revenue),
        )

    async def payer_summary(self, payer_id: int) -> PayerSummary:
        spent: dict[str, int] = defaultdict(int)
        last: datetime | None = None
        pending = 0
        for row in await self._all(_OF_PAYER, payer_id=payer_id):
            status = PaymentStatus(row["status"])
            if status in COLLECTED:
                spent[row["currency"]] += int(row["kept"])
            if status in OPEN:
                pending += row["n"]
            last = row["last_at"] if last is None else max(last, row["last_at"])
        return PayerSummary(spent_minor=dict(spent), last_payment_at=last, pending_count=pending)

    async def recent_attempts(self, limit: int, offset: int) -> list[tuple[Attempt, UUID]]:
        rows = await self._all(_RECENT_ATTEMPTS, limit=limit, offset=offset)
        return [(_attempt(row), row["payment_uuid"]) for row in rows]

    async def recent_commissions(self, limit: int, offset: int) -> list[Commission]:
        return [_commission(row) for row in await self._all(_RECENT_COMMISSIONS, limit=limit, offset=offset)]

    async def ledger_entries(self, start: datetime | None, end: datetime | None) -> list[LedgerEntry]:
        if any(instant is not None and instant.tzinfo is None for instant in (start, end)):
            raise TypeError("tzinfo is required")  # as the ORM's DateTimeUTC: asyncpg would assume local time
        return [_entry(row) for row in await self._all(_LEDGER, start=start, end=end)]
