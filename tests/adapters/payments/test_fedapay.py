"""FedapayGateway (Moov Money) against the local FakeFedapay: charges, scripted outcomes, webhooks, failures."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit
from uuid import uuid4

import httpx
import pytest

from adapters.payments.fakes.fedapay import FakeFedapay
from adapters.payments.fakes.server import CallbackCatcher
from adapters.payments.fedapay import FedapayGateway, FedapaySettings
from adapters.payments.http import RetryPolicy, sign_timestamped
from application.payments.ports import (
    ChargeLookup,
    ChargeRequest,
    ChargeStarted,
    ChargeState,
    ChargeStatus,
    InboundCallback,
    RefundOrder,
)
from domain.payments.errors import GatewayRejected, GatewayUnavailable, InvalidCallback, RefundNotSupported
from domain.payments.model import PaymentMethod
from domain.shared.money import Money

SECRET, WEBHOOK_SECRET = "sk_sandbox_test_123", "wh_sandbox_test_456"
FAST = RetryPolicy(attempts=3, backoff_seconds=0.01, timeout_seconds=0.3)
APPROVED, DECLINED, PENDING = "+22997000001", "+22997000000", "+22997000009"


@pytest.fixture(scope="module")
def catcher() -> Iterator[CallbackCatcher]:
    with CallbackCatcher() as server:
        yield server


@pytest.fixture
def hook_path() -> str:
    """Each test's webhooks arrive on their own path of the shared catcher."""
    return f"/webhooks/fedapay/{uuid4().hex}"


@pytest.fixture
def fake(catcher: CallbackCatcher, hook_path: str) -> Iterator[FakeFedapay]:
    with FakeFedapay(secret_key=SECRET, webhook_secret=WEBHOOK_SECRET, webhook_url=f"{catcher.url}{hook_path}",
                     settle_after=0.1) as server:
        yield server


def settings_for(fake: FakeFedapay, **changes: object) -> FedapaySettings:
    values: dict[str, object] = {"secret_key": SECRET, "webhook_secret": WEBHOOK_SECRET, "base_url": fake.url,
                                 "account": "acc_42", "retry": FAST}
    values.update(changes)
    return FedapaySettings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def gateway(fake: FakeFedapay) -> AsyncIterator[FedapayGateway]:
    gateway = FedapayGateway(settings_for(fake))
    yield gateway
    await gateway.aclose()


@pytest.fixture(scope="module")
async def offline() -> AsyncIterator[FedapayGateway]:
    """For read_callback, which never calls FedaPay."""
    gateway = FedapayGateway(FedapaySettings(secret_key=SECRET, webhook_secret=WEBHOOK_SECRET))
    yield gateway
    await gateway.aclose()


def charge(phone: str | None = APPROVED, **changes: object) -> ChargeRequest:
    values: dict[str, object] = {
        "reference": uuid4(), "order_id": "SV20250101-0001", "amount": Money(5000, "XOF"),
        "description": "Billet Concert Cotonou", "callback_url": "https://api.spotvibe.bj/webhooks/fedapay",
        "payer_phone": phone, "payer_email": "awa@example.com", "return_url": "https://spotvibe.bj/paiement/retour",
    }
    values.update(changes)
    return ChargeRequest(**values)  # type: ignore[arg-type]


def lookup(started: ChargeStarted, request: ChargeRequest) -> ChargeLookup:
    return ChargeLookup(started.provider_reference, request.order_id, request.amount, request.reference)


async def settled(gateway: FedapayGateway, lookup: ChargeLookup, within: float = 3.0) -> ChargeStatus:
    deadline = time.monotonic() + within
    while True:
        status = await gateway.fetch_charge(lookup)
        assert status is not None
        if status.state is not ChargeState.PENDING or time.monotonic() > deadline:
            return status
        await asyncio.sleep(0.03)


def inbound(body: bytes, headers: dict[str, str]) -> InboundCallback:
    return InboundCallback(headers={k.lower(): v for k, v in headers.items()}, body=body,
                           received_at=datetime.now(UTC))


# ---------------------------------------------------------------- charges


