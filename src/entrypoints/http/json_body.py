"""The request class of every face: how a JSON body is read, and what in it is the client's error."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import SerializationException

from domain.shared.errors import InvalidInput
from entrypoints.http.errors import INVALID_JSON, UNSTORABLE_TEXT_MESSAGE


class JsonBodyRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        try:
            value = await super().json()
        except (SerializationException, UnicodeDecodeError):  # msgspec reports invalid UTF-8 as the latter
            raise InvalidInput(INVALID_JSON) from None
        if has_unstorable_text(value):
            raise InvalidInput(UNSTORABLE_TEXT_MESSAGE)
        return value


def has_unstorable_text(value: Any) -> bool:
    """A NUL or a lone surrogate anywhere in the decoded JSON (keys included): PostgreSQL stores neither."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item or not _encodable(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
