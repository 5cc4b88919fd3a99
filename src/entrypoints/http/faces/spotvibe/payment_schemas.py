"""SpotVibe payment wire shapes (spec section 6: French field names, amounts as "5000.00")."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from application.payments.ports import PayerSummary, PaymentTotals
from application.payments.queries import MethodInfo
from domain.payments.model import Attempt, Commission, Payment, Refund, RefundReason
from domain.shared.money import Money

OPERATORS = {"MOMO_MTN": "MTN", "ORANGE_MONEY": "ORANGE", "MOMO_MOOV": "MOOV", "CARTE_BANCAIRE": "STRIPE"}


class InitiateBody(msgspec.Struct):
    type_paiement: str
    methode_paiement: str
    montant: int | float | str | None = None
    telephone_paiement: str | None = None
    subscription_id: int | None = None
    event_ticket_id: int | None = None
    email: str | None = None


class PaymentRef(msgspec.Struct):
    payment_uuid: UUID


class Initiated(msgspec.Struct):
    message: str
    payment_uuid: UUID
    statut: str
    reference: str
    payment_url: str | None = None


class Message(msgspec.Struct):
    message: str


class Retried(msgspec.Struct):
    message: str
    payment_uuid: UUID
    statut: str
    payment_url: str | None = None


class Verified(msgspec.Struct):
    payment_uuid: UUID
    status: str
    message: str


class PaymentItem(msgspec.Struct):
    uuid: UUID
    type_paiement: str
    montant: str
    statut: str
    date_creation: datetime
    methode_paiement: str
    reference: str


class UserRef(msgspec.Struct):
    id: int
    username: str


class PaymentDetail(msgspec.Struct):
    uuid: UUID
    utilisateur: UserRef
    type_paiement: str
    montant: str
    frais: str
    montant_net: str
    statut: str
    methode_paiement: str
    date_creation: datetime
    reference: str
    devise: str
    telephone_paiement: str | None
    tentatives: int
    date_paiement: datetime | None
    montant_rembourse: str
    a_rembourser: bool
    payment_url: str | None


class RefundBody(msgspec.Struct):
    payment_uuid: UUID
    raison: str = RefundReason.OTHER.value
    description: str = ""
    montant_remboursement: int | float | str | None = None


class DecisionBody(msgspec.Struct):
    note: str = ""


class CompleteBody(msgspec.Struct):
    reference: str | None = None


class RefundItem(msgspec.Struct):
    id: int
    payment_original_uuid: UUID
    montant_remboursement: str
    statut: str
    date_demande: datetime


class PaymentOriginal(msgspec.Struct):
    uuid: UUID
    montant: str


class RefundDetail(msgspec.Struct):
    id: int
    payment_original: PaymentOriginal
    demandeur: UserRef
    montant_remboursement: str
    raison: str
    description: str
    statut: str
    date_demande: datetime
    date_decision: datetime | None
    date_remboursement: datetime | None
    note: str


class Stats(msgspec.Struct):
    total_payments: int
    successful_payments: int
    failed_payments: int
    pending_payments: int
    total_revenue: int


class MethodItem(msgspec.Struct):
    code: str
    name: str
    active: bool


class Summary(msgspec.Struct):
    total_spent: str
    last_payment_date: datetime | None
    pending_payments_count: int


class TransactionItem(msgspec.Struct):
    id: int
    payment_uuid: UUID
    operateur: str
    numero_telephone: str | None
    transaction_id: str | None
    date_initiation: datetime
    tentative: int
    statut_operateur: str | None


class CommissionItem(msgspec.Struct):
    id: int
    type_commission: str
    montant_commission: str
    statut: str
    event_titre: str
    taux: str


class LedgerView(msgspec.Struct):
    devise: str
    encaisse: str
    commissions: str
    net_du: str
    rembourse: str
    equilibre: bool


class WebhookAck(msgspec.Struct):
    status: str
    outcome: str


def money(minor: int, currency: str) -> str:
    return Money(minor, currency).as_decimal_text()


def payment_item(p: Payment) -> PaymentItem:
    return PaymentItem(uuid=p.uuid, type_paiement=p.type.value, montant=money(p.amount_minor, p.currency),
                       statut=p.status.value, date_creation=p.created_at, methode_paiement=p.method.value,
                       reference=p.internal_reference)


def payment_detail(p: Payment, username: str) -> PaymentDetail:
    return PaymentDetail(
        uuid=p.uuid, utilisateur=UserRef(p.payer_id, username), type_paiement=p.type.value,
        montant=money(p.amount_minor, p.currency), frais=money(p.fees_minor, p.currency),
        montant_net=money(p.net_minor, p.currency), statut=p.status.value, methode_paiement=p.method.value,
        date_creation=p.created_at, reference=p.internal_reference, devise=p.currency, telephone_paiement=p.phone,
        tentatives=p.attempts, date_paiement=p.settled_at, montant_rembourse=money(p.refunded_minor, p.currency),
        a_rembourser=p.flagged_for_refund, payment_url=p.redirect_url if p.is_open else None)


def refund_item(r: Refund) -> RefundItem:
    assert r.id is not None
    return RefundItem(id=r.id, payment_original_uuid=r.payment_uuid,
                      montant_remboursement=money(r.amount_minor, r.currency), statut=r.status.value,
                      date_demande=r.requested_at)


def refund_detail(r: Refund, p: Payment, username: str) -> RefundDetail:
    assert r.id is not None
    return RefundDetail(
        id=r.id, payment_original=PaymentOriginal(p.uuid, money(p.amount_minor, p.currency)),
        demandeur=UserRef(r.requester_id, username), montant_remboursement=money(r.amount_minor, r.currency),
        raison=r.reason.value, description=r.description, statut=r.status.value, date_demande=r.requested_at,
        date_decision=r.decided_at, date_remboursement=r.completed_at,
        note=r.failure_reason or r.decision_note)


def stats(t: PaymentTotals, currency: str) -> Stats:
    return Stats(total_payments=t.total, successful_payments=t.succeeded, failed_payments=t.failed,
                 pending_payments=t.pending, total_revenue=t.revenue_minor.get(currency, 0))


def method_item(m: MethodInfo) -> MethodItem:
    return MethodItem(code=m.method.value, name=m.name, active=m.active)


def summary(s: PayerSummary, currency: str) -> Summary:
    return Summary(total_spent=money(s.spent_minor.get(currency, 0), currency), last_payment_date=s.last_payment_at,
                   pending_payments_count=s.pending_count)


def transaction_item(a: Attempt, payment_uuid: UUID) -> TransactionItem:
    assert a.id is not None
    return TransactionItem(id=a.id, payment_uuid=payment_uuid, operateur=OPERATORS.get(a.method.value, a.method),
                           numero_telephone=a.phone, transaction_id=a.provider_reference,
                           date_initiation=a.created_at, tentative=a.number, statut_operateur=a.provider_status)


def commission_item(c: Commission) -> CommissionItem:
    assert c.id is not None
    return CommissionItem(id=c.id, type_commission=c.type.value, montant_commission=money(c.amount_minor, c.currency),
                          statut=c.status.value, event_titre=c.label, taux=f"{c.rate_basis_points / 100:.2f}")
