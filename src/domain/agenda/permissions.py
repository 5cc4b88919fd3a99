"""Who may do what with a town's agenda. Everything is scoped to the actor's municipality."""

from __future__ import annotations

from domain.shared.actor import EVERYONE, Permission, grant

SEE_AGENDA = Permission(
    "agenda.events.see", "Voir l'agenda public de sa commune et les événements auxquels on est invité",
    grant(mairie=EVERYONE), "Réservé aux comptes de la mairie")
MANAGE_AGENDA = Permission(
    "agenda.events.manage", "Créer, modifier et supprimer les événements de l'agenda de la commune",
    grant(mairie="mayor admin"), "Seuls le maire et les administrateurs gèrent l'agenda")
SEE_PRIVATE_EVENTS = Permission(
    "agenda.events.see_private", "Voir les événements privés de l'agenda de la commune",
    grant(mairie="mayor admin moderator"), "Réservé à l'équipe municipale")

PERMISSIONS = (SEE_AGENDA, MANAGE_AGENDA, SEE_PRIVATE_EVENTS)
