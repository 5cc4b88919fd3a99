"""The notifications context as the service wires it (the real container), on memory adapters: other contexts'
events reach the inbox and the channels through the outbox and the notify job; preferences, critical kinds,
digests, quiet hours, provider answers and bulk sends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from dishka import Provider, Scope

from adapters.memory.notifications import RecordingPushSender
from adapters.memory.ports import MemoryEmailSender
from adapters.memory.store import FrozenClock, MemoryOutbox, MemoryStore
from application.identity import services as identity
from application.identity.services import ChangePasswordCommand, IssuedTokens, LogInCommand, RegisterCommand
from application.notifications import bulk, devices, inbox, preferences, sending
from application.notifications.channels import PushChannels, PushOutcome
from application.notifications.config import NotificationsConfig
from application.notifications.ports import PreferenceRepository
from application.notifications.requests import notify
from application.notifications.topics import NOTIFY
from application.shared.outbox import RelayOutbox
from application.shared.ports import UnitOfWork
from domain.identity.model import Realm, User
from domain.notifications import kinds
from domain.notifications.delivery import DeliveryStatus
from domain.notifications.model import Channel, Preference
from domain.payments.events import PaymentSucceeded
from domain.shared.actor import Actor
from entrypoints.di.container import memory_container
from tests.application.scoped import InScope

PASSWORD = "Sup3r-secret!"


@dataclass
class Notifications:
    """The memory container, the identity use cases that raise events, and the notifications use cases."""

    config: NotificationsConfig | None = None

    def __post_init__(self) -> None:
        given = Provider(scope=Scope.APP)
        if self.config is not None:
            config = self.config
            given.provide(lambda: config, provides=NotificationsConfig)
        self.container = memory_container(given)
        get = self.container.get_sync
        self.store, self.clock, self.emails = get(MemoryStore), get(FrozenClock), get(MemoryEmailSender)
        self.outbox = MemoryOutbox(self.store)
        push = get(PushChannels)
        assert isinstance(push.expo, RecordingPushSender) and isinstance(push.fcm, RecordingPushSender)
        self.expo, self.fcm = push.expo, push.fcm

        def use(use_case: type[Any]) -> Any:
            return InScope(self.container, use_case)

        self.register, self.login = use(identity.RegisterUser), use(identity.LogIn)
        self.change_password, self.relay = use(identity.ChangePassword), use(RelayOutbox)
        self.notify_job, self.send_due = use(sending.NotifyUsers), use(sending.SendDueDeliveries)
        self.check_receipts = use(sending.CheckExpoReceipts)
        self.inbox, self.register_device = use(inbox.Inbox), use(devices.RegisterDevice)
        self.devices, self.set_preference = use(devices.Devices), use(preferences.SetPreference)
        self.start_bulk, self.bulk_progress = use(bulk.StartBulkSend), use(bulk.BulkSendProgress)

    async def deliver(self) -> None:
        """The relay moves the outbox to the queue, which runs each job at once."""
        while await self.relay():
            pass

    def person(self, name: str, realm: Realm = Realm.SPOTVIBE, **changes: Any) -> Actor:
        """An account put straight into the store (no registration, so no welcome)."""
        user_id = self.store.next_id("users")
        self.store.table("users")[user_id] = User(
            realm=realm, username=name, email=f"{name}@example.com", password_hash="h", created_at=self.clock.now(),
            first_name=changes.pop("first_name", ""), id=user_id, **changes)
        return Actor(user_id, realm, frozenset(changes.get("roles", ())))

    async def with_phone(self, actor: Actor, token: str = "ExponentPushToken[awa-phone]") -> None:  # noqa: S107
        await self.register_device(actor, devices.RegisterDeviceCommand(token, "android", "Pixel"))

    async def happen(self, *events: Any) -> None:
        """Another context's aggregate recorded these events and its use case committed; the relay runs."""
        async with self.container() as request:
            self.store.events.extend(events)
            await (await request.get(UnitOfWork)).commit()
        await self.deliver()

    async def entries(self, actor: Actor) -> list[Any]:
        return list((await self.inbox.page(actor, page_size=100)).items)

    def deliveries(self, actor: Actor, channel: Channel | None = None) -> list[Any]:
        rows = self.store.table("notifications_deliveries").values()
        return [d for d in rows if d.user_id == actor.user_id and (channel is None or d.channel is channel)]

    def emails_to(self, actor: Actor) -> list[Any]:
        return [m for m in self.emails.sent if m.to == f"{self.store.table('users')[actor.user_id].email}"]


