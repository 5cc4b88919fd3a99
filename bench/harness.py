"""What every benchmark shares: the machine's description, CPU time read from /proc, wrk, and the stack under test
(the embedded PostgreSQL in a temp folder, our service, the floor on the same database, the bench accounts)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

PASSWORD = "Bench-passw0rd!"
RESULTS = Path("bench/results")
LOGIN_ACCOUNTS = 16
TICKS = os.sysconf("SC_CLK_TCK")


class PhaseFailed(RuntimeError):
    """A measurement that cannot be trusted (errors, non-2xx answers, a server that did not start)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of `values` (seconds), in milliseconds."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def write_result(name: str, payload: Any) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path


# --- CPU time from /proc ------------------------------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, CPU ticks: utime + stime + the reaped children's cutime + cstime)."""
    found: dict[int, tuple[int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            text = Path(entry.path, "stat").read_text()
            fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
            found[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    return found


def tree_cpu(*roots: int) -> dict[int, float]:
    """CPU seconds used so far by each root's process tree (the root and all its descendants)."""
    processes = _processes()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in processes.items():
        children.setdefault(ppid, []).append(pid)
    totals: dict[int, float] = {}
    for root in roots:
        ticks, stack = 0, [root]
        while stack:
            pid = stack.pop()
            ticks += processes.get(pid, (0, 0))[1]
            stack.extend(children.get(pid, ()))
        totals[root] = ticks / TICKS
    return totals


def tree_size(root: int) -> int:
    processes = _processes()
    return 1 + sum(1 for ppid, _ in processes.values() if ppid == root)


# --- wrk ---------------------------------------------------------------------------------------------------------

WRK_LUA = r"""
local bodies = {}
local source = os.getenv("WRK_BODIES")
if source and source ~= "" then
  for line in io.lines(source) do bodies[#bodies + 1] = line end
end

local threads = {}
setup = function(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

if #bodies > 0 then
  local counter = 0
  request = function()
    counter = counter + 1
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", nil, headers, bodies[((counter + (offset or 0) * 7) % #bodies) + 1])
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


@dataclass
class WrkRun:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: dict[str, int]
    cpu_ms_per_request: float = 0.0
    pg_cpu_ms_per_request: float = 0.0
    load: list[float] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(self.errors.values()) or self.requests == 0


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        sys.exit("wrk is not installed: `sudo apt-get install wrk` (Debian/Ubuntu), then run again")
    return path


class Wrk:
    """wrk with a Lua script that reports the summary as JSON and counts non-2xx/3xx answers as errors."""

    def __init__(self, folder: Path, *, threads: int = 2) -> None:
        self.binary = wrk_path()
        self.script = folder / "bench.lua"
        self.script.write_text(WRK_LUA)
        self.folder = folder
        self.threads = threads

    def start(self, url: str, *, connections: int, duration: float, token: str | None = None,
              bodies: list[dict[str, Any]] | None = None) -> subprocess.Popen[str]:
        env = {**os.environ, "WRK_BODIES": ""}
        if bodies:
            source = self.folder / f"bodies-{secrets.token_hex(4)}.jsonl"
            source.write_text("".join(json.dumps(b) + "\n" for b in bodies))
            env["WRK_BODIES"] = str(source)
        command = [self.binary, "-t", str(min(self.threads, connections)), "-c", str(connections),
                   "-d", f"{max(1, round(duration))}s", "--timeout", "30s", "--latency", "-s", str(self.script)]
        if token is not None:
            command += ["-H", f"Authorization: Bearer {token}"]
        return subprocess.Popen([*command, url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=env)

    @staticmethod
    def finish(process: subprocess.Popen[str], duration: float) -> WrkRun:
        output, _ = process.communicate(timeout=duration + 60)
        lines = [line for line in output.splitlines() if line.startswith("WRK_JSON ")]
        if process.returncode != 0 or not lines:
            raise PhaseFailed(f"wrk failed ({process.returncode}):\n{output}")
        data = json.loads(lines[-1].removeprefix("WRK_JSON "))
        seconds = data["duration_us"] / 1e6
        errors = {key: data[key] for key in ("connect", "read", "write", "status", "timeout")}
        return WrkRun(requests=data["requests"], seconds=round(seconds, 2),
                      rps=round(data["requests"] / seconds, 1) if seconds else 0.0,
                      p50_ms=round(data["p50_us"] / 1000, 2), p99_ms=round(data["p99_us"] / 1000, 2),
                      errors=errors)

    def measure(self, url: str, *, connections: int, duration: float, cpu_of: int, pg_pid: int | None,
                token: str | None = None, bodies: list[dict[str, Any]] | None = None) -> WrkRun:
        """One wrk run, with the CPU the server's process tree (and PostgreSQL's) spent on it."""
        roots = (cpu_of,) if pg_pid is None else (cpu_of, pg_pid)
        before = tree_cpu(*roots)
        run = self.finish(self.start(url, connections=connections, duration=duration, token=token, bodies=bodies),
                          duration)
        after = tree_cpu(*roots)
        if run.requests:
            run.cpu_ms_per_request = round((after[cpu_of] - before[cpu_of]) * 1000 / run.requests, 3)
            if pg_pid is not None:
                run.pg_cpu_ms_per_request = round((after[pg_pid] - before[pg_pid]) * 1000 / run.requests, 3)
        run.load = load()
        return run


async def _post_logins(url: str, bodies: list[dict[str, str]], connections: int, duration: float) -> WrkRun:
    latencies: list[float] = []
    failures: dict[str, int] = {"status": 0, "connect": 0, "read": 0, "write": 0, "timeout": 0}
    started = time.perf_counter()
    stop = started + duration
    finished = started

    async def loop(client: httpx.AsyncClient, n: int) -> None:
        nonlocal finished
        while time.perf_counter() < stop:
            sent = time.perf_counter()
            try:
                answer = await client.post("", json=bodies[n % len(bodies)])
            except httpx.TimeoutException:
                failures["timeout"] += 1
                continue
            except httpx.TransportError:
                failures["read"] += 1
                continue
            finished = time.perf_counter()
            latencies.append(finished - sent)
            failures["status"] += answer.status_code != 200
            n += connections

    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:
        await asyncio.gather(*(loop(client, n) for n in range(connections)))
    seconds = finished - started
    return WrkRun(requests=len(latencies), seconds=round(seconds, 2),
                  rps=round(len(latencies) / seconds, 2) if seconds > 0 else 0.0,
                  p50_ms=round(percentile(latencies, 0.5), 1), p99_ms=round(percentile(latencies, 0.99), 1),
                  errors=failures)


def post_logins(url: str, bodies: list[dict[str, str]], connections: int, duration: float) -> WrkRun:
    """`connections` clients post logins for `duration` s, each then waiting for its last answer (wrk would drop the
    logins in flight at its deadline: seconds-long requests, a large share of a short run). The rate is the logins
    answered over the time until the last answer."""
    return asyncio.run(_post_logins(url, bodies, connections, duration))


# --- the stack under test ----------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


@dataclass
class Face:
    name: str
    profile: str
    login: str
    login_body: dict[str, str]
    token_field: str


FACES = [
    Face("spotvibe", "/api/users/profile/", "/api/users/login/",
         {"email": "bench@spotvibe.test", "password": PASSWORD}, "access"),
    Face("mairie", "/mairie/api/v1/auth/profile/", "/mairie/api/v1/auth/login/",
         {"email": "bench@mairie.test", "password": PASSWORD}, "access_token"),
    Face("eebc", "/eebc/api/v1/profile/", "/eebc/api/v1/auth/login/",
         {"username": "bench.eebc", "password": PASSWORD}, "access"),
]
LOGIN_PATH = "/api/users/login/"


def login_bodies(count: int) -> list[dict[str, str]]:
    return [{"email": f"login{n}@spotvibe.test", "password": PASSWORD} for n in range(count)]


def serve_supports_workers() -> bool:
    shown = subprocess.run([sys.executable, "-m", "entrypoints.cli", "serve", "--help"], capture_output=True,
                           text=True, timeout=60, check=False)
    return "--workers" in shown.stdout


@dataclass
class Stack:
    folder: Path
    env: dict[str, str]
    database_url: str
    pg_pid: int | None
    workers: int
    server_kind: str
    ours: Server
    floor: Server
    tokens: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _postmaster_pid(pg_folder: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int((pg_folder / "postmaster.pid").read_text().splitlines()[0])
    return None


def _start(name: str, command: list[str], env: dict[str, str], folder: Path, port: int) -> Server:
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return Server(name, f"http://127.0.0.1:{port}", process, log)


def _wait_healthy(server: Server, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise PhaseFailed(f"{server.name} exited ({server.process.returncode}):\n{server.log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.url + "/health", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise PhaseFailed(f"{server.name} did not answer /health within {timeout:.0f} s")


def _stop(server: Server) -> None:
    if server.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGINT)
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.process.wait(timeout=10)


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    done = subprocess.run([sys.executable, "-m", "entrypoints.cli", *args], env=env, input=stdin, text=True,
                          check=False, capture_output=True, timeout=180)
    if done.returncode != 0:
        raise PhaseFailed(f"agora {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _accounts(url: str) -> dict[str, str]:
    """SpotVibe and Mairie accounts through their register endpoints, the login accounts, and one token per face."""
    with httpx.Client(base_url=url, timeout=60) as client:
        answers = [client.post("/api/users/register/", json={
            "username": "bench", "email": "bench@spotvibe.test", "password": PASSWORD, "password_confirm": PASSWORD})]
        answers.append(client.post("/mairie/api/v1/auth/register/", json={
            "email": "bench@mairie.test", "password": PASSWORD, "password_confirm": PASSWORD, "first_name": "Bench",
            "last_name": "Maire", "role": "mayor", "municipality_code": "75001"}))
        for n, body in enumerate(login_bodies(LOGIN_ACCOUNTS)):
            answers.append(client.post("/api/users/register/", json={
                "username": f"login{n}", "email": body["email"], "password": PASSWORD, "password_confirm": PASSWORD}))
        for answer in answers:
            if answer.status_code != 201:
                raise PhaseFailed(f"register {answer.request.url.path}: {answer.status_code} {answer.text}")
        tokens: dict[str, str] = {}
        for face in FACES:
            logged = client.post(face.login, json=face.login_body)
            if logged.status_code != 200:
                raise PhaseFailed(f"login {face.name}: {logged.status_code} {logged.text}")
            body = logged.json()
            tokens[face.name] = str(body.get("data", body)[face.token_field])
        return tokens


@contextlib.contextmanager
def stack(*, workers: int | None, server: str = "uvicorn") -> Iterator[Stack]:
    """The embedded PostgreSQL in a temp folder, our service and the floor on it, the accounts created."""
    from entrypoints.bootstrap import database
    from entrypoints.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="agora-bench-", dir="/tmp"))
    secret = secrets.token_urlsafe(48)
    notes: list[str] = []
    if server != "uvicorn":
        notes.append(f"floor on {server}; our service picks its own server")
    has_workers = serve_supports_workers()
    count = workers or (os.cpu_count() or 1)
    if not has_workers:
        asked = f" (--workers {workers} asked)" if workers not in (None, 1) else ""
        notes.append(f"`agora serve` has no --workers yet: one process each{asked}")
        count = 1
    try:
        with database(Settings(data_dir=folder, secret_key=secret, log_level="WARNING"), upgrade=True) as runtime:
            env = {**os.environ, "AGORA_DATA_DIR": str(folder), "DATABASE_URL": runtime.database_url,
                   "AGORA_SECRET_KEY": secret, "AGORA_LOGIN_LIMIT_PER_MINUTE": "1000000",
                   "AGORA_LOG_LEVEL": "WARNING"}
            _cli(env, "users", "create", "--realm", "eebc", "--username", "bench.eebc", "--email",
                 "bench@eebc.test", "--role", "membre", "--site", "CAB", "--first-name", "Bench", "--last-name",
                 "Eglise", "--password-stdin", stdin=PASSWORD + "\n")
            ours_port, floor_port = free_port(), free_port()
            ours_command = [sys.executable, "-m", "entrypoints.cli", "serve", "--no-worker", "--port", str(ours_port)]
            if has_workers:
                ours_command += ["--workers", str(count)]
            ours = _start("ours", ours_command, env, folder, ours_port)
            floor = _start("floor", [sys.executable, "-m", "bench.floor", "--port", str(floor_port), "--workers",
                                     str(count), "--server", server], env, folder, floor_port)
            try:
                _wait_healthy(ours)
                _wait_healthy(floor)
                tokens = _accounts(ours.url)
                yield Stack(folder, env, runtime.database_url, _postmaster_pid(folder / "pg"), count, server, ours,
                            floor, tokens, notes)
            finally:
                _stop(ours)
                _stop(floor)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the table ---------------------------------------------------------------------------------------------------


@dataclass
class Row:
    benchmark: str
    ours: str
    reference: str
    ratio: str
    p50: str
    p99: str
    cpu: str
    notes: str = ""
    failed: bool = False


HEADER = ("benchmark", "ours", "floor/reference", "ratio", "p50 ms", "p99 ms", "CPU ms/req", "notes")


def machine(*, load_before: list[float], server: str, processes: int) -> dict[str, Any]:
    return {"cores": os.cpu_count(), "load_before": load_before, "load_after": load(), "server": server,
            "processes": processes, "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": sys.version.split()[0]}


def table(rows: list[Row], info: dict[str, Any]) -> str:
    head = (f"**{info['date']}** · {info['cores']} cores · load average {info['load_before']} before, "
            f"{info['load_after']} after · floor on {info['server']}, ours as `agora serve` runs · "
            f"{info['processes']} process(es) per service")
    lines = [head, "", "| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    for row in rows:
        cells = asdict(row)
        cells.pop("failed")
        lines.append("| " + " | ".join(str(v) for v in cells.values()) + " |")
    return "\n".join(lines)


@dataclass
class Side:
    """One side of a comparison (ours, or the floor): its wrk runs and their means."""

    runs: list[WrkRun] = field(default_factory=list)

    def mean(self, name: str) -> float:
        return round(statistics.fmean(getattr(r, name) for r in self.runs), 3) if self.runs else 0.0

    @property
    def rps(self) -> float:
        seconds = sum(r.seconds for r in self.runs)
        return round(sum(r.requests for r in self.runs) / seconds, 1) if seconds else 0.0

    @property
    def failed(self) -> bool:
        return not self.runs or any(r.failed for r in self.runs)

    def summary(self) -> dict[str, Any]:
        return {"rps": self.rps, "p50_ms": self.mean("p50_ms"), "p99_ms": self.mean("p99_ms"),
                "cpu_ms_per_request": self.mean("cpu_ms_per_request"),
                "pg_cpu_ms_per_request": self.mean("pg_cpu_ms_per_request"), "runs": [asdict(r) for r in self.runs]}


def against_floor(sides: dict[str, Side], floor_name: str, notes: Callable[[str], str]) -> list[Row]:
    """One row per side but the floor's: req/s, the floor's, their ratio, means of p50, p99 and CPU."""
    floor = sides[floor_name].rps
    return [Row(benchmark=name, ours=f"{side.rps:.0f}", reference=f"{floor:.0f}",
                ratio=f"{side.rps / floor:.2f}" if floor else "—", p50=f"{side.mean('p50_ms'):.1f}",
                p99=f"{side.mean('p99_ms'):.1f}", cpu=f"{side.mean('cpu_ms_per_request'):.2f}",
                notes=notes(name), failed=side.failed)
            for name, side in sides.items() if name != floor_name]


Scenario = Callable[..., tuple[list[Row], dict[str, Any]]]


def run_alone(name: str, description: str, scenario: Scenario) -> int:
    """A scenario's `main`: its own stack, `--duration`, `--rounds`, `--workers`; prints the table, writes
    bench/results/<name>.json, exits 1 when a phase failed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    before = load()
    try:
        with stack(workers=args.workers) as s:
            rows, measures = scenario(s, Wrk(s.folder), duration=args.duration, rounds=args.rounds)
            info = machine(load_before=before, server=s.server_kind, processes=s.workers)
    except PhaseFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    write_result(name, {"machine": info, "measures": measures})
    print(table(rows, info))
    return 1 if any(row.failed for row in rows) else 0
