"""/api/events/: ticket purchase, the buyer's tickets and their QR codes, check-in at the door and its key, the
organiser's sales, cancelling an event, ticket types. Who may do what is decided in the use cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from application.identity.services import Principal
from application.ticketing.catalogue import CancelEvent, EventCommand
from application.ticketing.sales.checkin import CheckIn, CheckInCommand
from application.ticketing.sales.queries import (
    EventCommand as SalesEventCommand,
)
from application.ticketing.sales.queries import (
    MyTickets,
    SalesReportQuery,
    TicketCommand,
    TicketKey,
    TicketQr,
)
from application.ticketing.sales.services import (
    DefineTicketType,
    DefineTicketTypeCommand,
    NameScanner,
    PurchaseCommand,
    PurchaseTickets,
    ScannerCommand,
)
from domain.shared.errors import Conflict, Forbidden, InvalidInput, NotFound, StateConflict
from domain.shared.money import Money
from domain.ticketing.model import CURRENCY
from domain.ticketing.sales import TicketStatus
from entrypoints.http.faces.spotvibe import ticket_schemas as wire
from entrypoints.http.faces.spotvibe.controllers.events import AUTH, parse_price, utc
from entrypoints.http.openapi import may_raise
from entrypoints.http.params import Id
from entrypoints.http.wire import wire_names

QR_ROUTE = "spotvibe_ticket_qr"
PAID_MESSAGE = "Achat de billet initié. Veuillez confirmer le paiement sur votre téléphone."
FREE_MESSAGE = "Billet(s) obtenu(s) avec succès : ils sont dans « Mes billets »."


def _moment(value: datetime | None, field: str) -> datetime | None:
    return None if value is None else utc(value, field)


class TicketsController(Controller):
    path = "/api/events"
    tags = ("tickets",)

    @post("/tickets/purchase/", status_code=HTTP_201_CREATED, dependencies=AUTH,
          opt=may_raise(InvalidInput, NotFound, Conflict))
    async def purchase(self, data: JSONBody[wire.PurchaseBody], principal: NamedDependency[Principal],
                       use_case: FromDishka[PurchaseTickets]) -> wire.Purchased:
        with wire_names(wire.PURCHASE_FIELDS):
            view = await use_case(PurchaseCommand(
                principal.actor, data.event_id, data.quantity, data.ticket_type_id, method=data.payment_method,
                phone=data.phone_number, email=principal.user.email))
        return wire.Purchased(message=FREE_MESSAGE if view.free else PAID_MESSAGE,
                              payment_uuid=view.payment_uuid, payment_url=view.payment_url, billets=view.tickets)

    @get("/my-tickets/", dependencies=AUTH)
    async def my_tickets(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                         query: FromDishka[MyTickets]) -> list[wire.MyTicketOut]:
        shown = {TicketStatus.PAID, TicketStatus.USED}
        return [wire.MyTicketOut(
            id=t.id, uuid=t.uuid, evenement_titre=t.event_title, prix=t.price.as_decimal_text(),
            statut=t.status.value, code_court=t.short_code,
            code_qr_url=request.app.route_reverse(QR_ROUTE, ticket_uuid=t.uuid) if t.status in shown else None)
            for t in await query(principal.actor)]

    @get("/tickets/{ticket_uuid:uuid}/qr/", name=QR_ROUTE, dependencies=AUTH, media_type="image/png",
         opt=may_raise(NotFound))
    async def qr(self, ticket_uuid: FromPath[UUID], principal: NamedDependency[Principal],
                 query: FromDishka[TicketQr]) -> Response[bytes]:
        png = await query(TicketCommand(principal.actor, ticket_uuid))
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})

    @post("/{event_id:int}/check-in/", status_code=HTTP_200_OK, dependencies=AUTH,
          opt=may_raise(InvalidInput, Forbidden, NotFound, StateConflict))
    async def check_in(self, event_id: Id, data: JSONBody[wire.CheckInBody], principal: NamedDependency[Principal],
                       use_case: FromDishka[CheckIn]) -> wire.CheckedIn:
        with wire_names(wire.CHECK_IN_FIELDS):
            view = await use_case(CheckInCommand(principal.actor, event_id, data.code, data.nonce))
        ticket = view.ticket
        return wire.CheckedIn(message="Entrée validée.", ticket=wire.CheckedInTicket(
            uuid=ticket.uuid, statut=ticket.status.value, utilise_le=ticket.used_at, evenement_titre=view.event_title))

    @get("/{event_id:int}/check-in/key/", dependencies=AUTH, opt=may_raise(Forbidden, NotFound))
    async def check_in_key(self, event_id: Id, principal: NamedDependency[Principal],
                           query: FromDishka[TicketKey]) -> wire.ScannerKey:
        key = await query(SalesEventCommand(principal.actor, event_id))
        return wire.ScannerKey(event_id=event_id, algorithme="Ed25519", cle_publique=key)

    @get("/{event_id:int}/sales/", dependencies=AUTH, opt=may_raise(Forbidden, NotFound))
    async def sales(self, event_id: Id, principal: NamedDependency[Principal],
                    query: FromDishka[SalesReportQuery]) -> wire.SalesOut:
        return wire.sales(await query(SalesEventCommand(principal.actor, event_id)))

    @post("/{pk:int}/cancel/", status_code=HTTP_200_OK, dependencies=AUTH,
          opt=may_raise(Conflict, Forbidden, NotFound))
    async def cancel(self, pk: Id, principal: NamedDependency[Principal],
                     use_case: FromDishka[CancelEvent]) -> wire.Cancelled:
        await use_case(EventCommand(principal.actor, pk))
        return wire.Cancelled(message="Événement annulé : ses billets sont annulés et les paiements remboursés.")

    @post("/{event_id:int}/ticket-types/", status_code=HTTP_201_CREATED, dependencies=AUTH,
          opt=may_raise(InvalidInput, Forbidden, NotFound))
    async def define_type(self, event_id: Id, data: JSONBody[wire.TicketTypeBody],
                          principal: NamedDependency[Principal],
                          use_case: FromDishka[DefineTicketType]) -> wire.TicketTypeSaved:
        with wire_names(wire.TICKET_TYPE_FIELDS):
            price = parse_price(data.prix)
            saved = await use_case(DefineTicketTypeCommand(
                principal.actor, event_id, data.nom, price if price is not None else Money(0, CURRENCY), data.quota,
                _moment(data.debut_vente, "sale_starts"), _moment(data.fin_vente, "sale_ends")))
        assert saved.id is not None
        return wire.TicketTypeSaved(message="Type de billet créé avec succès.", id=saved.id, nom=saved.name,
                                    prix=saved.price.as_decimal_text(), quota=saved.capacity)

    @post("/{event_id:int}/scanners/", status_code=HTTP_201_CREATED, dependencies=AUTH,
          opt=may_raise(InvalidInput, Forbidden, NotFound))
    async def name_scanner(self, event_id: Id, data: JSONBody[wire.ScannerBody],
                           principal: NamedDependency[Principal], use_case: FromDishka[NameScanner]) -> wire.Message:
        added = await use_case(ScannerCommand(principal.actor, event_id, data.user_id))
        return wire.Message(message="Contrôleur désigné avec succès." if added else "Ce contrôleur était déjà désigné.")
