"""Sites, members and families, and the rules on their fields (plain Python)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class MemberStatus(StrEnum):
    ACTIVE = "actif"
    INACTIVE = "inactif"
    VISITOR = "visiteur"
    TRANSFERRED = "transfere"
    DECEASED = "decede"


class Relationship(StrEnum):
    HEAD = "HEAD"
    SPOUSE = "SPOUSE"
    CHILD = "CHILD"
    PARENT = "PARENT"
    SIBLING = "SIBLING"
    OTHER = "OTHER"


GENDERS = frozenset({"", "M", "F"})
MARITAL_STATUSES = frozenset({"", "celibataire", "marie", "divorce", "veuf"})
SITE_CODE = re.compile(r"^[A-Z]{2,10}$")
DEFAULT_SITES = (("CAB", "Cabassou"), ("MAC", "Macouria"))


def member_code(site_code: str, number: int) -> str:
    """The wire's `member_id`: `EEBC-CAB-0042` (four digits at least, more when a site passes 9999)."""
    return f"EEBC-{site_code}-{number:04d}"


def folded(text: str) -> str:
    """Lower case without accents: what the directory's search compares (`Hélène` finds `helene`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def phone_digits(phone: str) -> str:
    """The digits of an E.164 phone, plus its local form (`+594694123456` -> `594694123456 0694123456`)."""
    digits = "".join(c for c in phone if c.isdigit())
    if digits.startswith("594") and len(digits) > 3:
        return f"{digits} 0{digits[3:]}"
    return digits


@dataclass
class Site:
    code: str
    name: str
    address: str = ""
    city: str = ""
    is_active: bool = True
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class Family:
    name: str
    site_id: int
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class MemberProfile:
    """The fields a member's record holds, as staff writes them (phones already in E.164)."""

    first_name: str
    last_name: str
    email: str = ""
    phone: str = ""
    whatsapp_number: str = ""
    date_of_birth: date | None = None
    gender: str = ""
    marital_status: str = ""
    address: str = ""
    city: str = ""
    postal_code: str = ""
    is_baptized: bool = False
    baptism_date: date | None = None
    status: MemberStatus = MemberStatus.ACTIVE
    notes: str = ""


@dataclass
class Member:
    site_id: int
    profile: MemberProfile
    member_code: str = ""
    user_id: int | None = None
    family_id: int | None = None
    relationship: str = ""
    photo: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None

    @property
    def search_text(self) -> str:
        p = self.profile
        return " ".join(filter(None, (folded(p.first_name), folded(p.last_name), folded(p.email),
                                      phone_digits(p.phone), self.member_code.lower())))


def age_on(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


LIMITS = {"first_name": 150, "last_name": 150, "email": 254, "address": 255, "city": 120, "postal_code": 10,
          "notes": 5000}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def profile_problems(profile: MemberProfile, today: date) -> dict[str, list[str]]:
    """What is wrong with a member's fields, by field (empty when nothing is)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name in ("first_name", "last_name"):
        if not getattr(profile, name).strip():
            add(name, "Ce champ est requis")
    for name, limit in LIMITS.items():
        if len(getattr(profile, name)) > limit:
            add(name, f"{limit} caractères au plus")
    if profile.email and not EMAIL.match(profile.email):
        add("email", "Adresse e-mail invalide")
    if profile.gender not in GENDERS:
        add("gender", "Attendu : M ou F")
    if profile.marital_status not in MARITAL_STATUSES:
        add("marital_status", f"Attendu : {', '.join(sorted(MARITAL_STATUSES - {''}))}")
    for name in ("date_of_birth", "baptism_date"):
        value = getattr(profile, name)
        if value is not None and (value > today or value.year < 1880):
            add(name, "Date invalide")
    return errors
