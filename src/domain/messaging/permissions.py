"""Who may do what with conversations. A citizen reaches their own conversations without any permission beyond
opening them; staff reach every conversation of their own town."""

from __future__ import annotations

from domain.shared.actor import Permission, grant

START = Permission(
    "messaging.start", "Écrire à sa mairie (ouvrir une conversation)",
    grant(mairie="citizen"), "Seuls les citoyens ouvrent une conversation avec leur mairie")
HANDLE = Permission(
    "messaging.handle", "Lire, répondre, marquer comme lues et archiver les conversations de sa commune",
    grant(mairie="mayor admin moderator"), "Réservé à l'équipe de la mairie")
DELETE = Permission(
    "messaging.delete", "Supprimer une conversation de sa commune",
    grant(mairie="mayor admin"), "Seuls le maire et les administrateurs suppriment une conversation")

PERMISSIONS = (START, HANDLE, DELETE)
