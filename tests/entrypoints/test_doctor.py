"""`agora doctor`: each check against the real thing (PostgreSQL, an HTTP server, an SMTP server, a folder), and
a closed port for what cannot be reached."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from adapters.payments.fedapay import FedapaySettings
from adapters.payments.mtn import MtnSettings
from entrypoints import doctor
from entrypoints.cli import main
from entrypoints.di.payments import settings_from_env
from entrypoints.settings import Settings

SECRET = "doctor-secret-key-0123456789abcdef-0123456789"
MTN = {"MTN_COLLECTION_SUBSCRIPTION_KEY": "sub", "MTN_COLLECTION_API_USER": "user", "MTN_COLLECTION_API_KEY": "key"}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def settings(data_dir: Path, database_url: str) -> Settings:
    return Settings(data_dir=data_dir, database_url=database_url, secret_key=SECRET,
                    public_url=f"http://127.0.0.1:{closed_port()}", public_url_explicit=True)


class Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/health" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def http_server(status: int) -> Iterator[str]:
    handler = type("Handler", (Health,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def healthy_url() -> Iterator[str]:
    yield from http_server(200)


@pytest.fixture
def unhealthy_url() -> Iterator[str]:
    yield from http_server(503)


class Accept:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


@pytest.fixture
def smtp_port() -> Iterator[int]:
    port = closed_port()
    controller = Controller(Accept(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def dev_key_settings(data_dir: Path, public_url: str) -> Settings:
    return Settings.from_env({"AGORA_DATA_DIR": str(data_dir), "AGORA_PUBLIC_URL": public_url})


def test_the_development_key_is_refused_in_production(data_dir: Path) -> None:
    check = doctor.secret_key(dev_key_settings(data_dir, "https://agora.example.org"))
    assert check.status == "FAIL"
    assert "development key" in check.text and "set AGORA_SECRET_KEY" in check.text


def test_the_development_key_does_on_this_machine(data_dir: Path) -> None:
    check = doctor.secret_key(dev_key_settings(data_dir, "http://127.0.0.1:8000"))
    assert check.status == "OK" and "set AGORA_SECRET_KEY in production" in check.text


def test_a_set_key_passes_and_a_short_one_is_warned_about(settings: Settings) -> None:
    assert doctor.secret_key(settings).status == "OK"
    short = doctor.secret_key(dataclasses.replace(settings, secret_key="short"))
    assert short.status == "WARN" and "at least 32" in short.text


def test_a_reachable_migrated_database_passes(settings: Settings) -> None:
    assert [(c.name, c.status) for c in doctor.database(settings)] == [("database", "OK"), ("migrations", "OK")]


def test_an_unreachable_database_fails(settings: Settings) -> None:
    checks = list(doctor.database(dataclasses.replace(
        settings, database_url=f"postgresql://agora@127.0.0.1:{closed_port()}/agora")))
    assert [(c.name, c.status) for c in checks] == [("database", "FAIL")]
    assert "cannot reach DATABASE_URL" in checks[0].text


def test_a_database_behind_the_code_says_to_upgrade(settings: Settings, database_url: str) -> None:
    import asyncpg

    async def fresh_database() -> str:
        connection = await asyncpg.connect(database_url)
        try:
            await connection.execute("DROP DATABASE IF EXISTS doctor_empty")
            await connection.execute("CREATE DATABASE doctor_empty")
        finally:
            await connection.close()
        return urlsplit(database_url)._replace(path="/doctor_empty").geturl()

    empty = dataclasses.replace(settings, database_url=asyncio.run(fresh_database()))
    checks = {c.name: c for c in doctor.database(empty)}
    assert checks["migrations"].status == "FAIL" and "run agora db upgrade" in checks["migrations"].text
    checks = {c.name: c for c in doctor.database(dataclasses.replace(empty, migrate_on_start=True))}
    assert checks["migrations"].status == "OK" and "applies the migrations at start" in checks["migrations"].text


def test_a_public_url_answering_health_passes(settings: Settings, healthy_url: str) -> None:
    check = doctor.public_url(dataclasses.replace(settings, public_url=healthy_url + "/"))
    assert check.status == "OK" and f"GET {healthy_url}/health answers 200" in check.text


def test_a_public_url_nobody_answers_fails(settings: Settings) -> None:
    check = doctor.public_url(settings)
    assert check.status == "FAIL" and "start agora serve, or set AGORA_PUBLIC_URL" in check.text


def test_a_public_url_answering_an_error_fails(settings: Settings, unhealthy_url: str) -> None:
    check = doctor.public_url(dataclasses.replace(settings, public_url=unhealthy_url))
    assert check.status == "FAIL" and "HTTP 503" in check.text


def payment_checks(settings: Settings, env: dict[str, str]) -> dict[str, doctor.Check]:
    return {c.name: c for c in doctor.payment_methods(dataclasses.replace(settings, payment_env=env))}


def test_each_payment_method_is_said_configured_off_or_half_set(settings: Settings) -> None:
    checks = payment_checks(settings, {**MTN, "FEDAPAY_SECRET_KEY": "sk"})
    assert checks["payments MOMO_MTN"].status == "OK"
    moov = checks["payments MOMO_MOOV"]
    assert moov.status == "FAIL" and "FEDAPAY_SECRET_KEY set but not FEDAPAY_WEBHOOK_SECRET" in moov.text
    card = checks["payments CARTE_BANCAIRE"]
    assert card.status == "WARN" and "set STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET to offer it" in card.text
    assert "«Méthode de paiement indisponible : CARTE_BANCAIRE»" in card.text
    assert checks["payments ORANGE_MONEY"].status == "WARN"


@pytest.mark.parametrize(("kind", "prefix"), [(MtnSettings, "MTN"), (FedapaySettings, "FEDAPAY")])
def test_the_variables_named_are_those_the_gateway_needs(kind: type[Any], prefix: str) -> None:
    needed = doctor._required_fields(settings_from_env(kind, prefix, {}))
    assert settings_from_env(kind, prefix, {f"{prefix}_{name.upper()}": "x" for name in needed}).configured
    for left_out in needed:
        env = {f"{prefix}_{name.upper()}": "x" for name in needed if name != left_out}
        assert not settings_from_env(kind, prefix, env).configured


def test_fake_payments_pass_locally_and_are_warned_about_in_production(settings: Settings) -> None:
    fake = dataclasses.replace(settings, payments_mode="fake")
    assert [c.status for c in doctor.payment_methods(fake)] == ["OK"]
    public = dataclasses.replace(fake, public_url="https://agora.example.org")
    assert [c.status for c in doctor.payment_methods(public)] == ["WARN"]


def test_an_smtp_server_answering_ehlo_passes(settings: Settings, smtp_port: int) -> None:
    check = doctor.email(dataclasses.replace(settings, email_backend="smtp", smtp_host="127.0.0.1",
                                             smtp_port=smtp_port))
    assert check.status == "OK" and "answers EHLO" in check.text


def test_an_smtp_server_out_of_reach_fails(settings: Settings) -> None:
    check = doctor.email(dataclasses.replace(settings, email_backend="smtp", smtp_host="127.0.0.1",
                                             smtp_port=closed_port()))
    assert check.status == "FAIL" and "check SMTP_HOST, SMTP_PORT and SMTP_TLS" in check.text


def test_console_email_passes_locally_and_is_warned_about_in_production(settings: Settings) -> None:
    assert doctor.email(dataclasses.replace(settings, public_url="http://127.0.0.1:8000")).status == "OK"
    public = doctor.email(dataclasses.replace(settings, public_url="https://agora.example.org"))
    assert public.status == "WARN" and "AGORA_EMAIL_BACKEND=smtp" in public.text


def test_the_media_folder_must_be_writable(settings: Settings, data_dir: Path) -> None:
    assert doctor.media_dir(settings).status == "OK"
    (data_dir / "a-file").write_text("")
    check = doctor.media_dir(dataclasses.replace(settings, media_dir=data_dir / "a-file" / "media"))
    assert check.status == "FAIL" and "set AGORA_MEDIA_DIR" in check.text


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, data_dir: Path, database_url: str) -> None:
    for name in ("AGORA_PAYMENTS", "AGORA_EMAIL_BACKEND", "AGORA_MEDIA_DIR", "AGORA_MIGRATE_ON_START"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("AGORA_DATA_DIR", str(data_dir))
    monkeypatch.setenv("AGORA_SECRET_KEY", SECRET)
    for name, value in MTN.items():
        monkeypatch.setenv(name, value)


def test_doctor_prints_a_line_per_check_and_fails_when_one_fails(env: None, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AGORA_PUBLIC_URL", f"http://127.0.0.1:{closed_port()}")
    assert main(["doctor"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [
        "OK", "OK", "OK", "FAIL", "OK", "WARN", "WARN", "WARN", "OK", "OK"], lines
    assert lines[3].startswith("FAIL public URL: GET http://127.0.0.1:")


def test_doctor_passes_a_sound_deployment(env: None, monkeypatch: pytest.MonkeyPatch, healthy_url: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AGORA_PUBLIC_URL", healthy_url)
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and "OK   public URL" in out


def test_run_checks_writes_each_line_as_it_goes(settings: Settings) -> None:
    out = io.StringIO()
    assert doctor.run_checks(settings, out) == 1
    assert all(line.split()[0] in {"OK", "WARN", "FAIL"} for line in out.getvalue().splitlines())
