"""SQL repositories of the notifications context, in Core statements on the unit of work's session (nothing is
mapped). A fan-out batch writes its rows with one `INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING
RETURNING` whatever its size (one array per column: no parameter limit, no round trip per row); counters and
state changes are one UPDATE each."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy import Table, case, delete, func, insert, select, text, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.notifications import tables
from application.notifications.ports import InboxPage
from domain.notifications.bulk import BulkSend
from domain.notifications.delivery import Delivery, DeliveryStatus
from domain.notifications.model import Channel, Notification, Preference, PushDevice


def _build(entity: type[Any], row: Any) -> Any:
    return entity(**dict(row._mapping))


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _unnest_insert(table: Table, columns: Sequence[tuple[str, str]], conflict: str, returning: str) -> Any:
    """`INSERT INTO table (columns) SELECT ... FROM unnest(:column::type[], ...) ON CONFLICT (conflict) DO
    NOTHING RETURNING returning`; jsonb columns travel as text arrays."""
    names = ", ".join(name for name, _ in columns)
    arrays = ", ".join(f"CAST(:{name} AS {'text' if kind == 'jsonb' else kind}[])" for name, kind in columns)
    picks = ", ".join(f"v.{name}::jsonb" if kind == "jsonb" else f"v.{name}" for name, kind in columns)
    return text(f"INSERT INTO {table.name} ({names}) SELECT {picks} FROM unnest({arrays}) AS v({names}) "  # noqa: S608
                f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {returning}")


def _arrays(entities: Sequence[Any], columns: Sequence[tuple[str, str]]) -> dict[str, list[Any]]:
    return {name: [json.dumps(getattr(e, name)) if kind == "jsonb" else _plain(getattr(e, name)) for e in entities]
            for name, kind in columns}


_INBOX_COLUMNS = (("user_id", "bigint"), ("realm", "text"), ("kind", "text"), ("title", "text"),
                  ("message", "text"), ("key", "text"), ("created_at", "timestamptz"), ("data", "jsonb"),
                  ("action_link", "text"), ("status", "text"), ("read_at", "timestamptz"))
_INSERT_INBOX = _unnest_insert(tables.inbox, _INBOX_COLUMNS, "user_id, key", "id, user_id, key")


class SqlNotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_many(self, notifications: Sequence[Notification]) -> list[Notification]:
        if not notifications:
            return []
        rows = await self._session.execute(_INSERT_INBOX, _arrays(notifications, _INBOX_COLUMNS))
        ids = {(user_id, key): new_id for new_id, user_id, key in rows}
        stored = []
        for notification in notifications:
            new_id = ids.pop((notification.user_id, notification.key), None)
            if new_id is not None:
                notification.id = int(new_id)
                stored.append(notification)
        return stored

    async def of_keys(self, key: str, user_ids: Sequence[int]) -> dict[int, Notification]:
        t = tables.inbox
        rows = await self._session.execute(select(t).where(t.c.key == key, t.c.user_id.in_(list(user_ids))))
        return {row.user_id: _build(Notification, row) for row in rows}

    async def get(self, user_id: int, notification_id: int) -> Notification | None:
        t = tables.inbox
        row = (await self._session.execute(
            select(t).where(t.c.id == notification_id, t.c.user_id == user_id))).first()
        return None if row is None else _build(Notification, row)

    async def page(self, user_id: int, *, is_read: bool | None, offset: int, limit: int) -> InboxPage:
        t = tables.inbox
        chosen = t.c.user_id == user_id
        if is_read is not None:
            chosen = chosen & (t.c.read_at.is_not(None) if is_read else t.c.read_at.is_(None))
        rows = await self._session.execute(
            select(t).where(chosen).order_by(t.c.created_at.desc(), t.c.id.desc()).offset(offset).limit(limit))
        items = [_build(Notification, row) for row in rows]
        if is_read is None:
            total, unread = await self.counts(user_id)
        else:
            unread_filter = t.c.read_at.is_(None)
            counted = (await self._session.execute(
                select(func.count().filter(t.c.read_at.is_not(None) if is_read else unread_filter),
                       func.count().filter(unread_filter)).where(t.c.user_id == user_id))).one()
            total, unread = int(counted[0]), int(counted[1])
        return InboxPage(items, total, unread)

    async def counts(self, user_id: int) -> tuple[int, int]:
        t = tables.inbox
        total, unread = (await self._session.execute(
            select(func.count(), func.count().filter(t.c.read_at.is_(None))).where(t.c.user_id == user_id))).one()
        return int(total), int(unread)

    async def mark_read(self, user_id: int, ids: Sequence[int] | None, now: datetime) -> int:
        t = tables.inbox
        statement = update(t).where(t.c.user_id == user_id, t.c.read_at.is_(None)).values(read_at=now)
        if ids is not None:
            if not ids:
                return 0
            statement = statement.where(t.c.id.in_(list(ids)))
        result = await self._session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def delete(self, user_id: int, notification_id: int) -> bool:
        t = tables.inbox
        row = (await self._session.execute(
            delete(t).where(t.c.id == notification_id, t.c.user_id == user_id).returning(t.c.id))).first()
        return row is not None


class SqlPreferenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_user(self, user_id: int) -> list[Preference]:
        t = tables.preferences
        rows = await self._session.execute(select(t).where(t.c.user_id == user_id).order_by(t.c.kind, t.c.channel))
        return [_build(Preference, row) for row in rows]

    async def of_users(self, user_ids: Sequence[int], kind: str) -> dict[tuple[int, Channel], Preference]:
        if not user_ids:
            return {}
        t = tables.preferences
        rows = await self._session.execute(select(t).where(t.c.kind == kind, t.c.user_id.in_(list(user_ids))))
        return {(row.user_id, row.channel): _build(Preference, row) for row in rows}

    async def put(self, preference: Preference) -> None:
        t = tables.preferences
        statement = pg_insert(t).values(user_id=preference.user_id, kind=preference.kind, channel=preference.channel,
                                        active=preference.active, frequency=preference.frequency)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[t.c.user_id, t.c.kind, t.c.channel],
            set_={"active": statement.excluded.active, "frequency": statement.excluded.frequency}))


class SqlDeviceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def register(self, device: PushDevice) -> PushDevice:
        t = tables.devices
        statement = pg_insert(t).values(
            user_id=device.user_id, token=device.token, service=device.service, platform=device.platform,
            device_name=device.device_name, created_at=device.created_at, updated_at=device.updated_at, active=True)
        moved = {name: statement.excluded[name] for name in ("user_id", "service", "platform", "device_name",
                                                             "updated_at")}
        row = (await self._session.execute(statement.on_conflict_do_update(
            index_elements=[t.c.token], set_={**moved, "active": true()}).returning(t))).one()
        stored: PushDevice = _build(PushDevice, row)
        return stored

    async def of_user(self, user_id: int) -> list[PushDevice]:
        t = tables.devices
        rows = await self._session.execute(select(t).where(t.c.user_id == user_id, t.c.active).order_by(t.c.id))
        return [_build(PushDevice, row) for row in rows]

    async def of_users(self, user_ids: Sequence[int]) -> dict[int, list[PushDevice]]:
        if not user_ids:
            return {}
        t = tables.devices
        rows = await self._session.execute(
            select(t).where(t.c.user_id.in_(list(user_ids)), t.c.active).order_by(t.c.id))
        found: dict[int, list[PushDevice]] = defaultdict(list)
        for row in rows:
            found[row.user_id].append(_build(PushDevice, row))
        return dict(found)

    async def deactivate(self, user_id: int, token: str) -> bool:
        t = tables.devices
        row = (await self._session.execute(update(t).where(t.c.user_id == user_id, t.c.token == token, t.c.active)
                                           .values(active=False).returning(t.c.id))).first()
        return row is not None

    async def forget_tokens(self, tokens: Sequence[str]) -> int:
        if not tokens:
            return 0
        t = tables.devices
        result = await self._session.execute(
            update(t).where(t.c.token.in_(list(tokens)), t.c.active).values(active=False))
        return int(result.rowcount)  # type: ignore[attr-defined]


_DELIVERY_COLUMNS = (("key", "text"), ("user_id", "bigint"), ("channel", "text"), ("kind", "text"),
                     ("title", "text"), ("body", "text"), ("due_at", "timestamptz"), ("created_at", "timestamptz"),
                     ("group_key", "text"), ("notification_id", "bigint"), ("status", "text"),
                     ("attempts", "integer"), ("provider_id", "text"), ("target", "text"), ("last_error", "text"),
                     ("sent_at", "timestamptz"), ("receipts", "jsonb"), ("receipts_checked", "boolean"))
_INSERT_DELIVERIES = _unnest_insert(tables.deliveries, _DELIVERY_COLUMNS, "key", "id, key")
_CHANGING = (("id", "bigint"), ("due_at", "timestamptz"), ("status", "text"), ("attempts", "integer"),
             ("provider_id", "text"), ("target", "text"), ("last_error", "text"), ("sent_at", "timestamptz"),
             ("receipts", "jsonb"), ("receipts_checked", "boolean"))
_SAVE_DELIVERIES = text(
    "UPDATE notifications_deliveries AS d SET "  # noqa: S608 (column names of this module)
    + ", ".join(f"{name} = v.{name}::jsonb" if kind == "jsonb" else f"{name} = v.{name}"
                for name, kind in _CHANGING[1:])
    + " FROM unnest(" + ", ".join(f"CAST(:{name} AS {'text' if kind == 'jsonb' else kind}[])"
                                  for name, kind in _CHANGING)
    + ") AS v(" + ", ".join(name for name, _ in _CHANGING) + ") WHERE d.id = v.id")
# The first `limit` due rows name the groups taken; every due row of those groups comes along, so a digest is
# never split. Rows another sender holds are skipped, not waited for.
_CLAIM_DUE = text(
    "WITH picked AS (SELECT DISTINCT group_key FROM (SELECT group_key FROM notifications_deliveries "
    "WHERE status = 'PENDING' AND due_at <= :now ORDER BY due_at, group_key LIMIT :limit) AS first_due) "
    "SELECT d.id FROM notifications_deliveries AS d JOIN picked USING (group_key) "
    "WHERE d.status = 'PENDING' AND d.due_at <= :now ORDER BY d.id FOR UPDATE OF d SKIP LOCKED")


class SqlDeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_many(self, deliveries: Sequence[Delivery]) -> list[Delivery]:
        if not deliveries:
            return []
        rows = await self._session.execute(_INSERT_DELIVERIES, _arrays(deliveries, _DELIVERY_COLUMNS))
        ids = {key: new_id for new_id, key in rows}
        stored = []
        for delivery in deliveries:
            new_id = ids.pop(delivery.key, None)
            if new_id is not None:
                delivery.id = int(new_id)
                stored.append(delivery)
        return stored

    async def claim_due(self, now: datetime, limit: int) -> list[Delivery]:
        ids = [row[0] for row in await self._session.execute(_CLAIM_DUE, {"now": now, "limit": limit})]
        if not ids:
            return []
        t = tables.deliveries
        rows = await self._session.execute(select(t).where(t.c.id.in_(ids)).order_by(t.c.id))
        return [_build(Delivery, row) for row in rows]

    async def save_many(self, deliveries: Sequence[Delivery]) -> None:
        if not deliveries:
            return
        await self._session.execute(_SAVE_DELIVERIES, _arrays(deliveries, _CHANGING))

    async def sent_by_expo_before(self, before: datetime, limit: int) -> list[Delivery]:
        t = tables.deliveries
        rows = await self._session.execute(
            select(t).where(t.c.status == DeliveryStatus.SENT, t.c.channel == Channel.PUSH, ~t.c.receipts_checked,
                            t.c.receipts != text("'{}'::jsonb"), t.c.sent_at < before)
            .order_by(t.c.sent_at, t.c.id).limit(limit))
        return [_build(Delivery, row) for row in rows]

    async def receipts_checked(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        t = tables.deliveries
        await self._session.execute(update(t).where(t.c.id.in_(list(ids))).values(receipts_checked=True))


class SqlBulkSendRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, bulk: BulkSend) -> BulkSend:
        await self._session.execute(insert(tables.bulk_sends).values(
            {f.name: getattr(bulk, f.name) for f in fields(bulk)}))
        return bulk

    async def get(self, bulk_id: UUID) -> BulkSend | None:
        t = tables.bulk_sends
        row = (await self._session.execute(select(t).where(t.c.id == bulk_id))).first()
        return None if row is None else _build(BulkSend, row)

    async def advance(self, bulk_id: UUID, recipients: int, now: datetime) -> None:
        t = tables.bulk_sends
        processed = t.c.processed + recipients
        await self._session.execute(update(t).where(t.c.id == bulk_id).values(
            processed=processed,
            finished_at=case((t.c.finished_at.is_(None) & (processed >= t.c.recipients), now),
                             else_=t.c.finished_at)))
