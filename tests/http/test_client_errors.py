"""What a client can send that once made a 500: each is now the client's 4xx, in the face's own envelope."""

from __future__ import annotations

import jwt
import pytest
from advanced_alchemy.exceptions import RepositoryError
from sqlalchemy.exc import DBAPIError

from entrypoints.http.errors import FaceErrorPolicy, describe
from tests.http.conftest import Api
from tests.http.spotvibe.helpers import PNG, error
from tests.http.spotvibe.payment_helpers import ADMIN_REFUNDS, COMMISSIONS, REFUNDS, TRANSACTIONS, buyer
from tests.http.three_faces import LOGINS, READ_BY_HANDLER, bearers, error_message, face_of, json_operations

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


@pytest.mark.parametrize("path", list(LOGINS))
async def test_a_nul_in_a_login_identifier_is_a_bad_request_in_french(api: Api, path: str) -> None:
    response = await api.client.post(path, json={LOGINS[path]: "a\u0000@example.com", "password": "x"})

    assert error_message(response, 400) == "Caractères non autorisés dans la requête"


async def test_a_nul_in_any_text_of_a_body_is_refused_even_where_nothing_stores_it(api: Api) -> None:
    for path, body in [("/api/users/register/", {"username": "awa", "email": "awa@example.com",
                                                 "password": "Sup3r-secret!\u0000"}),
                       ("/mairie/api/v1/auth/login/", {"email": "maire@paris1.fr", "password": "\u0000"}),
                       ("/eebc/api/v1/auth/login/", {"username": "jean", "password": "x", "extra": ["\u0000"]})]:
        assert error_message(await api.client.post(path, json=body), 400) == "Caractères non autorisés dans la requête"
    assert (await api.client.post("/api/users/login/", json={"email": "awa@example.com",
                                                             "password": "Sup3r-secret!"})).status_code == 401


def test_unstorable_text_is_recognised_under_the_repository_s_wrapping() -> None:
    class Refused(Exception):
        sqlstate = "22021"

    try:
        try:
            raise DBAPIError("SELECT", {}, Refused())
        except DBAPIError as error:
            raise RepositoryError("wrapped by advanced-alchemy") from error
    except RepositoryError as wrapped:
        info = describe(wrapped, FaceErrorPolicy())
    assert (info.status, info.message) == (400, "Caractères non autorisés dans la requête")


async def test_invalid_utf8_in_any_json_body_is_a_bad_request(api: Api) -> None:
    headers = await bearers(api)
    for method, path in json_operations():
        response = await api.client.request(method, path, content=b'{"email": "\xff@x.com"}',
                                            headers={**headers[face_of(path)], "Content-Type": "application/json"})
        assert error_message(response, 400) == "Corps de requête JSON invalide", (method, path)


PROFILES = {"spotvibe": "/api/users/profile/", "mairie": "/mairie/api/v1/auth/profile/",
            "eebc": "/eebc/api/v1/profile/"}


@pytest.mark.parametrize("claim", [{"sub": str(BEYOND_INT64)}, {"sub": "abc"}, {"sub": "0"}, {"exp": "abc"},
                                   {"exp": 1e300}, {"exp": BEYOND_INT64 * 1000}])
async def test_a_signed_token_with_an_impossible_subject_or_expiry_is_unauthenticated(
        api: Api, claim: dict[str, object]) -> None:
    for face, headers in (await bearers(api)).items():
        token = headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, options={"verify_signature": False})
        forged = jwt.encode({**claims, **claim}, api.settings.secret_key, algorithm="HS256")

        response = await api.client.get(PROFILES[face], headers={"Authorization": f"Bearer {forged}"})

        error_message(response, 401)


@pytest.mark.parametrize("raw", [b'{"email": ', b'{"email": 1e400}', b'{"email": "\\ud800"}', b"{nope"])
@pytest.mark.parametrize("path", list(LOGINS))
async def test_the_json_decoder_s_english_becomes_the_face_s_french(api: Api, path: str, raw: bytes) -> None:
    response = await api.client.post(path, content=raw, headers={"Content-Type": "application/json"})

    assert error_message(response, 400) == "Corps de requête JSON invalide"


