"""/api/auth/: social login, linked accounts, two-factor, password reset, login history, status.

Two-factor login: when the account has a second factor, /api/users/login/ (and the social logins) answer
200 {"two_factor_required": true, "challenge", "method", "expires_in", "message"} without tokens; the client
then posts {"code", "challenge"} to /api/auth/2fa/verify/ (no bearer needed) and receives the tokens.
Without "challenge", /2fa/verify/ confirms a pending setup for the bearer's account.
"""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from application.identity.queries import IdentityQueries
from application.identity.services import (
    CompleteLogin,
    ConfirmTwoFactor,
    DisconnectSocialAccount,
    Principal,
    RequestPasswordReset,
    ResetPassword,
    ResetPasswordCommand,
    SecondStepCommand,
    SetUpTwoFactor,
    SocialLogin,
    SocialLoginCommand,
    TwoFactorChallenge,
)
from domain.identity.model import SocialProvider
from domain.shared.errors import InvalidInput, TooManyRequests, Unauthenticated, Unavailable
from entrypoints.http.auth import client_ip, principal_dependency, principal_for, user_agent
from entrypoints.http.faces.spotvibe import schemas
from entrypoints.http.faces.spotvibe.controllers.users import (
    REALM,
    token_in_body_is_bad_input,
    two_factor_required,
)
from entrypoints.http.openapi import OPTIONAL_BEARER, may_raise

AUTHENTICATED = {"principal": principal_dependency(REALM)}
# A disabled account (401), too many tries (429), Google or Facebook unreachable (503).
SOCIAL_LOGIN_ERRORS = may_raise(Unauthenticated, TooManyRequests, Unavailable)
VERIFIED = "Vérification 2FA réussie."


async def social_login(
    provider: SocialProvider,
    request: Request[Any, Any, Any],
    data: JSONBody[schemas.SocialLoginBody],
    use_case: SocialLogin,
) -> schemas.SocialLoginResponse | schemas.TwoFactorRequired:
    with token_in_body_is_bad_input():
        result = await use_case(
            SocialLoginCommand(
                realm=REALM,
                provider=provider,
                token=data.access_token,
                ip_address=client_ip(request),
                user_agent=user_agent(request),
            )
        )
    if isinstance(result, TwoFactorChallenge):
        return two_factor_required(result)
    return schemas.SocialLoginResponse(
        access=result.access, refresh=result.refresh, user=schemas.social_user(result.user)
    )


class AuthController(Controller):
    path = "/api/auth"
    tags = ("auth",)

    @post("/google/", status_code=HTTP_200_OK, security=[], opt=SOCIAL_LOGIN_ERRORS)
    async def google(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[schemas.SocialLoginBody],
        use_case: FromDishka[SocialLogin],
    ) -> schemas.SocialLoginResponse | schemas.TwoFactorRequired:
        return await social_login(SocialProvider.GOOGLE, request, data, use_case)

    @post("/facebook/", status_code=HTTP_200_OK, security=[], opt=SOCIAL_LOGIN_ERRORS)
    async def facebook(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[schemas.SocialLoginBody],
        use_case: FromDishka[SocialLogin],
    ) -> schemas.SocialLoginResponse | schemas.TwoFactorRequired:
        return await social_login(SocialProvider.FACEBOOK, request, data, use_case)

    @get("/social-accounts/", dependencies=AUTHENTICATED)
    async def social_accounts(
        self, principal: NamedDependency[Principal], queries: FromDishka[IdentityQueries]
    ) -> list[schemas.SocialAccountOut]:
        assert principal.user.id is not None
        return [schemas.social_account(a) for a in await queries.social_accounts(principal.user.id)]

    @post("/social-accounts/{provider:str}/disconnect/", status_code=HTTP_200_OK, dependencies=AUTHENTICATED,
          opt=may_raise(InvalidInput))  # an unknown provider, none linked, the last way to log in
    async def disconnect(
        self,
        provider: FromPath[str],
        principal: NamedDependency[Principal],
        use_case: FromDishka[DisconnectSocialAccount],
    ) -> schemas.Message:
        assert principal.user.id is not None
        await use_case(principal.user.id, SocialProvider.parse(provider))
        return schemas.Message(message="Compte social déconnecté avec succès.")

    @post("/2fa/setup/", status_code=HTTP_200_OK, dependencies=AUTHENTICATED)
    async def two_factor_setup(
        self,
        data: JSONBody[schemas.TwoFactorSetupBody],
        principal: NamedDependency[Principal],
        use_case: FromDishka[SetUpTwoFactor],
    ) -> schemas.TwoFactorSetupOut:
        assert principal.user.id is not None
        setup = await use_case(principal.user.id, data.method)
        return schemas.TwoFactorSetupOut(
            message="Configuration 2FA initiée. Veuillez vérifier votre téléphone/email ou scanner le QR code.",
            qr_code_url=setup.qr_data_uri,
            secret_key=setup.secret,
            backup_codes=setup.backup_codes,
            method=str(setup.method),
        )

    @post("/2fa/verify/", status_code=HTTP_200_OK, security=OPTIONAL_BEARER,
          opt=may_raise(Unauthenticated, TooManyRequests))
    async def two_factor_verify(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[schemas.TwoFactorVerifyBody],
        confirm: FromDishka[ConfirmTwoFactor],
        complete: FromDishka[CompleteLogin],
    ) -> schemas.Message | schemas.TwoFactorLoggedIn:
        """With "challenge": the second step of a login (no bearer). Without: confirms the bearer's setup."""
        if data.challenge is None:
            principal = await principal_for(request, REALM)
            assert principal.user.id is not None
            await confirm(principal.user.id, data.code)
            return schemas.Message(message=VERIFIED)
        with token_in_body_is_bad_input():
            tokens = await complete(
                SecondStepCommand(
                    realm=REALM,
                    challenge=data.challenge,
                    code=data.code,
                    ip_address=client_ip(request),
                    user_agent=user_agent(request),
                )
            )
        return schemas.TwoFactorLoggedIn(message=VERIFIED, access=tokens.access, refresh=tokens.refresh)

    @post("/password-reset/", status_code=HTTP_200_OK, security=[], opt=may_raise(TooManyRequests))
    async def password_reset(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[schemas.PasswordResetBody],
        use_case: FromDishka[RequestPasswordReset],
    ) -> schemas.Message:
        await use_case(REALM, data.email, client_ip(request))
        return schemas.Message(message="Si l'email est enregistré, un lien de réinitialisation a été envoyé.")

    @post("/password-reset/confirm/", status_code=HTTP_200_OK, security=[])
    async def password_reset_confirm(
        self, data: JSONBody[schemas.PasswordResetConfirmBody], use_case: FromDishka[ResetPassword]
    ) -> schemas.Message:
        await use_case(
            ResetPasswordCommand(
                realm=REALM,
                token=data.token,
                new_password=data.new_password,
                confirm_password=data.confirm_password,
            )
        )
        return schemas.Message(message="Votre mot de passe a été réinitialisé avec succès.")

    @get("/login-attempts/", dependencies=AUTHENTICATED)
    async def login_attempts(
        self, principal: NamedDependency[Principal], queries: FromDishka[IdentityQueries]
    ) -> list[schemas.LoginAttemptOut]:
        assert principal.user.id is not None
        return [schemas.login_attempt(a) for a in await queries.login_attempts(principal.user.id)]

    @get("/status/", dependencies=AUTHENTICATED)
    async def status(self, principal: NamedDependency[Principal]) -> schemas.AuthStatus:
        return schemas.auth_status(principal.user)
