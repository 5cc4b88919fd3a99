"""A local FCM HTTP v1: the OAuth token endpoint (checks the service account's RS256 JWT with its public key)
and `messages:send` (Bearer check, message validation, FCM's error shapes)."""

from __future__ import annotations

import itertools
import json
import re
import secrets
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.payments.fakes.server import Reply, Request
from adapters.push.fakes.base import ScriptedFake

SCOPES = ("https://www.googleapis.com/auth/firebase.messaging", "https://www.googleapis.com/auth/cloud-platform")
SEND = re.compile(r"^/v1/projects/([^/]+)/messages:send$")
MAX_PAYLOAD = 4096
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_:\-]{20,}$")


def fcm_error(status: int, grpc_status: str, message: str, error_code: str | None = None,
              violations: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None) -> Reply:
    details: list[dict[str, Any]] = []
    if error_code:
        details.append({"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": error_code})
    if violations:
        details.append({"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": violations})
    error: dict[str, Any] = {"code": status, "message": message, "status": grpc_status}
    if details:
        error["details"] = details
    return status, dict(headers or {}), {"error": error}


def unregistered() -> Reply:
    return fcm_error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED")


def quota_exceeded(retry_after: int | None = None) -> Reply:
    return fcm_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Send requests'.",
                     "QUOTA_EXCEEDED", headers={"Retry-After": str(retry_after)} if retry_after is not None else None)


def unavailable(retry_after: int | None = None) -> Reply:
    return fcm_error(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE",
                     headers={"Retry-After": str(retry_after)} if retry_after is not None else None)


class FakeFcm(ScriptedFake):
    """FCM on 127.0.0.1. Tokens: any `[A-Za-z0-9_:-]{20,}` is a registered device, unless a test put it in
    `unregistered` (404 UNREGISTERED) or `other_project` (403 SENDER_ID_MISMATCH); another shape is 400
    INVALID_ARGUMENT on `message.token`. `revoke_access_tokens()` makes the next sends answer 401."""

    name = "fcm"

    def __init__(self, project_id: str = "agora-fake", *, access_token_ttl: int = 3599,
                 key: rsa.RSAPrivateKey | None = None, port: int = 0) -> None:
        super().__init__(port=port)
        self.project_id, self.access_token_ttl = project_id, access_token_ttl
        self.client_email = f"firebase-adminsdk@{project_id}.iam.gserviceaccount.com"
        self.private_key_id = secrets.token_hex(20)
        self._key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.access_tokens: dict[str, float] = {}  # token -> expiry (time.time())
        self.unregistered: set[str] = set()
        self.other_project: set[str] = set()
        self.delivered: list[dict[str, Any]] = []  # the `message` objects accepted
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ for tests and dev mode

    def service_account(self) -> dict[str, str]:
        pem = self._key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()).decode()
        return {"type": "service_account", "project_id": self.project_id, "private_key_id": self.private_key_id,
                "private_key": pem, "client_email": self.client_email, "client_id": "1000",
                "token_uri": f"{self.url}/token"}

    def revoke_access_tokens(self) -> None:
        with self._lock:
            self.access_tokens.clear()

    @property
    def token_requests(self) -> int:
        return self.count("/token", "POST")

    @property
    def send_path(self) -> str:
        return f"/v1/projects/{self.project_id}/messages:send"

    # ------------------------------------------------------------ protocol

    def respond(self, request: Request) -> Reply:
        if request.path == "/token" and request.method == "POST":
            return self._token(request)
        match = SEND.match(request.path)
        if match and request.method == "POST":
            return self._send(match.group(1), request)
        return fcm_error(404, "NOT_FOUND", f"{request.method} {request.path} not found")

    def _token(self, request: Request) -> Reply:
        form = request.form
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return 400, {}, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}
        assertion = form.get("assertion", "")
        try:
            header = jwt.get_unverified_header(assertion)
            claims = jwt.decode(assertion, self._key.public_key(), algorithms=["RS256"], audience=f"{self.url}/token",
                                issuer=self.client_email, options={"require": ["iat", "exp", "iss", "aud"]})
        except jwt.PyJWTError as error:
            return 400, {}, {"error": "invalid_grant", "error_description": f"Invalid JWT: {error}"}
        if header.get("kid") != self.private_key_id:
            return 400, {}, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        if claims["exp"] - claims["iat"] > 3600:
            return 400, {}, {"error": "invalid_grant", "error_description": "Invalid JWT: expiry too far"}
        if not any(scope in str(claims.get("scope", "")).split() for scope in SCOPES):
            return 400, {}, {"error": "invalid_scope", "error_description": "Invalid OAuth scope."}
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        with self._lock:
            self.access_tokens[token] = time.time() + self.access_token_ttl
        return 200, {}, {"access_token": token, "expires_in": self.access_token_ttl, "token_type": "Bearer"}

    def _send(self, project: str, request: Request) -> Reply:
        bearer = request.headers.get("authorization", "")
        token = bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else ""
        with self._lock:
            valid = self.access_tokens.get(token, 0.0) > time.time()
        if not valid:
            return fcm_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected "
                             "OAuth 2 access token, login cookie or other valid authentication credential.")
        if project != self.project_id:
            return fcm_error(403, "PERMISSION_DENIED", f"Permission 'cloudmessaging.messages.create' denied on "
                             f"resource '//cloudresourcemanager.googleapis.com/projects/{project}'")
        body = request.json
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, dict):
            return fcm_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
        return self._validate(message) or self._accept(message)

    def _validate(self, message: dict[str, Any]) -> Reply | None:
        data = message.get("data") or {}
        for index, (key, value) in enumerate(data.items() if isinstance(data, dict) else []):
            if not isinstance(value, str):
                return fcm_error(400, "INVALID_ARGUMENT", f"Invalid value at 'message.data[{index}].value' "
                                 f"(TYPE_STRING), {json.dumps(value)}", violations=[
                                     {"field": f"message.data[{index}].value", "description": f"{key}: not a string"}])
        target = message.get("token")
        if not isinstance(target, str) or not target:
            return fcm_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", "INVALID_ARGUMENT",
                             violations=[{"field": "message", "description": "a token, topic or condition"}])
        size = len(json.dumps({k: message[k] for k in ("notification", "data") if k in message},
                              separators=(",", ":"), ensure_ascii=False).encode())
        if size > MAX_PAYLOAD:
            return fcm_error(400, "INVALID_ARGUMENT", "Android message is too big", "INVALID_ARGUMENT")
        if not TOKEN_SHAPE.match(target):
            return fcm_error(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token",
                             "INVALID_ARGUMENT")
        with self._lock:
            if target in self.unregistered:
                return unregistered()
            if target in self.other_project:
                return fcm_error(403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH")
        return None

    def _accept(self, message: dict[str, Any]) -> Reply:
        with self._lock:
            self.delivered.append(message)
            number = next(self._ids)
        return 200, {}, {"name": f"projects/{self.project_id}/messages/0:{number}%{secrets.token_hex(8)}"}
