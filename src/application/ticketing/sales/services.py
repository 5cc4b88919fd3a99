"""Selling tickets: a purchase holds seats, its payment's outcome issues or frees them, a cancelled event refunds.

The payment itself belongs to the payments context: a purchase holds the seats, commits, then starts the payment
through `SalePayments` (purpose kind `ticket`, the order's reference); payments asks `QuoteOrder` for the price
and tells `SettleOrder` how the payment ended (both behind the `ticket` purpose owner, adapters/tickets/payments.py).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from application.shared.ports import Clock, UnitOfWork
from application.shared.quota import QuotaStore
from application.ticketing.sales.issuing import TicketIssuer, TicketTypes
from application.ticketing.sales.ports import (
    EventsForSale,
    OrderRepository,
    PaymentOutcome,
    SaleCommission,
    SalePayments,
    SaleRefunds,
    SalesConfig,
    ScannerRepository,
    TicketRepository,
    TicketTypeRepository,
)
from domain.shared.actor import Actor
from domain.shared.errors import DomainError, Forbidden, InvalidInput, NotFound
from domain.shared.money import Money
from domain.shared.quota import Confirmation, QuotaExceeded
from domain.ticketing.model import EventStatus
from domain.ticketing.permissions import SEE_ANY_EVENT
from domain.ticketing.sales import (
    HOLD_PREFIX,
    Order,
    OrderStatus,
    SaleableEvent,
    TicketStatus,
    TicketType,
    check_quantity,
    new_tickets,
)
from domain.ticketing.sales_errors import NotOnSale
from domain.ticketing.sales_permissions import BUY_TICKETS

log = logging.getLogger("agora.ticketing")


async def event_for_sale(events: EventsForSale, event_id: int) -> SaleableEvent:
    event = await events.get(event_id)
    if event is None:
        raise NotFound("Événement introuvable")
    return event


def _visible(event: SaleableEvent, actor: Actor) -> bool:
    """As the catalogue shows events: published ones (over or not) to everyone, the others to their organiser and
    to those who may see every event. Buying an event one cannot see is a 404, as reading it is."""
    return (event.status in (EventStatus.VALIDATED, EventStatus.FINISHED) or actor.is_user(event.organiser_id)
            or SEE_ANY_EVENT.allows(actor))


@dataclass(frozen=True)
class PurchaseCommand:
    actor: Actor
    event_id: int
    quantity: int
    ticket_type_id: int | None = None
    method: str | None = None  # how the payment is made (a payment method's wire value); unused when free
    phone: str | None = None
    email: str | None = None  # the buyer's, for the card checkout


@dataclass(frozen=True)
class PurchaseView:
    reference: UUID  # what the payment pays for (purpose kind `ticket`)
    amount: Money
    free: bool  # issued at once: there is nothing to pay
    hold_until: datetime | None
    tickets: list[UUID]
    payment_uuid: UUID | None = None  # None when free
    payment_url: str | None = None  # where the payer pays (Orange, cards)


class PurchaseTickets:
    """Writes the order and its pending tickets, then holds the seats (the quota's lock, taken last) and commits:
    the lock lasts one statement and the commit. A free event's tickets are issued in the same transaction. A paid
    one's payment starts after that commit (no lock or transaction across the operator's call); the method and the
    phone are checked before anything is held, and a payment that cannot start frees the seats at once."""

    def __init__(self, events: EventsForSale, types: TicketTypes, orders: OrderRepository,
                 tickets: TicketRepository, quotas: QuotaStore, issuer: TicketIssuer, payments: SalePayments,
                 uow: UnitOfWork, clock: Clock, config: SalesConfig) -> None:
        self._payments = payments
        self._events = events
        self._types = types
        self._orders = orders
        self._tickets = tickets
        self._quotas = quotas
        self._issuer = issuer
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: PurchaseCommand) -> PurchaseView:
        BUY_TICKETS.check(cmd.actor)
        check_quantity(cmd.quantity)
        event = await event_for_sale(self._events, cmd.event_id)
        if not _visible(event, cmd.actor):
            raise NotFound("Événement introuvable")
        now = self._clock.now()
        ticket_type = await self._types.for_purchase(event, cmd.ticket_type_id)
        ticket_type.check_on_sale(event, now)
        assert ticket_type.id is not None
        free = ticket_type.price_minor == 0
        if not free:
            if not cmd.method:
                raise InvalidInput.on_field("method", "Champ requis pour des billets payants")
            self._payments.check(cmd.actor, cmd.method, cmd.phone)
        # A plain read first: when the seats are visibly gone (a sold-out rush), refuse before writing anything
        # or queueing on the quota's row. The hold below still decides; this never lets a purchase through.
        left = (await self._quotas.available([ticket_type.quota_id], now)).get(ticket_type.quota_id)
        if left is not None and left < cmd.quantity:
            raise QuotaExceeded(left)
        order = await self._orders.add(Order(
            reference=uuid.uuid4(), event_id=event.id, ticket_type_id=ticket_type.id, buyer_id=cmd.actor.user_id,
            quantity=cmd.quantity, unit_price_minor=ticket_type.price_minor, currency=ticket_type.currency,
            created_at=now, hold_until=now + self._config.hold_lifetime))
        tickets = new_tickets(order, (uuid.uuid4() for _ in range(cmd.quantity)))
        await self._tickets.add_all(tickets)
        try:
            await self._quotas.try_hold(ticket_type.quota_id, order.hold_key, order.quantity, order.hold_until, now)
        except QuotaExceeded:
            await self._uow.rollback()
            raise
        if free:
            await self._quotas.confirm(order.hold_key, now)
            order.pay(None, now)
            await self._orders.save(order)
            await self._issuer.issue(tickets, now)
        await self._uow.commit()
        ids = [t.uuid for t in tickets]
        if free:
            return PurchaseView(order.reference, order.total, True, None, ids)
        assert cmd.method is not None
        try:
            payment = await self._payments.start(cmd.actor, order.reference, cmd.method, cmd.phone, cmd.email)
        except DomainError:
            await self._uow.rollback()
            await self._abandon(order.reference)
            raise
        return PurchaseView(order.reference, order.total, False, order.hold_until, ids, payment.uuid,
                            payment.redirect_url)

    async def _abandon(self, reference: UUID) -> None:
        order = await self._orders.get_for_update(reference)
        if order is not None and order.status is OrderStatus.HELD:
            await _lapse(order, self._orders, self._tickets)
            await self._quotas.release(order.hold_key)
        await self._uow.commit()


@dataclass(frozen=True)
class OrderCommand:
    actor: Actor
    reference: UUID


class AbandonPurchase:
    """The buyer gives up a purchase not paid yet (e.g. the payment could not be started): the seats free at once."""

    def __init__(self, orders: OrderRepository, tickets: TicketRepository, quotas: QuotaStore,
                 uow: UnitOfWork) -> None:
        self._orders = orders
        self._tickets = tickets
        self._quotas = quotas
        self._uow = uow

    async def __call__(self, cmd: OrderCommand) -> None:
        BUY_TICKETS.check(cmd.actor)
        order = await self._orders.get_for_update(cmd.reference)
        if order is None or not cmd.actor.is_user(order.buyer_id):
            raise NotFound("Achat introuvable")
        if order.status is not OrderStatus.HELD:
            raise InvalidInput("Cet achat n'est plus en attente de paiement")
        await _lapse(order, self._orders, self._tickets)
        await self._quotas.release(order.hold_key)
        await self._uow.commit()


async def _lapse(order: Order, orders: OrderRepository, tickets: TicketRepository) -> None:
    order.lapse()
    await orders.save(order)
    assert order.id is not None
    its = await tickets.of_order(order.id)
    for ticket in its:
        ticket.void()
    await tickets.save_all(its)


@dataclass(frozen=True)
class OrderQuote:
    amount: Money
    description: str
    organiser_id: int
    commission_rate_bps: int | None


def parse_reference(reference: str) -> UUID:
    try:
        return UUID(reference)
    except ValueError:
        raise NotFound("Achat introuvable") from None


class QuoteOrder:
    """The price payments charges for an order: only its buyer's, only while it can still be honoured."""

    def __init__(self, events: EventsForSale, orders: OrderRepository, types: TicketTypeRepository,
                 quotas: QuotaStore, commission: SaleCommission, clock: Clock) -> None:
        self._events = events
        self._orders = orders
        self._types = types
        self._quotas = quotas
        self._commission = commission
        self._clock = clock

    async def __call__(self, reference: str, payer_id: int) -> OrderQuote:
        order = await self._orders.get(parse_reference(reference))
        if order is None or order.buyer_id != payer_id:
            raise NotFound("Achat introuvable")
        if not order.payable:
            raise InvalidInput("Cet achat n'attend plus de paiement")
        if order.total.minor == 0:
            raise InvalidInput("Ces billets sont gratuits")
        event = await event_for_sale(self._events, order.event_id)
        ticket_type = await self._types.get(order.ticket_type_id)
        assert ticket_type is not None
        now = self._clock.now()
        ticket_type.check_on_sale(event, now)
        if order.status is OrderStatus.LAPSED or now >= order.hold_until:
            left = (await self._quotas.available([ticket_type.quota_id], now))[ticket_type.quota_id]
            if left is not None and left < order.quantity:
                raise QuotaExceeded(left)
        return OrderQuote(order.total, f"{order.quantity} billet(s) {ticket_type.name} : {event.title}",
                          event.organiser_id, await self._commission.rate_bps(event.organiser_id))


