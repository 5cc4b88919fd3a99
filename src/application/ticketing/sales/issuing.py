"""What several sales use cases share: the ticket types of an event, and issuing paid tickets."""

from __future__ import annotations

from datetime import datetime

from application.shared.quota import QuotaStore
from application.ticketing.sales.ports import ShortCodes, TicketRepository, TicketSigner, TicketTypeRepository
from domain.shared.errors import Conflict, InvalidInput
from domain.ticketing.sales import SaleableEvent, Ticket, TicketType, implicit_type

SHORT_CODE_TRIES = 5


class TicketTypes:
    """The types an event sells: its own, or the implicit "Standard" one, kept in line with the event's price and
    capacity (created on first use)."""

    def __init__(self, types: TicketTypeRepository, quotas: QuotaStore) -> None:
        self._types = types
        self._quotas = quotas

    async def for_purchase(self, event: SaleableEvent, ticket_type_id: int | None) -> TicketType:
        types = await self._types.of_event(event.id)
        explicit = [t for t in types if not t.implicit]
        if ticket_type_id is not None:
            chosen = next((t for t in explicit if t.id == ticket_type_id), None)
            if chosen is None:
                raise InvalidInput.on_field("ticket_type_id", "Type de billet inconnu pour cet événement")
            return chosen
        if len(explicit) == 1:
            return explicit[0]
        if explicit:
            raise InvalidInput.on_field("ticket_type_id", "Choisissez un type de billet")
        implicit = next((t for t in types if t.implicit), None)
        if implicit is None:
            return await self._create_implicit(event)
        return await self._follow_event(implicit, event)

    async def _create_implicit(self, event: SaleableEvent) -> TicketType:
        quota_id = await self._quotas.create(event.capacity)
        try:
            return await self._types.add(implicit_type(event, quota_id))
        except Conflict:  # another buyer created it first
            await self._quotas.discard(quota_id)
            found = next((t for t in await self._types.of_event(event.id) if t.implicit), None)
            if found is None:
                raise
            return await self._follow_event(found, event)

    async def _follow_event(self, implicit: TicketType, event: SaleableEvent) -> TicketType:
        wanted = implicit_type(event, implicit.quota_id)
        if (wanted.price_minor, wanted.currency, wanted.capacity) != (
                implicit.price_minor, implicit.currency, implicit.capacity):
            implicit.price_minor, implicit.currency = wanted.price_minor, wanted.currency
            if implicit.capacity != wanted.capacity:
                implicit.capacity = wanted.capacity
                await self._quotas.resize(implicit.quota_id, wanted.capacity)
            await self._types.save(implicit)
        return implicit


class TicketIssuer:
    """Gives paid tickets their signed secret and a short code unique within the event."""

    def __init__(self, tickets: TicketRepository, signer: TicketSigner, codes: ShortCodes) -> None:
        self._tickets = tickets
        self._signer = signer
        self._codes = codes

    async def issue(self, tickets: list[Ticket], now: datetime) -> None:
        if not tickets:
            return
        event_id = tickets[0].event_id
        codes = await self._short_codes(event_id, len(tickets))
        for ticket, code in zip(tickets, codes, strict=True):
            ticket.issue(ticket.secret or await self._signer.sign(ticket.uuid, event_id),
                         ticket.short_code or code, now)
        await self._tickets.save_all(tickets)

    async def _short_codes(self, event_id: int, count: int) -> list[str]:
        chosen: list[str] = []
        for _ in range(SHORT_CODE_TRIES):
            candidates = {self._codes.new() for _ in range(count - len(chosen))} - set(chosen)
            chosen += sorted(candidates - await self._tickets.short_codes_taken(event_id, candidates))
            if len(chosen) == count:
                return chosen
        raise RuntimeError("no free short code after several tries")  # 31^8 codes per event: never in practice
