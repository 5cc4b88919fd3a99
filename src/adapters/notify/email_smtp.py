"""Email over SMTP (aiosmtplib)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage as MimeMessage
from email.utils import formatdate, make_msgid, parseaddr

import aiosmtplib

from application.shared.ports import EmailMessage


class EmailDeliveryError(Exception):
    """The SMTP server refused the message or could not be reached; the job queue retries."""


@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool | None = None  # None: upgrade when the server offers STARTTLS
    from_address: str
    timeout: float = 10.0


def mime_message(message: EmailMessage, from_address: str) -> MimeMessage:
    """The RFC 5322 message: text part, optional HTML alternative, extra headers last (they may override)."""
    mime = MimeMessage()
    mime["From"] = from_address
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = formatdate(usegmt=True)
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "localhost"
    mime["Message-ID"] = make_msgid(domain=domain)
    mime.set_content(message.text)
    if message.html is not None:
        mime.add_alternative(message.html, subtype="html")
    for name, value in message.headers.items():
        del mime[name]
        mime[name] = value
    return mime


class SmtpEmailSender:
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    async def send(self, message: EmailMessage) -> None:
        s = self._settings
        try:
            await aiosmtplib.send(
                mime_message(message, s.from_address),
                hostname=s.host,
                port=s.port,
                username=s.username,
                password=s.password,
                use_tls=s.use_tls,
                start_tls=s.start_tls,
                timeout=s.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            raise EmailDeliveryError(f"SMTP delivery to {message.to} failed: {error}") from error
