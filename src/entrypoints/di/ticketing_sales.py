"""Ticket sales: configuration, signing and QR codes (APP), repositories on SQL (REQUEST), the meeting points with
the catalogue (application/ticketing/bridge.py) and with payments (adapters/tickets/payments.py), use cases."""

from __future__ import annotations

from dishka import Provider, Scope, provide, provide_all

from adapters.auth.secrets import FernetSecretBox
from adapters.sql.ticketing_sales import repositories as sql
from adapters.sql.ticketing_sales.quotas import SqlQuotaStore
from adapters.sql.ticketing_sales.reads import SqlSalesReads
from adapters.tickets.payments import (
    PaymentsCommission,
    PaymentsSalePayments,
    PaymentsSaleRefunds,
    TicketPurposeOwner,
)
from adapters.tickets.qr import SegnoQrRenderer
from adapters.tickets.signing import Ed25519TicketSigner, RandomShortCodes
from application.shared.quota import QuotaStore
from application.ticketing import bridge
from application.ticketing.ports import Availability, RecentSales, SoldTickets
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
    ScannerRepository,
    ShortCodes,
    SigningKeys,
    TicketRepository,
    TicketSigner,
    TicketTypeRepository,
)
from entrypoints.settings import Settings


class TicketSecrets(FernetSecretBox):
    """The box that seals the events' signing keys (its own purpose: no other secret opens with it)."""


class SalesAdapters(Provider):
    scope = Scope.APP

    @provide
    def config(self) -> SalesConfig:
        return SalesConfig()

    @provide
    def secrets(self, settings: Settings) -> TicketSecrets:
        return TicketSecrets(settings.secret_key, purpose="tickets")

    @provide
    def qr(self) -> QrRenderer:
        return SegnoQrRenderer()

    @provide
    def codes(self) -> ShortCodes:
        return RandomShortCodes()

    commission = provide(PaymentsCommission, provides=SaleCommission)
    events = provide(bridge.CatalogueEventsForSale, provides=EventsForSale)
    reads = provide(SqlSalesReads, provides=SalesReads)
    my_tickets = provide(queries.MyTickets)
    sales_availability = provide(queries.Availability)
    availability = provide(bridge.SalesAvailability, provides=Availability)
    recent_sales = provide(bridge.SalesRecentSales, provides=RecentSales)

    @provide(scope=Scope.REQUEST)
    def signer(self, keys: SigningKeys, box: TicketSecrets) -> TicketSigner:
        return Ed25519TicketSigner(keys, box)

    sold = provide(bridge.SalesSoldTickets, provides=SoldTickets, scope=Scope.REQUEST)
    payments = provide(PaymentsSalePayments, provides=SalePayments, scope=Scope.REQUEST)
    refunds = provide(PaymentsSaleRefunds, provides=SaleRefunds, scope=Scope.REQUEST)
    owner = provide(TicketPurposeOwner, scope=Scope.REQUEST)


class SalesPersistence(Provider):
    scope = Scope.REQUEST

    quotas = provide(SqlQuotaStore, provides=QuotaStore)
    types = provide(sql.SqlTicketTypes, provides=TicketTypeRepository)
    orders = provide(sql.SqlOrders, provides=OrderRepository)
    tickets = provide(sql.SqlTickets, provides=TicketRepository)
    scans = provide(sql.SqlScanLog, provides=ScanLog)
    scanners = provide(sql.SqlScanners, provides=ScannerRepository)
    keys = provide(sql.SqlSigningKeys, provides=SigningKeys)


class SalesUseCases(Provider):
    scope = Scope.REQUEST

    shared = provide_all(TicketTypes, TicketIssuer)
    use_cases = provide_all(
        services.PurchaseTickets, services.AbandonPurchase, services.QuoteOrder, services.SettleOrder,
        services.ExpireHolds, services.CancelEventSales, services.DefineTicketType, services.NameScanner,
        checkin.CheckIn,
        queries.TicketQr, queries.TicketKey, queries.SalesReportQuery, queries.SoldTickets,
    )
