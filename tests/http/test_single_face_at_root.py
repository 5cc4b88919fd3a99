"""AGORA_FACES=mairie=/ serves the Mairie face alone at the root, for an unchanged front-end base URL."""

from __future__ import annotations

from typing import Any

import pytest

from entrypoints.settings import parse_faces
from tests.http.conftest import Api


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    return {"faces": parse_faces("mairie=/")}


async def test_the_mairie_face_answers_at_the_root(api: Api) -> None:
    created = await api.client.post("/api/v1/auth/register/", json={
        "email": "maire@ville.fr", "password": "Sup3r-secret!", "password_confirm": "Sup3r-secret!",
        "first_name": "Jean", "last_name": "Dupont", "role": "mayor", "municipality_code": "75001"})
    assert created.status_code == 201, created.text
    document = (await api.client.get("/schema/openapi.json")).json()
    assert "/api/v1/auth/login/" in document["paths"]
    assert (await api.client.get("/api/users/profile/")).json()["error"]["code"] == "NOT_FOUND"


def test_faces_setting_is_checked() -> None:
    assert parse_faces("spotvibe,eebc=/church") == {"spotvibe": "/", "eebc": "/church"}
    for bad in ("nope", "mairie=/,eebc=/", "mairie=x", ""):
        with pytest.raises(ValueError):
            parse_faces(bad)
