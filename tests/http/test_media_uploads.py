"""Uploads at the wire, on every face: a decompression bomb is a field error (never a 500), a file over
AGORA_MEDIA_MAX_BYTES is a 413 in the face's envelope, and private files are never served under /media/."""

from __future__ import annotations

import io
import random
import struct
import zlib
from typing import Any

import httpx
import pytest
from PIL import Image

from application.shared.ports import FileStorage, Upload
from tests.http.conftest import Api
from tests.http.three_faces import bearers, error_message, face_of

MAX_BYTES = 20_000
PROFILES = {"spotvibe": ("/api/users/profile/", "photo_profil"), "mairie": ("/mairie/api/v1/auth/profile/", "avatar"),
            "eebc": ("/eebc/api/v1/profile/", "photo")}
FIELD_STATUS = {"spotvibe": 400, "mairie": 422, "eebc": 400}


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    return {"media_max_bytes": MAX_BYTES}


def bomb() -> bytes:
    """A PNG header claiming 100,000 x 100,000 pixels over a kilobyte of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(1024))) + chunk(b"IEND", b""))


def noise_png(side: int) -> bytes:
    out = io.BytesIO()
    Image.frombytes("L", (side, side), random.Random(side).randbytes(side * side)).save(out, format="PNG")
    return out.getvalue()


def details(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    found: dict[str, Any] = body["details"] if face_of(response.request.url.path) == "spotvibe" else \
        body["error"]["details"]
    return found


def avatars(api: Api) -> list[str]:
    folder = api.settings.media_root / "avatars"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("face", list(PROFILES))
async def test_a_decompression_bomb_is_a_field_error_and_changes_nothing(api: Api, face: str) -> None:
    headers = (await bearers(api))[face]
    path, field = PROFILES[face]

    response = await api.client.put(path, headers=headers, data={"first_name": "Bombe"},
                                    files={field: ("photo.png", bomb(), "image/png")})

    assert "mégapixels" in error_message(response, FIELD_STATUS[face])
    assert field in details(response), response.text
    assert avatars(api) == []


@pytest.mark.parametrize("face", list(PROFILES))
async def test_a_file_over_the_limit_is_a_413_in_the_faces_envelope(api: Api, face: str) -> None:
    headers = (await bearers(api))[face]
    path, field = PROFILES[face]
    heavy, light = noise_png(200), noise_png(60)
    assert len(heavy) > MAX_BYTES > len(light)

    refused = await api.client.put(path, headers=headers, files={field: ("big.png", heavy, "image/png")})
    taken = await api.client.put(path, headers=headers, files={field: ("small.png", light, "image/png")})

    assert error_message(refused, 413).startswith("Fichier trop lourd")
    assert taken.status_code == 200, taken.text
    assert len(avatars(api)) == 2  # the small one and its thumbnail


async def test_private_files_are_never_served_under_media(api: Api) -> None:
    storage = await api.container.get(FileStorage)
    key = await storage.save_private("tickets/qr", "user-1", b"\x89PNG secret", "image/png")
    assert (api.settings.media_private_root / key).read_bytes() == b"\x89PNG secret"

    for url in (f"/media/{key}", f"/media/../private/{key}", f"/media/%2e%2e/private/{key}",
                f"/media/..%2fprivate/{key}", f"/private/{key}"):
        response = await api.client.get(url)
        assert response.status_code == 404 and b"secret" not in response.content, url


async def test_public_files_are_served_with_their_type_and_no_sniffing(api: Api) -> None:
    storage = await api.container.get(FileStorage)
    path = await storage.save("docs", Upload(filename="page.txt", content_type="text/html",
                                             data=b"<html><script>alert(1)</script></html>"))

    served = await api.client.get(path)

    assert served.status_code == 200 and served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-type"].startswith("text/plain")