async def test_start_charge_creates_tokenizes_and_pushes_as_documented(fake: FakeFedapay,
                                                                       gateway: FedapayGateway) -> None:
    request = charge()
    started = await gateway.start_charge(request)

    create = fake.last("/v1/transactions")
    assert create.method == "POST"
    assert create.headers["authorization"] == f"Bearer {SECRET}"
    assert create.headers["fedapay-account"] == "acc_42"
    assert create.json == {
        "description": "Billet Concert Cotonou", "amount": 5000, "currency": {"iso": "XOF"},
        "callback_url": "https://spotvibe.bj/paiement/retour",
        "customer": {"email": "awa@example.com", "phone_number": {"number": APPROVED, "country": "bj"}},
        "custom_metadata": {"reference": str(request.reference), "order_id": "SV20250101-0001"},
    }
    transaction_id = create.reply["v1/transaction"]["id"]
    assert started.provider_reference == str(transaction_id)
    token = fake.last(f"/v1/transactions/{transaction_id}/token").reply
    assert started.redirect_url == token["url"] == fake.token_url(token["token"])
    push = fake.last("/v1/moov")
    assert push.json == {"token": token["token"], "phone_number": {"number": APPROVED, "country": "bj"}}
    assert push.reply == {"message": "success"}
    assert gateway.method is PaymentMethod.MOOV


async def test_happy_path_pending_then_succeeded(gateway: FedapayGateway, fake: FakeFedapay) -> None:
    request = charge()
    started = await gateway.start_charge(request)
    first = await gateway.fetch_charge(lookup(started, request))
    assert first is not None and first.state is ChargeState.PENDING and first.provider_status == "pending"

    status = await settled(gateway, lookup(started, request))

    assert status.state is ChargeState.SUCCEEDED
    assert status.provider_status == "approved"
    assert status.transaction_id == fake.transaction(started.provider_reference)["reference"]
    assert status.transaction_id is not None and status.transaction_id.startswith("trx_")
    assert status.amount == Money(5000, "XOF")
    assert status.reason is None


async def test_a_number_ending_in_0_is_declined(gateway: FedapayGateway) -> None:
    request = charge(DECLINED)
    status = await settled(gateway, lookup(await gateway.start_charge(request), request))
    assert (status.state, status.provider_status, status.reason) == (ChargeState.FAILED, "declined",
                                                                     "insufficient_funds")


async def test_a_number_ending_in_9_stays_pending_until_settled_by_hand(gateway: FedapayGateway,
                                                                       fake: FakeFedapay) -> None:
    request, refused, approved = charge(PENDING), charge(PENDING), charge(APPROVED)
    started, started_refused = await gateway.start_charge(request), await gateway.start_charge(refused)
    started_approved = await gateway.start_charge(approved)
    assert (await settled(gateway, lookup(started_approved, approved))).state is ChargeState.SUCCEEDED
    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None and status.state is ChargeState.PENDING

    fake.settle(started.provider_reference)
    fake.settle(started_refused.provider_reference, success=False)

    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None and status.state is ChargeState.SUCCEEDED
    status = await gateway.fetch_charge(lookup(started_refused, refused))
    assert status is not None and (status.state, status.provider_status) == (ChargeState.FAILED, "declined")


@pytest.mark.parametrize(("button", "fedapay_status", "state"), [
    ("pay", "approved", ChargeState.SUCCEEDED), ("refuse", "canceled", ChargeState.FAILED)])
