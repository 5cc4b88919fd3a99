"""What the identity use cases need from the outside world."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from domain.identity.model import (
    CodePurpose,
    LoginAttempt,
    Municipality,
    OneTimeCode,
    Realm,
    RefreshSession,
    SocialAccount,
    SocialProvider,
    User,
)
from domain.identity.policies import LockoutPolicy


class UserRepository(Protocol):
    async def add(self, user: User) -> User:
        """Stores a new user and gives it its id."""
        ...

    async def get(self, user_id: int) -> User | None: ...

    async def get_for_update(self, user_id: int) -> User | None:
        """Loads the user and holds it against concurrent writers until the transaction ends."""
        ...

    async def by_email(self, realm: Realm, email: str) -> User | None: ...

    async def by_username(self, realm: Realm, username: str) -> User | None: ...

    async def save(self, user: User) -> None:
        """Writes changes made to a loaded user."""
        ...

    async def record_failed_login(self, user: User, policy: LockoutPolicy, now: datetime) -> bool:
        """Counts one failed login of a user read earlier (no lock held), in one atomic write that applies
        `User.record_failed_login` to the stored row: concurrent failures each count, exactly one of them locks,
        and a failure meeting a lock set since `user` was read is not counted. `user` is left showing the stored
        count and lock. True when the account is locked afterwards."""
        ...

    async def record_login(self, user: User, now: datetime, *, new_hash: str | None = None) -> bool:
        """The write of a login whose password matched `user.password_hash`, in one conditional statement: only
        if the stored row still passes `User.can_log_in` (active, not locked at `now` by a concurrent failure, the
        password unchanged), resets the failures and the lock, stamps `last_login` and stores `new_hash` (a rehash
        of the same password) when given. False when the row did not qualify: nothing written, `user` refreshed
        from the stored row."""
        ...

    async def rehash_password(self, user: User, new_hash: str) -> bool:
        """Stores a new hash of the same password, unless the password changed since `user` was read."""
        ...


class MunicipalityRepository(Protocol):
    async def add(self, municipality: Municipality) -> Municipality: ...

    async def get(self, municipality_id: int) -> Municipality | None: ...

    async def by_code(self, code: str) -> Municipality | None: ...


class RefreshSessionRepository(Protocol):
    async def add(self, session: RefreshSession) -> None: ...

    async def get(self, jti: str) -> RefreshSession | None: ...

    async def rotate(self, jti: str, replaced_by: str, now: datetime) -> bool:
        """Spends a usable token; False if it was already spent, revoked or expired (no change made)."""
        ...

    async def revoke_family(self, family_id: str, now: datetime) -> None: ...

    async def revoke_all_for_user(self, user_id: int, now: datetime, *, keep_family: str | None = None) -> None: ...


@dataclass(frozen=True)
class Caller:
    """Who an access token names, as one read sees it: the account (None if gone), its town (town-hall
    accounts), and whether the token's session is still alive."""

    user: User | None
    session_active: bool
    municipality: Municipality | None = None


class IdentityReads(Protocol):
    """Identity's read side, outside any unit of work: one round trip per method, detached entities."""

    async def caller(self, user_id: int, session_id: str, now: datetime) -> Caller:
        """The read behind every authenticated request."""
        ...

    async def profile(self, user_id: int) -> tuple[User, Municipality | None] | None: ...

    async def municipality(self, municipality_id: int) -> Municipality | None: ...

    async def login_attempts(self, user_id: int, limit: int) -> list[LoginAttempt]:
        """The latest first."""
        ...

    async def social_accounts(self, user_id: int) -> list[SocialAccount]: ...


class OneTimeCodeRepository(Protocol):
    async def add(self, code: OneTimeCode) -> None: ...

    async def latest_live(self, user_id: int, purpose: CodePurpose, now: datetime) -> OneTimeCode | None: ...

    async def by_digest(self, purpose: CodePurpose, digest: str) -> OneTimeCode | None: ...

    async def count_attempt(self, code_id: str) -> int:
        """Adds one try atomically and returns the new count."""
        ...

    async def consume(self, code_id: str, now: datetime) -> bool:
        """Marks the code used; False if another request used it first."""
        ...

    async def revoke_for(self, user_id: int, purpose: CodePurpose, now: datetime) -> None:
        """Spends every live code of that purpose (a new code replaces the old ones)."""
        ...


class LoginAttemptRepository(Protocol):
    async def add(self, attempt: LoginAttempt) -> None: ...



class SocialAccountRepository(Protocol):
    async def add(self, account: SocialAccount) -> SocialAccount: ...

    async def find(self, provider: SocialProvider, social_id: str) -> SocialAccount | None: ...

    async def for_user(self, user_id: int) -> list[SocialAccount]: ...

    async def remove(self, account_id: int) -> None: ...


class PasswordHasher(Protocol):
    """Slow hashing; implementations keep it off the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...

    async def burn(self, password: str) -> None:
        """Spends the time of one verification, so an unknown account answers as slowly as a known one."""
        ...


class SecretDigest(Protocol):
    """A keyed digest for codes and tokens kept server side (not reversible, not guessable offline)."""

    def digest(self, secret: str) -> str: ...

    def random_token(self) -> str:
        """A URL-safe token with at least 256 bits of entropy."""
        ...

    def random_digits(self, count: int) -> str: ...


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    realm: Realm
    kind: str
    jti: str
    session_id: str
    expires_at: datetime
    extra: dict[str, Any]


class TokenCodec(Protocol):
    def encode(self, claims: TokenClaims) -> str: ...

    def decode(self, token: str, *, realm: Realm, kind: str) -> TokenClaims:
        """Raises InvalidToken when the signature, realm, kind or expiry is wrong."""
        ...


class Totp(Protocol):
    def new_secret(self) -> str: ...

    def provisioning_uri(self, secret: str, *, account: str, issuer: str) -> str: ...

    def matching_step(self, secret: str, code: str, now: datetime) -> int | None:
        """The time step the code belongs to (±1 step of drift), or None if it matches none."""
        ...


class SecretBox(Protocol):
    """Encrypts secrets the server must read back later (TOTP seeds), so a database dump does not reveal them."""

    def seal(self, plain: str) -> str: ...

    def open(self, sealed: str) -> str: ...


class QrRenderer(Protocol):
    def png_data_uri(self, text: str) -> str: ...


class SiteCatalogue(Protocol):
    """The church's sites, as an EEBC account's `site_code` must name one (the community context keeps them)."""

    async def known_site(self, code: str) -> bool: ...


class PhoneNumbers(Protocol):
    def normalize(self, raw: str, realm: Realm) -> str:
        """E.164 form; raises InvalidInput on a number that is not valid for the realm's region."""
        ...


@dataclass(frozen=True)
class SocialProfile:
    provider: SocialProvider
    social_id: str
    email: str | None
    email_verified: bool
    full_name: str
    first_name: str
    last_name: str
    photo_url: str | None


class SocialTokenVerifier(Protocol):
    async def verify(self, provider: SocialProvider, token: str) -> SocialProfile:
        """Checks the token with the provider; raises InvalidToken when it is not valid for our app."""
        ...
