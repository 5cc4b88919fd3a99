"""The development SMS sender: logs, keeps for tests, optionally writes .txt files."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

from application.shared.ports import SmsMessage

log = logging.getLogger("agora.sms")


class ConsoleSmsSender:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.sent: list[SmsMessage] = []

    async def send(self, message: SmsMessage) -> None:
        self.sent.append(message)
        log.info("SMS to %s: %s", message.to, message.text)
        if self.folder is not None:
            await asyncio.to_thread(self._write, message)

    def _write(self, message: SmsMessage) -> None:
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        safe = re.sub(r"[^\w+]", "_", message.to)
        (self.folder / f"{stamp}-{safe}.txt").write_text(f"To: {message.to}\n\n{message.text}\n")
