"""Files on the local disk, served under /media."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

from application.shared.ports import Upload
from application.shared.uploads import image_extension


class LocalFileStorage:
    def __init__(self, root: Path, public_prefix: str = "/media") -> None:
        self.root = root.resolve()
        self.prefix = public_prefix.rstrip("/")

    async def save(self, folder: str, upload: Upload) -> str:
        folder = re.sub(r"[^a-z0-9_-]", "", folder.lower()) or "files"
        extension = image_extension(upload.data) or self._extension_from(upload.filename)
        name = f"{uuid.uuid4().hex}.{extension}"
        target = self.root / folder / name
        await asyncio.to_thread(self._write, target, upload.data)
        return f"{self.prefix}/{folder}/{name}"

    async def delete(self, path: str) -> None:
        if not path.startswith(self.prefix + "/"):
            return
        target = (self.root / path[len(self.prefix) + 1:]).resolve()
        if self.root in target.parents:
            await asyncio.to_thread(target.unlink, True)

    @staticmethod
    def _extension_from(filename: str) -> str:
        suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        return suffix if re.fullmatch(r"[a-z0-9]{1,8}", suffix) else "bin"

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
