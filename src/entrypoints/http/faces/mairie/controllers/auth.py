"""/api/v1/auth/: sign-up, login (with its two-factor second step), tokens, email check, password reset, profile.

Two-factor login (the spec is silent; this is the design the dashboard follows):

1. ``POST /api/v1/auth/login/`` ``{"email", "password"}``. Without two-factor the answer is the normal login
   body (tokens + ``user``). When the account has two-factor on, the password step issues no token and answers
   200 ``{"two_factor_required": true, "challenge_token", "method": "TOTP", "expires_in": 300, "message"}``.
2. The client posts to the same endpoint ``{"challenge_token", "otp_code"}`` where ``otp_code`` is the current
   TOTP code or one of the 8 single-use backup codes, and receives the normal login body. A wrong code is a 422
   on ``otp_code``; an expired, forged or other-realm challenge is a 401; after 5 tries on one challenge, 429.

So the login body is exactly one of the two shapes; a body mixing them, or missing a field of its shape,
is a 422 ``VALIDATION_ERROR`` naming the fields.
"""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from application.identity.queries import IdentityQueries
from application.identity.services import (
    CompleteLogin,
    ConfirmEmail,
    IssuedTokens,
    LogIn,
    LogInCommand,
    LogOut,
    Principal,
    ProfileChanges,
    RefreshTokens,
    RegisterCommand,
    RegisterUser,
    RequestPasswordReset,
    ResetPassword,
    ResetPasswordCommand,
    SecondStepCommand,
    SendEmailVerification,
    TwoFactorChallenge,
    UpdateProfile,
)
from domain.identity.model import Realm
from domain.shared.errors import Conflict, Forbidden, TooManyRequests, Unauthenticated
from entrypoints.http.auth import client_ip, optional_principal_dependency, principal_dependency, user_agent
from entrypoints.http.faces.mairie import schemas
from entrypoints.http.openapi import OPTIONAL_BEARER, may_raise, reads_body
from entrypoints.http.uploads import convert, read_body_and_files
from entrypoints.http.wire import wire_names

