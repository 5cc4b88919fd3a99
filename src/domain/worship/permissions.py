"""Who may do what with services and the rota. Members answer for themselves (the member the account is)."""

from __future__ import annotations

from domain.shared.actor import EVERYONE, Permission, grant

SEE_SERVICES = Permission(
    "worship.services.see", "Voir les cultes et leurs équipes, répondre à ses assignations, son agenda ICS",
    grant(eebc=EVERYONE), "Réservé aux comptes de l'église")
MANAGE_ANY_SITE = Permission(
    "worship.rota.manage_any_site", "Gérer les cultes, les rôles et les assignations de tous les sites",
    grant(eebc="admin pasteur"), "Réservé aux pasteurs et administrateurs")
MANAGE_OWN_SITE = Permission(
    "worship.rota.manage_own_site", "Gérer les cultes et les assignations de son propre site",
    grant(eebc="admin pasteur ancien diacre secretariat"), "Réservé aux responsables du culte")

PERMISSIONS = (SEE_SERVICES, MANAGE_ANY_SITE, MANAGE_OWN_SITE)
