"""`agora doctor`: checks a deployment's settings, one line per check (OK, WARN or FAIL) saying what to do.

"Production" here means a public URL other machines reach (not a loopback address): there the development
conveniences (the secret key kept in the data folder, fake payments, console email) are refused or warned about.
"""

from __future__ import annotations

import asyncio
import dataclasses
import smtplib
import ssl
import tempfile
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import urlsplit

import httpx

from adapters.payments.fedapay import FedapayGateway, FedapaySettings
from adapters.payments.mtn import MtnGateway, MtnSettings
from adapters.payments.orange import OrangeGateway, OrangeSettings
from adapters.payments.stripe import StripeGateway, StripeSettings
from entrypoints.di.payments import settings_from_env
from entrypoints.settings import LOOPBACK, Settings

TIMEOUT_SECONDS = 3.0
MIN_SECRET_LENGTH = 32
NEW_KEY = "e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
GATEWAYS: tuple[tuple[str, type[Any], str], ...] = (
    (MtnGateway.method.value, MtnSettings, "MTN"), (OrangeGateway.method.value, OrangeSettings, "ORANGE"),
    (FedapayGateway.method.value, FedapaySettings, "FEDAPAY"), (StripeGateway.method.value, StripeSettings, "STRIPE"))


@dataclass(frozen=True)
class Check:
    status: str  # OK, WARN or FAIL
    name: str
    text: str

    def line(self) -> str:
        return f"{self.status:<4} {self.name}: {self.text}"


def ok(name: str, text: str) -> Check:
    return Check("OK", name, text)


def warn(name: str, text: str) -> Check:
    return Check("WARN", name, text)


def fail(name: str, text: str) -> Check:
    return Check("FAIL", name, text)


def run_checks(settings: Settings, out: TextIO) -> int:
    """Prints every check as it is made; 1 when one FAILs."""
    failed = False
    for check in checks(settings):
        out.write(check.line() + "\n")
        out.flush()
        failed = failed or check.status == "FAIL"
    return 1 if failed else 0


def checks(settings: Settings) -> Iterator[Check]:
    yield secret_key(settings)
    yield from database(settings)
    yield public_url(settings)
    yield from payment_methods(settings)
    yield email(settings)
    yield media_dir(settings)


def in_production(settings: Settings) -> bool:
    return urlsplit(settings.public_url).hostname not in LOOPBACK


def secret_key(settings: Settings) -> Check:
    dev_key = settings.data_dir / "secret_key"
    if dev_key.exists() and dev_key.read_text().strip() == settings.secret_key:
        where = f"the development key kept in {dev_key}"
        if in_production(settings):
            return fail("secret key", f"{where}, with a public URL of {settings.public_url}: set AGORA_SECRET_KEY"
                                      f" ({NEW_KEY})")
        return ok("secret key", f"{where} (fine on this machine; set AGORA_SECRET_KEY in production)")
    if len(settings.secret_key) < MIN_SECRET_LENGTH:
        return warn("secret key", f"AGORA_SECRET_KEY has {len(settings.secret_key)} characters: use at least"
                                  f" {MIN_SECRET_LENGTH} ({NEW_KEY})")
    return ok("secret key", "AGORA_SECRET_KEY is set")


def database(settings: Settings) -> Iterator[Check]:
    """Connects (starting the embedded PostgreSQL without DATABASE_URL) and compares the schema with the code's."""
    from entrypoints.bootstrap import database as open_database
    from entrypoints.bootstrap import migrate_on_start

    where = "DATABASE_URL" if settings.database_url else f"the embedded PostgreSQL in {settings.data_dir / 'pg'}"
    try:
        with open_database(dataclasses.replace(settings, migrate_on_start=False), upgrade=False) as runtime:
            current = asyncio.run(asyncio.wait_for(_schema_revision(runtime.database_url), TIMEOUT_SECONDS))
    except Exception as error:  # whatever stops a connection is the answer, said on one line
        yield fail("database", f"cannot reach {where} ({_first_line(error)}): check it is running and the URL")
        return
    yield ok("database", f"{where} answers")
    head = _code_revision()
    if current != head and migrate_on_start(settings):
        yield ok("migrations", f"the database is at {current or 'no revision'}, the code at {head}: agora serve"
                               " applies the migrations at start")
    elif current != head:
        yield fail("migrations", f"the database is at {current or 'no revision'}, the code at {head}: run"
                                 " agora db upgrade (or set AGORA_MIGRATE_ON_START=1)")
    else:
        yield ok("migrations", f"the database is at the code's revision ({head})")


