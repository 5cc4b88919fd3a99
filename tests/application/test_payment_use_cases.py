"""Payment use cases on memory adapters: the money path, callbacks, reconciliation, refunds, the purpose seam."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.memory.payments import MemoryCommissionRepository
from application.notifications.topics import NOTIFY
from application.payments.charges import InitiatePaymentCommand, PaymentCommand
from application.payments.ports import RefundOrder, RefundOutcome
from application.payments.refunds import MANUAL, CompleteRefundCommand, DecideRefundCommand, RequestRefundCommand
from application.payments.topics import PAYMENT_SETTLED
from domain.payments.errors import GatewayRejected, InvalidCallback, InvalidTransition, MethodInactive
from domain.payments.model import (
    Account,
    Commission,
    CommissionType,
    PaymentMethod,
    PaymentStatus,
    PaymentType,
    RefundReason,
    RefundStatus,
)
from domain.payments.policies import ledger_report
from domain.shared.actor import Actor
from domain.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.shared.money import Money
from domain.shared.realm import Realm
from tests.application.payments_world import ADMIN, OTHER, PAYER, PaymentWorld
from tests.payments_support import ORGANISER

MTN = PaymentMethod.MTN


@pytest.fixture
def world() -> PaymentWorld:
    return PaymentWorld()


async def test_initiate_prices_from_the_purpose_and_sends_the_try(world: PaymentWorld) -> None:
    payment = await world.buy()
    assert payment.status is PaymentStatus.IN_PROGRESS
    assert (payment.amount_minor, payment.fees_minor, payment.net_minor) == (5000, 500, 4500)
    assert payment.beneficiary_id == ORGANISER and payment.attempts == 1
    assert payment.internal_reference.startswith("SV20260115")
    [charge] = world.mtn.charges.values()
    assert charge.request.amount == Money(5000, "XOF") and charge.request.payer_phone == "+2290197000000"
    assert charge.request.callback_url == "https://agora.test/hooks/momo_mtn/"
    assert charge.request.order_id == f"{payment.internal_reference}-1"


@pytest.mark.parametrize(("command", "error"), [
    (dict(claimed_amount=Money(4000, "XOF")), InvalidInput),
    (dict(method=PaymentMethod.MOOV), MethodInactive),
    (dict(method=PaymentMethod.CASH), MethodInactive),
    (dict(phone=None), InvalidInput),
    (dict(phone="12"), InvalidInput),
    (dict(reference="404"), InvalidInput),
    (dict(payment_type=PaymentType.COMMISSION), InvalidInput),
    (dict(reference=None), InvalidInput),
])
async def test_bad_initiations_write_nothing(world: PaymentWorld, command: dict[str, object],
                                             error: type[Exception]) -> None:
    fields: dict[str, object] = dict(actor=PAYER, payment_type=PaymentType.TICKET, method=MTN,
                                     reference="1", phone="+2290197000000")
    with pytest.raises(error):
        await world.initiate(InitiatePaymentCommand(**{**fields, **command}))  # type: ignore[arg-type]
    assert await world.queries.payments_of(PAYER) == [] and world.mtn.charges == {}


async def test_an_unsigned_callback_is_only_a_reason_to_ask_the_provider(world: PaymentWorld) -> None:
    payment = await world.buy()
    result = await world.callback(MTN, world.callback_for(payment))
    assert result.outcome == "unchanged"  # the provider still says pending: the callback's word is not taken
    assert (await world.payment(payment.uuid)).status is PaymentStatus.IN_PROGRESS
    assert world.mtn.fetches == 1
    world.mtn.settle(payment.provider_reference or "")
    assert (await world.callback(MTN, world.callback_for(payment))).outcome == "applied"
    settled = await world.payment(payment.uuid)
    assert settled.status is PaymentStatus.SUCCEEDED and settled.provider_transaction_id is not None
    assert [m.topic for m in world.outbox.messages()] == [PAYMENT_SETTLED, NOTIFY]  # NOTIFY: the payer is told
    [commission] = await world.queries.commissions(ADMIN, 10, 0)
    assert commission.amount_minor == 500 and commission.rate_basis_points == 1_000


async def test_a_commission_recorded_before_the_first_settlement_does_not_stop_it(world: PaymentWorld) -> None:
    payment = await world.buy()
    assert payment.id is not None
    await MemoryCommissionRepository(world.store).add(Commission(
        payment_id=payment.id, type=CommissionType.TICKETING, currency="XOF", amount_minor=500,
        rate_basis_points=1_000, label="déjà là", created_at=world.clock.now(), beneficiary_id=None))
    world.mtn.settle(payment.provider_reference or "")
    assert (await world.callback(MTN, world.callback_for(payment))).outcome == "applied"
    assert (await world.payment(payment.uuid)).status is PaymentStatus.SUCCEEDED
    [commission] = await world.queries.commissions(ADMIN, 10, 0)
    assert commission.label == "déjà là"
    assert sum(e.amount_minor for e in await world.reads.ledger_entries(None, None)) == 0


async def test_the_same_success_delivered_ten_times_moves_money_once(world: PaymentWorld) -> None:
    payment = await world.buy()
    world.mtn.settle(payment.provider_reference or "")
    outcomes = [(await world.callback(MTN, world.callback_for(payment))).outcome for _ in range(10)]
    assert outcomes == ["applied"] + ["unchanged"] * 9
    entries = await world.reads.ledger_entries(None, None)
    assert {e.account: e.amount_minor for e in entries} == {
        Account.COLLECTED: 5000, Account.COMMISSIONS: -500, Account.NET_PAYABLE: -4500}
    assert len(world.outbox.messages(PAYMENT_SETTLED)) == 1


async def test_signed_callbacks_are_believed_once_per_delivery_and_forged_ones_change_nothing(
        world: PaymentWorld) -> None:
    payment = await world.buy(PaymentMethod.CARD, phone=None)
    world.card.settle(payment.provider_reference or "")
    with pytest.raises(InvalidCallback):
        await world.callback(PaymentMethod.CARD, world.callback_for(payment, x_signature="forged"))
    assert (await world.payment(payment.uuid)).status is PaymentStatus.IN_PROGRESS
    good = world.callback_for(payment, x_signature="good", x_delivery_id="evt_1")
    assert (await world.callback(PaymentMethod.CARD, good)).outcome == "applied"
    assert (await world.callback(PaymentMethod.CARD, good)).outcome == "duplicate"
    assert world.card.fetches == 0  # signed and stated: no need to ask


async def test_a_callback_for_an_unknown_charge_is_ignored(world: PaymentWorld) -> None:
    await world.buy()
    from application.payments.ports import InboundCallback
    result = await world.callback(MTN, InboundCallback({}, b"mtn-999", world.clock.now()))
    assert result.outcome == "ignored"


async def test_time_out_at_initiate_leaves_it_pending_and_the_reconciler_settles_it(world: PaymentWorld) -> None:
    world.mtn.next_start.append("timeout")
    view = await world.initiate(InitiatePaymentCommand(PAYER, PaymentType.TICKET, MTN, "1",
                                                       phone="+2290197000000"))
    assert view.status is PaymentStatus.PENDING and not view.provider_answered
    reference = world.mtn.reference_for(f"{view.reference}-1")
    world.mtn.settle(reference)
    assert (await world.reconcile()).checked == 0  # too recent
    world.clock.advance(minutes=3)
    report = await world.reconcile()
    assert report.settled == 1
    assert (await world.payment(view.uuid)).status is PaymentStatus.SUCCEEDED


async def test_a_try_that_timed_out_but_reached_the_provider_is_not_sent_twice(world: PaymentWorld) -> None:
    world.mtn.next_start.append("timeout")
    view = await world.initiate(InitiatePaymentCommand(PAYER, PaymentType.TICKET, MTN, "1",
                                                       phone="+2290197000000"))
    with pytest.raises(Conflict):  # the provider shows it pending: a second try could charge twice
        await world.retry(PaymentCommand(PAYER, view.uuid))
    payment = await world.payment(view.uuid)
    assert payment.status is PaymentStatus.IN_PROGRESS and payment.attempts == 1
    assert len(world.mtn.charges) == 1


async def test_a_lost_callback_is_made_up_for_by_the_reconciler(world: PaymentWorld) -> None:
    payment = await world.buy()
    world.mtn.settle(payment.provider_reference or "", success=False, reason="NOT_ENOUGH_FUNDS")
    world.clock.advance(minutes=3)
    assert (await world.reconcile()).settled == 1
    failed = await world.payment(payment.uuid)
    assert failed.status is PaymentStatus.FAILED and failed.failure_reason == "NOT_ENOUGH_FUNDS"


async def test_a_try_the_provider_never_received_is_given_up_then_retried(world: PaymentWorld) -> None:
    world.mtn.next_start.append("down")
    view = await world.initiate(InitiatePaymentCommand(PAYER, PaymentType.TICKET, MTN, "1",
                                                       phone="+2290197000000"))
    world.clock.advance(minutes=3)
    assert (await world.reconcile()).abandoned == 0  # not yet: the provider may still show it
    retried = await world.retry(PaymentCommand(PAYER, view.uuid))  # never reached: a new try is fine
    assert retried.status is PaymentStatus.IN_PROGRESS
    assert (await world.payment(view.uuid)).attempts == 2


async def test_a_provider_down_for_good_is_given_up(world: PaymentWorld) -> None:
    world.mtn.next_start.append("down")
    view = await world.initiate(InitiatePaymentCommand(PAYER, PaymentType.TICKET, MTN, "1",
                                                       phone="+2290197000000"))
    world.clock.advance(hours=2)
    assert (await world.reconcile()).abandoned == 1
    assert (await world.payment(view.uuid)).failure_reason == "NON_TRANSMIS"


async def test_a_refusal_at_initiate_fails_the_payment(world: PaymentWorld) -> None:
    world.mtn.next_start.append("reject")
    with pytest.raises(GatewayRejected):
        await world.buy()
    [payment] = await world.queries.payments_of(PAYER)
    assert payment.status is PaymentStatus.FAILED


async def test_retry_after_failure_but_not_while_in_progress(world: PaymentWorld) -> None:
    payment = await world.buy()
    with pytest.raises(Conflict):
        await world.retry(PaymentCommand(PAYER, payment.uuid))
    world.mtn.settle(payment.provider_reference or "", success=False)
    view = await world.retry(PaymentCommand(PAYER, payment.uuid))
    assert view.status is PaymentStatus.IN_PROGRESS
    again = await world.payment(payment.uuid)
    assert again.attempts == 2 and again.provider_reference != payment.provider_reference
    # the first try's late success still counts: money is never lost
    world.mtn.settle(payment.provider_reference or "")
    await world.callback(MTN, world.callback_for(payment))


async def test_cancel_an_open_payment_but_not_one_already_paid(world: PaymentWorld) -> None:
    payment = await world.buy()
    await world.cancel(PaymentCommand(PAYER, payment.uuid))
    assert (await world.payment(payment.uuid)).status is PaymentStatus.CANCELLED
    with pytest.raises(InvalidTransition):
        await world.cancel(PaymentCommand(PAYER, payment.uuid))
    paid = await world.buy()
    world.mtn.settle(paid.provider_reference or "")
    with pytest.raises(Conflict):
        await world.cancel(PaymentCommand(PAYER, paid.uuid))
    assert (await world.payment(paid.uuid)).status is PaymentStatus.SUCCEEDED
    with pytest.raises(NotFound):
        await world.cancel(PaymentCommand(OTHER, paid.uuid))


async def test_money_arriving_after_a_cancel_is_kept_and_offered_back(world: PaymentWorld) -> None:
    payment = await world.buy()
    world.mtn.down = True
    await world.cancel(PaymentCommand(PAYER, payment.uuid))
    world.mtn.down = False
    world.mtn.settle(payment.provider_reference or "")
    await world.callback(MTN, world.callback_for(payment))
    kept = await world.payment(payment.uuid)
    assert kept.status is PaymentStatus.SUCCEEDED and kept.flagged_for_refund
    [refund] = await world.queries.all_refunds(ADMIN, None, 10, 0)
    assert refund.reason is RefundReason.LATE_PAYMENT and refund.amount_minor == 5000


async def test_the_purpose_owner_hears_the_outcome_and_a_sold_out_purchase_is_flagged(world: PaymentWorld) -> None:
    world.tickets.sold_out.add("1")
    payment = await world.buy()
    world.mtn.settle(payment.provider_reference or "")
    await world.verify(PaymentCommand(PAYER, payment.uuid))
    await world.run_jobs()
    assert world.tickets.heard == [("1", payment.uuid, PaymentStatus.SUCCEEDED)]
    flagged = await world.payment(payment.uuid)
    assert flagged.flagged_for_refund and flagged.status is PaymentStatus.SUCCEEDED
    [refund] = await world.queries.all_refunds(ADMIN, None, 10, 0)
    assert refund.status is RefundStatus.REQUESTED and refund.amount_minor == 5000


async def paid(world: PaymentWorld, method: PaymentMethod = MTN) -> object:
    payment = await world.buy(method, phone="+2290197000000")
    world.gateway(method).settle(payment.provider_reference or "")
    return await world.verify(PaymentCommand(PAYER, payment.uuid))


async def test_refund_requested_approved_and_paid_back_by_the_operator(world: PaymentWorld) -> None:
    payment = await paid(world)
    refund = await world.request_refund(RequestRefundCommand(PAYER, payment.uuid, RefundReason.EVENT_CANCELLED))
    assert refund.amount_minor == 4500 and refund.status is RefundStatus.REQUESTED
    with pytest.raises(InvalidInput):  # the same money cannot be asked for twice
        await world.request_refund(RequestRefundCommand(PAYER, payment.uuid, RefundReason.OTHER))
    assert refund.id is not None
    await world.decide_refund(DecideRefundCommand(ADMIN, refund_id=refund.id, approve=True))
    await world.run_jobs()
    done = await world.refunds.get(refund.id)
    assert done is not None and done.status is RefundStatus.REFUNDED
    refunded = await world.payment(payment.uuid)
    assert refunded.status is PaymentStatus.REFUNDED and refunded.refunded_minor == 4500
    report = ledger_report("XOF", await world.reads.ledger_entries(None, None))
    assert (report.collected, report.commissions, report.net_payable, report.refunds) == (5000, 500, 0, 4500)
    assert report.balances
    await world.run_jobs()  # the job again: nothing doubles
    assert len(world.mtn.refunds) == 1


async def test_a_refund_recorded_by_hand_while_the_operator_was_asked_is_booked_once(
        world: PaymentWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    payment = await paid(world)
    refund = await world.request_refund(RequestRefundCommand(PAYER, payment.uuid, RefundReason.EVENT_CANCELLED))
    assert refund.id is not None
    await world.decide_refund(DecideRefundCommand(ADMIN, refund_id=refund.id, approve=True))
    operator = world.mtn.refund

    async def slow_operator(order: RefundOrder) -> RefundOutcome:  # meanwhile, an admin records it paid by hand
        assert refund.id is not None
        await world.complete_refund(CompleteRefundCommand(ADMIN, refund.id, "CASH-1"))
        return await operator(order)

    monkeypatch.setattr(world.mtn, "refund", slow_operator)
    await world.run_jobs()  # the job asked the operator without a lock, and finds the refund closed since

    done = await world.refunds.get(refund.id)
    assert done is not None and done.status is RefundStatus.REFUNDED and done.provider_reference == "CASH-1"
    assert (await world.payment(payment.uuid)).refunded_minor == 4500
    keys = {e.transaction_key for e in await world.reads.ledger_entries(None, None)}
    assert keys == {f"settle:{payment.uuid}", f"refund:{refund.id}"}


async def test_refund_without_an_operator_api_is_paid_by_hand(world: PaymentWorld) -> None:
    payment = await paid(world, PaymentMethod.ORANGE)
    refund = await world.request_refund(RequestRefundCommand(PAYER, payment.uuid, RefundReason.OTHER,
                                                             amount=Money(1000, "XOF")))
    assert refund.id is not None
    await world.decide_refund(DecideRefundCommand(ADMIN, refund.id, approve=True))
    await world.run_jobs()
    waiting = await world.refunds.get(refund.id)
    assert waiting is not None and waiting.status is RefundStatus.APPROVED and waiting.failure_reason == MANUAL
    await world.complete_refund(CompleteRefundCommand(ADMIN, refund.id, "OM-CASH-1"))
    assert (await world.payment(payment.uuid)).refunded_minor == 1000


async def test_refund_rules(world: PaymentWorld) -> None:
    payment = await paid(world)
    with pytest.raises(NotFound):
        await world.request_refund(RequestRefundCommand(OTHER, payment.uuid, RefundReason.OTHER))
    with pytest.raises(InvalidInput):
        await world.request_refund(RequestRefundCommand(PAYER, payment.uuid, RefundReason.OTHER,
                                                        amount=Money(6000, "XOF")))
    world.clock.advance(days=31)
    with pytest.raises(InvalidInput, match="30 jours"):
        await world.request_refund(RequestRefundCommand(PAYER, payment.uuid, RefundReason.OTHER))
    refund = await world.reads.refunds(None, 10, 0)
    assert refund == []


async def test_rejected_refund_moves_no_money(world: PaymentWorld) -> None:
    payment = await paid(world)
    refund = await world.request_refund(RequestRefundCommand(PAYER, payment.uuid, RefundReason.OTHER))
    assert refund.id is not None
    await world.decide_refund(DecideRefundCommand(ADMIN, refund.id, approve=False, note="non"))
    with pytest.raises(InvalidTransition):
        await world.decide_refund(DecideRefundCommand(ADMIN, refund.id, approve=True))
    await world.run_jobs()
    assert world.mtn.refunds == {} and (await world.payment(payment.uuid)).refunded_minor == 0


async def test_methods_report_what_is_configured(world: PaymentWorld) -> None:
    active = {m.method: m.active for m in world.queries.methods()}
    assert active == {MTN: True, PaymentMethod.ORANGE: True, PaymentMethod.CARD: True, PaymentMethod.MOOV: False}


STEPS = st.lists(st.sampled_from(["callback", "success", "failure", "poll", "cancel", "retry", "reconcile",
                                  "down", "up"]), min_size=1, max_size=20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(STEPS)
def test_random_callbacks_polls_cancels_and_retries_keep_the_books_straight(steps: list[str]) -> None:
    asyncio.run(_scenario(steps))


async def _scenario(steps: list[str]) -> None:
    world = PaymentWorld()
    payment = await world.buy()
    succeeded = False
    for step in steps:
        current = await world.payment(payment.uuid)
        reference = current.provider_reference
        try:
            if step == "callback" and reference:
                await world.callback(MTN, world.callback_for(current))
            elif step in {"success", "failure"} and reference and reference in world.mtn.charges:
                world.mtn.settle(reference, success=step == "success")
            elif step == "poll":
                await world.verify(PaymentCommand(PAYER, payment.uuid))
            elif step == "cancel":
                await world.cancel(PaymentCommand(PAYER, payment.uuid))
            elif step == "retry":
                await world.retry(PaymentCommand(PAYER, payment.uuid))
            elif step == "reconcile":
                world.clock.advance(minutes=5)
                await world.reconcile()
            elif step in {"down", "up"}:
                world.mtn.down = step == "down"
        except (InvalidTransition, Conflict, InvalidInput) as error:
            assert error.message
        except Exception as error:  # a provider outage is allowed to surface, nothing else
            from domain.payments.errors import GatewayUnavailable
            assert isinstance(error, GatewayUnavailable), error
        after = await world.payment(payment.uuid)
        assert after.fees_minor + after.net_minor == after.amount_minor
        if succeeded:
            assert after.status is PaymentStatus.SUCCEEDED
        succeeded = succeeded or after.status is PaymentStatus.SUCCEEDED
    entries = await world.reads.ledger_entries(None, None)
    report = ledger_report("XOF", entries)
    assert report.balances
    final = await world.payment(payment.uuid)
    assert report.collected == (5000 if final.status is PaymentStatus.SUCCEEDED else 0)
    assert len({e.transaction_key for e in entries}) == (1 if final.status is PaymentStatus.SUCCEEDED else 0)


async def test_the_use_cases_decide_who_may_act_whatever_the_caller_passes(world: PaymentWorld) -> None:
    payment = await world.buy()
    world.mtn.settle(payment.provider_reference or "")
    await world.verify(PaymentCommand(PAYER, payment.uuid))
    refund = await world.request_refund(RequestRefundCommand(PAYER, payment.uuid, RefundReason.OTHER))
    assert refund.id is not None
    church_member = Actor(PAYER.user_id, Realm.EEBC, frozenset({"admin"}))
    for not_allowed in (PAYER, OTHER, church_member):
        with pytest.raises(Forbidden):
            await world.decide_refund(DecideRefundCommand(not_allowed, refund.id, approve=True))
        with pytest.raises(Forbidden):
            await world.complete_refund(CompleteRefundCommand(not_allowed, refund.id))
        with pytest.raises(Forbidden):
            await world.queries.ledger(not_allowed, "XOF", None, None)
    with pytest.raises(Forbidden):
        await world.initiate(InitiatePaymentCommand(church_member, PaymentType.TICKET, MTN, "1",
                                                    phone="+2290197000000"))
    with pytest.raises(NotFound):
        await world.queries.payment(payment.uuid, OTHER)
    assert (await world.queries.payment(payment.uuid, ADMIN)).uuid == payment.uuid
    assert (await world.refunds.get(refund.id)).status is RefundStatus.REQUESTED  # type: ignore[union-attr]
