"""`agora seed --demo` for notifications: the SpotVibe demo accounts' inboxes (a reminder, a burst of comments
that reaches phones as one digest, an announcement), told through the real notify job, some already read.
Idempotent: each happening has a fixed key, and an inbox holds one entry per key."""

from __future__ import annotations

from dishka import AsyncContainer

from application.identity.ports import UserRepository
from application.notifications.inbox import MarkRead
from application.notifications.sending import NotifyUsers
from application.ticketing.queries import TicketingQueries
from domain.identity.model import Realm
from domain.notifications import kinds
from domain.shared.actor import Actor
from domain.ticketing.model import Event
from entrypoints.seed import ADMIN, ORGANISERS, PARTICIPANTS, call, in_scope


async def notifications_demo(container: AsyncContainer) -> dict[str, int]:
    async def find(users: UserRepository) -> dict[str, int]:
        found = {}
        for who in (*ORGANISERS, *PARTICIPANTS, ADMIN):
            user = await users.by_email(Realm.SPOTVIBE, f"{who.username}@spotvibe.demo")
            if user is not None and user.id is not None:
                found[who.username] = user.id
        return found

    accounts = await in_scope(container, find, UserRepository)
    if not accounts:
        return {}
    fans = [accounts[p.username] for p in PARTICIPANTS if p.username in accounts]
    organisers = [accounts[o.username] for o in ORGANISERS if o.username in accounts]
    async def first_events(queries: TicketingQueries) -> list[Event]:
        return [card.event for card in (await queries.events(None, page=1, page_size=3)).cards]

    stored = 0
    for event in await in_scope(container, first_events, TicketingQueries):
        stored += await call(container, NotifyUsers, {
            "kind": kinds.EVENT_REMINDER.code, "user_ids": fans, "key": f"demo:reminder:{event.id}",
            "data": {"event_id": event.id, "title": event.title, "when": "demain à 20:00"}})
    for n, author in enumerate(("Awa", "Koffi", "Sènan"), 1):
        stored += await call(container, NotifyUsers, {
            "kind": kinds.NEW_COMMENT.code, "user_ids": organisers, "key": f"demo:comment:{n}",
            "data": {"author": author, "subject": "Soirée afrobeat", "thread_id": "demo"}})
    stored += await call(container, NotifyUsers, {
        "kind": kinds.ANNOUNCEMENT.code, "user_ids": sorted(accounts.values()), "key": "demo:announcement:1",
        "data": {"title": "Nouveau sur SpotVibe", "message": "Payez vos billets par Moov Money et Orange Money."}})
    if stored:
        for user_id in fans[: len(fans) // 2]:
            await call(container, MarkRead, Actor(user_id, Realm.SPOTVIBE), None)
    return {"notifications": stored}
