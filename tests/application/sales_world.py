"""The ticket-sales use cases on memory adapters, each call with fresh repositories and its own unit of work, as a
request would have. `with_payments` runs them on a PaymentWorld's store, with the real `ticket` purpose owner
registered in payments, so that purchases are paid, failed and refunded through the payments use cases."""

from __future__ import annotations

import itertools
import typing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from adapters.auth.secrets import FernetSecretBox
from adapters.memory import payments as payment_repos
from adapters.memory.store import FrozenClock, MemoryStore, MemoryUnitOfWork
from adapters.memory.ticketing_sales import (
    MemoryEventsForSale,
    MemoryOrders,
    MemoryQuotaStore,
    MemorySaleRefunds,
    MemorySalesReads,
    MemoryScanLog,
    MemorySigningKeys,
    MemoryTickets,
    MemoryTicketTypes,
)
from adapters.tickets.payments import PaymentsCommission, PaymentsSaleRefunds, TicketPurposeOwner
from adapters.tickets.qr import SegnoQrRenderer
from adapters.tickets.signing import Ed25519TicketSigner, RandomShortCodes
from application.payments.config import PaymentsConfig
from application.payments.settlement import Settlement
from application.shared.ports import Clock, UnitOfWork
from application.shared.quota import QuotaStore
from application.ticketing.sales import checkin, queries, services
from application.ticketing.sales.issuing import TicketIssuer, TicketTypes
from application.ticketing.sales.ports import (
    EventsForSale,
    OrderRepository,
    QrRenderer,
    SaleCommission,
    SalePayments,
    SaleRefunds,
    SalesConfig,
    SalesReads,
    ScanLog,
    ShortCodes,
    StartedPayment,
    TicketRepository,
    TicketSigner,
    TicketTypeRepository,
)
from domain.shared.actor import Actor
from domain.shared.errors import DomainError, InvalidInput
from domain.shared.money import Money
from domain.shared.realm import Realm
from domain.ticketing.model import AccessType, EventStatus
from domain.ticketing.sales import SaleableEvent, Ticket
from tests.application.payments_world import PaymentWorld

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


@dataclass
class SalesWorld:
    store: MemoryStore = field(default_factory=MemoryStore)
    clock: FrozenClock = field(default_factory=FrozenClock)
    config: SalesConfig = field(default_factory=SalesConfig)
    payments_config: PaymentsConfig = field(default_factory=PaymentsConfig)
    through_payments: bool = False

    def __post_init__(self) -> None:
        self.events = MemoryEventsForSale()
        self.codes = ScriptedCodes()
        self.payments = StubSalePayments()
        self.box = FernetSecretBox("test-secret", purpose="tickets")
        self._ids = itertools.count(1)

    @classmethod
    def with_payments(cls, payments: PaymentWorld) -> SalesWorld:
        world = cls(store=payments.store, clock=payments.clock, payments_config=payments.config,
                    through_payments=True)
        payments.purposes.register(world.owner())
        return world

    # ------------------------------------------------------------ wiring

    def _parts(self) -> dict[Any, Any]:
        store = self.store
        quotas, tickets, types = MemoryQuotaStore(store), MemoryTickets(store), MemoryTicketTypes(store)
        signer = Ed25519TicketSigner(MemorySigningKeys(store), self.box)
        refunds: SaleRefunds = MemorySaleRefunds(store)
        if self.through_payments:
            settlement = Settlement(
                payment_repos.MemoryPaymentRepository(store), payment_repos.MemoryRefundRepository(store),
                payment_repos.MemoryCommissionRepository(store), payment_repos.MemoryLedger(store), self.clock)
            refunds = PaymentsSaleRefunds(payment_repos.MemoryPaymentRepository(store), settlement)
        return {
            EventsForSale: self.events, QuotaStore: quotas, TicketRepository: tickets, TicketTypeRepository: types,
            OrderRepository: MemoryOrders(store), ScanLog: MemoryScanLog(store), TicketSigner: signer,
            TicketTypes: TicketTypes(types, quotas), TicketIssuer: TicketIssuer(tickets, signer, self.codes),
            UnitOfWork: MemoryUnitOfWork(store), Clock: self.clock, SalesConfig: self.config,
            SaleCommission: PaymentsCommission(self.payments_config), SaleRefunds: refunds,
            QrRenderer: SegnoQrRenderer(), ShortCodes: self.codes, SalePayments: self.payments,
            SalesReads: MemorySalesReads(store),
        }

    def build(self, use_case: type[Any]) -> Any:
        parts = self._parts()
        hints = typing.get_type_hints(use_case.__init__)
        return use_case(**{name: parts[hint] for name, hint in hints.items() if name != "return"})

    async def call(self, use_case: type[Any], *args: Any) -> Any:
        return await self.build(use_case)(*args)

    def owner(self) -> TicketPurposeOwner:
        """One owner for the whole world: its use cases work on the store, which the payments job commits."""
        return TicketPurposeOwner(self.build(services.QuoteOrder), self.build(services.SettleOrder))

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
        uow = MemoryUnitOfWork(self.store)
        settled: bool = await self.build(services.SettleOrder)(str(view.reference), payment_uuid, outcome)
        await uow.commit()
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
