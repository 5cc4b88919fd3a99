"""The /webhooks app, with an envelope of its own: providers read only the status, people read the message."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from msgspec import UNSET, UnsetType

from entrypoints.contexts.assembly import webhooks
from entrypoints.http.errors import ErrorInfo, FaceErrorPolicy
from entrypoints.http.faces.common import build_face
from entrypoints.http.webhooks import PREFIX

POLICY = FaceErrorPolicy(conflict_status=409, validation_status=400)


class WebhookError(msgspec.Struct, forbid_unknown_fields=True):
    error: str
    details: dict[str, list[str]] | UnsetType = UNSET


def render(info: ErrorInfo) -> dict[str, Any]:
    body: dict[str, Any] = {"error": info.message}
    if info.details:
        body["details"] = info.details
    return body


def create_webhooks_app() -> Litestar:
    return build_face(title="Webhooks", prefix=PREFIX, handlers=webhooks(), render=render, envelope=WebhookError,
                      policy=POLICY,
                      description="Rappels des prestataires partagés par toutes les faces.")
