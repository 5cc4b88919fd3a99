"""Who may do what with the church's events. Reading and registering: any EEBC account, every site. Managing an
event and seeing its registrations: `admin` and `pasteur` on every site, `secretariat` and `ancien` on their own
site only (another site's event is NotFound for them)."""

from __future__ import annotations

from domain.shared.actor import EVERYONE, Actor, Permission, grant

ALL_SITES_ROLES = frozenset({"admin", "pasteur"})

SEE_EVENTS = Permission(
    "church_events.see", "Voir les événements de l'église et s'y inscrire",
    grant(eebc=EVERYONE), "Réservé aux comptes de l'église")
MANAGE_EVENTS = Permission(
    "church_events.manage", "Créer, modifier, annuler ou supprimer un événement (admin et pasteur : tous les "
    "sites ; secrétariat et ancien : leur site) et voir ses inscriptions",
    grant(eebc="admin pasteur secretariat ancien"), "Réservé au secrétariat, aux anciens et aux pasteurs")

PERMISSIONS = (SEE_EVENTS, MANAGE_EVENTS)


def manages_every_site(actor: Actor) -> bool:
    return not ALL_SITES_ROLES.isdisjoint(actor.roles)
