"""Bearer authentication for controllers: `principal` is the caller, within the face's realm."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide

from application.identity.services import Authenticate, Principal
from domain.identity.model import Realm
from domain.shared.errors import Unauthenticated


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def principal_for(request: Request[Any, Any, Any], realm: Realm) -> Principal:
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated("Authentification requise")
    authenticate: Authenticate = await request.state.dishka_container.get(Authenticate)
    return await authenticate(realm, token)


def principal_dependency(realm: Realm) -> Provide:
    async def principal(request: Request[Any, Any, Any]) -> Principal:
        return await principal_for(request, realm)

    return Provide(principal)


def optional_principal_dependency(realm: Realm) -> Provide:
    async def maybe_principal(request: Request[Any, Any, Any]) -> Principal | None:
        if bearer_token(request) is None:
            return None
        return await principal_for(request, realm)

    return Provide(maybe_principal)


def client_ip(request: Request[Any, Any, Any]) -> str | None:
    return request.client.host if request.client else None


def user_agent(request: Request[Any, Any, Any]) -> str | None:
    return request.headers.get("user-agent")
