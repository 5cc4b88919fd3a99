"""The /webhooks app, with an envelope of its own: providers read only the status, people read the message."""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from entrypoints.contexts.assembly import webhooks
from entrypoints.http.errors import ErrorInfo, FaceErrorPolicy
from entrypoints.http.faces.common import build_face
from entrypoints.http.webhooks import PREFIX

POLICY = FaceErrorPolicy(conflict_status=409, validation_status=400)


def render(info: ErrorInfo) -> dict[str, Any]:
    body: dict[str, Any] = {"error": info.message}
    if info.details:
        body["details"] = info.details
    return body


def create_webhooks_app() -> Litestar:
    return build_face(title="Webhooks", prefix=PREFIX, handlers=webhooks(), render=render, policy=POLICY,
                      description="Rappels des prestataires partagés par toutes les faces.")