def a_payment(payer: Actor) -> PaymentSucceeded:
    return PaymentSucceeded(payment_uuid=uuid4(), purpose_kind="ticket_order", purpose_reference="order-1",
                            amount_minor=5_000, currency="XOF", flagged_for_refund=False, payer_id=payer.user_id)


def local(world: Notifications, hour: int, minute: int = 0) -> None:
    """Sets the clock to this time in Porto-Novo (UTC+1), SpotVibe's people's zone."""
    world.clock.current = datetime(2026, 1, 15, hour, minute, tzinfo=UTC) - timedelta(hours=1)


async def test_a_payment_success_reaches_the_inbox_and_the_phone() -> None:
    world = Notifications()
    awa, koffi = world.person("awa"), world.person("koffi")
    await world.with_phone(awa)
    await world.happen(a_payment(awa))
    [entry] = await world.entries(awa)
    assert (entry.kind, entry.title, entry.message) == (
        "PAYMENT_SUCCESS", "Paiement confirmé", "Votre paiement de 5 000 FCFA est confirmé.")
    assert entry.action_link.startswith("/payments/") and not entry.is_read
    [push] = world.expo.sent
    assert (push.token, push.title, push.body) == ("ExponentPushToken[awa-phone]", entry.title, entry.message)
    [email] = world.emails_to(awa)
    assert email.subject == "SpotVibe : paiement confirmé"
    assert await world.entries(koffi) == [] and world.fcm.sent == []


async def test_a_channel_turned_off_is_not_used() -> None:
    world = Notifications()
    awa = world.person("awa")
    await world.with_phone(awa)
    await world.set_preference(awa, preferences.SetPreferenceCommand("ANNOUNCEMENT", "email", False))
    await world.notify_job(notify("ANNOUNCEMENT", [awa.user_id], "news-1", {"title": "Fête", "message": "Samedi"})
                           .payload)
    assert [e.title for e in await world.entries(awa)] == ["Fête"]
    assert [p.body for p in world.expo.sent] == ["Samedi"]
    assert world.emails_to(awa) == [] and world.deliveries(awa, Channel.EMAIL) == []


async def test_a_critical_kind_ignores_choices_and_quiet_hours() -> None:
    world = Notifications()
    awa = world.person("awa")
    await world.with_phone(awa)
    async with world.container() as request:  # choices stored before the kind became critical
        stored = await request.get(PreferenceRepository)
        for channel in (Channel.EMAIL, Channel.PUSH, Channel.IN_APP):
            await stored.put(Preference(awa.user_id, "PAYMENT_SUCCESS", channel, False))
        await (await request.get(UnitOfWork)).commit()
    local(world, 23, 30)
    await world.happen(a_payment(awa))
    assert len(await world.entries(awa)) == 1
    assert len(world.expo.sent) == 1 and len(world.emails_to(awa)) == 1


async def test_a_burst_of_comments_is_one_push_after_the_window() -> None:
    world = Notifications()
    awa = world.person("awa")
    await world.with_phone(awa)
    for n in range(5):
        world.clock.advance(seconds=20)
        await world.notify_job(notify("NEW_COMMENT", [awa.user_id], f"comment:{n}", {
            "author": f"Ami {n}", "subject": "Concert", "thread_id": 42}).payload)
    assert len(await world.entries(awa)) == 5  # the inbox tells each at once
    assert world.expo.sent == []
    assert await world.send_due() == 0
    world.clock.advance(minutes=5)
    assert await world.send_due() == 5
    [push] = world.expo.sent
    assert push.title == "5 nouveaux commentaires"
    assert push.body == "Nouveau commentaire — Ami 4 a commenté « Concert »."
    assert {d.status for d in world.deliveries(awa, Channel.PUSH)} == {DeliveryStatus.SENT}
    assert await world.send_due() == 0


async def test_quiet_hours_hold_a_push_until_seven_local() -> None:
    world = Notifications()
    awa = world.person("awa")
    await world.with_phone(awa)
    local(world, 22, 30)
    await world.notify_job(notify("EVENT_REMINDER", [awa.user_id], "reminder-1", {"title": "Concert",
                                                                                    "when": "demain"}).payload)
    assert world.expo.sent == [] and len(world.emails_to(awa)) == 1  # an email rings nothing
    world.clock.current = datetime(2026, 1, 16, 5, 59, tzinfo=UTC)  # 06:59 in Porto-Novo
    assert await world.send_due() == 0
    world.clock.advance(minutes=1)
    assert await world.send_due() == 1
    assert [p.title for p in world.expo.sent] == ["Rappel : Concert"]


