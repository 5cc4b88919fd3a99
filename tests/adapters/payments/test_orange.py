"""OrangeGateway against FakeOrange: token, webpayment, transactionstatus, the payment page, notifications."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
import pytest

from adapters.payments.fakes.orange import FakeOrange
from adapters.payments.fakes.server import CallbackCatcher
from adapters.payments.orange import OrangeGateway, OrangeSettings
from application.payments.ports import (
    ChargeLookup,
    ChargeRequest,
    ChargeStarted,
    ChargeState,
    InboundCallback,
    RefundOrder,
)
from domain.payments.errors import GatewayRejected, GatewayUnavailable, InvalidCallback, RefundNotSupported
from domain.payments.model import PaymentMethod
from domain.shared.money import Money

RETURN_URL = "https://spotvibe.example/paiements/retour"
CANCEL_URL = "https://spotvibe.example/paiements/annule"


def settings_for(fake: FakeOrange, **changes: Any) -> OrangeSettings:
    values: dict[str, Any] = {
        "client_id": fake.client_id, "client_secret": fake.client_secret, "merchant_key": fake.merchant_key,
        "token_url": fake.token_url, "api_base_url": fake.url, "timeout_seconds": 0.3,
        "retry_backoff_seconds": 0.01, "merchant_name": "SpotVibe", **changes}
    return OrangeSettings(**values)


@pytest.fixture
def orange() -> Iterator[FakeOrange]:
    with FakeOrange(settle_after=0.1) as fake:
        yield fake


@pytest.fixture
def catcher() -> Iterator[CallbackCatcher]:
    with CallbackCatcher() as receiver:
        yield receiver


@pytest.fixture(scope="module")
async def offline() -> AsyncIterator[OrangeGateway]:
    """A gateway that never calls out (callback parsing, settings)."""
    gateway = OrangeGateway(OrangeSettings(client_id="id", client_secret="secret", merchant_key="mk"))
    yield gateway
    await gateway.aclose()


@pytest.fixture
async def gateway(orange: FakeOrange) -> AsyncIterator[OrangeGateway]:
    gateway = OrangeGateway(settings_for(orange))
    yield gateway
    await gateway.aclose()


def charge(catcher: CallbackCatcher, amount: int = 1200, *, currency: str = "XOF", **changes: Any) -> ChargeRequest:
    values: dict[str, Any] = {
        "reference": uuid4(), "order_id": f"SV-{uuid4().hex[:12]}", "amount": Money(amount, currency),
        "description": "Billet Concert", "callback_url": f"{catcher.url}/payments/orange/callback",
        "return_url": RETURN_URL, "cancel_url": CANCEL_URL, **changes}
    return ChargeRequest(**values)


def lookup(request: ChargeRequest, started: ChargeStarted) -> ChargeLookup:
    return ChargeLookup(started.provider_reference, request.order_id, request.amount, request.reference)


def inbound(body: bytes) -> InboundCallback:
    return InboundCallback(headers={"content-type": "application/json"}, body=body, received_at=datetime.now(UTC))


async def eventually(check: Callable[[], Any], within: float = 3.0) -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.02)


async def wait_for_state(gateway: OrangeGateway, where: ChargeLookup, state: ChargeState) -> Any:
    for _ in range(100):
        status = await gateway.fetch_charge(where)
        if status is not None and status.state is state:
            return status
        await asyncio.sleep(0.03)
    raise AssertionError(f"never reached {state}: {status}")


# ------------------------------------------------------------ the happy path


async def test_a_payment_is_started_paid_on_the_page_and_notified(
        orange: FakeOrange, gateway: OrangeGateway, catcher: CallbackCatcher) -> None:
    request = charge(catcher, 1200)
    started = await gateway.start_charge(request)

    payment = orange.payment(request.order_id)
    assert started.provider_reference == payment.pay_token
    assert started.redirect_url == f"{orange.url}/payment/pay_token/{payment.pay_token}"
    assert started.callback_secret == payment.notif_token
    sent = orange.last(f"{orange.api_prefix}/webpayment")
    assert sent.json == {"merchant_key": orange.merchant_key, "currency": "OUV", "order_id": request.order_id,
                         "amount": 1200, "return_url": RETURN_URL, "cancel_url": CANCEL_URL,
                         "notif_url": request.callback_url, "lang": "fr", "reference": "SpotVibe"}
    assert sent.headers["authorization"].startswith("Bearer ")
    assert sent.headers["accept"] == "application/json"
    assert sent.status == 201

    waiting = await gateway.fetch_charge(lookup(request, started))
    assert waiting is not None and (waiting.state, waiting.provider_status) == (ChargeState.PENDING, "INITIATED")
    asked = orange.last(f"{orange.api_prefix}/transactionstatus").json
    assert asked == {"order_id": request.order_id, "amount": 1200, "pay_token": started.provider_reference}

    async with httpx.AsyncClient() as browser:
        page = await browser.get(started.redirect_url or "")
        assert "Payer" in page.text and "Refuser" in page.text
        clicked = await browser.post(started.redirect_url or "", data={"action": "pay"})
    assert clicked.status_code == 303
    assert clicked.headers["location"] == RETURN_URL

    status = await gateway.fetch_charge(lookup(request, started))
    assert status is not None and status.state is ChargeState.SUCCEEDED
    assert status.provider_status == "SUCCESS"
    assert status.transaction_id == orange.payment(request.order_id).txnid
    assert (status.transaction_id or "").startswith("MP")

    [delivery] = orange.wait_for_deliveries(1)
    assert delivery.status == 200
    [received] = await eventually(lambda: catcher.requests)
    assert received.path == "/payments/orange/callback"
    assert json.loads(received.body) == {"status": "SUCCESS", "notif_token": started.callback_secret,
                                         "txnid": status.transaction_id}
    notice = gateway.read_callback(inbound(received.body))
    assert notice.callback_secret == started.callback_secret
    assert notice.claimed_state is ChargeState.SUCCEEDED
    assert (notice.signed, notice.kind, notice.provider_reference) == (False, "notification", None)


async def test_refusing_on_the_page_fails_the_payment_and_goes_to_the_cancel_url(
        orange: FakeOrange, gateway: OrangeGateway, catcher: CallbackCatcher) -> None:
    request = charge(catcher, 2500)
    started = await gateway.start_charge(request)

    async with httpx.AsyncClient() as browser:
        clicked = await browser.post(started.redirect_url or "", data={"action": "refuse"})
    assert (clicked.status_code, clicked.headers["location"]) == (303, CANCEL_URL)

    status = await gateway.fetch_charge(lookup(request, started))
    assert status is not None and (status.state, status.provider_status) == (ChargeState.FAILED, "FAILED")
    assert status.reason == "FAILED"
    [received] = await eventually(lambda: catcher.requests)
    notice = gateway.read_callback(inbound(received.body))
    assert notice.claimed_state is ChargeState.FAILED
    assert notice.callback_secret == started.callback_secret


# ------------------------------------------------------------ scripted outcomes


async def test_an_amount_ending_in_11_is_pending_then_succeeds(
        orange: FakeOrange, gateway: OrangeGateway, catcher: CallbackCatcher) -> None:
    request = charge(catcher, 5011)
    started = await gateway.start_charge(request)

    first = await gateway.fetch_charge(lookup(request, started))
    assert first is not None and (first.state, first.provider_status) == (ChargeState.PENDING, "PENDING")
    status = await wait_for_state(gateway, lookup(request, started), ChargeState.SUCCEEDED)
    assert status.transaction_id
    assert await eventually(lambda: len(catcher.requests) == 1)


async def test_an_amount_ending_in_13_is_pending_then_fails(
        orange: FakeOrange, gateway: OrangeGateway, catcher: CallbackCatcher) -> None:
    request = charge(catcher, 5013)
    started = await gateway.start_charge(request)

    status = await wait_for_state(gateway, lookup(request, started), ChargeState.FAILED)
    assert (status.provider_status, status.reason) == ("FAILED", "FAILED")
    [received] = await eventually(lambda: catcher.requests)
    assert json.loads(received.body)["status"] == "FAILED"


async def test_an_unpaid_token_expires_without_a_notification(catcher: CallbackCatcher) -> None:
    with FakeOrange(token_ttl=0.2) as orange:
        gateway = OrangeGateway(settings_for(orange))
        request = charge(catcher, 3000)
        started = await gateway.start_charge(request)

        status = await wait_for_state(gateway, lookup(request, started), ChargeState.FAILED)
        assert status.provider_status == "EXPIRED"
        assert orange.settle(request.order_id) is False
        async with httpx.AsyncClient() as browser:
            page = await browser.get(started.redirect_url or "")
        assert "EXPIRED" in page.text and "Payer" not in page.text
        assert orange.deliveries == []
        await gateway.aclose()


async def test_settle_by_hand_notifies_once(
        orange: FakeOrange, gateway: OrangeGateway, catcher: CallbackCatcher) -> None:
    request = charge(catcher, 1500)
    started = await gateway.start_charge(request)

    assert orange.settle(request.order_id, success=True) is True
    assert orange.settle(started.provider_reference, success=False) is False
    status = await gateway.fetch_charge(lookup(request, started))
    assert status is not None and status.state is ChargeState.SUCCEEDED
    assert len(orange.deliveries) == 1  # a notification is recorded when it is sent, before it arrives
    assert len(orange.wait_for_deliveries(1)) == 1
    assert len(catcher.requests) == 1


# ------------------------------------------------------------ the token


async def test_the_token_is_asked_once_with_basic_credentials_and_reused(
        orange: FakeOrange, gateway: OrangeGateway, catcher: CallbackCatcher) -> None:
    request = charge(catcher)
    started = await gateway.start_charge(request)
    await gateway.fetch_charge(lookup(request, started))
    await gateway.start_charge(charge(catcher))

    assert orange.count("/oauth/v3/token") == 1
    asked = orange.last("/oauth/v3/token")
    expected = base64.b64encode(f"{orange.client_id}:{orange.client_secret}".encode()).decode()
    assert asked.headers["authorization"] == f"Basic {expected}"
    assert asked.headers["content-type"] == "application/x-www-form-urlencoded"
    assert asked.form == {"grant_type": "client_credentials"}
    tokens = {r.headers["authorization"] for r in orange.requests if r.path.startswith(orange.api_prefix)}
    assert len(tokens) == 1


async def test_concurrent_calls_share_one_token_request(orange: FakeOrange, gateway: OrangeGateway,
                                                        catcher: CallbackCatcher) -> None:
    await asyncio.gather(*(gateway.start_charge(charge(catcher)) for _ in range(5)))
    assert orange.count("/oauth/v3/token") == 1
    assert len(orange.payments) == 5


async def test_an_expired_token_is_renewed_once(orange: FakeOrange, gateway: OrangeGateway,
                                                catcher: CallbackCatcher) -> None:
    await gateway.start_charge(charge(catcher))
    orange.expire_access_tokens()

    await gateway.start_charge(charge(catcher))

    assert orange.count("/oauth/v3/token") == 2
    refused = [r for r in orange.requests if r.status == 401]
    assert [r.reply["code"] for r in refused] == [42]
    assert len(orange.payments) == 2


async def test_wrong_credentials_make_the_gateway_unavailable(
        orange: FakeOrange, catcher: CallbackCatcher, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="agora.payments")
    gateway = OrangeGateway(settings_for(orange, client_secret="not-the-secret"))

    with pytest.raises(GatewayUnavailable):
        await gateway.start_charge(charge(catcher))

    assert orange.last("/oauth/v3/token").reply == {
        "code": 41, "message": "Invalid credentials", "description": "Invalid client_id and/or client_secret"}
    assert orange.count(f"{orange.api_prefix}/webpayment") == 0
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    assert "not-the-secret" not in caplog.text
    await gateway.aclose()


async def test_a_wrong_merchant_key_makes_the_gateway_unavailable(
        orange: FakeOrange, catcher: CallbackCatcher, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="agora.payments")
    gateway = OrangeGateway(settings_for(orange, merchant_key="wrong"))

    with pytest.raises(GatewayUnavailable):
        await gateway.start_charge(charge(catcher))
    assert orange.payments == {}
    assert any("HTTP 403" in r.getMessage() for r in caplog.records)
    await gateway.aclose()


# ------------------------------------------------------------ provider failures


async def test_a_500_then_success_is_retried(orange: FakeOrange, gateway: OrangeGateway,
                                             catcher: CallbackCatcher) -> None:
    orange.fail_next(1, 500, path=f"{orange.api_prefix}/webpayment")
    request = charge(catcher)

    started = await gateway.start_charge(request)

    assert orange.count(f"{orange.api_prefix}/webpayment") == 2
    assert orange.payment(request.order_id).pay_token == started.provider_reference
    assert len(orange.payments) == 1


async def test_three_500_make_the_gateway_unavailable(orange: FakeOrange, gateway: OrangeGateway,
                                                      catcher: CallbackCatcher) -> None:
    orange.fail_next(3, 503, path=f"{orange.api_prefix}/webpayment")

    with pytest.raises(GatewayUnavailable):
        await gateway.start_charge(charge(catcher))
    assert orange.count(f"{orange.api_prefix}/webpayment") == 3
    assert orange.payments == {}


async def test_a_slow_provider_makes_the_gateway_unavailable(orange: FakeOrange, catcher: CallbackCatcher) -> None:
    gateway = OrangeGateway(settings_for(orange, retry_attempts=2))
    request = charge(catcher)
    started = await gateway.start_charge(request)
    orange.slow(0.5)

    with pytest.raises(GatewayUnavailable):
        await gateway.fetch_charge(lookup(request, started))
    assert orange.count(f"{orange.api_prefix}/transactionstatus") == 2
    orange.slow(0)
    await gateway.aclose()


# ------------------------------------------------------------ refusals


async def test_the_same_order_sent_twice_makes_one_charge(orange: FakeOrange, gateway: OrangeGateway,
                                                          catcher: CallbackCatcher) -> None:
    request = charge(catcher)
    await gateway.start_charge(request)

    with pytest.raises(GatewayRejected, match="already used"):
        await gateway.start_charge(request)
    assert len(orange.payments) == 1
    assert orange.last(f"{orange.api_prefix}/webpayment").status == 400


async def test_a_currency_the_provider_refuses_is_rejected(orange: FakeOrange, catcher: CallbackCatcher) -> None:
    gateway = OrangeGateway(settings_for(orange, currency="XOF"))

    with pytest.raises(GatewayRejected, match="currency must be OUV"):
        await gateway.start_charge(charge(catcher))
    assert orange.payments == {}
    await gateway.aclose()


async def test_requests_orange_would_refuse_are_rejected_before_calling(
        orange: FakeOrange, gateway: OrangeGateway, catcher: CallbackCatcher) -> None:
    refused: list[dict[str, Any]] = [
        {"order_id": "X" * 31},
        {"amount": 1250, "currency": "EUR"},
        {"return_url": "https://spotvibe.example/" + "r" * 100},
        {"cancel_url": "https://spotvibe.example/" + "c" * 100},
        {"callback_url": "https://spotvibe.example/" + "n" * 100},
        {"return_url": None, "cancel_url": None},
    ]
    for changes in refused:
        with pytest.raises(GatewayRejected):
            await gateway.start_charge(charge(catcher, **changes))
    assert orange.count(f"{orange.api_prefix}/webpayment") == 0


async def test_live_settings_refuse_another_currency(orange: FakeOrange, catcher: CallbackCatcher) -> None:
    gateway = OrangeGateway(settings_for(orange, country_path="ci", currency="XOF"))
    with pytest.raises(GatewayRejected):
        await gateway.start_charge(charge(catcher, 1200, currency="EUR"))
    assert orange.requests == []
    await gateway.aclose()


async def test_default_urls_and_whole_euros(orange: FakeOrange, catcher: CallbackCatcher) -> None:
    gateway = OrangeGateway(settings_for(orange, return_url=RETURN_URL))
    await gateway.start_charge(charge(catcher, 1200, currency="EUR", return_url=None, cancel_url=None))
    sent = orange.last(f"{orange.api_prefix}/webpayment").json
    assert (sent["amount"], sent["return_url"], sent["cancel_url"]) == (12, RETURN_URL, RETURN_URL)
    await gateway.aclose()


async def test_an_unknown_order_is_none(orange: FakeOrange, gateway: OrangeGateway) -> None:
    where = ChargeLookup("0" * 64, "SV-unknown", Money(1200, "XOF"), uuid4())
    assert await gateway.fetch_charge(where) is None
    assert orange.last(f"{orange.api_prefix}/transactionstatus").status == 404


async def test_refunds_are_not_supported(offline: OrangeGateway) -> None:
    where = ChargeLookup("tok", "SV-1", Money(1200, "XOF"), uuid4())
    order = RefundOrder(uuid4(), where, Money(1200, "XOF"), "MP1", "+22997000000", "annulation")
    with pytest.raises(RefundNotSupported):
        await offline.refund(order)
    with pytest.raises(RefundNotSupported):
        await offline.fetch_refund("anything")


# ------------------------------------------------------------ callbacks and settings


@pytest.mark.parametrize("body", [
    b"not json", b"[]", b'{"status":"SUCCESS","txnid":"MP1"}', b'{"status":"SUCCESS","notif_token":""}',
    b'{"status":"SUCCESS","notif_token":42}', b"\xff\xfe",
])
def test_unreadable_notifications_are_refused(offline: OrangeGateway, body: bytes) -> None:
    with pytest.raises(InvalidCallback):
        offline.read_callback(inbound(body))


def test_an_unknown_status_claims_nothing(offline: OrangeGateway) -> None:
    notice = offline.read_callback(inbound(b'{"status":"WHATEVER","notif_token":"abc"}'))
    assert (notice.callback_secret, notice.claimed_state, notice.signed) == ("abc", None, False)


def test_configured_needs_the_client_credentials_and_the_merchant_key(offline: OrangeGateway) -> None:
    assert offline.configured
    assert not OrangeSettings(client_id="id", client_secret="secret").configured
    assert not OrangeSettings().configured
    assert offline.method is PaymentMethod.ORANGE
    assert OrangeSettings().path("webpayment") == "/orange-money-webpay/dev/v1/webpayment"
