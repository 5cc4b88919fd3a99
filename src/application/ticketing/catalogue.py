"""The events catalogue's use cases: create, edit, delete, moderate; participate, share, count a view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from application.shared.ports import Clock, FileStorage, UnitOfWork, Upload
from application.shared.uploads import check_image
from application.ticketing.config import TicketingConfig
from application.ticketing.ports import (
    EventCreationPolicy,
    EventRepository,
    ParticipationRepository,
    ShareRepository,
    SoldTickets,
    ViewCounter,
)
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden, InvalidInput, NotFound
from domain.ticketing.errors import (
    AlreadyParticipating,
    CreationLimitReached,
    EventInvalid,
    NotParticipating,
    TicketsSold,
)
from domain.ticketing.model import (
    Event,
    EventDetails,
    EventStatus,
    Participation,
    ParticipationStatus,
    Platform,
    Share,
    Viewer,
    changed,
)
from domain.ticketing.permissions import (
    CREATE_EVENTS,
    MANAGE_ANY_EVENT,
    MODERATE_EVENTS,
    SEE_ANY_EVENT,
    TAKE_PART,
)

NOT_FOUND = "Événement introuvable"
MAX_LINK = 500


def is_visible(event: Event, actor: Actor | None) -> bool:
    """Published events to everyone; the others to their creator and to those who may see every event."""
    if event.status is EventStatus.VALIDATED:
        return True
    return actor is not None and (actor.is_user(event.creator_id) or SEE_ANY_EVENT.allows(actor))


async def _managed(events: EventRepository, event_id: int, actor: Actor) -> Event:
    """The event, locked, if the actor may change it: 404 when they cannot even see it, 403 when they can."""
    event = await events.get_for_update(event_id)
    if event is None or not is_visible(event, actor):
        raise NotFound(NOT_FOUND)
    if not (actor.is_user(event.creator_id) or MANAGE_ANY_EVENT.allows(actor)):
        raise Forbidden(MANAGE_ANY_EVENT.refusal)
    return event


def _cover_problem(errors: dict[str, list[str]], cover: Upload | None) -> None:
    if cover is not None and (problem := check_image(cover)):
        errors.setdefault("cover_image", []).append(problem)


@dataclass(frozen=True)
class CreateEventCommand:
    actor: Actor
    details: EventDetails
    cover: Upload | None = None
    draft: bool = False


class CreateEvent:
    def __init__(self, events: EventRepository, policy: EventCreationPolicy, storage: FileStorage,
                 uow: UnitOfWork, clock: Clock, config: TicketingConfig) -> None:
        self._events = events
        self._policy = policy
        self._storage = storage
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: CreateEventCommand) -> Event:
        CREATE_EVENTS.check(cmd.actor)
        now = self._clock.now()
        errors = cmd.details.problems()
        _cover_problem(errors, cmd.cover)
        if errors:
            raise EventInvalid("Les données de l'événement sont invalides", details=errors)
        limit = await self._policy.max_events(cmd.actor)
        if limit is not None and await self._events.count_by_creator(cmd.actor.user_id) >= limit:
            raise CreationLimitReached(limit)
        event = Event.create(cmd.actor.user_id, cmd.details, now, draft=cmd.draft)
        if cmd.cover is not None:
            event.cover_image = await self._storage.save(self._config.cover_folder, cmd.cover)
        try:
            await self._events.add(event)
            await self._uow.commit()
        except BaseException:
            if event.cover_image:
                await self._storage.delete(event.cover_image)
            raise
        return event


@dataclass(frozen=True)
class UpdateEventCommand:
    """`changes` holds only the details sent, by EventDetails' names; `submit` sends a draft for validation."""

    actor: Actor
    event_id: int
    changes: Mapping[str, Any] = field(default_factory=dict)
    cover: Upload | None = None
    submit: bool = False


class UpdateEvent:
    def __init__(self, events: EventRepository, storage: FileStorage, uow: UnitOfWork, clock: Clock,
                 config: TicketingConfig) -> None:
        self._events = events
        self._storage = storage
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: UpdateEventCommand) -> Event:
        event = await _managed(self._events, cmd.event_id, cmd.actor)
        now = self._clock.now()
        event.check_editable(now)
        details = changed(event.details, **cmd.changes)
        errors = details.problems()
        _cover_problem(errors, cmd.cover)
        if errors:
            raise EventInvalid("Les données de l'événement sont invalides", details=errors)
        old_cover = event.cover_image
        event.edit(details, now, submit=cmd.submit)
        if cmd.cover is not None:
            event.cover_image = await self._storage.save(self._config.cover_folder, cmd.cover)
        try:
            await self._events.save(event)
            await self._uow.commit()
        except BaseException:
            if cmd.cover is not None and event.cover_image:
                await self._storage.delete(event.cover_image)
            raise
        if cmd.cover is not None and old_cover:
            await self._storage.delete(old_cover)
        return event


@dataclass(frozen=True)
class EventCommand:
    actor: Actor
    event_id: int


class DeleteEvent:
    """Only an event without tickets sold may go; one with tickets is cancelled instead (its buyers refunded)."""

    def __init__(self, events: EventRepository, sold: SoldTickets, storage: FileStorage, uow: UnitOfWork) -> None:
        self._events = events
        self._sold = sold
        self._storage = storage
        self._uow = uow

    async def __call__(self, cmd: EventCommand) -> None:
        event = await _managed(self._events, cmd.event_id, cmd.actor)
        sold = await self._sold.count_for(cmd.event_id)
        if sold > 0:
            raise TicketsSold(sold)
        await self._events.delete(event)
        await self._uow.commit()
        if event.cover_image:
            await self._storage.delete(event.cover_image)


