"""The ticket-sales use cases as the service wires them (`memory_container()`), each call in its own request scope
(fresh repositories, its own unit of work). `with_payments` runs them on a PaymentWorld's store and clock, with the
real `ticket` purpose owner registered in payments, so that purchases are paid, failed and refunded through the
payments use cases."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from dishka import AnyOf, AsyncContainer, Provider, Scope

from adapters.memory.store import FrozenClock, MemoryStore
from adapters.memory.ticketing_sales import (
    MemoryEventsForSale,
    MemoryQuotaStore,
    MemorySaleRefunds,
    MemoryTickets,
)
from adapters.tickets.payments import TicketPurposeOwner
from adapters.tickets.signing import RandomShortCodes
from application.payments.config import PaymentsConfig
from application.shared.ports import Clock, UnitOfWork
from application.ticketing.sales import checkin, queries, services
from application.ticketing.sales.ports import (
    EventsForSale,
    SalePayments,
    SaleRefunds,
    SalesConfig,
    ShortCodes,
    StartedPayment,
)
from domain.shared.actor import Actor
from domain.shared.errors import DomainError, InvalidInput
from domain.shared.money import Money
from domain.shared.realm import Realm
from domain.ticketing.model import AccessType, EventStatus
from domain.ticketing.sales import SaleableEvent, Ticket
from entrypoints.di.container import memory_container
from tests.application.payments_world import PaymentWorld
from tests.application.scoped import InScope

ORGANISER = Actor(10, Realm.SPOTVIBE)
SCANNER = Actor(11, Realm.SPOTVIBE)
BUYER = Actor(7, Realm.SPOTVIBE)
OTHER = Actor(8, Realm.SPOTVIBE)
ADMIN = Actor(1, Realm.SPOTVIBE, frozenset({"admin"}))
START = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)  # the FrozenClock's


class ScriptedCodes:
    """Short codes from a script first (to force collisions), then random ones."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self._random = RandomShortCodes()

    def new(self) -> str:
        return self.script.pop(0) if self.script else self._random.new()


class StubSalePayments:
    """Payments as a purchase sees them: every start answers a new payment's uuid, unless told to refuse."""

    def __init__(self) -> None:
        self.started: list[tuple[UUID, str, str | None]] = []
        self.refuse: DomainError | None = None

    def check(self, actor: Actor, method: str, phone: str | None) -> None:
        if method not in {"MOMO_MTN", "MOMO_MOOV", "ORANGE_MONEY", "CARTE_BANCAIRE"}:
            raise InvalidInput.on_field("method", "Méthode de paiement indisponible")

    async def start(self, actor: Actor, reference: UUID, method: str, phone: str | None,
                    email: str | None = None) -> StartedPayment:
        if self.refuse is not None:
            raise self.refuse
        self.started.append((reference, method, phone))
        return StartedPayment(uuid4(), None)


class ScopedOwner:
    """The `ticket` purpose owner as the payments world calls it: resolved in a fresh request scope per call,
    its writes committed by the payments job's unit of work (they share the store)."""

    kind = "ticket"

    def __init__(self, container: AsyncContainer) -> None:
        self._container = container

    async def quote(self, reference: str, payer_id: int) -> Any:
        async with self._container() as request:
            return await (await request.get(TicketPurposeOwner)).quote(reference, payer_id)

    async def settled(self, reference: str, payment_uuid: UUID, status: Any) -> bool:
        async with self._container() as request:
            done: bool = await (await request.get(TicketPurposeOwner)).settled(reference, payment_uuid, status)
            return done


