"""StripeGateway against FakeStripe: Checkout Sessions (payment and subscription), the hosted page, signed webhook
events, refunds, idempotency, Stripe's errors, retries and time-outs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import uuid4

import httpx
import pytest

from adapters.payments.fakes.server import CallbackCatcher
from adapters.payments.fakes.stripe import FakeStripe, decode_form
from adapters.payments.http import TLS, sign_timestamped
from adapters.payments.stripe import STRIPE_API_VERSION, StripeGateway, StripeSettings, encode_form
from application.payments.ports import (
    CallbackNotice,
    ChargeLookup,
    ChargeRequest,
    ChargeStarted,
    ChargeState,
    InboundCallback,
    Interval,
    RefundOrder,
)
from domain.payments.errors import GatewayRejected, GatewayUnavailable, InvalidCallback, RefundNotSupported
from domain.payments.model import PaymentMethod
from domain.shared.money import Money

SECRET, WEBHOOK_SECRET = "sk_test_fake", "whsec_fake"
SUCCESS_URL = "https://spotvibe.test/paiement/retour?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "https://spotvibe.test/paiement/annule"


@pytest.fixture
def catcher() -> Iterator[CallbackCatcher]:
    with CallbackCatcher() as server:
        yield server


@pytest.fixture
def stripe(catcher: CallbackCatcher) -> Iterator[FakeStripe]:
    with FakeStripe(secret_key=SECRET, webhook_secret=WEBHOOK_SECRET, webhook_url=f"{catcher.url}/webhooks/stripe",
                    settle_after=0.1) as fake:
        yield fake


def settings_for(fake: FakeStripe, **changes: Any) -> StripeSettings:
    return replace(StripeSettings(secret_key=SECRET, webhook_secret=WEBHOOK_SECRET, base_url=fake.url,
                                  success_url=SUCCESS_URL, cancel_url=CANCEL_URL, timeout_seconds=0.3,
                                  retry_backoff_seconds=0.01), **changes)


def gateway_for(fake: FakeStripe, **changes: Any) -> StripeGateway:
    return StripeGateway(settings_for(fake, **changes))


@pytest.fixture
async def gateway(stripe: FakeStripe) -> AsyncIterator[StripeGateway]:
    gateway = gateway_for(stripe)
    yield gateway
    await gateway.aclose()


def charge(**changes: Any) -> ChargeRequest:
    request = ChargeRequest(reference=uuid4(), order_id="SV-0001", amount=Money(5000, "XOF"),
                            description="Billet Concert Cotonou", callback_url="https://api.spotvibe.test/hooks/stripe",
                            payer_email="awa@example.com", metadata={"purpose": "ticket_order"})
    return replace(request, **changes)


def lookup(started: ChargeStarted, request: ChargeRequest) -> ChargeLookup:
    return ChargeLookup(started.provider_reference, request.order_id, request.amount, request.reference)


async def click(url: str, action: str) -> httpx.Response:
    async with httpx.AsyncClient(verify=TLS) as browser:
        return await browser.post(url, data={"action": action})


def events(stripe: FakeStripe, catcher: CallbackCatcher, n: int) -> list[InboundCallback]:
    """The first `n` webhook deliveries, as our endpoint received them (in the order they arrived)."""
    assert len(stripe.wait_for_deliveries(n)) >= n
    return [InboundCallback(headers=r.headers, body=r.body, received_at=datetime.now(UTC))
            for r in catcher.requests[:n]]


def notices(gateway: StripeGateway, callbacks: list[InboundCallback]) -> dict[str, CallbackNotice]:
    """Read and keyed by event type: Stripe does not promise any delivery order."""
    return {notice.kind: notice for notice in map(gateway.read_callback, callbacks)}


def signed(body: bytes, *, timestamp: int | None = None, secret: str = WEBHOOK_SECRET) -> InboundCallback:
    header = sign_timestamped(body, secret, scheme="v1", timestamp=timestamp)
    return InboundCallback(headers={"stripe-signature": header}, body=body, received_at=datetime.now(UTC))


# ------------------------------------------------------------------ settings and encoding


async def test_settings_are_configured_only_with_both_secrets() -> None:
    assert StripeSettings(secret_key="sk", webhook_secret="whsec").configured
    assert not StripeSettings(secret_key="sk").configured
    assert not StripeSettings(webhook_secret="whsec").configured
    assert StripeSettings().base_url == "https://api.stripe.com"
    assert StripeSettings().api_version == STRIPE_API_VERSION
    gateway = StripeGateway(StripeSettings())
    assert gateway.method is PaymentMethod.CARD and not gateway.configured
    await gateway.aclose()


def test_the_form_encoder_uses_bracket_notation_and_the_fake_reads_it_back() -> None:
    params = {"mode": "payment", "metadata": {"a": "b"}, "flag": True, "skipped": None,
              "line_items": [{"price_data": {"currency": "eur", "unit_amount": 1250}, "quantity": 1}]}
    pairs = encode_form(params)
    assert ("line_items[0][price_data][unit_amount]", "1250") in pairs
    assert ("flag", "true") in pairs
    assert all(key != "skipped" for key, _ in pairs)
    body = urlencode(pairs).encode()
    assert decode_form(body) == {"mode": "payment", "flag": "true", "metadata": {"a": "b"},
                                 "line_items": [{"price_data": {"currency": "eur", "unit_amount": "1250"},
                                                 "quantity": "1"}]}
    assert decode_form(b"expand[]=payment_intent&expand[]=subscription") == {"expand": ["payment_intent",
                                                                                         "subscription"]}


# ------------------------------------------------------------------ one-off payments


async def test_start_charge_creates_a_checkout_session_as_stripe_expects(stripe: FakeStripe,
                                                                        gateway: StripeGateway) -> None:
    request = charge()
    started = await gateway.start_charge(request)

    assert started.provider_reference.startswith("cs_test_")
    assert started.redirect_url == f"{stripe.url}/c/pay/{started.provider_reference}"
    sent = stripe.last("/v1/checkout/sessions")
    assert sent.headers["authorization"] == f"Bearer {SECRET}"
    assert sent.headers["stripe-version"] == STRIPE_API_VERSION
    assert sent.headers["idempotency-key"] == str(request.reference)
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    form = sent.form
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][currency]"] == "xof"
    assert form["line_items[0][price_data][unit_amount]"] == "5000"  # XOF is zero-decimal at Stripe too
    assert form["line_items[0][price_data][product_data][name]"] == "Billet Concert Cotonou"
    assert form["line_items[0][quantity]"] == "1"
    assert form["client_reference_id"] == "SV-0001"
    assert form["customer_email"] == "awa@example.com"
    assert form["success_url"] == SUCCESS_URL
    assert form["cancel_url"] == CANCEL_URL
    for prefix in ("metadata", "payment_intent_data[metadata]"):
        assert form[f"{prefix}[reference]"] == str(request.reference)
        assert form[f"{prefix}[order_id]"] == "SV-0001"
        assert form[f"{prefix}[purpose]"] == "ticket_order"
    assert not any(key.startswith("subscription_data") or "recurring" in key for key in form)


async def test_euro_amounts_are_sent_in_cents_and_request_urls_win(stripe: FakeStripe, gateway: StripeGateway) -> None:
    request = charge(amount=Money(1250, "EUR"), payer_email=None, return_url="https://eebc.test/merci",
                     cancel_url="https://eebc.test/don")
    await gateway.start_charge(request)

    form = stripe.last("/v1/checkout/sessions").form
    assert (form["line_items[0][price_data][currency]"], form["line_items[0][price_data][unit_amount]"]) == (
        "eur", "1250")
    assert (form["success_url"], form["cancel_url"]) == ("https://eebc.test/merci", "https://eebc.test/don")
    assert "customer_email" not in form


async def test_paying_on_the_hosted_page_succeeds_and_the_signed_event_is_believed(
        stripe: FakeStripe, catcher: CallbackCatcher, gateway: StripeGateway) -> None:
    request = charge()
    started = await gateway.start_charge(request)
    assert started.redirect_url is not None
    pending = await gateway.fetch_charge(lookup(started, request))
    assert pending is not None and pending.state is ChargeState.PENDING
    assert pending.provider_status == "open/unpaid"

    async with httpx.AsyncClient(verify=TLS) as browser:
        page = await browser.get(started.redirect_url)
    assert page.status_code == 200 and "Payer" in page.text and "Refuser" in page.text and "5000 XOF" in page.text
    answer = await click(started.redirect_url, "pay")
    assert answer.status_code == 303
    assert answer.headers["location"] == SUCCESS_URL.replace("{CHECKOUT_SESSION_ID}", started.provider_reference)

    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None and status.state is ChargeState.SUCCEEDED
    assert status.transaction_id is not None and status.transaction_id.startswith("pi_")
    assert status.amount == Money(5000, "XOF")
    assert status.provider_status == "complete/paid/succeeded"
    assert stripe.last(f"/v1/checkout/sessions/{started.provider_reference}").query == {"expand[]": "payment_intent"}
    assert stripe.intents[status.transaction_id]["metadata"]["reference"] == str(request.reference)

    [callback] = events(stripe, catcher, 1)
    assert catcher.requests[0].path == "/webhooks/stripe"
    assert callback.headers["stripe-signature"].startswith("t=")
    notice = gateway.read_callback(callback)
    assert notice == CallbackNotice(provider_reference=started.provider_reference, order_id="SV-0001",
                                    delivery_id=stripe.events[0]["id"], claimed_state=ChargeState.SUCCEEDED,
                                    signed=True, kind="checkout.session.completed")


async def test_the_payer_refusing_expires_the_session(stripe: FakeStripe, catcher: CallbackCatcher,
                                                      gateway: StripeGateway) -> None:
    request = charge()
    started = await gateway.start_charge(request)
    assert started.redirect_url is not None

    answer = await click(started.redirect_url, "refuse")
    assert (answer.status_code, answer.headers["location"]) == (303, CANCEL_URL)

    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None and status.state is ChargeState.FAILED and status.reason
    assert status.provider_status == "expired/unpaid"
    [callback] = events(stripe, catcher, 1)
    notice = gateway.read_callback(callback)
    assert (notice.kind, notice.claimed_state, notice.provider_reference) == (
        "checkout.session.expired", ChargeState.FAILED, started.provider_reference)


async def test_expire_helper_fails_the_charge(stripe: FakeStripe, gateway: StripeGateway) -> None:
    request = charge()
    started = await gateway.start_charge(request)
    stripe.expire(started.provider_reference)
    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None and status.state is ChargeState.FAILED


async def test_an_asynchronous_payment_is_pending_then_succeeds(stripe: FakeStripe, catcher: CallbackCatcher,
                                                               gateway: StripeGateway) -> None:
    request = charge(payer_email="awa+async@example.com")
    started = await gateway.start_charge(request)
    assert stripe.complete(started.provider_reference) == "processing"

    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None and status.state is ChargeState.PENDING
    assert status.provider_status == "complete/unpaid/processing"

    read = notices(gateway, events(stripe, catcher, 2))
    assert read["checkout.session.completed"].claimed_state is ChargeState.PENDING
    assert read["checkout.session.async_payment_succeeded"].claimed_state is ChargeState.SUCCEEDED
    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None and status.state is ChargeState.SUCCEEDED


async def test_an_asynchronous_payment_can_fail(stripe: FakeStripe, catcher: CallbackCatcher,
                                                gateway: StripeGateway) -> None:
    request = charge(payer_email="awa+async_fail@example.com")
    started = await gateway.start_charge(request)
    stripe.complete(started.provider_reference)

    read = notices(gateway, events(stripe, catcher, 2))
    assert read["checkout.session.async_payment_failed"].claimed_state is ChargeState.FAILED
    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None and status.state is ChargeState.FAILED
    assert status.reason == "Your card was declined."


async def test_settle_finishes_an_asynchronous_payment_by_hand(catcher: CallbackCatcher) -> None:
    with FakeStripe(webhook_url=catcher.url, settle_after=30) as stripe:
        gateway = gateway_for(stripe)
        request = charge(payer_email="awa+async@example.com")
        started = await gateway.start_charge(request)
        stripe.complete(started.provider_reference)
        stripe.settle(started.provider_reference, success=True)
        status = await gateway.fetch_charge(lookup(started, request))
        await gateway.aclose()
    assert status is not None and status.state is ChargeState.SUCCEEDED


async def test_a_declined_card_leaves_the_session_open_and_sends_payment_failed(
        stripe: FakeStripe, catcher: CallbackCatcher, gateway: StripeGateway) -> None:
    request = charge(payer_email="awa+declined@example.com")
    started = await gateway.start_charge(request)
    assert started.redirect_url is not None

    answer = await click(started.redirect_url, "pay")
    assert answer.status_code == 200 and "Carte refusée" in answer.text

    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None and status.state is ChargeState.PENDING  # the payer may try another card
    [callback] = events(stripe, catcher, 1)
    notice = gateway.read_callback(callback)
    assert notice.kind == "payment_intent.payment_failed"
    assert notice.claimed_state is None and notice.signed
    assert notice.order_id == "SV-0001"  # from payment_intent_data[metadata]
    assert notice.provider_reference is not None and notice.provider_reference.startswith("pi_")


# ------------------------------------------------------------------ subscriptions (recurring gifts)


async def test_a_recurring_gift_opens_a_subscription_session(stripe: FakeStripe, catcher: CallbackCatcher,
                                                             gateway: StripeGateway) -> None:
    request = charge(amount=Money(2000, "EUR"), description="Don mensuel EEBC", recurring=Interval.MONTH,
                     order_id="DON-0007")
    started = await gateway.start_charge(request)

    form = stripe.last("/v1/checkout/sessions").form
    assert form["mode"] == "subscription"
    assert form["line_items[0][price_data][recurring][interval]"] == "month"
    assert form["line_items[0][price_data][unit_amount]"] == "2000"
    assert form["subscription_data[metadata][reference]"] == str(request.reference)
    assert form["subscription_data[metadata][order_id]"] == "DON-0007"
    assert not any(key.startswith("payment_intent_data") for key in form)

    stripe.complete(started.provider_reference)
    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None and status.state is ChargeState.SUCCEEDED
    assert status.transaction_id is not None and status.transaction_id.startswith("sub_")
    subscription = status.transaction_id
    assert stripe.subscriptions[subscription]["metadata"]["order_id"] == "DON-0007"

    read = notices(gateway, events(stripe, catcher, 2))
    completed, first_invoice = read["checkout.session.completed"], read["invoice.paid"]
    assert (completed.provider_reference, completed.claimed_state) == (started.provider_reference,
                                                                       ChargeState.SUCCEEDED)
    assert (first_invoice.provider_reference, first_invoice.order_id) == (subscription, "DON-0007")
    assert first_invoice.claimed_state is None

    stripe.renew(subscription)
    renewal = gateway.read_callback(events(stripe, catcher, 3)[2])
    assert (renewal.kind, renewal.provider_reference, renewal.order_id) == ("invoice.paid", subscription, "DON-0007")
    assert json.loads(catcher.requests[2].body)["data"]["object"]["billing_reason"] == "subscription_cycle"
    stripe.cancel_subscription(subscription)
    deleted = gateway.read_callback(events(stripe, catcher, 4)[3])
    assert (deleted.kind, deleted.provider_reference, deleted.order_id) == (
        "customer.subscription.deleted", subscription, "DON-0007")
    assert len({renewal.delivery_id, deleted.delivery_id, first_invoice.delivery_id}) == 3


async def test_a_subscription_is_refunded_from_the_dashboard(stripe: FakeStripe, gateway: StripeGateway) -> None:
    request = charge(amount=Money(2000, "EUR"), recurring=Interval.YEAR)
    started = await gateway.start_charge(request)
    assert stripe.last("/v1/checkout/sessions").form["line_items[0][price_data][recurring][interval]"] == "year"
    stripe.complete(started.provider_reference)
    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None
    order = RefundOrder(uuid4(), lookup(started, request), Money(2000, "EUR"), status.transaction_id, None, "")
    with pytest.raises(RefundNotSupported):
        await gateway.refund(order)
    assert stripe.count("/v1/refunds") == 0


# ------------------------------------------------------------------ webhooks


async def test_forged_stale_tampered_and_unsigned_events_are_refused(stripe: FakeStripe, catcher: CallbackCatcher,
                                                                    gateway: StripeGateway) -> None:
    started = await gateway.start_charge(charge())
    stripe.complete(started.provider_reference)
    [genuine] = events(stripe, catcher, 1)
    assert gateway.read_callback(genuine).signed

    forged = signed(genuine.body, secret="whsec_someone_else")
    stale = signed(genuine.body, timestamp=int((datetime.now(UTC) - timedelta(seconds=301)).timestamp()))
    tampered = replace(genuine, body=genuine.body.replace(b'"paid"', b'"unpaid"'))
    unsigned = replace(genuine, headers={})
    for callback in (forged, stale, tampered, unsigned):
        with pytest.raises(InvalidCallback):
            gateway.read_callback(callback)


def test_any_matching_v1_signature_passes_and_v0_is_ignored(gateway: StripeGateway) -> None:
    body = json.dumps({"id": "evt_1", "type": "checkout.session.expired",
                       "data": {"object": {"id": "cs_test_1", "payment_status": "unpaid"}}}).encode()
    good = signed(body).headers["stripe-signature"]
    t, v1 = good.split(",")
    header = f"{t},v1={'0' * 64},{v1},v0={'1' * 64}"
    notice = gateway.read_callback(InboundCallback({"stripe-signature": header}, body, datetime.now(UTC)))
    assert (notice.provider_reference, notice.claimed_state, notice.delivery_id) == (
        "cs_test_1", ChargeState.FAILED, "evt_1")

    only_v0 = f"{t},v0={v1.removeprefix('v1=')}"
    with pytest.raises(InvalidCallback):
        gateway.read_callback(InboundCallback({"stripe-signature": only_v0}, body, datetime.now(UTC)))


def test_signed_but_unreadable_events_are_refused(gateway: StripeGateway) -> None:
    for body in (b"not json", b"[]", b'{"id": "evt_1", "type": "x"}', b'{"type": "x", "data": {"object": {}}}'):
        with pytest.raises(InvalidCallback):
            gateway.read_callback(signed(body))


async def test_other_events_name_their_kind_without_a_claim(stripe: FakeStripe, catcher: CallbackCatcher,
                                                            gateway: StripeGateway) -> None:
    event = stripe.send_event("invoice.payment_failed", {
        "id": "in_1", "object": "invoice", "subscription": "sub_old_shape", "metadata": {}})
    [callback] = events(stripe, catcher, 1)
    notice = gateway.read_callback(callback)
    assert notice == CallbackNotice(provider_reference="sub_old_shape", delivery_id=event["id"], signed=True,
                                    kind="invoice.payment_failed")


# ------------------------------------------------------------------ refunds


async def paid_charge(stripe: FakeStripe, gateway: StripeGateway, **changes: Any) -> tuple[ChargeLookup, str]:
    request = charge(**changes)
    started = await gateway.start_charge(request)
    stripe.complete(started.provider_reference)
    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None and status.transaction_id is not None
    return lookup(started, request), status.transaction_id


async def test_a_refund_is_sent_once_and_succeeds(stripe: FakeStripe, gateway: StripeGateway) -> None:
    paid, intent = await paid_charge(stripe, gateway)
    order = RefundOrder(uuid4(), paid, Money(2000, "XOF"), intent, None, "Événement annulé")

    outcome = await gateway.refund(order)
    again = await gateway.refund(order)

    assert outcome.provider_reference.startswith("re_") and outcome.state is ChargeState.SUCCEEDED
    assert again == outcome
    assert len(stripe.refunds) == 1 and stripe.count("/v1/refunds") == 2
    sent = stripe.last("/v1/refunds")
    assert sent.headers["idempotency-key"] == str(order.reference)
    assert sent.form["payment_intent"] == intent
    assert sent.form["amount"] == "2000"
    assert sent.form["metadata[reference]"] == str(order.reference)
    assert stripe.intents[intent]["amount_refunded"] == 2000
    assert await gateway.fetch_refund(outcome.provider_reference) is ChargeState.SUCCEEDED


async def test_a_pending_refund_settles_later(stripe: FakeStripe, gateway: StripeGateway) -> None:
    paid, intent = await paid_charge(stripe, gateway, payer_email="kofi+refund_pending@example.com")
    outcome = await gateway.refund(RefundOrder(uuid4(), paid, Money(5000, "XOF"), intent, None, ""))
    assert outcome.state is ChargeState.PENDING
    stripe.wait_for_deliveries(2)  # checkout.session.completed, then refund.updated
    assert await gateway.fetch_refund(outcome.provider_reference) is ChargeState.SUCCEEDED


async def test_a_refund_without_transaction_id_finds_the_payment_intent(stripe: FakeStripe,
                                                                       gateway: StripeGateway) -> None:
    paid, intent = await paid_charge(stripe, gateway)
    await gateway.refund(RefundOrder(uuid4(), paid, Money(5000, "XOF"), None, None, ""))
    assert stripe.last("/v1/refunds").form["payment_intent"] == intent


async def test_refunding_more_than_was_paid_is_rejected(stripe: FakeStripe, gateway: StripeGateway) -> None:
    paid, intent = await paid_charge(stripe, gateway)
    with pytest.raises(GatewayRejected, match="greater than unrefunded amount"):
        await gateway.refund(RefundOrder(uuid4(), paid, Money(5001, "XOF"), intent, None, ""))
    assert stripe.refunds == {}


async def test_an_unpaid_session_cannot_be_refunded(stripe: FakeStripe, gateway: StripeGateway) -> None:
    request = charge()
    started = await gateway.start_charge(request)
    with pytest.raises(GatewayRejected):
        await gateway.refund(RefundOrder(uuid4(), lookup(started, request), Money(5000, "XOF"), None, None, ""))
    assert stripe.count("/v1/refunds") == 0


async def test_an_unknown_refund_is_rejected(gateway: StripeGateway) -> None:
    with pytest.raises(GatewayRejected):
        await gateway.fetch_refund("re_unknown")


# ------------------------------------------------------------------ idempotency, errors, retries


async def test_the_same_reference_twice_creates_one_session(stripe: FakeStripe, gateway: StripeGateway) -> None:
    request = charge()
    first = await gateway.start_charge(request)
    second = await gateway.start_charge(request)

    assert first == second
    assert len(stripe.sessions) == 1 and stripe.count("/v1/checkout/sessions", "POST") == 2
    assert stripe.requests[-1].status == 200


async def test_the_same_reference_with_other_parameters_is_an_idempotency_error(stripe: FakeStripe,
                                                                               gateway: StripeGateway) -> None:
    request = charge()
    await gateway.start_charge(request)
    with pytest.raises(GatewayRejected, match="same parameters"):
        await gateway.start_charge(replace(request, amount=Money(6000, "XOF")))
    assert len(stripe.sessions) == 1


async def test_fetching_an_unknown_session_gives_none(stripe: FakeStripe, gateway: StripeGateway) -> None:
    request = charge()
    assert await gateway.fetch_charge(lookup(ChargeStarted("cs_test_unknown"), request)) is None
    assert stripe.requests[-1].status == 404


async def test_an_amount_below_stripes_minimum_is_rejected(stripe: FakeStripe, gateway: StripeGateway) -> None:
    with pytest.raises(GatewayRejected, match="at least"):
        await gateway.start_charge(charge(amount=Money(10, "EUR")))
    assert stripe.sessions == {}
    assert stripe.requests[-1].reply["error"]["code"] == "amount_too_small"


async def test_a_card_error_is_rejected_with_stripes_message(stripe: FakeStripe, gateway: StripeGateway) -> None:
    stripe.fail_next(1, 402, body={"error": {"type": "card_error", "code": "card_declined",
                                             "message": "Your card was declined."}})
    with pytest.raises(GatewayRejected, match=r"Your card was declined\."):
        await gateway.start_charge(charge())


async def test_a_wrong_secret_key_makes_the_gateway_unavailable(stripe: FakeStripe) -> None:
    gateway = gateway_for(stripe, secret_key="sk_test_wrong_key_1234")
    with pytest.raises(GatewayUnavailable):
        await gateway.start_charge(charge())
    await gateway.aclose()
    refused = stripe.requests[-1]
    assert refused.status == 401
    assert refused.reply["error"]["type"] == "invalid_request_error"
    assert "Invalid API Key provided" in refused.reply["error"]["message"]
    assert "wrong_key" not in refused.reply["error"]["message"]  # Stripe masks the key it echoes


@pytest.mark.parametrize("status", [403, 429])
async def test_forbidden_and_rate_limited_make_the_gateway_unavailable(stripe: FakeStripe, gateway: StripeGateway,
                                                                       status: int) -> None:
    stripe.fail_next(1, status, body={"error": {"type": "invalid_request_error", "message": "no"}})
    with pytest.raises(GatewayUnavailable):
        await gateway.start_charge(charge())


async def test_a_500_is_retried_with_the_same_idempotency_key(stripe: FakeStripe, gateway: StripeGateway) -> None:
    stripe.fail_next(1, 500, body={"error": {"type": "api_error", "message": "boom"}})
    request = charge()
    started = await gateway.start_charge(request)

    posts = [r for r in stripe.requests if r.path == "/v1/checkout/sessions"]
    assert [r.status for r in posts] == [500, 200]
    assert {r.headers["idempotency-key"] for r in posts} == {str(request.reference)}
    assert list(stripe.sessions) == [started.provider_reference]


async def test_three_500s_make_the_gateway_unavailable(stripe: FakeStripe, gateway: StripeGateway) -> None:
    stripe.fail_next(3, 500, body={"error": {"type": "api_error", "message": "boom"}})
    with pytest.raises(GatewayUnavailable):
        await gateway.start_charge(charge())
    assert stripe.count("/v1/checkout/sessions") == 3 and stripe.sessions == {}


async def test_a_slow_stripe_makes_the_gateway_unavailable(stripe: FakeStripe) -> None:
    gateway = gateway_for(stripe, retry_attempts=2)
    stripe.slow(0.5)
    with pytest.raises(GatewayUnavailable):
        await gateway.start_charge(charge())
    await gateway.aclose()
    stripe.slow(0)
    assert stripe.count("/v1/checkout/sessions") == 2


async def test_the_fake_validates_what_stripe_validates(stripe: FakeStripe) -> None:
    async def post(form: dict[str, str], auth: str = f"Bearer {SECRET}") -> httpx.Response:
        async with httpx.AsyncClient(base_url=stripe.url, verify=TLS) as client:
            return await client.post("/v1/checkout/sessions", data=form, headers={"Authorization": auth})

    base = {"mode": "payment", "line_items[0][price_data][currency]": "xof",
            "line_items[0][price_data][unit_amount]": "5000", "line_items[0][price_data][product_data][name]": "x",
            "line_items[0][quantity]": "1", "success_url": "https://a.test/ok"}
    assert (await post(base)).status_code == 200
    for change, param in [({"line_items[0][price_data][currency]": "XOF"}, "line_items[0][price_data][currency]"),
                          ({"line_items[0][price_data][unit_amount]": "12.5"},
                           "line_items[0][price_data][unit_amount]"),
                          ({"success_url": "not a url"}, "success_url"),
                          ({"mode": "subscription"}, "mode"),
                          ({"payment_intent_data[metadata][a]": "b", "mode": "subscription",
                            "line_items[0][price_data][recurring][interval]": "month"}, "payment_intent_data")]:
        answer = await post({**base, **change})
        assert answer.status_code == 400, change
        assert answer.json()["error"]["param"] == param
    missing = await post({"mode": "payment"}, auth="Basic")
    assert missing.status_code == 401 and "Invalid API Key" in missing.json()["error"]["message"]
