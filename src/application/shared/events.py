"""From the domain events aggregates record to the outbox messages that carry them to their jobs.

Each context declares, per event type it raises, the message that tells the world (entrypoints/contexts);
the unit of work asks this translation at commit for every event of the aggregates saved in the transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from application.shared.ports import OutboxMessage

log = logging.getLogger("agora.events")

Translator = Callable[[Any], OutboxMessage]


class EventTranslation:
    def __init__(self, translators: Mapping[type, Translator] | None = None) -> None:
        self._translators = dict(translators or {})

    def messages(self, events: Iterable[Any]) -> list[OutboxMessage]:
        messages = []
        for event in events:
            translate = self._translators.get(type(event))
            if translate is None:
                log.debug("no outbox message for %s: nobody listens to it", type(event).__name__)
                continue
            messages.append(translate(event))
        return messages
