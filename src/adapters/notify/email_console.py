"""The development email sender: logs each message, keeps it for tests, and can drop .eml files."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime
from email.message import EmailMessage as MimeMessage
from pathlib import Path

from application.shared.ports import EmailMessage

log = logging.getLogger("agora.mail")


class ConsoleEmailSender:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        self.sent.append(message)
        log.info("email to %s: %s\n%s", message.to, message.subject, message.text)
        if self.folder is not None:
            await asyncio.to_thread(self._write, message)

    def latest_to(self, address: str) -> EmailMessage | None:
        return next((m for m in reversed(self.sent) if m.to == address), None)

    def _write(self, message: EmailMessage) -> None:
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        mime = MimeMessage()
        mime["To"] = message.to
        mime["Subject"] = message.subject
        mime.set_content(message.text)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        safe = re.sub(r"[^\w.@-]", "_", message.to)
        (self.folder / f"{stamp}-{safe}.eml").write_bytes(bytes(mime))
