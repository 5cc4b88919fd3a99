"""The church events' pushes, as `notify` requests of the notifications context put in the outbox."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from application.notifications.requests import notify
from application.shared.ports import Outbox
from domain.notifications import kinds
from domain.shared.realm import Realm


class OutboxCancellationPushes:
    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    def tell_cancelled(self, user_ids: Sequence[int], key: str, data: Mapping[str, Any]) -> None:
        self._outbox.add(notify(kinds.CHURCH_EVENT_CANCELLED.code, user_ids, key, data, realm=Realm.EEBC.value))
