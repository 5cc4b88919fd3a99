"""A bulk send to `--recipients` people (100,000 by default) through the fake Expo: from the administrator's
POST /api/notifications/bulk-send/ to progress 100 % and every push delivery SENT.

The stack: the embedded PostgreSQL in a temp folder, `agora serve` (API processes + the job worker) with
AGORA_PUSH=live and Expo pointed at adapters/push/fakes/expo.py, which runs in its own process. The recipients are
seeded by SQL (one INSERT ... SELECT each for the accounts, their Expo tokens and their choice of no email for
announcements: the bench measures the push path), never through HTTP.

Measured: wall time to progress 100 % and to all sent, pushes per second, peak RSS of the service's process tree
(API + worker) and of the fake, the load average. The floor: the same number of pushes sent straight through the
same Expo sender to the same fake, in chunks of one fan-out batch, as many at once as the worker runs jobs, with no
database: what the provider path alone costs on this machine now. Goal: under 60 s and under 300 MB.

    uv run --frozen python -m bench.notifications_fanout --recipients 100000
    uv run --frozen python -m bench.notifications_fanout --recipients 10000   # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from bench.harness import (
    PASSWORD,
    PhaseFailed,
    _cli,
    _postmaster_pid,
    _start,
    _stop,
    _wait_healthy,
    free_port,
    load,
    tree_cpu,
    write_result,
)

ADMIN = {"email": "fanout.admin@spotvibe.test", "password": PASSWORD}
TEMPLATE_USER = "fanout.template"
ANNOUNCEMENT = 9  # domain/notifications/kinds.py: IN_APP, PUSH, EMAIL; not critical, no digest
SPOTVIBE_ZONE = ZoneInfo("Africa/Porto-Novo")  # application/notifications/config.py DEFAULT_ZONES


@dataclass
class Peak:
    """The largest memory seen of each process tree, sampled in a thread: the sum of its processes' resident sets
    (RSS, which counts pages forked processes share once per process) and of their proportional sets (PSS, which
    splits shared pages between their users), and the largest RSS of one process of the tree."""

    roots: dict[str, int]
    every: float = 0.1
    rss: dict[str, int] = field(default_factory=dict)
    pss: dict[str, int] = field(default_factory=dict)
    largest: dict[str, tuple[int, str]] = field(default_factory=dict)
    processes: dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def sample(self) -> None:
        for name, root in self.roots.items():
            pids = tree(root)
            sizes = {pid: memory(pid) for pid in pids}
            total = sum(r for r, _ in sizes.values())
            if total > self.rss.get(name, 0):
                self.rss[name] = total
                self.processes[name] = len(pids)
            self.pss[name] = max(self.pss.get(name, 0), sum(p for _, p in sizes.values()))
            pid, (size, _) = max(sizes.items(), key=lambda item: item[1][0])
            if size > self.largest.get(name, (0, ""))[0]:
                self.largest[name] = (size, command(pid))

    def mb(self) -> dict[str, Any]:
        return {"rss_sum": {k: _mb(v) for k, v in self.rss.items()},
                "pss_sum": {k: _mb(v) for k, v in self.pss.items()},
                "largest_process": {k: [_mb(size), what] for k, (size, what) in self.largest.items()}}

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def _mb(size: int) -> float:
    return round(size / 2**20, 1)


def command(pid: int) -> str:
    with contextlib.suppress(OSError):
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        return " ".join(w.decode(errors="replace") for w in words[1:6] if w)[:80]
    return "?"


def memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) bytes of one process ((0, 0) once it is gone)."""
    found = {"Rss:": 0, "Pss:": 0}
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name = line.split(maxsplit=1)[0]
            if name in found:
                found[name] = int(line.split()[1]) * 1024
    return found["Rss:"], found["Pss:"]


def tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                text = Path(entry.path, "stat").read_text()
                parents.setdefault(int(text[text.rindex(")") + 2:].split()[1]), []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(parents.get(pid, ()))
    return found


# --- the fake Expo in its own process ------------------------------------------------------------------------------


def serve_fake(port: int) -> None:
    from adapters.push.fakes.expo import FakeExpo

    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    with FakeExpo(port=port):
        print("ready", flush=True)
        stopped.wait()


@contextlib.contextmanager
def fake_expo(folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    log = (folder / "fake-expo.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "bench.notifications_fanout", "--serve-fake", str(port)],
                               stdout=subprocess.PIPE, stderr=log, start_new_session=True)
    try:
        assert process.stdout is not None
        if process.stdout.readline().strip() != b"ready":
            raise PhaseFailed(f"the fake Expo did not start: {(folder / 'fake-expo.log').read_text()[-2000:]}")
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


# --- seeding by SQL ------------------------------------------------------------------------------------------------


async def seed(url: str, recipients: int) -> list[int]:
    """`recipients` SpotVibe accounts copied from the template account (one INSERT ... SELECT), an Expo token each,
    and each one's choice of no announcement by email. Returns their ids."""
    connection = await asyncpg.connect(url)
    try:
        columns = [r["column_name"] for r in await connection.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'identity_users' "
            "AND column_name <> 'id' ORDER BY ordinal_position")]
        override = {"username": "'fan' || g", "email": "'fan' || g || '@fanout.test'", "first_name": "'Fan'",
                    "created_at": "now()"}
        picked = ", ".join(override.get(c, f"t.{c}") for c in columns)
        async with connection.transaction():
            ids = [r["id"] for r in await connection.fetch(
                f"INSERT INTO identity_users ({', '.join(columns)}) SELECT {picked} "  # noqa: S608 - our own names
                "FROM identity_users t, generate_series(1, $1::int) g WHERE t.username = $2 RETURNING id",
                recipients, TEMPLATE_USER)]
            await connection.execute(
                "INSERT INTO notifications_devices (user_id, token, service, platform, device_name, created_at, "
                "updated_at, active) SELECT u, 'ExponentPushToken[fanout-' || u || ']', 'EXPO', 'ANDROID', "
                "'bench', now(), now(), true FROM unnest($1::bigint[]) u", ids)
            await connection.execute(
                "INSERT INTO notifications_preferences (user_id, kind, channel, active, frequency) "
                "SELECT u, 'ANNOUNCEMENT', 'EMAIL', false, 'IMMEDIATE' FROM unnest($1::bigint[]) u", ids)
        await connection.execute("ANALYZE identity_users; ANALYZE notifications_devices; "
                                 "ANALYZE notifications_preferences")
        return sorted(ids)
    finally:
        await connection.close()


async def deliveries(connection: asyncpg.Connection, bulk_id: str) -> dict[str, int]:
    rows = await connection.fetch(
        "SELECT status::text AS status, count(*) AS n FROM notifications_deliveries WHERE key LIKE $1 "
        "AND channel::text = 'PUSH' GROUP BY 1", f"bulk:{bulk_id}:%")
    return {r["status"]: int(r["n"]) for r in rows}


# --- the run ---------------------------------------------------------------------------------------------------------


async def bulk_send(base: str, url: str, ids: list[int], wait: float) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        logged = await client.post("/api/users/login/", json=ADMIN)
        if logged.status_code != 200:
            raise PhaseFailed(f"admin login: {logged.status_code} {logged.text}")
        auth = {"Authorization": f"Bearer {logged.json()['access']}"}
        body = {"template_id": ANNOUNCEMENT, "target_users": ids,
                "additional_data": {"title": "Fête de la musique", "message": "Rendez-vous ce soir place de l'Étoile"}}
        connection = await asyncpg.connect(url)
        try:
            started = time.perf_counter()
            answer = await client.post("/api/notifications/bulk-send/", json=body, headers=auth)
            answered = time.perf_counter() - started
            if answer.status_code not in (200, 201, 202):
                raise PhaseFailed(f"bulk-send: {answer.status_code} {answer.text[:500]}")
            job = answer.json()
            bulk_id, progress_url = str(job["job_id"]), str(job["progress_url"])
            progressed: float | None = None
            sent_at: float | None = None
            counts: dict[str, int] = {}
            progress: dict[str, Any] = {}
            deadline = started + wait
            while time.perf_counter() < deadline and (progressed is None or sent_at is None):
                if progressed is None:
                    read = await client.get(progress_url, headers=auth)
                    if read.status_code != 200:
                        raise PhaseFailed(f"progress: {read.status_code} {read.text[:500]}")
                    progress = read.json()
                    if float(progress["progression"]) >= 100:
                        progressed = time.perf_counter() - started
                counts = await deliveries(connection, bulk_id)
                if sent_at is None and counts.get("SENT", 0) >= len(ids):
                    sent_at = time.perf_counter() - started
                await asyncio.sleep(0.2)
            counts = await deliveries(connection, bulk_id)
            inbox = await connection.fetchval("SELECT count(*) FROM notifications_inbox WHERE key = $1",
                                              f"bulk:{bulk_id}")
        finally:
            await connection.close()
    return {"bulk_id": bulk_id, "post_answered_s": round(answered, 3), "progress_100_s": _round(progressed),
            "all_sent_s": _round(sent_at), "deliveries": counts, "inbox_entries": int(inbox), "progress": progress,
            "timed_out": sent_at is None or progressed is None}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


async def floor(expo_url: str, recipients: int, batch: int, jobs: int) -> float:
    """The same pushes through the same Expo sender, no database: chunks of one fan-out batch, `jobs` at once."""
    from adapters.push.expo import ExpoSender, ExpoSettings
    from application.notifications.channels import DeliveryKind, PushMessage

    sender = ExpoSender(ExpoSettings(base_url=expo_url))
    chunks = [range(start, min(start + batch, recipients)) for start in range(0, recipients, batch)]
    queue: asyncio.Queue[range] = asyncio.Queue()
    for chunk in chunks:
        queue.put_nowait(chunk)
    refused = 0

    async def job() -> None:
        nonlocal refused
        while not queue.empty():
            chunk = queue.get_nowait()
            outcomes = await sender.send([PushMessage(f"ExponentPushToken[floor-{n}]", "Fête de la musique",
                                                      "Rendez-vous ce soir place de l'Étoile",
                                                      data={"kind": "ANNOUNCEMENT"}, sound="default")
                                          for n in chunk])
            refused += sum(o.kind is not DeliveryKind.SENT for o in outcomes)

    started = time.perf_counter()
    try:
        await asyncio.gather(*(job() for _ in range(jobs)))
    finally:
        await sender.aclose()
    if refused:
        raise PhaseFailed(f"floor: {refused} pushes not accepted by the fake")
    return time.perf_counter() - started


def run(recipients: int, *, workers: int, concurrency: int, timeout: float) -> dict[str, Any]:
    from adapters.sql.database import libpq_url
    from entrypoints.bootstrap import database
    from entrypoints.settings import Settings

    local = datetime.now(UTC).astimezone(SPOTVIBE_ZONE).time()
    if local >= clock(22, 0) or local < clock(7, 0):
        raise PhaseFailed(f"it is {local:%H:%M} in Porto-Novo: quiet hours hold the pushes until 07:00 local; "
                          "run between 06:00 and 21:00 UTC")
    folder = Path(tempfile.mkdtemp(prefix="agora-fanout-", dir="/tmp"))
    secret = secrets.token_urlsafe(48)
    result: dict[str, Any] = {"recipients": recipients, "workers": workers, "worker_concurrency": concurrency,
                              "load_before": load()}
    try:
        with database(Settings(data_dir=folder, secret_key=secret, log_level="WARNING"), upgrade=True) as runtime, \
                fake_expo(folder) as (expo_url, fake):
            url = libpq_url(runtime.database_url)
            env = {**os.environ, "AGORA_DATA_DIR": str(folder), "DATABASE_URL": runtime.database_url,
                   "AGORA_SECRET_KEY": secret, "AGORA_LOG_LEVEL": "WARNING", "AGORA_PUSH": "live",
                   "AGORA_EXPO_BASE_URL": expo_url, "AGORA_LOGIN_LIMIT_PER_MINUTE": "1000000"}
            for username, email, role in (("fanout.admin", ADMIN["email"], "admin"),
                                          (TEMPLATE_USER, "fanout.template@spotvibe.test", "user")):
                _cli(env, "users", "create", "--realm", "spotvibe", "--username", username, "--email", email,
                     "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
            seeded = time.perf_counter()
            ids = asyncio.run(seed(url, recipients))
            result["seed_s"] = round(time.perf_counter() - seeded, 2)
            port = free_port()
            ours = _start("ours", [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port),
                                   "--workers", str(workers), "--worker-concurrency", str(concurrency)],
                          env, folder, port)
            try:
                _wait_healthy(ours)
                time.sleep(1.0)  # the worker process starts beside the API: give it its first poll
                idle = Peak({"service": ours.pid, "fake_expo": fake.pid})
                idle.sample()
                result["idle_mb"] = idle.mb()
                roots = {"service": ours.pid, "fake_expo": fake.pid, "postgres": _postmaster_pid(folder / "pg") or 0}
                children = [pid for pid in tree(ours.pid) if pid != ours.pid]
                before = tree_cpu(*roots.values(), *children)
                with Peak({"service": ours.pid, "fake_expo": fake.pid}) as peak:
                    result["ours"] = asyncio.run(bulk_send(ours.url, url, ids, timeout))
                after = tree_cpu(*roots.values(), *children)
                result["cpu_s"] = {name: round(after[pid] - before[pid], 1) for name, pid in roots.items()}
                result["cpu_s_by_service_process"] = {f"{pid} {command(pid)[-40:]}": round(after[pid] - before[pid], 1)
                                                      for pid in children}
                result["peak_mb"] = peak.mb()
                result["processes"] = peak.processes
            finally:
                _stop(ours)
            result["load_after_ours"] = load()
            result["floor_s"] = round(asyncio.run(floor(expo_url, recipients, 1000, concurrency)), 2)
            result["load_after_floor"] = load()
            if result["ours"]["timed_out"]:
                result["log_tail"] = (folder / "ours.log").read_text()[-3000:]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ours_run = result["ours"]
    sent = ours_run["deliveries"].get("SENT", 0)
    if ours_run["all_sent_s"]:
        result["pushes_per_s"] = round(sent / ours_run["all_sent_s"], 1)
        result["floor_pushes_per_s"] = round(recipients / result["floor_s"], 1)
        result["ratio_to_floor"] = round(ours_run["all_sent_s"] / result["floor_s"], 2)
    return result


def report(result: dict[str, Any]) -> str:
    ours = result["ours"]
    peak, idle = result["peak_mb"], result["idle_mb"]
    lines = [f"fan-out of {result['recipients']} recipients · load average {result['load_before']} before, "
             f"{result['load_after_ours']} after ours, {result['load_after_floor']} after the floor",
             f"  POST answered in {ours['post_answered_s']} s (seeding by SQL took {result['seed_s']} s)",
             f"  progress 100 % at {ours['progress_100_s']} s; all pushes SENT at {ours['all_sent_s']} s "
             f"(goal < 60 s); deliveries {ours['deliveries']}, inbox entries {ours['inbox_entries']}",
             f"  pushes/s: ours {result.get('pushes_per_s')} · floor {result.get('floor_pushes_per_s')} "
             f"(the Expo sender alone, no database: {result['floor_s']} s) · ours/floor wall time "
             f"{result.get('ratio_to_floor')}",
             f"  peak memory of the service (API + worker, {result['processes']['service']} processes; goal < 300 MB): "
             f"PSS {peak['pss_sum']['service']} MB (idle {idle['pss_sum']['service']}), RSS summed "
             f"{peak['rss_sum']['service']} MB (idle {idle['rss_sum']['service']}), largest process "
             f"{peak['largest_process']['service'][0]} MB ({peak['largest_process']['service'][1]})",
             f"  CPU seconds during the send: {result['cpu_s']}; service processes: "
             f"{result['cpu_s_by_service_process']}",
             f"  peak memory of the fake Expo: RSS {peak['rss_sum']['fake_expo']} MB (idle "
             f"{idle['rss_sum']['fake_expo']})"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1, help="API processes (the worker is one more)")
    parser.add_argument("--worker-concurrency", type=int, default=10, help="jobs the worker runs at once")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for every push")
    parser.add_argument("--output", type=Path, help="also write the result here (JSON)")
    parser.add_argument("--serve-fake", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake is not None:
        serve_fake(args.serve_fake)
        return
    result = run(args.recipients, workers=args.workers, concurrency=args.worker_concurrency, timeout=args.timeout)
    write_result("notifications_fanout", result)
    if args.output is not None:
        args.output.write_text(json.dumps(result, indent=2, default=str))
    print(report(result))
    print(json.dumps({k: v for k, v in result.items() if k != "log_tail"}, default=str))
    if result["ours"]["timed_out"]:
        print(result.get("log_tail", ""), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

