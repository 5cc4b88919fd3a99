"""Who may do what with the directory. Staff other than admin/pasteur manage their own site only."""

from __future__ import annotations

from domain.shared.actor import EVERYONE, Permission, grant

SEE_DIRECTORY = Permission(
    "community.directory.see", "Consulter l'annuaire des membres (tous sites)",
    grant(eebc=EVERYONE), "Réservé aux comptes EEBC")
MANAGE_MEMBERS_ANY_SITE = Permission(
    "community.members.manage_any_site", "Gérer les membres et familles de tous les sites",
    grant(eebc="admin pasteur"), "Réservé aux administrateurs et pasteurs")
MANAGE_MEMBERS_OWN_SITE = Permission(
    "community.members.manage_own_site", "Gérer les membres et familles de son site",
    grant(eebc="admin pasteur secretariat"), "Réservé au secrétariat, aux pasteurs et administrateurs")
MANAGE_SITES = Permission(
    "community.sites.manage", "Créer et modifier les sites",
    grant(eebc="admin"), "Réservé aux administrateurs")

PERMISSIONS = (SEE_DIRECTORY, MANAGE_MEMBERS_ANY_SITE, MANAGE_MEMBERS_OWN_SITE, MANAGE_SITES)