class SettleOrder:
    """Hears how an order's payment ended (inside the payments job's transaction, which commits it). True when the
    order is delivered or nothing is owed; False for money that cannot buy anything any more (payments keeps it,
    flags the payment and opens its refund)."""

    def __init__(self, orders: OrderRepository, tickets: TicketRepository, types: TicketTypeRepository,
                 quotas: QuotaStore, issuer: TicketIssuer, clock: Clock) -> None:
        self._orders = orders
        self._tickets = tickets
        self._types = types
        self._quotas = quotas
        self._issuer = issuer
        self._clock = clock

    async def __call__(self, reference: str, payment_uuid: UUID, outcome: PaymentOutcome) -> bool:
        try:
            order = await self._orders.get_for_update(parse_reference(reference))
        except NotFound:
            order = None
        if order is None:
            log.error("payment %s: no ticket order %r", payment_uuid, reference)
            return outcome is not PaymentOutcome.SUCCEEDED
        if outcome is PaymentOutcome.SUCCEEDED:
            return await self._succeeded(order, payment_uuid)
        if outcome is PaymentOutcome.FAILED and order.status is OrderStatus.HELD:
            await _lapse(order, self._orders, self._tickets)
            await self._quotas.release(order.hold_key)
        elif outcome is PaymentOutcome.REFUNDED and order.payment_uuid == payment_uuid:
            await self._refunded(order)
        return True

    async def _succeeded(self, order: Order, payment_uuid: UUID) -> bool:
        if order.status in {OrderStatus.PAID, OrderStatus.REFUNDED}:
            return order.payment_uuid == payment_uuid  # a second payment for one order is refunded
        if not order.payable:  # oversold or cancelled
            return False
        now = self._clock.now()
        confirmation = await self._quotas.confirm(order.hold_key, now)
        assert order.id is not None
        tickets = await self._tickets.of_order(order.id)
        if not confirmation.sold:
            log.warning("order %s paid by %s after its hold (%s): refunded", order.reference, payment_uuid,
                        confirmation.value)
            order.oversell(payment_uuid)
            await self._orders.save(order)
            for ticket in tickets:
                ticket.void()
            await self._tickets.save_all(tickets)
            return False
        if confirmation is Confirmation.CONFIRMED_LATE:
            log.info("order %s paid after its hold expired; seats were still free", order.reference)
        order.pay(payment_uuid, now)
        await self._orders.save(order)
        await self._issuer.issue(tickets, now)
        return True

    async def _refunded(self, order: Order) -> None:
        assert order.id is not None
        tickets = await self._tickets.of_order(order.id)
        was_paid = order.status is OrderStatus.PAID
        freed = sum(t.status is TicketStatus.PAID for t in tickets)
        for ticket in tickets:
            ticket.refund()
        await self._tickets.save_all(tickets)
        order.refund()
        await self._orders.save(order)
        if was_paid and freed:
            ticket_type = await self._types.get(order.ticket_type_id)
            assert ticket_type is not None
            await self._quotas.give_back(ticket_type.quota_id, freed)


