"""The persistence of quotas (domain/shared/quota.py): each call is one atomic step inside the caller's transaction.

The rule of every write is "lock once, late": a use case writes its own rows first and calls the store last,
just before it commits, so the quota's row is locked for a single statement plus the commit. In SQL:

- a quota is a row (`capacity`, `sold`, `held`), a hold is a row (`key` unique, `quota_id`, `seats`, `until`,
  `state`); `held` counts the seats of the holds still in state HELD (expired ones included until reclaimed);
- `try_hold` is ONE statement: a CTE marks this quota's HELD holds whose `until <= now` EXPIRED (returning their
  seats), inserts the new hold, and ``UPDATE quotas SET held = held - reclaimed + n WHERE id = :id AND
  (capacity IS NULL OR capacity - sold - (held - reclaimed) >= n) RETURNING ...``; no row returned means full
  (the insert is undone with it). Concurrent callers queue on the quota's row for that one statement only;
  under READ COMMITTED the WHERE is re-checked against the row the previous writer committed, so two buyers can
  never both take the last seat;
- `confirm` moves a live hold's seats from `held` to `sold` (one UPDATE of the hold guarded by `state = 'HELD'
  AND until > now`, then one of the quota); a late one sells only under the same conditional UPDATE as a hold;
- freeing seats (`release`, `expire`, `give_back`) is an UPDATE that needs no check;
- lock order: the quota's row, then its holds' rows (each step that changes existing holds locks the quota
  first), after the caller's own rows (an order): so no two steps wait on each other.

The memory store applies the domain's `Quota` under an asyncio lock and is the reference for the contract tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from domain.shared.quota import Confirmation


class QuotaStore(Protocol):
    async def create(self, capacity: int | None) -> int:
        """A new quota (None: unlimited); its id."""
        ...

    async def resize(self, quota_id: int, capacity: int | None) -> None: ...

    async def discard(self, quota_id: int) -> None:
        """Drops a quota nothing was ever held or sold under (one created for a race another caller won)."""
        ...

    async def try_hold(self, quota_id: int, key: str, seats: int, until: datetime, now: datetime) -> int | None:
        """Holds `seats` under `key` until `until` if they are free at `now` (expired holds no longer count); the
        seats still available afterwards (None: unlimited). Raises QuotaExceeded (with what is left) when
        there is not enough room, Conflict when `key` is already used for another hold."""
        ...

    async def confirm(self, key: str, now: datetime) -> Confirmation:
        """Sells the hold's seats: within its time always; after it, only if the seats are still free."""
        ...

    async def release(self, key: str) -> bool:
        """Gives up a held reservation (expired or not); False when it was not held."""
        ...

    async def due(self, prefix: str, now: datetime, limit: int) -> list[str]:
        """The keys starting with `prefix` (each context names its holds `<kind>:...`) of up to `limit` holds
        still HELD whose time ran out, oldest first (a plain read)."""
        ...

    async def expire(self, key: str, now: datetime) -> bool:
        """Marks the hold EXPIRED if it is still HELD and its time ran out; False otherwise."""
        ...

    async def give_back(self, quota_id: int, seats: int) -> None:
        """Seats sold earlier are free again (a cancelled or refunded sale)."""
        ...

    async def available(self, quota_ids: Iterable[int], now: datetime) -> dict[int, int | None]:
        """Seats left per quota (None: unlimited)."""
        ...
