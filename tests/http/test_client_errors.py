"""What a client can send that once made a 500: each is now the client's 4xx, in the face's own envelope."""

from __future__ import annotations

import pytest

from tests.http.conftest import Api
from tests.http.spotvibe.helpers import error
from tests.http.spotvibe.payment_helpers import ADMIN_REFUNDS, COMMISSIONS, REFUNDS, TRANSACTIONS, buyer

BEYOND_INT64 = 2**63


@pytest.mark.parametrize("action", ["", "approve/", "reject/", "complete/"])
async def test_a_refund_id_beyond_int64_is_not_found(api: Api, action: str) -> None:
    root = await buyer(api, "root", admin=True)
    call = api.client.post if action else api.client.get

    response = await call(f"{REFUNDS}{BEYOND_INT64}/{action}", headers=root.headers)

    error(response, 404)


@pytest.mark.parametrize("path", [TRANSACTIONS, COMMISSIONS, ADMIN_REFUNDS])
async def test_a_page_whose_offset_overflows_is_a_bad_request(api: Api, path: str) -> None:
    root = await buyer(api, "root", admin=True)

    for params in ({"page": BEYOND_INT64 - 1}, {"page": 10**30}, {"page_size": 10**30}, {"page": 0}):
        error(await api.client.get(path, params=params, headers=root.headers), 400, *params)
    assert (await api.client.get(path, params={"page": 2, "page_size": 200}, headers=root.headers)).json() == []