async def test_without_a_phone_the_payer_uses_the_payment_page(gateway: FedapayGateway, fake: FakeFedapay,
                                                               button: str, fedapay_status: str,
                                                               state: ChargeState) -> None:
    request = charge(None)
    started = await gateway.start_charge(request)
    assert fake.count("/v1/moov") == 0
    assert "phone_number" not in fake.last("/v1/transactions").json["customer"]
    assert started.redirect_url is not None

    async with httpx.AsyncClient() as browser:
        page = await browser.get(started.redirect_url)
        assert page.status_code == 200 and "Payer" in page.text and "Refuser" in page.text
        sent = await browser.post(started.redirect_url, data={"action": button})

    assert sent.status_code == 303
    back = urlsplit(sent.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == "https://spotvibe.bj/paiement/retour"
    assert dict(parse_qsl(back.query)) == {"id": started.provider_reference, "status": fedapay_status}
    status = await gateway.fetch_charge(lookup(started, request))
    assert status is not None and (status.state, status.provider_status) == (state, fedapay_status)


async def test_without_a_return_url_fedapay_sends_the_payer_back_to_the_callback_url(
        gateway: FedapayGateway, fake: FakeFedapay) -> None:
    await gateway.start_charge(charge(return_url=None))
    assert fake.last("/v1/transactions").json["callback_url"] == "https://api.spotvibe.bj/webhooks/fedapay"


async def test_a_local_number_is_sent_in_e164_and_togo_uses_its_own_mode(fake: FakeFedapay) -> None:
    gateway = FedapayGateway(settings_for(fake, mode="moov_tg", country="tg", account=None))
    try:
        await gateway.start_charge(charge("90 12 34 51"))
    finally:
        await gateway.aclose()
    push = fake.last("/v1/moov_tg")
    assert push.json["phone_number"] == {"number": "+22890123451", "country": "tg"}
    assert "fedapay-account" not in push.headers


async def test_the_push_path_is_one_setting(fake: FakeFedapay) -> None:
    gateway = FedapayGateway(settings_for(fake, push_path="/v1/transactions/{mode}"))
    try:
        await gateway.start_charge(charge())
    finally:
        await gateway.aclose()
    assert fake.count("/v1/transactions/moov", "POST") == 1 and fake.count("/v1/moov") == 0


async def test_an_unknown_transaction_is_none(gateway: FedapayGateway) -> None:
    request = charge()
    assert await gateway.fetch_charge(ChargeLookup("987654", request.order_id, request.amount,
                                                   request.reference)) is None


# ---------------------------------------------------------------- idempotency


async def test_the_same_reference_twice_creates_one_transaction(gateway: FedapayGateway, fake: FakeFedapay) -> None:
    request = charge(PENDING)
    first = await gateway.start_charge(request)
    again = await gateway.start_charge(request)

    assert again == first
    assert fake.count("/v1/transactions", "POST") == 1
    assert fake.count("/v1/moov", "POST") == 1
    assert len(fake.transactions) == 1


async def test_a_retry_after_a_failed_token_resumes_the_same_transaction(gateway: FedapayGateway,
                                                                        fake: FakeFedapay) -> None:
    request = charge()
    fake.fail_next(3, 503, path="/v1/transactions/1/token")
    with pytest.raises(GatewayUnavailable):
        await gateway.start_charge(request)

    started = await gateway.start_charge(request)

    assert started.provider_reference == "1"
    assert fake.count("/v1/transactions", "POST") == 1
    assert fake.count("/v1/transactions/1/token") == 4


async def test_a_timed_out_create_is_not_retried(gateway: FedapayGateway, fake: FakeFedapay) -> None:
    fake.slow(0.5)
    with pytest.raises(GatewayUnavailable):
        await gateway.start_charge(charge())
    assert fake.count("/v1/transactions", "POST") == 1


async def test_a_failed_create_is_not_retried(gateway: FedapayGateway, fake: FakeFedapay) -> None:
    fake.fail_next(1, 500, path="/v1/transactions")
    with pytest.raises(GatewayUnavailable):
        await gateway.start_charge(charge())
    assert fake.count("/v1/transactions", "POST") == 1


# ---------------------------------------------------------------- provider failures


async def test_a_500_then_success_is_retried_transparently(gateway: FedapayGateway, fake: FakeFedapay) -> None:
    request = charge(PENDING)
    fake.fail_next(1, 500, path="/v1/transactions/1/token")
    fake.fail_next(1, 502, path="/v1/moov")
    started = await gateway.start_charge(request)
    fake.fail_next(1, 500, path=f"/v1/transactions/{started.provider_reference}")

    status = await gateway.fetch_charge(lookup(started, request))

    assert status is not None and status.state is ChargeState.PENDING
    assert fake.count("/v1/transactions/1/token") == 2
    assert fake.count("/v1/moov") == 2
    assert fake.count("/v1/transactions/1", "GET") == 2


async def test_three_500s_make_the_gateway_unavailable(gateway: FedapayGateway, fake: FakeFedapay) -> None:
    request = charge()
    started = await gateway.start_charge(request)
    fake.fail_next(3, 500, path=f"/v1/transactions/{started.provider_reference}")
    with pytest.raises(GatewayUnavailable):
        await gateway.fetch_charge(lookup(started, request))
    assert fake.count(f"/v1/transactions/{started.provider_reference}", "GET") == 3


async def test_a_slow_provider_makes_the_gateway_unavailable(gateway: FedapayGateway, fake: FakeFedapay) -> None:
    request = charge()
    started = await gateway.start_charge(request)
    fake.slow(0.5)  # longer than the gateway's 0.3 s time-out: each of the three tries gives up
    with pytest.raises(GatewayUnavailable):
        await gateway.fetch_charge(lookup(started, request))
    assert fake.count(f"/v1/transactions/{started.provider_reference}", "GET") == 3


async def test_wrong_credentials_are_logged_as_an_error_and_unavailable(fake: FakeFedapay,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    gateway = FedapayGateway(settings_for(fake, secret_key="sk_sandbox_wrong_999"))
    caplog.set_level(logging.INFO, logger="agora.payments")
    try:
        with pytest.raises(GatewayUnavailable):
            await gateway.start_charge(charge())
    finally:
        await gateway.aclose()
    assert fake.last("/v1/transactions").status == 401
    assert fake.count("/v1/transactions") == 1
    errors = [r for r in caplog.records if r.name == "agora.payments" and r.levelno == logging.ERROR]
    assert errors and "401" in errors[0].getMessage()
    assert "sk_sandbox_wrong_999" not in caplog.text


async def test_an_invalid_amount_is_rejected_with_fedapay_s_message(gateway: FedapayGateway,
                                                                   fake: FakeFedapay) -> None:
    with pytest.raises(GatewayRejected) as refused:
        await gateway.start_charge(charge(amount=Money(0, "XOF")))
    assert fake.last("/v1/transactions").status == 422
    assert "invalides" in refused.value.message and "amount" in refused.value.message


async def test_an_invalid_phone_number_is_rejected(gateway: FedapayGateway, fake: FakeFedapay) -> None:
    with pytest.raises(GatewayRejected):
        await gateway.start_charge(charge("+22912"))
    assert fake.last("/v1/transactions").status == 422
    assert fake.transactions == {}


async def test_a_currency_other_than_xof_is_rejected_before_calling(gateway: FedapayGateway,
                                                                   fake: FakeFedapay) -> None:
    with pytest.raises(GatewayRejected):
        await gateway.start_charge(charge(amount=Money(1250, "EUR")))
    assert fake.requests == []


async def test_refunds_are_not_supported(gateway: FedapayGateway) -> None:
    request = charge()
    order = RefundOrder(uuid4(), ChargeLookup("1", request.order_id, request.amount, request.reference),
                        request.amount, "trx_1", APPROVED, "Concert annulé")
    with pytest.raises(RefundNotSupported):
        await gateway.refund(order)
    with pytest.raises(RefundNotSupported):
        await gateway.fetch_refund("1")


def test_configured_needs_the_secret_key_and_the_webhook_secret() -> None:
    assert FedapaySettings(secret_key=SECRET, webhook_secret=WEBHOOK_SECRET).configured
    assert not FedapaySettings(secret_key=SECRET).configured
    assert not FedapaySettings(webhook_secret=WEBHOOK_SECRET).configured
    assert FedapaySettings().base_url == "https://sandbox-api.fedapay.com"


# ---------------------------------------------------------------- webhooks


async def test_the_signed_webhook_names_the_transaction(gateway: FedapayGateway, fake: FakeFedapay,
                                                        catcher: CallbackCatcher, hook_path: str) -> None:
    request = charge()
    started = await gateway.start_charge(request)
    deliveries = await asyncio.to_thread(fake.wait_for_deliveries, 1)
    assert [d.status for d in deliveries] == [200]
    received = catcher.last(hook_path)
    assert received.headers["x-fedapay-signature"].startswith("t=")
    assert ",s=" in received.headers["x-fedapay-signature"]
    assert received.json["name"] == "transaction.approved"

    notice = gateway.read_callback(inbound(received.body, received.headers))

    assert notice.provider_reference == started.provider_reference
    assert notice.signed is True
    assert notice.claimed_state is None
    assert notice.kind == "transaction.approved"
    assert notice.delivery_id == str(received.json["id"])


async def test_a_declined_charge_sends_its_webhook(gateway: FedapayGateway, fake: FakeFedapay,
                                                   catcher: CallbackCatcher, hook_path: str) -> None:
    started = await gateway.start_charge(charge(DECLINED))
    await asyncio.to_thread(fake.wait_for_deliveries, 1)
    received = catcher.last(hook_path)
    notice = gateway.read_callback(inbound(received.body, received.headers))
    assert (notice.kind, notice.provider_reference) == ("transaction.declined", started.provider_reference)


def _event(**extra: object) -> bytes:
    return json.dumps({"id": 77, "name": "transaction.approved",
                       "entity": {"id": 12, "status": "approved", "updated_at": "2025-01-01T10:00:00.000Z"},
                       **extra}).encode()


def _signed(body: bytes, timestamp: int | None = None) -> dict[str, str]:
    return {"X-FEDAPAY-SIGNATURE": sign_timestamped(body, WEBHOOK_SECRET, scheme="s", timestamp=timestamp)}


@pytest.mark.parametrize("case", ["forged", "stale", "tampered", "missing", "stripe_scheme", "other_secret"])
async def test_a_badly_signed_webhook_is_refused(offline: FedapayGateway, case: str) -> None:
    body, headers = _event(), _signed(_event())
    if case == "forged":
        headers = {"X-FEDAPAY-SIGNATURE": headers["X-FEDAPAY-SIGNATURE"][:-4] + "0000"}
    elif case == "stale":
        headers = _signed(body, int(time.time()) - 301)
    elif case == "tampered":
        body = body.replace(b'"id": 12', b'"id": 13')
    elif case == "missing":
        headers = {}
    elif case == "stripe_scheme":
        headers = {"X-FEDAPAY-SIGNATURE": sign_timestamped(body, WEBHOOK_SECRET, scheme="v1")}
    else:
        headers = {"X-FEDAPAY-SIGNATURE": sign_timestamped(body, "wh_someone_else", scheme="s")}
    with pytest.raises(InvalidCallback):
        offline.read_callback(inbound(body, headers))


async def test_a_recent_signature_within_tolerance_is_accepted(offline: FedapayGateway) -> None:
    body = _event()
    notice = offline.read_callback(inbound(body, _signed(body, int(time.time()) - 250)))
    assert notice.provider_reference == "12" and notice.delivery_id == "77"


@pytest.mark.parametrize("shape", ["object", "data.object", "wrapped", "no_event_id"])
async def test_other_webhook_shapes_are_tolerated(offline: FedapayGateway, shape: str) -> None:
    transaction = {"id": 12, "status": "approved", "updated_at": "2025-01-01T10:00:00.000Z"}
    event: dict[str, object] = {"name": "transaction.approved"}
    if shape == "object":
        event["object"] = transaction
    elif shape == "data.object":
        event["data"] = {"object": transaction}
    elif shape == "wrapped":
        event["entity"] = {"v1/transaction": transaction}
    else:
        event["entity"] = transaction
    body = json.dumps(event).encode()

    notice = offline.read_callback(inbound(body, _signed(body)))

    assert notice.provider_reference == "12" and notice.signed
    if shape == "no_event_id":
        assert notice.delivery_id == "transaction.approved:12:2025-01-01T10:00:00.000Z"


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"name": "transaction.approved"}',
                                  b'{"name": "transaction.approved", "entity": {"status": "approved"}}'])
async def test_a_signed_but_unreadable_webhook_is_refused(offline: FedapayGateway, body: bytes) -> None:
    with pytest.raises(InvalidCallback):
        offline.read_callback(inbound(body, _signed(body)))
