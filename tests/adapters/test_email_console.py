"""The development senders: keep, log and optionally file every message."""

from __future__ import annotations

import logging
from email import message_from_bytes, policy
from email.message import EmailMessage as MimeMessage
from pathlib import Path

import pytest

from adapters.notify.email_console import ConsoleEmailSender
from adapters.notify.sms_console import ConsoleSmsSender
from application.shared.ports import EmailMessage, SmsMessage


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_keeps_every_message_and_finds_the_latest_per_recipient() -> None:
    sender = ConsoleEmailSender()
    first = EmailMessage(to="awa@example.com", subject="Code 1", text="111111")
    other = EmailMessage(to="kofi@example.com", subject="Bienvenue", text="Salut")
    second = EmailMessage(to="awa@example.com", subject="Code 2", text="222222")

    for message in (first, other, second):
        await sender.send(message)

    assert sender.sent == [first, other, second]
    assert sender.latest_to("awa@example.com") is second
    assert sender.latest_to("Awa@Example.com") is second
    assert sender.latest_to("kofi@example.com") is other
    assert sender.latest_to("nobody@example.com") is None


async def test_logs_one_readable_block(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="agora.mail")

    await ConsoleEmailSender().send(EmailMessage(to="awa@example.com", subject="Vérifiez", text="Code : 123456"))

    records = [r for r in caplog.records if r.name == "agora.mail"]
    assert len(records) == 1
    assert records[0].levelno == logging.INFO
    assert records[0].getMessage() == "Email to awa@example.com\nSubject: Vérifiez\n\nCode : 123456"


async def test_writes_a_parseable_eml_file_per_message(tmp_path: Path) -> None:
    sender = ConsoleEmailSender(tmp_path / "mail")
    message = EmailMessage(to="awa@example.com", subject="Réinitialisation", text="Lien : é", html="<p>é</p>")

    await sender.send(message)
    await sender.send(EmailMessage(to="kofi@example.com", subject="Autre", text="x"))

    files = sorted((tmp_path / "mail").iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]
    assert files[0].name.endswith("-awa@example.com.eml")
    assert files[1].name.endswith("-kofi@example.com.eml")
    mime = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert isinstance(mime, MimeMessage)
    assert mime["To"] == "awa@example.com"
    assert mime["Subject"] == "Réinitialisation"
    plain, html = mime.get_body(("plain",)), mime.get_body(("html",))
    assert plain is not None and plain.get_content().rstrip("\n") == "Lien : é"
    assert html is not None and html.get_content().rstrip("\n") == "<p>é</p>"


async def test_recipient_cannot_steer_the_file_out_of_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "mail"

    await ConsoleEmailSender(folder).send(EmailMessage(to="../../x/evil@example.com", subject="s", text="t"))

    files = list(folder.iterdir())
    assert len(files) == 1 and files[0].is_file()
    assert "/" not in files[0].name and "evil@example.com" in files[0].name
    assert names(tmp_path) == ["mail"]


async def test_sms_sender_keeps_logs_and_files_messages(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="agora.sms")
    sender = ConsoleSmsSender(tmp_path / "sms")
    message = SmsMessage(to="+2290197000000", text="Votre code : 654321")

    await sender.send(message)

    assert sender.sent == [message]
    assert sender.latest_to("+2290197000000") is message
    assert sender.latest_to("+2290100000000") is None
    assert any("+2290197000000" in r.getMessage() and "654321" in r.getMessage() for r in caplog.records)
    [file] = list((tmp_path / "sms").iterdir())
    assert file.name.endswith("-+2290197000000.txt")
    assert file.read_text(encoding="utf-8") == "To: +2290197000000\n\nVotre code : 654321\n"
