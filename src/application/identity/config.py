"""Identity settings the use cases read; entrypoints build it from the environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from domain.identity.model import Realm
from domain.identity.policies import CodePolicy, LockoutPolicy, PasswordPolicy, TokenLifetimes

APP_NAMES = {Realm.SPOTVIBE: "SpotVibe", Realm.MAIRIE: "E-CMS Mairie", Realm.EEBC: "EEBC"}


@dataclass(frozen=True)
class IdentityConfig:
    lifetimes: TokenLifetimes = field(default_factory=TokenLifetimes)
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    passwords: PasswordPolicy = field(default_factory=PasswordPolicy)
    password_reset: CodePolicy = field(default_factory=lambda: CodePolicy(ttl=timedelta(hours=1), max_attempts=1))
    email_verification: CodePolicy = field(default_factory=lambda: CodePolicy(ttl=timedelta(minutes=10)))
    two_factor_code: CodePolicy = field(default_factory=lambda: CodePolicy(ttl=timedelta(minutes=10)))
    backup_code_count: int = 8
    # Where the password-reset link points, per realm; "{token}" is replaced.
    reset_links: dict[Realm, str] = field(
        default_factory=lambda: {
            Realm.SPOTVIBE: "spotvibe://reset-password?token={token}",
            Realm.MAIRIE: "http://localhost:5173/reset-password?token={token}",
            Realm.EEBC: "eebc://reset-password?token={token}",
        }
    )
    login_limit_per_minute: int = 20
    email_limit_per_hour: int = 5
