"""Payment rules: the split always adds up, the status machine never escapes, the ledger balances."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.payments.errors import AlreadyRefunded, InvalidTransition
from domain.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from domain.payments.model import (
    Account,
    Payment,
    PaymentMethod,
    PaymentStatus,
    PaymentType,
    Refund,
    RefundReason,
    RefundStatus,
)
from domain.payments.policies import (
    CommissionPolicy,
    RefundPolicy,
    attempt_order_id,
    internal_reference,
    ledger_report,
    refund_entries,
    settlement_entries,
)
from domain.shared.errors import InvalidInput
from domain.shared.money import Money

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
amounts = st.integers(min_value=1, max_value=10**12)
rates = st.integers(min_value=0, max_value=10_000)


def make_payment(amount: int = 5000, fees: int = 500, **changes: object) -> Payment:
    fields: dict[str, object] = dict(
        uuid=uuid.uuid4(), payer_id=1, type=PaymentType.TICKET, purpose_kind="test", purpose_reference="1",
        description="Concert", currency="XOF", amount_minor=amount, fees_minor=fees, net_minor=amount - fees,
        method=PaymentMethod.MTN, internal_reference="SV20260301000001", created_at=NOW, updated_at=NOW)
    fields.update(changes)
    return Payment(**fields)  # type: ignore[arg-type]


@given(amounts, rates, st.sampled_from(["XOF", "EUR"]))
def test_fees_and_net_always_make_the_amount(amount: int, rate: int, currency: str) -> None:
    fees, net = CommissionPolicy().split(Money(amount, currency), rate)
    assert fees.minor + net.minor == amount
    assert 0 <= fees.minor <= amount and 0 <= net.minor <= amount
    assert abs(fees.minor * 10_000 - amount * rate) <= 5_000  # rounded to the nearest unit


def test_commission_policy_charges_tickets_only_at_the_organisers_rate() -> None:
    policy = CommissionPolicy()
    assert policy.rate_for(PaymentType.TICKET) == 1_000
    assert policy.rate_for(PaymentType.TICKET, 500) == 500
    assert policy.rate_for(PaymentType.SUBSCRIPTION, 500) == 0
    with pytest.raises(InvalidInput):
        policy.rate_for(PaymentType.TICKET, 10_001)
    assert policy.split(Money(5000, "XOF"), 1_000) == (Money(500, "XOF"), Money(4500, "XOF"))


def test_a_payment_whose_parts_do_not_add_up_cannot_exist() -> None:
    with pytest.raises(InvalidInput):
        make_payment(amount=5000, fees=500, net_minor=4000)
    with pytest.raises(InvalidInput):
        make_payment(amount=0, fees=0)


def test_happy_path_raises_one_success_event() -> None:
    payment = make_payment()
    assert payment.start_attempt(NOW) == 1
    payment.mark_submitted("ref-1", None, NOW)
    assert payment.status is PaymentStatus.IN_PROGRESS
    payment.succeed(NOW, transaction_id="tx-1")
    assert payment.status is PaymentStatus.SUCCEEDED and payment.settled_at == NOW
    events = payment.pull_events()
    assert [type(e) for e in events] == [PaymentSucceeded]
    assert payment.pull_events() == []
    with pytest.raises(InvalidTransition):
        payment.succeed(NOW)
    with pytest.raises(InvalidTransition):
        payment.cancel(NOW)


def test_money_confirmed_after_a_cancel_is_kept_and_flagged() -> None:
    payment = make_payment()
    payment.start_attempt(NOW)
    payment.cancel(NOW)
    payment.succeed(NOW)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.flagged_for_refund and "ANNULE" in (payment.flag_reason or "")


def test_retry_only_after_a_failure_or_an_unsent_try() -> None:
    payment = make_payment()
    payment.start_attempt(NOW)
    payment.mark_submitted("r1", None, NOW)
    with pytest.raises(InvalidTransition):
        payment.start_attempt(NOW)
    payment.fail("EXPIRED", NOW)
    assert payment.start_attempt(NOW) == 2
    assert payment.status is PaymentStatus.PENDING and payment.failure_reason is None


OPERATIONS = st.lists(st.sampled_from(["start", "submit", "succeed", "fail", "cancel", "refund"]), max_size=25)


@given(OPERATIONS, st.integers(min_value=1, max_value=5000))
def test_the_status_machine_never_reaches_an_invalid_state(operations: list[str], refund_amount: int) -> None:
    payment = make_payment()
    succeeded_once = False
    for step in operations:
        before = payment.status
        try:
            if step == "start":
                payment.start_attempt(NOW)
            elif step == "submit":
                payment.mark_submitted(f"ref-{payment.attempts}", None, NOW)
            elif step == "succeed":
                payment.succeed(NOW)
            elif step == "fail":
                payment.fail("x", NOW)
            elif step == "cancel":
                payment.cancel(NOW)
            else:
                payment.record_refund(refund_amount, NOW)
        except (InvalidTransition, InvalidInput):
            assert payment.status is before  # a refused step changes nothing
            continue
        succeeded_once = succeeded_once or payment.status is PaymentStatus.SUCCEEDED
        if succeeded_once:  # money received never goes back to open, failed or cancelled
            assert payment.status in {PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED}
        assert payment.fees_minor + payment.net_minor == payment.amount_minor
        assert 0 <= payment.refunded_minor <= payment.amount_minor
        assert (payment.settled_at is not None) == succeeded_once
    events = payment.pull_events()
    assert sum(isinstance(e, PaymentSucceeded) for e in events) <= 1
    assert all(isinstance(e, PaymentSucceeded | PaymentFailed | PaymentRefunded) for e in events)


def _refund(payment: Payment, amount: int, refund_id: int) -> Refund:
    return Refund(id=refund_id, payment_id=1, payment_uuid=payment.uuid, requester_id=1, currency=payment.currency,
                  amount_minor=amount, reason=RefundReason.OTHER, description="", requested_at=NOW)


@given(st.lists(st.tuples(amounts, rates, st.lists(st.integers(min_value=1, max_value=10**12), max_size=3)),
                min_size=1, max_size=8))
def test_the_ledger_balances_for_any_payments_and_refunds(plan: list[tuple[int, int, list[int]]]) -> None:
    entries = []
    refund_id = 0
    for amount, rate, refunds in plan:
        fees, _ = CommissionPolicy().split(Money(amount, "XOF"), rate)
        payment = make_payment(amount=amount, fees=fees.minor)
        payment.start_attempt(NOW)
        payment.succeed(NOW)
        entries += settlement_entries(payment)
        for wanted in refunds:
            amount_back = min(wanted, payment.refundable_minor)
            if amount_back <= 0:
                break
            refund_id += 1
            refund = _refund(payment, amount_back, refund_id)
            payment.record_refund(amount_back, NOW)
            entries += refund_entries(payment, refund, NOW)
    assert sum(e.amount_minor for e in entries) == 0
    report = ledger_report("XOF", entries)
    assert report.balances
    assert report.collected == sum(amount for amount, _, _ in plan)
    assert report.commissions >= 0 and report.net_payable >= 0 and report.refunds >= 0


def test_a_refund_comes_out_of_the_net_first_then_the_fee() -> None:
    payment = make_payment(amount=5000, fees=500)
    payment.start_attempt(NOW)
    payment.succeed(NOW)
    payment.record_refund(5000, NOW)
    entries = {e.account: e.amount_minor for e in refund_entries(payment, _refund(payment, 5000, 1), NOW)}
    assert entries == {Account.NET_PAYABLE: 4500, Account.COMMISSIONS: 500, Account.REFUNDS: -5000}


def test_refund_window_and_amounts() -> None:
    policy = RefundPolicy()
    payment = make_payment()
    with pytest.raises(InvalidInput):
        policy.check_requestable(payment, 100, NOW)  # not paid
    payment.start_attempt(NOW)
    payment.succeed(NOW)
    assert policy.default_amount(payment) == 4500  # the fee is kept
    policy.check_requestable(payment, 4500, NOW + timedelta(days=30))
    with pytest.raises(InvalidInput, match="30 jours"):
        policy.check_requestable(payment, 4500, NOW + timedelta(days=30, seconds=1))
    with pytest.raises(InvalidInput):
        policy.check_requestable(payment, 5001, NOW)
    payment.flag_for_refund("late")
    assert policy.default_amount(payment) == 5000
    policy.check_requestable(payment, 5000, NOW + timedelta(days=90))  # the platform's fault: no window


def test_a_refunded_payment_takes_no_further_refund_request() -> None:
    policy = RefundPolicy()
    payment = make_payment(amount=5000, fees=500)
    payment.start_attempt(NOW)
    payment.succeed(NOW)
    payment.record_refund(policy.default_amount(payment), NOW)  # the net went back: 500 left, the platform's fee
    assert payment.status is PaymentStatus.REFUNDED and payment.refundable_minor == 500
    with pytest.raises(AlreadyRefunded, match="déjà remboursé"):
        policy.check_requestable(payment, policy.default_amount(payment), NOW)
    with pytest.raises(AlreadyRefunded):
        policy.check_requestable(payment, 500, NOW)  # asked for by name, the fee is not the payer's either
    partly = make_payment(amount=5000, fees=500)
    partly.start_attempt(NOW)
    partly.succeed(NOW)
    partly.record_refund(1000, NOW)
    with pytest.raises(AlreadyRefunded):
        policy.check_requestable(partly, 1000, NOW)


def test_refund_status_machine() -> None:
    payment = make_payment()
    refund = _refund(payment, 100, 1)
    refund.approve(9, "ok", NOW)
    with pytest.raises(InvalidTransition):
        refund.reject(9, "no", NOW)
    refund.mark_sent("re_1")
    refund.mark_failed("operator said no")
    assert refund.status is RefundStatus.APPROVED
    refund.complete(NOW, "manual-1")
    assert refund.status is RefundStatus.REFUNDED and refund.failure_reason is None
    with pytest.raises(InvalidTransition):
        refund.complete(NOW)


def test_references() -> None:
    assert internal_reference(date(2026, 3, 1), 42) == "SV20260301000042"
    assert len(attempt_order_id("SV20260301000042", 12)) <= 30
