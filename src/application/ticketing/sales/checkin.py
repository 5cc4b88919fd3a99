"""At the door: a scanned QR secret or a typed short code lets its ticket in once."""

from __future__ import annotations

from dataclasses import dataclass

from application.shared.ports import Clock, UnitOfWork
from application.ticketing.sales.ports import EventsForSale, ScanLog, TicketRepository, TicketSigner
from application.ticketing.sales.services import event_for_sale
from domain.shared.actor import Actor
from domain.shared.errors import Conflict, Forbidden, InvalidInput
from domain.ticketing.sales import SaleableEvent, Scan, Ticket, normalize_short_code
from domain.ticketing.sales_errors import AlreadyCheckedIn, TicketInvalid

MAX_CODE_LENGTH = 512
MAX_NONCE_LENGTH = 100


def check_scanner(event: SaleableEvent, actor: Actor) -> None:
    if not event.may_scan(actor.user_id):
        raise Forbidden("Réservé à l'organisateur et aux contrôleurs qu'il a désignés")


@dataclass(frozen=True)
class CheckInCommand:
    actor: Actor
    event_id: int
    code: str  # the QR code's text, or the short code
    nonce: str | None = None  # the scanner's id for this scan: the same scan sent again is not a second entry


@dataclass(frozen=True)
class CheckInView:
    ticket: Ticket
    event_title: str
    repeated: bool  # the answer to a scan already recorded under this nonce


class CheckIn:
    def __init__(self, events: EventsForSale, tickets: TicketRepository, scans: ScanLog, signer: TicketSigner,
                 uow: UnitOfWork, clock: Clock) -> None:
        self._events = events
        self._tickets = tickets
        self._scans = scans
        self._signer = signer
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: CheckInCommand) -> CheckInView:
        event = await event_for_sale(self._events, cmd.event_id)
        check_scanner(event, cmd.actor)
        nonce = (cmd.nonce or "").strip() or None
        if nonce is not None and len(nonce) > MAX_NONCE_LENGTH:
            raise InvalidInput.on_field("nonce", f"Au plus {MAX_NONCE_LENGTH} caractères")
        if nonce is not None and (repeated := await self._repeated(event, nonce)) is not None:
            return repeated
        ticket = await self._scanned(event, cmd.code.strip())
        try:
            ticket.check_in(event.id, cmd.actor.user_id, self._clock.now())
        except AlreadyCheckedIn:
            # The same scan, sent again while the first was being recorded, is answered as the first.
            if nonce is not None and (repeated := await self._repeated(event, nonce)) is not None:
                return repeated
            raise
        await self._tickets.save_all([ticket])
        if nonce is not None:
            assert ticket.used_at is not None
            try:
                await self._scans.add(Scan(event.id, nonce, ticket.uuid, cmd.actor.user_id, ticket.used_at))
            except Conflict:
                raise InvalidInput.on_field("nonce", "Identifiant de scan déjà utilisé pour un autre billet") from None
        await self._uow.commit()
        return CheckInView(ticket, event.title, repeated=False)

    async def _repeated(self, event: SaleableEvent, nonce: str) -> CheckInView | None:
        scan = await self._scans.get(event.id, nonce)
        if scan is None:
            return None
        ticket = await self._tickets.get(scan.ticket_uuid)
        assert ticket is not None
        return CheckInView(ticket, event.title, repeated=True)

    async def _scanned(self, event: SaleableEvent, code: str) -> Ticket:
        if not code or len(code) > MAX_CODE_LENGTH:
            raise TicketInvalid()
        short = normalize_short_code(code)
        if short is not None:
            ticket = await self._tickets.by_short_code(event.id, short, for_update=True)
        else:
            signed = self._signer.verify(code, await self._signer.public_key(event.id))
            if signed is None or signed.event_id != event.id:
                raise TicketInvalid()
            ticket = await self._tickets.get_for_update(signed.ticket_uuid)
        if ticket is None:
            raise TicketInvalid()
        return ticket
