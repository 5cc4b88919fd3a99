"""What every FileStorage adapter shares: names chosen by the server, the size limit, image re-encoding off
the event loop, the key formats. An adapter only puts, gets and removes bytes under a key."""

from __future__ import annotations

import asyncio
import re
import uuid
from abc import ABC, abstractmethod

from adapters.storage.images import THUMBNAIL_EXTENSION, prepare_image
from application.shared.media import (
    OCTET_STREAM,
    MediaRules,
    PrivateFile,
    StoredImage,
    private_content_type,
    private_extension,
)
from application.shared.ports import Upload
from application.shared.uploads import CONTENT_TYPES, image_extension

SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
# Every key this storage makes: plain folder names, then a random hex name (".thumb" for a thumbnail).
PUBLIC_KEY = re.compile(r"(?:[A-Za-z0-9_-]+/)+(?P<stem>[0-9a-f]{32})(?P<thumb>\.thumb)?\.[a-z0-9]{1,10}")
PRIVATE_KEY = re.compile(r"(?:[A-Za-z0-9_-]+/){2,}[0-9a-f]{32}\.[a-z0-9]{1,10}")
# Served inline from our own origin, these would run script: never keep them as given.
ACTIVE_EXTENSIONS = frozenset({"htm", "html", "xhtml", "xht", "shtml", "svg", "svgz", "xml", "xsl", "js", "mjs"})
IMAGE_WORK_AT_ONCE = 2  # per process: a decoded 40-megapixel image holds ~160 MB


class StorageBase(ABC):
    public_base: str  # a public key K is served at f"{public_base}/{K}"

    def __init__(self, rules: MediaRules | None = None) -> None:
        self.rules = rules or MediaRules()
        self._image_slots = asyncio.Semaphore(IMAGE_WORK_AT_ONCE)

    @abstractmethod
    async def _put_public(self, key: str, data: bytes, content_type: str) -> None: ...

    @abstractmethod
    async def _delete_public(self, key: str) -> None: ...

    @abstractmethod
    async def _put_private(self, key: str, data: bytes, content_type: str) -> None: ...

    @abstractmethod
    async def _get_private(self, key: str) -> bytes | None: ...

    @abstractmethod
    async def _delete_private(self, key: str) -> None: ...

    async def save(self, folder: str, upload: Upload) -> str:
        self.rules.check_size(upload.data)
        extension = image_extension(upload.data) or extension_from(upload.filename)
        key = f"{clean_folder(folder)}/{uuid.uuid4().hex}.{extension}"
        await self._put_public(key, upload.data, CONTENT_TYPES.get(extension, OCTET_STREAM))
        return self.public_path(key)

    async def save_image(self, folder: str, upload: Upload) -> StoredImage:
        self.rules.check_size(upload.data)
        folder = clean_folder(folder)
        async with self._image_slots:
            image = await asyncio.to_thread(prepare_image, upload.data, self.rules)
        stem = f"{folder}/{uuid.uuid4().hex}"
        key, thumbnail_key = f"{stem}.{image.extension}", f"{stem}.thumb.{THUMBNAIL_EXTENSION}"
        await self._put_public(key, image.data, image.content_type)
        await self._put_public(thumbnail_key, image.thumbnail, CONTENT_TYPES[THUMBNAIL_EXTENSION])
        return StoredImage(path=self.public_path(key), thumbnail_path=self.public_path(thumbnail_key),
                           width=image.width, height=image.height, content_type=image.content_type)

    async def delete(self, path: str) -> None:
        key = self.public_key(path)
        if key is None:
            return
        await self._delete_public(key)
        match = PUBLIC_KEY.fullmatch(key)
        if match is not None and not match["thumb"]:
            await self._delete_public(f"{key.rsplit('/', 1)[0]}/{match['stem']}.thumb.{THUMBNAIL_EXTENSION}")

    async def save_private(self, folder: str, owner_key: str, data: bytes, content_type: str) -> str:
        self.rules.check_size(data)
        if not SEGMENT.fullmatch(owner_key):
            raise ValueError(f"Invalid owner key: {owner_key!r}")
        extension = private_extension(content_type)
        key = f"{clean_folder(folder)}/{owner_key}/{uuid.uuid4().hex}.{extension}"
        await self._put_private(key, data, private_content_type(extension))
        return key

    async def open_private(self, key: str) -> PrivateFile | None:
        if not PRIVATE_KEY.fullmatch(key):
            return None
        data = await self._get_private(key)
        if data is None:
            return None
        return PrivateFile(data, private_content_type(key.rsplit(".", 1)[1]))

    async def delete_private(self, key: str) -> None:
        if PRIVATE_KEY.fullmatch(key):
            await self._delete_private(key)

    def public_path(self, key: str) -> str:
        return f"{self.public_base}/{key}"

    def public_key(self, path: str) -> str | None:
        """The key of a public path this storage returned; None for anything else (external URLs, escapes)."""
        key = path.removeprefix(self.public_base + "/")
        if key == path or not PUBLIC_KEY.fullmatch(key):
            return None
        return key


def clean_folder(folder: str) -> str:
    segments = folder.strip("/").split("/")
    if not all(SEGMENT.fullmatch(segment) for segment in segments):
        raise ValueError(f"Invalid storage folder: {folder!r}")
    return "/".join(segments)


def extension_from(filename: str) -> str:
    _, dot, suffix = filename.rpartition(".")
    suffix = suffix.lower()
    if dot and re.fullmatch(r"[a-z0-9]{1,10}", suffix) and suffix not in ACTIVE_EXTENSIONS:
        return suffix
    return "bin"
