"""The catalogue's read side: one round trip each (see adapters/sql/reads.py)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, String, bindparam, case, func, literal_column, or_, select
from sqlalchemy.sql import ColumnElement

from adapters.sql.patterns import any_matches, containing
from adapters.sql.reads import ReadStatement, RowReader, SqlReads
from adapters.sql.ticketing import tables
from application.ticketing.ports import EventCard, EventSearch, EventStats, Participant
from domain.ticketing import trending
from domain.ticketing.model import Event, EventStatus, Participation, ParticipationStatus

_events, _participations, _shares, _viewers, _accounts = (
    tables.events, tables.participations, tables.shares, tables.viewers, tables.accounts)


def _is(column: ColumnElement[object], value: str) -> ColumnElement[bool]:
    """A comparison with a constant written into the statement (a read statement binds named values only)."""
    return column == literal_column(f"'{value}'")


_published = _is(_events.c.status, EventStatus.VALIDATED.value)
_going = _is(_participations.c.status, ParticipationStatus.GOING.value)
_now = bindparam("now", type_=DateTimeUTC)
_card_columns = (*_events.c, _accounts.c.username.label("creator_username"))
_with_creator = _events.join(_accounts, _accounts.c.id == _events.c.creator_id)
_CARD = select(*_card_columns).select_from(_with_creator)

_viewer, _status = bindparam("viewer_id", type_=BigInteger), bindparam("status", type_=String)
_category, _pattern = bindparam("category_id", type_=BigInteger), bindparam("pattern", type_=String)


@dataclass(frozen=True)
class _Shape:
    """Which conditions a list search has: each shape is its own statement, so that PostgreSQL plans it with the
    indexes it can use (one statement with `$n IS NULL OR ...` for every filter gets a plan that scans all)."""

    visibility: str  # "public", "viewer" (published or theirs), "all"
    status: bool
    finished: bool | None  # True: over only; False: not over only; None: both
    category: bool
    search: bool


@functools.cache
def _list_statements(shape: _Shape) -> tuple[ReadStatement, ReadStatement]:
    """The page (with the total, counted apart in a scalar subquery) and the total alone."""
    conditions: list[ColumnElement[bool]] = []
    if shape.visibility == "public":
        conditions.append(_published)
    elif shape.visibility == "viewer":
        conditions.append(or_(_published, _events.c.creator_id == _viewer))
    if shape.status:
        conditions.append(_events.c.status == _status)
    if shape.finished is True:
        conditions.append(_events.c.ends_at <= _now)
    elif shape.finished is False:
        conditions.append(_events.c.ends_at > _now)
    if shape.category:
        conditions.append(_events.c.category_id == _category)
    if shape.search:
        conditions.append(any_matches(_pattern, _events.c.title, _events.c.description))
    count = select(func.count().label("total")).select_from(_events).where(*conditions)
    order = ((_events.c.starts_at.desc(), _events.c.id.desc()) if shape.finished is True
             else (_events.c.starts_at, _events.c.id))
    page = (_CARD.add_columns(count.scalar_subquery().label("total")).where(*conditions).order_by(*order)
            .limit(bindparam("limit")).offset(bindparam("offset")))
    return ReadStatement(page), ReadStatement(count)


_EVENT = ReadStatement(_CARD.where(_events.c.id == bindparam("event_id")))
_EVENTS_OF = ReadStatement(_CARD.where(_events.c.creator_id == bindparam("creator_id"))
                           .order_by(_events.c.created_at.desc(), _events.c.id.desc()))
_PARTICIPATIONS_OF = ReadStatement(
    select(*_participations.c, *[c.label(f"event__{c.name}") for c in _card_columns])
    .select_from(_participations.join(_with_creator, _events.c.id == _participations.c.event_id))
    .where(_participations.c.user_id == bindparam("user_id"))
    .order_by(_participations.c.updated_at.desc(), _participations.c.id.desc()))
_PARTICIPANTS = ReadStatement(
    select(_participations.c.user_id, _participations.c.status, _accounts.c.username, _accounts.c.photo)
    .select_from(_participations.join(_accounts, _accounts.c.id == _participations.c.user_id))
    .where(_participations.c.event_id == bindparam("event_id"))
    .order_by(_participations.c.created_at, _participations.c.id))
_STATS = ReadStatement(select(
    func.count().filter(_published).label("total"),
    func.count().filter(_published, _events.c.ends_at > _now).label("active"),
    func.count().filter(_published, _events.c.starts_at > _now).label("upcoming"),
    select(func.count()).select_from(_participations.join(_events, _events.c.id == _participations.c.event_id))
    .where(_published, _going).scalar_subquery().label("participants"),
).select_from(_events))

_since = bindparam("since", type_=DateTimeUTC)
_HALF_LIFE_SECONDS: ColumnElement[float] = literal_column(repr(trending.HALF_LIFE.total_seconds()))


def _decayed(at: ColumnElement[datetime]) -> ColumnElement[float]:
    age = func.greatest(func.extract("epoch", _now - at), literal_column("0"))
    return func.power(literal_column("0.5"), age / _HALF_LIFE_SECONDS)


def _weight(signal: trending.Signal) -> ColumnElement[float]:
    return literal_column(repr(trending.WEIGHT[signal]))


_view_scores = (select(_viewers.c.event_id, func.sum(_weight(trending.Signal.VIEW) * _decayed(_viewers.c.counted_at))
                       .label("score"))
                .where(_viewers.c.counted_at >= _since).group_by(_viewers.c.event_id).subquery("views"))
_share_scores = (select(_shares.c.event_id, func.sum(_weight(trending.Signal.SHARE) * _decayed(_shares.c.created_at))
                        .label("score"))
                 .where(_shares.c.created_at >= _since).group_by(_shares.c.event_id).subquery("shares"))
_participation_weight = case((_going, _weight(trending.Signal.GOING)), else_=_weight(trending.Signal.INTERESTED))
_participation_scores = (
    select(_participations.c.event_id,
           func.sum(_participation_weight * _decayed(_participations.c.updated_at)).label("score"))
    .where(_participations.c.updated_at >= _since).group_by(_participations.c.event_id).subquery("participations"))
_ZERO: ColumnElement[float] = literal_column("0")
_score = (func.coalesce(_view_scores.c.score, _ZERO) + func.coalesce(_share_scores.c.score, _ZERO)
          + func.coalesce(_participation_scores.c.score, _ZERO)).label("score")
_TRENDING = ReadStatement(
    select(*_card_columns, _score)
    .select_from(_with_creator.outerjoin(_view_scores, _view_scores.c.event_id == _events.c.id)
                 .outerjoin(_share_scores, _share_scores.c.event_id == _events.c.id)
                 .outerjoin(_participation_scores, _participation_scores.c.event_id == _events.c.id))
    .where(_published, _events.c.ends_at > _now)
    .order_by(_score.desc(), _events.c.starts_at, _events.c.id).limit(bindparam("limit")))

_event = RowReader(_events, Event)
_event_of_participation = RowReader(_events, Event, prefix="event__")
_participation = RowReader(_participations, Participation)


def _card(row: object, prefix: str = "") -> EventCard:
    reader = _event_of_participation if prefix else _event
    return EventCard(reader(row), row[f"{prefix}creator_username"])  # type: ignore[arg-type, index]


def _shape_and_values(search: EventSearch) -> tuple[_Shape, dict[str, object]]:
    """Without a status, the list shows what is not over yet; TERMINE is a validated event that is over."""
    status: str | None = None
    finished: bool | None = False
    if search.status is EventStatus.FINISHED:
        status, finished = EventStatus.VALIDATED.value, True
    elif search.status is not None:
        status = search.status.value
        finished = False if search.status is EventStatus.VALIDATED else None
    visibility = "all" if search.see_all else ("public" if search.viewer_id is None else "viewer")
    shape = _Shape(visibility, status is not None, finished, search.category_id is not None,
                   search.search is not None)
    values: dict[str, object] = {"now": search.now, "viewer_id": search.viewer_id, "status": status,
                                 "category_id": search.category_id,
                                 "pattern": None if search.search is None else containing(search.search)}
    return shape, values


class SqlTicketingReads(SqlReads):
    async def events(self, search: EventSearch) -> tuple[list[EventCard], int]:
        _require_aware(search.now)
        shape, values = _shape_and_values(search)
        page, count = _list_statements(shape)
        rows = await self._all(page, **values, limit=search.limit, offset=search.offset)  # each takes its own
        if rows:
            return [_card(row) for row in rows], int(rows[0]["total"])
        row = await self._first(count, **values)  # a page past the end
        return [], int(row["total"]) if row is not None else 0

    async def event(self, event_id: int) -> EventCard | None:
        row = await self._first(_EVENT, event_id=event_id)
        return None if row is None else _card(row)

    async def events_of(self, creator_id: int) -> list[EventCard]:
        return [_card(row) for row in await self._all(_EVENTS_OF, creator_id=creator_id)]

    async def participations_of(self, user_id: int) -> list[tuple[Participation, EventCard]]:
        rows = await self._all(_PARTICIPATIONS_OF, user_id=user_id)
        return [(_participation(row), _card(row, "event__")) for row in rows]

    async def participants(self, event_id: int) -> list[Participant]:
        return [Participant(row["user_id"], row["username"], row["photo"], ParticipationStatus(row["status"]))
                for row in await self._all(_PARTICIPANTS, event_id=event_id)]

    async def stats(self, now: datetime) -> EventStats:
        _require_aware(now)
        row = await self._first(_STATS, now=now)
        assert row is not None
        return EventStats(total_events=row["total"], active_events=row["active"], upcoming_events=row["upcoming"],
                          total_participants=row["participants"])

    async def trending(self, now: datetime, limit: int) -> list[tuple[EventCard, float]]:
        _require_aware(now)
        rows = await self._all(_TRENDING, now=now, since=now - trending.WINDOW, limit=limit)
        return [(_card(row), float(row["score"])) for row in rows]


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None:
        raise TypeError("tzinfo is required")  # as the ORM's DateTimeUTC: asyncpg would assume local time
