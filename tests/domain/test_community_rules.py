"""Community rules: member ids, the search text, ages, profile checks, who may manage."""

from __future__ import annotations

from datetime import date

from domain.community.model import (
    Member,
    MemberProfile,
    age_on,
    folded,
    member_code,
    phone_digits,
    profile_problems,
)
from domain.community.permissions import MANAGE_MEMBERS_ANY_SITE, MANAGE_MEMBERS_OWN_SITE, MANAGE_SITES
from domain.shared.actor import Actor
from domain.shared.realm import Realm


def test_member_codes_have_four_digits_at_least() -> None:
    assert member_code("CAB", 42) == "EEBC-CAB-0042"
    assert member_code("MAC", 12345) == "EEBC-MAC-12345"


def test_search_text_folds_accents_and_case_and_keeps_phone_digits() -> None:
    assert folded("Hélène ÉMILE Çà") == "helene emile ca"
    assert phone_digits("+594694123456") == "594694123456 0694123456"
    member = Member(site_id=1, member_code="EEBC-CAB-0001", profile=MemberProfile(
        first_name="Hélène", last_name="Émile", email="H@Example.com", phone="+594694123456"))
    assert member.search_text == "helene emile h@example.com 594694123456 0694123456 eebc-cab-0001"


def test_age() -> None:
    assert age_on(date(1985, 3, 15), date(2026, 3, 14)) == 40
    assert age_on(date(1985, 3, 15), date(2026, 3, 15)) == 41
    assert age_on(None, date(2026, 1, 1)) is None


def test_profile_problems() -> None:
    today = date(2026, 1, 1)
    assert profile_problems(MemberProfile(first_name="A", last_name="B"), today) == {}
    bad = profile_problems(MemberProfile(first_name=" ", last_name="B" * 151, email="x", gender="Z",
                                         marital_status="?", date_of_birth=date(2027, 1, 1)), today)
    assert set(bad) == {"first_name", "last_name", "email", "gender", "marital_status", "date_of_birth"}


def test_who_manages() -> None:
    def actor(role: str) -> Actor:
        return Actor(user_id=1, realm=Realm.EEBC, roles=frozenset({role}), site="CAB")

    assert MANAGE_SITES.allows(actor("admin")) and not MANAGE_SITES.allows(actor("pasteur"))
    assert MANAGE_MEMBERS_ANY_SITE.allows(actor("pasteur")) and not MANAGE_MEMBERS_ANY_SITE.allows(actor("secretariat"))
    assert MANAGE_MEMBERS_OWN_SITE.allows(actor("secretariat")) and not MANAGE_MEMBERS_OWN_SITE.allows(actor("membre"))
