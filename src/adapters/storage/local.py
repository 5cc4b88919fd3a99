"""Files on the local disk: public ones under `root`, served under a public prefix (/media); private ones
under `private_root`, which must lie outside `root` so that the static files router never reaches them."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from adapters.storage.base import StorageBase, extension_from
from application.shared.media import MediaRules

__all__ = ["LocalFileStorage", "extension_from"]

log = logging.getLogger("agora.storage")


class LocalFileStorage(StorageBase):
    def __init__(self, root: Path, public_prefix: str = "/media", *, private_root: Path | None = None,
                 rules: MediaRules | None = None) -> None:
        super().__init__(rules)
        self.root = root.resolve()
        self.public_base = public_prefix.rstrip("/")
        self.private_root = (private_root or self.root.parent / f"{self.root.name}-private").resolve()
        if self.private_root == self.root or self.root in self.private_root.parents:
            raise ValueError(f"Private files ({self.private_root}) must not lie inside the served {self.root}")

    async def _put_public(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(write_new, self.root / key, data)

    async def _delete_public(self, key: str) -> None:
        target = (self.root / key).resolve()
        if self.root not in target.parents:
            log.warning("Refused to delete %r: outside %s", key, self.root)
            return
        await asyncio.to_thread(remove_file, target)

    async def _put_private(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(write_new, self.private_root / key, data)

    async def _get_private(self, key: str) -> bytes | None:
        return await asyncio.to_thread(read_file, self.private_root / key)

    async def _delete_private(self, key: str) -> None:
        await asyncio.to_thread(remove_file, self.private_root / key)


def write_new(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as file:
        file.write(data)


def read_file(target: Path) -> bytes | None:
    try:
        return target.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def remove_file(target: Path) -> None:
    if target.is_file():
        target.unlink(missing_ok=True)
