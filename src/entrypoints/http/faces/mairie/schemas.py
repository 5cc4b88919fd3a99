"""Mairie wire shapes: the field names of mairie-ecms-api.md (sections 1 and 7)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from application.identity.services import IssuedTokens, TwoFactorChallenge, TwoFactorSetup
from domain.identity.model import Municipality, User
from domain.shared.errors import FieldErrors

REQUIRED = "Ce champ est requis"


# ---- request bodies ------------------------------------------------------------------------------------------

class RegisterBody(msgspec.Struct):
    email: str
    password: str
    password_confirm: str | None = None
    first_name: str = ""
    last_name: str = ""
    role: str | None = None
    phone: str | None = None
    municipality_code: str | None = None
    municipality_name: str | None = None


class LoginBody(msgspec.Struct):
    """Either the password step {email, password} or the second step {challenge_token, otp_code}."""

    email: str | None = None
    password: str | None = None
    challenge_token: str | None = None
    otp_code: str | None = None

    @property
    def is_second_step(self) -> bool:
        return self.challenge_token is not None or self.otp_code is not None

    def check(self) -> None:
        """Raises a 422 naming every missing field, and refuses a body that mixes both steps."""
        errors = FieldErrors()
        if self.is_second_step:
            if self.email is not None or self.password is not None:
                errors.add("non_field_errors", "Envoyez soit email et password, soit challenge_token et otp_code")
            if not (self.challenge_token or "").strip():
                errors.add("challenge_token", REQUIRED)
            if not (self.otp_code or "").strip():
                errors.add("otp_code", REQUIRED)
        else:
            if not (self.email or "").strip():
                errors.add("email", REQUIRED)
            if not self.password:
                errors.add("password", REQUIRED)
        errors.raise_if_any()


class RefreshBody(msgspec.Struct):
    refresh_token: str


class LogoutBody(msgspec.Struct):
    refresh_token: str | None = None


class EmailBody(msgspec.Struct):
    email: str


class ConfirmEmailBody(msgspec.Struct):
    email: str
    otp_code: str


class ResetPasswordBody(msgspec.Struct):
    token: str
    password: str
    password_confirm: str | None = None


class ProfileBody(msgspec.Struct):
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None


class ChangePasswordBody(msgspec.Struct):
    current_password: str
    new_password: str
    new_password_confirm: str | None = None


class TwoFactorCodeBody(msgspec.Struct):
    code: str


class TwoFactorEnableBody(msgspec.Struct, forbid_unknown_fields=True):
    """The spec sends no body; one that comes may only name the one method the Mairie offers."""

    method: Literal["TOTP"] = "TOTP"


# ---- responses -----------------------------------------------------------------------------------------------

class MunicipalityRef(msgspec.Struct):
    id: int
    name: str
    code: str


class Registered(msgspec.Struct):
    id: int
    email: str
    first_name: str
    last_name: str
    role: str
    is_verified: bool
    created_at: datetime


class LoginUser(msgspec.Struct):
    id: int
    email: str
    first_name: str
    last_name: str
    role: str
    avatar_url: str | None
    municipality: MunicipalityRef | None


class LoginResponse(msgspec.Struct):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    user: LoginUser


class TwoFactorRequired(msgspec.Struct):
    """The password was right; POST {challenge_token, otp_code} to the same login endpoint."""

    two_factor_required: bool
    challenge_token: str
    method: str
    expires_in: int
    message: str


class RefreshResponse(msgspec.Struct):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int


class Message(msgspec.Struct):
    message: str


class CodeSent(msgspec.Struct):
    message: str
    expires_in: int


class EmailVerified(msgspec.Struct):
    message: str
    is_verified: bool


class Profile(msgspec.Struct):
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


class ProfileUpdated(msgspec.Struct):
    id: int
    email: str
    first_name: str
    last_name: str
    avatar_url: str | None
    message: str


class TwoFactorSecret(msgspec.Struct):
    secret: str
    qr_code_url: str
    backup_codes: list[str]


class TwoFactorEnabled(msgspec.Struct):
    two_factor_enabled: bool
    message: str


# ---- mapping -------------------------------------------------------------------------------------------------

def municipality_ref(municipality: Municipality | None) -> MunicipalityRef | None:
    if municipality is None or municipality.id is None:
        return None
    return MunicipalityRef(id=municipality.id, name=municipality.name, code=municipality.code)


def registered(user: User) -> Registered:
    assert user.id is not None
    return Registered(id=user.id, email=user.email, first_name=user.first_name, last_name=user.last_name,
                      role=user.role, is_verified=user.email_verified, created_at=user.created_at)


def login_response(tokens: IssuedTokens, municipality: Municipality | None) -> LoginResponse:
    user = tokens.user
    assert user.id is not None
    return LoginResponse(
        access_token=tokens.access, refresh_token=tokens.refresh, token_type="Bearer", expires_in=tokens.expires_in,
        user=LoginUser(id=user.id, email=user.email, first_name=user.first_name, last_name=user.last_name,
                       role=user.role, avatar_url=user.photo, municipality=municipality_ref(municipality)),
    )


def two_factor_required(challenge: TwoFactorChallenge) -> TwoFactorRequired:
    return TwoFactorRequired(
        two_factor_required=True, challenge_token=challenge.token, method=str(challenge.method),
        expires_in=challenge.expires_in,
        message="Code de vérification requis : renvoyez challenge_token et otp_code à /api/v1/auth/login/",
    )


def refreshed(tokens: IssuedTokens) -> RefreshResponse:
    return RefreshResponse(access_token=tokens.access, refresh_token=tokens.refresh, token_type="Bearer",
                           expires_in=tokens.expires_in)


def profile(user: User, municipality: Municipality | None) -> Profile:
    assert user.id is not None
    return Profile(id=user.id, email=user.email, first_name=user.first_name, last_name=user.last_name,
                   role=user.role, phone=user.phone, avatar_url=user.photo, is_verified=user.email_verified,
                   municipality=municipality_ref(municipality), created_at=user.created_at,
                   last_login=user.last_login)


def profile_updated(user: User) -> ProfileUpdated:
    assert user.id is not None
    return ProfileUpdated(id=user.id, email=user.email, first_name=user.first_name, last_name=user.last_name,
                          avatar_url=user.photo, message="Profil mis à jour")


def two_factor_secret(setup: TwoFactorSetup) -> TwoFactorSecret:
    assert setup.secret is not None and setup.qr_data_uri is not None
    return TwoFactorSecret(secret=setup.secret, qr_code_url=setup.qr_data_uri, backup_codes=setup.backup_codes)
