"""One payment hit by many deliveries at once, on PostgreSQL through the real app: the same callback 50 times,
the same signed Stripe event 50 times, 20 verifies, and all of them mixed with the reconciler. Whatever the
interleaving, the payment changes state once and the ledger, commissions and outbox hold one settlement."""

# ruff: noqa: F811  (the fixtures imported from test_payment_faults are test parameters here)
from __future__ import annotations

import asyncio
from collections import Counter
from uuid import UUID

import httpx

from domain.payments.model import PaymentStatus
from tests.http.conftest import Api
from tests.http.test_payment_faults import (  # noqa: F401  (fixtures: the same fakes, owner and settings)
    MTN_OK,
    VERIFY,
    assert_settled_once,
    extra_providers,
    fakes,
    hear_outcomes,
    initiate,
    owner,
    payer,
    reconcile,
    settings_changes,
    stored,
)
from tests.payments_support import FakeProviders, TicketsForSale, replay


def outcomes_of(responses: list[httpx.Response]) -> Counter[str]:
    assert all(r.status_code == 200 for r in responses), {r.status_code: r.text for r in responses}
    return Counter(r.json()["outcome"] for r in responses)


async def test_fifty_deliveries_of_one_mtn_callback_at_once_settle_the_payment_once(
        api: Api, fakes: FakeProviders, owner: TicketsForSale) -> None:
    hear_outcomes(api)
    headers = await payer(api)
    answer = await initiate(api, headers, phone=MTN_OK)
    assert answer["statut"] == "EN_COURS"
    [delivery] = fakes.mtn.wait_for_deliveries(1)

    responses = await asyncio.gather(*(replay(api.client, delivery) for _ in range(50)))

    assert outcomes_of(responses) == {"applied": 1, "unchanged": 49}
    state = await stored(api, answer["payment_uuid"])
    assert_settled_once(state)
    assert len(state.ledger) == 3 and state.payment["attempts"] == 1
    assert [a["provider_status"] for a in state.attempts] == ["SUCCESSFUL"]
    await api.run_jobs()
    assert owner.heard == [("1", UUID(answer["payment_uuid"]), PaymentStatus.SUCCEEDED)]


async def test_fifty_deliveries_of_one_signed_stripe_event_at_once_settle_the_payment_once(
        api: Api, fakes: FakeProviders, owner: TicketsForSale) -> None:
    hear_outcomes(api)
    headers = await payer(api)
    answer = await initiate(api, headers, method="CARTE_BANCAIRE", phone=None)
    assert fakes.stripe.complete(answer["payment_url"].rsplit("/", 1)[1]) == "paid"
    [delivery] = fakes.stripe.wait_for_deliveries(1)
    session_reads = len([r for r in fakes.stripe.requests if r.method == "GET"])

    responses = await asyncio.gather(*(replay(api.client, delivery) for _ in range(50)))

    outcomes = outcomes_of(responses)
    assert outcomes == {"applied": 1, "duplicate": 49}  # the event id is recorded with the change it made
    state = await stored(api, answer["payment_uuid"])
    assert_settled_once(state)
    # A signed event is believed: Stripe was not asked again.
    assert len([r for r in fakes.stripe.requests if r.method == "GET"]) == session_reads
    await api.run_jobs()
    assert owner.heard == [("1", UUID(answer["payment_uuid"]), PaymentStatus.SUCCEEDED)]


async def test_twenty_verifies_at_once_settle_the_payment_once(api: Api, fakes: FakeProviders) -> None:
    headers = await payer(api)
    answer = await initiate(api, headers, phone=MTN_OK)
    reference = (await stored(api, answer["payment_uuid"])).attempts[0]["reference"]
    assert fakes.mtn.status_of(reference) == "SUCCESSFUL"

    responses = await asyncio.gather(*(
        api.client.post(VERIFY, headers=headers, json={"payment_uuid": answer["payment_uuid"]}) for _ in range(20)))

    assert [r.status_code for r in responses] == [200] * 20
    assert {r.json()["status"] for r in responses} == {"REUSSI"}
    assert_settled_once(await stored(api, answer["payment_uuid"]))


async def test_callbacks_verifies_and_the_reconciler_racing_settle_the_payment_once(
        api: Api, fakes: FakeProviders, owner: TicketsForSale) -> None:
    hear_outcomes(api)
    headers = await payer(api)
    answer = await initiate(api, headers, phone=MTN_OK)
    [delivery] = fakes.mtn.wait_for_deliveries(1)
    uuid = answer["payment_uuid"]

    callbacks = asyncio.gather(*(replay(api.client, delivery) for _ in range(15)))
    verifies = asyncio.gather(*(api.client.post(VERIFY, headers=headers, json={"payment_uuid": uuid})
                                for _ in range(10)))
    runs = asyncio.gather(*(reconcile(api) for _ in range(5)))
    called_back, verified, reports = await asyncio.gather(callbacks, verifies, runs)

    changes = outcomes_of(called_back)["applied"] + sum(report.settled for report in reports)
    assert changes <= 1  # verify does not say whether it changed anything: at most one of the others did
    assert {r.json()["status"] for r in verified} == {"REUSSI"}
    assert_settled_once(await stored(api, uuid))
    await api.run_jobs()
    assert owner.heard == [("1", UUID(uuid), PaymentStatus.SUCCEEDED)]
