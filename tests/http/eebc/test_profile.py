"""GET and PUT /profile/ on the EEBC face."""

from __future__ import annotations

from typing import Any

from domain.identity.model import User
from tests.http.conftest import Api
from tests.http.eebc.conftest import PROFILE, assert_error, bearer, create_user, log_in, spotvibe_tokens

# The smallest valid PNG (1x1, transparent).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


async def _me(api: Api, access: str) -> dict[str, Any]:
    response = await api.client.get(PROFILE, headers=bearer(access))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_get_profile_returns_the_spec_body(api: Api, member: User) -> None:
    tokens = await log_in(api)
    response = await api.client.get(PROFILE, headers=bearer(tokens["access"]))
    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "data": {
        "id": member.id, "username": "jean.dupont", "email": "jean@example.com", "first_name": "Jean",
        "last_name": "Dupont", "role": "membre", "phone": "+594694123456", "photo": None, "member": None,
    }}


async def test_profile_needs_an_eebc_bearer(api: Api, member: User) -> None:
    assert_error(await api.client.get(PROFILE), 401)
    assert_error(await api.client.get(PROFILE, headers={"Authorization": "Token abc"}), 401)
    assert_error(await api.client.get(PROFILE, headers=bearer("pas-un-jwt")), 401)
    spotvibe = await spotvibe_tokens(api)
    assert_error(await api.client.get(PROFILE, headers=bearer(spotvibe["access"])), 401)
    assert_error(await api.client.put(PROFILE, json={"first_name": "Pirate"}), 401)
    assert_error(await api.client.put(PROFILE, json={"first_name": "Pirate"}, headers=bearer(spotvibe["access"])),
                 401)
    assert (await _me(api, (await log_in(api))["access"]))["first_name"] == "Jean"


async def test_update_profile_with_json(api: Api, member: User) -> None:
    tokens = await log_in(api)
    response = await api.client.put(PROFILE, headers=bearer(tokens["access"]), json={
        "email": "Jean.Nouveau@Example.com", "phone": "+594 694 99 99 99", "first_name": "Jean-Luc",
        "last_name": "Dupont-Marie"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    assert body["data"] == {
        "id": member.id, "username": "jean.dupont", "email": "jean.nouveau@example.com", "first_name": "Jean-Luc",
        "last_name": "Dupont-Marie", "role": "membre", "phone": "+594694999999", "photo": None, "member": None,
    }
    assert await _me(api, tokens["access"]) == body["data"]
    assert (await log_in(api, "jean.nouveau@example.com"))["user"]["id"] == member.id


async def test_update_profile_touches_only_the_fields_sent(api: Api, member: User) -> None:
    tokens = await log_in(api)
    response = await api.client.put(PROFILE, headers=bearer(tokens["access"]), json={"last_name": "Durand"})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["last_name"] == "Durand"
    assert (data["first_name"], data["email"], data["phone"]) == ("Jean", "jean@example.com", "+594694123456")


async def test_local_guiana_number_is_stored_in_e164(api: Api, member: User) -> None:
    tokens = await log_in(api)
    response = await api.client.put(PROFILE, headers=bearer(tokens["access"]), json={"phone": "0694 11 22 33"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["phone"] == "+594694112233"


async def test_update_profile_bad_input_changes_nothing(api: Api, member: User) -> None:
    await create_user(api, "marie.clair", "marie@example.com")
    tokens = await log_in(api)
    auth = bearer(tokens["access"])
    before = await _me(api, tokens["access"])
    cases = [
        ({"first_name": "Jacques", "phone": "12345"}, "phone"),
        ({"first_name": "Jacques", "email": "pas-un-email"}, "email"),
        ({"first_name": "Jacques", "email": "marie@example.com"}, "email"),
        ({"first_name": "Jacques", "last_name": "x" * 151}, "last_name"),
        ({"first_name": 5}, "first_name"),
    ]
    for payload, field in cases:
        assert_error(await api.client.put(PROFILE, headers=auth, json=payload), 400, field)
    assert_error(await api.client.put(PROFILE, headers=auth, json=["first_name"]), 400)
    assert await _me(api, tokens["access"]) == before


async def test_update_profile_with_a_photo(api: Api, member: User) -> None:
    tokens = await log_in(api)
    response = await api.client.put(PROFILE, headers=bearer(tokens["access"]), data={"first_name": "Jeannot"},
                                    files={"photo": ("moi.png", PNG, "image/png")})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["first_name"] == "Jeannot"
    assert data["photo"].startswith("/media/avatars/") and data["photo"].endswith(".png")
    assert (await _me(api, tokens["access"]))["photo"] == data["photo"]
    served = await api.client.get(data["photo"])
    assert served.status_code == 200 and served.content.startswith(b"\x89PNG\r\n\x1a\n")  # re-encoded
    assert (await log_in(api))["user"]["photo"] == data["photo"]


async def test_a_file_that_is_not_an_image_is_refused(api: Api, member: User) -> None:
    tokens = await log_in(api)
    response = await api.client.put(PROFILE, headers=bearer(tokens["access"]), data={"first_name": "Jeannot"},
                                    files={"photo": ("moi.png", b"#!/bin/sh\necho hi\n", "image/png")})
    assert_error(response, 400, "photo")
    me = await _me(api, tokens["access"])
    assert (me["photo"], me["first_name"]) == (None, "Jean")
