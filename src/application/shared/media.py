"""What the media port promises every context: the rules an upload meets and what storing one gives back.

The storage adapters enforce these rules (the bytes decide the type, never the name or the client's content
type); use cases call the port (`FileStorage` in application/shared/ports.py), usually through `store_image`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from domain.shared.errors import InvalidInput, TooLarge

if TYPE_CHECKING:
    from application.shared.ports import FileStorage, Upload

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class MediaRules:
    """Limits of one deployment (AGORA_MEDIA_MAX_BYTES, AGORA_MEDIA_MAX_PIXELS)."""

    max_bytes: int = 5 * MEGABYTE
    max_pixels: int = 40_000_000  # width x height, read from the header before any pixel is decoded
    thumbnail_px: int = 400  # longest side of the thumbnail

    def check_size(self, data: bytes) -> None:
        if len(data) > self.max_bytes:
            raise FileTooLarge(self.max_bytes)


@dataclass(frozen=True)
class StoredImage:
    """An accepted image, re-encoded without its metadata, and its thumbnail (WebP, `thumbnail_px` at most)."""

    path: str  # public path or URL, as FileStorage.save returns
    thumbnail_path: str
    width: int
    height: int
    content_type: str  # of the image at `path`: image/jpeg, image/png or image/webp


class PrivateFile(NamedTuple):
    data: bytes
    content_type: str


class FileTooLarge(TooLarge):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"Fichier trop lourd ({_megabytes(max_bytes)} au plus)")
        self.max_bytes = max_bytes


class InvalidImage(InvalidInput):
    """Not an image we accept: unknown type, corrupt, or too many pixels."""


NOT_AN_IMAGE = "Format d'image non reconnu (JPEG, PNG, GIF ou WebP)"
CORRUPT_IMAGE = "Image illisible ou endommagée"


def too_many_pixels(max_pixels: int) -> str:
    return f"Image trop grande ({max_pixels // 1_000_000} mégapixels au plus)"


# Content types a private file keeps; any other is stored and read back as application/octet-stream.
PRIVATE_TYPES = {
    "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif",
    "application/pdf": "pdf", "text/plain": "txt", "text/csv": "csv", "application/json": "json",
}
OCTET_STREAM = "application/octet-stream"


def private_extension(content_type: str) -> str:
    return PRIVATE_TYPES.get(content_type.split(";", 1)[0].strip().lower(), "bin")


def private_content_type(extension: str) -> str:
    for content_type, known in PRIVATE_TYPES.items():
        if known == extension:
            return content_type
    return OCTET_STREAM


async def store_image(storage: FileStorage, folder: str, upload: Upload, *, field: str) -> StoredImage:
    """`storage.save_image` with a refused image reported on the command's `field` (400 with field details).
    A file over the size limit stays `FileTooLarge`, which the faces answer with 413."""
    try:
        return await storage.save_image(folder, upload)
    except InvalidImage as refused:
        raise InvalidImage(refused.message, details={field: [refused.message]}) from None


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:g} Mo" if size >= MEGABYTE else f"{size} octets"
