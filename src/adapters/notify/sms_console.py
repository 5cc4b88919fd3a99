"""The development SMS sender: logs each message, keeps it for tests, and can drop .txt files."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from adapters.notify.email_console import file_stamp, safe_name
from application.notifications.channels import SmsOutcome
from application.shared.ports import SmsMessage

log = logging.getLogger("agora.sms")


class ConsoleSmsSender:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.sent: list[SmsMessage] = []

    async def send(self, message: SmsMessage) -> None:
        self.sent.append(message)
        log.info("SMS to %s\n\n%s", message.to, message.text)
        if self.folder is not None:
            await asyncio.to_thread(self._write, self.folder, message, len(self.sent))

    async def deliver(self, message: SmsMessage, *, sender: str | None = None) -> SmsOutcome:
        await self.send(message)
        return SmsOutcome.sent(f"console-{len(self.sent)}")

    def latest_to(self, number: str) -> SmsMessage | None:
        return next((m for m in reversed(self.sent) if m.to == number), None)

    @staticmethod
    def _write(folder: Path, message: SmsMessage, number: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{file_stamp()}-{number:05d}-{safe_name(message.to)}.txt"
        (folder / name).write_text(f"To: {message.to}\n\n{message.text}\n", encoding="utf-8")
