"""What each face's OpenAPI document says: its own error envelope, security only where a token is needed, the
profile bodies, the contracts' paths; and its docs UI, served with its assets from the process."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from domain.identity.errors import AccountLocked
from domain.shared.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, TooManyRequests, Unavailable
from entrypoints.http.app import openapi_document
from entrypoints.http.errors import ErrorInfo, FaceErrorPolicy, describe, statuses_of
from entrypoints.http.faces.eebc import errors as eebc_errors
from entrypoints.http.faces.mairie import errors as mairie_errors
from entrypoints.http.faces.spotvibe import errors as spotvibe_errors

PREFIXES = {"spotvibe": "/", "mairie": "/mairie", "eebc": "/eebc"}
ENVELOPES: dict[str, tuple[Callable[[ErrorInfo], Any], type[msgspec.Struct]]] = {
    "spotvibe": (spotvibe_errors.render, spotvibe_errors.SpotVibeError),
    "mairie": (mairie_errors.render, mairie_errors.MairieError),
    "eebc": (eebc_errors.render, eebc_errors.EebcError),
}
# The operations anyone may call, and those where a token is optional (it changes what the call does).
PUBLIC = {
    "spotvibe": {"POST /api/users/register/", "POST /api/users/login/", "POST /api/users/token/refresh/",
                 "POST /api/auth/google/", "POST /api/auth/facebook/", "POST /api/auth/password-reset/",
                 "POST /api/auth/password-reset/confirm/", "GET /api/payments/methods/",
                 "POST /api/payments/webhooks/mtn/", "PUT /api/payments/webhooks/mtn/",
                 "POST /api/payments/webhooks/orange/", "POST /api/payments/webhooks/moov/",
                 "GET /api/events/categories/", "GET /api/events/stats/", "GET /api/events/trending/"},
    "mairie": {f"POST /mairie/api/v1/auth/{path}/" for path in (
        "login", "token/refresh", "email/verify/send", "email/verify/confirm", "password/forgot", "password/reset")}
    | {"GET /mairie/api/v1/events/feeds/{filename}/"},  # the agenda's ICS feeds: the secret URL is the credential
    "eebc": {"POST /eebc/api/v1/auth/login/", "POST /eebc/api/v1/auth/refresh/",
             "GET /eebc/api/v1/worship/feeds/{filename}/"},  # worship's ICS feed: the secret URL is the credential
}
OPTIONAL_TOKEN = {"spotvibe": {"POST /api/auth/2fa/verify/", "GET /api/events/", "GET /api/events/{pk}/",
                               "GET /api/events/{event_id}/participants/"},
                  "mairie": {"POST /mairie/api/v1/auth/register/"}, "eebc": set()}
STATE_CONFLICTS = {"spotvibe": {"DELETE /api/events/{pk}/delete/", "POST /api/events/{event_id}/check-in/"},
                   "eebc": {"POST /eebc/api/v1/events/{event_id}/register/",  # full, cancelled, past, twice
                            "DELETE /eebc/api/v1/staff/events/{event_id}/",  # has registrations
                            "POST /eebc/api/v1/staff/members/{member_id}/account/",
                            "POST /eebc/api/v1/worship/confirm/",  # worship: answers close 48 h before
                            "POST /eebc/api/v1/worship/replacements/{assignment_id}/accept/"}}  # first accept wins
PROFILES = {"spotvibe": ("/api/users/profile/", "photo_profil"), "mairie": ("/mairie/api/v1/auth/profile/", "avatar"),
            "eebc": ("/eebc/api/v1/profile/", "photo")}
CONTRACT = Path(__file__).resolve().parents[2].parent / "shared" / "contract" / "endpoints.tsv"


def document(face: str) -> dict[str, Any]:
    return openapi_document(face, PREFIXES[face])


def operations(face: str) -> dict[str, dict[str, Any]]:
    return {f"{method.upper()} {path}": operation for path, item in document(face)["paths"].items()
            for method, operation in item.items()}


@pytest.mark.parametrize("face", PREFIXES)
def test_every_error_response_shows_the_face_envelope(face: str) -> None:
    envelope = ENVELOPES[face][1].__name__
    for label, operation in operations(face).items():
        errors = {status: response for status, response in operation["responses"].items() if int(status) >= 400}
        for status, response in errors.items():
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": f"#/components/schemas/{envelope}"}, (label, status)


INFOS = [
    ErrorInfo(400, "VALIDATION_ERROR", "Les données fournies sont invalides", {"email": ["Ce champ est requis"]}),
    ErrorInfo(404, "NOT_FOUND", "Ressource non trouvée"),
    ErrorInfo(401, "ACCOUNT_LOCKED", "Compte verrouillé", extra={"locked": True, "remaining_minutes": 15}),
    ErrorInfo(429, "RATE_LIMITED", "Trop de tentatives", extra={"retry_after": 60}),
]


@pytest.mark.parametrize("face", PREFIXES)
@pytest.mark.parametrize("info", INFOS, ids=lambda info: info.code)
def test_what_render_returns_is_the_documented_envelope(face: str, info: ErrorInfo) -> None:
    render, envelope = ENVELOPES[face]
    msgspec.convert(render(info), envelope)  # unknown fields are refused: nothing undocumented gets out


ERRORS: list[DomainError] = [
    Conflict("pris"), InvalidInput("non"), InvalidInput.on_field("email", "invalide"), AccountLocked(15),
    TooManyRequests("trop", retry_after=60), Unavailable("hors service"), Forbidden("non"), NotFound("rien")]


@pytest.mark.parametrize("policy", [spotvibe_errors.POLICY, mairie_errors.POLICY, eebc_errors.POLICY])
def test_a_kind_declared_on_a_route_documents_the_status_its_errors_get(policy: FaceErrorPolicy) -> None:
    for error in ERRORS:
        assert describe(error, policy).status in statuses_of(type(error), policy), error


@pytest.mark.parametrize("face", PREFIXES)
def test_field_errors_have_the_face_status(face: str) -> None:
    """Mairie answers field errors with 422 and conflicts with 409; the others with 400 for both, except a
    change the thing's state forbids (a StateConflict: an event with tickets sold), 409 everywhere."""
    found = operations(face)
    statuses = {status for operation in found.values() for status in operation["responses"]}
    if face == "mairie":
        assert {"409", "422"} <= statuses
    else:
        assert "422" not in statuses
        assert {label for label, operation in found.items() if "409" in operation["responses"]} == STATE_CONFLICTS[face]


