"""Payments: four rails, webhooks, refunds, commissions, ledger; the seam to every context that sells."""

from __future__ import annotations

from adapters.sql.payments.mapping import map_entities
from application.payments.announcements import ANNOUNCEMENTS
from application.payments.outcomes import DispatchPaymentOutcome
from application.payments.reconcile import ReconcilePayments
from application.payments.refunds import ExecuteRefund
from application.payments.topics import EXECUTE_REFUND, PAYMENT_SETTLED, RECONCILE
from entrypoints.contexts.base import BoundedContext, Cron
from entrypoints.di.memory.payments import PaymentsMemory
from entrypoints.di.payments import PaymentReadSide, PaymentsPersistence, PaymentsProvider, PaymentUseCases
from entrypoints.http.faces.spotvibe.controllers import payments as spotvibe_payments
from entrypoints.http.webhooks import payments as shared_webhooks

PAYMENTS = BoundedContext(
    name="payments",
    providers=(PaymentsProvider, PaymentsPersistence, PaymentReadSide, PaymentUseCases),
    memory_providers=(PaymentsMemory,),
    map_entities=map_entities,
    announcements=ANNOUNCEMENTS,
    jobs={PAYMENT_SETTLED: DispatchPaymentOutcome, EXECUTE_REFUND: ExecuteRefund},
    crons=(Cron(RECONCILE, ReconcilePayments, "* * * * *"),),
    routes={"spotvibe": (spotvibe_payments.PaymentsController, spotvibe_payments.MobileMoneyWebhooks)},
    webhooks=(shared_webhooks.StripeWebhook, shared_webhooks.PaymentReturnPages),
)
