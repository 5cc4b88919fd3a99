"""Who is acting, and what each kind of actor may do. Use cases decide; faces only say who is asking."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.shared.errors import Forbidden
from domain.shared.realm import Realm

EVERYONE = "*"  # in a permission's roles: any signed-in account of that realm


@dataclass(frozen=True)
class Actor:
    """The account acting, as its face resolved it: realm, roles, and the scope it belongs to (the town of a
    town-hall account, the site of a church account)."""

    user_id: int
    realm: Realm
    roles: frozenset[str] = frozenset()
    municipality_id: int | None = None
    site: str | None = None

    def is_user(self, user_id: int | None) -> bool:
        return user_id is not None and self.user_id == user_id

    def in_municipality(self, municipality_id: int | None) -> bool:
        return self.realm is Realm.MAIRIE and municipality_id is not None and self.municipality_id == municipality_id


@dataclass(frozen=True)
class Permission:
    """One thing an actor may do, and who may: per realm, the roles granted it (EVERYONE for any account)."""

    name: str
    description: str
    granted: Mapping[Realm, frozenset[str]] = field(default_factory=dict)
    refusal: str = "Accès refusé"

    def allows(self, actor: Actor) -> bool:
        roles = self.granted.get(actor.realm, frozenset())
        return EVERYONE in roles or not roles.isdisjoint(actor.roles)

    def check(self, actor: Actor) -> None:
        if not self.allows(actor):
            raise Forbidden(self.refusal)


def grant(**realms: str) -> dict[Realm, frozenset[str]]:
    """`grant(spotvibe="admin", mairie="mayor admin")`: the roles of each realm, space-separated."""
    return {Realm(name): frozenset(roles.split()) for name, roles in realms.items()}
