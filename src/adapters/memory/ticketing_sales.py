"""Memory adapters of ticket sales: the quota store (the domain's Quota under an asyncio lock, the reference the SQL
store is held to), the repositories over a MemoryStore, and stand-ins for the events half and payments."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from adapters.memory.store import MemoryStore, detached
from application.ticketing.sales.ports import MyTicket, SigningKey
from domain.shared.errors import Conflict, NotFound
from domain.shared.quota import Confirmation, HoldState, Quota
from domain.ticketing.sales import IMPLICIT_TYPE_NAME, Order, SaleableEvent, Scan, Ticket, TicketType

_LOCKS: dict[int, asyncio.Lock] = {}


def _lock_of(store: MemoryStore) -> asyncio.Lock:
    return _LOCKS.setdefault(id(store), asyncio.Lock())


class MemoryQuotaStore:
    """Quotas in the store's `quotas` table, holds found by key through `quota_holds`."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._quotas: dict[int, Quota] = store.table("quotas")
        self._holds: dict[str, int] = store.table("quota_holds")  # hold key -> quota id
        self._lock = _lock_of(store)

    def _quota(self, quota_id: int) -> Quota:
        quota = self._quotas.get(quota_id)
        if quota is None:
            raise LookupError(f"no quota {quota_id}")
        return quota

    async def create(self, capacity: int | None) -> int:
        async with self._lock:
            quota_id = self._store.next_id("quotas")
            self._quotas[quota_id] = Quota(capacity, id=quota_id)
            return quota_id

    async def resize(self, quota_id: int, capacity: int | None) -> None:
        async with self._lock:
            self._quota(quota_id).resize(capacity)

    async def discard(self, quota_id: int) -> None:
        async with self._lock:
            quota = self._quotas.get(quota_id)
            if quota is not None and not quota.sold and not quota.holds:
                del self._quotas[quota_id]

    async def try_hold(self, quota_id: int, key: str, seats: int, until: datetime, now: datetime) -> int | None:
        async with self._lock:
            if key in self._holds and self._holds[key] != quota_id:
                raise Conflict("Cette réservation existe déjà")
            quota = self._quota(quota_id)
            quota.hold(key, seats, until, now)
            self._holds[key] = quota_id
            return quota.available(now)

    async def confirm(self, key: str, now: datetime) -> Confirmation:
        async with self._lock:
            quota_id = self._holds.get(key)
            return Confirmation.UNKNOWN if quota_id is None else self._quota(quota_id).confirm(key, now)

    async def release(self, key: str) -> bool:
        async with self._lock:
            quota_id = self._holds.get(key)
            return quota_id is not None and self._quota(quota_id).release(key)

    async def due(self, prefix: str, now: datetime, limit: int) -> list[str]:
        holds = [h for q in self._quotas.values() for h in q.holds.values()
                 if h.key.startswith(prefix) and h.state is HoldState.HELD and now >= h.until]
        return [h.key for h in sorted(holds, key=lambda h: (h.until, h.key))[:limit]]

    async def expire(self, key: str, now: datetime) -> bool:
        async with self._lock:
            quota_id = self._holds.get(key)
            return quota_id is not None and self._quota(quota_id).expire_hold(key, now)

    async def give_back(self, quota_id: int, seats: int) -> None:
        async with self._lock:
            self._quota(quota_id).give_back(seats)

    async def available(self, quota_ids: Iterable[int], now: datetime) -> dict[int, int | None]:
        return {quota_id: self._quota(quota_id).available(now) for quota_id in quota_ids}

    def snapshot(self, quota_id: int) -> Quota:
        """For tests: the quota as stored."""
        copy: Quota = detached(self._quota(quota_id))
        return copy


class MemoryTicketTypes:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, TicketType] = store.table("ticketing_ticket_types")
        self._store = store

    async def add(self, ticket_type: TicketType) -> TicketType:
        if ticket_type.implicit and any(t.implicit and t.event_id == ticket_type.event_id
                                        for t in self._rows.values()):
            raise Conflict("Cet événement a déjà son type de billet standard")
        ticket_type.id = self._store.next_id("ticketing_ticket_types")
        self._rows[ticket_type.id] = detached(ticket_type)
        return ticket_type

    async def get(self, ticket_type_id: int) -> TicketType | None:
        found = self._rows.get(ticket_type_id)
        return detached(found) if found else None

    async def of_event(self, event_id: int) -> list[TicketType]:
        return [detached(t) for _, t in sorted(self._rows.items()) if t.event_id == event_id]

    async def save(self, ticket_type: TicketType) -> None:
        assert ticket_type.id is not None
        self._rows[ticket_type.id] = detached(ticket_type)


class MemoryOrders:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, Order] = store.table("ticketing_orders")
        self._store = store

    async def add(self, order: Order) -> Order:
        if any(o.reference == order.reference for o in self._rows.values()):
            raise Conflict("Cet achat existe déjà")
        order.id = self._store.next_id("ticketing_orders")
        self._rows[order.id] = self._store.keep(order)
        return order

    async def get(self, reference: UUID) -> Order | None:
        return next((detached(o) for o in self._rows.values() if o.reference == reference), None)

    get_for_update = get  # one writer at a time in memory

    async def save(self, order: Order) -> None:
        assert order.id is not None
        self._rows[order.id] = self._store.keep(order)

    async def of_event(self, event_id: int) -> list[Order]:
        return [detached(o) for _, o in sorted(self._rows.items()) if o.event_id == event_id]


