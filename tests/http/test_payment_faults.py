"""The payment path when things go wrong, on PostgreSQL against the fake providers: time-outs, 5xx, lost
callbacks, a worker killed mid-job, a job delivered twice, stale or forged signatures. Each test reads back
what is stored (payment, tries, ledger, refunds, outbox) and what the fake provider recorded."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from dishka import Provider
from saq import Queue, Worker
from saq.job import Status
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from adapters.payments.fakes.server import Delivery
from adapters.payments.http import sign_timestamped
from adapters.sql.database import make_engine
from adapters.sql.payments import tables
from adapters.sql.shared import tables as shared_tables
from application.payments.config import PaymentsConfig
from application.payments.outcomes import DispatchPaymentOutcome
from application.payments.ports import (
    AttemptRepository,
    ChargeLookup,
    Gateways,
    PaymentRepository,
    RefundRepository,
)
from application.payments.reconcile import NEVER_REACHED, ReconcilePayments, ReconcileReport
from application.payments.refunds import (
    DecideRefund,
    DecideRefundCommand,
    ExecuteRefund,
    FinishRefund,
    refund_reference,
)
from application.payments.settlement import Settlement
from application.payments.topics import EXECUTE_REFUND, PAYMENT_SETTLED
from application.shared.ports import Clock, JobJournal, UnitOfWork
from domain.payments.model import PaymentMethod, PaymentStatus
from domain.shared.actor import Actor
from domain.shared.money import Money
from domain.shared.realm import Realm
from entrypoints.runtime import Runtime
from entrypoints.worker import build_worker, start_worker, stop_worker
from entrypoints.worker.dishka_saq import REQUEST_CONTAINER_KEY
from entrypoints.worker.tasks import DONE, SKIPPED, run_once
from tests.http.conftest import Api
from tests.http.spotvibe.helpers import account, bearer
from tests.payments_support import FakeProviders, TicketsForSale, job_handler, payments_override, replay
from tests.queue_support import finished_a_second_ago

INITIATE = "/api/payments/initiate/"
VERIFY = "/api/payments/verify/"
REQUEST_TO_PAY = "/collection/v1_0/requesttopay"
MTN_REFUND = "/disbursement/v1_0/refund"
MTN_OK = "+46733123456"    # any number the MTN sandbox does not script: SUCCESSFUL at once
MTN_LATE = "+46733123453"  # PENDING, then SUCCESSFUL after settle_after
MTN_PENDING = "+46733123454"  # PENDING until settled by hand
MOOV_OK = "+2290197000001"  # FedaPay: approved after settle_after (last digit not 0 or 9)

ADMIN = Actor(1, Realm.SPOTVIBE, frozenset({"admin"}))


# ---------------------------------------------------------------- fixtures


@pytest.fixture
async def fakes() -> AsyncIterator[FakeProviders]:
    """The four fakes; their callbacks are recorded but not sent (the tests replay them through the app)."""
    with FakeProviders(settle_after=0.2) as providers:
        for fake in providers.all:
            fake.drop_callbacks()
        providers.use_webhooks(moov="http://testserver/api/payments/webhooks/moov/",
                               stripe="http://testserver/webhooks/stripe/")
        yield providers


@pytest.fixture
def owner() -> TicketsForSale:
    return TicketsForSale()


@pytest.fixture
def extra_providers(fakes: FakeProviders, owner: TicketsForSale) -> list[Provider]:
    assert fakes.registry is not None
    return [payments_override(fakes.registry, owner)]


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    # Stripe refuses a custom-scheme success_url; the reconciler looks at every open payment at once.
    return {"reconcile_after_seconds": 0, "payments_return_url": "https://spotvibe.example/paiement/retour",
            "payments_cancel_url": "https://spotvibe.example/paiement/annule"}


# ---------------------------------------------------------------- helpers


@dataclass
class Stored:
    payment: dict[str, Any]
    attempts: list[dict[str, Any]]
    ledger: list[dict[str, Any]]
    commissions: list[dict[str, Any]]
    refunds: list[dict[str, Any]]
    settled_messages: list[dict[str, Any]]

    @property
    def status(self) -> str:
        return str(self.payment["status"])

    def ledger_keys(self) -> list[str]:
        return sorted({row["transaction_key"] for row in self.ledger})


async def stored(api: Api, payment_uuid: UUID | str) -> Stored:
    """Everything the database holds about one payment."""
    key = UUID(str(payment_uuid))
    async with api.container() as request:
        session = await request.get(AsyncSession)

        async def rows(query: Any) -> list[dict[str, Any]]:
            return [dict(row) for row in (await session.execute(query)).mappings()]

        payment = (await rows(select(tables.payments).where(tables.payments.c.uuid == key)))[0]
        pid = payment["id"]
        return Stored(
            payment=payment,
            attempts=await rows(select(tables.payment_attempts).where(tables.payment_attempts.c.payment_id == pid)
                                .order_by(tables.payment_attempts.c.number)),
            ledger=await rows(select(tables.ledger_entries).where(tables.ledger_entries.c.payment_uuid == key)
                              .order_by(tables.ledger_entries.c.id)),
            commissions=await rows(select(tables.commissions).where(tables.commissions.c.payment_id == pid)),
            refunds=await rows(select(tables.refunds).where(tables.refunds.c.payment_id == pid)),
            settled_messages=await rows(select(shared_tables.outbox).where(
                shared_tables.outbox.c.key.like(f"{PAYMENT_SETTLED}:{key}:%")).order_by(shared_tables.outbox.c.created_at)),
        )


async def count_rows(api: Api, table: Any) -> int:
    async with api.container() as request:
        session = await request.get(AsyncSession)
        return len((await session.execute(select(table))).all())


async def payer(api: Api, username: str = "awa") -> dict[str, str]:
    return bearer((await account(api, username, f"{username}@example.com"))["access"])


async def initiate(api: Api, headers: dict[str, str], method: str = "MOMO_MTN", phone: str | None = MTN_OK,
                   ticket: int = 1) -> dict[str, Any]:
    body: dict[str, Any] = {"type_paiement": "BILLET", "methode_paiement": method, "event_ticket_id": ticket}
    if phone is not None:
        body["telephone_paiement"] = phone
    response = await api.client.post(INITIATE, headers=headers, json=body)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def verify(api: Api, headers: dict[str, str], payment_uuid: str) -> dict[str, Any]:
    response = await api.client.post(VERIFY, headers=headers, json={"payment_uuid": payment_uuid})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def reconcile(api: Api, **config_changes: Any) -> ReconcileReport:
    """One run of the reconciler; `config_changes` replace fields of PaymentsConfig (Settings has no knob for
    give_up_after)."""
    async with api.container() as request:
        if not config_changes:
            return await (await request.get(ReconcilePayments))()
        reconciler = ReconcilePayments(
            await request.get(PaymentRepository), await request.get(AttemptRepository),
            await request.get(RefundRepository), await request.get(Gateways), await request.get(Settlement),
            await request.get(FinishRefund), await request.get(UnitOfWork), await request.get(Clock),
            replace(await request.get(PaymentsConfig), **config_changes))
        return await reconciler()


async def eventually(check: Callable[[], Any], within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while True:
        result = check()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


def hear_outcomes(api: Api) -> None:
    api.jobs.handlers[PAYMENT_SETTLED] = job_handler(api.container, DispatchPaymentOutcome)


def charges_at(fakes: FakeProviders) -> list[Any]:
    return [t for t in fakes.mtn.transactions.values() if t.kind == "requesttopay"]


def assert_settled_once(state: Stored, amount: int = 5000, fees: int = 500) -> None:
    assert state.status == PaymentStatus.SUCCEEDED.value
    assert state.ledger_keys() == [f"settle:{state.payment['uuid']}"]
    assert sorted((row["account"], row["amount_minor"]) for row in state.ledger) == [
        ("collected", amount), ("commissions", -fees), ("net_payable", fees - amount)]
    assert [(c["amount_minor"], c["status"]) for c in state.commissions] == [(fees, "CALCULEE")]
    assert [m["key"] for m in state.settled_messages] == [
        f"{PAYMENT_SETTLED}:{state.payment['uuid']}:{PaymentStatus.SUCCEEDED.value}"]


# ---------------------------------------------------------------- time-outs and 5xx at initiate


async def test_a_provider_time_out_at_initiate_leaves_the_payment_pending_until_the_reconciler_settles_it(
        api: Api, fakes: FakeProviders, owner: TicketsForSale) -> None:
    hear_outcomes(api)
    headers = await payer(api)
    mtn = fakes.registry.get(PaymentMethod.MTN) if fakes.registry else None
    assert mtn is not None  # the gateway already holds a token: only the request to pay is slow
    assert await mtn.fetch_charge(ChargeLookup(str(uuid4()), "warm-up", Money(5000, "XOF"), uuid4())) is None
    fakes.mtn.slow(2)  # the gateway waits 1 s per try, 3 tries

    answer = await initiate(api, headers, phone=MTN_OK)
    fakes.mtn.slow(0)

    assert answer["statut"] == "EN_ATTENTE" and answer["payment_url"] is None
    assert "ne répond pas" in answer["message"]
    state = await stored(api, answer["payment_uuid"])
    assert state.status == "EN_ATTENTE" and state.payment["attempts"] == 1
    assert [(a["number"], a["provider_reference"]) for a in state.attempts] == [(1, None)]  # the try is recorded
    assert state.ledger == [] and state.settled_messages == []
    # The three tries carried one X-Reference-Id: the fake holds one charge, whatever it answered.
    posts = [r for r in fakes.mtn.requests if r.path == REQUEST_TO_PAY and r.method == "POST"]
    assert len(posts) == 3
    assert {r.headers["x-reference-id"] for r in posts} == {str(state.attempts[0]["reference"])}
    assert len(charges_at(fakes)) == 1

    report = await reconcile(api)

    assert report.settled == 1
    state = await stored(api, answer["payment_uuid"])
    assert_settled_once(state)
    assert state.attempts[0]["provider_status"] == "SUCCESSFUL"
    assert len(charges_at(fakes)) == 1
    await api.run_jobs()
    assert owner.heard == [("1", UUID(answer["payment_uuid"]), PaymentStatus.SUCCEEDED)]


async def test_two_provider_500s_at_request_to_pay_are_retried_transparently(
        api: Api, fakes: FakeProviders) -> None:
    headers = await payer(api)
    fakes.mtn.fail_next(2, 500, path=REQUEST_TO_PAY)

    answer = await initiate(api, headers, phone=MTN_OK)

    assert answer["statut"] == "EN_COURS"
    assert [r.status for r in fakes.mtn.requests if r.path == REQUEST_TO_PAY] == [500, 500, 202]
    state = await stored(api, answer["payment_uuid"])
    assert state.status == "EN_COURS" and state.payment["attempts"] == 1
    assert state.attempts[0]["provider_reference"] == str(state.attempts[0]["reference"])
    assert len(charges_at(fakes)) == 1
    assert (await verify(api, headers, answer["payment_uuid"]))["status"] == "REUSSI"
    assert_settled_once(await stored(api, answer["payment_uuid"]))


async def test_three_provider_500s_leave_the_try_unsent_until_the_reconciler_gives_it_up(
        api: Api, fakes: FakeProviders, owner: TicketsForSale) -> None:
    hear_outcomes(api)
    headers = await payer(api)
    fakes.mtn.fail_next(3, 500, path=REQUEST_TO_PAY)

    answer = await initiate(api, headers, phone=MTN_OK)

    assert answer["statut"] == "EN_ATTENTE"
    assert [r.status for r in fakes.mtn.requests if r.path == REQUEST_TO_PAY] == [500, 500, 500]
    assert charges_at(fakes) == []  # the provider never took it
    uuid = answer["payment_uuid"]

    # Within give_up_after, a charge the provider does not know stays pending.
    report = await reconcile(api)
    assert (report.checked, report.settled, report.abandoned) == (1, 0, 0)
    state = await stored(api, uuid)
    assert state.status == "EN_ATTENTE" and state.settled_messages == []

    report = await reconcile(api, give_up_after=timedelta(0))

    assert report.abandoned == 1
    state = await stored(api, uuid)
    assert state.status == "ECHEC" and state.payment["failure_reason"] == NEVER_REACHED
    assert state.ledger == [] and state.commissions == []
    assert [m["key"] for m in state.settled_messages] == [f"{PAYMENT_SETTLED}:{uuid}:ECHEC"]
    await api.run_jobs()
    assert owner.heard == [("1", UUID(uuid), PaymentStatus.FAILED)]
    # The payer may try again: a new try, sent this time.
    retried = await api.client.post("/api/payments/retry/", headers=headers, json={"payment_uuid": uuid})
    assert retried.status_code == 200 and retried.json()["statut"] == "EN_COURS", retried.text
    state = await stored(api, uuid)
    assert state.payment["attempts"] == 2 and len(charges_at(fakes)) == 1


async def test_a_503_from_the_provider_at_verify_answers_the_stored_status(
        api: Api, fakes: FakeProviders) -> None:
    headers = await payer(api)
    answer = await initiate(api, headers, phone=MTN_PENDING)
    assert answer["statut"] == "EN_COURS"
    state = await stored(api, answer["payment_uuid"])
    status_path = f"{REQUEST_TO_PAY}/{state.attempts[0]['reference']}"
    fakes.mtn.fail_next(3, 503, path=status_path)

    verified = await verify(api, headers, answer["payment_uuid"])

    assert verified["status"] == "EN_COURS"
    assert [r.status for r in fakes.mtn.requests if r.path == status_path] == [503, 503, 503]
    after = await stored(api, answer["payment_uuid"])
    assert after.status == "EN_COURS" and after.ledger == [] and after.settled_messages == []
    assert after.payment["updated_at"] == state.payment["updated_at"]
    # Once the provider is back and the payer has approved, verify settles it.
    assert fakes.mtn.settle(state.attempts[0]["reference"])
    assert (await verify(api, headers, answer["payment_uuid"]))["status"] == "REUSSI"
    assert_settled_once(await stored(api, answer["payment_uuid"]))


# ---------------------------------------------------------------- a lost callback


async def test_a_lost_callback_is_made_up_for_by_the_reconciler(api: Api, fakes: FakeProviders) -> None:
    fakes.mtn.drop_callbacks()
    headers = await payer(api)
    answer = await initiate(api, headers, phone=MTN_LATE)
    assert answer["statut"] == "EN_COURS"
    reference = (await stored(api, answer["payment_uuid"])).attempts[0]["reference"]

    await eventually(lambda: fakes.mtn.status_of(reference) == "SUCCESSFUL")
    deliveries = fakes.mtn.wait_for_deliveries(1)
    assert [d.error for d in deliveries] == ["dropped"]  # sent by MTN, never arrived
    assert (await stored(api, answer["payment_uuid"])).status == "EN_COURS"

    report = await reconcile(api)

    assert report.settled == 1
    state = await stored(api, answer["payment_uuid"])
    assert_settled_once(state)
    assert state.payment["provider_transaction_id"] == fakes.mtn.transactions[str(reference)] \
        .financial_transaction_id
    assert (await reconcile(api)).checked == 0  # nothing left open


async def test_a_provider_down_for_one_payment_does_not_stop_the_reconciler_settling_the_next(
        api: Api, fakes: FakeProviders) -> None:
    headers = await payer(api)
    stuck = await initiate(api, headers, phone=MTN_PENDING)
    paid = await initiate(api, headers, phone=MTN_OK)
    status_path = f"{REQUEST_TO_PAY}/{(await stored(api, stuck['payment_uuid'])).attempts[0]['reference']}"
    fakes.mtn.fail_next(3, 503, path=status_path)  # every try of the first question

    report = await reconcile(api)

    assert (report.checked, report.unreachable, report.settled) == (2, 1, 1)
    assert (await stored(api, stuck["payment_uuid"])).status == "EN_COURS"
    assert_settled_once(await stored(api, paid["payment_uuid"]))


# ---------------------------------------------------------------- jobs: killed mid-way, delivered twice


class WorkerKilled(Exception):
    pass


async def settled_mtn_payment(api: Api, headers: dict[str, str]) -> str:
    answer = await initiate(api, headers, phone=MTN_OK)
    assert (await verify(api, headers, answer["payment_uuid"]))["status"] == "REUSSI"
    return str(answer["payment_uuid"])


async def test_a_worker_killed_after_the_refund_call_does_not_refund_twice(
        api: Api, fakes: FakeProviders) -> None:
    headers = await payer(api)
    uuid = await settled_mtn_payment(api, headers)
    requested = await api.client.post("/api/payments/refunds/", headers=headers,
                                      json={"payment_uuid": uuid, "raison": "ANNULATION_EVENT"})
    assert requested.status_code == 201, requested.text
    refund_id = requested.json()["id"]
    async with api.container() as request:
        decide = await request.get(DecideRefund)
        await decide(DecideRefundCommand(ADMIN, refund_id=refund_id, approve=True, note="ok"))
    payload = {"refund_id": refund_id}

    # The job calls the operator, then dies before its commit.
    with pytest.raises(WorkerKilled):
        async with api.container() as request:
            execute = await request.get(ExecuteRefund)
            await execute(payload)
            raise WorkerKilled

    state = await stored(api, uuid)
    assert [(r["status"], r["provider_reference"]) for r in state.refunds] == [("APPROUVE", None)]
    refunds_at_fake = [t for t in fakes.mtn.transactions.values() if t.kind == "refund"]
    assert [t.reference for t in refunds_at_fake] == [str(refund_reference(refund_id))]

    # SAQ runs it again: the same reference, so MTN answers 409 and still holds one refund.
    await job_handler(api.container, ExecuteRefund)(payload)

    state = await stored(api, uuid)
    assert [(r["status"], r["provider_reference"]) for r in state.refunds] == [
        ("EN_COURS", str(refund_reference(refund_id)))]
    assert [r.status for r in fakes.mtn.requests if r.path == MTN_REFUND] == [202, 409]
    assert len([t for t in fakes.mtn.transactions.values() if t.kind == "refund"]) == 1
    assert state.status == "REUSSI" and [k for k in state.ledger_keys() if k.startswith("refund:")] == []

    await eventually(lambda: fakes.mtn.status_of(str(refund_reference(refund_id))) == "SUCCESSFUL")
    report = await reconcile(api)

    assert report.refunds_checked == 1
    state = await stored(api, uuid)
    assert [r["status"] for r in state.refunds] == ["REMBOURSE"]
    assert state.status == "REMBOURSE" and state.payment["refunded_minor"] == 4500  # the net: the fee is kept
    assert state.ledger_keys() == [f"refund:{refund_id}", f"settle:{uuid}"]
    assert sorted((r["account"], r["amount_minor"]) for r in state.ledger
                  if r["transaction_key"] == f"refund:{refund_id}") == [("net_payable", 4500), ("refunds", -4500)]
    assert [t.body["amount"] for t in fakes.mtn.transactions.values() if t.kind == "refund"] == ["4500"]
    # A late third delivery of the job changes nothing.
    await job_handler(api.container, ExecuteRefund)(payload)
    assert len([r for r in fakes.mtn.requests if r.path == MTN_REFUND]) == 2
    assert (await stored(api, uuid)).ledger == state.ledger


@pytest.fixture
async def saq_queue(api: Api, database_url: str) -> AsyncIterator[Queue]:
    queue = await api.container.get(Queue)
    yield queue
    engine = make_engine(database_url)
    async with engine.begin() as connection:
        if (await connection.execute(text("SELECT to_regclass('saq_jobs') IS NOT NULL"))).scalar():
            await connection.execute(text("DELETE FROM saq_jobs"))
    await engine.dispose()


async def job_result(queue: Queue, key: str) -> Any:
    job = await queue.job(key)
    return job.result if job is not None and job.status == Status.COMPLETE else None


async def test_the_settled_job_delivered_twice_to_the_worker_tells_the_owner_once(
        api: Api, fakes: FakeProviders, owner: TicketsForSale, saq_queue: Queue, database_url: str,
        queue_url: str, data_dir: Path) -> None:
    headers = await payer(api)
    uuid = await settled_mtn_payment(api, headers)
    [message] = (await stored(api, uuid)).settled_messages
    key, payload = message["key"], message["payload"]
    runtime = Runtime(settings=api.settings, database_url=database_url, queue_url=queue_url)
    worker: Worker[Any] = build_worker(runtime, api.container, relay_interval=None, schedule_crons=False)

    task = await start_worker(worker)
    try:
        await saq_queue.enqueue(PAYMENT_SETTLED, key=key, payload=payload)
        await eventually(lambda: job_result(saq_queue, key), within=10)
        assert await job_result(saq_queue, key) == DONE
        # A relay that died before marking the message dispatched sends it again.
        await finished_a_second_ago(saq_queue, key)
        assert await saq_queue.enqueue(PAYMENT_SETTLED, key=key, payload=payload) is not None
        await eventually(lambda: job_result(saq_queue, key), within=10)
        assert await job_result(saq_queue, key) == SKIPPED
    finally:
        await stop_worker(worker, grace=5)
        await task

    assert owner.heard == [("1", UUID(uuid), PaymentStatus.SUCCEEDED)]
    async with api.container() as request:
        session = await request.get(AsyncSession)
        keys = (await session.execute(select(shared_tables.completed_jobs.c.key))).scalars().all()
    assert keys == [key]


# ---------------------------------------------------------------- signatures


def resigned(delivery: Delivery, header: str, secret: str, scheme: str, age: int) -> Delivery:
    """The same delivery, signed again with `secret` as of `age` seconds ago."""
    kept = {k: v for k, v in delivery.headers.items() if k.lower() != header.lower()}
    signature = sign_timestamped(delivery.body, secret, scheme=scheme, timestamp=int(time.time()) - age)
    return replace(delivery, headers={**kept, header: signature})


async def assert_refused_and_logged(api: Api, caplog: pytest.LogCaptureFixture, delivery: Delivery,
                                    payment_uuid: str) -> None:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="agora.payments"):
        response = await replay(api.client, delivery)
    assert response.status_code == 400, response.text
    assert [r.levelno for r in caplog.records if "callback refused" in r.getMessage()] == [logging.WARNING]
    state = await stored(api, payment_uuid)
    assert state.status == "EN_COURS" and state.ledger == [] and state.settled_messages == []
    assert state.attempts[0]["provider_status"] is None
    assert await count_rows(api, tables.processed_callbacks) == 0


async def test_a_stale_or_forged_stripe_event_is_refused_and_logged(
        api: Api, fakes: FakeProviders, caplog: pytest.LogCaptureFixture) -> None:
    headers = await payer(api)
    answer = await initiate(api, headers, method="CARTE_BANCAIRE", phone=None)
    assert fakes.stripe.complete(answer["payment_url"].rsplit("/", 1)[1]) == "paid"
    [genuine] = fakes.stripe.wait_for_deliveries(1)
    secret = fakes.stripe.webhook_secret

    await assert_refused_and_logged(  # signed right, but 301 s old (the tolerance is 300 s)
        api, caplog, resigned(genuine, "Stripe-Signature", secret, "v1", age=301), answer["payment_uuid"])
    await assert_refused_and_logged(
        api, caplog, resigned(genuine, "Stripe-Signature", "whsec_someone_else", "v1", age=0),
        answer["payment_uuid"])

    assert (await replay(api.client, genuine)).json()["outcome"] == "applied"  # only the signature was wrong
    assert_settled_once(await stored(api, answer["payment_uuid"]))


async def test_a_stale_or_forged_fedapay_event_is_refused_and_logged(
        api: Api, fakes: FakeProviders, caplog: pytest.LogCaptureFixture) -> None:
    headers = await payer(api)
    answer = await initiate(api, headers, method="MOMO_MOOV", phone=MOOV_OK)
    assert answer["statut"] == "EN_COURS"
    [genuine] = fakes.fedapay.wait_for_deliveries(1)
    secret = fakes.fedapay.webhook_secret

    await assert_refused_and_logged(
        api, caplog, resigned(genuine, "X-FEDAPAY-SIGNATURE", secret, "s", age=301), answer["payment_uuid"])
    await assert_refused_and_logged(
        api, caplog, resigned(genuine, "X-FEDAPAY-SIGNATURE", "wh_someone_else", "s", age=0),
        answer["payment_uuid"])

    assert (await replay(api.client, genuine)).json()["outcome"] == "applied"
    assert_settled_once(await stored(api, answer["payment_uuid"]))


async def approved_mtn_refund(api: Api) -> tuple[str, int]:
    """A settled MTN payment and its refund, approved: (payment uuid, refund id)."""
    headers = await payer(api)
    uuid = await settled_mtn_payment(api, headers)
    requested = await api.client.post("/api/payments/refunds/", headers=headers,
                                      json={"payment_uuid": uuid, "raison": "ANNULATION_EVENT"})
    refund_id = int(requested.json()["id"])
    async with api.container() as request:
        await (await request.get(DecideRefund))(DecideRefundCommand(ADMIN, refund_id=refund_id, approve=True))
    return uuid, refund_id


async def test_the_refund_job_holds_no_connection_while_the_operator_answers(
        api: Api, fakes: FakeProviders, saq_queue: Queue, database_url: str, queue_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    uuid, refund_id = await approved_mtn_refund(api)
    engine = await api.container.get(AsyncEngine)
    mtn = (await api.container.get(Gateways)).get(PaymentMethod.MTN)
    assert mtn is not None
    operator, held_while_asking = mtn.refund, []

    async def watched_refund(order: Any) -> Any:
        held_while_asking.append(engine.pool.checkedout())
        return await operator(order)

    monkeypatch.setattr(mtn, "refund", watched_refund)
    runtime = Runtime(settings=api.settings, database_url=database_url, queue_url=queue_url)
    worker: Worker[Any] = build_worker(runtime, api.container, relay_interval=None, schedule_crons=False)
    task = await start_worker(worker)
    try:
        key = f"{EXECUTE_REFUND}:{refund_id}"
        await saq_queue.enqueue(EXECUTE_REFUND, key=key, payload={"refund_id": refund_id})
        await eventually(lambda: job_result(saq_queue, key), within=10)
        assert await job_result(saq_queue, key) == DONE
    finally:
        await stop_worker(worker)
        await asyncio.gather(task, return_exceptions=True)
    assert held_while_asking == [0]
    assert [(r["status"], r["provider_reference"]) for r in (await stored(api, uuid)).refunds] == [
        ("EN_COURS", str(refund_reference(refund_id)))]


async def test_a_refund_job_that_dies_after_the_operator_call_is_not_recorded_done(
        api: Api, fakes: FakeProviders, monkeypatch: pytest.MonkeyPatch) -> None:
    _, refund_id = await approved_mtn_refund(api)
    mtn = (await api.container.get(Gateways)).get(PaymentMethod.MTN)
    assert mtn is not None
    operator = mtn.refund

    async def answered_then_killed(order: Any) -> Any:
        await operator(order)
        raise WorkerKilled

    monkeypatch.setattr(mtn, "refund", answered_then_killed)
    key = f"{EXECUTE_REFUND}:{refund_id}"
    job = type("Job", (), {"key": key, "function": EXECUTE_REFUND})()
    with pytest.raises(WorkerKilled):
        async with api.container() as request:
            await run_once({"job": job, REQUEST_CONTAINER_KEY: request}, ExecuteRefund, {"refund_id": refund_id})
    async with api.container() as request:
        assert not await (await request.get(JobJournal)).is_done(key), "a retry must run it again"
