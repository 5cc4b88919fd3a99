"""One payment hit by many deliveries at once, on PostgreSQL through the real app: the same callback 50 times,
the same signed Stripe event 50 times, 20 verifies, and all of them mixed with the reconciler. Whatever the
interleaving, the payment changes state once and the ledger, commissions and outbox hold one settlement. And a
verify waiting on a slow provider holds nothing (no row lock, no connection) that a callback would wait for."""

# ruff: noqa: F811  (the fixtures imported from test_payment_faults are test parameters here)
from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from application.payments.ports import ChargeLookup, ChargeStatus, PaymentGateway
from domain.payments.model import PaymentMethod, PaymentStatus
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


class HeldAnswer:
    """A gateway whose next status answer is held back until the test releases it (3 s at most): the provider
    was asked, and its answer is slow to come back. `asked` is set once the held question reached it."""

    def __init__(self, gateway: PaymentGateway, seen: list[str]) -> None:
        self._gateway = gateway
        self._seen = seen
        self._hold_next = True
        self.asked = asyncio.Event()
        self.release = asyncio.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gateway, name)

    async def fetch_charge(self, lookup: ChargeLookup) -> ChargeStatus | None:
        status = await self._gateway.fetch_charge(lookup)
        if self._hold_next:
            self._hold_next = False
            self.asked.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.release.wait(), timeout=3)
            self._seen.append("held answer given")
        return status


async def test_a_verify_waiting_on_a_slow_provider_does_not_hold_up_a_callback_for_the_same_payment(
        api: Api, fakes: FakeProviders, owner: TicketsForSale, monkeypatch: pytest.MonkeyPatch) -> None:
    hear_outcomes(api)
    headers = await payer(api)
    answer = await initiate(api, headers, phone=MTN_OK)
    [delivery] = fakes.mtn.wait_for_deliveries(1)
    uuid = answer["payment_uuid"]
    assert fakes.registry is not None
    mtn, real_get, seen = fakes.registry.get(PaymentMethod.MTN), fakes.registry.get, []
    assert mtn is not None
    held = HeldAnswer(mtn, seen)
    monkeypatch.setattr(fakes.registry, "get", lambda method: held if method is PaymentMethod.MTN else real_get(method))
    engine = await api.container.get(AsyncEngine)

    verifying = asyncio.create_task(api.client.post(VERIFY, headers=headers, json={"payment_uuid": uuid}))
    await asyncio.wait_for(held.asked.wait(), timeout=5)
    assert engine.pool.checkedout() == 0  # the verify waits on MTN holding no connection (nor transaction)

    called_back = await replay(api.client, delivery)  # MTN is asked again (not held) and the payment settled
    seen.append("callback answered")

    assert called_back.status_code == 200 and called_back.json()["outcome"] == "applied", called_back.text
    assert not verifying.done() and not held.release.is_set()
    assert (await stored(api, uuid)).status == PaymentStatus.SUCCEEDED.value
    held.release.set()
    verified = await verifying
    assert seen == ["callback answered", "held answer given"]
    assert verified.status_code == 200 and verified.json()["status"] == "REUSSI", verified.text
    state = await stored(api, uuid)
    assert_settled_once(state)  # MTN's answer to the verify came after the callback: applied no second time
    assert [a["provider_status"] for a in state.attempts] == ["SUCCESSFUL"]
    await api.run_jobs()
    assert owner.heard == [("1", UUID(uuid), PaymentStatus.SUCCEEDED)]
