"""Cross-cutting ports every context may use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from application.shared.media import PrivateFile, StoredImage


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware UTC."""
        ...


class UnitOfWork(Protocol):
    """Owns the transaction of one use case. Repositories share it; commit hands messages to the outbox."""

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


@dataclass(frozen=True)
class OutboxMessage:
    """A job to run after the transaction commits. `topic` names the task, `key` makes it idempotent."""

    topic: str
    payload: dict[str, Any]
    key: str


class Outbox(Protocol):
    def add(self, message: OutboxMessage) -> None:
        """Records the message inside the current transaction."""
        ...


@dataclass(frozen=True)
class PendingMessage:
    id: str
    topic: str
    payload: dict[str, Any]
    key: str


class OutboxStore(Protocol):
    """The relay's view of the outbox: claim undelivered messages, mark them delivered."""

    async def claim_batch(self, limit: int) -> list[PendingMessage]: ...

    async def mark_dispatched(self, ids: list[str], at: datetime) -> None:
        """Marks the messages queued and forgets their payloads (they may hold one-time codes)."""
        ...


class JobJournal(Protocol):
    """The keys of the jobs that ran to completion, so that a job delivered twice runs once."""

    async def claim(self, key: str, topic: str, at: datetime) -> bool:
        """Records `key` in the current transaction; False when it is already recorded (the job is done).
        A second delivery claiming the same key while the first is running waits for its outcome."""
        ...

    async def is_done(self, key: str) -> bool: ...


class JobQueue(Protocol):
    async def enqueue(self, topic: str, payload: dict[str, Any], *, key: str) -> None: ...


@dataclass(frozen=True)
class EmailMessage:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class EmailSender(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


class SmsSender(Protocol):
    async def send(self, message: SmsMessage) -> None: ...


class Throttle(Protocol):
    async def hit(self, key: str, *, limit: int, window_seconds: int) -> None:
        """Counts one hit; raises TooManyRequests once `limit` hits fall inside the window."""
        ...


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


class FileStorage(Protocol):
    """Where uploads and generated files live (docs/media.md). Public files are served to anyone at the path
    returned; private ones only through `open_private`, by a use case that has checked who asks. Every write
    is bounded by the deployment's size limit (`FileTooLarge`, 413); names always come from the server."""

    async def save(self, folder: str, upload: Upload) -> str:
        """Stores the bytes as they are and returns their public path (e.g. /media/avatars/ab12.jpg)."""
        ...

    async def save_image(self, folder: str, upload: Upload) -> StoredImage:
        """Checks the bytes are a JPEG, PNG, GIF or WebP image (`InvalidImage` otherwise), re-encodes it upright
        without its metadata (EXIF, GPS) and stores it with a thumbnail. A GIF keeps its first frame only."""
        ...

    async def delete(self, path: str) -> None:
        """Removes a public file this storage returned (and an image's thumbnail); ignores any other path."""
        ...

    async def save_private(self, folder: str, owner_key: str, data: bytes, content_type: str) -> str:
        """Stores a file that is never served publicly; returns its key (`folder/owner_key/<random>.<ext>`)."""
        ...

    async def open_private(self, key: str) -> PrivateFile | None:
        """The bytes and content type under a key `save_private` returned; None for any other key."""
        ...

    async def delete_private(self, key: str) -> None: ...
