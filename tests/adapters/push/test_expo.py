"""ExpoSender against FakeExpo over HTTP: batches, tickets in order, errors, retries, gzip, receipts."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from adapters.push.expo import RECEIPTS_PATH, SEND_PATH, ExpoSender, ExpoSettings
from adapters.push.fakes.expo import FakeExpo, request_error, too_many_requests
from adapters.push.retry import Backoff
from application.notifications.channels import DeliveryKind, PushMessage
from tests.adapters.push.support import Sleeps


def token(n: int) -> str:
    return f"ExponentPushToken[device-{n:04d}]"


def message(to: str, **changes: Any) -> PushMessage:
    values: dict[str, Any] = {"token": to, "title": "Culte dimanche", "body": "10 h au temple",
                              "data": {"rota_id": "7"}, **changes}
    return PushMessage(**values)


@pytest.fixture
def expo() -> Iterator[FakeExpo]:
    with FakeExpo() as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def sender_for(expo: FakeExpo, sleeps: Sleeps, **changes: Any) -> ExpoSender:
    values: dict[str, Any] = {"base_url": expo.url,
                              "backoff": Backoff(attempts=3, base_seconds=1.0, max_wait_seconds=30.0), **changes}
    return ExpoSender(ExpoSettings(**values), sleep=sleeps)


@pytest.fixture
async def sender(expo: FakeExpo, sleeps: Sleeps) -> AsyncIterator[ExpoSender]:
    sender = sender_for(expo, sleeps)
    yield sender
    await sender.aclose()


def ticket_tokens(expo: FakeExpo) -> dict[str, str]:
    return {pushed.ticket_id: pushed.message["to"] for pushed in expo.pushed}


async def test_messages_get_their_tickets(sender: ExpoSender, expo: FakeExpo) -> None:
    outcomes = await sender.send([message(token(1), badge=2, sound="default", ttl_seconds=60), message(token(2))])

    assert [o.kind for o in outcomes] == [DeliveryKind.SENT, DeliveryKind.SENT]
    assert [ticket_tokens(expo)[o.provider_id or ""] for o in outcomes] == [token(1), token(2)]
    request = expo.last(SEND_PATH)
    assert request.headers["accept"] == "application/json" and "gzip" in request.headers["accept-encoding"]
    assert "authorization" not in request.headers and "content-encoding" not in request.headers
    assert expo.pushed[0].message == {"to": token(1), "title": "Culte dimanche", "body": "10 h au temple",
                                      "priority": "high", "data": {"rota_id": "7"}, "sound": "default", "badge": 2,
                                      "ttl": 60}


async def test_250_messages_go_in_3_requests_of_at_most_100_in_order(expo: FakeExpo, sleeps: Sleeps) -> None:
    sender = sender_for(expo, sleeps, concurrency=1)
    try:
        outcomes = await sender.send([message(token(n)) for n in range(250)])
    finally:
        await sender.aclose()

    assert expo.batches == [[token(n) for n in range(start, min(start + 100, 250))] for start in (0, 100, 200)]
    assert [ticket_tokens(expo)[o.provider_id or ""] for o in outcomes] == [token(n) for n in range(250)]


async def test_concurrent_batches_still_map_each_ticket_to_its_message(sender: ExpoSender, expo: FakeExpo) -> None:
    expo.unregistered.add(token(150))
    outcomes = await sender.send([message(token(n)) for n in range(250)])

    assert sorted(len(batch) for batch in expo.batches) == [50, 100, 100]
    assert outcomes[150].kind is DeliveryKind.TOKEN_GONE
    tokens = ticket_tokens(expo)
    assert all(tokens[o.provider_id or ""] == token(n) for n, o in enumerate(outcomes) if n != 150)


async def test_a_bad_token_format_is_gone_without_a_request(sender: ExpoSender, expo: FakeExpo) -> None:
    outcomes = await sender.send([message("ExponentPushToken[]"), message("fcm-token-abc"),
                                  message("ExpoPushToken[ok-1]")])

    assert [o.kind for o in outcomes] == [DeliveryKind.TOKEN_GONE, DeliveryKind.TOKEN_GONE, DeliveryKind.SENT]
    assert expo.batches == [["ExpoPushToken[ok-1]"]]
    assert (await sender.send([message("nope")]))[0].kind is DeliveryKind.TOKEN_GONE
    assert expo.count(SEND_PATH) == 1


async def test_ticket_errors_map_to_outcomes(sender: ExpoSender, expo: FakeExpo) -> None:
    expo.unregistered.add(token(1))
    expo.rate_limited.add(token(3))

    outcomes = await sender.send([message(token(1)), message(token(2), body="x" * 5000), message(token(3)),
                                  message(token(4))])

    assert [o.kind for o in outcomes] == [DeliveryKind.TOKEN_GONE, DeliveryKind.REJECTED, DeliveryKind.RETRY,
                                          DeliveryKind.SENT]
    assert "DeviceNotRegistered" in outcomes[0].reason and "MessageTooBig" in outcomes[1].reason
    assert "MessageRateExceeded" in outcomes[2].reason


async def test_big_bodies_are_gzipped(sender: ExpoSender, expo: FakeExpo) -> None:
    outcomes = await sender.send([message(token(n)) for n in range(30)])

    assert all(o.kind is DeliveryKind.SENT for o in outcomes)
    request = expo.last(SEND_PATH)
    assert request.headers["content-encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(request.body))) == 30


async def test_enhanced_security_needs_the_access_token(sleeps: Sleeps) -> None:
    with FakeExpo(access_token="expo-secret") as expo:
        without = sender_for(expo, sleeps)
        with_token = sender_for(expo, sleeps, access_token="expo-secret")
        try:
            refused = await without.send([message(token(1))])
            accepted = await with_token.send([message(token(1))])
        finally:
            await without.aclose()
            await with_token.aclose()
    assert refused[0].kind is DeliveryKind.REJECTED and "UNAUTHORIZED" in refused[0].reason
    assert accepted[0].kind is DeliveryKind.SENT and expo.count(SEND_PATH) == 2
    assert sleeps.pauses == []


async def test_too_many_requests_twice_then_sent_honours_retry_after(sender: ExpoSender, expo: FakeExpo,
                                                                     sleeps: Sleeps) -> None:
    status, headers, body = too_many_requests(retry_after=3)
    expo.answer_next(2, status, body, headers=headers, path=SEND_PATH)

    outcomes = await sender.send([message(token(n)) for n in range(5)])

    assert all(o.kind is DeliveryKind.SENT for o in outcomes)
    assert sleeps.pauses == [3.0, 3.0] and expo.count(SEND_PATH) == 3


async def test_server_errors_twice_then_sent_back_off_exponentially(sender: ExpoSender, expo: FakeExpo,
                                                                    sleeps: Sleeps) -> None:
    expo.answer_next(2, 502, {"errors": [{"code": "INTERNAL_SERVER_ERROR", "message": "Bad gateway"}]})

    outcomes = await sender.send([message(token(1))])

    assert outcomes[0].kind is DeliveryKind.SENT
    assert sleeps.pauses == [1.0, 2.0] and expo.count(SEND_PATH) == 3


async def test_server_errors_past_the_retries_answer_retry_for_every_message(sender: ExpoSender, expo: FakeExpo,
                                                                             sleeps: Sleeps) -> None:
    expo.answer_next(3, 503, {"errors": [{"code": "INTERNAL_SERVER_ERROR", "message": "down"}]})

    outcomes = await sender.send([message(token(1)), message(token(2))])

    assert [o.kind for o in outcomes] == [DeliveryKind.RETRY, DeliveryKind.RETRY]
    assert outcomes[0].retry_after == 4.0 and expo.count(SEND_PATH) == 3


async def test_too_many_notifications_splits_the_batch(sender: ExpoSender, expo: FakeExpo) -> None:
    expo.answer_next(1, *request_error(400, "PUSH_TOO_MANY_NOTIFICATIONS", "more than 100")[::2], path=SEND_PATH)

    outcomes = await sender.send([message(token(n)) for n in range(10)])

    assert all(o.kind is DeliveryKind.SENT for o in outcomes)
    assert sorted(len(batch) for batch in expo.batches) == [5, 5] and expo.count(SEND_PATH) == 3


async def test_receipts_say_delivered_or_token_gone_and_missing_ids_are_not_ready(sender: ExpoSender,
                                                                                  expo: FakeExpo) -> None:
    expo.unregister_after_send.add(token(2))
    tickets = [o.provider_id or "" for o in await sender.send([message(token(1)), message(token(2))])]

    expo.hold_receipts = True
    assert await sender.check(tickets) == {}
    expo.hold_receipts = False
    receipts = await sender.check([*tickets, "unknown-ticket"])

    assert set(receipts) == set(tickets)
    assert receipts[tickets[0]].kind is DeliveryKind.SENT
    assert receipts[tickets[1]].kind is DeliveryKind.TOKEN_GONE and "DeviceNotRegistered" in receipts[tickets[1]].reason


async def test_receipts_are_asked_in_chunks_of_at_most_1000(sender: ExpoSender, expo: FakeExpo) -> None:
    assert await sender.check([f"ticket-{n}" for n in range(2500)]) == {}
    sizes = sorted(len(json.loads(gzip.decompress(r.body))["ids"]) for r in expo.requests if r.path == RECEIPTS_PATH)
    assert sizes == [500, 1000, 1000]


async def test_receipts_not_read_are_missing_to_be_asked_again(sender: ExpoSender, expo: FakeExpo,
                                                               sleeps: Sleeps) -> None:
    expo.answer_next(3, 500, {"errors": [{"code": "INTERNAL_SERVER_ERROR", "message": "down"}]}, path=RECEIPTS_PATH)
    assert await sender.check(["ticket-1"]) == {}
    assert expo.count(RECEIPTS_PATH) == 3 and sleeps.pauses == [1.0, 2.0]


async def test_an_unreachable_expo_answers_retry_for_every_message(sleeps: Sleeps) -> None:
    sender = ExpoSender(ExpoSettings(base_url="http://127.0.0.1:9", backoff=Backoff(attempts=3, base_seconds=1.0)),
                        sleep=sleeps)  # nothing listens on the discard port
    try:
        outcomes = await sender.send([message(token(1)), message(token(2))])
    finally:
        await sender.aclose()
    assert [o.kind for o in outcomes] == [DeliveryKind.RETRY] * 2 and "ConnectError" in outcomes[0].reason
    assert sleeps.pauses == [1.0, 2.0]
