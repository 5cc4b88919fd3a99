"""The development push sender: logs each message and keeps it, answers `sent` (and every ticket's receipt ok)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence

from application.notifications.channels import PushMessage, PushOutcome

log = logging.getLogger("agora.push")


class LogPushSender:
    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[PushMessage] = []
        self._ids = itertools.count(1)

    async def send(self, messages: Sequence[PushMessage]) -> list[PushOutcome]:
        outcomes = []
        for message in messages:
            self.sent.append(message)
            log.info("push (%s) to %s: %s | %s %s", self.name, message.token, message.title, message.body,
                     dict(message.data) or "")
            outcomes.append(PushOutcome.sent(f"{self.name}-{next(self._ids)}"))
        return outcomes

    async def check(self, ticket_ids: Sequence[str]) -> dict[str, PushOutcome]:
        return {ticket: PushOutcome.sent(ticket) for ticket in ticket_ids}
