"""Changing and resetting passwords."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from application.identity import messages
from application.identity.config import IdentityConfig
from application.identity.ports import PasswordHasher, RefreshSessionRepository, UserRepository
from application.identity.services.codes import OneTimeCodes
from application.identity.services.recipients import EmailRecipients
from application.identity.services.sessions import IssuedTokens, SessionIssuer
from application.shared.email import queue_email
from application.shared.ports import Clock, Outbox, UnitOfWork
from domain.identity.errors import InvalidCode
from domain.identity.model import CodePurpose, Realm, User
from domain.shared.errors import FieldErrors, NotFound


def check_new_password(config: IdentityConfig, user: User, new: str, confirm: str | None, *,
                       errors: FieldErrors | None = None) -> None:
    errors = errors or FieldErrors()
    for problem in config.passwords.problems(new, personal=(user.email, user.username, user.first_name)):
        errors.add("new_password", problem)
    if confirm is not None and confirm != new:
        errors.add("confirm_password", "Les mots de passe ne correspondent pas")
    errors.raise_if_any()


@dataclass(frozen=True)
class ChangePasswordCommand:
    user_id: int
    session_id: str
    old_password: str
    new_password: str
    confirm_password: str | None


class ChangePassword:
    """Other sessions are closed. With `reissue` the current one is too, and a fresh pair is returned."""

    def __init__(self, users: UserRepository, hasher: PasswordHasher, sessions: RefreshSessionRepository,
                 issuer: SessionIssuer, uow: UnitOfWork, clock: Clock, config: IdentityConfig) -> None:
        self._users = users
        self._hasher = hasher
        self._sessions = sessions
        self._issuer = issuer
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: ChangePasswordCommand, *, reissue: bool = False) -> IssuedTokens | None:
        # argon2 runs twice here: on a plain read, with no lock, transaction or connection held; the writes then
        # happen under a short lock, provided the password checked is still the account's.
        user = await self._users.get(cmd.user_id)
        await self._uow.commit()  # ends the read (nothing written): the connection goes back to the pool
        if user is None:
            raise NotFound("Utilisateur introuvable")
        checked = user.password_hash
        errors = FieldErrors()
        if checked is None or not await self._hasher.verify(checked, cmd.old_password):
            errors.add("old_password", "Mot de passe actuel incorrect")
        if cmd.new_password == cmd.old_password:
            errors.add("new_password", "Le nouveau mot de passe doit être différent de l'ancien")
        check_new_password(self._config, user, cmd.new_password, cmd.confirm_password,
                           errors=errors)
        new_hash = await self._hasher.hash(cmd.new_password)
        user = await self._users.get_for_update(cmd.user_id)
        if user is None:
            raise NotFound("Utilisateur introuvable")
        if user.password_hash != checked:  # changed meanwhile (another session, a reset): the old one is stale
            raise FieldErrors.single("old_password", "Mot de passe actuel incorrect")
        now = self._clock.now()
        user.change_password(new_hash, now)
        await self._users.save(user)
        assert user.id is not None
        await self._sessions.revoke_all_for_user(user.id, now, keep_family=None if reissue else cmd.session_id)
        tokens = await self._issuer.open(user) if reissue else None
        await self._uow.commit()
        return tokens


class RequestPasswordReset:
    """Always answers the same way, so the caller never learns whether the email has an account."""

    def __init__(self, recipients: EmailRecipients, codes: OneTimeCodes, outbox: Outbox, uow: UnitOfWork,
                 config: IdentityConfig) -> None:
        self._recipients = recipients
        self._codes = codes
        self._outbox = outbox
        self._uow = uow
        self._config = config

    async def __call__(self, realm: Realm, email: str, ip_address: str | None) -> None:
        user = await self._recipients.find(realm, email, ip_address, purpose="reset")
        if user is None or user.id is None:
            return
        policy = self._config.password_reset
        token = await self._codes.issue_token(user.id, CodePurpose.PASSWORD_RESET, policy)
        link = self._config.reset_links[realm].replace("{token}", token)
        minutes = int(policy.ttl.total_seconds() // 60)
        queue_email(self._outbox, messages.password_reset(user, link, token, minutes),
                    key=f"reset:{user.id}:{uuid.uuid4().hex}")
        await self._uow.commit()


@dataclass(frozen=True)
class ResetPasswordCommand:
    realm: Realm
    token: str
    new_password: str
    confirm_password: str | None


class ResetPassword:
    """Sets the password from an emailed token, unlocks the account and closes every session."""

    def __init__(self, users: UserRepository, codes: OneTimeCodes, hasher: PasswordHasher,
                 sessions: RefreshSessionRepository, uow: UnitOfWork, clock: Clock, config: IdentityConfig) -> None:
        self._users = users
        self._codes = codes
        self._hasher = hasher
        self._sessions = sessions
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: ResetPasswordCommand) -> None:
        code = await self._codes.take_token(CodePurpose.PASSWORD_RESET, cmd.token)
        user = await self._users.get_for_update(code.user_id)
        if user is None or user.realm is not cmd.realm:
            raise InvalidCode.on_field("token", "Lien invalide ou expiré")
        check_new_password(self._config, user, cmd.new_password, cmd.confirm_password)
        await self._codes.spend(code)
        user.change_password(await self._hasher.hash(cmd.new_password), self._clock.now())
        user.failed_logins = 0
        user.locked_until = None
        await self._users.save(user)
        assert user.id is not None
        await self._sessions.revoke_all_for_user(user.id, self._clock.now())
        await self._uow.commit()