class ExpireHolds:
    """Cron: ends the holds whose time ran out, one order per transaction. A payment that succeeds later still
    buys the seats if they are free (SettleOrder)."""

    def __init__(self, orders: OrderRepository, tickets: TicketRepository, quotas: QuotaStore, uow: UnitOfWork,
                 clock: Clock, config: SalesConfig) -> None:
        self._orders = orders
        self._tickets = tickets
        self._quotas = quotas
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self) -> int:
        now = self._clock.now()
        keys = await self._quotas.due(HOLD_PREFIX, now, self._config.expiry_batch)
        await self._uow.commit()
        expired = 0
        for key in keys:
            order = await self._orders.get_for_update(UUID(key.removeprefix(HOLD_PREFIX)))
            if await self._quotas.expire(key, now):
                expired += 1
                if order is not None and order.status is OrderStatus.HELD:
                    await _lapse(order, self._orders, self._tickets)
            await self._uow.commit()
        return expired


class CancelEventSales:
    """Job (payload `{"event_id": n}`), once the organiser cancelled the event: unpaid orders are cancelled and their
    seats freed, paid ones refunded whole through payments. Safe to run twice."""

    def __init__(self, orders: OrderRepository, tickets: TicketRepository, types: TicketTypeRepository,
                 quotas: QuotaStore, refunds: SaleRefunds) -> None:
        self._orders = orders
        self._tickets = tickets
        self._types = types
        self._quotas = quotas
        self._refunds = refunds

    async def __call__(self, payload: dict[str, Any]) -> None:
        event_id = int(payload["event_id"])
        for listed in await self._orders.of_event(event_id):
            if listed.status not in {OrderStatus.HELD, OrderStatus.LAPSED, OrderStatus.PAID}:
                continue
            order = await self._orders.get_for_update(listed.reference)
            assert order is not None and order.id is not None
            paid = order.status is OrderStatus.PAID and order.payment_uuid is not None
            if order.status is OrderStatus.HELD:
                await self._quotas.release(order.hold_key)
            tickets = await self._tickets.of_order(order.id)
            freed = 0
            for ticket in tickets:
                if paid:
                    freed += ticket.refund()
                else:
                    ticket.void()
            await self._tickets.save_all(tickets)
            if paid:
                assert order.payment_uuid is not None
                ticket_type = await self._types.get(order.ticket_type_id)
                assert ticket_type is not None
                if freed:
                    await self._quotas.give_back(ticket_type.quota_id, freed)
                order.refund()
                await self._refunds.refund(order.payment_uuid, "Événement annulé par l'organisateur")
            else:
                order.cancel()
            await self._orders.save(order)


