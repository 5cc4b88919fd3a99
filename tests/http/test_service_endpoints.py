"""What every deployment serves beside the faces: liveness, readiness, one OpenAPI document per face."""

from __future__ import annotations

import pytest

from tests.http.conftest import Api

IDENTITY = {
    "/schema/openapi.json": {
        ("post", "/api/users/register/"), ("post", "/api/users/login/"), ("post", "/api/users/logout/"),
        ("get", "/api/users/profile/"), ("put", "/api/users/profile/"), ("post", "/api/users/change-password/"),
        ("post", "/api/users/token/refresh/"), ("post", "/api/auth/google/"), ("post", "/api/auth/facebook/"),
        ("get", "/api/auth/social-accounts/"), ("post", "/api/auth/social-accounts/{provider}/disconnect/"),
        ("post", "/api/auth/2fa/setup/"), ("post", "/api/auth/2fa/verify/"), ("post", "/api/auth/password-reset/"),
        ("post", "/api/auth/password-reset/confirm/"), ("get", "/api/auth/login-attempts/"),
        ("get", "/api/auth/status/"),
    },
    "/mairie/schema/openapi.json": {
        ("post", "/mairie/api/v1/auth/register/"), ("post", "/mairie/api/v1/auth/login/"),
        ("post", "/mairie/api/v1/auth/token/refresh/"), ("post", "/mairie/api/v1/auth/logout/"),
        ("post", "/mairie/api/v1/auth/email/verify/send/"), ("post", "/mairie/api/v1/auth/email/verify/confirm/"),
        ("post", "/mairie/api/v1/auth/password/forgot/"), ("post", "/mairie/api/v1/auth/password/reset/"),
        ("get", "/mairie/api/v1/auth/profile/"), ("put", "/mairie/api/v1/auth/profile/"),
        ("put", "/mairie/api/v1/settings/password/"), ("post", "/mairie/api/v1/settings/2fa/enable/"),
        ("post", "/mairie/api/v1/settings/2fa/confirm/"),
    },
    "/eebc/schema/openapi.json": {
        ("post", "/eebc/api/v1/auth/login/"), ("post", "/eebc/api/v1/auth/refresh/"),
        ("post", "/eebc/api/v1/auth/logout/"), ("put", "/eebc/api/v1/auth/password/"),
        ("get", "/eebc/api/v1/profile/"), ("put", "/eebc/api/v1/profile/"),
    },
}


@pytest.mark.parametrize("document", sorted(IDENTITY))
async def test_each_face_documents_its_own_identity_endpoints_only(api: Api, document: str) -> None:
    response = await api.client.get(document)
    assert response.status_code == 200
    paths = response.json()["paths"]
    operations = {(method, path) for path, item in paths.items() for method in item}
    assert IDENTITY[document] <= operations
    others = set().union(*(v for k, v in IDENTITY.items() if k != document))
    assert not operations & others


async def test_liveness_and_readiness(api: Api) -> None:
    assert (await api.client.get("/health")).json() == {"status": "ok"}
    ready = await api.client.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "queue": "ok"}


async def test_an_unknown_path_answers_in_the_face_envelope(api: Api) -> None:
    spotvibe = await api.client.get("/api/nothing/here/")
    mairie = await api.client.get("/mairie/api/v1/nothing/")
    eebc = await api.client.get("/eebc/api/v1/nothing/")
    assert (spotvibe.status_code, mairie.status_code, eebc.status_code) == (404, 404, 404)
    assert isinstance(spotvibe.json()["error"], str)
    assert mairie.json()["error"]["code"] == "NOT_FOUND"
    assert eebc.json()["success"] is False and eebc.json()["error"]["code"] == 404


async def test_a_malformed_body_is_a_clear_400_in_french(api: Api) -> None:
    response = await api.client.post("/api/users/login/", content=b"{not json",
                                     headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "Corps de requête JSON invalide"


async def test_the_payment_return_pages_tell_the_payer_to_go_back_to_the_app(api: Api) -> None:
    for outcome in ("return", "cancel"):
        page = await api.client.get(f"/webhooks/payments/{outcome}/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "application" in page.text
