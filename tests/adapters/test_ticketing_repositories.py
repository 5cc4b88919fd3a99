"""One contract for the catalogue's repositories and read side, run against memory and PostgreSQL alike; then
what only the database shows (concurrent views of one viewer, CHECK constraints, the SQL trending score agreeing
with the domain's formula). The read side sees committed data only: the tests commit before they read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from adapters.memory import identity as memory_identity
from adapters.memory import ticketing as memory
from adapters.memory.store import MemoryStore, MemoryUnitOfWork
from adapters.sql.database import make_engine, make_sessionmaker
from adapters.sql.identity import repositories as sql_identity
from adapters.sql.reads import ReadPool
from adapters.sql.ticketing import repositories as sql
from adapters.sql.ticketing import tables
from adapters.sql.ticketing.reads import SqlTicketingReads
from application.ticketing.config import TicketingConfig
from application.ticketing.ports import EventSearch
from domain.identity.model import Realm, User
from domain.shared.actor import Actor
from domain.shared.money import Money
from domain.ticketing import trending
from domain.ticketing.errors import AlreadyParticipating
from domain.ticketing.model import (
    AccessType,
    Event,
    EventDetails,
    EventStatus,
    Participation,
    ParticipationStatus,
    Platform,
    Share,
    Viewer,
)

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=30)


@dataclass
class Repos:
    events: Any
    participations: Any
    shares: Any
    views: Any
    policy: Any
    reads: Any
    commit: Any
    organiser: int
    other: int
    kind: str


async def _users(users: Any) -> tuple[int, int]:
    ids = []
    for name, verified in (("orga", True), ("koffi", False)):
        user = await users.add(User(realm=Realm.SPOTVIBE, username=name, email=f"{name}@example.com",
                                    password_hash="h", created_at=NOW, identity_verified=verified,
                                    photo=f"/media/avatars/{name}.png"))
        ids.append(user.id)
    return ids[0], ids[1]


@pytest.fixture(params=["memory", "sql"])
async def repos(request: pytest.FixtureRequest, database_url: str, clean_database: None) -> AsyncIterator[Repos]:
    config = TicketingConfig()
    if request.param == "memory":
        store = MemoryStore()
        organiser, other = await _users(memory_identity.MemoryUserRepository(store))
        yield Repos(memory.MemoryEventRepository(store), memory.MemoryParticipationRepository(store),
                    memory.MemoryShareRepository(store), memory.MemoryViewCounter(store),
                    memory.MemoryEventCreationPolicy(store, config), memory.MemoryTicketingReads(store),
                    MemoryUnitOfWork(store).commit, organiser, other, "memory")
        return
    engine = make_engine(database_url)
    reads = await ReadPool.open(database_url, max_size=2)
    async with make_sessionmaker(engine)() as session:
        organiser, other = await _users(sql_identity.SqlUserRepository(session))
        await session.commit()
        yield Repos(sql.SqlEventRepository(session), sql.SqlParticipationRepository(session),
                    sql.SqlShareRepository(session), sql.SqlViewCounter(reads),
                    sql.SqlEventCreationPolicy(session, config), SqlTicketingReads(reads), session.commit,
                    organiser, other, "sql")
    await reads.close()
    await engine.dispose()


def details(**changes: Any) -> EventDetails:
    values: dict[str, Any] = {
        "title": "Festival de Jazz", "description": "Un festival annuel de jazz.", "venue": "Parc Central",
        "starts_at": NOW + timedelta(days=3), "ends_at": NOW + timedelta(days=4), "category_id": 1,
        "access_type": AccessType.PAID, "price": Money(5000, "XOF"), "capacity": 200,
        "latitude": 6.3654, "longitude": 2.4183, "address": "Cotonou"}
    values.update(changes)
    return EventDetails(**values)


async def an_event(repos: Repos, *, published: bool = True, creator: int | None = None, **changes: Any) -> Event:
    event = Event.create(creator or repos.organiser, details(**changes), NOW)
    if published:
        event.approve(1, NOW)
    await repos.events.add(event)
    await repos.commit()
    return event


async def test_an_event_goes_in_and_comes_back_whole(repos: Repos) -> None:
    event = await an_event(repos, published=False)
    assert event.id is not None
    loaded = await repos.events.get_for_update(event.id)
    assert loaded is not None
    assert loaded.details == event.details and loaded.status is EventStatus.PENDING
    loaded.approve(1, NOW)
    await repos.events.save(loaded)
    await repos.commit()
    card = await repos.reads.event(event.id)
    assert card is not None and card.creator_username == "orga"
    assert card.event.status is EventStatus.VALIDATED and card.event.price == Money(5000, "XOF")
    assert card.event.starts_at == event.starts_at and card.event.decided_by == 1
    assert await repos.events.count_by_creator(repos.organiser) == 1
    assert await repos.events.many_for_update([event.id, 10**6]) != []


async def test_the_list_shows_what_the_viewer_may_see_with_its_total(repos: Repos) -> None:
    published = [await an_event(repos, title=f"Concert {n}", starts_at=NOW + timedelta(days=n + 1),
                                ends_at=NOW + timedelta(days=n + 2)) for n in range(3)]
    mine = await an_event(repos, published=False, title="Brouillon de jazz")
    theirs = await an_event(repos, published=False, creator=repos.other, title="Autre")
    public = EventSearch(now=NOW, viewer_id=None, see_all=False, limit=2, offset=0)
    cards, total = await repos.reads.events(public)
    assert total == 3 and [c.event.id for c in cards] == [published[0].id, published[1].id]
    cards, total = await repos.reads.events(EventSearch(now=NOW, viewer_id=None, see_all=False, limit=2, offset=2))
    assert total == 3 and [c.event.id for c in cards] == [published[2].id]
    cards, total = await repos.reads.events(EventSearch(now=NOW, viewer_id=None, see_all=False, limit=2, offset=8))
    assert (cards, total) == ([], 3)
    cards, total = await repos.reads.events(EventSearch(now=NOW, viewer_id=repos.organiser, see_all=False))
    assert mine.id in {c.event.id for c in cards} and theirs.id not in {c.event.id for c in cards}
    _, total = await repos.reads.events(EventSearch(now=NOW, viewer_id=None, see_all=True))
    assert total == 5
    cards, _ = await repos.reads.events(EventSearch(now=NOW, viewer_id=repos.organiser, see_all=False,
                                                    search="BROUILLON"))
    assert [c.event.id for c in cards] == [mine.id]
    cards, _ = await repos.reads.events(EventSearch(now=NOW, viewer_id=None, see_all=True, search="50%_"))
    assert cards == []
    cards, _ = await repos.reads.events(EventSearch(now=NOW, viewer_id=None, see_all=True,
                                                    status=EventStatus.PENDING))
    assert {c.event.id for c in cards} == {mine.id, theirs.id}


async def test_over_events_are_finished_and_shown_only_when_asked(repos: Repos) -> None:
    later = await an_event(repos, starts_at=NOW + timedelta(days=5), ends_at=NOW + timedelta(days=6))
    soon = await an_event(repos, starts_at=NOW + timedelta(days=1), ends_at=NOW + timedelta(days=2))
    sooner = await an_event(repos, starts_at=NOW + timedelta(hours=1), ends_at=NOW + timedelta(days=1))
    after = NOW + timedelta(days=3)
    everything, total = await repos.reads.events(EventSearch(now=after, viewer_id=None, see_all=False))
    assert [c.event.id for c in everything] == [later.id] and total == 1
    finished, total = await repos.reads.events(EventSearch(now=after, viewer_id=None, see_all=False,
                                                           status=EventStatus.FINISHED))
    assert [c.event.id for c in finished] == [soon.id, sooner.id] and total == 2  # latest first
    live, _ = await repos.reads.events(EventSearch(now=after, viewer_id=None, see_all=False,
                                                   status=EventStatus.VALIDATED))
    assert [c.event.id for c in live] == [later.id]
    other_category, _ = await repos.reads.events(EventSearch(now=after, viewer_id=None, see_all=False,
                                                             category_id=2))
    assert other_category == []


async def test_one_participation_per_account_and_event(repos: Repos) -> None:
    event = await an_event(repos)
    assert event.id is not None
    added = await repos.participations.add(Participation(event_id=event.id, user_id=repos.other,
                                                         status=ParticipationStatus.INTERESTED, created_at=NOW,
                                                         updated_at=NOW))
    await repos.commit()
    with pytest.raises(AlreadyParticipating):
        await repos.participations.add(Participation(event_id=event.id, user_id=repos.other,
                                                     status=ParticipationStatus.GOING, created_at=NOW,
                                                     updated_at=NOW))
    found = await repos.participations.get(event.id, repos.other)
    assert found is not None and found.id == added.id
    found.status = ParticipationStatus.GOING
    await repos.participations.save(found)
    await repos.commit()
    people = await repos.reads.participants(event.id)
    assert [(p.username, p.photo, p.status) for p in people] == [
        ("koffi", "/media/avatars/koffi.png", ParticipationStatus.GOING)]
    mine = await repos.reads.participations_of(repos.other)
    assert [(p.event_id, card.event.title, card.creator_username) for p, card in mine] == [
        (event.id, "Festival de Jazz", "orga")]
    stats = await repos.reads.stats(NOW)
    assert (stats.total_events, stats.active_events, stats.upcoming_events, stats.total_participants) == (1, 1, 1, 1)
    await repos.participations.delete(found)
    await repos.commit()
    assert await repos.reads.participants(event.id) == []


async def test_shares_and_views_move_the_counters(repos: Repos) -> None:
    event = await an_event(repos)
    assert event.id is not None
    await repos.shares.add(Share(event_id=event.id, user_id=repos.other, platform=Platform.WHATSAPP,
                                 link="https://example.com", created_at=NOW))
    await repos.commit()  # views are counted apart, each in its own statement
    viewer = Viewer.anonymous("203.0.113.7")
    assert await repos.views.count(event.id, viewer, NOW, WINDOW)
    assert not await repos.views.count(event.id, viewer, NOW + timedelta(minutes=29), WINDOW)
    assert await repos.views.count(event.id, viewer, NOW + timedelta(minutes=31), WINDOW)
    assert await repos.views.count(event.id, Viewer.account(repos.other), NOW, WINDOW)
    await repos.commit()
    card = await repos.reads.event(event.id)
    assert card is not None and (card.event.view_count, card.event.share_count) == (3, 1)


async def test_deleting_an_event_takes_its_participations_shares_and_views(repos: Repos) -> None:
    event = await an_event(repos)
    assert event.id is not None
    await repos.participations.add(Participation(event_id=event.id, user_id=repos.other,
                                                 status=ParticipationStatus.GOING, created_at=NOW, updated_at=NOW))
    await repos.shares.add(Share(event_id=event.id, user_id=None, platform=Platform.OTHER, link="", created_at=NOW))
    await repos.commit()
    await repos.views.count(event.id, Viewer.account(repos.other), NOW, WINDOW)
    loaded = await repos.events.get_for_update(event.id)
    await repos.events.delete(loaded)
    await repos.commit()
    assert await repos.reads.event(event.id) is None
    assert await repos.reads.participations_of(repos.other) == []
    assert await repos.events.get_for_update(event.id) is None


async def test_the_creation_policy_limits_unverified_accounts(repos: Repos) -> None:
    assert await repos.policy.max_events(Actor(repos.organiser, Realm.SPOTVIBE)) is None
    assert await repos.policy.max_events(Actor(repos.other, Realm.SPOTVIBE)) == 1
    assert await repos.policy.max_events(Actor(repos.other, Realm.SPOTVIBE, frozenset({"admin"}))) is None


async def test_the_trending_score_is_the_domains_formula(repos: Repos) -> None:
    quiet = await an_event(repos, title="Calme")
    busy = await an_event(repos, title="Couru")
    await an_event(repos, published=False, title="En attente")
    assert busy.id is not None
    now = NOW + timedelta(hours=10)
    await repos.views.count(busy.id, Viewer.account(repos.other), NOW, WINDOW)
    await repos.shares.add(Share(event_id=busy.id, user_id=repos.other, platform=Platform.FACEBOOK, link="",
                                 created_at=NOW + timedelta(hours=5)))
    await repos.participations.add(Participation(event_id=busy.id, user_id=repos.other,
                                                 status=ParticipationStatus.GOING, created_at=NOW,
                                                 updated_at=NOW + timedelta(hours=1)))
    await repos.shares.add(Share(event_id=busy.id, user_id=None, platform=Platform.OTHER, link="",
                                 created_at=NOW - timedelta(days=20)))  # outside the window
    await repos.commit()
    ranked = await repos.reads.trending(now, 10)
    assert [card.event.id for card, _ in ranked] == [busy.id, quiet.id]
    expected = trending.score([(trending.Signal.VIEW, NOW), (trending.Signal.SHARE, NOW + timedelta(hours=5)),
                               (trending.Signal.GOING, NOW + timedelta(hours=1))], now)
    assert ranked[0][1] == pytest.approx(expected) and ranked[1][1] == 0


async def test_concurrent_looks_of_one_viewer_count_once(database_url: str, clean_database: None) -> None:
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    reads = await ReadPool.open(database_url, max_size=8)
    counter = sql.SqlViewCounter(reads)
    async with sessions() as session:
        organiser, _ = await _users(sql_identity.SqlUserRepository(session))
        event = Event.create(organiser, details(), NOW)
        event.approve(1, NOW)
        await sql.SqlEventRepository(session).add(event)
        await session.commit()
    assert event.id is not None

    async def look() -> bool:
        return await counter.count(event.id or 0, Viewer.anonymous("x"), NOW, WINDOW)

    results = await asyncio.gather(*(look() for _ in range(8)))
    assert results.count(True) == 1
    async with sessions() as session:
        loaded = await sql.SqlEventRepository(session).get_for_update(event.id)
        assert loaded is not None and loaded.view_count == 1
    await reads.close()
    await engine.dispose()


async def test_the_database_refuses_a_price_on_a_free_event(database_url: str, clean_database: None) -> None:
    engine = make_engine(database_url)
    async with make_sessionmaker(engine)() as session:
        organiser, _ = await _users(sql_identity.SqlUserRepository(session))
        event = Event.create(organiser, details(access_type=AccessType.FREE, price=None), NOW)
        await sql.SqlEventRepository(session).add(event)
        await session.commit()
        with pytest.raises(IntegrityError):
            await session.execute(update(tables.events).values(price_minor=100))
    await engine.dispose()