async def test_the_notify_job_run_twice_stores_and_sends_once() -> None:
    world = Notifications()
    awa = world.person("awa")
    await world.with_phone(awa)
    payload = notify("TEST", [awa.user_id], "test-1").payload
    assert await world.notify_job(payload) == 1
    assert await world.notify_job(payload) == 0
    assert len(await world.entries(awa)) == 1 and len(world.expo.sent) == 1
    assert len(world.deliveries(awa)) == 1


async def test_a_token_gone_deactivates_the_device() -> None:
    world = Notifications()
    awa = world.person("awa")
    await world.with_phone(awa, "ExponentPushToken[old]")
    await world.with_phone(awa, "ExponentPushToken[new]")
    world.expo.answer(PushOutcome.token_gone("DeviceNotRegistered"))
    await world.notify_job(notify("TEST", [awa.user_id], "test-1").payload)
    assert [d.token for d in await world.devices(awa)] == ["ExponentPushToken[new]"]
    [delivery] = world.deliveries(awa, Channel.PUSH)
    assert (delivery.status, delivery.target) == (DeliveryStatus.SENT, "ExponentPushToken[new]")


async def test_a_gone_receipt_deactivates_the_device_later() -> None:
    world = Notifications()
    awa = world.person("awa")
    await world.with_phone(awa)
    await world.notify_job(notify("TEST", [awa.user_id], "test-1").payload)
    [delivery] = world.deliveries(awa, Channel.PUSH)
    world.expo.receipts[delivery.provider_id] = PushOutcome.token_gone("DeviceNotRegistered")
    assert await world.check_receipts() == 0  # Expo's receipts are asked for 15 minutes later
    world.clock.advance(minutes=16)
    assert await world.check_receipts() == 1
    assert await world.devices(awa) == []
    assert await world.check_receipts() == 0 and world.expo.receipts_asked == [delivery.provider_id]


async def test_an_fcm_push_waits_for_no_expo_receipt() -> None:
    world = Notifications()
    awa = world.person("awa")
    await world.with_phone(awa, "fcm-registration-token:" + "a" * 140)
    await world.notify_job(notify("TEST", [awa.user_id], "test-1").payload)
    assert [p.token[:4] for p in world.fcm.sent] == ["fcm-"] and world.expo.sent == []
    [delivery] = world.deliveries(awa, Channel.PUSH)
    assert delivery.status is DeliveryStatus.SENT and delivery.receipts == {}
    world.clock.advance(minutes=16)
    assert await world.check_receipts() == 0 and world.expo.receipts_asked == []


async def test_a_push_told_to_retry_backs_off_then_goes() -> None:
    world = Notifications()
    awa = world.person("awa")
    await world.with_phone(awa)
    world.expo.answer(PushOutcome.retry("rate limited", 30))
    await world.notify_job(notify("TEST", [awa.user_id], "test-1").payload)
    [delivery] = world.deliveries(awa, Channel.PUSH)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.due_at == world.clock.now() + timedelta(minutes=1)
    assert await world.send_due() == 0
    world.clock.advance(minutes=1)
    assert await world.send_due() == 1
    [delivery] = world.deliveries(awa, Channel.PUSH)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert len(world.expo.sent) == 2


async def test_a_bulk_send_of_2500_is_three_batches() -> None:
    world = Notifications()
    admin = world.person("admin", roles=["admin"])
    people = [world.person(f"p{n}") for n in range(2_500)]
    sent = await world.start_bulk(admin, bulk.BulkSendCommand(
        kinds.ANNOUNCEMENT.template_id, [p.user_id for p in people], {"title": "Fête", "message": "Samedi"}))
    assert (sent.recipients, sent.batches, sent.processed) == (2_500, 3, 0)
    batches = [m.payload for m in world.outbox.messages(NOTIFY)]
    assert [len(b["user_ids"]) for b in batches] == [1000, 1000, 500]
    assert sorted(u for b in batches for u in b["user_ids"]) == [p.user_id for p in people]
    assert {(b["bulk_id"], b["realm"], b["key"]) for b in batches} == {(str(sent.id), "spotvibe", f"bulk:{sent.id}")}


