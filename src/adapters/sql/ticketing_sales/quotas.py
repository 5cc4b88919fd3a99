"""`QuotaStore` on PostgreSQL, in the caller's transaction. The contract and why it cannot oversell:
application/shared/quota.py.

Lock order: a quota's row first, then its holds' rows. A hold is one statement that locks the quota as it takes
the seats; every step that changes existing holds (confirm, release, expire, reclaim) first locks the quota
(`LOCK_BY_HOLD`, `LOCK_QUOTA`), so two of them never wait on each other's hold rows (a late payment reclaiming
expired holds while another late payment holds its own was a deadlock)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.shared.errors import Conflict, InvalidInput
from domain.shared.quota import Confirmation, QuotaExceeded, check_seats

# Takes the seats if the counter shows room (the counter never shows more room than there is: expired holds
# still in it only make it cautious). The INSERT runs only when the UPDATE took them.
HOLD = text("""
WITH taken AS (
    UPDATE ticketing_sales_quotas SET held = held + :seats
    WHERE id = :quota_id AND (capacity IS NULL OR capacity - sold - held >= :seats)
    RETURNING capacity - sold - held AS left_after
), hold AS (
    INSERT INTO ticketing_sales_holds (key, quota_id, seats, until, state)
    SELECT CAST(:key AS varchar), CAST(:quota_id AS bigint), CAST(:seats AS integer), CAST(:until AS timestamptz),
           'HELD'
    FROM taken
    ON CONFLICT (key) DO NOTHING
    RETURNING key
)
SELECT taken.left_after, (SELECT count(*) FROM hold) AS inserted FROM taken
""")

# The quota's holds whose time ran out stop counting: marked EXPIRED, their seats taken off the counter. Also
# locks the quota's row (the caller is about to write it anyway).
RECLAIM = text("""
WITH reclaimed AS (
    UPDATE ticketing_sales_holds SET state = 'EXPIRED'
    WHERE quota_id = :quota_id AND state = 'HELD' AND until <= :now
    RETURNING seats
)
UPDATE ticketing_sales_quotas SET held = held - (SELECT coalesce(sum(seats), 0) FROM reclaimed)
WHERE id = :quota_id
RETURNING capacity - sold - held AS left_now
""")

UNDO_HOLD = text("UPDATE ticketing_sales_quotas SET held = held - :seats WHERE id = :quota_id")

CONFIRM_LIVE = text("""
WITH confirmed AS (
    UPDATE ticketing_sales_holds SET state = 'CONFIRMED'
    WHERE key = :key AND state = 'HELD' AND until > :now
    RETURNING quota_id, seats
)
UPDATE ticketing_sales_quotas AS q SET held = q.held - c.seats, sold = q.sold + c.seats
FROM confirmed AS c WHERE q.id = c.quota_id
RETURNING c.seats
""")

HOLD_ROW = text("SELECT quota_id, seats, until, state FROM ticketing_sales_holds WHERE key = :key")
LOCK_BY_HOLD = text("SELECT q.id FROM ticketing_sales_holds AS h JOIN ticketing_sales_quotas AS q ON q.id = h.quota_id "
                    "WHERE h.key = :key FOR UPDATE OF q")
LOCK_QUOTA = text("SELECT id FROM ticketing_sales_quotas WHERE id = :quota_id FOR UPDATE")

SELL_LATE = text("""
UPDATE ticketing_sales_quotas SET sold = sold + :seats
WHERE id = :quota_id AND (capacity IS NULL OR capacity - sold - held >= :seats)
RETURNING sold
""")

SET_STATE = text("UPDATE ticketing_sales_holds SET state = :state WHERE key = :key")

# Ends a HELD hold (`:due` NULL: whatever its time; else only if its time ran out by then).
END_HOLD = text("""
WITH ended AS (
    UPDATE ticketing_sales_holds SET state = :state
    WHERE key = :key AND state = 'HELD' AND (CAST(:due AS timestamptz) IS NULL OR until <= :due)
    RETURNING quota_id, seats
)
UPDATE ticketing_sales_quotas AS q SET held = q.held - e.seats FROM ended AS e WHERE q.id = e.quota_id
RETURNING e.seats
""")

DUE = text("""
SELECT key FROM ticketing_sales_holds
WHERE state = 'HELD' AND until <= :now AND starts_with(key, :prefix)
ORDER BY until, key LIMIT :limit
""")

GIVE_BACK = text("UPDATE ticketing_sales_quotas SET sold = sold - :seats WHERE id = :quota_id AND sold >= :seats "
                 "RETURNING sold")

AVAILABLE = text("""
SELECT q.id, q.capacity - q.sold - coalesce((
    SELECT sum(h.seats) FROM ticketing_sales_holds AS h
    WHERE h.quota_id = q.id AND h.state = 'HELD' AND h.until > :now), 0) AS left_now
