"""Pure identity rules: passwords, lockout, codes, token lifetimes, roles per realm."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.identity.model import Realm

EMAIL_PATTERN = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
USERNAME_PATTERN = re.compile(r"^[\w.@+-]{3,150}$")

MAIRIE_ROLES = frozenset({"mayor", "admin", "moderator", "citizen"})
MAIRIE_STAFF_ROLES = frozenset({"mayor", "admin", "moderator"})
EEBC_ROLES = frozenset(
    {
        "admin", "pasteur", "ancien", "diacre", "responsable_club", "moniteur", "chauffeur",
        "responsable_groupe", "secretariat", "finance", "encadrant", "membre",
    }
)
SPOTVIBE_ROLES = frozenset({"user", "admin"})
# The church's default sites (they exist on every database); more are rows of the community context's sites,
# which identity asks through its `SiteCatalogue` port.
EEBC_SITES = frozenset({"CAB", "MAC"})

ROLES_BY_REALM: dict[Realm, frozenset[str]] = {
    Realm.SPOTVIBE: SPOTVIBE_ROLES,
    Realm.MAIRIE: MAIRIE_ROLES,
    Realm.EEBC: EEBC_ROLES,
}
DEFAULT_ROLE: dict[Realm, str] = {Realm.SPOTVIBE: "user", Realm.MAIRIE: "citizen", Realm.EEBC: "membre"}


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    if not EMAIL_PATTERN.match(email.strip()) or len(email) > 254:
        return "Adresse email invalide"
    return None


def username_problem(username: str) -> str | None:
    if not USERNAME_PATTERN.match(username):
        return "3 à 150 caractères : lettres, chiffres et @ . + - _"
    return None


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 8
    max_length: int = 128

    def problems(self, password: str, *, personal: tuple[str, ...] = ()) -> list[str]:
        found: list[str] = []
        if len(password) < self.min_length:
            found.append(f"Le mot de passe doit contenir au moins {self.min_length} caractères")
        if len(password) > self.max_length:
            found.append(f"Le mot de passe doit contenir au plus {self.max_length} caractères")
        if password.isdigit():
            found.append("Le mot de passe ne peut pas être entièrement numérique")
        lowered = password.lower()
        if any(p and len(p) >= 3 and lowered == p.lower() for p in personal):
            found.append("Le mot de passe est trop proche de vos informations personnelles")
        return found


@dataclass(frozen=True)
class LockoutPolicy:
    """After `max_failures` consecutive failures the account is locked for `lock_for`."""

    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)

    def locked_until(self, failures: int, now: datetime) -> datetime | None:
        return now + self.lock_for if failures >= self.max_failures else None


def remaining_minutes(locked_until: datetime, now: datetime) -> int:
    """Whole minutes left, rounded up, never less than 1 while the lock holds."""
    seconds = (locked_until - now).total_seconds()
    return max(1, -(-int(seconds) // 60))


@dataclass(frozen=True)
class CodePolicy:
    """A one-time code: how long it lives and how many wrong tries it survives."""

    ttl: timedelta
    max_attempts: int = 5
    digits: int = 6


@dataclass(frozen=True)
class TokenLifetimes:
    access: timedelta = timedelta(hours=1)
    refresh: timedelta = timedelta(days=14)
    two_factor_challenge: timedelta = timedelta(minutes=5)