@dataclass(frozen=True)
class DefineTicketTypeCommand:
    actor: Actor
    event_id: int
    name: str
    price: Money
    capacity: int | None
    sale_starts: datetime | None = None
    sale_ends: datetime | None = None


class DefineTicketType:
    """The organiser offers a ticket type ("VIP", 50 seats at 20 000 XOF); it gets a quota of its own."""

    def __init__(self, events: EventsForSale, types: TicketTypeRepository, quotas: QuotaStore,
                 uow: UnitOfWork) -> None:
        self._events = events
        self._types = types
        self._quotas = quotas
        self._uow = uow

    async def __call__(self, cmd: DefineTicketTypeCommand) -> TicketType:
        event = await event_for_sale(self._events, cmd.event_id)
        if not cmd.actor.is_user(event.organiser_id):
            raise Forbidden("Seul l'organisateur définit les billets de son événement")
        name = cmd.name.strip()
        if not name or len(name) > 100:
            raise InvalidInput.on_field("name", "Un nom de 1 à 100 caractères")
        if cmd.price.minor < 0:
            raise InvalidInput.on_field("price", "Un prix est positif ou nul")
        if cmd.capacity is not None and cmd.capacity < 1:
            raise InvalidInput.on_field("capacity", "Au moins une place")
        if cmd.sale_starts and cmd.sale_ends and cmd.sale_ends <= cmd.sale_starts:
            raise InvalidInput.on_field("sale_ends", "La vente finit après avoir commencé")
        if any(t.name.casefold() == name.casefold() for t in await self._types.of_event(event.id)):
            raise InvalidInput.on_field("name", "Ce type de billet existe déjà")
        if cmd.price.minor and event.is_free:
            raise NotOnSale("Un événement gratuit ne vend pas de billets payants")
        quota_id = await self._quotas.create(cmd.capacity)
        ticket_type = await self._types.add(TicketType(
            event_id=event.id, name=name, price_minor=cmd.price.minor, currency=cmd.price.currency,
            quota_id=quota_id, capacity=cmd.capacity, sale_starts=cmd.sale_starts, sale_ends=cmd.sale_ends))
        await self._uow.commit()
        return ticket_type


@dataclass(frozen=True)
class ScannerCommand:
    actor: Actor
    event_id: int
    user_id: int


class NameScanner:
    """The organiser names an account that may check tickets in at the door (and fetch the offline key)."""

    def __init__(self, events: EventsForSale, scanners: ScannerRepository, uow: UnitOfWork) -> None:
        self._events = events
        self._scanners = scanners
        self._uow = uow

    async def __call__(self, cmd: ScannerCommand) -> bool:
        event = await event_for_sale(self._events, cmd.event_id)
        if not cmd.actor.is_user(event.organiser_id):
            raise Forbidden("Seul l'organisateur désigne les contrôleurs de son événement")
        try:
            added = await self._scanners.add(event.id, cmd.user_id)
        except NotFound as error:
            raise InvalidInput.on_field("user_id", error.message) from None
        await self._uow.commit()
        return added
