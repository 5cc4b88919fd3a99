"""`agora serve` as a real process on a fresh data folder: embedded PostgreSQL, migrations, the three
faces, the worker sending the welcome emails, and a clean stop on SIGINT that keeps the data."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from adapters.payments.http import sign_timestamped

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-serve")]

PASSWORD = "Tr0ub4dor&3-horse"
START_TIMEOUT = 90.0
STOP_TIMEOUT = 15.0


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    data_dir: Path
    env: dict[str, str]
    base_url: str
    log: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]


def agora(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "entrypoints.cli", *args], env=env, input=stdin, text=True,
                          capture_output=True, timeout=120, check=False)


def create_eebc_member(env: dict[str, str], username: str, email: str) -> subprocess.CompletedProcess[str]:
    return agora("users", "create", "--realm", "eebc", "--username", username, "--email", email, "--site", "CAB",
                 "--role", "membre", "--first-name", "Paul", "--password-stdin", env=env, stdin=PASSWORD + "\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_healthy(served: Served) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            pytest.fail(f"agora serve exited with {served.process.returncode}:\n{served.output()}")
        try:
            if httpx.get(served.base_url + "/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"agora serve did not answer /health in {START_TIMEOUT}s:\n{served.output()}")


def emails_to(served: Served, address: str) -> list[Path]:
    folder = served.data_dir / "mail"
    return [path for path in folder.glob("*.eml") if address in path.name] if folder.exists() else []


def wait_for_email(served: Served, address: str, within: float = 20) -> Path:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = emails_to(served, address)
        if found:
            return found[0]
        time.sleep(0.2)
    pytest.fail(f"no email to {address} in {served.data_dir / 'mail'}:\n{served.output()}")


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    data_dir = Path(tempfile.mkdtemp(prefix="agora-e2e-", dir="/tmp"))  # short: the pg socket lives here
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "AGORA_QUEUE_URL", "AGORA_FACES", "AGORA_MIGRATE_ON_START"}}
    env.update(AGORA_DATA_DIR=str(data_dir), AGORA_SECRET_KEY="e2e-secret-key-0123456789abcdef",
               AGORA_ARGON2_TIME_COST="1", AGORA_ARGON2_MEMORY_KIB="1024", AGORA_LOG_LEVEL="INFO",
               PYTHONUNBUFFERED="1")

    # EEBC has no sign-up: an account made before the first start creates and migrates the database
    made = create_eebc_member(env, "paul", "paul@eebc.test")
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().isdigit()

    port = free_port()
    env.update(AGORA_PAYMENTS="fake", AGORA_PUBLIC_URL=f"http://127.0.0.1:{port}")
    log = data_dir / "serve.log"
    with log.open("wb") as sink:
        # two API processes and the worker process: the fake providers, run once by the parent, serve them all
        process = subprocess.Popen([sys.executable, "-m", "entrypoints.cli", "serve", "--workers", "2", "--port",
                                    str(port)], env=env, stdout=sink, stderr=subprocess.STDOUT)
    served = Served(process, data_dir, env, f"http://127.0.0.1:{port}", log)
    try:
        wait_until_healthy(served)
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_ready_reports_database_and_queue(served: Served) -> None:
    with served.client() as client:
        ready = client.get("/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "database": "ok", "queue": "ok"}


def test_spotvibe_register_login_profile_logout(served: Served) -> None:
    with served.client() as client:
        created = client.post("/api/users/register/", json={
            "username": "awa", "email": "awa@spotvibe.test", "password": PASSWORD, "password_confirm": PASSWORD,
            "first_name": "Awa", "last_name": "Diallo"})
        assert created.status_code == 201, created.text
        login = client.post("/api/users/login/", json={"email": "awa@spotvibe.test", "password": PASSWORD})
        assert login.status_code == 200, login.text
        tokens = login.json()
        me = client.get("/api/users/profile/", headers=bearer(tokens["access"]))
        assert me.status_code == 200, me.text
        assert me.json()["email"] == "awa@spotvibe.test"
        out = client.post("/api/users/logout/", json={"refresh": tokens["refresh"]}, headers=bearer(tokens["access"]))
        assert out.status_code == 200, out.text
        assert client.get("/api/users/profile/", headers=bearer(tokens["access"])).status_code == 401
    # the worker in the same process relayed the outbox and sent the welcome email
    assert "SpotVibe" in wait_for_email(served, "awa@spotvibe.test").read_text()


def test_mairie_register_login_profile_logout(served: Served) -> None:
    with served.client() as client:
        created = client.post("/mairie/api/v1/auth/register/", json={
            "email": "maire@paris1.test", "password": PASSWORD, "password_confirm": PASSWORD,
            "first_name": "Jean", "last_name": "Dupont", "role": "mayor", "municipality_code": "75001"})
        assert created.status_code == 201, created.text
        assert created.json()["role"] == "mayor"
        login = client.post("/mairie/api/v1/auth/login/", json={"email": "maire@paris1.test", "password": PASSWORD})
        assert login.status_code == 200, login.text
        body = login.json()
        assert body["token_type"] == "Bearer"
        assert body["user"]["municipality"]["code"] == "75001"
        me = client.get("/mairie/api/v1/auth/profile/", headers=bearer(body["access_token"]))
        assert me.status_code == 200, me.text
        assert me.json()["email"] == "maire@paris1.test"
        out = client.post("/mairie/api/v1/auth/logout/", headers=bearer(body["access_token"]))
        assert out.status_code == 200, out.text
        assert out.json() == {"message": "Déconnexion réussie"}
        again = client.get("/mairie/api/v1/auth/profile/", headers=bearer(body["access_token"]))
        assert again.status_code == 401
        assert "error" in again.json()
    wait_for_email(served, "maire@paris1.test")


def test_eebc_login_profile_logout_for_accounts_made_by_the_cli(served: Served) -> None:
    # a second process on the same data folder while the server runs: the embedded server is shared
    made = create_eebc_member(served.env, "marie", "marie@eebc.test")
    assert made.returncode == 0, made.stderr
    with served.client() as client:
        for username in ("paul", "marie"):
            login = client.post("/eebc/api/v1/auth/login/", json={"username": username, "password": PASSWORD})
            assert login.status_code == 200, login.text
            data = login.json()["data"]
            assert login.json()["success"] is True
            me = client.get("/eebc/api/v1/profile/", headers=bearer(data["access"]))
            assert me.status_code == 200, me.text
            assert me.json()["success"] is True
            assert me.json()["data"]["username"] == username
            out = client.post("/eebc/api/v1/auth/logout/", json={"refresh": data["refresh"]},
                              headers=bearer(data["access"]))
            assert out.status_code == 200, out.text
            assert out.json()["success"] is True
            again = client.get("/eebc/api/v1/profile/", headers=bearer(data["access"]))
            assert again.status_code == 401
            assert again.json()["success"] is False
    # welcome emails of accounts made before the start and while running both go out
    wait_for_email(served, "paul@eebc.test")
    wait_for_email(served, "marie@eebc.test")


def test_fake_payment_providers_run_inside_the_server(served: Served) -> None:
    """AGORA_PAYMENTS=fake: every method is active, and webhooks are verified against the fakes' secrets."""
    event = json.dumps({"id": "evt_e2e", "type": "checkout.session.completed", "data": {"object": {
        "id": "cs_unknown", "object": "checkout.session", "payment_status": "paid", "status": "complete"}}}).encode()
    with served.client() as client:
        methods = client.get("/api/payments/methods/")
        assert methods.status_code == 200, methods.text
        assert {m["code"]: m["active"] for m in methods.json()} == {
            "MOMO_MTN": True, "MOMO_MOOV": True, "ORANGE_MONEY": True, "CARTE_BANCAIRE": True}
        signed = {"Stripe-Signature": sign_timestamped(event, "whsec_fake", scheme="v1"),
                  "Content-Type": "application/json"}
        known_nothing = client.post("/webhooks/stripe/", content=event, headers=signed)
        assert known_nothing.status_code == 200, known_nothing.text
        assert known_nothing.json()["outcome"] == "ignored"
        forged = client.post("/webhooks/stripe/", content=event, headers={
            "Stripe-Signature": sign_timestamped(event, "whsec_other", scheme="v1")})
        assert forged.status_code == 400 and "error" in forged.json()


