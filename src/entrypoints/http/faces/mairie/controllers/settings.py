"""/api/v1/settings/: the caller's password and two-factor setup (spec 7.3 to 7.5)."""

from __future__ import annotations

from dishka.integrations.litestar import FromDishka
from litestar import Controller, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from application.identity.services import (
    ChangePassword,
    ChangePasswordCommand,
    ConfirmTwoFactor,
    Principal,
    SetUpTwoFactor,
)
from domain.identity.model import Realm, TwoFactorMethod
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.mairie import schemas
from entrypoints.http.wire import wire_names

REALM = Realm.MAIRIE
AUTHENTICATED = {"principal": principal_dependency(REALM)}


class SecuritySettingsController(Controller):
    path = "/api/v1/settings"
    tags = ("settings",)
    dependencies = AUTHENTICATED

    @put("/password/", status_code=HTTP_200_OK)
    async def change_password(
        self,
        data: JSONBody[schemas.ChangePasswordBody],
        principal: NamedDependency[Principal],
        use_case: FromDishka[ChangePassword],
    ) -> schemas.Message:
        """Other sessions are closed; the current one stays open."""
        assert principal.user.id is not None
        with wire_names({"old_password": "current_password", "confirm_password": "new_password_confirm"}):
            await use_case(
                ChangePasswordCommand(
                    user_id=principal.user.id,
                    session_id=principal.session_id,
                    old_password=data.current_password,
                    new_password=data.new_password,
                    confirm_password=data.new_password_confirm,
                )
            )
        return schemas.Message(message="Mot de passe modifié avec succès")

    @post("/2fa/enable/", status_code=HTTP_200_OK)
    async def enable_two_factor(
        self,
        principal: NamedDependency[Principal],
        use_case: FromDishka[SetUpTwoFactor],
        data: JSONBody[schemas.TwoFactorEnableBody | None] = None,
    ) -> schemas.TwoFactorSecret:
        """Starts a TOTP setup: the secret, its QR code and 8 backup codes (shown once). Takes effect on confirm."""
        assert principal.user.id is not None
        return schemas.two_factor_secret(await use_case(principal.user.id, TwoFactorMethod.TOTP))

    @post("/2fa/confirm/", status_code=HTTP_200_OK)
    async def confirm_two_factor(
        self,
        data: JSONBody[schemas.TwoFactorCodeBody],
        principal: NamedDependency[Principal],
        use_case: FromDishka[ConfirmTwoFactor],
    ) -> schemas.TwoFactorEnabled:
        assert principal.user.id is not None
        user = await use_case(principal.user.id, data.code)
        return schemas.TwoFactorEnabled(
            two_factor_enabled=user.two_factor_enabled, message="Authentification à deux facteurs activée"
        )
