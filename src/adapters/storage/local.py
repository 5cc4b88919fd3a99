"""Files on the local disk, served under a public prefix (/media)."""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from pathlib import Path

from application.shared.ports import Upload
from application.shared.uploads import image_extension

log = logging.getLogger("agora.storage")
FOLDER_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
# Served inline from our own origin, these would run script: never keep them as given.
ACTIVE_EXTENSIONS = frozenset({"htm", "html", "xhtml", "xht", "shtml", "svg", "svgz", "xml", "xsl", "js", "mjs"})


class LocalFileStorage:
    def __init__(self, root: Path, public_prefix: str = "/media") -> None:
        self.root = root.resolve()
        self.prefix = public_prefix.rstrip("/")

    async def save(self, folder: str, upload: Upload) -> str:
        """Writes under root/folder/<uuid>.<ext>; the client's file name never reaches the path."""
        segments = folder.strip("/").split("/")
        if not all(FOLDER_SEGMENT.fullmatch(segment) for segment in segments):
            raise ValueError(f"Invalid storage folder: {folder!r}")
        folder = "/".join(segments)
        name = f"{uuid.uuid4().hex}.{image_extension(upload.data) or extension_from(upload.filename)}"
        await asyncio.to_thread(write_new, self.root / folder / name, upload.data)
        return f"{self.prefix}/{folder}/{name}"

    async def delete(self, path: str) -> None:
        """Removes a file this storage returned; other paths (external URLs, escapes from root) are left alone."""
        if not path.startswith(self.prefix + "/"):
            return
        target = (self.root / path.removeprefix(self.prefix + "/")).resolve()
        if self.root not in target.parents:
            log.warning("Refused to delete %r: outside %s", path, self.root)
            return
        await asyncio.to_thread(remove_file, target)


def extension_from(filename: str) -> str:
    _, dot, suffix = filename.rpartition(".")
    suffix = suffix.lower()
    if dot and re.fullmatch(r"[a-z0-9]{1,10}", suffix) and suffix not in ACTIVE_EXTENSIONS:
        return suffix
    return "bin"


def write_new(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as file:
        file.write(data)


def remove_file(target: Path) -> None:
    if target.is_file():
        target.unlink(missing_ok=True)
