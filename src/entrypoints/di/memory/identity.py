"""Identity in memory: its repositories, a quick password hasher, a social verifier answering registered tokens."""

from __future__ import annotations

from dishka import AnyOf, Provider, Scope, provide

from adapters.memory import identity as memory
from adapters.memory.ports import MemorySocialVerifier, QuickPasswordHasher
from application.identity.ports import (
    IdentityReads,
    LoginAttemptRepository,
    MunicipalityRepository,
    OneTimeCodeRepository,
    PasswordHasher,
    RefreshSessionRepository,
    SocialAccountRepository,
    SocialTokenVerifier,
    UserRepository,
)


class IdentityMemory(Provider):
    scope = Scope.REQUEST

    users = provide(memory.MemoryUserRepository, provides=UserRepository)
    municipalities = provide(memory.MemoryMunicipalityRepository, provides=MunicipalityRepository)
    refresh_sessions = provide(memory.MemoryRefreshSessionRepository, provides=RefreshSessionRepository)
    codes = provide(memory.MemoryOneTimeCodeRepository, provides=OneTimeCodeRepository)
    attempts = provide(memory.MemoryLoginAttemptRepository, provides=LoginAttemptRepository)
    social_accounts = provide(memory.MemorySocialAccountRepository, provides=SocialAccountRepository)

    reads = provide(memory.MemoryIdentityReads, scope=Scope.APP, provides=IdentityReads)
    hasher = provide(QuickPasswordHasher, scope=Scope.APP, provides=PasswordHasher)
    social = provide(MemorySocialVerifier, scope=Scope.APP, provides=AnyOf[MemorySocialVerifier, SocialTokenVerifier])
