"""From the domain events aggregates record to the outbox messages that carry them to their jobs.

Each context declares, per event type it raises, the message that tells the world, and, per event of another
context it reacts to, the message for its own job (entrypoints/contexts); the unit of work asks this translation
at commit for every event of the aggregates saved in the transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from application.shared.ports import OutboxMessage

log = logging.getLogger("agora.events")

Translator = Callable[[Any], OutboxMessage]
# Another context's event, and the message for one of this context's jobs it leads to (None: nothing to do).
Reaction = Callable[[Any], OutboxMessage | None]


class EventTranslation:
    def __init__(self, translators: Mapping[type, Translator] | None = None,
                 reactions: Mapping[type, Sequence[Reaction]] | None = None) -> None:
        self._translators = dict(translators or {})
        self._reactions = {event: list(found) for event, found in (reactions or {}).items()}

    def messages(self, events: Iterable[Any]) -> list[OutboxMessage]:
        messages = []
        for event in events:
            translate = self._translators.get(type(event))
            reactions = self._reactions.get(type(event), [])
            if translate is None and not reactions:
                log.debug("no outbox message for %s: nobody listens to it", type(event).__name__)
                continue
            if translate is not None:
                messages.append(translate(event))
            for react in reactions:
                message = react(event)
                if message is not None:
                    messages.append(message)
        return messages
