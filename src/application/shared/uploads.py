"""Rules for uploaded images, checked on the bytes rather than on what the client claims."""

from __future__ import annotations

from application.shared.media import NOT_AN_IMAGE
from application.shared.ports import Upload

SIGNATURES = {
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}


def image_extension(data: bytes) -> str | None:
    for magic, extension in SIGNATURES.items():
        if data.startswith(magic):
            return extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def check_image(upload: Upload) -> str | None:
    """The problem with this upload as an image, or None. A quick look at the first bytes, to refuse early
    with the other fields' errors; the storage's `save_image` decodes it and enforces the size limit."""
    if not upload.data:
        return "Fichier vide"
    if image_extension(upload.data) is None:
        return NOT_AN_IMAGE
    return None