@pytest.mark.parametrize("face", PREFIXES)
def test_a_token_is_asked_only_where_one_is_needed(face: str) -> None:
    assert document(face)["security"] == [{"BearerToken": []}]
    found = operations(face)
    assert {label for label, op in found.items() if op.get("security") == []} == PUBLIC[face]
    optional = [{}, {"BearerToken": []}]
    assert {label for label, op in found.items() if op.get("security") == optional} == OPTIONAL_TOKEN[face]
    for label, operation in found.items():
        assert ("401" in operation["responses"]) or label in PUBLIC[face], label


@pytest.mark.parametrize("face", PREFIXES)
def test_the_profile_update_shows_its_json_and_multipart_bodies(face: str) -> None:
    path, photo = PROFILES[face]
    content = document(face)["paths"][path]["put"]["requestBody"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/ProfileBody"}
    form = content["multipart/form-data"]["schema"]["properties"]
    assert form[photo] == {"type": "string", "format": "binary"}
    assert set(form) - {photo} == set(document(face)["components"]["schemas"]["ProfileBody"]["properties"])


@pytest.mark.parametrize("face", PREFIXES)
def test_documented_paths_are_spelled_as_in_the_contract(face: str) -> None:
    if not CONTRACT.exists():
        pytest.skip(f"no contract at {CONTRACT}")
    prefix = PREFIXES[face].rstrip("/")
    contract = {re.sub(r"\{[^}]*\}", "{}", f"{method} {path}") for row in CONTRACT.read_text().splitlines()[1:]
                for name, method, path in [row.split("\t")] if name == face}
    documented = {re.sub(r"\{[^}]*\}", "{}", label.replace(f" {prefix}/", " /")) for label in operations(face)}
    assert all(label.endswith("/") for label in documented)
    slashless = {label.rstrip("/") for label in contract}
    assert {label for label in documented if label.rstrip("/") in slashless} <= contract


def face_client(face: str) -> httpx.AsyncClient:
    app = importlib.import_module(f"entrypoints.http.faces.{face}.app").create_face(PREFIXES[face])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.mark.parametrize("face", PREFIXES)
@pytest.mark.parametrize("page", ["schema", "schema/swagger"])
async def test_the_docs_load_their_assets_from_the_process(face: str, page: str) -> None:
    """No CDN: every script, style sheet and icon of the page is a path of this server, and it is there."""
    base = PREFIXES[face].rstrip("/")
    kinds = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    async with face_client(face) as client:
        html = await client.get(f"{base}/{page}")
        assert html.status_code == 200 and "SwaggerUIBundle" in html.text
        assets = re.findall(r"""(?:src|href)=["']([^"']+)""", html.text)
        assert len(assets) == 4, assets
        for url in assets:
            assert url.startswith(f"{base}/schema/assets/"), url
            asset = await client.get(url)
            assert asset.status_code == 200, url
            assert asset.headers["content-type"].startswith(kinds[Path(url).suffix]), url
