"""Who may do what with payments. Payments serve SpotVibe today; EEBC gifts will grant their own roles here."""

from __future__ import annotations

from domain.shared.actor import EVERYONE, Permission, grant

PAY = Permission(
    "payments.pay", "Payer, vérifier, annuler, relancer ses propres paiements ; demander un remboursement",
    grant(spotvibe=EVERYONE), "Les paiements ne se font pas depuis ce compte")
VIEW_ANY_PAYMENT = Permission(
    "payments.view_any", "Voir le détail de n'importe quel paiement ou remboursement",
    grant(spotvibe="admin"), "Réservé aux administrateurs")
DECIDE_REFUNDS = Permission(
    "payments.refunds.decide", "Lister toutes les demandes de remboursement, les approuver, les rejeter, "
    "enregistrer un remboursement payé à la main", grant(spotvibe="admin"), "Réservé aux administrateurs")
VIEW_FIGURES = Permission(
    "payments.figures.view", "Statistiques, transactions, commissions, grand livre",
    grant(spotvibe="admin"), "Réservé aux administrateurs")

PERMISSIONS = (PAY, VIEW_ANY_PAYMENT, DECIDE_REFUNDS, VIEW_FIGURES)