REALM = Realm.MAIRIE
AUTHENTICATED = {"principal": principal_dependency(REALM)}


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ("auth",)

    @post(
        "/register/",
        status_code=HTTP_201_CREATED,
        security=OPTIONAL_BEARER,
        dependencies={"principal": optional_principal_dependency(REALM)},
        opt=may_raise(Conflict, Forbidden),  # the email is taken; staff need the mayor's or an admin's token
    )
    async def register(
        self,
        data: JSONBody[schemas.RegisterBody],
        principal: NamedDependency[Principal | None],
        use_case: FromDishka[RegisterUser],
    ) -> schemas.Registered:
        """Citizens join an existing town; a first mayor founds one; staff need the bearer token of the town's
        mayor or admin."""
        user = await use_case(
            RegisterCommand(
                realm=REALM,
                email=data.email,
                password=data.password,
                password_confirm=data.password_confirm,
                first_name=data.first_name,
                last_name=data.last_name,
                phone=data.phone,
                role=data.role,
                municipality_code=data.municipality_code,
                municipality_name=data.municipality_name,
                actor=principal.actor if principal else None,
            )
        )
        return schemas.registered(user)

    @post("/login/", status_code=HTTP_200_OK, security=[], opt=may_raise(Unauthenticated, TooManyRequests))
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[schemas.LoginBody],
        log_in: FromDishka[LogIn],
        complete: FromDishka[CompleteLogin],
        queries: FromDishka[IdentityQueries],
    ) -> schemas.LoginResponse | schemas.TwoFactorRequired:
        data.check()
        result: IssuedTokens | TwoFactorChallenge
        if data.is_second_step:
            assert data.challenge_token is not None and data.otp_code is not None
            with wire_names({"code": "otp_code"}):
                result = await complete(
                    SecondStepCommand(
                        realm=REALM,
                        challenge=data.challenge_token,
                        code=data.otp_code,
                        ip_address=client_ip(request),
                        user_agent=user_agent(request),
                    )
                )
        else:
            assert data.email is not None and data.password is not None
            result = await log_in(
                LogInCommand(
                    realm=REALM,
                    identifier=data.email,
                    password=data.password,
                    ip_address=client_ip(request),
                    user_agent=user_agent(request),
                )
            )
        if isinstance(result, TwoFactorChallenge):
            return schemas.two_factor_required(result)
        return schemas.login_response(result, await queries.municipality(result.user.municipality_id))

    @post("/token/refresh/", status_code=HTTP_200_OK, security=[], opt=may_raise(Unauthenticated))
    async def refresh(
        self, data: JSONBody[schemas.RefreshBody], use_case: FromDishka[RefreshTokens]
    ) -> schemas.RefreshResponse:
        return schemas.refreshed(await use_case(REALM, data.refresh_token))

    @post("/logout/", status_code=HTTP_200_OK, dependencies=AUTHENTICATED, opt=reads_body(schemas.LogoutBody))
    async def logout(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], use_case: FromDishka[LogOut]
    ) -> schemas.Message:
        """Closes the session of the bearer token. A `refresh_token` in the body, if any, must be the caller's
        and its session is closed too."""
        fields, _ = await read_body_and_files(request, file_fields=())
        body = convert(fields, schemas.LogoutBody)
        if body.refresh_token:
            await use_case.with_refresh_token(REALM, body.refresh_token, user_id=principal.user.id)
        await use_case.session(principal.session_id)
        return schemas.Message(message="Déconnexion réussie")

    @post("/email/verify/send/", status_code=HTTP_200_OK, security=[], opt=may_raise(TooManyRequests))
    async def send_email_code(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[schemas.EmailBody],
        use_case: FromDishka[SendEmailVerification],
    ) -> schemas.CodeSent:
        await use_case(REALM, data.email, client_ip(request))
        return schemas.CodeSent(message="Code OTP envoyé par email", expires_in=use_case.expires_in)

    @post("/email/verify/confirm/", status_code=HTTP_200_OK, security=[], opt=may_raise(TooManyRequests))
    async def confirm_email(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[schemas.ConfirmEmailBody],
        use_case: FromDishka[ConfirmEmail],
    ) -> schemas.EmailVerified:
        with wire_names({"code": "otp_code"}):
            user = await use_case(REALM, data.email, data.otp_code, client_ip(request))
        return schemas.EmailVerified(message="Email vérifié avec succès", is_verified=user.email_verified)

    @post("/password/forgot/", status_code=HTTP_200_OK, security=[], opt=may_raise(TooManyRequests))
    async def forgot_password(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[schemas.EmailBody],
        use_case: FromDishka[RequestPasswordReset],
    ) -> schemas.Message:
        await use_case(REALM, data.email, client_ip(request))
        return schemas.Message(message="Email de réinitialisation envoyé")

    @post("/password/reset/", status_code=HTTP_200_OK, security=[])
    async def reset_password(
        self, data: JSONBody[schemas.ResetPasswordBody], use_case: FromDishka[ResetPassword]
    ) -> schemas.Message:
        with wire_names({"new_password": "password", "confirm_password": "password_confirm"}):
            await use_case(
                ResetPasswordCommand(
                    realm=REALM,
                    token=data.token,
                    new_password=data.password,
                    confirm_password=data.password_confirm,
                )
            )
        return schemas.Message(message="Mot de passe réinitialisé avec succès")

    @get("/profile/", dependencies=AUTHENTICATED)
    async def profile(self, principal: NamedDependency[Principal]) -> schemas.Profile:
        return schemas.profile(principal.user, principal.municipality)

    @put("/profile/", dependencies=AUTHENTICATED, opt=reads_body(schemas.ProfileBody, files=("avatar",)))
    async def update_profile(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        use_case: FromDishka[UpdateProfile],
    ) -> schemas.ProfileUpdated:
        """multipart/form-data (first_name, last_name, phone, avatar) or the same fields as JSON."""
        fields, files = await read_body_and_files(request, file_fields=("avatar",))
        body = convert(fields, schemas.ProfileBody)
        assert principal.user.id is not None
        with wire_names({"photo": "avatar"}):
            user = await use_case(
                principal.user.id,
                ProfileChanges(
                    first_name=body.first_name,
                    last_name=body.last_name,
                    phone=body.phone,
                    photo=files.get("avatar"),
                ),
            )
        return schemas.profile_updated(user)
