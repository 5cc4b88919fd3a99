"""Each face's error envelope, checked from the path a response answers."""

from __future__ import annotations

import httpx

LOGINS = {"/api/users/login/": "email", "/mairie/api/v1/auth/login/": "email", "/eebc/api/v1/auth/login/": "username"}


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
