"""The church's staff scope: `admin`/`pasteur` manage every site, the other worship staff only their own."""

from __future__ import annotations

from application.shared.church import ChurchDirectory
from application.worship.ports import WorshipRepository
from domain.shared.actor import Actor
from domain.shared.errors import NotFound
from domain.worship.model import SERVICE_LENGTH, Assignment, Service
from domain.worship.permissions import MANAGE_ANY_SITE, MANAGE_OWN_SITE

SERVICE_NOT_FOUND = "Culte introuvable"


def require_staff(actor: Actor) -> None:
    """Forbidden without a worship staff role (before looking anything up)."""
    if not MANAGE_ANY_SITE.allows(actor):
        MANAGE_OWN_SITE.check(actor)


async def own_site_id(directory: ChurchDirectory, actor: Actor) -> int | None:
    """None for staff of every site; the id of the actor's site otherwise (-1 when it has none)."""
    require_staff(actor)
    if MANAGE_ANY_SITE.allows(actor):
        return None
    own = await directory.site_by_code(actor.site) if actor.site else None
    return own.id if own else -1


async def check_manages_site(directory: ChurchDirectory, actor: Actor, site_id: int,
                             missing: str = SERVICE_NOT_FOUND) -> None:
    """Forbidden without a worship staff role; NotFound for another site's thing (own-site staff)."""
    own = await own_site_id(directory, actor)
    if own is not None and own != site_id:
        raise NotFound(missing)


async def overlapping(rota: WorshipRepository, member_id: int, service: Service,
                      ignore: int | None = None) -> list[tuple[Assignment, Service]]:
    """The member's other live assignments at a time that overlaps the service, in any site."""
    around = await rota.assignments_of_member(member_id, service.starts_at - SERVICE_LENGTH, service.ends_at)
    return [(a, other) for a, other in around
            if other.overlaps(service) and a.id != ignore and other.id != service.id]