class MemoryTickets:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, Ticket] = store.table("ticketing_tickets")
        self._store = store

    def _check_unique(self, ticket: Ticket) -> None:
        for other in self._rows.values():
            if other.id == ticket.id:
                continue
            if other.uuid == ticket.uuid:
                raise Conflict("Ce billet existe déjà")
            if ticket.short_code is not None and (other.event_id, other.short_code) == (
                    ticket.event_id, ticket.short_code):
                raise Conflict("Code court déjà attribué pour cet événement")

    async def add_all(self, tickets: Iterable[Ticket]) -> None:
        for ticket in tickets:
            self._check_unique(ticket)
            ticket.id = self._store.next_id("ticketing_tickets")
            self._rows[ticket.id] = detached(ticket)

    async def save_all(self, tickets: Iterable[Ticket]) -> None:
        for ticket in tickets:
            assert ticket.id is not None
            self._check_unique(ticket)
            self._rows[ticket.id] = detached(ticket)

    async def get(self, ticket_uuid: UUID) -> Ticket | None:
        return next((detached(t) for t in self._rows.values() if t.uuid == ticket_uuid), None)

    get_for_update = get

    async def by_short_code(self, event_id: int, code: str, *, for_update: bool = False) -> Ticket | None:
        return next((detached(t) for t in self._rows.values()
                     if t.event_id == event_id and t.short_code == code), None)

    async def short_codes_taken(self, event_id: int, codes: Iterable[str]) -> set[str]:
        wanted = set(codes)
        return {t.short_code for t in self._rows.values()
                if t.event_id == event_id and t.short_code in wanted and t.short_code is not None}

    async def of_order(self, order_id: int) -> list[Ticket]:
        return [detached(t) for _, t in sorted(self._rows.items()) if t.order_id == order_id]

    async def of_owner(self, owner_id: int) -> list[Ticket]:
        return [detached(t) for _, t in sorted(self._rows.items(), reverse=True) if t.owner_id == owner_id]

    async def of_event(self, event_id: int) -> list[Ticket]:
        return [detached(t) for _, t in sorted(self._rows.items()) if t.event_id == event_id]


class MemoryScanLog:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[tuple[int, str], Scan] = store.table("ticketing_scans")

    async def get(self, event_id: int, nonce: str) -> Scan | None:
        return self._rows.get((event_id, nonce))

    async def add(self, scan: Scan) -> None:
        if (scan.event_id, scan.nonce) in self._rows:
            raise Conflict("Scan déjà enregistré")
        self._rows[(scan.event_id, scan.nonce)] = scan


class MemorySigningKeys:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, SigningKey] = store.table("ticketing_signing_keys")

    async def get(self, event_id: int) -> SigningKey | None:
        return self._rows.get(event_id)

    async def add(self, key: SigningKey) -> SigningKey:
        return self._rows.setdefault(key.event_id, key)


@dataclass
class MemoryEventsForSale:
    """Stands in for the events half: tests put the events they sell."""

    events: dict[int, SaleableEvent] = field(default_factory=dict)

    def put(self, event: SaleableEvent) -> SaleableEvent:
        self.events[event.id] = event
        return event

    async def get(self, event_id: int) -> SaleableEvent | None:
        return self.events.get(event_id)


@dataclass
class MemorySaleRefunds:
    """Stands in for payments: the refunds asked for, in the store so that a rollback forgets them."""

    store: MemoryStore

    @property
    def asked(self) -> dict[UUID, str]:
        rows: dict[UUID, str] = self.store.table("ticketing_refunds_asked")
        return rows

    async def refund(self, payment_uuid: UUID, reason: str) -> None:
        self.asked.setdefault(payment_uuid, reason)


class MemorySalesReads:
    """`SalesReads` over the store's tables (what is committed)."""

    def __init__(self, store: MemoryStore) -> None:
        self._tickets: dict[int, Ticket] = store.table("ticketing_tickets")
        self._types: dict[int, TicketType] = store.table("ticketing_ticket_types")
        self._events: dict[int, Any] = store.table("ticketing_events")
        self._scanners: dict[tuple[int, int], bool] = store.table("ticketing_scanners")
        self._quotas: dict[int, Quota] = store.table("quotas")

    async def seats(self, event_ids: Sequence[int], now: datetime) -> dict[int, list[tuple[TicketType, int | None]]]:
        wanted = set(event_ids)
        found: dict[int, list[tuple[TicketType, int | None]]] = {}
        for _, t in sorted(self._types.items()):
            if t.event_id in wanted:
                found.setdefault(t.event_id, []).append((detached(t), self._quotas[t.quota_id].available(now)))
        return found

    async def sold_since(self, since: datetime) -> dict[int, int]:
        sold: dict[int, int] = {}
        for t in self._tickets.values():
            if t.issued and t.issued_at is not None and t.issued_at >= since:
                sold[t.event_id] = sold.get(t.event_id, 0) + 1
        return sold

    async def scanners(self, event_id: int) -> frozenset[int]:
        return frozenset(user for event, user in self._scanners if event == event_id)

    async def my_tickets(self, owner_id: int) -> list[MyTicket]:
        found = []
        for _, t in sorted(self._tickets.items(), reverse=True):
            if t.owner_id != owner_id:
                continue
            assert t.id is not None
            event, ticket_type = self._events.get(t.event_id), self._types.get(t.ticket_type_id)
            found.append(MyTicket(t.id, t.uuid, t.event_id, event.title if event is not None else "",
                                  ticket_type.name if ticket_type is not None else IMPLICIT_TYPE_NAME, t.price,
                                  t.status, t.short_code if t.issued else None))
        return found


class MemoryScanners:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[tuple[int, int], bool] = store.table("ticketing_scanners")
        self._users: dict[int, Any] = store.table("users")

    async def add(self, event_id: int, user_id: int) -> bool:
        if user_id not in self._users:
            raise NotFound("Utilisateur introuvable")
        if (event_id, user_id) in self._rows:
            return False
        self._rows[(event_id, user_id)] = True
        return True
