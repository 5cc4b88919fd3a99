"""Who may buy tickets and read any event's sales. Checking in and an event's own report are the organiser's
(and the scanners they named): decided per event in the use cases, not by role."""

from __future__ import annotations

from domain.shared.actor import EVERYONE, Permission, grant

BUY_TICKETS = Permission(
    "ticketing.tickets.buy", "Acheter des billets, voir ses billets et leur QR code",
    grant(spotvibe=EVERYONE), "Les billets ne s'achètent pas depuis ce compte")
SEE_ANY_SALES = Permission(
    "ticketing.sales.view_any", "Voir les ventes de billets de n'importe quel événement",
    grant(spotvibe="admin"), "Réservé aux organisateurs de l'événement")

PERMISSIONS = (BUY_TICKETS, SEE_ANY_SALES)
