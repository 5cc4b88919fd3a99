"""Who may do what with events. The creator of an event needs no permission to see, edit or delete it."""

from __future__ import annotations

from domain.shared.actor import EVERYONE, Permission, grant
from domain.ticketing import sales_permissions

CREATE_EVENTS = Permission(
    "ticketing.events.create", "Créer des événements (dans la limite de son compte ou de son offre)",
    grant(spotvibe=EVERYONE), "La création d'événements se fait depuis un compte SpotVibe")
TAKE_PART = Permission(
    "ticketing.events.take_part", "Participer à un événement, s'y intéresser, le partager",
    grant(spotvibe=EVERYONE), "Réservé aux comptes SpotVibe")
SEE_ANY_EVENT = Permission(
    "ticketing.events.see_any", "Voir tous les événements, quel que soit leur statut",
    grant(spotvibe="admin"), "Réservé aux administrateurs")
MANAGE_ANY_EVENT = Permission(
    "ticketing.events.manage_any", "Modifier ou supprimer l'événement d'un autre organisateur",
    grant(spotvibe="admin"), "Seul l'organisateur de l'événement peut le modifier")
MODERATE_EVENTS = Permission(
    "ticketing.events.moderate", "Approuver ou rejeter les événements en attente de validation",
    grant(spotvibe="admin"), "Réservé aux administrateurs")

PERMISSIONS = (CREATE_EVENTS, TAKE_PART, SEE_ANY_EVENT, MANAGE_ANY_EVENT, MODERATE_EVENTS,
               *sales_permissions.PERMISSIONS)
