"""The request class of every face: a body that cannot be decoded, or holds text PostgreSQL cannot store, is the
client's 400 before any handler runs, whatever the decoder's own exception."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

from domain.shared.errors import InvalidInput
from entrypoints.http.errors import INVALID_FORM, INVALID_JSON, UNSTORABLE_TEXT_MESSAGE


class StrictBodyRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        if await self.body() and not _is_json(self.content_type[0]):
            raise HTTPException(status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE)
        try:
            value = await super().json()
        # msgspec reports invalid UTF-8 and too deep a nesting with Python's own exceptions
        except (SerializationException, UnicodeDecodeError, RecursionError):
            raise InvalidInput(INVALID_JSON) from None
        _refuse_unstorable_text(value)
        return value

    async def form(self) -> FormMultiDict:
        try:
            form = await super().form()
        # no boundary; a part not in UTF-8 or in a charset Python does not know
        except (ValidationException, UnicodeDecodeError, LookupError):
            raise InvalidInput(INVALID_FORM) from None
        _refuse_unstorable_text(list(form.multi_items()))
        return form


def _is_json(media_type: str) -> bool:
    """A body without a Content-Type is read as JSON, as clients that omit it mean."""
    return media_type in ("", "application/json") or media_type.endswith("+json")


def _refuse_unstorable_text(value: Any) -> None:
    if has_unstorable_text(value):
        raise InvalidInput(UNSTORABLE_TEXT_MESSAGE)


def has_unstorable_text(value: Any) -> bool:
    """A NUL or a lone surrogate anywhere in decoded JSON or form fields (keys included)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item or not _encodable(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