def wait_for_status(client: httpx.Client, headers: dict[str, str], payment_uuid: str, status: str,
                    within: float = 30) -> dict[str, object]:
    deadline = time.monotonic() + within
    while True:
        detail = client.get(f"/api/payments/{payment_uuid}/", headers=headers)
        assert detail.status_code == 200, detail.text
        if detail.json()["statut"] == status or time.monotonic() > deadline:
            body: dict[str, object] = detail.json()
            return body
        time.sleep(0.2)


def test_a_purchase_clicks_through_against_the_fake_providers(served: Served) -> None:
    """In fake mode, tickets of a demo event (`agora seed --demo`): MTN settles through its callback over real
    HTTP, Orange through its payment page and notification; the worker issues the tickets."""
    seeded = agora("seed", "--demo", env=served.env)
    assert seeded.returncode == 0, seeded.stderr
    with served.client() as client:
        created = client.post("/api/users/register/", json={
            "username": "kofi", "email": "kofi@spotvibe.test", "password": PASSWORD, "password_confirm": PASSWORD})
        assert created.status_code == 201, created.text
        login = client.post("/api/users/login/", json={"email": "kofi@spotvibe.test", "password": PASSWORD})
        headers = bearer(login.json()["access"])
        found = client.get("/api/events/", params={"search": "Concert afrobeat"}).json()["results"]
        event = client.get(f"/api/events/{found[0]['id']}/").json()
        assert event["type_acces"] == "PAYANT", event
        mtn = client.post("/api/events/tickets/purchase/", headers=headers, json={
            "event_id": event["id"], "quantity": 2, "payment_method": "MOMO_MTN", "phone_number": "+2290197000001"})
        assert mtn.status_code == 201, mtn.text
        paid = wait_for_status(client, headers, mtn.json()["payment_uuid"], "REUSSI")
        assert paid["statut"] == "REUSSI", served.output()
        price = float(event["prix"])
        assert float(str(paid["montant"])) == 2 * price and float(str(paid["frais"])) == 0.2 * price

        orange = client.post("/api/events/tickets/purchase/", headers=headers, json={
            "event_id": event["id"], "payment_method": "ORANGE_MONEY"})
        assert orange.status_code == 201, orange.text
        page = httpx.post(orange.json()["payment_url"], data={"action": "pay"}, follow_redirects=True, timeout=10)
        assert page.status_code == 200 and "application" in page.text  # back on our return page
        paid = wait_for_status(client, headers, orange.json()["payment_uuid"], "REUSSI")
        assert paid["statut"] == "REUSSI", served.output()
        deadline = time.monotonic() + 30
        while True:  # the worker issues the tickets once it hears of each payment
            tickets = client.get("/api/events/my-tickets/", headers=headers).json()
            if [t["statut"] for t in tickets] == ["PAYE"] * 3 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert [t["statut"] for t in tickets] == ["PAYE"] * 3, served.output()
        qr = client.get(tickets[0]["code_qr_url"], headers=headers)
        assert qr.status_code == 200 and qr.content.startswith(b"\x89PNG")


def test_sigint_stops_server_worker_and_database_cleanly_keeping_the_data(served: Served) -> None:
    served.process.send_signal(signal.SIGINT)
    try:
        status = served.process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"agora serve still running {STOP_TIMEOUT}s after SIGINT:\n{served.output()}")
    assert status == 0, served.output()
    assert "Traceback" not in served.output()
    assert not (served.data_dir / "pg" / "postmaster.pid").exists(), "the embedded PostgreSQL is still running"
    # the data stayed: the database comes back with the accounts made before
    again = create_eebc_member(served.env, "paul", "paul@eebc.test")
    assert again.returncode == 1
    assert "error:" in again.stderr
