"""Who may do what with the church's announcements (docs/permissions.md)."""

from __future__ import annotations

from domain.shared.actor import EVERYONE, Permission, grant

READ_ANNOUNCEMENTS = Permission(
    "announcements.read", "Lire les annonces actives de son site et de toute l'Église, les marquer lues",
    grant(eebc=EVERYONE), "Réservé aux comptes de l'Église")
MANAGE_ANNOUNCEMENTS = Permission(
    "announcements.manage", "Publier, modifier, supprimer les annonces de son site",
    grant(eebc="admin pasteur secretariat"), "Réservé à l'administration, aux pasteurs et au secrétariat")
MANAGE_EVERY_SITE = Permission(
    "announcements.manage_every_site", "Publier pour tous les sites ou pour un autre site que le sien",
    grant(eebc="admin pasteur"), "Réservé à l'administration et aux pasteurs")

PERMISSIONS = (READ_ANNOUNCEMENTS, MANAGE_ANNOUNCEMENTS, MANAGE_EVERY_SITE)
