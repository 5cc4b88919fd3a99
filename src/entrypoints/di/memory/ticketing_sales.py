"""Ticket sales in memory: the quota store and the repositories over the MemoryStore."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.memory import ticketing_sales as memory
from application.shared.quota import QuotaStore
from application.ticketing.sales.ports import (
    OrderRepository,
    SalesReads,
    ScanLog,
    ScannerRepository,
    SigningKeys,
    TicketRepository,
    TicketTypeRepository,
)


class SalesMemory(Provider):
    scope = Scope.REQUEST

    quotas = provide(memory.MemoryQuotaStore, provides=QuotaStore)
    types = provide(memory.MemoryTicketTypes, provides=TicketTypeRepository)
    orders = provide(memory.MemoryOrders, provides=OrderRepository)
    tickets = provide(memory.MemoryTickets, provides=TicketRepository)
    scans = provide(memory.MemoryScanLog, provides=ScanLog)
    scanners = provide(memory.MemoryScanners, provides=ScannerRepository)
    keys = provide(memory.MemorySigningKeys, provides=SigningKeys)
    reads = provide(memory.MemorySalesReads, scope=Scope.APP, provides=SalesReads)
