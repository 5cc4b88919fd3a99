"""Every identity use case wired on the memory adapters: the application tests' composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adapters.auth.jwt_codec import JwtTokenCodec
from adapters.auth.phones import PhonenumbersNormalizer
from adapters.auth.secrets import FernetSecretBox, HmacSecretDigest
from adapters.auth.totp import PyotpTotp, SegnoQrRenderer
from adapters.memory import identity as repos
from adapters.memory.ports import (
    MemoryEmailSender,
    MemoryFileStorage,
    MemorySmsSender,
    MemorySocialVerifier,
    QuickPasswordHasher,
)
from adapters.memory.store import (
    FrozenClock,
    InlineJobQueue,
    MemoryOutbox,
    MemoryOutboxStore,
    MemoryStore,
    MemoryThrottle,
    MemoryUnitOfWork,
)
from application.identity import services as s
from application.identity.config import IdentityConfig
from application.identity.queries import IdentityQueries
from application.shared.email import SEND_EMAIL, SEND_SMS, SendEmail, SendSms
from application.shared.outbox import RelayOutbox


@dataclass
class World:
    config: IdentityConfig = field(default_factory=IdentityConfig)

    def __post_init__(self) -> None:
        self.store = MemoryStore()
        self.clock = FrozenClock()
        self.uow = MemoryUnitOfWork(self.store)
        self.outbox = MemoryOutbox(self.store)
        self.users = repos.MemoryUserRepository(self.store)
        self.municipalities = repos.MemoryMunicipalityRepository(self.store)
        self.sessions = repos.MemoryRefreshSessionRepository(self.store)
        self.codes_repo = repos.MemoryOneTimeCodeRepository(self.store)
        self.attempts = repos.MemoryLoginAttemptRepository(self.store)
        self.social_accounts = repos.MemorySocialAccountRepository(self.store)
        self.hasher = QuickPasswordHasher()
        self.codec = JwtTokenCodec("application-test-secret-0123456789", self.clock)
        self.digest = HmacSecretDigest(b"digest-key")
        self.box = FernetSecretBox("application-test-secret", purpose="totp")
        self.totp = PyotpTotp()
        self.throttle = MemoryThrottle(self.clock)
        self.emails = MemoryEmailSender()
        self.sms = MemorySmsSender()
        self.storage = MemoryFileStorage()
        self.social = MemorySocialVerifier()
        self.phones = PhonenumbersNormalizer()
        self.jobs = InlineJobQueue({SEND_EMAIL: SendEmail(self.emails), SEND_SMS: SendSms(self.sms)})

        c, u, cl, cfg = self.codes_repo, self.uow, self.clock, self.config
        self.codes = s.OneTimeCodes(c, self.digest, cl, u)
        self.issuer = s.SessionIssuer(self.sessions, self.codec, cl, cfg.lifetimes)
        self.journal = s.LoginJournal(self.users, self.attempts, self.issuer, cl)
        self.challenges = s.ChallengeTokens(self.codec, cl, cfg)
        self.second_factor = s.SecondFactor(self.codes, self.totp, self.digest, self.box, self.outbox, cl, cfg)
        self.register = s.RegisterUser(self.users, self.municipalities, self.hasher, self.phones, self.outbox, u,
                                       cl, cfg)
        self.login = s.LogIn(self.users, self.hasher, self.journal, self.challenges, self.second_factor,
                             self.throttle, u, cl, cfg)
        self.complete_login = s.CompleteLogin(self.codec, self.users, self.second_factor, self.journal,
                                              self.throttle, u, cl, cfg)
        self.authenticate = s.Authenticate(self.codec, self.sessions, self.users, cl)
        self.refresh = s.RefreshTokens(self.codec, self.sessions, self.users, self.issuer, u, cl)
        self.logout = s.LogOut(self.codec, self.sessions, u, cl)
        self.change_password = s.ChangePassword(self.users, self.hasher, self.sessions, self.issuer, u, cl, cfg)
        self.recipients = s.EmailRecipients(self.users, self.throttle, cfg)
        self.request_reset = s.RequestPasswordReset(self.recipients, self.codes, self.outbox, u, cfg)
        self.reset_password = s.ResetPassword(self.users, self.codes, self.hasher, self.sessions, u, cl, cfg)
        self.update_profile = s.UpdateProfile(self.users, self.phones, self.storage, u)
        self.send_verification = s.SendEmailVerification(self.recipients, self.codes, self.outbox, u, cfg)
        self.confirm_email = s.ConfirmEmail(self.users, self.codes, self.throttle, u)
        self.setup_2fa = s.SetUpTwoFactor(self.users, self.second_factor, self.totp, SegnoQrRenderer(),
                                          self.digest, self.box, u, cfg)
        self.confirm_2fa = s.ConfirmTwoFactor(self.users, self.second_factor, u)
        self.social_login = s.SocialLogin(self.social, self.users, self.social_accounts, self.journal,
                                          self.challenges, self.second_factor, self.throttle, u, cl)
        self.disconnect = s.DisconnectSocialAccount(self.users, self.social_accounts, u)
        self.queries = IdentityQueries(self.users, self.municipalities, self.attempts, self.social_accounts)
        self.relay = RelayOutbox(MemoryOutboxStore(self.store), self.jobs, u, cl)

    async def deliver(self) -> None:
        await self.relay()

    async def last_email(self, to: str) -> Any:
        await self.deliver()
        return next((m for m in reversed(self.emails.sent) if m.to == to), None)
