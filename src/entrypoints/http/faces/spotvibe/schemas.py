"""SpotVibe wire shapes: the spec's field names (French where it is French)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from domain.identity.model import LoginAttempt, SocialAccount, TwoFactorMethod, User


class RegisterBody(msgspec.Struct, forbid_unknown_fields=False):
    username: str
    email: str
    password: str
    telephone: str | None = None
    first_name: str = ""
    last_name: str = ""
    password_confirm: str | None = None


class LoginBody(msgspec.Struct):
    email: str
    password: str


class RefreshBody(msgspec.Struct):
    refresh: str


class ChangePasswordBody(msgspec.Struct):
    old_password: str
    new_password: str
    confirm_password: str


class ProfileBody(msgspec.Struct):
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    telephone: str | None = None
    bio: str | None = None
    date_naissance: date | None = None
    notifications_email: bool | None = None
    notifications_push: bool | None = None


class SocialLoginBody(msgspec.Struct):
    access_token: str


class TwoFactorSetupBody(msgspec.Struct):
    method: TwoFactorMethod


class TwoFactorVerifyBody(msgspec.Struct):
    code: str
    challenge: str | None = None


class PasswordResetBody(msgspec.Struct):
    email: str


class PasswordResetConfirmBody(msgspec.Struct):
    token: str
    new_password: str
    confirm_password: str


class UserSummary(msgspec.Struct):
    id: int
    username: str
    email: str


class SocialUser(msgspec.Struct):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    photo_profil: str | None
    est_verifie: bool


class Profile(msgspec.Struct):
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


class TokenPair(msgspec.Struct):
    access: str
    refresh: str


class TwoFactorRequired(msgspec.Struct):
    """Login's answer when the account has a second factor: finish at POST /api/auth/2fa/verify/."""

    two_factor_required: bool
    challenge: str
    method: str
    expires_in: int
    message: str


class SocialLoginResponse(msgspec.Struct):
    access: str
    refresh: str
    user: SocialUser


class SocialAccountOut(msgspec.Struct):
    id: int
    provider: str
    social_id: str
    email: str | None
    nom_complet: str
    photo_url: str | None


class TwoFactorSetupOut(msgspec.Struct):
    message: str
    qr_code_url: str | None
    secret_key: str | None
    backup_codes: list[str]
    method: str


class TwoFactorLoggedIn(msgspec.Struct):
    message: str
    access: str
    refresh: str


class LoginAttemptOut(msgspec.Struct):
    id: int
    email_tente: str
    statut: str
    date_tentative: datetime
    adresse_ip: str | None


class AuthStatus(msgspec.Struct):
    is_authenticated: bool
    username: str
    email: str
    two_factor_enabled: bool = msgspec.field(name="2fa_enabled")
    last_login: datetime | None = None


class Message(msgspec.Struct):
    message: str


class RegisterResponse(msgspec.Struct):
    message: str
    user: UserSummary


class ProfileUpdated(msgspec.Struct):
    message: str
    user: Profile


def profile(user: User) -> Profile:
    assert user.id is not None
    return Profile(
        id=user.id, username=user.username, email=user.email, first_name=user.first_name,
        last_name=user.last_name, telephone=user.phone, date_naissance=user.birth_date, photo_profil=user.photo,
        bio=user.bio, est_verifie=user.identity_verified, notifications_email=user.notifications_email,
        notifications_push=user.notifications_push, two_factor_enabled=user.two_factor_enabled,
        date_joined=user.created_at,
    )


def social_user(user: User) -> SocialUser:
    assert user.id is not None
    return SocialUser(id=user.id, username=user.username, email=user.email, first_name=user.first_name,
                      last_name=user.last_name, photo_profil=user.photo, est_verifie=user.identity_verified)


def social_account(account: SocialAccount) -> SocialAccountOut:
    assert account.id is not None
    return SocialAccountOut(id=account.id, provider=str(account.provider), social_id=account.social_id,
                            email=account.email, nom_complet=account.full_name, photo_url=account.photo_url)


def login_attempt(attempt: LoginAttempt) -> LoginAttemptOut:
    assert attempt.id is not None
    return LoginAttemptOut(id=attempt.id, email_tente=attempt.identifier, statut=str(attempt.outcome),
                           date_tentative=attempt.at, adresse_ip=attempt.ip_address)


def auth_status(user: User) -> AuthStatus:
    return AuthStatus(is_authenticated=True, username=user.username, email=user.email,
                      two_factor_enabled=user.two_factor_enabled, last_login=user.last_login)
