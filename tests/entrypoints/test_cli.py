"""`agora` run in-process through main(argv): what an operator sees on stdout, stderr and the exit code."""

from __future__ import annotations

import asyncio
import io
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from adapters.sql.database import make_engine
from adapters.sql.migrate import alembic_config
from entrypoints.cli import main

PASSWORD = "Tr0ub4dor&3-horse"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, data_dir: Path, database_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("AGORA_DATA_DIR", str(data_dir))
    monkeypatch.setenv("AGORA_SECRET_KEY", "test-secret-key-0123456789abcdef")
    monkeypatch.setenv("AGORA_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("AGORA_ARGON2_MEMORY_KIB", "1024")
    monkeypatch.delenv("AGORA_MIGRATE_ON_START", raising=False)


def stdin(monkeypatch: pytest.MonkeyPatch, text_: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text_))


def query(database_url: str, sql: str) -> list[tuple[object, ...]]:
    async def run() -> list[tuple[object, ...]]:
        engine = make_engine(database_url)
        async with engine.connect() as connection:
            rows = [tuple(row) for row in await connection.execute(text(sql))]
        await engine.dispose()
        return rows

    return asyncio.run(run())


def test_openapi_prints_the_face_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi", "--face", "mairie"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["openapi"].startswith("3.")
    assert all(path.startswith("/mairie/") for path in document["paths"])


def test_openapi_takes_a_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi", "--face", "eebc", "--prefix", "/"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["paths"] and not any(path.startswith("/eebc") for path in document["paths"])