async def test_litestar_s_and_msgspec_s_english_becomes_french(api: Api) -> None:
    root = await buyer(api, "root", admin=True)

    page = await api.client.get(TRANSACTIONS, params={"page": "9" * 5000}, headers=root.headers)
    length = await api.client.post("/api/users/login/", content=b"{}",
                                   headers={"Content-Type": "application/json", "Content-Length": "many"})
    no_boundary = await api.client.put("/api/users/profile/", content=b"--x--",
                                       headers={**root.headers, "Content-Type": "multipart/form-data"})
    bound = await api.client.get(TRANSACTIONS, params={"page_size": 201}, headers=root.headers)

    assert error(page, 400, "page")["details"]["page"] == ["Nombre hors limites"]
    assert error(length, 400)["error"] == "Requête invalide"
    assert error(no_boundary, 400)["error"] == "Formulaire invalide"
    assert error(bound, 400)["details"]["page_size"] == ["Une valeur ≤ 200 est attendue"]


async def test_too_deep_a_json_body_and_a_form_not_in_utf8_are_bad_requests(api: Api) -> None:
    headers = await bearers(api)
    for path in LOGINS:
        deep = await api.client.post(path, content=b"[" * 100_000 + b"]" * 100_000,
                                     headers={"Content-Type": "application/json"})
        assert error_message(deep, 400) == "Corps de requête JSON invalide"
    part = b'--x\r\nContent-Disposition: form-data; name="first_name"\r\n\r\n\xff\r\n--x--\r\n'
    for face, path in PROFILES.items():
        response = await api.client.put(path, content=part, headers={
            **headers[face], "Content-Type": "multipart/form-data; boundary=x"})
        assert error_message(response, 400) == "Formulaire invalide"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
async def test_a_body_that_is_not_json_is_an_unsupported_media_type(api: Api, content_type: str) -> None:
    headers = await bearers(api)
    for method, path in json_operations():
        if (method, path) in READ_BY_HANDLER and content_type.startswith("application/x-www-form"):
            continue  # these take forms too
        response = await api.client.request(method, path, content=b'{"email": "a@b.c", "password": "x"}',
                                            headers={**headers[face_of(path)], "Content-Type": content_type})
        assert error_message(response, 415) == "Type de contenu non pris en charge", (method, path)


async def test_json_types_and_multipart_uploads_are_still_taken(api: Api) -> None:
    headers = await bearers(api)
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = await api.client.put(PROFILES["eebc"], content=b'{"first_name": "Jean"}',
                                        headers={**headers["eebc"], "Content-Type": content_type})
        assert response.status_code == 200, response.text
    photo = await api.client.put(PROFILES["mairie"], data={"first_name": "Jeanne"},
                                 files={"avatar": ("a.png", PNG, "image/png")}, headers=headers["mairie"])
    assert photo.status_code == 200 and photo.json()["first_name"] == "Jeanne", photo.text


async def test_media_errors_use_a_json_envelope(api: Api) -> None:
    (api.settings.media_root / "here.txt").write_text("bonjour")

    missing = await api.client.get("/media/nope.png")
    wrong_method = await api.client.post("/media/here.txt")

    assert (missing.status_code, missing.json()) == (404, {"error": "Ressource non trouvée"})
    assert (wrong_method.status_code, wrong_method.json()) == (405, {"error": "Méthode non autorisée"})
    assert (await api.client.get("/media/here.txt")).text == "bonjour"


async def test_free_text_sent_where_a_code_is_meant_is_refused_not_echoed(api: Api) -> None:
    headers = (await buyer(api, admin=True)).headers
    noise = "x" * 5000
    ledger = await api.client.get("/api/payments/ledger/", params={"devise": noise}, headers=headers)
    assert ledger.status_code == 400 and noise not in ledger.text
    disconnect = await api.client.post(f"/api/auth/social-accounts/{noise}/disconnect/", headers=headers)
    assert disconnect.status_code == 400 and noise not in disconnect.text
