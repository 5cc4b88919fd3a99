"""SpotVibe's ticket bodies and answers (spec 4.5/4.6; where it is silent, docs/ticketing.md "On the wire")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from domain.shared.money import Money
from domain.ticketing.sales import SalesReport, TicketTypeSales
from entrypoints.http.faces.spotvibe.event_schemas import WireId

# The use cases' field names on the wire (error details are renamed with them).
PURCHASE_FIELDS = {"method": "payment_method", "phone": "phone_number", "quantity": "quantity",
                   "ticket_type_id": "ticket_type_id", "reference": "event_id", "event_id": "event_id"}
CHECK_IN_FIELDS = {"used_at": "utilise_le", "code": "code", "nonce": "nonce"}
TICKET_TYPE_FIELDS = {"name": "nom", "price": "prix", "capacity": "quota", "sale_starts": "debut_vente",
                      "sale_ends": "fin_vente"}
Text = Annotated[str, msgspec.Meta(max_length=1000)]
Quantity = Annotated[int, msgspec.Meta(ge=-(2**31), le=2**31)]  # the range itself is the use case's (1 to 10)


class PurchaseBody(msgspec.Struct):
    event_id: WireId
    quantity: Quantity = 1
    payment_method: Annotated[str, msgspec.Meta(max_length=30)] | None = None  # not needed for a free event
    phone_number: Annotated[str, msgspec.Meta(max_length=30)] | None = None
    ticket_type_id: WireId | None = None  # absent: the event's only type (its standard one when it defines none)


class Purchased(msgspec.Struct):
    message: str
    payment_uuid: UUID | None  # null for a free event: its tickets are issued at once
    payment_url: str | None  # the operator's page for Orange Money and cards (as /api/payments/initiate/)
    billets: list[UUID]  # the tickets' uuids (PAYE at once when free, EN_ATTENTE until the payment succeeds)


class MyTicketOut(msgspec.Struct):
    id: int
    uuid: UUID
    evenement_titre: str
    prix: str
    statut: str
    code_qr_url: str | None  # null until issued (PAYE) and after a cancellation or refund
    code_court: str | None


class CheckInBody(msgspec.Struct):
    code: Text  # the QR code's text, or the short code
    nonce: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class CheckedInTicket(msgspec.Struct):
    uuid: UUID
    statut: str
    utilise_le: datetime | None
    evenement_titre: str


class CheckedIn(msgspec.Struct):
    message: str
    ticket: CheckedInTicket


class ScannerKey(msgspec.Struct):
    event_id: int
    algorithme: str
    cle_publique: str  # Ed25519, 32 bytes in base64url without padding


class TypeSalesOut(msgspec.Struct):
    ticket_type_id: int
    nom: str
    prix: str
    quota: int | None
    vendus: int
    entres: int
    recette: str
    commission: str
    net: str


class SalesOut(msgspec.Struct):
    event_id: int
    vendus: int
    entres: int
    recette: str
    commission: str
    net: str
    types_billets: list[TypeSalesOut]


class TicketTypeBody(msgspec.Struct):
    nom: Annotated[str, msgspec.Meta(max_length=200)]
    prix: int | float | str = "0"
    quota: Annotated[int, msgspec.Meta(ge=-(2**31), le=2**31)] | None = None  # null: as many as the event holds
    debut_vente: datetime | None = None
    fin_vente: datetime | None = None


class TicketTypeSaved(msgspec.Struct):
    message: str
    id: int
    nom: str
    prix: str
    quota: int | None


def type_sales(line: TicketTypeSales) -> TypeSalesOut:
    return TypeSalesOut(ticket_type_id=line.ticket_type_id, nom=line.name, prix=line.price.as_decimal_text(),
                        quota=line.capacity, vendus=line.sold, entres=line.checked_in,
                        recette=line.revenue.as_decimal_text(), commission=line.commission.as_decimal_text(),
                        net=line.net.as_decimal_text())


def sales(report: SalesReport) -> SalesOut:
    def total(attribute: str) -> str:
        currency = report.lines[0].price.currency if report.lines else "XOF"
        return Money(report.total(attribute), currency).as_decimal_text()

    return SalesOut(event_id=report.event_id, vendus=report.total("sold"), entres=report.total("checked_in"),
                    recette=total("revenue"), commission=total("commission"), net=total("net"),
                    types_billets=[type_sales(line) for line in report.lines])


class Message(msgspec.Struct):
    message: str


Cancelled = Message


class ScannerBody(msgspec.Struct):
    user_id: WireId
