"""The dispatcher against hand-written fakes of the push senders, the SMS channel, the mailer, the devices and the
directory: digests, several devices, token clean-up, retries, refusals, nowhere to send; and the fan-out job's
progress over the same fakes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.notifications.channels import Delivery as Outcome
from application.notifications.channels import PushChannels, PushMessage, PushOutcome
from application.notifications.config import NotificationsConfig
from application.notifications.dispatch import Dispatcher
from application.notifications.ports import Recipient
from application.notifications.sending import NotifyUsers
from application.shared.ports import EmailMessage, SmsMessage
from domain.notifications.delivery import Delivery, DeliveryStatus
from domain.notifications.model import Channel, Notification, Platform, Preference, PushDevice, PushService
from domain.shared.realm import Realm

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
EXPO_A, EXPO_B = "ExponentPushToken[aaaa]", "ExponentPushToken[bbbb]"
FCM_A = "fcm-registration-token-a"


class FakeSender:
    """A push provider answering each token as told (sent by default), recording every batch it was given."""

    def __init__(self, name: str, answers: dict[str, PushOutcome] | None = None) -> None:
        self.name = name
        self.answers = answers or {}
        self.batches: list[list[PushMessage]] = []

    async def send(self, messages: Sequence[PushMessage]) -> list[PushOutcome]:
        self.batches.append(list(messages))
        return [self.answers.get(m.token, Outcome.sent(f"{self.name}-{m.token}-{n}")) for n, m in
                enumerate(messages)]

    @property
    def messages(self) -> list[PushMessage]:
        return [m for batch in self.batches for m in batch]


class NoReceipts:
    async def check(self, ticket_ids: Sequence[str]) -> dict[str, PushOutcome]:
        raise AssertionError("the dispatcher does not read receipts")


class FakeSms:
    def __init__(self, answer: PushOutcome | None = None) -> None:
        self.answer = answer or Outcome.sent("SM1")
        self.sent: list[SmsMessage] = []

    async def deliver(self, message: SmsMessage, *, sender: str | None = None) -> PushOutcome:
        self.sent.append(message)
        return self.answer


class FakeMailer:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        if self.error is not None:
            raise self.error
        self.sent.append(message)


class FakeDevices:
    def __init__(self, devices: Sequence[PushDevice] = ()) -> None:
        self.devices = list(devices)
        self.asked: list[list[int]] = []

    async def register(self, device: PushDevice) -> PushDevice:
        raise AssertionError("not used")

    async def of_user(self, user_id: int) -> list[PushDevice]:
        return [d for d in self.devices if d.user_id == user_id and d.active]

    async def of_users(self, user_ids: Sequence[int]) -> dict[int, list[PushDevice]]:
        self.asked.append(list(user_ids))
        found: dict[int, list[PushDevice]] = {}
        for device in self.devices:
            if device.user_id in user_ids and device.active:
                found.setdefault(device.user_id, []).append(device)
        return found

    async def deactivate(self, user_id: int, token: str) -> bool:
        raise AssertionError("the dispatcher makes no storage write")

    async def forget_tokens(self, tokens: Sequence[str]) -> int:
        raise AssertionError("the dispatcher makes no storage write")


class FakeDirectory:
    def __init__(self, *recipients: Recipient) -> None:
        self.people = {r.user_id: r for r in recipients}

    async def recipients(self, user_ids: Sequence[int]) -> dict[int, Recipient]:
        return {u: self.people[u] for u in user_ids if u in self.people}


def person(user_id: int = 1, *, email: str | None = "awa@example.com", phone: str | None = "+22990000001",
           active: bool = True) -> Recipient:
    return Recipient(user_id=user_id, realm=Realm.SPOTVIBE, username=f"user{user_id}", first_name="Awa", email=email,
                     phone=phone, active=active)


def device(token: str, user_id: int = 1) -> PushDevice:
    service = PushService.EXPO if token.startswith("Expo") else PushService.FCM
    return PushDevice(user_id=user_id, token=token, service=service, platform=Platform.ANDROID, device_name="tel",
                      created_at=NOW, updated_at=NOW)


def delivery(n: int, channel: Channel = Channel.PUSH, *, user_id: int = 1, group: str | None = None,
             kind: str = "NEW_COMMENT") -> Delivery:
    return Delivery(key=f"happening-{n}:{user_id}:{channel.value}", user_id=user_id, channel=channel, kind=kind,
                    title=f"Titre {n}", body=f"Corps {n}", due_at=NOW, created_at=NOW + timedelta(seconds=n),
                    group_key=group or f"{user_id}:{channel.value}:alone-{n}", id=n)


class World:
    def __init__(self, *, devices: Sequence[PushDevice] = (), recipients: Sequence[Recipient] = (person(),),
                 expo: dict[str, PushOutcome] | None = None, fcm: dict[str, PushOutcome] | None = None,
                 sms: PushOutcome | None = None, mail_error: Exception | None = None) -> None:
        self.expo = FakeSender("expo", expo)
        self.fcm = FakeSender("fcm", fcm)
        self.sms = FakeSms(sms)
        self.mailer = FakeMailer(mail_error)
        self.devices = FakeDevices(devices)
        self.dispatcher = Dispatcher(PushChannels(fcm=self.fcm, expo=self.expo, expo_receipts=NoReceipts()),
                                     self.sms, self.mailer, self.devices, FakeDirectory(*recipients))

    async def send(self, *deliveries: Delivery) -> list[str]:
        return await self.dispatcher.send(list(deliveries), NOW)


async def test_a_group_of_three_goes_out_as_one_digest() -> None:
    world = World(devices=[device(EXPO_A)])
    burst = [delivery(n, group="1:PUSH:burst:NEW_COMMENT:9:42") for n in (1, 2, 3)]
    assert await world.send(*burst) == []
    [message] = world.expo.messages
    assert (message.token, message.title, message.body) == (EXPO_A, "3 nouveaux commentaires", "Titre 3 — Corps 3")
    assert all(d.status is DeliveryStatus.SENT and d.target == EXPO_A for d in burst)
    assert world.fcm.batches == []


async def test_an_email_digest_is_one_email() -> None:
    world = World()
    burst = [delivery(n, Channel.EMAIL, group="1:EMAIL:burst", kind="NEW_MESSAGE") for n in (1, 2, 3)]
    await world.send(*burst)
    [email] = world.mailer.sent
    assert (email.to, email.subject) == ("awa@example.com", "3 nouveaux messages")
    assert all(d.status is DeliveryStatus.SENT and d.target == "awa@example.com" for d in burst)


async def test_separate_groups_are_separate_messages_one_batch_per_provider() -> None:
    world = World(devices=[device(EXPO_A), device(EXPO_B, user_id=2)], recipients=[person(1), person(2)])
    one, two = delivery(1), delivery(2, user_id=2)
    await world.send(one, two)
    assert len(world.expo.batches) == 1
    assert sorted(m.token for m in world.expo.messages) == [EXPO_A, EXPO_B]
    assert world.devices.asked == [[1, 2]]
    assert one.title == "Titre 1" and {m.title for m in world.expo.messages} == {"Titre 1", "Titre 2"}


async def test_push_to_two_devices_one_gone_is_sent_and_the_token_returned_as_gone() -> None:
    world = World(devices=[device(EXPO_A), device(EXPO_B)],
                  expo={EXPO_B: Outcome.token_gone("DeviceNotRegistered")})
    push = delivery(1)
    assert await world.send(push) == [EXPO_B]
    assert len(world.expo.messages) == 2
    assert (push.status, push.target, push.attempts) == (DeliveryStatus.SENT, EXPO_A, 1)
    assert push.provider_id == f"expo-{EXPO_A}-0"


async def test_expo_and_fcm_devices_are_routed_and_only_expo_tickets_await_receipts() -> None:
    world = World(devices=[device(EXPO_A), device(FCM_A)])
    push = delivery(1)
    await world.send(push)
    assert [m.token for m in world.expo.messages] == [EXPO_A]
    assert [m.token for m in world.fcm.messages] == [FCM_A]
    assert push.status is DeliveryStatus.SENT
    # Expo's receipts endpoint knows only its own tickets: an FCM message id there would never get an answer.
    assert push.receipts == {f"expo-{EXPO_A}-0": EXPO_A}


async def test_every_device_asked_to_retry_retries_after_the_longest_wait() -> None:
    world = World(devices=[device(EXPO_A), device(FCM_A)],
                  expo={EXPO_A: Outcome.retry("429", 120)}, fcm={FCM_A: Outcome.retry("503", 900)})
    push = delivery(1)
    assert await world.send(push) == []
    assert (push.status, push.attempts) == (DeliveryStatus.PENDING, 1)
    assert push.due_at == NOW + timedelta(seconds=900)
    assert push.last_error in {"429", "503"}


async def test_a_retry_beside_a_refusal_is_still_retried() -> None:
    world = World(devices=[device(EXPO_A), device(EXPO_B)],
                  expo={EXPO_A: Outcome.rejected("MessageTooBig"), EXPO_B: Outcome.retry("503", 30)})
    push = delivery(1)
    await world.send(push)
    assert push.status is DeliveryStatus.PENDING and push.due_at == NOW + timedelta(minutes=1)


async def test_a_push_every_provider_rejects_fails() -> None:
    world = World(devices=[device(EXPO_A), device(FCM_A)],
                  expo={EXPO_A: Outcome.rejected("MessageTooBig")}, fcm={FCM_A: Outcome.rejected("INVALID_ARGUMENT")})
    push = delivery(1)
    await world.send(push)
    assert (push.status, push.attempts) == (DeliveryStatus.FAILED, 1)
    assert push.last_error == "INVALID_ARGUMENT; MessageTooBig"


async def test_every_token_gone_fails_and_returns_them_all() -> None:
    world = World(devices=[device(EXPO_A), device(EXPO_B)],
                  expo={EXPO_A: Outcome.token_gone("DeviceNotRegistered"),
                        EXPO_B: Outcome.token_gone("DeviceNotRegistered")})
    push = delivery(1)
    assert sorted(await world.send(push)) == [EXPO_A, EXPO_B]
    assert push.status is DeliveryStatus.FAILED


async def test_no_device_is_skipped_and_nothing_is_sent() -> None:
    world = World(devices=[device(EXPO_A, user_id=2)], recipients=[person(1), person(2)])
    push = delivery(1)
    await world.send(push)
    assert push.status is DeliveryStatus.SKIPPED and push.attempts == 0
    assert world.expo.batches == [] and world.fcm.batches == []


async def test_a_deactivated_or_unknown_account_gets_no_push() -> None:
    world = World(devices=[device(EXPO_A, user_id=1), device(EXPO_B, user_id=2)], recipients=[person(1, active=False)])
    closed, unknown = delivery(1, user_id=1), delivery(2, user_id=2)
    await world.send(closed, unknown)
    assert closed.status is DeliveryStatus.SKIPPED and unknown.status is DeliveryStatus.SKIPPED
    assert world.expo.batches == []


async def test_an_email_the_server_refuses_is_retried() -> None:
    world = World(mail_error=ConnectionRefusedError("smtp down"))
    email = delivery(1, Channel.EMAIL)
    assert await world.send(email) == []
    assert (email.status, email.attempts, email.last_error) == (DeliveryStatus.PENDING, 1,
                                                               "email: ConnectionRefusedError")
    assert email.due_at == NOW + timedelta(minutes=1)


@pytest.mark.parametrize(("channel", "who"), [(Channel.EMAIL, person(email=None)), (Channel.SMS, person(phone=None)),
                                              (Channel.EMAIL, person(active=False))])
async def test_nowhere_to_send_is_skipped(channel: Channel, who: Recipient) -> None:
    world = World(recipients=[who])
    record = delivery(1, channel)
    await world.send(record)
    assert record.status is DeliveryStatus.SKIPPED
    assert world.mailer.sent == [] and world.sms.sent == []


async def test_an_sms_to_a_number_that_is_gone_fails() -> None:
    world = World(sms=Outcome.token_gone("21610 unsubscribed"))
    sms = delivery(1, Channel.SMS)
    assert await world.send(sms) == []
    assert (sms.status, sms.last_error) == (DeliveryStatus.FAILED, "21610 unsubscribed")
    assert [m.to for m in world.sms.sent] == ["+22990000001"]


async def test_an_sms_is_sent_or_retried_as_the_provider_says() -> None:
    sent, later = World(), World(sms=Outcome.retry("429", 600))
    one, two = delivery(1, Channel.SMS), delivery(2, Channel.SMS)
    await sent.send(one)
    await later.send(two)
    assert (one.status, one.provider_id, one.target) == (DeliveryStatus.SENT, "SM1", "+22990000001")
    assert sent.sms.sent == [SmsMessage("+22990000001", "Titre 1 : Corps 1")]
    assert two.status is DeliveryStatus.PENDING and two.due_at == NOW + timedelta(seconds=600)


# --- the fan-out job's progress, with the same fakes -------------------------------------------------------------


class FakeInbox:
    def __init__(self) -> None:
        self.stored: dict[tuple[int, str], Notification] = {}

    async def add_many(self, notifications: Sequence[Notification]) -> list[Notification]:
        new = []
        for notification in notifications:
            if (notification.user_id, notification.key) not in self.stored:
                notification.id = len(self.stored) + 1
                self.stored[(notification.user_id, notification.key)] = notification
                new.append(notification)
        return new


class FakePreferences:
    def __init__(self, *chosen: Preference) -> None:
        self.chosen = {(p.user_id, p.channel): p for p in chosen}

    async def of_users(self, user_ids: Sequence[int], kind: str) -> dict[tuple[int, Channel], Preference]:
        return {k: p for k, p in self.chosen.items() if k[0] in user_ids and p.kind == kind}


class FakeDeliveries:
    def __init__(self) -> None:
        self.stored: dict[str, Delivery] = {}

    async def add_many(self, deliveries: Sequence[Delivery]) -> list[Delivery]:
        new = [d for d in deliveries if d.key not in self.stored]
        self.stored.update((d.key, d) for d in new)
        return new

    async def save_many(self, deliveries: Sequence[Delivery]) -> None:
        pass


class FakeBulks:
    def __init__(self) -> None:
        self.advanced: list[int] = []

    async def advance(self, bulk_id: UUID, recipients: int, now: datetime) -> None:
        self.advanced.append(recipients)


class Nothing:
    async def announce(self, notifications: Sequence[Notification]) -> None:
        pass

    def render(self, source: str, data: Mapping[str, Any]) -> str:
        return source

    async def commit(self) -> None:
        pass

    async def rollback(self) -> None:
        pass

    def now(self) -> datetime:
        return NOW


def notify_job(world: World, preferences: FakePreferences, recipients: Sequence[Recipient]) -> tuple[Any, FakeBulks]:
    bulks, nothing = FakeBulks(), Nothing()
    job = NotifyUsers(FakeInbox(), preferences, FakeDeliveries(), world.devices, bulks,  # type: ignore[arg-type]
                      FakeDirectory(*recipients), nothing, nothing, world.dispatcher, nothing, nothing,
                      NotificationsConfig(app_names={}))
    return job, bulks


def bulk_payload(*user_ids: int) -> dict[str, Any]:
    return {"kind": "ANNOUNCEMENT", "user_ids": list(user_ids), "key": "bulk:x", "data": {"title": "t", "message": "m"},
            "bulk_id": str(uuid4()), "realm": "spotvibe"}


async def test_a_bulk_batch_counts_once_and_sends_once_when_its_job_runs_twice() -> None:
    world = World(devices=[device(EXPO_A)])
    job, bulks = notify_job(world, FakePreferences(), [person(1)])
    payload = bulk_payload(1)
    assert await job(payload) == 1
    assert await job(payload) == 0
    assert bulks.advanced == [1]
    assert len(world.expo.messages) == 1


@pytest.mark.parametrize("who", ["turned everything off", "deactivated"])
async def test_a_bulk_batch_with_nothing_to_tell_still_counts(who: str) -> None:
    """Else a small send to people who turned announcements off (or whose accounts are closed) never reaches 100 %."""
    off = [Preference(1, "ANNOUNCEMENT", channel, active=False) for channel in Channel]
    world = World()
    job, bulks = notify_job(world, FakePreferences(*off) if who != "deactivated" else FakePreferences(),
                            [person(1, active=who != "deactivated")])
    assert await job(bulk_payload(1)) == 0
    assert bulks.advanced == [1]


class CountingRenderer:
    def __init__(self) -> None:
        self.rendered: list[str] = []

    def render(self, source: str, data: Mapping[str, Any]) -> str:
        self.rendered.append(source)
        return source.replace("{{ title }}", str(data["title"])).replace("{{ message }}", str(data["message"]))


async def test_the_push_shares_the_inbox_wording_rendered_once_per_person() -> None:
    world, renderer, inbox, deliveries = World(devices=[device(EXPO_A)]), CountingRenderer(), FakeInbox(), \
        FakeDeliveries()
    nothing = Nothing()
    no_email = FakePreferences(Preference(1, "ANNOUNCEMENT", Channel.EMAIL, active=False))
    job = NotifyUsers(inbox, no_email, deliveries, world.devices, FakeBulks(), FakeDirectory(person(1)),  # type: ignore[arg-type]
                      nothing, renderer, world.dispatcher, nothing, nothing, NotificationsConfig(app_names={}))
    await job(bulk_payload(1))
    [entry] = inbox.stored.values()
    [push] = deliveries.stored.values()
    assert (entry.title, entry.message) == (push.title, push.body) == ("t", "m")
    assert sorted(renderer.rendered) == ["{{ message }}", "{{ title }}"]
    assert [(m.title, m.body) for m in world.expo.messages] == [("t", "m")]
