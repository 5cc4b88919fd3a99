"""Rules for uploaded images, checked on the bytes rather than on what the client claims."""

from __future__ import annotations

from application.shared.ports import Upload

MAX_IMAGE_BYTES = 5 * 1024 * 1024
SIGNATURES = {
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}


def image_extension(data: bytes) -> str | None:
    for magic, extension in SIGNATURES.items():
        if data.startswith(magic):
            return extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def check_image(upload: Upload) -> str | None:
    """The problem with this upload as an image, or None."""
    if not upload.data:
        return "Fichier vide"
    if len(upload.data) > MAX_IMAGE_BYTES:
        return "Image trop lourde (5 Mo au plus)"
    if image_extension(upload.data) is None:
        return "Format d'image non reconnu (JPEG, PNG, GIF ou WebP)"
    return None
