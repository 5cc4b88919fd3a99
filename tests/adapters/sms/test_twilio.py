"""TwilioSms against FakeTwilio over HTTP: Basic auth, the form, error codes, retries; the console channel."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from adapters.notify.sms_console import ConsoleSmsSender
from adapters.push.retry import Backoff
from adapters.sms.fakes.twilio import FakeTwilio, too_many_requests
from adapters.sms.twilio import SmsNotSent, TwilioSettings, TwilioSms
from application.notifications.channels import DeliveryKind
from application.shared.ports import SmsMessage
from tests.adapters.push.support import Sleeps

NUMBER = "+22997000001"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def settings_for(twilio: FakeTwilio, **changes: Any) -> TwilioSettings:
    values: dict[str, Any] = {"account_sid": twilio.account_sid, "auth_token": twilio.auth_token,
                              "sender": twilio.sender, "base_url": twilio.url,
                              "backoff": Backoff(attempts=3, base_seconds=0.5, max_wait_seconds=10.0), **changes}
    return TwilioSettings(**values)


@pytest.fixture
async def sms(twilio: FakeTwilio, sleeps: Sleeps) -> AsyncIterator[TwilioSms]:
    sender = TwilioSms(settings_for(twilio), sleep=sleeps)
    yield sender
    await sender.aclose()


async def test_an_sms_is_sent_with_basic_auth_and_a_form_body(sms: TwilioSms, twilio: FakeTwilio) -> None:
    outcome = await sms.deliver(SmsMessage(to=NUMBER, text="Votre code : 123456"))

    assert outcome.kind is DeliveryKind.SENT and outcome.provider_id == twilio.messages[0]["sid"]
    request = twilio.last(twilio.messages_path)
    assert request.form == {"To": NUMBER, "From": twilio.sender, "Body": "Votre code : 123456"}
    assert request.headers["authorization"] == "Basic " + base64.b64encode(
        f"{twilio.account_sid}:{twilio.auth_token}".encode()).decode()


async def test_an_alphanumeric_sender_id_or_a_messaging_service(sms: TwilioSms, twilio: FakeTwilio,
                                                                sleeps: Sleeps) -> None:
    assert (await sms.deliver(SmsMessage(to=NUMBER, text="Bonjour"), sender="SpotVibe")).kind is DeliveryKind.SENT
    assert twilio.last(twilio.messages_path).form["From"] == "SpotVibe"

    service = TwilioSms(settings_for(twilio, sender="", messaging_service_sid=twilio.messaging_service_sid,
                                     status_callback="https://agora.example/sms/status"), sleep=sleeps)
    try:
        outcome = await service.deliver(SmsMessage(to=NUMBER, text="Bonjour"))
    finally:
        await service.aclose()
    assert outcome.kind is DeliveryKind.SENT
    form = twilio.last(twilio.messages_path).form
    assert form["MessagingServiceSid"] == twilio.messaging_service_sid and "From" not in form
    assert form["StatusCallback"] == "https://agora.example/sms/status"


async def test_wrong_credentials_are_rejected_not_retried(twilio: FakeTwilio, sleeps: Sleeps) -> None:
    sms = TwilioSms(settings_for(twilio, auth_token="wrong"), sleep=sleeps)
    try:
        outcome = await sms.deliver(SmsMessage(to=NUMBER, text="Bonjour"))
    finally:
        await sms.aclose()
    assert outcome.kind is DeliveryKind.REJECTED and "20003" in outcome.reason
    assert twilio.count(twilio.messages_path) == 1 and sleeps.pauses == []


async def test_numbers_that_cannot_receive_are_gone(sms: TwilioSms, twilio: FakeTwilio) -> None:
    twilio.unsubscribed.add("+22997000002")
    twilio.unreachable.add("+22997000003")

    outcomes = [await sms.deliver(SmsMessage(to=to, text="Bonjour"))
                for to in ("97000001", "+22997000002", "+22997000003")]

    assert [o.kind for o in outcomes] == [DeliveryKind.TOKEN_GONE] * 3
    assert ["21211" in outcomes[0].reason, "21610" in outcomes[1].reason, "21612" in outcomes[2].reason] == [True] * 3


async def test_a_body_too_long_is_rejected_without_a_request(sms: TwilioSms, twilio: FakeTwilio) -> None:
    outcome = await sms.deliver(SmsMessage(to=NUMBER, text="x" * 1601))
    assert outcome.kind is DeliveryKind.REJECTED and twilio.count(twilio.messages_path) == 0


async def test_too_many_requests_twice_then_sent_honours_retry_after(sms: TwilioSms, twilio: FakeTwilio,
                                                                     sleeps: Sleeps) -> None:
    status, headers, body = too_many_requests(retry_after=2)
    twilio.answer_next(2, status, body, headers=headers)

    outcome = await sms.deliver(SmsMessage(to=NUMBER, text="Bonjour"))

    assert outcome.kind is DeliveryKind.SENT and sleeps.pauses == [2.0, 2.0]
    assert twilio.count(twilio.messages_path) == 3


async def test_server_errors_past_the_retries_answer_retry(sms: TwilioSms, twilio: FakeTwilio,
                                                           sleeps: Sleeps) -> None:
    twilio.answer_next(3, 503, {"code": 20500, "message": "Internal Server Error", "status": 503})

    outcome = await sms.deliver(SmsMessage(to=NUMBER, text="Bonjour"))

    assert outcome.kind is DeliveryKind.RETRY and outcome.retry_after == 2.0
    assert sleeps.pauses == [0.5, 1.0] and twilio.count(twilio.messages_path) == 3


async def test_the_older_sms_sender_port_raises_when_not_sent(sms: TwilioSms, twilio: FakeTwilio) -> None:
    await sms.send(SmsMessage(to=NUMBER, text="Bonjour"))
    twilio.unsubscribed.add(NUMBER)
    with pytest.raises(SmsNotSent) as raised:
        await sms.send(SmsMessage(to=NUMBER, text="Bonjour"))
    assert raised.value.outcome.kind is DeliveryKind.TOKEN_GONE
    assert len(twilio.messages) == 1


async def test_the_console_sender_is_an_sms_channel_too(tmp_path: Any) -> None:
    console = ConsoleSmsSender(tmp_path)
    outcome = await console.deliver(SmsMessage(to=NUMBER, text="Bonjour"), sender="SpotVibe")
    assert outcome.kind is DeliveryKind.SENT and console.latest_to(NUMBER) == SmsMessage(to=NUMBER, text="Bonjour")
    assert len(list(tmp_path.iterdir())) == 1


async def test_an_unreachable_twilio_answers_retry(sleeps: Sleeps) -> None:
    sms = TwilioSms(TwilioSettings(account_sid="AC1", auth_token="t", sender="SpotVibe", base_url="http://127.0.0.1:9",
                                   backoff=Backoff(attempts=2, base_seconds=0.5)), sleep=sleeps)
    try:
        outcome = await sms.deliver(SmsMessage(to=NUMBER, text="Bonjour"))
    finally:
        await sms.aclose()
    assert outcome.kind is DeliveryKind.RETRY and "ConnectError" in outcome.reason and sleeps.pauses == [0.5]
