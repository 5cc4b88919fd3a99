"""Mairie's envelope: {"error": {"code", "message", "details"}}; field errors are 422 VALIDATION_ERROR."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from domain.shared.errors import DomainError
from entrypoints.http.errors import ErrorInfo, FaceErrorPolicy

POLICY = FaceErrorPolicy(conflict_status=409, validation_status=422)


def render(info: ErrorInfo) -> dict[str, Any]:
    details: dict[str, Any] = dict(info.details)
    details.update(info.extra)
    return {"error": {"code": info.code, "message": info.message, "details": details}}


@contextmanager
def field_renamed(inner: str, wire: str) -> Iterator[None]:
    """A use case names a field `inner` where the Mairie wire says `wire` (e.g. code -> otp_code)."""
    try:
        yield
    except DomainError as exc:
        if inner in exc.details:
            exc.details[wire] = exc.details.pop(inner)
        raise