class CancelEvent:
    """ANNULE, by its organiser or an admin; the sales half hears it through the outbox (EventCancelled) and
    cancels or refunds its tickets in a job."""

    def __init__(self, events: EventRepository, uow: UnitOfWork, clock: Clock) -> None:
        self._events = events
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: EventCommand) -> Event:
        event = await _managed(self._events, cmd.event_id, cmd.actor)
        event.cancel(self._clock.now())
        await self._events.save(event)
        await self._uow.commit()
        return event


@dataclass(frozen=True)
class ModerateCommand:
    actor: Actor
    event_ids: Sequence[int]
    approve: bool
    reason: str = ""


class ModerateEvents:
    """Approves or rejects pending events, all or none: an id that names no event, or an event not awaiting
    validation, refuses the whole batch and nothing is written."""

    def __init__(self, events: EventRepository, uow: UnitOfWork, clock: Clock) -> None:
        self._events = events
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: ModerateCommand) -> int:
        MODERATE_EVENTS.check(cmd.actor)
        wanted = sorted(set(cmd.event_ids))
        if not wanted:
            raise InvalidInput.on_field("event_ids", "Au moins un identifiant est attendu")
        if not cmd.approve and not cmd.reason.strip():
            raise InvalidInput.on_field("reason", "Une raison est requise pour rejeter des événements")
        found = {event.id: event for event in await self._events.many_for_update(wanted)}
        missing = [event_id for event_id in wanted if event_id not in found]
        if missing:
            raise InvalidInput.on_field("event_ids", f"Événements introuvables : {', '.join(map(str, missing))}")
        now = self._clock.now()
        not_pending = [f"{event_id} ({found[event_id].status_at(now).value})" for event_id in wanted
                       if found[event_id].status is not EventStatus.PENDING]
        if not_pending:
            raise InvalidInput.on_field("event_ids", f"Événements non en attente de validation : "
                                                     f"{', '.join(not_pending)}")
        for event_id in wanted:
            event = found[event_id]
            if cmd.approve:
                event.approve(cmd.actor.user_id, now)
            else:
                event.reject(cmd.actor.user_id, cmd.reason, now)
            await self._events.save(event)
        await self._uow.commit()
        return len(wanted)


@dataclass(frozen=True)
class ParticipateCommand:
    actor: Actor
    event_id: int
    status: ParticipationStatus


class Participate:
    """One participation per account and event; sending the other status changes it, the same one is refused."""

    def __init__(self, events: EventRepository, participations: ParticipationRepository, uow: UnitOfWork,
                 clock: Clock) -> None:
        self._events = events
        self._participations = participations
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: ParticipateCommand) -> Participation:
        TAKE_PART.check(cmd.actor)
        now = self._clock.now()
        event = await self._events.get_for_update(cmd.event_id)
        if event is None or not is_visible(event, cmd.actor):
            raise NotFound(NOT_FOUND)
        if not event.takes_part_now(now):
            raise InvalidInput.on_field(
                "event_id", f"Événement non ouvert aux participations (statut {event.status_at(now).value})")
        found = await self._participations.get(cmd.event_id, cmd.actor.user_id)
        if found is not None:
            if found.status is cmd.status:
                raise AlreadyParticipating()
            found.status = cmd.status
            found.updated_at = now
            await self._participations.save(found)
            await self._uow.commit()
            return found
        participation = await self._participations.add(Participation(
            event_id=cmd.event_id, user_id=cmd.actor.user_id, status=cmd.status, created_at=now, updated_at=now))
        await self._uow.commit()
        return participation


class CancelParticipation:
    def __init__(self, participations: ParticipationRepository, uow: UnitOfWork) -> None:
        self._participations = participations
        self._uow = uow

    async def __call__(self, cmd: EventCommand) -> None:
        TAKE_PART.check(cmd.actor)
        found = await self._participations.get(cmd.event_id, cmd.actor.user_id)
        if found is None:
            raise NotParticipating()
        await self._participations.delete(found)
        await self._uow.commit()


@dataclass(frozen=True)
class ShareCommand:
    actor: Actor
    event_id: int
    platform: Platform
    link: str = ""


class ShareEvent:
    def __init__(self, events: EventRepository, shares: ShareRepository, uow: UnitOfWork, clock: Clock) -> None:
        self._events = events
        self._shares = shares
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: ShareCommand) -> Share:
        TAKE_PART.check(cmd.actor)
        link = cmd.link.strip()
        if link and (len(link) > MAX_LINK or not link.startswith(("https://", "http://"))):
            raise InvalidInput.on_field("link", f"Un lien http(s) de {MAX_LINK} caractères au plus est attendu")
        event = await self._events.get_for_update(cmd.event_id)
        if event is None or not is_visible(event, cmd.actor):
            raise NotFound(NOT_FOUND)
        if event.status is not EventStatus.VALIDATED:
            raise InvalidInput.on_field("event_id", "Seul un événement publié peut être partagé")
        share = await self._shares.add(Share(event_id=cmd.event_id, user_id=cmd.actor.user_id,
                                             platform=cmd.platform, link=link, created_at=self._clock.now()))
        await self._uow.commit()
        return share


class RecordView:
    """Counts a look at a published event, once per viewer within the configured window; its creator's own
    looks do not count. The caller has checked the viewer may see the event. The counter commits by itself
    (one statement): a look opens no unit of work."""

    def __init__(self, counter: ViewCounter, clock: Clock, config: TicketingConfig) -> None:
        self._counter = counter
        self._clock = clock
        self._config = config

    async def __call__(self, event: Event, viewer: Viewer) -> bool:
        assert event.id is not None
        if event.status is not EventStatus.VALIDATED or viewer == Viewer.account(event.creator_id):
            return False
        return await self._counter.count(event.id, viewer, self._clock.now(), self._config.view_window)
