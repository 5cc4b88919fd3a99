"""The announcements' read side: one round trip each, straight on asyncpg (see adapters/sql/reads.py)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, String, bindparam, case, exists, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import ColumnElement

from adapters.sql.announcements import tables
from adapters.sql.patterns import any_matches, containing
from adapters.sql.reads import ReadStatement, RowReader, SqlReads
from application.announcements.ports import AnnouncementCard, AnnouncementFilter
from domain.announcements.model import PRIORITY_RANK, Announcement

_a, _reads = tables.announcements, tables.reads
_reader, _now = bindparam("reader_id", type_=BigInteger), bindparam("now", type_=DateTimeUTC)
_sites, _pattern = bindparam("site_ids", type_=ARRAY(BigInteger)), bindparam("pattern", type_=String)
_IS_READ = exists().where(_reads.c.announcement_id == _a.c.id, _reads.c.user_id == _reader)
# Constants written into the statement (a read statement binds named values only).
_PRIORITY = case(*[(_a.c.priority == literal_column(f"'{p.value}'"), literal_column(str(rank)))
                   for p, rank in PRIORITY_RANK.items()], else_=literal_column("0"))
_ROW = RowReader(tables.announcements, Announcement)


@dataclass(frozen=True)
class _Shape:
    """Which conditions a list has; each shape is its own statement (planned with the indexes it can use)."""

    scoped: bool  # to some sites (and church-wide ones when `church_wide`)
    church_wide: bool
    active: bool
    search: bool
    is_read: bool | None


@functools.cache
def _page_statement(shape: _Shape) -> ReadStatement:
    conditions: list[ColumnElement[bool]] = []
    if shape.scoped:
        in_sites = _a.c.site_id == func.any(_sites)
        conditions.append(or_(in_sites, _a.c.site_id.is_(None)) if shape.church_wide else in_sites)
    if shape.active:
        conditions.append(_a.c.start_date <= _now)
        conditions.append(or_(_a.c.end_date.is_(None), _a.c.end_date > _now))
    if shape.search:
        conditions.append(any_matches(_pattern, _a.c.title, _a.c.content))
    if shape.is_read is not None:
        conditions.append(_IS_READ if shape.is_read else ~_IS_READ)
    count = select(func.count()).select_from(_a).where(*conditions).scalar_subquery()
    return ReadStatement(
        select(*_a.c, _IS_READ.label("is_read"), count.label("total")).where(*conditions)
        .order_by(_a.c.is_pinned.desc(), _PRIORITY.desc(), _a.c.start_date.desc(), _a.c.id.desc())
        .limit(bindparam("limit")).offset(bindparam("offset")))


_ONE = ReadStatement(select(*_a.c, _IS_READ.label("is_read")).where(_a.c.id == bindparam("announcement_id")))


def _card(record: Any) -> AnnouncementCard:
    return AnnouncementCard(_ROW(record), bool(record["is_read"]))


class SqlAnnouncementReads(SqlReads):
    async def page(self, wanted: AnnouncementFilter, limit: int, offset: int) -> tuple[int, list[AnnouncementCard]]:
        scoped = wanted.site_ids is not None
        shape = _Shape(scoped=scoped, church_wide=wanted.church_wide, active=wanted.active_at is not None,
                       search=bool(wanted.search), is_read=wanted.is_read)
        params: dict[str, Any] = {"reader_id": wanted.reader_id, "limit": limit, "offset": offset}
        if scoped:
            params["site_ids"] = sorted(wanted.site_ids or ())
        if wanted.active_at is not None:
            params["now"] = wanted.active_at
        if wanted.search:
            params["pattern"] = containing(wanted.search)
        rows = await self._all(_page_statement(shape), **params)
        if not rows and offset:  # past the last page: the total still
            first = await self._all(_page_statement(shape), **{**params, "limit": 1, "offset": 0})
            return (int(first[0]["total"]) if first else 0), []
        if not rows:
            return 0, []
        return int(rows[0]["total"]), [_card(row) for row in rows]

    async def one(self, announcement_id: int, reader_id: int) -> AnnouncementCard | None:
        row = await self._first(_ONE, announcement_id=announcement_id, reader_id=reader_id)
        return _card(row) if row else None
