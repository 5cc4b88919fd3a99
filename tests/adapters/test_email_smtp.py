"""SMTP delivery against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage as MimeMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from adapters.notify.email_smtp import EmailDeliveryError, SmtpEmailSender, SmtpSettings
from application.shared.ports import EmailMessage

FROM = "Agora <no-reply@agora.test>"


class Recorder:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.refused: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address in self.refused:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Recorder, int]]:
    recorder, port = Recorder(), free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


def sender_for(port: int) -> SmtpEmailSender:
    return SmtpEmailSender(SmtpSettings(host="127.0.0.1", port=port, from_address=FROM, timeout=5.0))


def received(recorder: Recorder) -> MimeMessage:
    assert len(recorder.envelopes) == 1
    wire: bytes = recorder.envelopes[0].content
    parsed = message_from_bytes(wire.replace(b"\r\n", b"\n"), policy=policy.default)
    assert isinstance(parsed, MimeMessage)
    return parsed


async def test_delivers_utf8_text_and_html_alternative(smtp_server: tuple[Recorder, int]) -> None:
    recorder, port = smtp_server
    message = EmailMessage(
        to="awa@example.com",
        subject="Réinitialisation de votre mot de passe",
        text="Bonjour Awa,\nVoici votre code : 123456. À bientôt, l'équipe de la mairie — ça marche !",
        html="<p>Bonjour Awa, <strong>À bientôt</strong> — ça marche !</p>",
        headers={"Reply-To": "mairie@agora.test"},
    )

    await sender_for(port).send(message)

    envelope = recorder.envelopes[0]
    assert envelope.mail_from == "no-reply@agora.test"
    assert envelope.rcpt_tos == ["awa@example.com"]
    mime = received(recorder)
    assert mime["To"] == "awa@example.com"
    assert mime["From"] == FROM
    assert mime["Subject"] == "Réinitialisation de votre mot de passe"
    assert mime["Reply-To"] == "mairie@agora.test"
    assert mime["Date"] is not None and mime["Date"].datetime is not None
    assert mime["Message-ID"].endswith("@agora.test>")
    assert mime.get_content_type() == "multipart/alternative"
    plain, html = mime.get_body(("plain",)), mime.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().rstrip("\n") == message.text
    assert html.get_content().rstrip("\n") == message.html


async def test_text_only_message_is_a_single_plain_part(smtp_server: tuple[Recorder, int]) -> None:
    recorder, port = smtp_server

    await sender_for(port).send(EmailMessage(to="kofi@example.com", subject="Bienvenue", text="Compte créé."))

    mime = received(recorder)
    assert mime.get_content_type() == "text/plain"
    assert mime.get_content().rstrip("\n") == "Compte créé."
    assert mime.get_body(("html",)) is None


async def test_connection_refused_raises_delivery_error() -> None:
    sender = sender_for(free_port())

    with pytest.raises(EmailDeliveryError) as raised:
        await sender.send(EmailMessage(to="awa@example.com", subject="s", text="t"))

    assert "awa@example.com" in str(raised.value)
    assert raised.value.__cause__ is not None


async def test_refused_recipient_raises_delivery_error(smtp_server: tuple[Recorder, int]) -> None:
    recorder, port = smtp_server
    recorder.refused.add("ghost@example.com")

    with pytest.raises(EmailDeliveryError):
        await sender_for(port).send(EmailMessage(to="ghost@example.com", subject="s", text="t"))

    assert recorder.envelopes == []


def test_settings_default_to_plain_smtp_with_automatic_starttls() -> None:
    settings = SmtpSettings(host="smtp.example.com", port=587, from_address=FROM)

    assert (settings.use_tls, settings.start_tls, settings.timeout) == (False, None, 10.0)
    assert (settings.username, settings.password) == (None, None)
