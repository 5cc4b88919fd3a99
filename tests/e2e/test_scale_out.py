"""Scale-out as deployed: one PostgreSQL started by the test (not by agora), two API processes started apart
(`agora serve --workers 1 --no-worker` twice, on two ports, with DATABASE_URL) and one `agora worker`. They
behave as one service: the login limit is counted once for both, a session opened on one is known to the
other, and what an API process enqueues the worker process runs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from adapters.sql import migrate
from adapters.sql.database import EmbeddedPostgres
from tests.e2e.test_serve import PASSWORD, START_TIMEOUT, STOP_TIMEOUT, bearer, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-scale-out")]

LOGIN_LIMIT = 3


@dataclass
class Process:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    base_url: str | None = None

    def output(self) -> str:
        return f"--- {self.name}\n" + self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            pytest.fail(f"{self.name} still running {STOP_TIMEOUT}s after SIGINT:\n{self.output()}")


def start(env: dict[str, str], data_dir: Path, name: str, *args: str, base_url: str | None = None) -> Process:
    log = data_dir / f"{name}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "entrypoints.cli", *args], env=env, stdout=sink,
                                   stderr=subprocess.STDOUT)
    return Process(name, process, log, base_url)


@dataclass
class Service:
    env: dict[str, str]
    data_dir: Path
    a: Process
    b: Process

    def start(self, name: str, *args: str) -> Process:
        return start(self.env, self.data_dir, name, *args)

    def emails_to(self, address: str) -> list[Path]:
        folder = self.data_dir / "mail"
        return [path for path in folder.glob("*.eml") if address in path.name] if folder.exists() else []

    def outputs(self) -> str:
        return "\n".join(p.output() for p in (self.a, self.b))


def wait_until_healthy(process: Process) -> None:
    assert process.base_url is not None
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.process.poll() is not None:
            pytest.fail(f"{process.name} exited with {process.process.returncode}:\n{process.output()}")
        try:
            if httpx.get(process.base_url + "/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{process.name} did not answer /health in {START_TIMEOUT}s:\n{process.output()}")


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    folder = Path(tempfile.mkdtemp(prefix="agora-so-", dir="/tmp"))  # short: the pg socket lives here
    postgres = EmbeddedPostgres(folder / "pg")
    url = postgres.start()
    try:
        migrate.upgrade(url)
        env = {key: value for key, value in os.environ.items()
               if key not in {"AGORA_QUEUE_URL", "AGORA_FACES", "AGORA_MIGRATE_ON_START", "AGORA_PAYMENTS"}}
        env.update(DATABASE_URL=url, AGORA_DATA_DIR=str(folder / "data"),
                   AGORA_SECRET_KEY="e2e-secret-key-0123456789abcdef", AGORA_ARGON2_TIME_COST="1",
                   AGORA_ARGON2_MEMORY_KIB="1024", AGORA_LOG_LEVEL="INFO", PYTHONUNBUFFERED="1",
                   AGORA_LOGIN_LIMIT_PER_MINUTE=str(LOGIN_LIMIT))
        data_dir = folder / "data"
        data_dir.mkdir()
        started: list[Process] = []
        try:
            for name in ("api-a", "api-b"):
                port = free_port()
                started.append(start(env, data_dir, name, "serve", "--workers", "1", "--no-worker", "--port",
                                     str(port), base_url=f"http://127.0.0.1:{port}"))
            for process in started:
                wait_until_healthy(process)
            yield Service(env, data_dir, *started)
        finally:
            for process in started:
                if process.process.poll() is None:
                    process.process.kill()
                    process.process.wait(10)
    finally:
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_the_login_limit_is_counted_once_for_both_api_processes(service: Service) -> None:
    statuses = []
    for hit in range(LOGIN_LIMIT + 1):
        process = (service.a, service.b)[hit % 2]
        answer = httpx.post(f"{process.base_url}/api/users/login/", timeout=30,
                            json={"email": "nobody@spotvibe.test", "password": "wrong-Passw0rd!"})
        statuses.append(answer.status_code)
    assert statuses == [401] * LOGIN_LIMIT + [429], service.outputs()


def register_and_log_in(service: Service, email: str) -> dict[str, str]:
    created = httpx.post(f"{service.a.base_url}/api/users/register/", timeout=30, json={
        "username": email.split("@")[0], "email": email, "password": PASSWORD, "password_confirm": PASSWORD})
    assert created.status_code == 201, created.text
    login = httpx.post(f"{service.a.base_url}/api/users/login/", json={"email": email, "password": PASSWORD},
                       timeout=30)
    assert login.status_code == 200, login.text
    tokens: dict[str, str] = login.json()
    return tokens


def test_a_session_opened_on_one_api_process_is_known_to_the_other(service: Service) -> None:
    tokens = register_and_log_in(service, "awa@spotvibe.test")
    with httpx.Client(base_url=service.b.base_url or "", timeout=30) as b:
        me = b.get("/api/users/profile/", headers=bearer(tokens["access"]))
        assert me.status_code == 200, me.text
        assert me.json()["email"] == "awa@spotvibe.test"
        out = b.post("/api/users/logout/", json={"refresh": tokens["refresh"]}, headers=bearer(tokens["access"]))
        assert out.status_code == 200, out.text
    refreshed = httpx.post(f"{service.a.base_url}/api/users/token/refresh/", json={"refresh": tokens["refresh"]},
                           timeout=30)
    assert refreshed.status_code == 401, refreshed.text


def test_the_worker_process_runs_what_an_api_process_enqueued(service: Service) -> None:
    register_and_log_in(service, "kofi@spotvibe.test")
    # the API processes run no worker: the welcome email waits in the outbox until one starts
    assert service.emails_to("kofi@spotvibe.test") == []
    worker = service.start("worker", "worker", "--concurrency", "4")
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not service.emails_to("kofi@spotvibe.test"):
            if worker.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no welcome email from the worker process:\n{worker.output()}")
            time.sleep(0.2)
        assert "SpotVibe" in service.emails_to("kofi@spotvibe.test")[0].read_text()
    finally:
        status = worker.stop()
    assert status == 0, worker.output()
    assert "Traceback" not in worker.output()
