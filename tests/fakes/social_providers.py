"""Local stand-ins for Google's key endpoint and Facebook's Graph API, served over real HTTP on 127.0.0.1.

Each fake is a context manager that runs a threaded `http.server` on a free port:

    with FakeGoogle() as google:
        verifier = GoogleVerifier(GoogleSettings(client_ids=("web-id",), jwks_url=google.jwks_url))
        token = google.mint_id_token("sub-1", "awa@example.com", "web-id")

Both record every request (`requests`, `count(path)`), can fail the next requests (`fail_next`) and can
answer slowly (`slow`) to exercise retries and timeouts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

Reply = tuple[int, dict[str, str], Any]


@dataclass
class Recorded:
    """A request as it arrived; `status` and `body` are filled in once it is answered."""

    path: str
    query: dict[str, str]
    status: int | None = None
    body: Any = None


@dataclass
class _Failure:
    status: int
    body: Any
    path: str | None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeHttpServer(ABC):
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._delay = 0.0
        self._failures: list[_Failure] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "the fake is not started"
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> Self:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                fake._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def fail_next(self, n: int = 1, status: int = 500, *, body: Any = None, path: str | None = None) -> None:
        """The next `n` requests (to `path`, or to any path) get this status instead of their answer."""
        with self._lock:
            self._failures.extend(_Failure(status, body or {"error": "fake failure"}, path) for _ in range(n))

    def slow(self, seconds: float) -> None:
        """Every request waits this long before it is answered; 0 turns slow mode off."""
        self._delay = seconds

    def count(self, path: str) -> int:
        return sum(1 for request in self.requests if request.path == path)

    def last(self, path: str) -> Recorded:
        return next(request for request in reversed(self.requests) if request.path == path)

    @abstractmethod
    def route(self, path: str, query: Mapping[str, str]) -> Reply:
        """The provider's answer to one GET."""

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        recorded = Recorded(parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)))
        self.requests.append(recorded)
        if self._delay:
            time.sleep(self._delay)
        status, headers, body = self._failure(parts.path) or self.route(parts.path, recorded.query)
        recorded.status, recorded.body = status, body
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=UTF-8")
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    def _failure(self, path: str) -> Reply | None:
        with self._lock:
            for index, failure in enumerate(self._failures):
                if failure.path in (None, path):
                    del self._failures[index]
                    return failure.status, {}, failure.body
        return None


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey = field(repr=False)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(secrets.token_hex(20), rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwk(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {**data, "kid": self.kid, "alg": "RS256", "use": "sig"}


class FakeGoogle(FakeHttpServer):
    """Google's JWKS endpoint (two published keys, one signing) and an ID token minter."""

    JWKS_PATH = "/oauth2/v3/certs"

    def __init__(self, *, max_age: int | None = 19766) -> None:
        super().__init__()
        self.max_age = max_age
        self.published = [SigningKey.generate(), SigningKey.generate()]
        self.signing = self.published[0]

    @property
    def jwks_url(self) -> str:
        return self.url + self.JWKS_PATH

    def rotate_keys(self) -> str:
        """Publishes a new signing key, keeps the previous one and drops the older; returns the new kid."""
        new = SigningKey.generate()
        self.published = [new, self.signing]
        self.signing = new
        return new.kid

    def mint_id_token(
        self,
        sub: str,
        email: str | None,
        aud: str,
        email_verified: bool = True,
        exp_in: int = 3600,
        iss: str = "https://accounts.google.com",
        kid: str | None = None,
        sign_with_other_key: bool = False,
        *,
        name: str = "Awa Koffi",
        given_name: str = "Awa",
        family_name: str = "Koffi",
        picture: str | None = "https://lh3.googleusercontent.com/a/fake-photo",
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": iss, "azp": aud, "aud": aud, "sub": sub, "name": name, "given_name": given_name,
            "family_name": family_name, "iat": now, "nbf": now - 300, "exp": now + exp_in,
            "jti": secrets.token_hex(16),
        }
        if email is not None:
            claims |= {"email": email, "email_verified": email_verified}
        if picture is not None:
            claims["picture"] = picture
        header_kid = kid or self.signing.kid
        key = next((k for k in self.published if k.kid == header_kid), self.signing)
        private_key = SigningKey.generate().private_key if sign_with_other_key else key.private_key
        return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": header_kid, "typ": "JWT"})

    def route(self, path: str, query: Mapping[str, str]) -> Reply:
        if path != self.JWKS_PATH:
            return 404, {}, {"error": "not found"}
        headers = {} if self.max_age is None else {
            "Cache-Control": f"public, max-age={self.max_age}, must-revalidate, no-transform"}
        return 200, headers, {"keys": [key.jwk() for key in self.published]}


@dataclass
class FacebookUser:
    token: str
    user_id: str
    app_id: str
    name: str
    first_name: str
    last_name: str
    email: str | None
    expired: bool = False
    picture_url: str = "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=fake"


def _graph_error(message: str, code: int, kind: str = "OAuthException", subcode: int | None = None) -> Any:
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": secrets.token_hex(8)}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


class FakeFacebook(FakeHttpServer):
    """The Graph API's debug_token and /me, checking the app token and the mandatory appsecret_proof."""

    def __init__(self, *, app_id: str = "1234567890", app_secret: str | None = None,
                 api_version: str = "v25.0") -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret or secrets.token_hex(16)
        self.api_version = api_version
        self.apps = {app_id: self.app_secret}
        self.users: dict[str, FacebookUser] = {}

    @property
    def debug_path(self) -> str:
        return f"/{self.api_version}/debug_token"

    @property
    def me_path(self) -> str:
        return f"/{self.api_version}/me"

    def add_user_token(
        self,
        *,
        token: str | None = None,
        user_id: str | None = None,
        name: str = "Kofi Mensah",
        first_name: str = "Kofi",
        last_name: str = "Mensah",
        email: str | None = "kofi@example.com",
        expired: bool = False,
        app_id: str | None = None,
    ) -> str:
        """A user access token; `app_id` other than ours makes a token issued to another application."""
        app = app_id or self.app_id
        self.apps.setdefault(app, secrets.token_hex(16))
        token = token or "EAA" + secrets.token_urlsafe(48)
        self.users[token] = FacebookUser(token, user_id or str(10**15 + secrets.randbelow(10**15)), app, name,
                                         first_name, last_name, email, expired)
        return token

    def route(self, path: str, query: Mapping[str, str]) -> Reply:
        if path == self.debug_path:
            return self._debug_token(query)
        if path == self.me_path:
            return self._me(query)
        return 404, {}, _graph_error("Unknown path components: " + path, 2500)

    def _debug_token(self, query: Mapping[str, str]) -> Reply:
        app_token = query.get("access_token", "")
        app_id, _, secret = app_token.partition("|")
        if not app_token:
            return 400, {}, _graph_error("An access token is required to request this resource.", 104)
        if self.apps.get(app_id) != secret:
            return 400, {}, _graph_error("Invalid OAuth access token signature.", 190)
        if "input_token" not in query:
            return 400, {}, _graph_error("(#100) The parameter input_token is required", 100)
        user = self.users.get(query["input_token"])
        if user is None:
            return 200, {}, {"data": {"error": {"code": 190, "message": "Invalid OAuth access token - Cannot "
                                                "parse access token"}, "is_valid": False, "scopes": []}}
        now = int(time.time())
        data: dict[str, Any] = {
            "app_id": user.app_id, "type": "USER", "application": "Fake App", "data_access_expires_at": now + 7776000,
            "expires_at": now - 60 if user.expired else now + 5184000, "is_valid": not user.expired,
            "issued_at": now - 3600, "scopes": ["email", "public_profile"], "user_id": user.user_id,
        }
        if user.expired:
            data["error"] = {"code": 190, "message": "Error validating access token: Session has expired.",
                             "subcode": 463}
        return 200, {}, {"data": data}

    def _me(self, query: Mapping[str, str]) -> Reply:
        user = self.users.get(query.get("access_token", ""))
        if user is None:
            return 400, {}, _graph_error("Invalid OAuth access token data.", 190)
        if user.expired:
            return 400, {}, _graph_error("Error validating access token: Session has expired.", 190, subcode=463)
        proof = query.get("appsecret_proof")
        if proof is None:
            return 400, {}, _graph_error("API calls from the server require an appsecret_proof argument", 100,
                                         "GraphMethodException")
        expected = hmac.new(self.apps[user.app_id].encode(), user.token.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(proof, expected):
            return 400, {}, _graph_error("Invalid appsecret_proof provided in the API argument", 100)
        available: dict[str, Any] = {
            "id": user.user_id, "name": user.name, "first_name": user.first_name, "last_name": user.last_name,
            "picture": {"data": {"height": 50, "is_silhouette": False, "url": user.picture_url, "width": 50}},
        }
        if user.email is not None:
            available["email"] = user.email
        fields = query.get("fields", "id,name").split(",")
        return 200, {}, {name: available[name] for name in fields if name in available}


def base64_proof(app_secret: str, token: str) -> str:
    """The wrong (base64) encoding of appsecret_proof that one Q&A page recommends."""
    return base64.b64encode(hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).digest()).decode()
