"""Second factors: setting one up, and the second step of a login."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from application.identity import messages
from application.identity.config import APP_NAMES, IdentityConfig
from application.identity.ports import (
    QrRenderer,
    SecretBox,
    SecretDigest,
    TokenClaims,
    TokenCodec,
    Totp,
    UserRepository,
)
from application.identity.services.codes import OneTimeCodes
from application.identity.services.sessions import CHALLENGE
from application.shared.email import queue_email, queue_sms
from application.shared.ports import Clock, Outbox, SmsMessage, UnitOfWork
from domain.identity.errors import InvalidCode
from domain.identity.model import CodePurpose, TwoFactorMethod, User
from domain.shared.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class TwoFactorChallenge:
    """Login answered "password right, now the second factor": present `token` with a code."""

    token: str
    method: TwoFactorMethod
    expires_in: int


@dataclass(frozen=True)
class TwoFactorSetup:
    method: TwoFactorMethod
    secret: str | None = None
    otpauth_uri: str | None = None
    qr_data_uri: str | None = None
    backup_codes: list[str] = field(default_factory=list)


class SecondFactor:
    """Sends codes for the EMAIL and SMS methods and checks any kind of second-factor code."""

    def __init__(self, codes: OneTimeCodes, totp: Totp, digest: SecretDigest, box: SecretBox, outbox: Outbox,
                 clock: Clock, config: IdentityConfig) -> None:
        self._codes = codes
        self._totp = totp
        self._digest = digest
        self._box = box
        self._outbox = outbox
        self._clock = clock
        self._config = config

    async def send_code(self, user: User, purpose: CodePurpose) -> None:
        assert user.id is not None and user.two_factor_method is not None
        policy = self._config.two_factor_code
        code = await self._codes.issue_digits(user.id, purpose, policy)
        minutes = int(policy.ttl.total_seconds() // 60)
        key = f"2fa:{purpose}:{user.id}:{uuid.uuid4().hex}"
        if user.two_factor_method is TwoFactorMethod.SMS:
            assert user.phone is not None
            queue_sms(self._outbox, SmsMessage(to=user.phone, text=messages.sms_code(user.realm, code, minutes)),
                      key=key)
        else:
            queue_email(self._outbox, messages.one_time_code(user.realm, user.email, code, minutes,
                                                             "de vérification"), key=key)

    async def check(self, user: User, code: str, purpose: CodePurpose, *, allow_backup: bool,
                    field: str = "code") -> None:
        """Raises InvalidCode unless the code is right. Marks TOTP steps and backup codes as used."""
        assert user.id is not None
        code = code.strip().replace(" ", "")
        if not code:
            raise InvalidCode.on_field(field, "Code requis")
        if allow_backup and len(code) == 8 and user.use_backup_code(self._digest.digest(code)):
            return
        if user.two_factor_method is TwoFactorMethod.TOTP:
            assert user.totp_secret is not None
            step = self._totp.matching_step(self._box.open(user.totp_secret), code, self._clock.now())
            if step is None or not user.accept_totp_step(step):
                raise InvalidCode.on_field(field, "Code invalide ou expiré")
            return
        await self._codes.check_digits(user.id, purpose, code, field=field)


class SetUpTwoFactor:
    def __init__(self, users: UserRepository, second_factor: SecondFactor, totp: Totp, qr: QrRenderer,
                 digest: SecretDigest, box: SecretBox, uow: UnitOfWork, config: IdentityConfig) -> None:
        self._users = users
        self._second_factor = second_factor
        self._totp = totp
        self._qr = qr
        self._digest = digest
        self._box = box
        self._uow = uow
        self._config = config

    async def __call__(self, user_id: int, method: TwoFactorMethod) -> TwoFactorSetup:
        user = await self._users.get_for_update(user_id)
        if user is None:
            raise NotFound("Utilisateur introuvable")
        backup_codes = [self._digest.random_digits(8) for _ in range(self._config.backup_code_count)]
        hashes = [self._digest.digest(code) for code in backup_codes]
        if method is TwoFactorMethod.TOTP:
            secret = self._totp.new_secret()
            user.begin_two_factor(method, totp_secret=self._box.seal(secret), backup_code_hashes=hashes)
            uri = self._totp.provisioning_uri(secret, account=user.email, issuer=APP_NAMES[user.realm])
            await self._users.save(user)
            await self._uow.commit()
            return TwoFactorSetup(method=method, secret=secret, otpauth_uri=uri,
                                  qr_data_uri=self._qr.png_data_uri(uri), backup_codes=backup_codes)
        user.begin_two_factor(method, backup_code_hashes=hashes)
        await self._users.save(user)
        await self._second_factor.send_code(user, CodePurpose.TWO_FACTOR_SETUP)
        await self._uow.commit()
        return TwoFactorSetup(method=method, backup_codes=backup_codes)


class ConfirmTwoFactor:
    def __init__(self, users: UserRepository, second_factor: SecondFactor, uow: UnitOfWork) -> None:
        self._users = users
        self._second_factor = second_factor
        self._uow = uow

    async def __call__(self, user_id: int, code: str) -> User:
        user = await self._users.get_for_update(user_id)
        if user is None:
            raise NotFound("Utilisateur introuvable")
        if user.two_factor_enabled:
            raise InvalidInput("L'authentification à deux facteurs est déjà activée")
        if user.two_factor_method is None:
            raise InvalidInput("Aucune configuration 2FA en cours : commencez par l'activer")
        try:
            await self._second_factor.check(user, code, CodePurpose.TWO_FACTOR_SETUP, allow_backup=False)
        except InvalidCode:
            await self._users.save(user)
            await self._uow.commit()
            raise
        user.enable_two_factor()
        await self._users.save(user)
        await self._uow.commit()
        return user


class ChallengeTokens:
    """Mints and reads the short-lived token that links the two steps of a login."""

    def __init__(self, codec: TokenCodec, clock: Clock, config: IdentityConfig) -> None:
        self._codec = codec
        self._clock = clock
        self._config = config

    def mint(self, user: User) -> TwoFactorChallenge:
        assert user.id is not None and user.two_factor_method is not None
        ttl = self._config.lifetimes.two_factor_challenge
        jti = uuid.uuid4().hex
        token = self._codec.encode(
            TokenClaims(user_id=user.id, realm=user.realm, kind=CHALLENGE, jti=jti, session_id=jti,
                        expires_at=self._clock.now() + ttl, extra={})
        )
        return TwoFactorChallenge(token=token, method=user.two_factor_method, expires_in=int(ttl.total_seconds()))
