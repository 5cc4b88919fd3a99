"""Ticketing load benchmark, run on purpose (not part of the test suite): a rush on one event's seats, and the
catalogue's list on 10,000 published events, each against the floor (bench/floor.py) measured in the same run.

The service runs as `agora serve --workers N` runs it (N API processes, the job worker in its own process, the
fake payment providers in the supervisor), with `AGORA_PAYMENTS=fake`, on the embedded PostgreSQL; the floor on
the same database. Accounts are made through the register endpoint at a cheap argon2 cost (setup, not measured).

(a) Rush: `--rounds` times, an event (PAYANT, 5 000 XOF) with `--seats` seats and `--buyers` buyers let go at
    once, each `POST /api/events/tickets/purchase/` for 1 ticket with MTN from an ordinary number (the fake approves
    at once and calls the webhook), then, as bench/payments_load.py does, polling its payment every `--poll` s until
    REUSSI and its ticket in `my-tickets` until PAYE. Reports seats sold (tickets PAYE and the quota's sold count,
    read from PostgreSQL: must equal the seats, an ERROR otherwise), settled purchases per second (tickets PAYE
    over the time from the rush's start to the last one), the p99 of the purchase request (all of them, and the 201s
    alone), and the CPU each part spent per settled purchase (API processes, worker, supervisor with the fakes,
    PostgreSQL, this load generator).
(b) List: wrk (16 connections) `GET /api/events/` and `?search=jazz` on 10,000 VALIDE events (one SQL insert),
    interleaved with the floor's GET profile.

Ratios are ours ÷ the floor's GET profile req/s in the same run (the floor: one JWT check and one read).

    uv run --frozen python -m bench.ticketing_load --duration 5 --rounds 2 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil

from bench.events_read import fill
from bench.harness import (
    PASSWORD,
    RESULTS,
    PhaseFailed,
    Row,
    Server,
    Side,
    Wrk,
    _postmaster_pid,
    _start,
    _stop,
    _wait_healthy,
    free_port,
    load,
    machine,
    percentile,
    table,
    tree_cpu,
    write_result,
)

PURCHASE = "/api/events/tickets/purchase/"
ORDINARY = "+2290197000001"  # MTN fake: approved at once
CONNECTIONS = 16
SETUP_CONCURRENCY = 32
PRICE_MINOR = 5000
# Each process's pools reach 30 (ORM) + 10 (reads) + the queue's connections: with 2 API processes, the worker
# and the floor that is more than PostgreSQL's default 100, and a rush then gets "too many clients" (500s).
PG_MAX_CONNECTIONS = 300


@dataclass
class Ticketing:
    folder: Path
    database_url: str
    pg_pid: int | None
    workers: int
    ours: Server
    floor: Server
    token: str
    buyers: list[str] = field(default_factory=list)


@contextmanager
def ticketing_stack(*, workers: int | None, buyers: int, pg_max_connections: int | None) -> Iterator[Ticketing]:
    """The embedded PostgreSQL (its `max_connections` raised when asked), `agora serve --workers N` with its
    worker and the fake providers, the floor, and the accounts: the floor's bench account and `buyers` buyers,
    logged in."""
    from entrypoints.bootstrap import database
    from entrypoints.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="agora-bench-ticketing-", dir="/tmp"))
    secret = secrets.token_urlsafe(48)
    count = workers or (os.cpu_count() or 1)
    settings = Settings(data_dir=folder, secret_key=secret, log_level="WARNING")
    try:
        if pg_max_connections:
            with database(settings, upgrade=True) as runtime:  # set, then restarted below with it
                asyncio.run(_execute(runtime.database_url, f"ALTER SYSTEM SET max_connections = {pg_max_connections}"))
        with database(settings, upgrade=True) as runtime:
            env = {**os.environ, "AGORA_DATA_DIR": str(folder), "DATABASE_URL": runtime.database_url,
                   "AGORA_SECRET_KEY": secret, "AGORA_LOGIN_LIMIT_PER_MINUTE": "1000000",
                   "AGORA_LOG_LEVEL": "WARNING", "AGORA_ACCESS_LOG": "0", "AGORA_PAYMENTS": "fake",
                   # accounts are setup here, not what is measured
                   "AGORA_ARGON2_TIME_COST": "1", "AGORA_ARGON2_MEMORY_KIB": "1024",
                   # the reconciler must leave the payments to their callbacks
                   "AGORA_RECONCILE_AFTER_SECONDS": "3600"}
            ours_port, floor_port = free_port(), free_port()
            ours = _start("ours", [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(ours_port),
                                   "--workers", str(count)], env, folder, ours_port)
            floor = _start("floor", [sys.executable, "-m", "bench.floor", "--port", str(floor_port), "--workers",
                                     str(count)], env, folder, floor_port)
            try:
                _wait_healthy(ours)
                _wait_healthy(floor)
                tokens = asyncio.run(accounts(ours.url, buyers))
                yield Ticketing(folder, runtime.database_url, _postmaster_pid(folder / "pg"), count, ours, floor,
                                tokens[0], tokens[1:])
            finally:
                _stop(ours)
                _stop(floor)
                RESULTS.mkdir(parents=True, exist_ok=True)
                for server in (ours, floor):  # kept: a failed rush is read there
                    shutil.copyfile(server.log, RESULTS / f"ticketing_load.{server.name}.log")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _execute(database_url: str, statement: str) -> None:
    from adapters.sql.database import libpq_url

    connection = await asyncpg.connect(libpq_url(database_url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def accounts(url: str, buyers: int) -> list[str]:
    """Registers and logs in `bench@spotvibe.test` (the floor's profile) and `buyers` buyers; their tokens."""
    names = ["bench", *(f"buyer{n}" for n in range(buyers))]
    tokens: list[str] = [""] * len(names)
    limit = asyncio.Semaphore(SETUP_CONCURRENCY)

    async def one(client: httpx.AsyncClient, n: int) -> None:
        email = f"{names[n]}@spotvibe.test"
        async with limit:
            created = await client.post("/api/users/register/", json={
                "username": names[n], "email": email, "password": PASSWORD, "password_confirm": PASSWORD})
            if created.status_code != 201:
                raise PhaseFailed(f"register {email}: {created.status_code} {created.text}")
            logged = await client.post("/api/users/login/", json={"email": email, "password": PASSWORD})
            if logged.status_code != 200:
                raise PhaseFailed(f"login {email}: {logged.status_code} {logged.text}")
            tokens[n] = str(logged.json()["access"])

    limits = httpx.Limits(max_connections=SETUP_CONCURRENCY)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        await asyncio.gather(*(one(client, n) for n in range(len(names))))
    return tokens


# --- (a) the rush ------------------------------------------------------------------------------------------------


async def new_event(database_url: str, seats: int) -> int:
    """One published paid event of the bench account with `seats` seats, starting tomorrow."""
    from adapters.sql.database import libpq_url

    now = datetime.now(UTC)
    connection = await asyncpg.connect(libpq_url(database_url))
    try:
        creator = await connection.fetchval("SELECT id FROM identity_users WHERE email = 'bench@spotvibe.test'")
        return int(await connection.fetchval(
            "INSERT INTO ticketing_events (creator_id, title, short_description, description, starts_at, ends_at, "
            "venue, address, category_id, access_type, price_minor, currency, capacity, status, view_count, "
            "share_count, created_at, updated_at) VALUES ($1, 'Concert rush', 'Résumé', 'Cent places.', $2, $3, "
            "'Parc Central', 'Cotonou', 1, 'PAYANT', $4, 'XOF', $5, 'VALIDE', 0, 0, $6, $6) RETURNING id",
            creator, now + timedelta(days=1), now + timedelta(days=1, hours=4), PRICE_MINOR, seats, now))
    finally:
        await connection.close()


async def seats_sold(database_url: str, event_id: int) -> tuple[int, int, int]:
    """(tickets PAYE, the quotas' sold count, seats still held) of the event, from PostgreSQL."""
    from adapters.sql.database import libpq_url

    connection = await asyncpg.connect(libpq_url(database_url))
    try:
        paid = await connection.fetchval(
            "SELECT count(*) FROM ticketing_sales_tickets WHERE event_id = $1 AND status = 'PAYE'", event_id)
        sold, held = await connection.fetchrow(
            "SELECT coalesce(sum(q.sold), 0), coalesce(sum(q.held), 0) FROM ticketing_sales_ticket_types t "
            "JOIN ticketing_sales_quotas q ON q.id = t.quota_id WHERE t.event_id = $1", event_id)
        return int(paid), int(sold), int(held)
    finally:
        await connection.close()


@dataclass
class Rush:
    started: float = 0.0
    purchase: list[float] = field(default_factory=list)  # every purchase request
    accepted: list[float] = field(default_factory=list)  # the 201s
    settle: list[float] = field(default_factory=list)  # from the rush's start to the buyer seeing PAYE
    last_settled: float = 0.0
    answers: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    polls: int = 0


async def poll_get(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> httpx.Response:
    """A poll (idempotent): sent again once when the server closed the kept-alive connection as it was reused
    (uvicorn closes connections idle for 5 s; many sit in the pool after a rush)."""
    try:
        return await client.get(url, headers=headers)
    except httpx.RemoteProtocolError:
        return await client.get(url, headers=headers)


async def buyer(client: httpx.AsyncClient, token: str, event_id: int, gate: asyncio.Event, rush: Rush,
                poll: float, give_up: float) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    body = {"event_id": event_id, "quantity": 1, "payment_method": "MOMO_MTN", "phone_number": ORDINARY}
    await gate.wait()
    sent = time.perf_counter()
    try:
        answer = await client.post(PURCHASE, json=body, headers=headers)
    except httpx.HTTPError as error:
        rush.errors[f"purchase {type(error).__name__}"] += 1
        return
    rush.purchase.append(time.perf_counter() - sent)
    rush.answers[str(answer.status_code)] += 1
    if answer.status_code != 201:
        if answer.status_code != 400:  # 400: sold out, the expected answer for most buyers
            rush.errors[f"purchase {answer.status_code}"] += 1
        return
    rush.accepted.append(time.perf_counter() - sent)
    created = answer.json()
    payment, ticket = created["payment_uuid"], created["billets"][0]
    status = "EN_ATTENTE"
    while status != "REUSSI":
        if status not in ("EN_ATTENTE", "EN_COURS") or time.perf_counter() - sent > give_up:
            rush.errors[f"payment ended {status}"] += 1
            return
        await asyncio.sleep(poll)
        try:
            detail = await poll_get(client, f"/api/payments/{payment}/", headers)
        except httpx.HTTPError as error:
            rush.errors[f"payment detail {type(error).__name__}"] += 1
            return
        rush.polls += 1
        if detail.status_code != 200:
            rush.errors[f"payment detail {detail.status_code}"] += 1
            return
        status = detail.json()["statut"]
    while True:  # the ticket is issued by the settlement job, after the payment's REUSSI
        try:
            mine = await poll_get(client, "/api/events/my-tickets/", headers)
        except httpx.HTTPError as error:
            rush.errors[f"my-tickets {type(error).__name__}"] += 1
            return
        rush.polls += 1
        if mine.status_code != 200:
            rush.errors[f"my-tickets {mine.status_code}"] += 1
            return
        if any(t["uuid"] == ticket and t["statut"] == "PAYE" for t in mine.json()):
            break
        if time.perf_counter() - sent > give_up:
            rush.errors["ticket never PAYE"] += 1
            return
        await asyncio.sleep(poll)
    now = time.perf_counter()
    rush.settle.append(now - rush.started)
    rush.last_settled = max(rush.last_settled, now)


class CpuParts:
    """CPU seconds of each part of the stack: the supervisor (its own process: the fake providers' threads), its
    API children, its worker (the last child it starts), PostgreSQL's tree, and this load generator."""

    def __init__(self, ours: int, pg_pid: int | None) -> None:
        self._ours = ours
        self._pg = pg_pid

    def sample(self) -> dict[str, float]:
        def cpu(process: psutil.Process) -> float:
            try:
                times = process.cpu_times()
            except psutil.Error:
                return 0.0
            return float(times.user + times.system)

        parts: dict[str, float] = {}
        supervisor = psutil.Process(self._ours)
        children = sorted(supervisor.children(), key=lambda p: p.create_time())
        parts["supervisor+fakes"] = cpu(supervisor)
        parts["api"] = sum(cpu(c) for c in children[:-1])
        parts["worker"] = sum(cpu(c) for c in children[-1:])
        if self._pg is not None:  # with the backends that ended (the postmaster reaped them)
            parts["postgres"] = tree_cpu(self._pg)[self._pg]
        parts["load generator"] = cpu(psutil.Process())
        return parts


async def rush_round(stack: Ticketing, *, seats: int, poll: float, give_up: float) -> dict[str, Any]:
    event_id = await new_event(stack.database_url, seats)
    rush, gate = Rush(), asyncio.Event()
    meter = CpuParts(stack.ours.pid, stack.pg_pid)
    limits = httpx.Limits(max_connections=len(stack.buyers), max_keepalive_connections=len(stack.buyers))
    load_before = load()
    async with httpx.AsyncClient(base_url=stack.ours.url, limits=limits, timeout=120) as client:
        buyers = [asyncio.create_task(buyer(client, token, event_id, gate, rush, poll, give_up))
                  for token in stack.buyers]
        await asyncio.sleep(0)  # every buyer waits at the gate
        cpu_before = meter.sample()
        rush.started = time.perf_counter()
        gate.set()
        await asyncio.gather(*buyers)
        cpu_after = meter.sample()
    paid, sold, held = await seats_sold(stack.database_url, event_id)
    settled = len(rush.settle)
    seconds = (rush.last_settled - rush.started) if settled else 0.0
    cpu = {part: round((cpu_after[part] - cpu_before[part]) * 1000 / max(1, settled), 1) for part in cpu_after}
    return {"event_id": event_id, "buyers": len(stack.buyers), "seats": seats, "tickets_paid": paid,
            "quota_sold": sold, "quota_held": held, "settled": settled, "seconds_to_last_settled": round(seconds, 3),
            "settled_per_s": round(settled / seconds, 1) if seconds else 0.0,
            "purchase_p50_ms": round(percentile(rush.purchase, 0.5), 1),
            "purchase_p99_ms": round(percentile(rush.purchase, 0.99), 1),
            "accepted_p99_ms": round(percentile(rush.accepted, 0.99), 1),
            "settle_p99_ms": round(percentile(rush.settle, 0.99), 1),
            "answers": dict(rush.answers), "errors": dict(rush.errors),
            "polls_per_settled": round(rush.polls / max(1, settled), 1),
            "cpu_ms_per_settled": cpu, "load_before": load_before, "load_after": load()}


def floor_profile(stack: Ticketing, wrk: Wrk, duration: float) -> Any:
    return wrk.measure(stack.floor.url + "/api/users/profile/", connections=CONNECTIONS, duration=duration,
                       cpu_of=stack.floor.pid, pg_pid=stack.pg_pid, token=stack.token)


def rush_rows(rounds: list[dict[str, Any]], floor: Side) -> list[Row]:
    rows = []
    reference = floor.rps
    for n, r in enumerate(rounds, 1):
        exact = r["tickets_paid"] == r["seats"] == r["quota_sold"]
        notes = (f"{r['buyers']} buyers, {r['seats']} seats: sold {r['tickets_paid']} PAYE / quota {r['quota_sold']}"
                 f" (held {r['quota_held']}); answers {r['answers']}; {r['polls_per_settled']} polls/settled; "
                 f"CPU ms/settled {r['cpu_ms_per_settled']}; load {r['load_before']} -> {r['load_after']}")
        if not exact:
            notes = f"ERROR: {r['tickets_paid']} tickets PAYE, quota sold {r['quota_sold']}, not {r['seats']}; {notes}"
        if r["errors"]:
            notes += f"; FAILED errors {r['errors']}"
        rows.append(Row(
            benchmark=f"rush {n}: settled purchases (per s)", ours=f"{r['settled_per_s']:.1f}",
            reference=f"{reference:,.0f} (floor profile)",
            ratio=f"{r['settled_per_s'] / reference:.4f}× floor; {r['settled_per_s'] / 300:.2f} of goal 300"
            if reference else "—",
            p50=f"{r['purchase_p50_ms']:.0f}",
            p99=f"{r['purchase_p99_ms']:.0f} (201s {r['accepted_p99_ms']:.0f})",
            cpu=" + ".join(f"{v}" for v in r["cpu_ms_per_settled"].values()), notes=notes,
            failed=not exact or bool(r["errors"])))
    return rows


# --- (b) the list -------------------------------------------------------------------------------------------------


def list_phases(stack: Ticketing, wrk: Wrk, *, duration: float, rounds: int) -> tuple[list[Row], dict[str, Any]]:
    asyncio.run(fill(stack.database_url))
    phases: dict[str, tuple[str, str | None, int]] = {
        "GET /api/events/ (page 1 of 10,000)": (stack.ours.url + "/api/events/", None, stack.ours.pid),
        "GET /api/events/?search=jazz": (stack.ours.url + "/api/events/?search=jazz", None, stack.ours.pid),
        "reference: floor GET profile": (stack.floor.url + "/api/users/profile/", stack.token, stack.floor.pid),
    }
    for url, bearer, _ in phases.values():  # warm up: pools filled, statements prepared
        Wrk.finish(wrk.start(url, connections=CONNECTIONS, duration=1, token=bearer), 1)
    sides = {name: Side() for name in phases}
    for _ in range(rounds):
        for name, (url, bearer, pid) in phases.items():
            sides[name].runs.append(wrk.measure(url, connections=CONNECTIONS, duration=duration, cpu_of=pid,
                                                pg_pid=stack.pg_pid, token=bearer))
    reference = sides["reference: floor GET profile"].rps
    rows = []
    for name, side in sides.items():
        errors = {k: v for r in side.runs for k, v in r.errors.items() if v}
        goal = f"; {side.rps / 1500:.2f} of goal 1,500" if name.startswith("GET /api/events/ (") else ""
        rows.append(Row(
            benchmark=f"{name} (req/s)", ours=f"{side.rps:,.0f}", reference=f"{reference:,.0f} (floor profile)",
            ratio=(f"{side.rps / reference:.2f}× floor" if reference else "—") + goal,
            p50=f"{side.mean('p50_ms'):.2f}", p99=f"{side.mean('p99_ms'):.2f}",
            cpu=f"{side.mean('cpu_ms_per_request'):.2f} (PG {side.mean('pg_cpu_ms_per_request'):.2f})",
            notes=f"load {side.runs[-1].load}" + (f"; FAILED errors {errors}" if side.failed else ""),
            failed=side.failed))
    return rows, {name: side.summary() for name, side in sides.items()}


# --- the whole run ------------------------------------------------------------------------------------------------


def run(*, duration: float, rounds: int, workers: int | None, buyers: int, seats: int, poll: float = 0.02,
        give_up: float = 60.0, pg_max_connections: int | None = PG_MAX_CONNECTIONS
        ) -> tuple[list[Row], dict[str, Any], int]:
    """Both parts in one stack; returns the table's rows, the raw figures, and the process count."""
    with ticketing_stack(workers=workers, buyers=buyers, pg_max_connections=pg_max_connections) as s:
        wrk = Wrk(s.folder)
        Wrk.finish(wrk.start(s.floor.url + "/api/users/profile/", connections=CONNECTIONS, duration=1,
                             token=s.token), 1)
        floor = Side()
        rushes = []
        asyncio.run(rush_round(s, seats=seats, poll=poll, give_up=give_up))  # warm-up: pools, prepared statements
        for _ in range(rounds):  # interleaved: floor, rush, floor, rush...
            floor.runs.append(floor_profile(s, wrk, duration))
            rushes.append(asyncio.run(rush_round(s, seats=seats, poll=poll, give_up=give_up)))
        floor.runs.append(floor_profile(s, wrk, duration))
        rows = rush_rows(rushes, floor)
        list_rows, listed = list_phases(s, wrk, duration=duration, rounds=rounds)
        return rows + list_rows, {"rush": rushes, "rush_floor": floor.summary(), "list": listed}, s.workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="rushes (and interleaved list rounds)")
    parser.add_argument("--workers", type=int, help="API processes (default: one per core)")
    parser.add_argument("--buyers", type=int, default=1000, help="buyers let go at once per rush")
    parser.add_argument("--seats", type=int, default=100, help="seats of each rush's event")
    parser.add_argument("--poll", type=float, default=0.02, help="seconds between a buyer's two polls")
    parser.add_argument("--pg-max-connections", type=int, default=PG_MAX_CONNECTIONS,
                        help="the embedded PostgreSQL's max_connections (0: its default, 100)")
    args = parser.parse_args()
    before = load()
    try:
        rows, result, processes = run(duration=args.duration, rounds=args.rounds, workers=args.workers,
                                      buyers=args.buyers, seats=args.seats, poll=args.poll,
                                      pg_max_connections=args.pg_max_connections or None)
    except PhaseFailed as failure:
        sys.exit(str(failure))
    info = machine(load_before=before, server="uvicorn", processes=processes)
    write_result("ticketing_load", {"machine": info, **result})
    print(table(rows, info))
    print("\nCPU ms/settled: supervisor+fakes + API + worker + PostgreSQL + load generator. "
          f"Raw figures: bench/results/ticketing_load.json ({json.dumps(info['load_after'])} load after)")
    for row in rows:
        if row.notes.startswith("ERROR"):
            print(f"\n{row.notes}", file=sys.stderr)
    if any(row.failed for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
