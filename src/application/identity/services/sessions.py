"""Issuing, refreshing, revoking and checking tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from application.identity.ports import (
    IdentityReads,
    RefreshSessionRepository,
    TokenClaims,
    TokenCodec,
    UserRepository,
)
from application.shared.ports import Clock, UnitOfWork
from domain.identity.errors import AccountDisabled, InvalidToken
from domain.identity.model import Municipality, Realm, RefreshSession, User
from domain.identity.policies import TokenLifetimes
from domain.shared.actor import Actor

ACCESS = "access"
REFRESH = "refresh"
CHALLENGE = "2fa"


@dataclass(frozen=True)
class IssuedTokens:
    access: str
    refresh: str
    expires_in: int
    user: User
    session_id: str


@dataclass(frozen=True)
class Principal:
    user: User
    session_id: str
    municipality: Municipality | None = None  # the town-hall account's town, read with it

    @property
    def actor(self) -> Actor:
        return self.user.as_actor()


class SessionIssuer:
    """Opens a session (a refresh-token family) or continues one, and mints the pair of tokens."""

    def __init__(self, sessions: RefreshSessionRepository, codec: TokenCodec, clock: Clock,
                 lifetimes: TokenLifetimes) -> None:
        self._sessions = sessions
        self._codec = codec
        self._clock = clock
        self._lifetimes = lifetimes

    async def open(self, user: User, *, family_id: str | None = None, jti: str | None = None) -> IssuedTokens:
        assert user.id is not None
        now = self._clock.now()
        family_id = family_id or uuid.uuid4().hex
        jti = jti or uuid.uuid4().hex
        expires_at = now + self._lifetimes.refresh
        await self._sessions.add(
            RefreshSession(jti=jti, family_id=family_id, user_id=user.id, realm=user.realm,
                           issued_at=now, expires_at=expires_at)
        )
        refresh = self._codec.encode(
            TokenClaims(user_id=user.id, realm=user.realm, kind=REFRESH, jti=jti, session_id=family_id,
                        expires_at=expires_at, extra={})
        )
        access = self._codec.encode(
            TokenClaims(user_id=user.id, realm=user.realm, kind=ACCESS, jti=uuid.uuid4().hex,
                        session_id=family_id, expires_at=now + self._lifetimes.access, extra={})
        )
        return IssuedTokens(access=access, refresh=refresh, expires_in=int(self._lifetimes.access.total_seconds()),
                            user=user, session_id=family_id)


class Authenticate:
    """Turns a bearer access token into the caller, refusing other realms and closed sessions: one read."""

    def __init__(self, codec: TokenCodec, reads: IdentityReads, clock: Clock) -> None:
        self._codec = codec
        self._reads = reads
        self._clock = clock

    async def __call__(self, realm: Realm, token: str) -> Principal:
        claims = self._codec.decode(token, realm=realm, kind=ACCESS)
        caller = await self._reads.caller(claims.user_id, claims.session_id, self._clock.now())
        if not caller.session_active:
            raise InvalidToken("Session expirée ou révoquée")
        user = caller.user
        if user is None or user.realm is not realm:
            raise InvalidToken()
        if not user.is_active:
            raise AccountDisabled()
        return Principal(user=user, session_id=claims.session_id, municipality=caller.municipality)


class RefreshTokens:
    """Spends a refresh token for a new pair. Presenting a spent token burns the whole family."""

    def __init__(self, codec: TokenCodec, sessions: RefreshSessionRepository, users: UserRepository,
                 issuer: SessionIssuer, uow: UnitOfWork, clock: Clock) -> None:
        self._codec = codec
        self._sessions = sessions
        self._users = users
        self._issuer = issuer
        self._uow = uow
        self._clock = clock

    async def __call__(self, realm: Realm, refresh_token: str) -> IssuedTokens:
        claims = self._codec.decode(refresh_token, realm=realm, kind=REFRESH)
        now = self._clock.now()
        record = await self._sessions.get(claims.jti)
        if record is None or record.realm is not realm:
            raise InvalidToken()
        new_jti = uuid.uuid4().hex
        if not await self._sessions.rotate(claims.jti, new_jti, now):
            if record.replaced_by is not None:
                await self._sessions.revoke_family(record.family_id, now)
                await self._uow.commit()
                raise InvalidToken("Token déjà utilisé : la session a été révoquée par sécurité")
            raise InvalidToken()
        user = await self._users.get(record.user_id)
        if user is None or not user.is_active:
            await self._uow.rollback()
            raise InvalidToken()
        tokens = await self._issuer.open(user, family_id=record.family_id, jti=new_jti)
        await self._uow.commit()
        return tokens


class LogOut:
    def __init__(self, codec: TokenCodec, sessions: RefreshSessionRepository, uow: UnitOfWork,
                 clock: Clock) -> None:
        self._codec = codec
        self._sessions = sessions
        self._uow = uow
        self._clock = clock

    async def with_refresh_token(self, realm: Realm, refresh_token: str, *, user_id: int | None = None) -> None:
        claims = self._codec.decode(refresh_token, realm=realm, kind=REFRESH)
        if user_id is not None and claims.user_id != user_id:
            raise InvalidToken("Ce token appartient à un autre utilisateur")
        await self._sessions.revoke_family(claims.session_id, self._clock.now())
        await self._uow.commit()

    async def session(self, session_id: str) -> None:
        await self._sessions.revoke_family(session_id, self._clock.now())
        await self._uow.commit()
