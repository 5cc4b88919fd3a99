"""Mairie's envelope: {"error": {"code", "message", "details"}}; field errors are 422 VALIDATION_ERROR."""

from __future__ import annotations

from typing import Any

from entrypoints.http.errors import ErrorInfo, FaceErrorPolicy

POLICY = FaceErrorPolicy(conflict_status=409, validation_status=422)


def render(info: ErrorInfo) -> dict[str, Any]:
    details: dict[str, Any] = dict(info.details)
    details.update(info.extra)
    return {"error": {"code": info.code, "message": info.message, "details": details}}

