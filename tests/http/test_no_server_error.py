"""Whatever JSON a client posts to the identity operations of the three faces, anonymous or signed in, the answer
is never a 500 and an error always comes in the face's envelope."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.http.conftest import Api
from tests.http.three_faces import bearers, error_message

EVENT_FIELDS = ["titre", "description", "date_debut", "date_fin", "lieu", "adresse", "categorie", "type_acces",
                "prix", "capacite", "latitude", "longitude"]
# (method, path) -> the fields the operation reads, so that most bodies get past the schema into the use cases.
OPERATIONS = {
    "spotvibe": {
        ("post", "/api/users/login/"): ["email", "password"],
        ("post", "/api/users/register/"): ["username", "email", "password", "password_confirm", "first_name",
                                           "last_name", "telephone"],
        ("put", "/api/users/profile/"): ["first_name", "last_name", "email", "telephone", "bio", "date_naissance",
                                         "notifications_email", "notifications_push"],
        ("post", "/api/events/create/"): EVENT_FIELDS,
        ("put", "/api/events/1/update/"): [*EVENT_FIELDS, "statut"],
        ("post", "/api/events/participate/"): ["event_id", "status"],
        ("post", "/api/events/share/"): ["event_id", "platform", "shared_link"],
        ("post", "/api/admin/bulk-action/"): ["action_type", "object_ids", "reason"],
    },
    "mairie": {
        ("post", "/mairie/api/v1/auth/login/"): ["email", "password", "challenge_token", "otp_code"],
        ("post", "/mairie/api/v1/auth/register/"): ["email", "password", "password_confirm", "first_name",
                                                    "last_name", "role", "phone", "municipality_code"],
        ("put", "/mairie/api/v1/auth/profile/"): ["first_name", "last_name", "phone"],
    },
    "eebc": {
        ("post", "/eebc/api/v1/auth/login/"): ["username", "password", "challenge", "code"],
        ("put", "/eebc/api/v1/profile/"): ["email", "phone", "first_name", "last_name"],
        ("put", "/eebc/api/v1/auth/password/"): ["old_password", "new_password", "confirm_password"],
    },
}

HOSTILE_TEXT = st.sampled_from(["a\u0000@example.com", "\u0000", "\ud800", "x\udc80y", "jean@example.com",
                                "awa@example.com", "Sup3r-secret!", "", "9" * 5000, "é" * 300,
                                "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+01:00", "2031-01-01T10:00:00Z",
                                "Infinity", "PAYANT", "GRATUIT", "approve_events"])
TEXT = HOSTILE_TEXT | st.text(st.characters(exclude_categories=()), max_size=20)
NUMBERS = (st.integers() | st.sampled_from([2**63, -(2**63) - 1, 10**30, 0, -1])
           | st.floats(allow_nan=False, allow_infinity=False))
VALUES = st.recursive(st.none() | st.booleans() | NUMBERS | TEXT,
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                      max_leaves=8)


def bodies(fields: list[str]) -> st.SearchStrategy[Any]:
    """Mostly objects with the operation's own fields (some missing, mostly text); now and then any JSON at all."""
    field_value = st.one_of(HOSTILE_TEXT, HOSTILE_TEXT, VALUES)
    every_field = st.fixed_dictionaries({name: field_value for name in fields})
    some_fields = st.fixed_dictionaries({}, optional={name: field_value for name in fields})
    return st.one_of(every_field, every_field, some_fields, VALUES)


def cases(face: str) -> st.SearchStrategy[tuple[str, str, Any, bool]]:
    return st.sampled_from(sorted(OPERATIONS[face].items())).flatmap(
        lambda item: st.tuples(st.just(item[0][0]), st.just(item[0][1]), bodies(item[1]), st.booleans()))


@pytest.mark.parametrize("face", list(OPERATIONS))
async def test_no_json_body_makes_a_server_error(api: Api, face: str) -> None:
    signed_in = (await bearers(api))[face]
    loop = asyncio.get_running_loop()

    @settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=cases(face))
    def answers_without_a_server_error(case: tuple[str, str, Any, bool]) -> None:
        method, path, body, authenticated = case
        headers = {"Content-Type": "application/json", **(signed_in if authenticated else {})}
        request = api.client.request(method, path, content=json.dumps(body).encode(), headers=headers)
        response = asyncio.run_coroutine_threadsafe(request, loop).result(timeout=60)
        assert response.status_code < 500, (method, path, body, response.text)
        if response.status_code >= 400:
            error_message(response)

    # Hypothesis drives the examples from a thread while this loop serves the requests they make.
    await asyncio.to_thread(answers_without_a_server_error)
