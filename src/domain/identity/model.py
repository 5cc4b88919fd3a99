"""Identity entities. Plain dataclasses; persistence maps them from the outside."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from domain.identity.events import PasswordChanged, UserRegistered
from domain.shared.actor import Actor
from domain.shared.errors import InvalidInput
from domain.shared.events import RecordsEvents
from domain.shared.realm import Realm as Realm

if TYPE_CHECKING:
    from domain.identity.policies import LockoutPolicy


class TwoFactorMethod(StrEnum):
    TOTP = "TOTP"
    EMAIL = "EMAIL"
    SMS = "SMS"


class CodePurpose(StrEnum):
    EMAIL_VERIFICATION = "email_verification"
    PASSWORD_RESET = "password_reset"
    TWO_FACTOR_SETUP = "two_factor_setup"
    TWO_FACTOR_LOGIN = "two_factor_login"


class LoginOutcome(StrEnum):
    SUCCEEDED = "REUSSI"
    FAILED = "ECHEC"
    BLOCKED = "BLOQUE"


class SocialProvider(StrEnum):
    GOOGLE = "GOOGLE"
    FACEBOOK = "FACEBOOK"

    @classmethod
    def parse(cls, text: str) -> SocialProvider:
        try:
            return cls(text.upper())
        except ValueError:
            raise InvalidInput(f"Fournisseur inconnu (attendu : {', '.join(p.value.lower() for p in cls)})") from None


@dataclass(eq=False, kw_only=True)
class Municipality:
    code: str
    name: str
    created_at: datetime
    id: int | None = None


@dataclass(eq=False, kw_only=True)
class User(RecordsEvents):
    realm: Realm
    username: str
    email: str
    password_hash: str | None
    created_at: datetime
    first_name: str = ""
    last_name: str = ""
    phone: str | None = None
    roles: list[str] = field(default_factory=list)
    municipality_id: int | None = None
    site_code: str | None = None
    photo: str | None = None
    bio: str = ""
    birth_date: date | None = None
    email_verified: bool = False
    identity_verified: bool = False
    notifications_email: bool = True
    notifications_push: bool = True
    must_change_password: bool = False
    is_active: bool = True
    two_factor_enabled: bool = False
    two_factor_method: TwoFactorMethod | None = None
    totp_secret: str | None = None  # sealed (encrypted) by the application, never the plain seed
    totp_last_step: int | None = None
    backup_code_hashes: list[str] = field(default_factory=list)
    failed_logins: int = 0
    locked_until: datetime | None = None
    last_login: datetime | None = None
    id: int | None = None

    @property
    def role(self) -> str:
        return self.roles[0] if self.roles else ""

    def as_actor(self) -> Actor:
        assert self.id is not None, "a stored account"
        return Actor(user_id=self.id, realm=self.realm, roles=frozenset(self.roles),
                     municipality_id=self.municipality_id, site=self.site_code)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def record_failed_login(self, policy: LockoutPolicy, now: datetime) -> bool:
        """Counts a failure, unless the account is already locked at `now` (a failure meeting the lock is refused
        and not counted). The `policy.max_failures`-th consecutive failure locks it until `now + policy.lock_for`
        and the count starts again. True when the account is locked afterwards."""
        if self.is_locked(now):
            return True
        self.failed_logins += 1
        if self.failed_logins >= policy.max_failures:
            self.locked_until = now + policy.lock_for
            self.failed_logins = 0
            return True
        return False

    def can_log_in(self, now: datetime, password_hash: str | None) -> bool:
        """A login whose password matched `password_hash` (None: no password checked) may open a session: the
        account is active, not locked at `now`, and its password has not changed since it was checked."""
        return self.is_active and not self.is_locked(now) and self.password_hash == password_hash

    def record_login(self, now: datetime) -> None:
        self.failed_logins = 0
        self.locked_until = None
        self.last_login = now

    def set_password_hash(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.must_change_password = False

    def change_password(self, password_hash: str, at: datetime) -> None:
        """A new password chosen by its owner (a change or a reset): the owner is told, in case it was not them."""
        self.set_password_hash(password_hash)
        if self.id is not None:
            self._record(PasswordChanged(self.id, self.realm.value, at))

    def registered(self) -> None:
        """Once stored (it has its id): the account exists."""
        assert self.id is not None
        self._record(UserRegistered(self.id, self.realm.value, self.email))

    def begin_two_factor(self, method: TwoFactorMethod, *, totp_secret: str | None = None,
                         backup_code_hashes: list[str] | None = None) -> None:
        if self.two_factor_enabled:
            raise InvalidInput("L'authentification à deux facteurs est déjà activée")
        if method is TwoFactorMethod.SMS and not self.phone:
            raise InvalidInput.on_field("method", "Ajoutez un numéro de téléphone avant d'activer la 2FA par SMS")
        self.two_factor_method = method
        self.totp_secret = totp_secret
        self.backup_code_hashes = list(backup_code_hashes or [])

    def enable_two_factor(self) -> None:
        if self.two_factor_method is None:
            raise InvalidInput("Aucune configuration 2FA en cours")
        self.two_factor_enabled = True

    def accept_totp_step(self, step: int) -> bool:
        """A TOTP code counts once: a step at or before the last accepted one is a replay."""
        if self.totp_last_step is not None and step <= self.totp_last_step:
            return False
        self.totp_last_step = step
        return True

    def use_backup_code(self, code_hash: str) -> bool:
        if code_hash in self.backup_code_hashes:
            self.backup_code_hashes = [h for h in self.backup_code_hashes if h != code_hash]
            return True
        return False


@dataclass(eq=False, kw_only=True)
class RefreshSession:
    """One refresh token. Rotation chains tokens in a family; reuse of a spent one burns the family."""

    jti: str
    family_id: str
    user_id: int
    realm: Realm
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    replaced_by: str | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


@dataclass(eq=False, kw_only=True)
class OneTimeCode:
    """A code or token sent to the user, kept only as a keyed digest."""

    id: str
    user_id: int
    purpose: CodePurpose
    digest: str
    created_at: datetime
    expires_at: datetime
    max_attempts: int
    attempts: int = 0
    consumed_at: datetime | None = None

    def is_live(self, now: datetime) -> bool:
        return self.consumed_at is None and self.expires_at > now and self.attempts < self.max_attempts

    @property
    def attempts_left(self) -> int:
        return max(0, self.max_attempts - self.attempts)


@dataclass(eq=False, kw_only=True)
class LoginAttempt:
    realm: Realm
    identifier: str
    outcome: LoginOutcome
    at: datetime
    ip_address: str | None = None
    user_agent: str | None = None
    user_id: int | None = None
    id: int | None = None


@dataclass(eq=False, kw_only=True)
class SocialAccount:
    user_id: int
    provider: SocialProvider
    social_id: str
    created_at: datetime
    email: str | None = None
    full_name: str = ""
    photo_url: str | None = None
    id: int | None = None
