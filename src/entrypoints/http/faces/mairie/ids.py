"""The Mairie spec's prefixed ids on the wire ("notif_012", "pub_7", "evt_3", "conv_5", "msg_9", "com_2"): stored
ids are integers, the face adds and strips the prefix. Each resource declares its `PrefixedIds` once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.shared.ids import MAX_ID


@dataclass(frozen=True)
class PrefixedIds:
    prefix: str
    width: int = 3  # zero-padded like the spec's examples ("notif_001")
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pattern", re.compile(rf"(?:{re.escape(self.prefix)})?0*([0-9]{{1,19}})"))

    def wire(self, stored_id: int) -> str:
        return f"{self.prefix}{stored_id:0{self.width}d}"

    def parse(self, text: str) -> int | None:
        """The stored id of "pub_12" (or "pub_012", or "12"); None for anything else, which names nothing."""
        found = self._pattern.fullmatch(text)
        if found is None:
            return None
        value = int(found.group(1))
        return value if 1 <= value <= MAX_ID else None


NOTIFICATION_IDS = PrefixedIds("notif_")
PUBLICATION_IDS = PrefixedIds("pub_")
COMMENT_IDS = PrefixedIds("com_")
EVENT_IDS = PrefixedIds("evt_")
CONVERSATION_IDS = PrefixedIds("conv_")
MESSAGE_IDS = PrefixedIds("msg_")
ATTACHMENT_IDS = PrefixedIds("att_")
