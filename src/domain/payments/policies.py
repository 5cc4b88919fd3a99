"""Pure payment rules: the commission, the refund window, the internal reference and the ledger postings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from domain.payments.errors import AlreadyRefunded
from domain.payments.model import Account, LedgerEntry, Payment, PaymentStatus, PaymentType, Purpose, Refund
from domain.shared.errors import InvalidInput
from domain.shared.money import Money

DEFAULT_TICKET_RATE_BPS = 1_000  # 10 %, until the organiser's plan says otherwise


@dataclass(frozen=True)
class CommissionPolicy:
    """The platform's fee on a payment, in basis points of its amount. The one place commission is decided.

    Ticket sales pay the organiser's rate (their plan's `commission_reduite`, default 10 %); the platform's
    own sales (subscriptions, commissions owed) carry no fee: the whole amount is the platform's.
    """

    default_ticket_rate_bps: int = DEFAULT_TICKET_RATE_BPS

    def rate_for(self, payment_type: PaymentType, organiser_rate_bps: int | None = None) -> int:
        if payment_type is not PaymentType.TICKET:
            return 0
        rate = self.default_ticket_rate_bps if organiser_rate_bps is None else organiser_rate_bps
        if not 0 <= rate <= 10_000:
            raise InvalidInput("Un taux de commission est entre 0 et 100 %")
        return rate

    def split(self, amount: Money, rate_bps: int) -> tuple[Money, Money]:
        """(fees, net): always adds up to the amount."""
        return amount.split_rate(rate_bps)


@dataclass(frozen=True)
class RefundPolicy:
    window: timedelta = timedelta(days=30)

    def check_requestable(self, payment: Payment, amount_minor: int, now: datetime) -> None:
        """Whether the payer may ask for `amount_minor` back. Once a refund is paid (REMBOURSE; by default it was
        the net, so what is left is the platform's fee), the payer asks no more."""
        if payment.status is PaymentStatus.REFUNDED:
            raise AlreadyRefunded()
        if payment.status is not PaymentStatus.SUCCEEDED or payment.settled_at is None:
            raise InvalidInput("Seul un paiement réussi peut être remboursé")
        if now - payment.settled_at > self.window and not payment.flagged_for_refund:
            raise InvalidInput(f"Remboursement impossible plus de {self.window.days} jours après le paiement")
        if amount_minor <= 0:
            raise InvalidInput.on_field("amount", "Le montant doit être positif")
        if amount_minor > payment.refundable_minor:
            raise InvalidInput.on_field("amount", "Montant supérieur au montant remboursable")

    def default_amount(self, payment: Payment) -> int:
        """What a payer gets back by default: the net (the platform keeps its fee) unless the platform is at
        fault (a payment flagged for refund), where everything comes back."""
        if payment.flagged_for_refund:
            return payment.refundable_minor
        return min(payment.net_minor, payment.refundable_minor)


def internal_reference(day: date, sequence: int) -> str:
    """`SV` + YYYYMMDD + a sequence number: what support staff read out on the phone."""
    return f"SV{day:%Y%m%d}{sequence:06d}"


def attempt_order_id(internal: str, attempt: int) -> str:
    """The order id sent to providers (Orange allows 30 characters): unique per attempt."""
    return f"{internal}-{attempt}"


def settlement_entries(payment: Payment) -> list[LedgerEntry]:
    """Money came in: it is the platform's fee plus what the beneficiary is owed."""
    key = f"settle:{payment.uuid}"
    return _entries(key, payment.uuid, payment.currency, payment.settled_at or payment.updated_at, [
        (Account.COLLECTED, payment.amount_minor),
        (Account.COMMISSIONS, -payment.fees_minor),
        (Account.NET_PAYABLE, -payment.net_minor),
    ])


def refund_entries(payment: Payment, refund: Refund, at: datetime) -> list[LedgerEntry]:
    """Money went back: taken from what the beneficiary is owed first, then from the platform's fee."""
    already = payment.refunded_minor - refund.amount_minor  # refunded before this one
    from_net = max(0, min(refund.amount_minor, payment.net_minor - already))
    from_fees = refund.amount_minor - from_net
    assert refund.id is not None, "a refund is stored before it is paid"
    return _entries(f"refund:{refund.id}", payment.uuid, payment.currency, at, [
        (Account.NET_PAYABLE, from_net),
        (Account.COMMISSIONS, from_fees),
        (Account.REFUNDS, -refund.amount_minor),
    ])


def _entries(key: str, payment_uuid: UUID, currency: str, at: datetime,
             postings: list[tuple[Account, int]]) -> list[LedgerEntry]:
    assert sum(amount for _, amount in postings) == 0, "a ledger transaction balances"
    return [LedgerEntry(transaction_key=key, payment_uuid=payment_uuid, account=account, currency=currency,
                        amount_minor=amount, at=at) for account, amount in postings if amount]


def one_transaction(entries: Sequence[LedgerEntry]) -> list[LedgerEntry]:
    """The entries of one ledger transaction, checked, in a fixed account order (so that two writers of the same
    transaction take a database's locks in the same order)."""
    if not entries:
        raise ValueError("a ledger transaction has entries")
    if len({entry.transaction_key for entry in entries}) != 1:
        raise ValueError("the entries of one ledger transaction share its key")
    if len({entry.account for entry in entries}) != len(entries):
        raise ValueError("a ledger transaction posts once per account")
    if sum(entry.amount_minor for entry in entries) != 0:
        raise ValueError("a ledger transaction balances")
    return sorted(entries, key=lambda entry: entry.account.value)


@dataclass(frozen=True)
class LedgerReport:
    """For a period and a currency: collected = commissions + net owed + refunds paid."""

    currency: str
    collected: int
    commissions: int
    net_payable: int
    refunds: int

    @property
    def balances(self) -> bool:
        return self.collected == self.commissions + self.net_payable + self.refunds


def ledger_report(currency: str, entries: list[LedgerEntry]) -> LedgerReport:
    totals = {account: 0 for account in Account}
    for entry in entries:
        if entry.currency == currency:
            totals[entry.account] += entry.amount_minor
    return LedgerReport(currency, totals[Account.COLLECTED], -totals[Account.COMMISSIONS],
                        -totals[Account.NET_PAYABLE], -totals[Account.REFUNDS])


# What a payer may pay online, and the purpose kind that sells it. Commissions owed and refunds are paid
# by the platform, never through the initiate endpoint.
ONLINE_PURPOSE_KINDS = {PaymentType.SUBSCRIPTION: "subscription", PaymentType.TICKET: "ticket"}


def online_purpose(payment_type: PaymentType, reference: str | None) -> Purpose:
    kind = ONLINE_PURPOSE_KINDS.get(payment_type)
    if kind is None:
        raise InvalidInput.on_field("payment_type", "Seuls les abonnements et les billets se paient ici")
    if reference is None or not reference.strip():
        raise InvalidInput.on_field("reference", "Champ requis pour ce type de paiement")
    return Purpose(kind, reference.strip())
