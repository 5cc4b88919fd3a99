"""/api/payments/: a payer's payments and refunds, the administrators' views, the mobile-money webhooks."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import InvalidOperation
from typing import Any
from uuid import UUID

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, get, post, route
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from application.identity.queries import IdentityQueries
from application.identity.services import Principal
from application.payments.callbacks import HandleCallback
from application.payments.charges import (
    CancelPayment,
    InitiatePayment,
    InitiatePaymentCommand,
    PaymentCommand,
    RetryPayment,
    VerifyPayment,
)
from application.payments.config import PaymentsConfig
from application.payments.queries import PaymentQueries
from application.payments.refunds import (
    CompleteRefund,
    CompleteRefundCommand,
    DecideRefund,
    DecideRefundCommand,
    RequestRefund,
    RequestRefundCommand,
)
from application.shared.ports import Clock
from domain.identity.model import Realm
from domain.payments.model import PaymentMethod, PaymentStatus, PaymentType, RefundReason
from domain.shared.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, Unavailable
from domain.shared.money import Money
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.spotvibe import payment_schemas as wire
from entrypoints.http.inbound import inbound
from entrypoints.http.openapi import may_raise
from entrypoints.http.params import CurrencyCode, Id, Page, PageSize, limit_and_offset
from entrypoints.http.wire import wire_names

REALM = Realm.SPOTVIBE
AUTH = {"principal": principal_dependency(REALM)}
ADMINS_ONLY = may_raise(Forbidden)
DECISION_ERRORS = may_raise(Forbidden, Conflict)  # a refund already decided
# A method not configured or a callback not believed (400); unsigned ones make us ask the provider (503).
CALLBACK_ERRORS = may_raise(InvalidInput, Unavailable)
# The wire field that names what is bought, for each payment type (the type decides which one is read).
REFERENCE_FIELDS = {PaymentType.SUBSCRIPTION: "subscription_id", PaymentType.TICKET: "event_ticket_id"}
INITIATE_FIELDS = {"payment_type": "type_paiement", "method": "methode_paiement", "phone": "telephone_paiement",
                   "claimed_amount": "montant", "amount": "montant"}
REFUND_FIELDS = {"amount": "montant_remboursement", "reason": "raison"}
STATUS_MESSAGES = {
    PaymentStatus.SUCCEEDED: "Paiement confirmé avec succès.",
    PaymentStatus.PENDING: "Paiement en attente de confirmation.",
    PaymentStatus.IN_PROGRESS: "Paiement en attente de confirmation sur votre téléphone.",
    PaymentStatus.FAILED: "Le paiement a échoué.",
    PaymentStatus.CANCELLED: "Paiement annulé.",
    PaymentStatus.REFUNDED: "Paiement remboursé.",
}


def parse_choice(enum: Any, value: str, field: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise InvalidInput.on_field(field, f"Valeur invalide : {value!r} (attendu : {choices})") from None


def parse_amount(value: int | float | str | None, currency: str, field: str) -> Money | None:
    if value is None or value == "":
        return None
    try:
        return Money.parse(str(value), currency)
    except (InvalidOperation, ValueError, DomainError):
        raise InvalidInput.on_field(field, "Montant invalide") from None


async def username_of(identity: IdentityQueries, uid: int, principal: Principal) -> str:
    if uid == principal.user.id:
        return principal.user.username
    try:
        return (await identity.profile(uid)).user.username
    except NotFound:
        return ""


class PaymentsController(Controller):
    path = "/api/payments"
    tags = ("payments",)

    @get("/", dependencies=AUTH)
    async def list_payments(self, principal: NamedDependency[Principal],
                            queries: FromDishka[PaymentQueries]) -> list[wire.PaymentItem]:
        return [wire.payment_item(p) for p in await queries.payments_of(principal.actor)]

    @post("/initiate/", status_code=HTTP_201_CREATED, dependencies=AUTH)
    async def initiate(self, data: JSONBody[wire.InitiateBody], principal: NamedDependency[Principal],
                       use_case: FromDishka[InitiatePayment], config: FromDishka[PaymentsConfig]) -> wire.Initiated:
        payment_type = parse_choice(PaymentType, data.type_paiement, "type_paiement")
        method = parse_choice(PaymentMethod, data.methode_paiement, "methode_paiement")
        reference_field = REFERENCE_FIELDS.get(payment_type, "type_paiement")
        reference = getattr(data, reference_field, None)
        with wire_names({**INITIATE_FIELDS, "reference": reference_field}):
            view = await use_case(InitiatePaymentCommand(
                actor=principal.actor, payment_type=payment_type, method=method,
                reference=None if reference is None else str(reference), phone=data.telephone_paiement,
                email=data.email or principal.user.email,
                claimed_amount=parse_amount(data.montant, config.currency, "montant")))
        message = ("Paiement initié. Veuillez confirmer sur votre téléphone." if view.provider_answered else
                   "Paiement enregistré : l'opérateur ne répond pas encore, son statut sera vérifié.")
        return wire.Initiated(message=message, payment_uuid=view.uuid, statut=view.status.value,
                              reference=view.reference, payment_url=view.redirect_url)

    @get("/{payment_uuid:uuid}/", dependencies=AUTH)
    async def detail(self, payment_uuid: FromPath[UUID], principal: NamedDependency[Principal],
                     queries: FromDishka[PaymentQueries], identity: FromDishka[IdentityQueries]) -> wire.PaymentDetail:
        payment = await queries.payment(payment_uuid, principal.actor)
        return wire.payment_detail(payment, await username_of(identity, payment.payer_id, principal))

    @post("/verify/", status_code=HTTP_200_OK, dependencies=AUTH, opt=may_raise(NotFound))
    async def verify(self, data: JSONBody[wire.PaymentRef], principal: NamedDependency[Principal],
                     use_case: FromDishka[VerifyPayment]) -> wire.Verified:
        payment = await use_case(PaymentCommand(principal.actor, data.payment_uuid))
        return wire.Verified(payment_uuid=payment.uuid, status=payment.status.value,
                             message=STATUS_MESSAGES[payment.status])

    @post("/cancel/", status_code=HTTP_200_OK, dependencies=AUTH, opt=may_raise(NotFound, Conflict))
    async def cancel(self, data: JSONBody[wire.PaymentRef], principal: NamedDependency[Principal],
                     use_case: FromDishka[CancelPayment]) -> wire.Message:
        await use_case(PaymentCommand(principal.actor, data.payment_uuid))
        return wire.Message(message="Paiement annulé avec succès.")

    @post("/retry/", status_code=HTTP_200_OK, dependencies=AUTH, opt=may_raise(NotFound, Conflict, Unavailable))
    async def retry(self, data: JSONBody[wire.PaymentRef], principal: NamedDependency[Principal],
                    use_case: FromDishka[RetryPayment]) -> wire.Retried:
        view = await use_case(PaymentCommand(principal.actor, data.payment_uuid))
        return wire.Retried(message="Retentative de paiement initiée.", payment_uuid=view.uuid,
                            statut=view.status.value, payment_url=view.redirect_url)

    # ------------------------------------------------------------ refunds

    @get("/refunds/", dependencies=AUTH)
    async def refunds(self, principal: NamedDependency[Principal],
                      queries: FromDishka[PaymentQueries]) -> list[wire.RefundItem]:
        return [wire.refund_item(r) for r in await queries.refunds_of(principal.actor)]

    @post("/refunds/", status_code=HTTP_201_CREATED, dependencies=AUTH, opt=may_raise(NotFound, Conflict))
    async def request_refund(self, data: JSONBody[wire.RefundBody], principal: NamedDependency[Principal],
                             use_case: FromDishka[RequestRefund], queries: FromDishka[PaymentQueries],
                             config: FromDishka[PaymentsConfig]) -> wire.RefundDetail:
        reason = parse_choice(RefundReason, data.raison, "raison")
        payment = await queries.payment(data.payment_uuid, principal.actor)
        with wire_names(REFUND_FIELDS):
            refund = await use_case(RequestRefundCommand(
                actor=principal.actor, payment_uuid=data.payment_uuid, reason=reason,
                description=data.description,
                amount=parse_amount(data.montant_remboursement, payment.currency, "montant_remboursement")))
        return wire.refund_detail(refund, payment, principal.user.username)

    @get("/refunds/{refund_id:int}/", dependencies=AUTH)
    async def refund(self, refund_id: Id, principal: NamedDependency[Principal],
                     queries: FromDishka[PaymentQueries], identity: FromDishka[IdentityQueries]) -> wire.RefundDetail:
        refund, payment = await queries.refund(refund_id, principal.actor)
        return wire.refund_detail(refund, payment, await username_of(identity, refund.requester_id, principal))

    @get("/admin/refunds/", dependencies=AUTH, opt=ADMINS_ONLY)
    async def all_refunds(self, principal: NamedDependency[Principal], queries: FromDishka[PaymentQueries],
                          statut: FromQuery[str | None] = None, page: Page = 1,
                          page_size: PageSize = 50) -> list[wire.RefundItem]:
        limit, offset = limit_and_offset(page, page_size)
        return [wire.refund_item(r) for r in await queries.all_refunds(principal.actor, statut, limit, offset)]

    @post("/refunds/{refund_id:int}/approve/", status_code=HTTP_200_OK, dependencies=AUTH, opt=DECISION_ERRORS)
    async def approve(self, refund_id: Id, principal: NamedDependency[Principal], use_case: FromDishka[DecideRefund],
                      data: JSONBody[wire.DecisionBody | None] = None) -> wire.Message:
        note = data.note if data else ""
        await use_case(DecideRefundCommand(principal.actor, refund_id, approve=True, note=note))
        return wire.Message(message="Remboursement approuvé : il est transmis à l'opérateur.")

    @post("/refunds/{refund_id:int}/reject/", status_code=HTTP_200_OK, dependencies=AUTH, opt=DECISION_ERRORS)
    async def reject(self, refund_id: Id, principal: NamedDependency[Principal], use_case: FromDishka[DecideRefund],
                     data: JSONBody[wire.DecisionBody | None] = None) -> wire.Message:
        note = data.note if data else ""
        await use_case(DecideRefundCommand(principal.actor, refund_id, approve=False, note=note))
        return wire.Message(message="Demande de remboursement rejetée.")

    @post("/refunds/{refund_id:int}/complete/", status_code=HTTP_200_OK, dependencies=AUTH,
          opt=DECISION_ERRORS)
    async def complete(self, refund_id: Id, principal: NamedDependency[Principal],
                       use_case: FromDishka[CompleteRefund],
                       data: JSONBody[wire.CompleteBody | None] = None) -> wire.Message:
        reference = data.reference if data else None
        await use_case(CompleteRefundCommand(principal.actor, refund_id, reference))
        return wire.Message(message="Remboursement enregistré comme payé.")

    # ------------------------------------------------------------ figures

    @get("/stats/", dependencies=AUTH, opt=ADMINS_ONLY)
    async def stats(self, principal: NamedDependency[Principal], queries: FromDishka[PaymentQueries],
                    config: FromDishka[PaymentsConfig]) -> wire.Stats:
        return wire.stats(await queries.totals(principal.actor), config.currency)

    @get("/methods/", security=[])
    async def methods(self, queries: FromDishka[PaymentQueries]) -> list[wire.MethodItem]:
        return [wire.method_item(m) for m in queries.methods()]

    @get("/summary/", dependencies=AUTH)
    async def summary(self, principal: NamedDependency[Principal], queries: FromDishka[PaymentQueries],
                      config: FromDishka[PaymentsConfig]) -> wire.Summary:
        return wire.summary(await queries.summary(principal.actor), config.currency)

    @get("/transactions/", dependencies=AUTH, opt=ADMINS_ONLY)
    async def transactions(self, principal: NamedDependency[Principal], queries: FromDishka[PaymentQueries],
                           page: Page = 1, page_size: PageSize = 50) -> list[wire.TransactionItem]:
        limit, offset = limit_and_offset(page, page_size)
        return [wire.transaction_item(a, u) for a, u in await queries.transactions(principal.actor, limit, offset)]

    @get("/commissions/", dependencies=AUTH, opt=ADMINS_ONLY)
    async def commissions(self, principal: NamedDependency[Principal], queries: FromDishka[PaymentQueries],
                          page: Page = 1, page_size: PageSize = 50) -> list[wire.CommissionItem]:
        limit, offset = limit_and_offset(page, page_size)
        return [wire.commission_item(c) for c in await queries.commissions(principal.actor, limit, offset)]

    @get("/ledger/", dependencies=AUTH, opt=ADMINS_ONLY)
    async def ledger(self, principal: NamedDependency[Principal], queries: FromDishka[PaymentQueries],
                     config: FromDishka[PaymentsConfig], start: FromQuery[datetime | None] = None,
                     end: FromQuery[datetime | None] = None, devise: CurrencyCode = None) -> wire.LedgerView:
        """`start` and `end` are ISO 8601 instants; one written without an offset is read as UTC."""
        currency = (devise or config.currency).upper()
        report = await queries.ledger(principal.actor, currency, _utc(start), _utc(end))
        return wire.LedgerView(devise=currency, encaisse=wire.money(report.collected, currency),
                               commissions=wire.money(report.commissions, currency),
                               net_du=wire.money(report.net_payable, currency),
                               rembourse=wire.money(report.refunds, currency), equilibre=report.balances)


def _utc(instant: datetime | None) -> datetime | None:
    return instant.replace(tzinfo=UTC) if instant is not None and instant.tzinfo is None else instant


WEBHOOKS_PATH = "/api/payments/webhooks"
MOBILE_MONEY_WEBHOOKS = {PaymentMethod.MTN: f"{WEBHOOKS_PATH}/mtn/", PaymentMethod.ORANGE: f"{WEBHOOKS_PATH}/orange/",
                         PaymentMethod.MOOV: f"{WEBHOOKS_PATH}/moov/"}


class MobileMoneyWebhooks(Controller):
    """Unsigned callbacks (MTN, Orange) only trigger a status check; FedaPay's are verified. All idempotent."""

    path = WEBHOOKS_PATH
    tags = ("webhooks",)

    @route("/mtn/", http_method=["POST", "PUT"], status_code=HTTP_200_OK, security=[], opt=CALLBACK_ERRORS)
    async def mtn(self, request: Request[Any, Any, Any], use_case: FromDishka[HandleCallback],
                  clock: FromDishka[Clock]) -> wire.WebhookAck:
        result = await use_case(PaymentMethod.MTN, await inbound(request, clock))
        return wire.WebhookAck(status="ok", outcome=result.outcome)

    @post("/orange/", status_code=HTTP_200_OK, security=[], opt=CALLBACK_ERRORS)
    async def orange(self, request: Request[Any, Any, Any], use_case: FromDishka[HandleCallback],
                     clock: FromDishka[Clock]) -> wire.WebhookAck:
        result = await use_case(PaymentMethod.ORANGE, await inbound(request, clock))
        return wire.WebhookAck(status="ok", outcome=result.outcome)

    @post("/moov/", status_code=HTTP_200_OK, security=[], opt=CALLBACK_ERRORS)
    async def moov(self, request: Request[Any, Any, Any], use_case: FromDishka[HandleCallback],
                   clock: FromDishka[Clock]) -> wire.WebhookAck:
        result = await use_case(PaymentMethod.MOOV, await inbound(request, clock))
        return wire.WebhookAck(status="ok", outcome=result.outcome)
