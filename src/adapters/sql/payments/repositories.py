"""SQL repositories of the payments context (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Table, UniqueConstraint, exists, inspect, select, values
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.payments import tables
from adapters.sql.writes import insert_new
from domain.payments.model import (
    OPEN,
    Attempt,
    Commission,
    LedgerEntry,
    Payment,
    PaymentMethod,
    Refund,
    RefundStatus,
)
from domain.payments.policies import one_transaction
from domain.shared.errors import Conflict

UNIQUE_VIOLATION = "23505"
SETTLED_REFUNDS = (RefundStatus.REJECTED, RefundStatus.REFUNDED)


def _is_unique_violation(error: IntegrityError) -> bool:
    return getattr(error.orig, "sqlstate", None) == UNIQUE_VIOLATION


def _unique_columns(table: Table) -> frozenset[str]:
    """The columns some unique constraint or unique index of `table` covers (the primary key aside)."""
    names = {column.name for constraint in table.constraints if isinstance(constraint, UniqueConstraint)
             for column in constraint.columns}
    names |= {column.name for index in table.indexes if index.unique for column in index.columns}
    names |= {column.name for column in table.columns if column.unique}
    return frozenset(names)


UNIQUE_COLUMNS = {table.name: _unique_columns(table) for table in (
    tables.payments, tables.payment_attempts, tables.refunds, tables.commissions)}


def _may_clash(entity: object) -> bool:
    """Whether writing `entity` can break a unique constraint: it is new, or a unique column of it changed."""
    state = inspect(entity)
    if state.key is None:
        return True
    unique = UNIQUE_COLUMNS.get(state.mapper.local_table.name, frozenset())
    return any(state.attrs[name].history.has_changes() for name in unique if name in state.attrs)


async def _write(session: AsyncSession, entity: object, conflict: str) -> None:
    """Adds (or re-adds) `entity` and flushes it; where it may break a unique constraint (a new row, a unique
    column changed), in a savepoint: a duplicate becomes a Conflict and leaves the transaction usable; any other
    integrity error (a missing row behind a foreign key, a broken CHECK) is a bug of the caller and propagates.
    An entity whose unique columns are unchanged is flushed without a savepoint (two round trips fewer: the
    SAVEPOINT and its RELEASE), since no duplicate can come of it.

    `begin_nested()` first flushes whatever the session holds, outside the savepoint: an entity loaded here
    and changed would have its UPDATE run there, and a duplicate would break the whole transaction. So it
    leaves the session (keeping its changes) while the rest is flushed, and comes back inside the savepoint.
    After a Conflict, a new entity is left out of the session and a changed one is expired (its unsaved changes
    dropped): load it again before using it."""
    if not _may_clash(entity):
        session.add(entity)
        await session.flush()
        return
    if entity in session:
        session.expunge(entity)
    await session.flush()
    try:
        async with session.begin_nested():
            session.add(entity)
            await session.flush()
    except IntegrityError as error:
        if _is_unique_violation(error):
            raise Conflict(conflict) from None
        raise


class SqlPaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, payment: Payment) -> Payment:
        await insert_new(self._session, payment, "Ce paiement existe déjà")
        return payment

    async def get(self, payment_uuid: UUID) -> Payment | None:
        result = await self._session.execute(select(Payment).where(tables.payments.c.uuid == payment_uuid))
        return result.scalar_one_or_none()

    async def get_for_update(self, payment_uuid: UUID) -> Payment | None:
        result = await self._session.execute(
            select(Payment).where(tables.payments.c.uuid == payment_uuid).with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def get_by_id(self, payment_id: int) -> Payment | None:
        return await self._session.get(Payment, payment_id)

    async def save(self, payment: Payment) -> None:
        await _write(self._session, payment, "Ce paiement existe déjà")

    async def stale_open(self, older_than: datetime, limit: int) -> list[Payment]:
        t = tables.payments
        result = await self._session.execute(
            select(Payment).where(t.c.status.in_(OPEN), t.c.updated_at < older_than)
            .order_by(t.c.updated_at, t.c.id).limit(limit)
        )
        return list(result.scalars())

    async def next_reference_number(self, day: date) -> int:
        """From a database sequence: never handed out twice, even by transactions that roll back."""
        number = await self._session.scalar(select(tables.payment_reference_seq.next_value()))
        assert number is not None
        return int(number)


class SqlAttemptRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, attempt: Attempt) -> Attempt:
        await insert_new(self._session, attempt, "Cette tentative existe déjà")
        return attempt

    async def save(self, attempt: Attempt) -> None:
        await _write(self._session, attempt, "Référence opérateur déjà attribuée à une autre tentative")

    async def latest(self, payment_id: int) -> Attempt | None:
        t = tables.payment_attempts
        result = await self._session.execute(
            select(Attempt).where(t.c.payment_id == payment_id).order_by(t.c.number.desc(), t.c.id.desc()).limit(1)
        )
        return result.scalar_one_or_none()

    async def by_provider_reference(self, method: PaymentMethod, provider_reference: str) -> Attempt | None:
        t = tables.payment_attempts
        result = await self._session.execute(
            select(Attempt).where(t.c.method == method, t.c.provider_reference == provider_reference)
        )
        return result.scalar_one_or_none()

    async def by_callback_secret(self, method: PaymentMethod, secret: str) -> Attempt | None:
        t = tables.payment_attempts
        result = await self._session.execute(
            select(Attempt).where(t.c.method == method, t.c.callback_secret == secret)
            .order_by(t.c.id.desc()).limit(1)
        )
        return result.scalar_one_or_none()

    async def by_order_id(self, order_id: str) -> Attempt | None:
        t = tables.payment_attempts
        result = await self._session.execute(select(Attempt).where(t.c.order_id == order_id))
        return result.scalar_one_or_none()

    async def by_reference(self, reference: UUID) -> Attempt | None:
        t = tables.payment_attempts
        result = await self._session.execute(select(Attempt).where(t.c.reference == reference))
        return result.scalar_one_or_none()


class SqlRefundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, refund: Refund) -> Refund:
        await insert_new(self._session, refund, "Ce remboursement existe déjà")
        return refund

    async def get(self, refund_id: int) -> Refund | None:
        return await self._session.get(Refund, refund_id)

    async def get_for_update(self, refund_id: int) -> Refund | None:
        result = await self._session.execute(
            select(Refund).where(tables.refunds.c.id == refund_id).with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def save(self, refund: Refund) -> None:
        await _write(self._session, refund, "Référence de remboursement déjà attribuée")

    async def open_for_payment(self, payment_id: int) -> list[Refund]:
        t = tables.refunds
        result = await self._session.execute(
            select(Refund).where(t.c.payment_id == payment_id, t.c.status.not_in(SETTLED_REFUNDS)).order_by(t.c.id)
        )
        return list(result.scalars())

    async def in_progress(self, limit: int) -> list[Refund]:
        t = tables.refunds
        result = await self._session.execute(
            select(Refund).where(t.c.status == RefundStatus.IN_PROGRESS)
            .order_by(t.c.requested_at, t.c.id).limit(limit)
        )
        return list(result.scalars())


class SqlCommissionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, commission: Commission) -> Commission:
        await insert_new(self._session, commission, "La commission de ce paiement est déjà enregistrée")
        return commission

    async def for_payment(self, payment_id: int) -> Commission | None:
        result = await self._session.execute(
            select(Commission).where(tables.commissions.c.payment_id == payment_id)
        )
        return result.scalar_one_or_none()

    async def save(self, commission: Commission) -> None:
        await _write(self._session, commission, "La commission de ce paiement est déjà enregistrée")


class SqlLedger:
    """Each transaction is all of its rows or none, in one statement without a savepoint: the rows go in only
    if no row of their key exists. A second writer of the same key, concurrent with the first, waits on the
    (transaction_key, account) unique index; once the first commits, its rows conflict and none is written (if
    the first rolls back, the second's go in). The rows of one key are always the same accounts, so a write of
    some rows and not others could only come of two concurrent writers disagreeing: it raises, and the caller's
    transaction is rolled back whole."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, entries: Sequence[LedgerEntry]) -> bool:
        ordered = one_transaction(entries)
        t = tables.ledger_entries
        columns = [t.c.transaction_key, t.c.payment_uuid, t.c.account, t.c.currency, t.c.amount_minor, t.c.at]
        rows = values(*[column._copy() for column in columns], name="entries").data(
            [(e.transaction_key, e.payment_uuid, e.account, e.currency, e.amount_minor, e.at) for e in ordered])
        key_recorded = exists().where(t.c.transaction_key == ordered[0].transaction_key)
        result = await self._session.execute(
            pg_insert(t).from_select([c.name for c in columns], select(rows).where(~key_recorded))
            .on_conflict_do_nothing(index_elements=[t.c.transaction_key, t.c.account])
            .returning(t.c.account, t.c.id)
        )
        written = {account: entry_id for account, entry_id in result.all()}
        if not written:
            return False  # already recorded
        if len(written) != len(ordered):
            raise LedgerMismatch(f"{ordered[0].transaction_key}: {len(written)} of {len(ordered)} rows written")
        for entry in ordered:
            entry.id = written[entry.account]
        return True


class LedgerMismatch(RuntimeError):
    """A ledger transaction found in part: its key was recorded before with other accounts."""


class SqlProcessedCallbacks:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def first_time(self, provider: str, event_id: str, at: datetime) -> bool:
        """A concurrent delivery of the same id waits on the primary key until this transaction ends, then
        finds the row and answers False (or, if this transaction rolled back, records it itself)."""
        t = tables.processed_callbacks
        result = await self._session.execute(
            pg_insert(t).values(provider=provider, event_id=event_id, received_at=at)
            .on_conflict_do_nothing(index_elements=[t.c.provider, t.c.event_id])
            .returning(t.c.event_id)
        )
        return result.first() is not None