@dataclass
class SalesWorld:
    """The sales use cases as the service wires them (`memory_container()`), with the events half, payments'
    start and the short codes stood in for; `with_payments` shares a PaymentWorld's store and clock and goes
    through the real payments seam (refunds opened in payments)."""

    config: SalesConfig = field(default_factory=SalesConfig)
    payments_config: PaymentsConfig = field(default_factory=PaymentsConfig)
    shared: PaymentWorld | None = None

    def __post_init__(self) -> None:
        self.events = MemoryEventsForSale()
        self.codes = ScriptedCodes()
        self.payments = StubSalePayments()
        self._ids = itertools.count(1)
        given = Provider(scope=Scope.APP)
        given.provide(lambda: self.events, provides=EventsForSale)
        given.provide(lambda: self.codes, provides=ShortCodes)
        given.provide(lambda: self.payments, provides=SalePayments)
        given.provide(lambda: self.config, provides=SalesConfig)
        given.provide(lambda: self.payments_config, provides=PaymentsConfig)
        if self.shared is not None:
            store, clock = self.shared.store, self.shared.clock
            given.provide(lambda: store, provides=MemoryStore)
            given.provide(lambda: clock, provides=AnyOf[FrozenClock, Clock])
        else:
            given.provide(MemorySaleRefunds, provides=SaleRefunds, scope=Scope.REQUEST)
        self.container = memory_container(given)
        self.store, self.clock = self.container.get_sync(MemoryStore), self.container.get_sync(FrozenClock)

    @classmethod
    def with_payments(cls, payments: PaymentWorld) -> SalesWorld:
        world = cls(payments_config=payments.config, shared=payments)
        payments.purposes.register(world.owner())
        return world

    # ------------------------------------------------------------ wiring

    async def resolve(self, what: type[Any]) -> Any:
        """`what` as a request would get it (its scope closed again: memory adapters do not mind)."""
        async with self.container() as request:
            return await request.get(what)

    async def call(self, use_case: type[Any], *args: Any) -> Any:
        return await InScope(self.container, use_case)(*args)

    def owner(self) -> ScopedOwner:
        return ScopedOwner(self.container)

    # ------------------------------------------------------------ shortcuts

    def event(self, **changes: Any) -> SaleableEvent:
        fields: dict[str, Any] = dict(
            id=next(self._ids), organiser_id=ORGANISER.user_id, title="Festival de Jazz",
            status=EventStatus.VALIDATED, starts_at=self.clock.now() + timedelta(days=7),
            ends_at=self.clock.now() + timedelta(days=8), access=AccessType.PAID, price=Money(5000, "XOF"),
            capacity=20, scanners=frozenset({SCANNER.user_id}))
        fields.update(changes)
        event = self.events.put(SaleableEvent(**fields))
        self.store.table("ticketing_events")[event.id] = event  # what the read side joins for the title
        return event

    async def purchase(self, event: SaleableEvent, quantity: int = 1, actor: Actor = BUYER,
                       ticket_type_id: int | None = None) -> services.PurchaseView:
        view: services.PurchaseView = await self.call(services.PurchaseTickets, services.PurchaseCommand(
            actor, event.id, quantity, ticket_type_id, method="MOMO_MTN", phone="+2290197000001"))
        return view

    async def settle(self, view: services.PurchaseView, outcome: Any, payment_uuid: Any) -> bool:
        """What the payments job does: tell the owner, commit."""
        async with self.container() as request:
            settled: bool = await (await request.get(services.SettleOrder))(str(view.reference), payment_uuid,
                                                                             outcome)
            await (await request.get(UnitOfWork)).commit()
        return settled

    async def tickets_of(self, view: services.PurchaseView) -> list[Ticket]:
        repo = MemoryTickets(self.store)
        found = [await repo.get(u) for u in view.tickets]
        return [t for t in found if t is not None]

    def quotas(self) -> MemoryQuotaStore:
        return MemoryQuotaStore(self.store)

    async def available(self, event: SaleableEvent) -> int | None:
        availability: queries.EventAvailability = await self.call(queries.Availability, event.id)
        return availability.places_left

    async def check_in(self, event: SaleableEvent, code: str, nonce: str | None = None,
                       actor: Actor = SCANNER) -> checkin.CheckInView:
        view: checkin.CheckInView = await self.call(checkin.CheckIn, checkin.CheckInCommand(actor, event.id, code,
                                                                                         nonce))
        return view
