"""/api/users/: sign-up, login, tokens, profile, password."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from application.identity.services import (
    ChangePassword,
    ChangePasswordCommand,
    IssuedTokens,
    LogIn,
    LogInCommand,
    LogOut,
    Principal,
    ProfileChanges,
    RefreshTokens,
    RegisterCommand,
    RegisterUser,
    TwoFactorChallenge,
    UpdateProfile,
)
from domain.identity.errors import InvalidToken
from domain.identity.model import Realm
from domain.shared.errors import Conflict, InvalidInput, TooManyRequests, Unauthenticated
from entrypoints.http.auth import client_ip, principal_dependency, user_agent
from entrypoints.http.faces.spotvibe import schemas
from entrypoints.http.openapi import may_raise, reads_body
from entrypoints.http.uploads import convert, read_body_and_files
from entrypoints.http.wire import wire_names

REALM = Realm.SPOTVIBE


def two_factor_required(challenge: TwoFactorChallenge) -> schemas.TwoFactorRequired:
    return schemas.TwoFactorRequired(
        two_factor_required=True,
        challenge=challenge.token,
        method=str(challenge.method),
        expires_in=challenge.expires_in,
        message="Code de vérification requis : envoyez-le à /api/auth/2fa/verify/ avec ce challenge.",
    )


def login_answer(result: IssuedTokens | TwoFactorChallenge) -> schemas.TokenPair | schemas.TwoFactorRequired:
    if isinstance(result, TwoFactorChallenge):
        return two_factor_required(result)
    return schemas.TokenPair(access=result.access, refresh=result.refresh)


@contextmanager
def token_in_body_is_bad_input() -> Iterator[None]:
    """A bad token sent in the body (not the bearer) is the spec's 400, not a 401."""
    try:
        yield
    except InvalidToken as exc:
        raise InvalidInput(exc.message) from None


class UsersController(Controller):
    path = "/api/users"
    tags = ("users",)

    @post("/register/", status_code=HTTP_201_CREATED, security=[], opt=may_raise(Conflict))
    async def register(
        self, data: JSONBody[schemas.RegisterBody], use_case: FromDishka[RegisterUser]
    ) -> schemas.RegisterResponse:
        with wire_names({"phone": "telephone"}):
            user = await use_case(RegisterCommand(
                realm=REALM, email=data.email, password=data.password, password_confirm=data.password_confirm,
                username=data.username, first_name=data.first_name, last_name=data.last_name, phone=data.telephone))
        assert user.id is not None
        return schemas.RegisterResponse(
            message="Utilisateur enregistré avec succès. Veuillez vérifier votre email.",
            user=schemas.UserSummary(id=user.id, username=user.username, email=user.email),
        )

    @post("/login/", status_code=HTTP_200_OK, security=[], opt=may_raise(Unauthenticated, TooManyRequests))
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[schemas.LoginBody], use_case: FromDishka[LogIn]
    ) -> schemas.TokenPair | schemas.TwoFactorRequired:
        result = await use_case(
            LogInCommand(
                realm=REALM,
                identifier=data.email,
                password=data.password,
                ip_address=client_ip(request),
                user_agent=user_agent(request),
            )
        )
        return login_answer(result)

    @post("/token/refresh/", status_code=HTTP_200_OK, security=[], opt=may_raise(Unauthenticated))
    async def refresh(
        self, data: JSONBody[schemas.RefreshBody], use_case: FromDishka[RefreshTokens]
    ) -> schemas.TokenPair:
        tokens = await use_case(REALM, data.refresh)
        return schemas.TokenPair(access=tokens.access, refresh=tokens.refresh)

    @post("/logout/", status_code=HTTP_200_OK, dependencies={"principal": principal_dependency(REALM)})
    async def logout(
        self, data: JSONBody[schemas.RefreshBody], principal: NamedDependency[Principal], use_case: FromDishka[LogOut]
    ) -> schemas.Message:
        with token_in_body_is_bad_input():
            await use_case.with_refresh_token(REALM, data.refresh, user_id=principal.user.id)
        await use_case.session(principal.session_id)
        return schemas.Message(message="Déconnexion réussie.")

    @get("/profile/", dependencies={"principal": principal_dependency(REALM)})
    async def profile(self, principal: NamedDependency[Principal]) -> schemas.Profile:
        return schemas.profile(principal.user)

    @put("/profile/", dependencies={"principal": principal_dependency(REALM)},
         opt=reads_body(schemas.ProfileBody, files=("photo_profil",)) | may_raise(Conflict))
    async def update_profile(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        use_case: FromDishka[UpdateProfile],
    ) -> schemas.ProfileUpdated:
        fields, files = await read_body_and_files(request, file_fields=("photo_profil",))
        body = convert(fields, schemas.ProfileBody)
        assert principal.user.id is not None
        with wire_names({"phone": "telephone", "photo": "photo_profil"}):
            user = await use_case(
                principal.user.id,
                ProfileChanges(
                    first_name=body.first_name,
                    last_name=body.last_name,
                    email=body.email,
                    phone=body.telephone,
                    bio=body.bio,
                    birth_date=body.date_naissance,
                    notifications_email=body.notifications_email,
                    notifications_push=body.notifications_push,
                    photo=files.get("photo_profil"),
                ),
            )
        return schemas.ProfileUpdated(message="Profil mis à jour avec succès.", user=schemas.profile(user))

    @post("/change-password/", status_code=HTTP_200_OK, dependencies={"principal": principal_dependency(REALM)})
    async def change_password(
        self,
        data: JSONBody[schemas.ChangePasswordBody],
        principal: NamedDependency[Principal],
        use_case: FromDishka[ChangePassword],
    ) -> schemas.Message:
        assert principal.user.id is not None
        await use_case(
            ChangePasswordCommand(
                user_id=principal.user.id,
                session_id=principal.session_id,
                old_password=data.old_password,
                new_password=data.new_password,
                confirm_password=data.confirm_password,
            )
        )
        return schemas.Message(message="Mot de passe changé avec succès.")
