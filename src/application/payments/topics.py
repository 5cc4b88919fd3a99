"""Outbox topics of the payments context (each is also the name of its worker task)."""

PAYMENT_SETTLED = "payments_payment_settled"
EXECUTE_REFUND = "payments_execute_refund"
RECONCILE = "payments_reconcile"
