"""Logging in with a password, and the second step when the account has two-factor on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from application.identity.config import IdentityConfig
from application.identity.ports import LoginAttemptRepository, PasswordHasher, TokenCodec, UserRepository
from application.identity.services.sessions import CHALLENGE, IssuedTokens, SessionIssuer
from application.identity.services.two_factor import ChallengeTokens, SecondFactor, TwoFactorChallenge
from application.shared.ports import Clock, Throttle, UnitOfWork
from domain.identity.errors import AccountDisabled, AccountLocked, InvalidCode, InvalidCredentials, InvalidToken
from domain.identity.model import CodePurpose, LoginAttempt, LoginOutcome, Realm, TwoFactorMethod, User
from domain.identity.policies import normalize_email, remaining_minutes
from domain.shared.errors import Unauthenticated


@dataclass(frozen=True)
class LogInCommand:
    realm: Realm
    identifier: str
    password: str
    ip_address: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class SecondStepCommand:
    realm: Realm
    challenge: str
    code: str
    ip_address: str | None = None
    user_agent: str | None = None


class LoginJournal:
    """Writes login attempts and opens sessions: shared by password, second-step and social logins."""

    def __init__(self, users: UserRepository, attempts: LoginAttemptRepository, issuer: SessionIssuer,
                 clock: Clock) -> None:
        self._users = users
        self._attempts = attempts
        self._issuer = issuer
        self._clock = clock

    async def record(self, realm: Realm, identifier: str, outcome: LoginOutcome, user: User | None,
                     ip: str | None, agent: str | None) -> None:
        await self._attempts.add(
            LoginAttempt(realm=realm, identifier=identifier[:254], outcome=outcome, at=self._clock.now(),
                         ip_address=ip, user_agent=(agent or "")[:255] or None,
                         user_id=user.id if user else None)
        )

    async def succeed(self, user: User, identifier: str, ip: str | None, agent: str | None) -> IssuedTokens:
        """For a user loaded for update: resets its lockout, then opens the session."""
        user.record_login(self._clock.now())
        await self._users.save(user)
        return await self.open(user, identifier, ip, agent)

    async def open(self, user: User, identifier: str, ip: str | None, agent: str | None) -> IssuedTokens:
        """For a login already written: records the success and opens the session."""
        await self.record(user.realm, identifier, LoginOutcome.SUCCEEDED, user, ip, agent)
        return await self._issuer.open(user)


class LogIn:
    """The password step, with no lock, transaction or connection held while argon2 runs: the user is read
    with a plain select whose transaction ends before the hash is checked, then the outcome is one conditional
    statement. A failure is counted atomically (`UserRepository.record_failed_login`), so concurrent wrong
    passwords count one each and lock exactly at the threshold. A right password opens a session only if the row
    still allows it when written (`UserRepository.record_login`): if a concurrent failure locked the account
    between the read and the write, the login is refused as locked (BLOCKED), as it would have been had it come
    a moment later; if the password changed meanwhile, it is refused as wrong. With two-factor on, the lock is
    checked again at the second step."""

    def __init__(self, users: UserRepository, hasher: PasswordHasher, journal: LoginJournal,
                 challenges: ChallengeTokens, second_factor: SecondFactor, throttle: Throttle, uow: UnitOfWork,
                 clock: Clock, config: IdentityConfig) -> None:
        self._users = users
        self._hasher = hasher
        self._journal = journal
        self._challenges = challenges
        self._second_factor = second_factor
        self._throttle = throttle
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: LogInCommand) -> IssuedTokens | TwoFactorChallenge:
        identifier = cmd.identifier.strip()
        limit = self._config.login_limit_per_minute
        await self._throttle.hit(f"login:{cmd.realm}:ip:{cmd.ip_address}", limit=limit * 3, window_seconds=60)
        await self._throttle.hit(f"login:{cmd.realm}:id:{identifier.lower()}", limit=limit, window_seconds=60)
        user = await self._find(cmd.realm, identifier)
        await self._uow.commit()  # ends the read: the connection goes back to the pool while the hash runs
        if user is None or user.id is None:
            await self._hasher.burn(cmd.password)
            await self._journal.record(cmd.realm, identifier, LoginOutcome.FAILED, None, cmd.ip_address,
                                       cmd.user_agent)
            await self._uow.commit()
            raise InvalidCredentials()
        now = self._clock.now()
        if user.is_locked(now):
            await self._refuse(user, identifier, cmd, _locked(user, now))
        checked = user.password_hash
        good = checked is not None and await self._hasher.verify(checked, cmd.password)
        now = self._clock.now()
        if not good:
            locked = await self._users.record_failed_login(user, self._config.lockout, now)
            await self._refuse(user, identifier, cmd, _locked(user, now) if locked else InvalidCredentials())
        if not user.is_active:
            await self._refuse(user, identifier, cmd, AccountDisabled())
        assert checked is not None
        new_hash = await self._hasher.hash(cmd.password) if self._hasher.needs_rehash(checked) else None
        if user.two_factor_enabled:
            if new_hash is not None:
                await self._users.rehash_password(user, new_hash)
            if user.two_factor_method is not TwoFactorMethod.TOTP:
                await self._second_factor.send_code(user, CodePurpose.TWO_FACTOR_LOGIN)
            await self._uow.commit()
            return self._challenges.mint(user)
        if not await self._users.record_login(user, now, new_hash=new_hash):
            refusal = (_locked(user, now) if user.is_locked(now)
                       else AccountDisabled() if not user.is_active else InvalidCredentials())
            await self._refuse(user, identifier, cmd, refusal)
        tokens = await self._journal.open(user, identifier, cmd.ip_address, cmd.user_agent)
        await self._uow.commit()
        return tokens

    async def _find(self, realm: Realm, identifier: str) -> User | None:
        if "@" in identifier:
            user = await self._users.by_email(realm, normalize_email(identifier))
            if user is not None:
                return user
        return await self._users.by_username(realm, identifier)

    async def _refuse(self, user: User, identifier: str, cmd: LogInCommand, refusal: Unauthenticated) -> NoReturn:
        """Records the refused attempt (BLOCKED when the account is locked, else FAILED) and raises `refusal`."""
        outcome = LoginOutcome.BLOCKED if isinstance(refusal, AccountLocked) else LoginOutcome.FAILED
        await self._journal.record(cmd.realm, identifier, outcome, user, cmd.ip_address, cmd.user_agent)
        await self._uow.commit()
        raise refusal


def _locked(user: User, now: datetime) -> AccountLocked:
    assert user.locked_until is not None
    return AccountLocked(remaining_minutes(user.locked_until, now))


class CompleteLogin:
    """The second step: the challenge from LogIn plus a TOTP, emailed/SMS code or backup code.
    A wrong code counts as a failed login, so the account lockout also bounds guessing the second factor; it is
    counted by the same atomic write as a wrong password, so wrong codes and concurrent wrong passwords add up.
    The row stays locked (`get_for_update`) while the code is checked: that lock is what makes a TOTP step or a
    backup code usable once, and the check is an HMAC or a digest (microseconds), never argon2."""

    def __init__(self, codec: TokenCodec, users: UserRepository, second_factor: SecondFactor,
                 journal: LoginJournal, throttle: Throttle, uow: UnitOfWork, clock: Clock,
                 config: IdentityConfig) -> None:
        self._codec = codec
        self._users = users
        self._second_factor = second_factor
        self._journal = journal
        self._throttle = throttle
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: SecondStepCommand) -> IssuedTokens:
        claims = self._codec.decode(cmd.challenge, realm=cmd.realm, kind=CHALLENGE)
        await self._throttle.hit(f"2fa:{claims.jti}", limit=5, window_seconds=600)
        user = await self._users.get_for_update(claims.user_id)
        if user is None or not user.two_factor_enabled:
            raise InvalidToken()
        if not user.is_active:
            raise AccountDisabled()
        now = self._clock.now()
        if user.is_locked(now):
            assert user.locked_until is not None
            await self._journal.record(cmd.realm, user.email, LoginOutcome.BLOCKED, user, cmd.ip_address,
                                       cmd.user_agent)
            await self._uow.commit()
            raise AccountLocked(remaining_minutes(user.locked_until, now))
        try:
            await self._second_factor.check(user, cmd.code, CodePurpose.TWO_FACTOR_LOGIN, allow_backup=True)
        except InvalidCode:
            locked = await self._users.record_failed_login(user, self._config.lockout, now)
            await self._journal.record(cmd.realm, user.email, LoginOutcome.BLOCKED if locked else LoginOutcome.FAILED,
                                       user, cmd.ip_address, cmd.user_agent)
            await self._uow.commit()
            if locked:
                raise _locked(user, now) from None
            raise
        tokens = await self._journal.succeed(user, user.email, cmd.ip_address, cmd.user_agent)
        await self._uow.commit()
        return tokens
