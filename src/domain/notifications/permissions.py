"""Who may do what with notifications. Everyone reads and manages their own inbox, preferences and devices."""

from __future__ import annotations

from domain.shared.actor import EVERYONE, Permission, grant

USE_INBOX = Permission(
    "notifications.inbox", "Lire ses notifications, régler ses préférences, enregistrer ses appareils",
    grant(spotvibe=EVERYONE, mairie=EVERYONE, eebc=EVERYONE))
SEE_TEMPLATES = Permission(
    "notifications.templates", "Voir les modèles de notification", grant(spotvibe="admin"),
    "Réservé aux administrateurs")
BULK_SEND = Permission(
    "notifications.bulk_send", "Envoyer une notification en masse et suivre l'envoi", grant(spotvibe="admin"),
    "Réservé aux administrateurs")

PERMISSIONS = (USE_INBOX, SEE_TEMPLATES, BULK_SEND)
