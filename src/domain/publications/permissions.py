"""Who may do what with a town's publications. Every right is also bounded by the actor's town."""

from __future__ import annotations

from domain.shared.actor import EVERYONE, Permission, grant

READ_PUBLISHED = Permission(
    "publications.read", "Lire les publications publiées de sa commune",
    grant(mairie=EVERYONE), "Réservé aux comptes de la mairie")
SEE_UNPUBLISHED = Permission(
    "publications.see_unpublished", "Voir les brouillons, les publications programmées, archivées ou expirées",
    grant(mairie="mayor admin moderator"), "Réservé à l'équipe de la mairie")
MANAGE = Permission(
    "publications.manage", "Créer, modifier, publier, programmer, archiver et supprimer les publications",
    grant(mairie="mayor admin"), "Seuls le maire et les administrateurs gèrent les publications")
REACT = Permission(
    "publications.react", "Aimer une publication, la commenter, supprimer ses propres commentaires",
    grant(mairie=EVERYONE), "Réservé aux comptes de la mairie")
MODERATE = Permission(
    "publications.moderate", "Masquer ou supprimer le commentaire d'un autre",
    grant(mairie="mayor admin moderator"), "Seule l'équipe de modération peut retirer ce commentaire")

PERMISSIONS = (READ_PUBLISHED, SEE_UNPUBLISHED, MANAGE, REACT, MODERATE)
