"""FcmSender against FakeFcm over HTTP: OAuth with the service account's JWT, sends, error mapping, retries."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.push.fakes.base import ScriptedFake
from adapters.push.fakes.fcm import FakeFcm, fcm_error, quota_exceeded, unavailable
from adapters.push.fcm import FcmSender, FcmSettings, ServiceAccount, ServiceAccountError, data_strings
from adapters.push.retry import Backoff
from application.notifications.channels import DeliveryKind, Priority, PushMessage
from tests.adapters.push.support import Clock, Sleeps

TOKEN = "fcm-device-token-0001-abcdefghijklmnop"


def token(n: int) -> str:
    return f"fcm-device-token-{n:04d}-abcdefghijklmnop"


def message(to: str = TOKEN, **changes: Any) -> PushMessage:
    values: dict[str, Any] = {"token": to, "title": "Billet confirmé", "body": "Concert samedi 20 h",
                              "data": {"event_id": "42", "kind": "ticket"}, **changes}
    return PushMessage(**values)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def fcm(key: rsa.RSAPrivateKey) -> Iterator[FakeFcm]:
    with FakeFcm(key=key) as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def sender_for(fcm: FakeFcm, sleeps: Sleeps, **changes: Any) -> FcmSender:
    clock = changes.pop("clock", None)
    settings = FcmSettings(ServiceAccount.parse(json.dumps(fcm.service_account())), base_url=fcm.url,
                           backoff=Backoff(attempts=3, base_seconds=0.5, max_wait_seconds=10.0), **changes)
    return FcmSender(settings, sleep=sleeps, **({"clock": clock} if clock else {}))


@pytest.fixture
async def sender(fcm: FakeFcm, sleeps: Sleeps) -> AsyncIterator[FcmSender]:
    sender = sender_for(fcm, sleeps)
    yield sender
    await sender.aclose()


def sends(fake: ScriptedFake, fcm: FakeFcm) -> int:
    return fake.count(fcm.send_path, "POST")


async def test_messages_are_sent_one_request_each_with_the_provider_message_id(sender: FcmSender,
                                                                                fcm: FakeFcm) -> None:
    outcomes = await sender.send([message(token(1)), message(token(2), priority=Priority.NORMAL, badge=3,
                                                             sound="default", ttl_seconds=600, collapse_key="c",
                                                             thread_id="t")])

    assert [o.kind for o in outcomes] == [DeliveryKind.SENT, DeliveryKind.SENT]
    assert all(o.provider_id and o.provider_id.startswith("projects/agora-fake/messages/") for o in outcomes)
    assert sends(fcm, fcm) == 2 and fcm.token_requests == 1
    first, second = sorted(fcm.delivered, key=lambda m: m["token"])
    assert first["data"] == {"event_id": "42", "kind": "ticket"}
    assert first["notification"] == {"title": "Billet confirmé", "body": "Concert samedi 20 h"}
    assert first["android"]["priority"] == "HIGH" and first["apns"]["headers"]["apns-priority"] == "10"
    assert second["android"] == {"priority": "NORMAL", "ttl": "600s", "collapse_key": "c",
                                 "notification": {"sound": "default", "notification_count": 3}}
    assert second["apns"]["payload"]["aps"] == {"sound": "default", "badge": 3, "thread-id": "t"}
    assert second["apns"]["headers"]["apns-collapse-id"] == "c"


async def test_the_outcomes_keep_the_order_of_the_messages(sender: FcmSender, fcm: FakeFcm) -> None:
    fcm.unregistered.add(token(3))
    outcomes = await sender.send([message(token(n)) for n in range(6)])
    assert [o.kind for o in outcomes] == [DeliveryKind.SENT] * 3 + [DeliveryKind.TOKEN_GONE] + [DeliveryKind.SENT] * 2


async def test_unregistered_other_project_and_malformed_tokens_are_gone(sender: FcmSender, fcm: FakeFcm) -> None:
    fcm.unregistered.add(token(1))
    fcm.other_project.add(token(2))

    outcomes = await sender.send([message(token(1)), message(token(2)), message("not a token!")])

    assert [o.kind for o in outcomes] == [DeliveryKind.TOKEN_GONE] * 3
    assert "UNREGISTERED" in outcomes[0].reason and "SENDER_ID_MISMATCH" in outcomes[1].reason
    assert "INVALID_ARGUMENT" in outcomes[2].reason
    assert sends(fcm, fcm) == 3


async def test_a_payload_too_big_is_rejected_not_retried(sender: FcmSender, fcm: FakeFcm, sleeps: Sleeps) -> None:
    [outcome] = await sender.send([message(data={"text": "x" * 5000})])
    assert outcome.kind is DeliveryKind.REJECTED and "too big" in outcome.reason
    assert sends(fcm, fcm) == 1 and sleeps.pauses == []


async def test_third_party_auth_error_is_rejected_without_a_token_refresh(sender: FcmSender, fcm: FakeFcm) -> None:
    fcm.answer_next(1, *fcm_error(401, "UNAUTHENTICATED", "APNs auth failed", "THIRD_PARTY_AUTH_ERROR")[::2],
                    path=fcm.send_path)
    [outcome] = await sender.send([message()])
    assert outcome.kind is DeliveryKind.REJECTED and "THIRD_PARTY_AUTH_ERROR" in outcome.reason
    assert fcm.token_requests == 1


async def test_quota_exceeded_twice_then_sent_waits_as_retry_after_says(sender: FcmSender, fcm: FakeFcm,
                                                                        sleeps: Sleeps) -> None:
    status, headers, body = quota_exceeded(retry_after=7)
    fcm.answer_next(2, status, body, headers=headers, path=fcm.send_path)

    [outcome] = await sender.send([message()])

    assert outcome.kind is DeliveryKind.SENT
    assert sleeps.pauses == [7.0, 7.0]
    assert sends(fcm, fcm) == 3


async def test_unavailable_twice_then_sent_backs_off_exponentially(sender: FcmSender, fcm: FakeFcm,
                                                                   sleeps: Sleeps) -> None:
    status, headers, body = unavailable()
    fcm.answer_next(2, status, body, headers=headers, path=fcm.send_path)

    [outcome] = await sender.send([message()])

    assert outcome.kind is DeliveryKind.SENT and sleeps.pauses == [0.5, 1.0] and sends(fcm, fcm) == 3


async def test_internal_errors_past_the_retries_answer_retry_with_a_hint(sender: FcmSender, fcm: FakeFcm,
                                                                         sleeps: Sleeps) -> None:
    fcm.answer_next(3, *fcm_error(500, "INTERNAL", "Internal error", "INTERNAL")[::2], path=fcm.send_path)

    [outcome] = await sender.send([message()])

    assert outcome.kind is DeliveryKind.RETRY and "INTERNAL" in outcome.reason
    assert outcome.retry_after == 2.0 and sleeps.pauses == [0.5, 1.0] and sends(fcm, fcm) == 3


async def test_a_long_retry_after_is_handed_to_the_caller_not_slept(sender: FcmSender, fcm: FakeFcm,
                                                                   sleeps: Sleeps) -> None:
    status, headers, body = quota_exceeded(retry_after=120)
    fcm.answer_next(1, status, body, headers=headers, path=fcm.send_path)

    [outcome] = await sender.send([message()])

    assert outcome.kind is DeliveryKind.RETRY and outcome.retry_after == 120.0
    assert sleeps.pauses == [] and sends(fcm, fcm) == 1


async def test_an_unreachable_fcm_answers_retry(fcm: FakeFcm, sleeps: Sleeps) -> None:
    sender = sender_for(fcm, sleeps)
    sender._url = "http://127.0.0.1:9/v1/projects/agora-fake/messages:send"  # nothing listens on the discard port
    try:
        [outcome] = await sender.send([message()])
    finally:
        await sender.aclose()
    assert outcome.kind is DeliveryKind.RETRY and "ConnectError" in outcome.reason and len(sleeps.pauses) == 2


async def test_one_oauth_token_serves_concurrent_sends(sender: FcmSender, fcm: FakeFcm) -> None:
    batches = await asyncio.gather(*(sender.send([message(token(b * 10 + n)) for n in range(10)]) for b in range(5)))

    assert all(o.kind is DeliveryKind.SENT for batch in batches for o in batch)
    assert fcm.token_requests == 1 and sends(fcm, fcm) == 50


async def test_the_token_is_renewed_shortly_before_it_expires(fcm: FakeFcm, sleeps: Sleeps) -> None:
    clock = Clock()
    sender = sender_for(fcm, sleeps, clock=clock, token_margin_seconds=300.0)
    try:
        await sender.send([message()])
        clock.now += 3599 - 300 - 1
        await sender.send([message()])
        assert fcm.token_requests == 1
        clock.now += 2
        await sender.send([message()])
        assert fcm.token_requests == 2
    finally:
        await sender.aclose()


async def test_a_401_on_send_drops_the_token_and_retries_once(sender: FcmSender, fcm: FakeFcm) -> None:
    await sender.send([message()])
    fcm.revoke_access_tokens()

    outcomes = await sender.send([message(token(n)) for n in range(5)])

    assert all(o.kind is DeliveryKind.SENT for o in outcomes)
    assert fcm.token_requests == 2
    assert sum(1 for r in fcm.requests if r.path == fcm.send_path and r.status == 401) == 5


async def test_a_second_401_is_rejected_after_one_refresh(sender: FcmSender, fcm: FakeFcm) -> None:
    fcm.answer_next(2, *fcm_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")[::2],
                    path=fcm.send_path)
    [outcome] = await sender.send([message()])
    assert outcome.kind is DeliveryKind.REJECTED and "UNAUTHENTICATED" in outcome.reason
    assert fcm.token_requests == 2 and sends(fcm, fcm) == 2


async def test_the_token_endpoint_checks_the_jwt_signature(fcm: FakeFcm, sleeps: Sleeps) -> None:
    with FakeFcm() as other:
        account = {**fcm.service_account(), "private_key": other.service_account()["private_key"]}
    sender = FcmSender(FcmSettings(ServiceAccount.parse(json.dumps(account)), base_url=fcm.url), sleep=sleeps)
    try:
        [outcome] = await sender.send([message()])
    finally:
        await sender.aclose()
    assert outcome.kind is DeliveryKind.REJECTED and "invalid_grant" in outcome.reason
    assert sends(fcm, fcm) == 0


async def test_the_jwt_carries_the_claims_google_asks_for(sender: FcmSender, fcm: FakeFcm) -> None:
    import jwt

    assertion = sender.assertion()
    header = jwt.get_unverified_header(assertion)
    claims = jwt.decode(assertion, options={"verify_signature": False})
    assert header["alg"] == "RS256" and header["kid"] == fcm.private_key_id
    assert claims["iss"] == fcm.client_email and claims["aud"] == f"{fcm.url}/token"
    assert claims["scope"] == "https://www.googleapis.com/auth/firebase.messaging"
    assert claims["exp"] - claims["iat"] == 3600


def test_a_service_account_is_read_inline_or_from_a_file(fcm: FakeFcm, tmp_path: Any) -> None:
    text = json.dumps(fcm.service_account())
    path = tmp_path / "sa.json"
    path.write_text(text)
    assert ServiceAccount.parse(text) == ServiceAccount.parse(str(path))
    assert ServiceAccount.parse(text).project_id == "agora-fake"
    with pytest.raises(ServiceAccountError, match="private_key"):
        ServiceAccount.parse(json.dumps({"project_id": "p", "client_email": "e", "private_key_id": "k"}))


async def test_an_outage_of_the_token_endpoint_answers_retry(sender: FcmSender, fcm: FakeFcm) -> None:
    fcm.answer_next(1, 503, {"error": "backendError"}, path="/token")
    [outcome] = await sender.send([message()])
    assert outcome.kind is DeliveryKind.RETRY and "OAuth" in outcome.reason and sends(fcm, fcm) == 0


def test_data_values_that_are_not_text_become_json_text() -> None:
    assert data_strings({"n": 3, "ok": True, "s": "x", "l": [1]}) == {"n": "3", "ok": "true", "s": "x", "l": "[1]"}
