"""The three faces side by side: their error envelopes, their JSON operations, a signed-in caller of each."""

from __future__ import annotations

import re

import httpx

from entrypoints.http.app import openapi_document
from tests.http.conftest import Api
from tests.http.eebc.conftest import create_user, log_in
from tests.http.mairie.helpers import mayor
from tests.http.spotvibe.helpers import account

PREFIXES = {"spotvibe": "/", "mairie": "/mairie", "eebc": "/eebc"}
LOGINS = {"/api/users/login/": "email", "/mairie/api/v1/auth/login/": "email", "/eebc/api/v1/auth/login/": "username"}
# Operations that read their body themselves: JSON, or a form (multipart, with files where they take some).
READ_BY_HANDLER = [("put", "/api/users/profile/"), ("put", "/mairie/api/v1/auth/profile/"),
                   ("post", "/mairie/api/v1/auth/logout/"), ("put", "/eebc/api/v1/profile/"),
                   ("post", "/api/events/create/"), ("put", "/api/events/1/update/"),
                   ("post", "/mairie/api/v1/publications/"), ("put", "/mairie/api/v1/publications/1/"),
                   ("post", "/mairie/api/v1/messages/conversations/"),
                   ("put", "/mairie/api/v1/messages/conversations/1/"),
                   ("post", "/mairie/api/v1/messages/conversations/1/reply/")]


def json_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation of the three faces that takes a JSON body; path parameters set to 1.
    Operations that take only a file upload (multipart, e.g. a CSV import) are left out."""
    found = []
    for face, prefix in PREFIXES.items():
        for path, operations in openapi_document(face, prefix)["paths"].items():
            found += [(method, re.sub(r"\{[^}]+\}", "1", path)) for method, operation in operations.items()
                      if "requestBody" in operation and takes_json(operation["requestBody"])]
    return found


def takes_json(body: dict[str, object]) -> bool:
    content = body.get("content")
    return not isinstance(content, dict) or any("json" in kind for kind in content)


async def bearers(api: Api) -> dict[str, dict[str, str]]:
    """Authorization headers of a signed-in account on each face."""
    await create_user(api)
    tokens = {"spotvibe": (await account(api))["access"], "mairie": (await mayor(api))["access_token"],
              "eebc": (await log_in(api))["access"]}
    return {face: {"Authorization": f"Bearer {token}"} for face, token in tokens.items()}


def face_of(path: str) -> str:
    return "mairie" if path.startswith("/mairie/") else "eebc" if path.startswith("/eebc/") else "spotvibe"


def error_message(response: httpx.Response, status: int | None = None) -> str:
    """Asserts the face's error envelope (and the status when given); returns its message."""
    if status is not None:
        assert response.status_code == status, response.text
    body = response.json()
    face = face_of(response.request.url.path)
    if face == "mairie":
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
        assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["details"], dict), body
        message = body["error"]["message"]
    elif face == "eebc":
        assert body["success"] is False and body["error"]["code"] == response.status_code, body
        message = body["error"]["message"]
    else:
        message = body["error"]
    assert isinstance(message, str) and message, body
    return message
