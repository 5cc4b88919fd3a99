"""/api/v1/auth/: login, token refresh, logout, password change.

Login accepts `username` as the username or the email. After 5 wrong passwords in a row the account is
locked for 15 minutes (configurable): the 401 carries `"locked": true` and `"remaining_minutes"`, and even
the right password is refused until the lock ends.

Two-factor accounts: EEBC has no endpoint to turn 2FA on, but an account may have it (set up elsewhere, e.g.
by an administrator). Then a right username/password answers 200
`{"success": true, "data": {"two_factor_required": true, "challenge", "method", "expires_in"}}` instead of
tokens (for the EMAIL/SMS methods the code is sent at that moment). The app finishes at the same endpoint:
`POST /api/v1/auth/login/ {"challenge": "...", "code": "123456"}` (a TOTP code, the sent code or a backup
code) answers the normal login body. A wrong code is a 400 with `details.code`; an expired or foreign
challenge is a 401.

Password change (`PUT /api/v1/auth/password/`) closes every session of the user, the current one included,
and returns a fresh pair; it also clears `must_change_password`.
"""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from application.identity.services import (
    ChangePassword,
    ChangePasswordCommand,
    CompleteLogin,
    IssuedTokens,
    LogIn,
    LogInCommand,
    LogOut,
    Principal,
    RefreshTokens,
    SecondStepCommand,
    TwoFactorChallenge,
)
from application.shared.church import ChurchDirectory
from domain.identity.model import Realm
from domain.shared.errors import TooManyRequests, Unauthenticated
from entrypoints.http.auth import client_ip, principal_dependency, user_agent
from entrypoints.http.faces.eebc import schemas
from entrypoints.http.openapi import may_raise

REALM = Realm.EEBC


async def _member_id(directory: ChurchDirectory, result: IssuedTokens | TwoFactorChallenge) -> int | None:
    if isinstance(result, TwoFactorChallenge) or result.user.id is None:
        return None
    member = await directory.member_of_user(result.user.id)
    return member.id if member else None


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ("auth",)

    @post("/login/", status_code=HTTP_200_OK, security=[], opt=may_raise(Unauthenticated, TooManyRequests))
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[schemas.LoginBody],
        log_in: FromDishka[LogIn],
        complete: FromDishka[CompleteLogin],
        directory: FromDishka[ChurchDirectory],
    ) -> schemas.LoginOk | schemas.TwoFactorOk:
        """`user.member_id` is the integer id of the member this account is (null when none)."""
        data.check()
        ip, agent = client_ip(request), user_agent(request)
        if data.is_second_step:
            assert data.challenge is not None and data.code is not None
            tokens = await complete(
                SecondStepCommand(
                    realm=REALM, challenge=data.challenge, code=data.code, ip_address=ip, user_agent=agent
                )
            )
            return schemas.login_answer(tokens, await _member_id(directory, tokens))
        assert data.username is not None and data.password is not None
        result = await log_in(
            LogInCommand(realm=REALM, identifier=data.username, password=data.password, ip_address=ip, user_agent=agent)
        )
        return schemas.login_answer(result, await _member_id(directory, result))

    @post("/refresh/", status_code=HTTP_200_OK, security=[], opt=may_raise(Unauthenticated))
    async def refresh(
        self, data: JSONBody[schemas.RefreshBody], use_case: FromDishka[RefreshTokens]
    ) -> schemas.TokenPair:
        tokens = await use_case(REALM, data.refresh)
        return schemas.TokenPair(access=tokens.access, refresh=tokens.refresh)

    @post("/logout/", status_code=HTTP_200_OK, dependencies={"principal": principal_dependency(REALM)})
    async def logout(
        self, data: JSONBody[schemas.RefreshBody], principal: NamedDependency[Principal], use_case: FromDishka[LogOut]
    ) -> schemas.Done:
        await use_case.with_refresh_token(REALM, data.refresh, user_id=principal.user.id)
        return schemas.Done(message="Déconnexion réussie")

    @put("/password/", status_code=HTTP_200_OK, dependencies={"principal": principal_dependency(REALM)})
    async def change_password(
        self,
        data: JSONBody[schemas.ChangePasswordBody],
        principal: NamedDependency[Principal],
        use_case: FromDishka[ChangePassword],
    ) -> schemas.PasswordChanged:
        assert principal.user.id is not None
        tokens = await use_case(
            ChangePasswordCommand(
                user_id=principal.user.id,
                session_id=principal.session_id,
                old_password=data.old_password,
                new_password=data.new_password,
                confirm_password=data.confirm_password,
            ),
            reissue=True,
        )
        assert tokens is not None
        return schemas.PasswordChanged(
            message="Mot de passe modifié avec succès",
            data=schemas.TokenPair(access=tokens.access, refresh=tokens.refresh),
        )