def test_openapi_refuses_an_unknown_face(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["openapi", "--face", "nope"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_users_create_prints_the_new_id(env: None, database_url: str, clean_database: None,
                                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stdin(monkeypatch, PASSWORD + "\n")
    status = main(["users", "create", "--realm", "eebc", "--username", "paul", "--email", "Paul@Example.com",
                   "--password-stdin", "--role", "membre", "--site", "CAB", "--first-name", "Paul",
                   "--must-change-password"])
    out = capsys.readouterr()
    assert status == 0, out.err
    user_id = int(out.out.strip())
    rows = query(database_url, "SELECT id, realm, email, roles, site_code, must_change_password FROM identity_users")
    assert rows == [(user_id, "eebc", "paul@example.com", ["membre"], "CAB", True)]
    # The welcome email, and the welcome notification (the notifications context reacts to UserRegistered).
    assert sorted(query(database_url, "SELECT key FROM outbox_messages")) == [
        (f"notifications_notify:welcome:{user_id}:{user_id}-{user_id}:1",), (f"welcome:eebc:{user_id}",)]


def test_users_create_founds_a_town_for_a_mayor(env: None, database_url: str, clean_database: None,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    stdin(monkeypatch, PASSWORD + "\n")
    assert main(["users", "create", "--realm", "mairie", "--email", "maire@paris.fr", "--password-stdin",
                 "--role", "mayor", "--municipality", "75001", "--municipality-name", "Paris 1er"]) == 0
    assert query(database_url, "SELECT code, name FROM identity_municipalities") == [("75001", "Paris 1er")]


def test_users_create_reports_every_invalid_field_on_one_line(env: None, database_url: str, clean_database: None,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    stdin(monkeypatch, "short\n")
    status = main(["users", "create", "--realm", "eebc", "--username", "paul", "--email", "not-an-email",
                   "--password-stdin", "--role", "membre", "--site", "CAB"])
    out = capsys.readouterr()
    assert status == 1
    assert out.out == ""
    assert out.err.startswith("error: ") and out.err.count("\n") == 1
    for field in ("email: Adresse email invalide", "password: Le mot de passe doit contenir au moins 8 caractères"):
        assert field in out.err
    assert query(database_url, "SELECT count(*) FROM identity_users") == [(0,)]


def test_users_create_help_lists_each_realms_roles_and_needs(capsys: pytest.CaptureFixture[str]) -> None:
    from domain.identity.policies import EEBC_SITES, ROLES_BY_REALM

    with pytest.raises(SystemExit) as exit_:
        main(["users", "create", "--help"])
    assert exit_.value.code == 0
    help_ = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for realm, roles in ROLES_BY_REALM.items():
        listed = help_.split(f" {realm} roles: ", 1)[1].split(";", 1)[0]
        assert listed.split(", ") == sorted(roles)
    assert f"needs --username and --site, one of {', '.join(sorted(EEBC_SITES))}" in help_
    assert "needs --municipality CODE" in help_
    assert "username: 3 à 150 caractères" in help_


@pytest.mark.parametrize(("argv", "said"), [
    (["--realm", "eebc", "--username", "paul", "--role", "membre"], "eebc needs --site: one of CAB, MAC"),
    (["--realm", "eebc", "--username", "paul", "--role", "membre", "--site", "X1"],
     "--site X1 is not a site of eebc: use one of CAB, MAC"),
    (["--realm", "eebc", "--username", "paul", "--role", "pape", "--site", "CAB"],
     "--role pape is not a role of eebc: use one of admin, ancien,"),
    (["--realm", "spotvibe", "--role", "user"], "spotvibe needs --username (3 à 150 caractères"),
    (["--realm", "spotvibe", "--username", "ab", "--role", "user"], "--username 'ab': 3 à 150 caractères"),
    (["--realm", "mairie", "--role", "mayor"], "mairie needs --municipality: the town's INSEE code, e.g. 75001"),
    (["--realm", "mairie", "--role", "mayor", "--municipality", "7500"], "--municipality 7500 is not an INSEE code"),
    (["--realm", "mairie", "--role", "mayor", "--municipality", "75001", "--site", "CAB"],
     "--site is for eebc accounts only: drop it"),
])
def test_users_create_says_what_a_realm_needs(argv: list[str], said: str, env: None,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    stdin(monkeypatch, PASSWORD + "\n")
    status = main(["users", "create", "--email", "a@example.com", "--password-stdin", *argv])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("agora users create: error: ") and err.count("\n") == 1, err
    assert said in err
    assert "(see agora users create --help)" in err


def test_users_create_says_all_that_is_missing_at_once(env: None, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    stdin(monkeypatch, PASSWORD + "\n")
    assert main(["users", "create", "--realm", "eebc", "--email", "a@b.fr", "--password-stdin", "--role", "pape"]) == 2
    err = capsys.readouterr().err
    assert "--role pape" in err and "eebc needs --username" in err and "eebc needs --site" in err


def test_a_database_out_of_reach_is_said_on_one_line(env: None, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql://agora@127.0.0.1:{closed}/agora")
    stdin(monkeypatch, PASSWORD + "\n")
    status = main(["users", "create", "--realm", "spotvibe", "--username", "ada", "--email", "ada@example.com",
                   "--password-stdin", "--role", "user"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: cannot reach the database (") and err.count("\n") == 1, err
    assert err.rstrip().endswith("check DATABASE_URL")


def test_users_create_refuses_a_taken_email(env: None, clean_database: None, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    args = ["users", "create", "--realm", "spotvibe", "--username", "ada", "--email", "ada@example.com",
            "--password-stdin", "--role", "user"]
    stdin(monkeypatch, PASSWORD + "\n")
    assert main(args) == 0
    stdin(monkeypatch, PASSWORD + "\n")
    assert main(args) == 1
    assert "email" in capsys.readouterr().err


def test_users_create_needs_a_password_on_stdin(env: None, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    stdin(monkeypatch, "")
    status = main(["users", "create", "--realm", "eebc", "--username", "paul", "--email", "a@b.fr", "--password-stdin",
                   "--role", "membre", "--site", "CAB"])
    assert status == 1
    assert "error: no password on stdin: give it on the first line" in capsys.readouterr().err


def test_users_create_refuses_an_unknown_realm(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["users", "create", "--realm", "vatican", "--email", "a@b.fr", "--password-stdin", "--role", "pape"])
    assert exit_.value.code == 2
    assert "--realm" in capsys.readouterr().err


def test_db_current_shows_the_head_revision(env: None, database_url: str) -> None:
    # a real process: alembic prints to the stdout it saw at import time, out of capsys' reach
    script = ScriptDirectory.from_config(alembic_config(database_url))
    done = subprocess.run([sys.executable, "-m", "entrypoints.cli", "db", "current"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert f"{script.get_current_head()} (head)" in done.stdout


def test_serve_refuses_an_unknown_face(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--faces", "spotvibe,nope"])
    assert exit_.value.code == 2
    assert "unknown face" in capsys.readouterr().err


def test_gateway_settings_come_from_prefixed_environment_variables(data_dir: Path) -> None:
    from adapters.payments.mtn import MtnSettings
    from adapters.payments.stripe import StripeSettings
    from entrypoints.di.payments import settings_from_env
    from entrypoints.settings import Settings

    settings = Settings.from_env({"AGORA_DATA_DIR": str(data_dir), "AGORA_SECRET_KEY": "k",
                                  "MTN_COLLECTION_API_KEY": "key", "MTN_COLLECTION_API_USER": "user",
                                  "MTN_COLLECTION_SUBSCRIPTION_KEY": "sub", "MTN_TIMEOUT_SECONDS": "2.5",
                                  "MTN_RETRIES": "5", "STRIPE_SECRET_KEY": "sk_test", "OTHER": "x"})
    assert set(settings.payment_env) == {"MTN_COLLECTION_API_KEY", "MTN_COLLECTION_API_USER",
                                         "MTN_COLLECTION_SUBSCRIPTION_KEY", "MTN_TIMEOUT_SECONDS", "MTN_RETRIES",
                                         "STRIPE_SECRET_KEY"}
    mtn = settings_from_env(MtnSettings, "MTN", settings.payment_env)
    assert mtn.configured and mtn.timeout_seconds == 2.5 and mtn.retries == 5
    stripe = settings_from_env(StripeSettings, "STRIPE", settings.payment_env)
    assert not stripe.configured  # no webhook secret: inactive, refused at initiate
    with pytest.raises(ValueError, match="AGORA_PAYMENTS"):
        Settings.from_env({"AGORA_DATA_DIR": str(data_dir), "AGORA_SECRET_KEY": "k",
                           "AGORA_PAYMENTS": "sandbox"})


EVERY_ADDRESS = "0.0.0.0"  # noqa: S104 - what `agora serve --host` is given, nothing is bound here


@pytest.mark.parametrize(("host", "url"), [
    ("127.0.0.1", "http://127.0.0.1:8101"), (EVERY_ADDRESS, "http://127.0.0.1:8101"), ("::", "http://[::1]:8101"),
    ("localhost", "http://localhost:8101")])
def test_the_public_url_is_the_address_served_without_agora_public_url(host: str, url: str, data_dir: Path) -> None:
    from entrypoints.settings import Settings
    from entrypoints.supervisor import public_url_warning

    settings = Settings.from_env({"AGORA_DATA_DIR": str(data_dir), "AGORA_SECRET_KEY": "k"})
    assert settings.public_url == "http://127.0.0.1:8000" and not settings.public_url_explicit
    served = settings.serving(host, 8101)
    assert served.public_url == url
    assert public_url_warning(served, host, 8101) is None


@pytest.mark.parametrize(("public", "host", "warned"), [
    ("http://127.0.0.1:8000", "127.0.0.1", True), ("https://agora.example.org", EVERY_ADDRESS, True),
    ("http://127.0.0.1:8101/", "127.0.0.1", False), ("http://localhost:8101", "127.0.0.1", False),
    ("http://192.168.1.20:8101", EVERY_ADDRESS, False), ("http://192.168.1.20:8101", "127.0.0.1", True),
])
def test_a_public_url_set_elsewhere_is_kept_and_warned_about(public: str, host: str, warned: bool,
                                                             data_dir: Path) -> None:
    from entrypoints.settings import Settings
    from entrypoints.supervisor import public_url_warning

    settings = Settings.from_env({"AGORA_DATA_DIR": str(data_dir), "AGORA_SECRET_KEY": "k",
                                  "AGORA_PUBLIC_URL": public}).serving(host, 8101)
    assert settings.public_url == public
    warning = public_url_warning(settings, host, 8101)
    assert (warning is not None) is warned
    if warning is not None:
        assert warning.startswith(f"AGORA_PUBLIC_URL is {public} but this server listens on http://")
        assert "unset it to use the address served" in warning


def test_a_wrong_setting_in_the_environment_is_said_on_one_line(env: None, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AGORA_PAYMENTS", "sandbox")
    assert main(["doctor"]) == 2
    err = capsys.readouterr().err
    assert err == "agora: error: the environment's settings: AGORA_PAYMENTS is 'live' or 'fake', not 'sandbox'" \
                  " (see README.md, Configuration)\n"
