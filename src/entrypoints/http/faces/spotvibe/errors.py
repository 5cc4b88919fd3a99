"""SpotVibe's envelope: {"error": "message"} plus "details" for field errors."""

from __future__ import annotations

from typing import Any

from entrypoints.http.errors import ErrorInfo, FaceErrorPolicy

POLICY = FaceErrorPolicy(conflict_status=400, validation_status=400)


def render(info: ErrorInfo) -> dict[str, Any]:
    body: dict[str, Any] = {"error": info.message}
    if info.details:
        body["details"] = info.details
    body.update(info.extra)
    return body
