"""SpotVibe's envelope: {"error": "message"} plus "details" for field errors."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from entrypoints.http.errors import ErrorInfo, FaceErrorPolicy

POLICY = FaceErrorPolicy(conflict_status=400, validation_status=400)


class SpotVibeError(msgspec.Struct, forbid_unknown_fields=True):
    """Every error: its message, and the fields at fault when there are some."""

    error: str
    details: dict[str, list[str]] | UnsetType = UNSET  # field -> messages
    retry_after: int | UnsetType = UNSET  # 429: seconds
    locked: bool | UnsetType = UNSET  # 401 of a locked account
    remaining_minutes: int | UnsetType = UNSET


def render(info: ErrorInfo) -> dict[str, Any]:
    body: dict[str, Any] = {"error": info.message}
    if info.details:
        body["details"] = info.details
    body.update(info.extra)
    return body
