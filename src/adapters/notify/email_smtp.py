"""Email over SMTP (aiosmtplib)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage as MimeMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from application.shared.ports import EmailMessage


class EmailDeliveryError(Exception):
    """The SMTP server refused or could not be reached; the job queue retries."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    from_address: str
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool | None = None
    timeout: float = 10.0


class SmtpEmailSender:
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    def build(self, message: EmailMessage) -> MimeMessage:
        mime = MimeMessage()
        mime["From"] = self._settings.from_address
        mime["To"] = message.to
        mime["Subject"] = message.subject
        mime["Date"] = formatdate(localtime=False, usegmt=True)
        mime["Message-ID"] = make_msgid(domain=self._settings.from_address.rsplit("@", 1)[-1].strip("> "))
        for name, value in message.headers.items():
            mime[name] = value
        mime.set_content(message.text)
        if message.html:
            mime.add_alternative(message.html, subtype="html")
        return mime

    async def send(self, message: EmailMessage) -> None:
        s = self._settings
        try:
            await aiosmtplib.send(self.build(message), hostname=s.host, port=s.port, username=s.username,
                                  password=s.password, use_tls=s.use_tls, start_tls=s.start_tls, timeout=s.timeout)
        except (aiosmtplib.SMTPException, OSError) as error:
            raise EmailDeliveryError(f"SMTP delivery to {message.to} failed: {error}") from error
