"""The development email sender: logs each message, keeps it for tests, and can drop .eml files."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

from adapters.notify.email_smtp import mime_message
from application.shared.ports import EmailMessage

log = logging.getLogger("agora.mail")
FROM_ADDRESS = "Agora <no-reply@localhost>"


class ConsoleEmailSender:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        self.sent.append(message)
        log.info("Email to %s\nSubject: %s\n\n%s", message.to, message.subject, message.text)
        if self.folder is not None:
            await asyncio.to_thread(self._write, self.folder, message, len(self.sent))

    def latest_to(self, address: str) -> EmailMessage | None:
        wanted = address.strip().casefold()
        return next((m for m in reversed(self.sent) if m.to.strip().casefold() == wanted), None)

    @staticmethod
    def _write(folder: Path, message: EmailMessage, number: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{file_stamp()}-{number:05d}-{safe_name(message.to)}.eml"
        (folder / name).write_bytes(bytes(mime_message(message, FROM_ADDRESS)))


def file_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def safe_name(recipient: str) -> str:
    """The recipient reduced to characters harmless in a file name (no separators, no leading dot)."""
    return re.sub(r"[^A-Za-z0-9@+_.-]", "_", recipient).lstrip(".")[:100] or "unknown"
