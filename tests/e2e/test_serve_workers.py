"""`agora serve --workers 2` on a fresh data folder: one port for both API processes, the banner once, a
crashed API process started again, and Ctrl-C as a terminal sends it (SIGINT to the whole process group)
stopping every child and then the embedded PostgreSQL, with status 0."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

from tests.e2e.test_serve import START_TIMEOUT, STOP_TIMEOUT, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-serve-workers")]

BANNER = "health   http://"


@dataclass
class Supervised:
    process: subprocess.Popen[bytes]
    data_dir: Path
    port: int
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-8000:]

    def children(self) -> list[psutil.Process]:
        """The API and worker processes (multiprocessing's resource tracker left out)."""
        return [child for child in psutil.Process(self.process.pid).children()
                if "spawn_main" in " ".join(child.cmdline())]

    def listening(self) -> set[int]:
        """The processes with a socket listening on the port."""
        return {child.pid for child in self.children()
                for conn in child.net_connections(kind="tcp")
                if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == self.port}


def wait_for(what: str, check: Callable[[], bool], served: Supervised) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            pytest.fail(f"agora serve exited with {served.process.returncode}:\n{served.output()}")
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} not within {START_TIMEOUT}s:\n{served.output()}")


@pytest.fixture(scope="module")
def served() -> Iterator[Supervised]:
    data_dir = Path(tempfile.mkdtemp(prefix="agora-w2-", dir="/tmp"))  # short: the pg socket lives here
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "AGORA_QUEUE_URL", "AGORA_FACES", "AGORA_MIGRATE_ON_START"}}
    env.update(AGORA_DATA_DIR=str(data_dir), AGORA_SECRET_KEY="e2e-secret-key-0123456789abcdef",
               AGORA_LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
    port = free_port()
    log = data_dir / "serve.log"
    with log.open("wb") as sink:  # a session of its own: its process group is what a terminal would signal
        process = subprocess.Popen([sys.executable, "-m", "entrypoints.cli", "serve", "--workers", "2",
                                    "--port", str(port)], env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    served = Supervised(process, data_dir, port, log)
    try:
        wait_for("the banner", lambda: BANNER in served.output(), served)
        yield served
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)


def test_two_api_processes_and_a_worker_answer_on_one_port_with_one_banner(served: Supervised) -> None:
    assert len(served.children()) == 3, served.output()
    assert len(served.listening()) == 2, served.output()
    assert httpx.get(f"http://127.0.0.1:{served.port}/health", timeout=10).status_code == 200
    ready = httpx.get(f"http://127.0.0.1:{served.port}/ready", timeout=10)
    assert ready.status_code == 200, ready.text
    assert served.output().count(BANNER) == 1, served.output()
    assert served.output().count("applying migrations") == 1, served.output()


def test_a_crashed_api_process_is_started_again(served: Supervised) -> None:
    before = served.listening()
    victim = psutil.Process(min(before))
    victim.kill()
    victim.wait(10)
    wait_for("a new API process", lambda: len(served.listening() - {victim.pid}) == 2, served)
    assert "starting it again" in served.output()
    assert httpx.get(f"http://127.0.0.1:{served.port}/health", timeout=10).status_code == 200
    assert served.output().count(BANNER) == 1, served.output()


def test_ctrl_c_stops_every_child_then_the_embedded_postgresql(served: Supervised) -> None:
    children = served.children()
    assert len(children) == 3
    os.killpg(served.process.pid, signal.SIGINT)
    try:
        status = served.process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"agora serve still running {STOP_TIMEOUT}s after SIGINT:\n{served.output()}")
    assert status == 0, served.output()
    _, alive = psutil.wait_procs(children, timeout=1)
    assert alive == [], served.output()
    assert "Traceback" not in served.output()
    assert not (served.data_dir / "pg" / "postmaster.pid").exists(), "the embedded PostgreSQL is still running"