async def _schema_revision(url: str) -> str | None:
    from sqlalchemy import text
    from sqlalchemy.exc import ProgrammingError

    from adapters.sql.database import make_engine

    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            try:
                revision = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
            except ProgrammingError:  # no alembic_version table: never migrated
                return None
            return None if revision is None else str(revision)
    finally:
        await engine.dispose()


def _code_revision() -> str | None:
    from alembic.script import ScriptDirectory

    from adapters.sql.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("postgresql://unused")).get_current_head()


def public_url(settings: Settings) -> Check:
    url = settings.public_url.rstrip("/") + "/health"
    source = "AGORA_PUBLIC_URL" if settings.public_url_explicit else "AGORA_PUBLIC_URL unset, agora serve's address"
    try:
        answer = httpx.get(url, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        return fail("public URL", f"GET {url} ({source}) failed ({_first_line(error) or type(error).__name__}):"
                                  " start agora serve, or set AGORA_PUBLIC_URL to the address clients reach it at")
    if answer.status_code != 200:
        return fail("public URL", f"GET {url} answered HTTP {answer.status_code}, not 200: is it this service"
                                  " (and its proxy passing /health)?")
    return ok("public URL", f"GET {url} answers 200 ({source}); providers' callbacks go there")


def payment_methods(settings: Settings) -> Iterator[Check]:
    if settings.payments_mode == "fake":
        text = "AGORA_PAYMENTS=fake: the four methods run against local fakes, nobody is charged"
        yield warn("payments", text + ": set AGORA_PAYMENTS=live") if in_production(settings) else ok("payments", text)
        return
    for method, kind, prefix in GATEWAYS:
        configured = settings_from_env(kind, prefix, settings.payment_env)
        if configured.configured:
            yield ok(f"payments {method}", "configured")
            continue
        needed = _required_fields(settings_from_env(kind, prefix, {}))
        missing = [f"{prefix}_{name.upper()}" for name in needed if not getattr(configured, name)]
        given = [f"{prefix}_{name.upper()}" for name in needed if getattr(configured, name)]
        refusal = f"initiate answers «Méthode de paiement indisponible : {method}»"
        if given:
            yield fail(f"payments {method}", f"{', '.join(given)} set but not {', '.join(missing)}: set them"
                                             f" (until then {refusal})")
        else:
            yield warn(f"payments {method}", f"off: {refusal}; set {', '.join(missing)} to offer it")


def _required_fields(settings: Any) -> list[str]:
    """The text fields, empty in `settings`, without which the gateway's own `configured` is false (asked of it,
    not copied from it)."""
    hints = typing.get_type_hints(type(settings))
    empty = [f.name for f in dataclasses.fields(settings) if getattr(settings, f.name) in ("", None)
             and str in (hints[f.name], *typing.get_args(hints[f.name]))]

    def filled(names: list[str]) -> Any:
        return dataclasses.replace(settings, **dict.fromkeys(names, "x"))

    if not filled(empty).configured:
        return empty
    return [name for name in empty if not filled([n for n in empty if n != name]).configured]


def email(settings: Settings) -> Check:
    if settings.email_backend != "smtp":
        text = (f"AGORA_EMAIL_BACKEND={settings.email_backend}: emails are logged and written to"
                f" {settings.mail_dir}, none is sent")
        if in_production(settings):
            return warn("email", text + ": set AGORA_EMAIL_BACKEND=smtp and SMTP_HOST")
        return ok("email", text)
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        connection: smtplib.SMTP
        if settings.smtp_tls:
            connection = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS,
                                          context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
        with connection:
            code, _ = connection.ehlo()
    except (OSError, smtplib.SMTPException) as error:
        return fail("email", f"SMTP server {where} unreachable ({_first_line(error) or type(error).__name__}):"
                             " check SMTP_HOST, SMTP_PORT and SMTP_TLS")
    if code != 250:
        return fail("email", f"SMTP server {where} answered EHLO with {code}: check SMTP_HOST and SMTP_PORT")
    return ok("email", f"SMTP server {where} answers EHLO")


def media_dir(settings: Settings) -> Check:
    folder = settings.media_root
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as error:
        return fail("media", f"{folder} is not writable ({error.strerror or error}): make it writable by this"
                             " user, or set AGORA_MEDIA_DIR")
    return ok("media", f"{folder} is writable")


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
