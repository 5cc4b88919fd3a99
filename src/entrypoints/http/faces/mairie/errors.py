"""Mairie's envelope: {"error": {"code", "message", "details"}}; field errors are 422 VALIDATION_ERROR."""

from __future__ import annotations

from typing import Any

import msgspec

from entrypoints.http.errors import ErrorInfo, FaceErrorPolicy

POLICY = FaceErrorPolicy(conflict_status=409, validation_status=422)


class MairieErrorBody(msgspec.Struct, forbid_unknown_fields=True):
    code: str  # VALIDATION_ERROR, UNAUTHORIZED, ACCOUNT_LOCKED, RATE_LIMITED...
    message: str
    # field -> messages; also "retry_after" (429), "locked" and "remaining_minutes" (401 of a locked account)
    details: dict[str, list[str] | bool | int]


class MairieError(msgspec.Struct, forbid_unknown_fields=True):
    """Every error: a code, its message, and details (the fields at fault) always present."""

    error: MairieErrorBody


def render(info: ErrorInfo) -> dict[str, Any]:
    details: dict[str, Any] = dict(info.details)
    details.update(info.extra)
    return {"error": {"code": info.code, "message": info.message, "details": details}}
