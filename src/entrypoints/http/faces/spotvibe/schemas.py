"""SpotVibe wire shapes: the spec's field names (French where it is French)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from domain.identity.model import User


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
