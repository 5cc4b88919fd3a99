"""EEBC's envelope: {"success": false, "error": {"code": <status>, "message", "details"}}."""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from entrypoints.http.errors import ErrorInfo, FaceErrorPolicy

POLICY = FaceErrorPolicy(conflict_status=400, validation_status=400)


class EebcErrorBody(msgspec.Struct, forbid_unknown_fields=True):
    code: int  # the HTTP status
    message: str
    details: dict[str, list[str]] | UnsetType = UNSET  # field -> messages
    retry_after: int | UnsetType = UNSET  # 429: seconds
    locked: bool | UnsetType = UNSET  # 401 of a locked account
    remaining_minutes: int | UnsetType = UNSET


class EebcError(msgspec.Struct, forbid_unknown_fields=True):
    """Every error: success false, the HTTP status as code, its message, and the fields at fault if any."""

    success: Literal[False]
    error: EebcErrorBody


def render(info: ErrorInfo) -> dict[str, Any]:
    error: dict[str, Any] = {"code": info.status, "message": info.message}
    if info.details:
        error["details"] = info.details
    error.update(info.extra)
    return {"success": False, "error": error}
