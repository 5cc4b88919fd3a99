"""docs/permissions.md shows, per realm, exactly the permissions the contexts declare: the doc cannot drift."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import domain
from domain.shared.actor import EVERYONE, Actor, Permission
from domain.shared.realm import Realm

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
BEGIN, END = "<!-- permissions:begin -->", "<!-- permissions:end -->"


def declared() -> list[Permission]:
    found: list[Permission] = []
    for context in pkgutil.iter_modules(domain.__path__):
        try:
            module = importlib.import_module(f"domain.{context.name}.permissions")
        except ModuleNotFoundError:
            continue
        found.extend(module.PERMISSIONS)
    return found


def rendered(permissions: list[Permission]) -> str:
    parts = []
    for realm in Realm:
        rows = [p for p in permissions if realm in p.granted]
        parts.append(f"### {realm.value}\n\n| permission | what it allows | granted to |\n|---|---|---|")
        for p in rows:
            roles = p.granted[realm]
            who = "every account" if EVERYONE in roles else ", ".join(f"`{r}`" for r in sorted(roles))
            parts.append(f"| `{p.name}` | {p.description} | {who} |")
        parts.append("")
    return "\n".join(parts).strip()


def test_the_permission_tables_in_the_docs_are_the_declared_ones() -> None:
    text = DOC.read_text()
    documented = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert documented == rendered(declared()), f"regenerate docs/permissions.md:\n{rendered(declared())}"


def test_a_permission_is_granted_by_role_within_a_realm_only() -> None:
    decide = next(p for p in declared() if p.name == "payments.refunds.decide")
    assert decide.allows(Actor(1, Realm.SPOTVIBE, frozenset({"admin"})))
    assert not decide.allows(Actor(1, Realm.SPOTVIBE, frozenset({"user"})))
    assert not decide.allows(Actor(1, Realm.EEBC, frozenset({"admin"})))
    pay = next(p for p in declared() if p.name == "payments.pay")
    assert pay.allows(Actor(2, Realm.SPOTVIBE)) and not pay.allows(Actor(2, Realm.MAIRIE))
