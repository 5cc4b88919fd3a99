"""EEBC wire shapes: the spec's field names; success bodies are {"success": true, "data": ...} as it shows."""

from __future__ import annotations

import msgspec

from application.identity.services import IssuedTokens, TwoFactorChallenge
from domain.community.model import Member as MemberEntry
from domain.community.model import Site as SiteEntry
from domain.identity.model import User
from domain.shared.errors import InvalidInput

REQUIRED = "Ce champ est requis"


# --- requests ---------------------------------------------------------------------------------------------


class LoginBody(msgspec.Struct):
    """Either {username, password} (username may be the email) or, to finish a 2FA login, {challenge, code}."""

    username: str | None = None
    password: str | None = None
    challenge: str | None = None
    code: str | None = None

    @property
    def is_second_step(self) -> bool:
        return self.challenge is not None

    def check(self) -> None:
        """Blank or missing fields are a 400 with details, before any attempt is counted."""
        wanted = ("challenge", "code") if self.is_second_step else ("username", "password")
        missing = [name for name in wanted if not (getattr(self, name) or "").strip()]
        if missing:
            raise InvalidInput("Les données fournies sont invalides", details={name: [REQUIRED] for name in missing})


class RefreshBody(msgspec.Struct):
    refresh: str


class ChangePasswordBody(msgspec.Struct):
    old_password: str
    new_password: str
    confirm_password: str


class ProfileBody(msgspec.Struct):
    """Every field is optional; a missing one is left as it is. `photo` comes as a multipart file."""

    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None


# --- responses --------------------------------------------------------------------------------------------


class LoginUser(msgspec.Struct):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    role: str
    phone: str | None
    photo: str | None
    member_id: int | None


class LoginData(msgspec.Struct):
    access: str
    refresh: str
    user: LoginUser
    must_change_password: bool


class LoginOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: LoginData


class TwoFactorData(msgspec.Struct):
    """Password right, second factor needed: POST {"challenge", "code"} to the same login endpoint."""

    two_factor_required: bool
    challenge: str
    method: str
    expires_in: int


class TwoFactorOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: TwoFactorData


class TokenPair(msgspec.Struct):
    access: str
    refresh: str


class Done(msgspec.Struct, kw_only=True):
    success: bool = True
    message: str


class PasswordChanged(msgspec.Struct, kw_only=True):
    success: bool = True
    message: str
    data: TokenPair


class Site(msgspec.Struct):
    id: int
    code: str
    name: str


class Member(msgspec.Struct):
    """The spec's member block: the directory entry this account is (null when the account is no member's)."""

    id: int
    member_id: str
    first_name: str
    last_name: str
    email: str
    phone: str | None
    is_baptized: bool
    status: str
    site: Site


class Profile(msgspec.Struct):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    role: str
    phone: str | None
    photo: str | None
    member: Member | None


class ProfileOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: Profile


# --- mapping ----------------------------------------------------------------------------------------------


def login_answer(result: IssuedTokens | TwoFactorChallenge, member_id: int | None = None) -> LoginOk | TwoFactorOk:
    if isinstance(result, TwoFactorChallenge):
        return TwoFactorOk(data=TwoFactorData(two_factor_required=True, challenge=result.token,
                                              method=str(result.method), expires_in=result.expires_in))
    user = result.user
    assert user.id is not None
    return LoginOk(data=LoginData(
        access=result.access, refresh=result.refresh, must_change_password=user.must_change_password,
        user=LoginUser(id=user.id, username=user.username, email=user.email, first_name=user.first_name,
                       last_name=user.last_name, role=user.role, phone=user.phone, photo=user.photo,
                       member_id=member_id),
    ))


def member_block(found: tuple[MemberEntry, SiteEntry] | None) -> Member | None:
    if found is None:
        return None
    member, site = found
    assert member.id is not None and site.id is not None
    p = member.profile
    return Member(id=member.id, member_id=member.member_code, first_name=p.first_name, last_name=p.last_name,
                  email=p.email, phone=p.phone or None, is_baptized=p.is_baptized, status=p.status.value,
                  site=Site(id=site.id, code=site.code, name=site.name))


def profile(user: User, member: tuple[MemberEntry, SiteEntry] | None = None) -> ProfileOk:
    assert user.id is not None
    return ProfileOk(data=Profile(
        id=user.id, username=user.username, email=user.email, first_name=user.first_name,
        last_name=user.last_name, role=user.role, phone=user.phone, photo=user.photo, member=member_block(member),
    ))
