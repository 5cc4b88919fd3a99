"""The identity use cases as the service wires them (the real container), on the memory adapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dishka import Provider, Scope

from adapters.memory import identity as repos
from adapters.memory.ports import MemoryEmailSender, MemorySmsSender, MemorySocialVerifier
from adapters.memory.store import FrozenClock, MemoryOutbox, MemoryStore
from application.identity import services as s
from application.identity.config import IdentityConfig
from application.identity.ports import PasswordHasher
from application.identity.queries import IdentityQueries
from application.shared.outbox import RelayOutbox
from entrypoints.di.container import memory_container
from tests.application.scoped import InScope


@dataclass
class World:
    config: IdentityConfig = field(default_factory=IdentityConfig)
    hasher_override: PasswordHasher | None = None

    def __post_init__(self) -> None:
        settings = Provider(scope=Scope.APP)
        settings.provide(lambda: self.config, provides=IdentityConfig)
        if self.hasher_override is not None:
            hasher = self.hasher_override
            settings.provide(lambda: hasher, provides=PasswordHasher)
        self.container = memory_container(settings)
        get = self.container.get_sync
        self.store, self.clock, self.hasher = get(MemoryStore), get(FrozenClock), get(PasswordHasher)
        self.emails, self.sms, self.social = get(MemoryEmailSender), get(MemorySmsSender), get(MemorySocialVerifier)

        def use(use_case: type[Any]) -> Any:
            return InScope(self.container, use_case)

        self.register, self.login, self.complete_login = use(s.RegisterUser), use(s.LogIn), use(s.CompleteLogin)
        self.authenticate, self.refresh, self.logout = use(s.Authenticate), use(s.RefreshTokens), use(s.LogOut)
        self.change_password = use(s.ChangePassword)
        self.request_reset, self.reset_password = use(s.RequestPasswordReset), use(s.ResetPassword)
        self.update_profile = use(s.UpdateProfile)
        self.send_verification, self.confirm_email = use(s.SendEmailVerification), use(s.ConfirmEmail)
        self.setup_2fa, self.confirm_2fa = use(s.SetUpTwoFactor), use(s.ConfirmTwoFactor)
        self.social_login, self.disconnect = use(s.SocialLogin), use(s.DisconnectSocialAccount)
        self.queries = use(IdentityQueries)
        self.relay = use(RelayOutbox)

    @property
    def users(self) -> repos.MemoryUserRepository:
        return repos.MemoryUserRepository(self.store)

    @property
    def outbox(self) -> MemoryOutbox:
        return MemoryOutbox(self.store)

    async def deliver(self) -> None:
        await self.relay()

    async def last_email(self, to: str) -> Any:
        await self.deliver()
        return next((m for m in reversed(self.emails.sent) if m.to == to), None)
