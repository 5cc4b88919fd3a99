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
import time
from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from adapters.payments.fakes.server import FakeProvider, Reply, Request


class FakeHttpServer(FakeProvider):
    """A provider that only answers GETs: `route(path, query)`. Requests record their answer in `reply`."""

    def handle(self, request: Request) -> Reply:
        return self.route(request.path, request.query)

    @abstractmethod
    def route(self, path: str, query: Mapping[str, str]) -> Reply:
        """The provider's answer to one GET."""

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
