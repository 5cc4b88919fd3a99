"""A local Twilio Messages API: Basic auth, the form body's checks and Twilio's error shape."""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

from adapters.payments.fakes.server import Reply, Request
from adapters.push.fakes.base import ScriptedFake

MESSAGES = re.compile(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SENDER_ID = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")


def twilio_error(status: int, code: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return status, dict(headers or {}), {"code": code, "message": message, "status": status,
                                         "more_info": f"https://www.twilio.com/docs/errors/{code}"}


def too_many_requests(retry_after: int | None = None) -> Reply:
    return twilio_error(429, 20429, "Too Many Requests",
                        {"Retry-After": str(retry_after)} if retry_after is not None else None)


class FakeTwilio(ScriptedFake):
    """Twilio on 127.0.0.1. Numbers in `unsubscribed` answered STOP (21610); `unreachable` are 21612."""

    name = "twilio"

    def __init__(self, account_sid: str = "AC" + "f" * 32, auth_token: str = "fake-twilio-token", *,  # noqa: S107
                 sender: str = "+22990000000", port: int = 0) -> None:
        super().__init__(port=port)
        self.account_sid, self.auth_token, self.sender = account_sid, auth_token, sender
        self.messaging_service_sid = "MG" + "e" * 32
        self.unsubscribed: set[str] = set()
        self.unreachable: set[str] = set()
        self.messages: list[dict[str, Any]] = []

    @property
    def messages_path(self) -> str:
        return f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def respond(self, request: Request) -> Reply:
        match = MESSAGES.match(request.path)
        if not match or request.method != "POST":
            return twilio_error(404, 20404, "The requested resource was not found")
        if not self._authorised(request) or match.group(1) != self.account_sid:
            return twilio_error(401, 20003, "Authenticate")
        form = request.form
        to, sender, service, text = (form.get("To", ""), form.get("From", ""), form.get("MessagingServiceSid", ""),
                                     form.get("Body", ""))
        if not to:
            return twilio_error(400, 21604, "A 'To' phone number is required.")
        if not E164.match(to):
            return twilio_error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if not sender and not service:
            return twilio_error(400, 21603, "A 'From' phone number is required.")
        if sender and sender != self.sender and not SENDER_ID.match(sender):
            return twilio_error(400, 21212, f"The 'From' number {sender} is not a valid phone number, shortcode, "
                                "or alphanumeric sender ID.")
        if service and service != self.messaging_service_sid:
            return twilio_error(400, 21701, "The Messaging Service Sid is invalid.")
        if not text:
            return twilio_error(400, 21602, "Message body is required.")
        if len(text) > 1600:
            return twilio_error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        with self._lock:
            if to in self.unsubscribed:
                return twilio_error(400, 21610, "Attempt to send to unsubscribed recipient")
            if to in self.unreachable:
                return twilio_error(400, 21612, f"The 'To' phone number: {to}, is not currently reachable "
                                    "using the 'From' phone number via SMS.")
            sid = "SM" + secrets.token_hex(16)
            message = {"sid": sid, "account_sid": self.account_sid, "to": to, "from": sender or None,
                       "messaging_service_sid": service or None, "body": text, "status": "queued" if sender
                       else "accepted", "direction": "outbound-api", "api_version": "2010-04-01",
                       "num_segments": str(1 + len(text) // 160), "error_code": None, "error_message": None,
                       "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"}
            self.messages.append(message)
        return 201, {}, message

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return secrets.compare_digest(user, self.account_sid) and secrets.compare_digest(password, self.auth_token)
