"""Asking the notifications context to tell people something: one outbox message for the `notify` job.

Other contexts do not call this: their domain events are turned into these messages where the contexts are
assembled (entrypoints/contexts/notifications.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from application.notifications.topics import NOTIFY
from application.shared.ports import OutboxMessage


def notify(kind: str, user_ids: Sequence[int], key: str, data: Mapping[str, Any] | None = None, *,
           bulk_id: str | None = None, realm: str | None = None) -> OutboxMessage:
    """`key` names the happening: the same key never tells the same person twice. With `realm`, accounts of
    other realms among `user_ids` are left out (an administrator reaches only their own face's accounts)."""
    payload: dict[str, Any] = {"kind": kind, "user_ids": list(user_ids), "key": key, "data": dict(data or {})}
    if bulk_id is not None:
        payload["bulk_id"] = bulk_id
    if realm is not None:
        payload["realm"] = realm
    batch = f"{user_ids[0]}-{user_ids[-1]}:{len(user_ids)}" if user_ids else "none"
    return OutboxMessage(topic=NOTIFY, payload=payload, key=f"{NOTIFY}:{key}:{batch}")
