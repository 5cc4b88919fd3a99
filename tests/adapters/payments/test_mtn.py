"""MtnGateway against FakeMtn: request to pay, status, sandbox outcomes, callbacks, refunds, tokens, failures."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from adapters.payments.fakes import mtn as numbers
from adapters.payments.fakes.mtn import FakeMtn
from adapters.payments.fakes.server import CallbackCatcher, Request
from adapters.payments.http import ProviderClient
from adapters.payments.mtn import MtnGateway, MtnSettings, callback_url_with_reference, sanitize_note
from application.payments.ports import (
    ChargeLookup,
    ChargeRequest,
    ChargeState,
    ChargeStatus,
    InboundCallback,
    RefundOrder,
)
from domain.payments.errors import GatewayRejected, GatewayUnavailable, InvalidCallback, RefundNotSupported
from domain.payments.model import PaymentMethod
from domain.shared.money import Money

SETTLE = 0.25
RTP = "/collection/v1_0/requesttopay"
TOKEN = "/collection/token/"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def mtn() -> Iterator[FakeMtn]:
    with FakeMtn(settle_after=SETTLE) as fake:
        yield fake


@pytest.fixture
def catcher() -> Iterator[CallbackCatcher]:
    with CallbackCatcher() as fake:
        yield fake


def fast(mtn: FakeMtn, **overrides: object) -> MtnSettings:
    return mtn.settings(timeout_seconds=0.3, backoff_seconds=0.01, **overrides)


def make(settings: MtnSettings, **kwargs: Any) -> MtnGateway:
    """The gateway on a plain-http client (loading the CA bundle for every test costs more than the test)."""
    http = httpx.AsyncClient(base_url=settings.base_url, timeout=settings.timeout_seconds, verify=False)  # noqa: S501 (plain http on 127.0.0.1)
    return MtnGateway(settings, ProviderClient("MTN MoMo", settings.base_url, settings.policy, http), **kwargs)


@pytest.fixture
async def gateway(mtn: FakeMtn) -> AsyncIterator[MtnGateway]:
    gateway = make(fast(mtn))
    yield gateway
    await gateway.aclose()


def charge(catcher: CallbackCatcher | None = None, phone: str = "+229 97 00 00 00", *,
           amount: Money = Money(5000, "XOF"), reference: UUID | None = None,
           description: str = "Billet Concert Cotonou") -> ChargeRequest:
    return ChargeRequest(
        reference=reference or uuid4(), order_id="SV-0001", amount=amount, description=description,
        callback_url=f"{catcher.url}/webhooks/mtn?site=spotvibe" if catcher else "http://127.0.0.1:9/cb",
        payer_phone=phone)


def lookup(request: ChargeRequest) -> ChargeLookup:
    return ChargeLookup(str(request.reference), request.order_id, request.amount, request.reference)


async def settled(gateway: MtnGateway, request: ChargeRequest, within: float = 3.0) -> ChargeStatus:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        status = await gateway.fetch_charge(lookup(request))
        assert status is not None
        if status.state is not ChargeState.PENDING or asyncio.get_running_loop().time() > deadline:
            return status
        await asyncio.sleep(0.05)


# ---------------------------------------------------------------- charges


async def test_a_request_to_pay_follows_the_documented_wire_format(mtn: FakeMtn, gateway: MtnGateway,
                                                                   catcher: CallbackCatcher) -> None:
    request = charge(catcher)

    started = await gateway.start_charge(request)

    assert started.provider_reference == str(request.reference)
    assert started.redirect_url is None
    sent = mtn.last(RTP)
    assert sent.method == "POST" and sent.status == 202
    assert sent.headers["x-reference-id"] == str(request.reference)
    assert sent.headers["x-target-environment"] == "sandbox"
    assert sent.headers["ocp-apim-subscription-key"] == "collection-key"
    assert sent.headers["authorization"].startswith("Bearer ")
    assert sent.headers["x-callback-url"] == f"{catcher.url}/webhooks/mtn?site=spotvibe&ref={request.reference}"
    # Sandbox rule: the XOF price's major units go out with the configured EUR code.
    assert sent.json == {
        "amount": "5000", "currency": "EUR", "externalId": "SV-0001",
        "payer": {"partyIdType": "MSISDN", "partyId": "22997000000"},
        "payerMessage": "Billet Concert Cotonou", "payeeNote": "Billet Concert Cotonou",
    }
    assert gateway.method is PaymentMethod.MTN and gateway.configured


async def test_an_accepted_charge_is_fetched_as_succeeded(gateway: MtnGateway) -> None:
    request = charge()
    await gateway.start_charge(request)

    status = await gateway.fetch_charge(lookup(request))

    assert status is not None
    assert status.state is ChargeState.SUCCEEDED
    assert status.provider_status == "SUCCESSFUL"
    assert status.transaction_id and status.transaction_id.isdigit()
    assert status.reason is None
    assert status.amount == Money(5000, "XOF")


async def test_euro_amounts_are_sent_in_major_units_with_cents(mtn: FakeMtn, gateway: MtnGateway) -> None:
    request = charge(amount=Money(1250, "EUR"))
    await gateway.start_charge(request)
    assert mtn.last(RTP).json["amount"] == "12.50"
    status = await gateway.fetch_charge(lookup(request))
    assert status is not None and status.amount == Money(1250, "EUR")


@pytest.mark.parametrize(("number", "reason"), [
    (numbers.FAILED_NUMBER, "INTERNAL_PROCESSING_ERROR"),
    (numbers.REJECTED_NUMBER, "APPROVAL_REJECTED"),
])
async def test_failing_test_numbers_fail_at_once_with_their_reason(gateway: MtnGateway, number: str,
                                                                   reason: str) -> None:
    request = charge(phone=number)
    await gateway.start_charge(request)

    status = await gateway.fetch_charge(lookup(request))

    assert status is not None
    assert (status.state, status.provider_status, status.reason) == (ChargeState.FAILED, "FAILED", reason)
    assert status.transaction_id is None


async def test_the_old_reason_object_is_read_too(catcher: CallbackCatcher) -> None:
    with FakeMtn(reason_as_object=True) as mtn:
        gateway = make(fast(mtn))
        request = charge(phone=numbers.REJECTED_NUMBER)
        await gateway.start_charge(request)
        status = await gateway.fetch_charge(lookup(request))
        await gateway.aclose()
        assert mtn.last(f"{RTP}/{request.reference}").reply["reason"]["code"] == "APPROVAL_REJECTED"
    assert status is not None and status.reason == "APPROVAL_REJECTED"


async def test_the_late_number_is_pending_then_succeeds(gateway: MtnGateway) -> None:
    request = charge(phone=numbers.LATE_NUMBER)
    await gateway.start_charge(request)

    first = await gateway.fetch_charge(lookup(request))
    assert first is not None and (first.state, first.provider_status) == (ChargeState.PENDING, "PENDING")

    final = await settled(gateway, request)
    assert final.state is ChargeState.SUCCEEDED


async def test_the_timeout_number_expires(gateway: MtnGateway) -> None:
    request, late = charge(phone=numbers.TIMEOUT_NUMBER), charge(phone=numbers.LATE_NUMBER)
    await gateway.start_charge(request)
    await gateway.start_charge(late)
    assert (await settled(gateway, late)).state is ChargeState.SUCCEEDED  # settle_after has passed
    still = await gateway.fetch_charge(lookup(request))
    assert still is not None and still.state is ChargeState.PENDING

    final = await settled(gateway, request)

    assert (final.state, final.reason) == (ChargeState.FAILED, "EXPIRED")


async def test_the_pending_number_stays_pending_until_settled_by_hand(mtn: FakeMtn, gateway: MtnGateway,
                                                                      catcher: CallbackCatcher) -> None:
    request, late = charge(catcher, phone=numbers.PENDING_NUMBER), charge(phone=numbers.LATE_NUMBER)
    await gateway.start_charge(request)
    await gateway.start_charge(late)
    assert (await settled(gateway, late)).state is ChargeState.SUCCEEDED  # settle_after has passed
    pending = await gateway.fetch_charge(lookup(request))
    assert pending is not None and pending.state is ChargeState.PENDING
    assert [d for d in mtn.deliveries if d.url.startswith(catcher.url)] == []

    assert mtn.settle(str(request.reference), success=False, reason="NOT_ENOUGH_FUNDS") is True
    assert mtn.settle(str(request.reference)) is False  # already final

    status = await gateway.fetch_charge(lookup(request))
    assert status is not None and (status.state, status.reason) == (ChargeState.FAILED, "NOT_ENOUGH_FUNDS")
    delivered = await asyncio.to_thread(mtn.wait_for_deliveries, 1, to=catcher.url)
    assert len(delivered) == 1  # the late charge's callback goes elsewhere


async def test_unknown_reference_is_none(gateway: MtnGateway) -> None:
    assert await gateway.fetch_charge(lookup(charge())) is None


async def test_the_same_reference_twice_makes_one_charge(mtn: FakeMtn, gateway: MtnGateway) -> None:
    request = charge()

    first = await gateway.start_charge(request)
    again = await gateway.start_charge(request)

    assert first == again
    assert [r.status for r in mtn.requests if r.path == RTP] == [202, 409]
    assert list(mtn.transactions) == [str(request.reference)]


async def test_notes_are_sanitised_and_never_empty(mtn: FakeMtn, gateway: MtnGateway) -> None:
    await gateway.start_charge(charge(description="Billet « Concert » d'Awa & co — Cotonou " + "x" * 300))
    sent = mtn.last(RTP).json
    assert sent["payerMessage"].startswith("Billet Concert d Awa co Cotonou x")
    assert len(sent["payerMessage"]) == 160 and mtn.last(RTP).status == 202

    await gateway.start_charge(charge(description="«»&'"))
    assert mtn.last(RTP).json["payeeNote"] == "Paiement"
    assert sanitize_note("Été à Parakou") == "Ete a Parakou"


def test_the_callback_reference_is_added_to_the_query() -> None:
    assert callback_url_with_reference("https://a.bj/cb?ref=old&x=1", "abc") == "https://a.bj/cb?x=1&ref=abc"
    assert callback_url_with_reference("https://a.bj/cb", "abc") == "https://a.bj/cb?ref=abc"


# ---------------------------------------------------------------- callbacks


def inbound(request: Request) -> InboundCallback:
    return InboundCallback(headers=request.headers, body=request.body, received_at=datetime.now(UTC),
                           query=request.query)


async def test_the_callback_reaches_our_url_and_names_the_charge(mtn: FakeMtn, gateway: MtnGateway,
                                                                 catcher: CallbackCatcher) -> None:
    request = charge(catcher)
    await gateway.start_charge(request)

    deliveries = await asyncio.to_thread(mtn.wait_for_deliveries, 1)

    assert [d.status for d in deliveries] == [200]
    received = catcher.requests[0]
    assert received.method == "POST" and received.path == "/webhooks/mtn"
    assert received.json["status"] == "SUCCESSFUL" and "referenceId" not in received.json
    assert "x-signature" not in received.headers
    notice = gateway.read_callback(inbound(received))
    assert notice.provider_reference == str(request.reference)
    assert notice.order_id == "SV-0001"
    assert notice.claimed_state is ChargeState.SUCCEEDED
    assert notice.signed is False and notice.kind == "requesttopay"


async def test_a_put_callback_of_a_late_charge_is_read(catcher: CallbackCatcher) -> None:
    with FakeMtn(settle_after=0.1, callback_method="PUT") as mtn:
        gateway = make(fast(mtn))
        request = charge(catcher, phone=numbers.LATE_NUMBER)
        await gateway.start_charge(request)
        await asyncio.to_thread(mtn.wait_for_deliveries, 1)
        await gateway.aclose()
    received = catcher.requests[0]
    assert received.method == "PUT"
    notice = gateway.read_callback(inbound(received))
    assert (notice.provider_reference, notice.claimed_state) == (str(request.reference), ChargeState.SUCCEEDED)


def callback(body: bytes, query: dict[str, str] | None = None) -> InboundCallback:
    return InboundCallback(headers={}, body=body, received_at=datetime.now(UTC), query=query or {})


def test_callbacks_without_a_usable_reference_are_refused(gateway: MtnGateway) -> None:
    with pytest.raises(InvalidCallback):
        gateway.read_callback(callback(b"not json"))
    with pytest.raises(InvalidCallback):
        gateway.read_callback(callback(b'{"status":"SUCCESSFUL"}'))
    with pytest.raises(InvalidCallback):
        gateway.read_callback(callback(b'{"externalId":"SV-1"}', {"ref": "../../etc"}))


def test_callbacks_are_read_from_whatever_they_carry(gateway: MtnGateway) -> None:
    ref = uuid4()
    assert gateway.read_callback(callback(b"", {"ref": str(ref).upper()})).provider_reference == str(ref)
    from_body = gateway.read_callback(callback(json.dumps({"referenceId": str(ref), "status": "FAILED"}).encode()))
    assert (from_body.provider_reference, from_body.claimed_state) == (str(ref), ChargeState.FAILED)
    only_order = gateway.read_callback(callback(b'{"externalId":"SV-9","referenceId":"nope"}'))
    assert (only_order.provider_reference, only_order.order_id, only_order.signed) == (None, "SV-9", False)


# ---------------------------------------------------------------- refunds


async def test_a_refund_goes_through_disbursement(mtn: FakeMtn, gateway: MtnGateway) -> None:
    request = charge()
    await gateway.start_charge(request)
    order = RefundOrder(reference=uuid4(), charge=lookup(request), amount=Money(2000, "XOF"), transaction_id=None,
                        payer_phone=request.payer_phone, note="Remboursement : concert annulé")

    outcome = await gateway.refund(order)

    assert (outcome.provider_reference, outcome.state) == (str(order.reference), ChargeState.PENDING)
    sent = mtn.last("/disbursement/v1_0/refund")
    assert sent.headers["ocp-apim-subscription-key"] == "disbursement-key"
    assert sent.headers["x-reference-id"] == str(order.reference)
    assert sent.json == {"amount": "2000", "currency": "EUR", "externalId": "SV-0001",
                         "payerMessage": "Remboursement concert annule", "payeeNote": "Remboursement concert annule",
                         "referenceIdToRefund": str(request.reference)}
    assert mtn.count("/disbursement/token/") == 1
    assert await gateway.fetch_refund(outcome.provider_reference) is ChargeState.PENDING
    deadline = asyncio.get_running_loop().time() + 3
    while (state := await gateway.fetch_refund(outcome.provider_reference)) is ChargeState.PENDING:
        assert asyncio.get_running_loop().time() < deadline, "the refund never settled"
        await asyncio.sleep(0.05)
    assert state is ChargeState.SUCCEEDED
    assert await gateway.refund(order) == outcome  # a retry of the same refund: 409, taken as sent


async def test_refunds_of_unknown_charges_fail_and_unknown_refunds_count_as_failed(gateway: MtnGateway) -> None:
    order = RefundOrder(reference=uuid4(), charge=lookup(charge()), amount=Money(100, "XOF"), transaction_id=None,
                        payer_phone=None, note="")
    outcome = await gateway.refund(order)
    assert await gateway.fetch_refund(outcome.provider_reference) is ChargeState.FAILED
    assert await gateway.fetch_refund(str(uuid4())) is ChargeState.FAILED


async def test_without_disbursement_credentials_refunds_are_not_supported(mtn: FakeMtn) -> None:
    gateway = make(fast(mtn, disbursement_api_key=""))
    order = RefundOrder(reference=uuid4(), charge=lookup(charge()), amount=Money(100, "XOF"), transaction_id=None,
                        payer_phone=None, note="x")
    with pytest.raises(RefundNotSupported):
        await gateway.refund(order)
    await gateway.aclose()
    assert gateway.configured and mtn.requests == []
    assert not MtnSettings().configured


# ---------------------------------------------------------------- tokens


async def test_one_token_serves_many_calls(mtn: FakeMtn, gateway: MtnGateway) -> None:
    requests = [charge() for _ in range(3)]
    await asyncio.gather(*(gateway.start_charge(r) for r in requests))
    await asyncio.gather(*(gateway.fetch_charge(lookup(r)) for r in requests))

    assert mtn.count(TOKEN) == 1
    token_call = mtn.last(TOKEN)
    assert token_call.method == "POST" and token_call.body == b""
    assert token_call.headers["authorization"].startswith("Basic ")
    assert token_call.headers["ocp-apim-subscription-key"] == "collection-key"


async def test_the_token_is_renewed_before_it_expires(mtn: FakeMtn) -> None:
    clock = Clock()
    gateway = make(fast(mtn), clock=clock)
    await gateway.fetch_charge(lookup(charge()))
    clock.now += 3000
    await gateway.fetch_charge(lookup(charge()))
    assert mtn.count(TOKEN) == 1
    clock.now += 600  # within a minute of expires_in (3600)
    await gateway.fetch_charge(lookup(charge()))
    await gateway.aclose()
    assert mtn.count(TOKEN) == 2


async def test_a_refused_token_is_replaced_once(mtn: FakeMtn, gateway: MtnGateway) -> None:
    await gateway.fetch_charge(lookup(charge()))
    mtn.revoke_tokens()

    await gateway.start_charge(charge())

    assert mtn.count(TOKEN) == 2
    assert [r.status for r in mtn.requests if r.path == RTP] == [401, 202]


async def test_wrong_credentials_are_unavailable_and_logged(mtn: FakeMtn, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, "agora.payments")
    gateway = make(fast(mtn, collection_api_key="wrong-secret"))
    with pytest.raises(GatewayUnavailable):
        await gateway.start_charge(charge())
    await gateway.aclose()
    assert mtn.last(TOKEN).reply == {"error": "login_failed"}
    assert mtn.count(RTP) == 0
    assert "login_failed" in caplog.text and "wrong-secret" not in caplog.text


async def test_a_wrong_subscription_key_is_unavailable(mtn: FakeMtn) -> None:
    gateway = make(fast(mtn, collection_subscription_key="nope"))
    with pytest.raises(GatewayUnavailable):
        await gateway.fetch_charge(lookup(charge()))
    await gateway.aclose()
    assert mtn.last(TOKEN).status == 401 and mtn.count(TOKEN) == 1


# ---------------------------------------------------------------- provider failures


async def test_a_500_then_success_is_retried(mtn: FakeMtn, gateway: MtnGateway) -> None:
    await gateway.fetch_charge(lookup(charge()))  # a token first
    mtn.fail_next(1, 500, path=RTP)
    request = charge()

    started = await gateway.start_charge(request)

    assert started.provider_reference == str(request.reference)
    assert [r.status for r in mtn.requests if r.path == RTP] == [500, 202]
    assert {r.headers["x-reference-id"] for r in mtn.requests if r.path == RTP} == {str(request.reference)}


async def test_three_500s_are_unavailable(mtn: FakeMtn, gateway: MtnGateway) -> None:
    mtn.fail_next(3, 500, body={"code": "INTERNAL_PROCESSING_ERROR", "message": "boom"}, path=RTP)
    with pytest.raises(GatewayUnavailable):
        await gateway.start_charge(charge())
    assert mtn.count(RTP) == 3 and mtn.transactions == {}


async def test_a_slow_provider_is_unavailable(mtn: FakeMtn) -> None:
    gateway = MtnGateway(fast(mtn))  # its own client, built from the settings' time-out and retries
    await gateway.fetch_charge(lookup(charge()))
    mtn.slow(0.5)
    with pytest.raises(GatewayUnavailable):
        await gateway.fetch_charge(lookup(charge()))
    mtn.slow(0)
    await gateway.aclose()
    assert sum(r.path.startswith(RTP) for r in mtn.requests) == 4


async def test_the_wrong_currency_is_a_business_refusal(mtn: FakeMtn) -> None:
    gateway = make(fast(mtn, currency="XOF"))
    with pytest.raises(GatewayRejected, match="INVALID_CURRENCY"):
        await gateway.start_charge(charge())
    await gateway.aclose()
    assert mtn.last(RTP).status == 500 and mtn.transactions == {}
    assert mtn.count(RTP) == 1  # a business refusal is an answer: not retried


async def test_a_foreign_callback_host_and_environment_are_refused(catcher: CallbackCatcher) -> None:
    with FakeMtn(callback_host="spotvibe.bj") as mtn:
        gateway = make(fast(mtn))
        with pytest.raises(GatewayRejected, match="INVALID_CALLBACK_URL_HOST"):
            await gateway.start_charge(charge(catcher))
        await gateway.aclose()
        gateway = make(fast(mtn, target_environment="mtnbenin"))
        with pytest.raises(GatewayRejected, match="NOT_ALLOWED_TARGET_ENVIRONMENT"):
            await gateway.start_charge(charge())
        await gateway.aclose()


async def test_a_400_is_a_business_refusal(mtn: FakeMtn, gateway: MtnGateway) -> None:
    mtn.fail_next(1, 400, body={"code": "PAYER_NOT_FOUND", "message": "Payer not found"}, path=RTP)
    with pytest.raises(GatewayRejected, match="PAYER_NOT_FOUND"):
        await gateway.start_charge(charge())
    assert mtn.count(RTP) == 1


async def test_an_unusable_phone_is_refused_before_calling_mtn(mtn: FakeMtn, gateway: MtnGateway) -> None:
    for phone in (None, "", "+229 abc", "123"):
        with pytest.raises(GatewayRejected):
            await gateway.start_charge(charge(phone=phone))  # type: ignore[arg-type]
    assert mtn.requests == []
