"""One contract for each notifications repository (and identity's Directory), run against memory and PostgreSQL
alike; then what only the database can show (one statement per fan-out batch, SKIP LOCKED, NOTIFY on commit)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from dishka import Provider, Scope
from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.live.hub import CHANNEL
from adapters.memory import identity as memory_identity
from adapters.memory import notifications as memory
from adapters.memory.ports import MemoryEmailSender
from adapters.memory.store import FrozenClock, MemoryStore, MemoryUnitOfWork
from adapters.sql.database import make_engine, make_sessionmaker
from adapters.sql.identity import repositories as sql_identity
from adapters.sql.identity.directory import SqlDirectory
from adapters.sql.identity.tables import users
from adapters.sql.notifications import repositories as sql
from adapters.sql.notifications.live import SqlLiveFeed
from application.notifications.channels import PushChannels
from application.notifications.devices import RegisterDevice, RegisterDeviceCommand
from application.notifications.inbox import Inbox
from application.notifications.requests import notify
from application.notifications.sending import NotifyUsers, SendDueDeliveries
from application.shared.ports import Clock, EmailSender
from domain.identity.model import Realm, User
from domain.notifications.bulk import BulkSend
from domain.notifications.delivery import Delivery, DeliveryStatus
from domain.notifications.model import Channel, Frequency, Notification, Platform, Preference, PushDevice, PushService
from domain.shared.actor import Actor
from entrypoints.di.container import make_container
from entrypoints.runtime import Runtime
from entrypoints.settings import Settings

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


@dataclass
class Repos:
    notifications: Any
    preferences: Any
    devices: Any
    deliveries: Any
    bulks: Any
    directory: Any
    commit: Any
    awa: int
    koffi: int
    paul: int  # an EEBC account, deactivated


async def _users(users: Any) -> tuple[int, int, int]:
    ids = []
    for name, realm, active in (("awa", Realm.SPOTVIBE, True), ("koffi", Realm.SPOTVIBE, True),
                                ("paul", Realm.EEBC, False)):
        user = await users.add(User(realm=realm, username=name, email=f"{name}@example.com", password_hash="h",
                                    created_at=NOW, first_name=name.title(), phone="+22997000000" if active else None,
                                    is_active=active))
        ids.append(user.id)
    return ids[0], ids[1], ids[2]


@pytest.fixture(params=["memory", "sql"])
async def repos(request: pytest.FixtureRequest, database_url: str, clean_database: None) -> AsyncIterator[Repos]:
    if request.param == "memory":
        store = MemoryStore()
        awa, koffi, paul = await _users(memory_identity.MemoryUserRepository(store))
        yield Repos(memory.MemoryNotificationRepository(store), memory.MemoryPreferenceRepository(store),
                    memory.MemoryDeviceRepository(store), memory.MemoryDeliveryRepository(store),
                    memory.MemoryBulkSendRepository(store), memory.MemoryDirectory(store),
                    MemoryUnitOfWork(store).commit, awa, koffi, paul)
        return
    engine = make_engine(database_url)
    async with make_sessionmaker(engine)() as session:
        awa, koffi, paul = await _users(sql_identity.SqlUserRepository(session))
        await session.commit()
        yield Repos(sql.SqlNotificationRepository(session), sql.SqlPreferenceRepository(session),
                    sql.SqlDeviceRepository(session), sql.SqlDeliveryRepository(session),
                    sql.SqlBulkSendRepository(session), SqlDirectory(session), session.commit, awa, koffi, paul)
    await engine.dispose()


def an_entry(user_id: int, key: str = "k1", *, at: datetime = NOW, title: str = "Paiement confirmé") -> Notification:
    return Notification(user_id=user_id, realm=Realm.SPOTVIBE, kind="PAYMENT_SUCCESS", title=title,
                        message="Votre paiement est confirmé.", key=key, created_at=at,
                        data={"amount": "1 000 FCFA", "nested": {"n": 1}}, action_link="/payments/x")


def a_delivery(user_id: int, key: str, *, due: datetime = NOW, group: str | None = None,
               channel: Channel = Channel.PUSH) -> Delivery:
    return Delivery(key=key, user_id=user_id, channel=channel, kind="NEW_COMMENT", title="Nouveau commentaire",
                    body="Awa a commenté", due_at=due, created_at=NOW - timedelta(minutes=1),
                    group_key=group or f"{user_id}:{channel.value}:{key}")


def a_device(user_id: int, token: str, *, name: str = "Pixel", at: datetime = NOW) -> PushDevice:
    return PushDevice(user_id=user_id, token=token, service=PushService.EXPO, platform=Platform.ANDROID,
                      device_name=name, created_at=at, updated_at=at)


# --- inbox


async def test_add_many_stores_each_person_and_key_once(repos: Repos) -> None:
    first = await repos.notifications.add_many([an_entry(repos.awa), an_entry(repos.koffi)])
    assert [n.user_id for n in first] == [repos.awa, repos.koffi]
    assert all(n.id is not None for n in first) and first[0].id != first[1].id
    again = await repos.notifications.add_many([an_entry(repos.awa, title="autre"), an_entry(repos.awa, "k2")])
    assert [(n.user_id, n.key) for n in again] == [(repos.awa, "k2")]
    await repos.commit()
    stored = await repos.notifications.of_keys("k1", [repos.awa, repos.koffi, repos.paul])
    assert set(stored) == {repos.awa, repos.koffi}
    assert stored[repos.awa].title == "Paiement confirmé"  # the first one stays as it was
    assert stored[repos.awa].data == {"amount": "1 000 FCFA", "nested": {"n": 1}}
    assert stored[repos.awa].realm is Realm.SPOTVIBE and stored[repos.awa].read_at is None


async def test_add_many_ignores_a_duplicate_inside_one_batch(repos: Repos) -> None:
    stored = await repos.notifications.add_many([an_entry(repos.awa), an_entry(repos.awa)])
    assert len(stored) == 1
    assert await repos.notifications.counts(repos.awa) == (1, 1)


async def test_an_entry_is_only_its_owners(repos: Repos) -> None:
    [entry] = await repos.notifications.add_many([an_entry(repos.awa)])
    await repos.commit()
    found = await repos.notifications.get(repos.awa, entry.id)
    assert found is not None and found.id == entry.id and found.action_link == "/payments/x"
    assert await repos.notifications.get(repos.koffi, entry.id) is None
    assert await repos.notifications.delete(repos.koffi, entry.id) is False
    assert await repos.notifications.mark_read(repos.koffi, [entry.id], NOW) == 0
    assert await repos.notifications.delete(repos.awa, entry.id) is True
    assert await repos.notifications.get(repos.awa, entry.id) is None
    assert await repos.notifications.delete(repos.awa, entry.id) is False


async def test_page_is_newest_first_filtered_with_counts(repos: Repos) -> None:
    entries = [an_entry(repos.awa, f"k{i}", at=NOW + timedelta(minutes=i)) for i in range(5)]
    await repos.notifications.add_many([*entries, an_entry(repos.koffi, "k9")])
    await repos.notifications.mark_read(repos.awa, [entries[1].id, entries[3].id], NOW)
    await repos.commit()
    page = await repos.notifications.page(repos.awa, is_read=None, offset=1, limit=2)
    assert [n.key for n in page.items] == ["k3", "k2"]
    assert (page.total, page.unread) == (5, 3)
    unread = await repos.notifications.page(repos.awa, is_read=False, offset=0, limit=10)
    assert [n.key for n in unread.items] == ["k4", "k2", "k0"] and (unread.total, unread.unread) == (3, 3)
    read = await repos.notifications.page(repos.awa, is_read=True, offset=0, limit=10)
    assert [n.key for n in read.items] == ["k3", "k1"] and (read.total, read.unread) == (2, 3)
    assert all(n.read_at == NOW for n in read.items)
    assert await repos.notifications.counts(repos.awa) == (5, 3)
    assert await repos.notifications.counts(repos.paul) == (0, 0)


async def test_mark_read_counts_what_changed(repos: Repos) -> None:
    entries = await repos.notifications.add_many([an_entry(repos.awa, f"k{i}") for i in range(3)])
    [other] = await repos.notifications.add_many([an_entry(repos.koffi)])
    assert await repos.notifications.mark_read(repos.awa, [entries[0].id, other.id], NOW) == 1
    assert await repos.notifications.mark_read(repos.awa, [entries[0].id], NOW) == 0
    assert await repos.notifications.mark_read(repos.awa, [], NOW) == 0
    assert await repos.notifications.mark_read(repos.awa, None, NOW + timedelta(hours=1)) == 2
    await repos.commit()
    assert await repos.notifications.counts(repos.awa) == (3, 0)
    assert await repos.notifications.counts(repos.koffi) == (1, 1)
    first = await repos.notifications.get(repos.awa, entries[0].id)
    assert first is not None and first.read_at == NOW


# --- preferences


async def test_a_preference_replaces_the_previous_one(repos: Repos) -> None:
    await repos.preferences.put(Preference(repos.awa, "NEW_COMMENT", Channel.PUSH, False))
    await repos.preferences.put(Preference(repos.awa, "NEW_COMMENT", Channel.EMAIL, True, Frequency.DAILY))
    await repos.preferences.put(Preference(repos.koffi, "NEW_COMMENT", Channel.PUSH, True, Frequency.WEEKLY))
    await repos.preferences.put(Preference(repos.awa, "NEW_COMMENT", Channel.PUSH, True, Frequency.NEVER))
    await repos.preferences.put(Preference(repos.awa, "ANNOUNCEMENT", Channel.PUSH, False))
    await repos.commit()
    mine = await repos.preferences.of_user(repos.awa)
    assert [(p.kind, p.channel, p.active, p.frequency) for p in mine] == [
        ("ANNOUNCEMENT", Channel.PUSH, False, Frequency.IMMEDIATE),
        ("NEW_COMMENT", Channel.EMAIL, True, Frequency.DAILY),
        ("NEW_COMMENT", Channel.PUSH, True, Frequency.NEVER)]
    chosen = await repos.preferences.of_users([repos.awa, repos.koffi, repos.paul], "NEW_COMMENT")
    assert set(chosen) == {(repos.awa, Channel.PUSH), (repos.awa, Channel.EMAIL), (repos.koffi, Channel.PUSH)}
    assert chosen[(repos.koffi, Channel.PUSH)].frequency is Frequency.WEEKLY
    assert await repos.preferences.of_users([], "NEW_COMMENT") == {}


# --- devices


async def test_a_token_is_one_device_moved_to_whoever_registers_it(repos: Repos) -> None:
    mine = await repos.devices.register(a_device(repos.awa, "ExponentPushToken[a]"))
    await repos.devices.register(a_device(repos.awa, "ExponentPushToken[b]"))
    assert mine.id is not None and mine.active
    assert await repos.devices.deactivate(repos.awa, "ExponentPushToken[a]") is True
    assert await repos.devices.deactivate(repos.awa, "ExponentPushToken[a]") is False
    assert [d.token for d in await repos.devices.of_user(repos.awa)] == ["ExponentPushToken[b]"]
    moved = await repos.devices.register(a_device(repos.koffi, "ExponentPushToken[a]", name="iPhone",
                                                  at=NOW + timedelta(days=1)))
    await repos.commit()
    assert moved.id == mine.id and moved.user_id == repos.koffi and moved.active
    assert (moved.device_name, moved.created_at, moved.updated_at) == ("iPhone", NOW, NOW + timedelta(days=1))
    assert [d.token for d in await repos.devices.of_user(repos.awa)] == ["ExponentPushToken[b]"]
    assert [d.token for d in await repos.devices.of_user(repos.koffi)] == ["ExponentPushToken[a]"]
    assert await repos.devices.deactivate(repos.awa, "ExponentPushToken[a]") is False


async def test_devices_of_many_accounts_and_tokens_forgotten(repos: Repos) -> None:
    for user, token in ((repos.awa, "t-a1"), (repos.awa, "t-a2"), (repos.koffi, "t-k1")):
        await repos.devices.register(a_device(user, token))
    found = await repos.devices.of_users([repos.awa, repos.koffi, repos.paul])
    assert {u: [d.token for d in ds] for u, ds in found.items()} == {
        repos.awa: ["t-a1", "t-a2"], repos.koffi: ["t-k1"]}
    assert found[repos.awa][0].service is PushService.EXPO and found[repos.awa][0].platform is Platform.ANDROID
    assert await repos.devices.forget_tokens(["t-a1", "t-k1", "unknown"]) == 2
    assert await repos.devices.forget_tokens(["t-a1"]) == 0
    assert await repos.devices.forget_tokens([]) == 0
    await repos.commit()
    assert {u: [d.token for d in ds] for u, ds in (await repos.devices.of_users([repos.awa, repos.koffi])).items()} \
        == {repos.awa: ["t-a2"]}
    assert await repos.devices.of_users([]) == {}


# --- deliveries


async def test_deliveries_are_stored_once_per_key(repos: Repos) -> None:
    first = await repos.deliveries.add_many([a_delivery(repos.awa, "d1"), a_delivery(repos.koffi, "d2")])
    assert [d.key for d in first] == ["d1", "d2"] and all(d.id is not None for d in first)
    again = await repos.deliveries.add_many([a_delivery(repos.awa, "d1"), a_delivery(repos.awa, "d3")])
    assert [d.key for d in again] == ["d3"]
    assert await repos.deliveries.add_many([]) == []


async def test_claim_due_takes_what_is_due_by_whole_groups(repos: Repos) -> None:
    burst = [a_delivery(repos.awa, f"c{i}", group="burst") for i in range(3)]
    await repos.deliveries.add_many([
        *burst, a_delivery(repos.koffi, "alone", due=NOW + timedelta(seconds=1)),
        a_delivery(repos.koffi, "later", due=NOW + timedelta(minutes=5))])
    await repos.commit()
    claimed = await repos.deliveries.claim_due(NOW, 1)
    assert sorted(d.key for d in claimed) == ["c0", "c1", "c2"]  # the group is never split by the limit
    await repos.commit()
    claimed = await repos.deliveries.claim_due(NOW + timedelta(minutes=1), 10)
    assert sorted(d.key for d in claimed) == ["alone", "c0", "c1", "c2"]
    assert all(d.status is DeliveryStatus.PENDING for d in claimed)


async def test_saved_deliveries_keep_their_outcome(repos: Repos) -> None:
    stored = await repos.deliveries.add_many([a_delivery(repos.awa, "d1"), a_delivery(repos.awa, "d2"),
                                              a_delivery(repos.awa, "d3", channel=Channel.EMAIL)])
    pushed, retried, mailed = stored
    pushed.sent(NOW, "ticket-1", "ExponentPushToken[a]")
    pushed.receipts = {"ticket-1": "ExponentPushToken[a]"}
    retried.retry(NOW, "rate limited", 120)
    mailed.sent(NOW, None, "awa@example.com")
    await repos.deliveries.save_many(stored)
    await repos.deliveries.save_many([])
    await repos.commit()
    due = await repos.deliveries.claim_due(NOW + timedelta(minutes=2), 10)
    assert [(d.key, d.attempts, d.last_error) for d in due] == [("d2", 1, "rate limited")]
    assert due[0].due_at == NOW + timedelta(minutes=2)
    waiting = await repos.deliveries.sent_by_expo_before(NOW + timedelta(minutes=15), 10)
    assert [(d.key, d.receipts, d.provider_id, d.target, d.sent_at, d.status) for d in waiting] == [
        ("d1", {"ticket-1": "ExponentPushToken[a]"}, "ticket-1", "ExponentPushToken[a]", NOW, DeliveryStatus.SENT)]
    assert await repos.deliveries.sent_by_expo_before(NOW, 10) == []
    await repos.deliveries.receipts_checked([waiting[0].id])
    await repos.commit()
    assert await repos.deliveries.sent_by_expo_before(NOW + timedelta(minutes=15), 10) == []


# --- bulk sends


async def test_a_bulk_send_advances_to_its_end(repos: Repos) -> None:
    bulk = await repos.bulks.add(BulkSend(id=uuid4(), kind="ANNOUNCEMENT", created_by=repos.awa, recipients=2500,
                                          batches=3, created_at=NOW, data={"title": "Fête", "message": "Samedi"}))
    await repos.bulks.advance(bulk.id, 1000, NOW)
    await repos.bulks.advance(bulk.id, 1000, NOW + timedelta(minutes=1))
    await repos.commit()
    found = await repos.bulks.get(bulk.id)
    assert found is not None and (found.processed, found.finished_at, found.done) == (2000, None, False)
    assert found.data == {"title": "Fête", "message": "Samedi"} and found.kind == "ANNOUNCEMENT"
    await repos.bulks.advance(bulk.id, 500, NOW + timedelta(minutes=2))
    await repos.bulks.advance(bulk.id, 500, NOW + timedelta(minutes=3))  # a batch run twice changes the end not
    await repos.commit()
    found = await repos.bulks.get(bulk.id)
    assert found is not None and found.done and found.progress == 1.0
    assert found.finished_at == NOW + timedelta(minutes=2)
    assert await repos.bulks.get(uuid4()) is None


# --- identity's accounts


async def test_the_directory_reads_existing_accounts(repos: Repos) -> None:
    found = await repos.directory.recipients([repos.awa, repos.paul, 999_999])
    assert set(found) == {repos.awa, repos.paul}
    awa, paul = found[repos.awa], found[repos.paul]
    assert (awa.realm, awa.username, awa.first_name, awa.email, awa.phone, awa.active) == (
        Realm.SPOTVIBE, "awa", "Awa", "awa@example.com", "+22997000000", True)
    assert (paul.realm, paul.phone, paul.active) == (Realm.EEBC, None, False)
    assert await repos.directory.recipients([]) == {}


# --- what only PostgreSQL shows


@pytest.fixture
async def sessions(database_url: str, clean_database: None) -> AsyncIterator[tuple[Any, Any, list[str], int]]:
    engine = make_engine(database_url)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    factory = make_sessionmaker(engine)
    async with factory() as first, factory() as second:
        [awa, *_] = await _users(sql_identity.SqlUserRepository(first))
        await first.commit()
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        yield first, second, statements, awa
    await engine.dispose()


async def test_a_fan_out_batch_is_one_statement_per_table(sessions: tuple[Any, Any, list[str], int]) -> None:
    session, _, statements, awa = sessions
    entries = [an_entry(awa, f"k{i}") for i in range(1500)]
    deliveries = [a_delivery(awa, f"d{i}:{channel.value}", channel=channel)
                  for i in range(1000) for channel in (Channel.PUSH, Channel.EMAIL, Channel.SMS)]
    statements.clear()
    assert len(await sql.SqlNotificationRepository(session).add_many(entries)) == 1500
    assert len(await sql.SqlDeliveryRepository(session).add_many(deliveries)) == 3000
    for delivery in deliveries:
        delivery.sent(NOW, "p", "t")
    await sql.SqlDeliveryRepository(session).save_many(deliveries)
    assert len([s for s in statements if not s.startswith(("BEGIN", "SAVEPOINT"))]) == 3


async def test_claimed_deliveries_are_skipped_by_another_sender(sessions: tuple[Any, Any, list[str], int]) -> None:
    first, second, _, awa = sessions
    await sql.SqlDeliveryRepository(first).add_many([a_delivery(awa, "a", group="g1"),
                                                     a_delivery(awa, "b", group="g2")])
    await first.commit()
    taken = await sql.SqlDeliveryRepository(first).claim_due(NOW, 1)
    assert [d.key for d in taken] == ["a"]
    others = await sql.SqlDeliveryRepository(second).claim_due(NOW, 10)  # does not wait for the first's lock
    assert [d.key for d in others] == ["b"]
    await first.commit()
    await second.commit()


async def test_the_live_feed_notifies_once_committed(database_url: str,
                                                     sessions: tuple[Any, Any, list[str], int]) -> None:
    session, _, _, awa = sessions
    listener = await make_engine(database_url).connect()
    heard: asyncio.Queue[str] = asyncio.Queue()
    raw = (await listener.get_raw_connection()).driver_connection
    await raw.add_listener(CHANNEL, lambda *args: heard.put_nowait(args[-1]))  # type: ignore[union-attr]
    try:
        entries = await sql.SqlNotificationRepository(session).add_many([an_entry(awa, "k1"), an_entry(awa, "k2")])
        await SqlLiveFeed(session).announce(entries)
        assert heard.empty()
        await session.commit()
        got = [await asyncio.wait_for(heard.get(), 10), await asyncio.wait_for(heard.get(), 10)]
        assert got == [f"{awa}:{entries[0].id}", f"{awa}:{entries[1].id}"]
    finally:
        await listener.close()
        await listener.engine.dispose()


# --- the notify job wired on PostgreSQL


async def test_the_notify_job_on_postgresql_costs_no_statement_per_recipient(
        data_dir: Any, database_url: str, queue_url: str, clean_database: None) -> None:
    settings = Settings(data_dir=data_dir, database_url=database_url, secret_key="test-secret-key-0123456789")
    expo, emails = memory.RecordingPushSender("expo"), MemoryEmailSender()
    overrides = Provider(scope=Scope.APP)
    overrides.provide(lambda: PushChannels(fcm=memory.RecordingPushSender("fcm"), expo=expo, expo_receipts=expo),
                      provides=PushChannels)
    overrides.provide(lambda: emails, provides=EmailSender)
    overrides.provide(lambda: FrozenClock(NOW), provides=Clock)
    container = make_container(Runtime(settings=settings, database_url=database_url, queue_url=queue_url), overrides)
    try:
        engine = await container.get(AsyncEngine)
        async with engine.begin() as connection:
            ids = list((await connection.execute(insert(users).returning(users.c.id), [
                {"realm": Realm.SPOTVIBE, "username": f"p{n}", "email": f"p{n}@example.com", "created_at": NOW}
                for n in range(1000)])).scalars())
        async with container() as request:
            await (await request.get(RegisterDevice))(Actor(ids[0], Realm.SPOTVIBE),
                                                      RegisterDeviceCommand("ExponentPushToken[p0]"))
        statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        payload = notify("PAYMENT_SUCCESS", ids, "pay-1", {"amount": "5 000 FCFA", "payment_uuid": "u"}).payload
        async with container() as request:
            assert await (await request.get(NotifyUsers))(payload) == 1000
        # 8: accounts, choices, the inbox insert, its NOTIFY, the deliveries insert, accounts and devices for the
        # sends, their saves; whatever the number of recipients.
        assert len(statements) <= 10, statements
        assert len(expo.sent) == 1 and len(emails.sent) == 1000
        async with container() as request:
            assert await (await request.get(NotifyUsers))(payload) == 0  # run twice: nothing stored or sent again
        assert len(expo.sent) == 1 and len(emails.sent) == 1000
        async with container() as request:
            assert await (await request.get(SendDueDeliveries))() == 0
            page = await (await request.get(Inbox)).page(Actor(ids[-1], Realm.SPOTVIBE))
        assert [(n.title, n.message) for n in page.items] == [("Paiement confirmé",
                                                               "Votre paiement de 5 000 FCFA est confirmé.")]
    finally:
        await container.close()
