"""A local Expo push service: `push/send` (at most 100 messages, tickets in order, gzip bodies, optional access
token) and `push/getReceipts` (at most 1000 ids), with Expo's ticket, receipt and request error shapes."""

from __future__ import annotations

import gzip
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from adapters.payments.fakes.server import Reply, Request
from adapters.push.fakes.base import ScriptedFake

SEND_PATH = "/--/api/v2/push/send"
RECEIPTS_PATH = "/--/api/v2/push/getReceipts"
TOKEN = re.compile(r"^Expo(nent)?PushToken\[.+\]$")
MAX_MESSAGES, MAX_IDS, MAX_PAYLOAD = 100, 1000, 4096


def request_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    return status, dict(headers or {}), {"errors": [{"code": code, "message": message}]}


def too_many_requests(retry_after: int | None = None) -> Reply:
    return request_error(429, "TOO_MANY_REQUESTS", "The project is sending too many notifications per second.",
                         {"Retry-After": str(retry_after)} if retry_after is not None else None)


def ticket_error(kind: str, message: str) -> dict[str, Any]:
    return {"status": "error", "message": message, "details": {"error": kind}}


@dataclass
class Pushed:
    ticket_id: str
    message: dict[str, Any]


class FakeExpo(ScriptedFake):
    """Expo on 127.0.0.1. A well-formed token is a registered device unless the test put it in `unregistered`
    (ticket error DeviceNotRegistered), `unregister_after_send` (ticket ok, receipt DeviceNotRegistered) or
    `rate_limited` (ticket error MessageRateExceeded). Receipts are ready at once unless `hold_receipts`."""

    name = "expo"

    def __init__(self, *, access_token: str | None = None, port: int = 0) -> None:
        super().__init__(port=port)
        self.access_token = access_token
        self.unregistered: set[str] = set()
        self.unregister_after_send: set[str] = set()
        self.rate_limited: set[str] = set()
        self.hold_receipts = False
        self.pushed: list[Pushed] = []
        self.batches: list[list[str]] = []  # the tokens of each accepted send request, in arrival order
        self.receipts: dict[str, dict[str, Any]] = {}

    def respond(self, request: Request) -> Reply:
        if request.method != "POST" or request.path not in (SEND_PATH, RECEIPTS_PATH):
            return request_error(404, "NOT_FOUND", f"{request.method} {request.path}")
        if self.access_token and request.headers.get("authorization") != f"Bearer {self.access_token}":
            return request_error(401, "UNAUTHORIZED", "The bearer token is invalid, or the request has none and "
                                 "enhanced push security is on for this project.")
        try:
            raw = gzip.decompress(request.body) if request.headers.get("content-encoding") == "gzip" else request.body
            body = json.loads(raw)
        except (OSError, ValueError):
            return request_error(400, "API_ERROR", "The request body is not valid JSON.")
        if request.path == SEND_PATH:
            return self._send(body)
        return self._receipts(body)

    def _send(self, body: Any) -> Reply:
        messages = body if isinstance(body, list) else [body]
        if len(messages) > MAX_MESSAGES:
            return request_error(400, "PUSH_TOO_MANY_NOTIFICATIONS",
                                 f"You are trying to send more than {MAX_MESSAGES} push notifications in one request")
        if not all(isinstance(m, dict) and isinstance(m.get("to"), str) for m in messages):
            return request_error(400, "API_ERROR", '"to" is required and must be a string')
        tickets = [self._ticket(message) for message in messages]
        with self._lock:
            self.batches.append([m["to"] for m in messages])
        return 200, {}, {"data": tickets}

    def _ticket(self, message: dict[str, Any]) -> dict[str, Any]:
        to = message["to"]
        if not TOKEN.match(to):
            return ticket_error("DeviceNotRegistered", f'"{to}" is not a valid Expo push token')
        size = len(json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode())
        if size > MAX_PAYLOAD:
            return ticket_error("MessageTooBig", f"Message of {size} bytes exceeds the {MAX_PAYLOAD} byte limit")
        with self._lock:
            if to in self.unregistered:
                return ticket_error("DeviceNotRegistered", f'"{to}" is not a registered push notification recipient')
            if to in self.rate_limited:
                return ticket_error("MessageRateExceeded", f"Too many messages to {to}")
            ticket = str(uuid.uuid4())
            self.pushed.append(Pushed(ticket, message))
            self.receipts[ticket] = (ticket_error("DeviceNotRegistered", f'"{to}" is not a registered push '
                                                  "notification recipient") if to in self.unregister_after_send
                                     else {"status": "ok"})
        return {"status": "ok", "id": ticket}

    def _receipts(self, body: Any) -> Reply:
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list):
            return request_error(400, "API_ERROR", '"ids" must be an array')
        if len(ids) > MAX_IDS:
            return request_error(400, "PUSH_TOO_MANY_RECEIPTS",
                                 f"You are trying to get more than {MAX_IDS} push receipts in one request")
        with self._lock:
            ready = {} if self.hold_receipts else {i: self.receipts[i] for i in ids if i in self.receipts}
        return 200, {}, {"data": ready}
