"""EEBC's envelope: {"success": false, "error": {"code": <status>, "message", "details"}}."""

from __future__ import annotations

from typing import Any

from entrypoints.http.errors import ErrorInfo, FaceErrorPolicy

POLICY = FaceErrorPolicy(conflict_status=400, validation_status=400)


def render(info: ErrorInfo) -> dict[str, Any]:
    error: dict[str, Any] = {"code": info.status, "message": info.message}
    if info.details:
        error["details"] = info.details
    error.update(info.extra)
    return {"success": False, "error": error}
