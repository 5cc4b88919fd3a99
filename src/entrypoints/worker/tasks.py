"""The task functions. SAQ names a task by its function's name, which is the outbox topic.

Each task is thin: it resolves the application's job use case in the job's REQUEST scope and calls it
with the payload, once per job key (see `run_once`).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from adapters.sql.uow import SqlJobJournal
from application.payments.outcomes import DispatchPaymentOutcome
from application.payments.reconcile import ReconcilePayments
from application.payments.refunds import ExecuteRefund
from application.payments.topics import EXECUTE_REFUND, PAYMENT_SETTLED, RECONCILE
from application.shared.email import SEND_EMAIL, SEND_SMS, SendEmail, SendSms
from application.shared.ports import Clock, UnitOfWork
from entrypoints.worker.dishka_saq import Context, request_container

log = logging.getLogger("agora.worker")

DONE = "done"
SKIPPED = "skipped"


class JobUseCase(Protocol):
    async def __call__(self, payload: Any) -> None: ...


async def run_once(ctx: Context, use_case: type[JobUseCase], payload: dict[str, Any]) -> str:
    """Runs the job unless its key is already recorded as done; records it in the same transaction.

    The key (the outbox message's key, which is also SAQ's job key) is claimed in the job's transaction
    before the work and committed after it, so a key recorded once is never run again, and a second
    delivery running at the same moment waits for the first and then skips. What cannot be atomic is an
    outside side effect (an email sent) and the commit: a crash or failure between the two re-runs the
    job on retry. Delivery is therefore at least once, never again after the key is recorded.
    A use case that commits its own unit of work commits the key with its writes; it must commit once,
    at its end, or a failure after that commit would leave the job recorded but unfinished.
    """
    job = ctx["job"]
    request = request_container(ctx)
    journal = await request.get(SqlJobJournal)
    clock = await request.get(Clock)
    if not await journal.claim(job.key, job.function, clock.now()):
        log.info("job %s (%s) already done: skipped", job.key, job.function)
        return SKIPPED
    handler = await request.get(use_case)
    await handler(payload)
    uow = await request.get(UnitOfWork)
    await uow.commit()
    return DONE


async def notify_send_email(ctx: Context, *, payload: dict[str, Any]) -> str:
    return await run_once(ctx, SendEmail, payload)


async def notify_send_sms(ctx: Context, *, payload: dict[str, Any]) -> str:
    return await run_once(ctx, SendSms, payload)


async def payments_payment_settled(ctx: Context, *, payload: dict[str, Any]) -> str:
    return await run_once(ctx, DispatchPaymentOutcome, payload)


async def payments_execute_refund(ctx: Context, *, payload: dict[str, Any]) -> str:
    return await run_once(ctx, ExecuteRefund, payload)


async def payments_reconcile(ctx: Context) -> str:
    """Cron: each payment is settled in its own transaction, so a run cut short loses nothing."""
    reconcile = await request_container(ctx).get(ReconcilePayments)
    return repr(await reconcile())


TASKS = {SEND_EMAIL: notify_send_email, SEND_SMS: notify_send_sms, PAYMENT_SETTLED: payments_payment_settled,
         EXECUTE_REFUND: payments_execute_refund, RECONCILE: payments_reconcile}
assert all(name == task.__qualname__ for name, task in TASKS.items()), "a task is named after its topic"
