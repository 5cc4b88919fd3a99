"""spike"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from dishka import Provider

from tests.http.conftest import Api
from tests.http.spotvibe.payment_helpers import SETTINGS, Shop, override, register_jobs, reset, start_fakes, deliveries
from tests.payments_support import FakeProviders, TicketsForSale


@pytest.fixture(scope="module")
def fakes() -> Iterator[FakeProviders]:
    yield from start_fakes()


@pytest.fixture
def tickets() -> TicketsForSale:
    return TicketsForSale()


@pytest.fixture
def extra_providers(fakes: FakeProviders, tickets: TicketsForSale) -> list[Provider]:
    reset(fakes)
    return override(fakes.registry, tickets)


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    return dict(SETTINGS)


@pytest.fixture
def shop(api: Api, fakes: FakeProviders, tickets: TicketsForSale) -> Shop:
    register_jobs(api)
    return Shop(api, fakes, tickets)


async def test_spike(shop: Shop) -> None:
    awa = await shop.user()
    r = await shop.initiate(awa)
    print(r.status_code, r.text)
    print(await shop.detail(awa, r.json()["payment_uuid"]))
    started = r.json()
    ref = await shop.attempt_reference(started["payment_uuid"])
    [d] = await deliveries(shop.fakes.mtn, matching=lambda d: ref in d.url)
    print(d)
    a = await shop.replay(d)
    print(a.status_code, a.text)
    print(await shop.api.run_jobs(), shop.tickets.heard)
    print(await shop.detail(awa, r.json()["payment_uuid"]))
    for m in ["MOMO_MOOV", "ORANGE_MONEY", "CARTE_BANCAIRE"]:
        r = await shop.initiate(awa, methode_paiement=m)
        print(m, r.status_code, r.text)
    print(await shop.ledger())
    root = await shop.user("root", admin=True)
    for p in ["/api/payments/stats/", "/api/payments/summary/", "/api/payments/transactions/", "/api/payments/commissions/", "/api/payments/methods/", "/api/payments/"]:
        r = await shop.get(p, root if "summary" not in p and p != "/api/payments/" else awa)
        print(p, r.status_code, r.text)
