"""POST /api/v1/auth/register/ (spec 1.1): who may join or found a municipality, and who may add staff."""

from __future__ import annotations

import pytest

from tests.http.conftest import Api
from tests.http.mairie.helpers import (
    account,
    error,
    mayor,
    municipality_in_db,
    register,
    spotvibe_token,
    user_in_db,
)


async def test_first_mayor_founds_the_municipality(api: Api) -> None:
    assert await municipality_in_db(api, "75001") is None

    response = await register(api, "Maire@Paris1.fr", role="mayor", municipality_name="Mairie de Paris 1er")

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "email", "first_name", "last_name", "role", "is_verified", "created_at"}
    assert body["email"] == "maire@paris1.fr"
    assert (body["first_name"], body["last_name"], body["role"]) == ("Jean", "Dupont", "mayor")
    assert body["is_verified"] is False
    assert body["created_at"].endswith("Z")
    town = await municipality_in_db(api, "75001")
    assert town is not None and town.name == "Mairie de Paris 1er"
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.id == body["id"]
    assert stored.municipality_id == town.id and stored.phone == "+33612345678"


async def test_citizen_joins_an_existing_municipality(api: Api) -> None:
    await mayor(api)

    response = await register(api, "citoyen@exemple.fr", role="citizen")

    assert response.status_code == 201, response.text
    assert response.json()["role"] == "citizen"
    town = await municipality_in_db(api, "75001")
    citizen = await user_in_db(api, "citoyen@exemple.fr")
    assert town is not None and citizen is not None and citizen.municipality_id == town.id


async def test_role_defaults_to_citizen(api: Api) -> None:
    await mayor(api)

    response = await register(api, "citoyen@exemple.fr", role=None)  # type: ignore[arg-type]

    assert response.status_code == 201, response.text
    assert response.json()["role"] == "citizen"


async def test_citizen_with_an_unknown_municipality_code_is_refused(api: Api) -> None:
    response = await register(api, "citoyen@exemple.fr", role="citizen", code="13055")

    details = error(response, 422, "VALIDATION_ERROR")["details"]
    assert "municipality_code" in details
    assert await user_in_db(api, "citoyen@exemple.fr") is None
    assert await municipality_in_db(api, "13055") is None


async def test_duplicate_email_is_a_conflict(api: Api) -> None:
    await mayor(api, "maire@paris1.fr")

    response = await register(api, "MAIRE@paris1.fr", role="citizen", first_name="Autre")

    details = error(response, 409, "CONFLICT")["details"]
    assert "email" in details
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.first_name == "Jean" and stored.role == "mayor"


async def test_every_bad_field_is_reported_and_nothing_is_written(api: Api) -> None:
    response = await register(api, "pas-un-email", role="emperor", code="ABC", phone="12",
                              password="1234", password_confirm="5678")

    inner = error(response, 422, "VALIDATION_ERROR")
    assert inner["message"] == "Les données fournies sont invalides"
    assert {"email", "password", "password_confirm", "role", "phone", "municipality_code"} <= set(inner["details"])
    assert any("8 caractères" in m for m in inner["details"]["password"])
    assert await user_in_db(api, "pas-un-email") is None
    assert await municipality_in_db(api, "ABC") is None


async def test_missing_required_field(api: Api) -> None:
    response = await api.client.post("/mairie/api/v1/auth/register/", json={"password": "Sup3r-secret!"})

    assert error(response, 422, "VALIDATION_ERROR")["details"] == {"email": ["Ce champ est requis"]}


async def test_malformed_json_is_a_bad_request(api: Api) -> None:
    response = await api.client.post("/mairie/api/v1/auth/register/", content=b"{nope",
                                     headers={"content-type": "application/json"})

    error(response, 400, "BAD_REQUEST")


@pytest.mark.parametrize("role", ["mayor", "admin", "moderator"])
async def test_mayor_and_admin_create_staff_of_their_municipality(api: Api, role: str) -> None:
    boss = await mayor(api)

    response = await register(api, "staff@paris1.fr", role=role, token=boss["access_token"])

    assert response.status_code == 201, response.text
    assert response.json()["role"] == role
    staff = await user_in_db(api, "staff@paris1.fr")
    assert staff is not None and staff.role == role and staff.municipality_id == boss["user"]["municipality"]["id"]


async def test_admin_may_create_staff_too(api: Api) -> None:
    boss = await mayor(api)
    admin = await account(api, "admin@paris1.fr", role="admin", token=boss["access_token"])

    response = await register(api, "modo@paris1.fr", role="moderator", token=admin["access_token"])

    assert response.status_code == 201, response.text


@pytest.mark.parametrize("role", ["mayor", "admin", "moderator"])
async def test_anonymous_cannot_add_staff_to_an_existing_municipality(api: Api, role: str) -> None:
    await mayor(api)

    response = await register(api, "intrus@exemple.fr", role=role)

    assert "role" in error(response, 403, "FORBIDDEN")["details"]
    assert await user_in_db(api, "intrus@exemple.fr") is None


async def test_citizen_cannot_create_staff(api: Api) -> None:
    await mayor(api)
    citizen = await account(api, "citoyen@exemple.fr")

    response = await register(api, "modo@paris1.fr", role="moderator", token=citizen["access_token"])

    error(response, 403, "FORBIDDEN")
    assert await user_in_db(api, "modo@paris1.fr") is None


async def test_moderator_cannot_create_staff(api: Api) -> None:
    boss = await mayor(api)
    moderator = await account(api, "modo@paris1.fr", role="moderator", token=boss["access_token"])

    response = await register(api, "admin@paris1.fr", role="admin", token=moderator["access_token"])

    error(response, 403, "FORBIDDEN")
    assert await user_in_db(api, "admin@paris1.fr") is None


async def test_mayor_of_another_municipality_cannot_create_staff(api: Api) -> None:
    await mayor(api, "maire@paris1.fr", code="75001")
    lyon = await mayor(api, "maire@lyon1.fr", code="69001")

    response = await register(api, "modo@paris1.fr", role="moderator", code="75001", token=lyon["access_token"])

    error(response, 403, "FORBIDDEN")
    assert await user_in_db(api, "modo@paris1.fr") is None


async def test_token_of_another_realm_is_refused(api: Api) -> None:
    await mayor(api)
    token = await spotvibe_token(api)

    response = await register(api, "modo@paris1.fr", role="moderator", token=token)

    error(response, 401, "UNAUTHORIZED")
    assert await user_in_db(api, "modo@paris1.fr") is None


async def test_garbage_token_is_refused_even_for_a_citizen(api: Api) -> None:
    await mayor(api)

    response = await register(api, "citoyen@exemple.fr", token="not-a-jwt")

    error(response, 401, "UNAUTHORIZED")
    assert await user_in_db(api, "citoyen@exemple.fr") is None


async def test_same_email_may_exist_in_another_realm(api: Api) -> None:
    await spotvibe_token(api)  # awa@example.com on SpotVibe

    response = await register(api, "awa@example.com", role="mayor")

    assert response.status_code == 201, response.text
