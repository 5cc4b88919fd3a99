"""A provider's callback as the payments context reads it: headers, raw body, query, when it arrived."""

from __future__ import annotations

from typing import Any

from litestar import Request

from application.payments.ports import InboundCallback
from application.shared.ports import Clock


async def inbound(request: Request[Any, Any, Any], clock: Clock) -> InboundCallback:
    return InboundCallback(headers={k.lower(): v for k, v in request.headers.items()}, body=await request.body(),
                           received_at=clock.now(), query=dict(request.query_params))
