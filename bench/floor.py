"""The floor: the profile read of each face with nothing of ours in the way, to measure our service against.

A bare Litestar app (no dishka, no SQLAlchemy, no middleware) that, per request, verifies the bearer JWT with PyJWT
as `adapters.auth.jwt_codec` does (HS256 keyed by AGORA_SECRET_KEY itself, issuer "agora", audience the realm, typ
"access", not expired), reads the caller's row of `identity_users` with asyncpg (one pool per process; asyncpg
prepares each statement once per connection and reuses it), and answers the face's profile body encoded by msgspec.
It does not check that the token's session is still open (our service does, in the same query): the floor is
the least a profile read must do.

    DATABASE_URL=postgresql://... AGORA_SECRET_KEY=... \
        python3 -m uv run --frozen python -m bench.floor --port 8100 --workers 2

Served like our service: uvicorn with uvloop and httptools (or `--server granian`), `--workers` processes sharing
one listening socket.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

import asyncpg
import jwt
import msgspec
from litestar import Litestar, Request, Response, get

ISSUER = "agora"
REQUIRED_CLAIMS = ["exp", "sub", "jti", "sid", "typ", "aud"]
JSON = "application/json"


class EebcProfile(msgspec.Struct):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    role: str
    phone: str | None
    photo: str | None
    member: None


class EebcOk(msgspec.Struct):
    success: bool
    data: EebcProfile


class SpotvibeProfile(msgspec.Struct):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    telephone: str | None
    date_naissance: date | None
    photo_profil: str | None
    bio: str
    est_verifie: bool
    notifications_email: bool
    notifications_push: bool
    two_factor_enabled: bool
    date_joined: datetime


class MunicipalityRef(msgspec.Struct):
    id: int
    name: str
    code: str


class MairieProfile(msgspec.Struct):
    id: int
    email: str
    first_name: str
    last_name: str
    role: str
    phone: str | None
    avatar_url: str | None
    is_verified: bool
    municipality: MunicipalityRef | None
    created_at: datetime
    last_login: datetime | None


EEBC_SQL = ("SELECT id, username, email, first_name, last_name, roles, phone, photo, is_active "
            "FROM identity_users WHERE id = $1 AND realm = 'eebc'")
SPOTVIBE_SQL = ("SELECT id, username, email, first_name, last_name, phone, birth_date, photo, bio, identity_verified, "
                "notifications_email, notifications_push, two_factor_enabled, created_at, is_active "
                "FROM identity_users WHERE id = $1 AND realm = 'spotvibe'")
MAIRIE_SQL = ("SELECT u.id, u.email, u.first_name, u.last_name, u.roles, u.phone, u.photo, u.email_verified, "
              "u.created_at, u.last_login, u.is_active, m.id AS m_id, m.name AS m_name, m.code AS m_code "
              "FROM identity_users u LEFT JOIN identity_municipalities m ON m.id = u.municipality_id "
              "WHERE u.id = $1 AND u.realm = 'mairie'")

encoder = msgspec.json.Encoder()
UNAUTHENTICATED = Response(b'{"detail":"Authentification requise"}', status_code=401, media_type=JSON)
DISABLED = Response(b'{"detail":"Compte desactive"}', status_code=403, media_type=JSON)


def user_id(request: Request[Any, Any, Any], realm: str) -> int | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        claims = jwt.decode(token.strip(), request.app.state.secret, algorithms=["HS256"], audience=realm,
                            issuer=ISSUER, options={"require": REQUIRED_CLAIMS, "verify_iat": False})
        uid = int(claims["sub"])
    except (jwt.PyJWTError, TypeError, ValueError):
        return None
    return uid if claims.get("typ") == "access" and uid >= 1 else None


async def row_for(request: Request[Any, Any, Any], realm: str, sql: str) -> asyncpg.Record | Response[bytes]:
    uid = user_id(request, realm)
    if uid is None:
        return UNAUTHENTICATED
    pool: asyncpg.Pool = request.app.state.pool
    row = await pool.fetchrow(sql, uid)
    if row is None:
        return UNAUTHENTICATED
    if not row["is_active"]:
        return DISABLED
    return row


def answer(body: msgspec.Struct) -> Response[bytes]:
    return Response(encoder.encode(body), media_type=JSON)


@get("/eebc/api/v1/profile/")
async def eebc_profile(request: Request[Any, Any, Any]) -> Response[bytes]:
    row = await row_for(request, "eebc", EEBC_SQL)
    if isinstance(row, Response):
        return row
    roles = row["roles"]
    return answer(EebcOk(success=True, data=EebcProfile(
        id=row["id"], username=row["username"], email=row["email"], first_name=row["first_name"],
        last_name=row["last_name"], role=roles[0] if roles else "", phone=row["phone"], photo=row["photo"],
        member=None)))


@get("/api/users/profile/")
async def spotvibe_profile(request: Request[Any, Any, Any]) -> Response[bytes]:
    row = await row_for(request, "spotvibe", SPOTVIBE_SQL)
    if isinstance(row, Response):
        return row
    return answer(SpotvibeProfile(
        id=row["id"], username=row["username"], email=row["email"], first_name=row["first_name"],
        last_name=row["last_name"], telephone=row["phone"], date_naissance=row["birth_date"],
        photo_profil=row["photo"], bio=row["bio"], est_verifie=row["identity_verified"],
        notifications_email=row["notifications_email"], notifications_push=row["notifications_push"],
        two_factor_enabled=row["two_factor_enabled"], date_joined=row["created_at"]))


@get("/mairie/api/v1/auth/profile/")
async def mairie_profile(request: Request[Any, Any, Any]) -> Response[bytes]:
    row = await row_for(request, "mairie", MAIRIE_SQL)
    if isinstance(row, Response):
        return row
    roles = row["roles"]
    town = None if row["m_id"] is None else MunicipalityRef(id=row["m_id"], name=row["m_name"], code=row["m_code"])
    return answer(MairieProfile(
        id=row["id"], email=row["email"], first_name=row["first_name"], last_name=row["last_name"],
        role=roles[0] if roles else "", phone=row["phone"], avatar_url=row["photo"],
        is_verified=row["email_verified"], municipality=town, created_at=row["created_at"],
        last_login=row["last_login"]))


@get("/health")
async def health() -> Response[bytes]:
    return Response(b'{"status":"ok"}', media_type=JSON)


def create_app() -> Litestar:
    url, secret = os.environ["DATABASE_URL"], os.environ["AGORA_SECRET_KEY"]

    @asynccontextmanager
    async def pool(app: Litestar) -> AsyncIterator[None]:
        # SQLAlchemy's default pool in our service: 5 connections kept, up to 10 more.
        app.state.pool = await asyncpg.create_pool(url, min_size=5, max_size=15)
        app.state.secret = secret
        try:
            yield
        finally:
            await app.state.pool.close()

    return Litestar([eebc_profile, spotvibe_profile, mairie_profile, health], lifespan=[pool], openapi_config=None,
                    logging_config=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=1, help="server processes sharing the listening socket")
    parser.add_argument("--server", choices=("uvicorn", "granian"), default="uvicorn")
    args = parser.parse_args()
    if args.server == "granian":
        granian = shutil.which("granian")
        if granian is None:
            sys.exit("granian is not installed (uv add granian)")
        command = [granian, "--interface", "asgi", "--loop", "uvloop", "--host", args.host, "--port", str(args.port),
                   "--workers", str(args.workers), "--no-ws", "--factory", "bench.floor:create_app"]
        os.execv(granian, command)  # noqa: S606 - our own arguments
    import uvicorn

    uvicorn.run("bench.floor:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                loop="uvloop", http="httptools", lifespan="on", log_config=None, access_log=False)


if __name__ == "__main__":
    main()
