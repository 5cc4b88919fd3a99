from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from dishka import Provider

from tests.http.conftest import Api
from tests.http.spotvibe.helpers import account, bearer
from tests.payments_support import FakeProviders, TicketsForSale, payments_override, replay


@pytest.fixture
async def fakes() -> AsyncIterator[FakeProviders]:
    with FakeProviders() as providers:
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


async def test_probe(api: Api, fakes: FakeProviders) -> None:
    headers = bearer((await account(api))["access"])
    for method, phone in (("MOMO_MTN", "+46733123456"), ("CARTE_BANCAIRE", None), ("MOMO_MOOV", "+22997000001")):
        r = await api.client.post("/api/payments/initiate/", headers=headers, json={
            "type_paiement": "BILLET", "methode_paiement": method, "event_ticket_id": 1, "telephone_paiement": phone})
        print(method, r.status_code, r.text)
    import asyncio
    await asyncio.sleep(0.5)
    for f in fakes.all:
        print(f.name, [(d.url, d.error) for d in f.deliveries])
    d = fakes.mtn.deliveries[0]
    print((await replay(api.client, d)).text)