async def test_a_bulk_send_progresses_to_the_end() -> None:
    # Ten times smaller than the default batches (the memory store copies itself on every commit).
    world = Notifications(NotificationsConfig(app_names={Realm.SPOTVIBE: "SpotVibe"}, batch_size=100))
    admin = world.person("admin", roles=["admin"])
    people = [world.person(f"p{n}") for n in range(250)]
    gone = world.person("gone", is_active=False)
    sent = await world.start_bulk(admin, bulk.BulkSendCommand(
        kinds.ANNOUNCEMENT.template_id, [p.user_id for p in people], {"title": "Fête", "message": "Samedi"}))
    assert sent.batches == 3
    first_batch = dict(world.outbox.messages(NOTIFY)[0].payload)
    await world.deliver()
    progress = await world.bulk_progress(admin, sent.id)
    assert (progress.processed, progress.progress, progress.done) == (250, 1.0, True)
    assert progress.finished_at == world.clock.now()
    for person in (people[0], people[-1]):
        assert [e.title for e in await world.entries(person)] == ["Fête"]
    assert len(world.store.table("notifications_inbox")) == 250
    assert len([m for m in world.emails.sent if m.subject == "Fête"]) == 250
    # A batch with nobody to tell (deactivated accounts) still counts, once.
    only_gone = await world.start_bulk(admin, bulk.BulkSendCommand(
        kinds.ANNOUNCEMENT.template_id, [gone.user_id], {"title": "Fête", "message": "Samedi"}))
    await world.deliver()
    assert (await world.bulk_progress(admin, only_gone.id)).done
    await world.notify_job(first_batch)  # a batch run again
    assert (await world.bulk_progress(admin, sent.id)).processed == 250


async def test_a_bulk_send_never_reaches_another_realms_accounts() -> None:
    world = Notifications()
    admin = world.person("admin", roles=["admin"])
    awa, paul = world.person("awa"), world.person("paul", Realm.EEBC)
    sent = await world.start_bulk(admin, bulk.BulkSendCommand(
        kinds.ANNOUNCEMENT.template_id, [awa.user_id, paul.user_id], {"title": "Fête", "message": "Samedi"}))
    await world.deliver()
    assert [e.title for e in await world.entries(awa)] == ["Fête"]
    assert await world.entries(paul) == [] and world.deliveries(paul) == [] and world.emails_to(paul) == []
    assert (await world.bulk_progress(admin, sent.id)).done


async def test_registration_brings_a_welcome() -> None:
    world = Notifications()
    user = await world.register(RegisterCommand(realm=Realm.SPOTVIBE, email="awa@example.com", password=PASSWORD,
                                                username="awa", first_name="Awa"))
    await world.deliver()
    awa = Actor(user.id or 0, Realm.SPOTVIBE)
    [entry] = await world.entries(awa)
    assert (entry.kind, entry.title) == ("WELCOME", "Bienvenue Awa !")
    assert entry.message.startswith("Votre compte SpotVibe est prêt.")
    [push] = world.deliveries(awa, Channel.PUSH)
    assert push.status is DeliveryStatus.SKIPPED  # no device yet


async def test_a_password_change_is_told_on_every_channel() -> None:
    world = Notifications()
    user = await world.register(RegisterCommand(realm=Realm.SPOTVIBE, email="awa@example.com", password=PASSWORD,
                                                username="awa"))
    await world.deliver()  # the welcome, before the phone is registered
    awa = Actor(user.id or 0, Realm.SPOTVIBE)
    await world.with_phone(awa)
    session = await world.login(LogInCommand(realm=Realm.SPOTVIBE, identifier="awa@example.com", password=PASSWORD))
    assert isinstance(session, IssuedTokens)
    await world.change_password(ChangePasswordCommand(user_id=awa.user_id, session_id=session.session_id,
                                                      old_password=PASSWORD, new_password="N3w-password!",
                                                      confirm_password="N3w-password!"))
    await world.deliver()
    changed = [e for e in await world.entries(awa) if e.kind == "PASSWORD_CHANGED"]
    assert [e.title for e in changed] == ["Votre mot de passe a été modifié"]
    assert "15/01/2026 à 09:00 UTC" in changed[0].message
    assert [p.title for p in world.expo.sent] == ["Votre mot de passe a été modifié"]
    assert any(m.subject == "SpotVibe : votre mot de passe a été modifié" for m in world.emails_to(awa))