FROM ticketing_sales_quotas AS q WHERE q.id IN :ids
""").bindparams(bindparam("ids", expanding=True))

CREATE = text("INSERT INTO ticketing_sales_quotas (capacity) VALUES (:capacity) RETURNING id")
DISCARD = text("DELETE FROM ticketing_sales_quotas AS q WHERE id = :quota_id AND sold = 0 AND held = 0 "
               "AND NOT EXISTS (SELECT 1 FROM ticketing_sales_holds AS h WHERE h.quota_id = q.id)")
RESIZE = text("UPDATE ticketing_sales_quotas SET capacity = :capacity WHERE id = :quota_id")


def _left(value: Any) -> int | None:
    return None if value is None else max(0, int(value))


class SqlQuotaStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _one(self, statement: Any, **params: Any) -> Any:
        return (await self._session.execute(statement, params)).first()

    async def create(self, capacity: int | None) -> int:
        if capacity is not None and capacity < 0:
            raise InvalidInput.on_field("capacity", "Une capacité est positive ou nulle")
        row = await self._one(CREATE, capacity=capacity)
        return int(row.id)

    async def resize(self, quota_id: int, capacity: int | None) -> None:
        if capacity is not None and capacity < 0:
            raise InvalidInput.on_field("capacity", "Une capacité est positive ou nulle")
        await self._session.execute(RESIZE, {"quota_id": quota_id, "capacity": capacity})

    async def discard(self, quota_id: int) -> None:
        await self._session.execute(DISCARD, {"quota_id": quota_id})

    async def try_hold(self, quota_id: int, key: str, seats: int, until: datetime, now: datetime) -> int | None:
        check_seats(seats)
        if until <= now:
            raise InvalidInput("Une réservation dure un moment")
        params = dict(quota_id=quota_id, key=key, seats=seats, until=until)
        row = await self._one(HOLD, **params)
        if row is None:
            await self._one(LOCK_QUOTA, quota_id=quota_id)
            reclaimed = await self._one(RECLAIM, quota_id=quota_id, now=now)
            if reclaimed is None:
                raise LookupError(f"no quota {quota_id}")
            row = await self._one(HOLD, **params)
            if row is None:
                raise QuotaExceeded(_left(reclaimed.left_now) or 0)
        if not row.inserted:  # the key is taken: put the seats back; the same live hold asked again is no error
            await self._session.execute(UNDO_HOLD, {"quota_id": quota_id, "seats": seats})
            existing = await self._one(HOLD_ROW, key=key)
            if existing is None or (existing.quota_id, existing.seats, existing.state) != (quota_id, seats, "HELD") \
                    or existing.until <= now:
                raise Conflict("Cette réservation existe déjà")
            return (await self.available([quota_id], now))[quota_id]
        return _left(row.left_after)

    async def confirm(self, key: str, now: datetime) -> Confirmation:
        if await self._one(LOCK_BY_HOLD, key=key) is None:
            return Confirmation.UNKNOWN
        if await self._one(CONFIRM_LIVE, key=key, now=now) is not None:
            return Confirmation.CONFIRMED
        hold = await self._one(HOLD_ROW, key=key)  # stable now: its quota is locked
        if hold.state == "CONFIRMED":
            return Confirmation.ALREADY_CONFIRMED
        # Late: this hold and every other expired one of the quota stop counting, then the seats sell if free.
        await self._one(END_HOLD, key=key, state="EXPIRED", due=now)
        await self._one(RECLAIM, quota_id=hold.quota_id, now=now)
        sold = await self._one(SELL_LATE, quota_id=hold.quota_id, seats=hold.seats)
        state = "CONFIRMED" if sold is not None else "OVERSOLD"
        await self._session.execute(SET_STATE, {"key": key, "state": state})
        return Confirmation.CONFIRMED_LATE if sold is not None else Confirmation.OVERSOLD_LATE

    async def release(self, key: str) -> bool:
        return await self._end(key, "RELEASED", None)

    async def _end(self, key: str, state: str, due: datetime | None) -> bool:
        if await self._one(LOCK_BY_HOLD, key=key) is None:
            return False
        return await self._one(END_HOLD, key=key, state=state, due=due) is not None

    async def due(self, prefix: str, now: datetime, limit: int) -> list[str]:
        rows = await self._session.execute(DUE, {"now": now, "prefix": prefix, "limit": limit})
        return [str(row.key) for row in rows]

    async def expire(self, key: str, now: datetime) -> bool:
        return await self._end(key, "EXPIRED", now)

    async def give_back(self, quota_id: int, seats: int) -> None:
        check_seats(seats)
        if await self._one(GIVE_BACK, quota_id=quota_id, seats=seats) is None:
            raise InvalidInput("Plus de places rendues que de places vendues")

    async def available(self, quota_ids: Iterable[int], now: datetime) -> dict[int, int | None]:
        ids = list(quota_ids)
        if not ids:
            return {}
        rows = await self._session.execute(AVAILABLE, {"ids": ids, "now": now})
        found = {int(row.id): _left(row.left_now) for row in rows}
        missing = set(ids) - set(found)
        if missing:
            raise LookupError(f"no quota {sorted(missing)}")
        return found
