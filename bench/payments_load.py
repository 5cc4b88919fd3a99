"""Payments load driver, run on purpose (not part of the test suite).

The real app runs as `agora serve --workers N` runs it, on the embedded PostgreSQL: `--processes` API processes
(default one per core, each on uvloop with httptools, each binding its own socket to the one port with
SO_REUSEPORT) and the job worker in a process of its own (`--no-worker-process`: one in each API process's event
loop). `agora serve` itself cannot be used: with AGORA_PAYMENTS=fake it has no purpose owner yet (tickets and
subscriptions are not built), so every initiate would answer 400. The children therefore build the app with
`create_app(runtime, container=...)` and the DI override of tests/payments_support.py: a stand-in ticket owner
(ticket "1" costs 5000 XOF) and gateways pointed at the four fake providers, which run in a process of their own
(`--no-fakes-process`: threads of this one, sharing the load generator's GIL; Nagle's algorithm off, see
--fake-nagle) and reach the app over real HTTP at its public URL. Then:

1. initiate -> callback -> REUSSI: `--concurrency` payers each pay a ticket with MTN from an ordinary number (the
   fake approves at once and calls the webhook), poll the payment every `--poll` seconds until it is REUSSI, and
   pay again, for `--duration` seconds;
2. MTN webhook rate: `--callbacks` payments left EN_COURS (sandbox number 46733123454), settled at the fake with
   their callbacks held back, then each callback sent `--copies` times (shuffled, `--concurrency` at once) to
   /api/payments/webhooks/mtn/;
3. the same with Stripe's signed events at /webhooks/stripe/ (`--card-payments` checkout sessions completed at
   the fake).

Afterwards every payment of the three runs must be REUSSI with exactly one balanced settlement in the ledger
(the "ledger ok n/n" notes). The first phase's notes give the CPU milliseconds each part spent per settled
payment (and, with `--count-sql`, the statements the app sent per payment). `--profile FILE` writes a cProfile
of each app process's event loop to FILE.<role>.

    python3 -m uv run --frozen python bench/payments_load.py --duration 20 --concurrency 16 --callbacks 300 \
        --card-payments 150
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import logging
import os
import random
import secrets
import shutil
import signal
import socketserver
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from multiprocessing import Pipe, get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import httpx
import psutil
import uvicorn
import uvloop
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/payments_load.py` imports `tests`
from tests.payments_support import TicketsForSale, payments_override

from adapters.payments.fakes.local import LocalProviders
from adapters.payments.fakes.server import Delivery
from adapters.payments.fedapay import FedapayGateway, FedapaySettings
from adapters.payments.mtn import MtnGateway, MtnSettings
from adapters.payments.orange import OrangeGateway, OrangeSettings
from adapters.payments.registry import GatewayRegistry
from adapters.payments.stripe import StripeGateway, StripeSettings
from adapters.sql.database import make_engine
from adapters.sql.payments import tables
from adapters.sql.shared import tables as shared_tables
from bench.identity_load import free_port, percentile
from domain.payments.model import Account, PaymentMethod
from entrypoints.bootstrap import database
from entrypoints.di.container import make_container
from entrypoints.di.payments import callback_urls
from entrypoints.http.app import create_app
from entrypoints.runtime import Runtime
from entrypoints.server import reuse_port_socket
from entrypoints.settings import Settings
from entrypoints.worker import build_worker, start_worker, stop_worker

PASSWORD = "Bench-passw0rd!"
INITIATE = "/api/payments/initiate/"
TICKET = 1  # 5000 XOF at TicketsForSale, 10 % commission
ORDINARY = "+2290197000001"  # MTN fake: approved at once
PENDING = "+46733123454"  # MTN sandbox number: pending until settled at the fake
GatewaySettings = tuple[MtnSettings, OrangeSettings, FedapaySettings, StripeSettings]


@dataclass
class Measure:
    scenario: str
    count: int
    errors: int
    seconds: float
    rate: float
    p50_ms: float
    p99_ms: float
    notes: str = ""


@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    uuids: list[str] = field(default_factory=list)
    polls: int = 0

    def measure(self, scenario: str, seconds: float, notes: str = "") -> Measure:
        errors = sum(self.errors.values())
        if self.errors:
            notes = f"{notes}; errors: {dict(self.errors)}" if notes else f"errors: {dict(self.errors)}"
        return Measure(scenario, len(self.latencies), errors, round(seconds, 2),
                       round(len(self.latencies) / seconds, 1) if seconds else 0.0,
                       round(percentile(self.latencies, 0.5), 1), round(percentile(self.latencies, 0.99), 1), notes)


# ---------------------------------------------------------------- the app, in child processes

class _Server(uvicorn.Server):
    """uvicorn minus its signal handling (it re-raises the signal once stopped, before the worker is stopped);
    calls `announce` once it listens."""

    announce: Callable[[], None] = staticmethod(lambda: None)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.announce()


@dataclass(frozen=True)
class Role:
    """What one child runs: the API (with the job worker in its event loop, or not), or the worker alone."""

    api: bool
    worker: bool
    index: int = 0

    @property
    def name(self) -> str:
        return f"api{self.index}" + ("+worker" if self.worker else "") if self.api else "worker"


def serve_app(runtime: Runtime, gateways: GatewaySettings, port: int, role: Role, profile: str | None,
              count_sql: str | None, ready: Any) -> None:
    """A child process, on uvloop: the app (stand-in ticket owner, gateways pointed at the bench's fakes) on a
    socket of its own bound with SO_REUSEPORT to the shared port, and/or the job worker. Puts its role's name
    on `ready` once it serves."""
    dump = count_statements(f"{count_sql}.{role.name}") if count_sql is not None else None
    main = _serve_app(runtime, gateways, port, role, dump, lambda: ready.put(role.name))
    if profile is None:
        uvloop.run(main)
        return
    profiler = cProfile.Profile()  # the event loop's thread only
    try:
        profiler.runcall(uvloop.run, main)
    finally:
        profiler.dump_stats(f"{profile}.{role.name}")


def count_statements(path: str) -> Callable[[], None]:
    """Counts the statements this process sends (by kind), its transactions and pool checkouts; the function
    returned writes them to `path` (the app calls it on SIGUSR1)."""
    counts: Counter[str] = Counter()

    @event.listens_for(Engine, "before_cursor_execute")
    def statement(conn: Any, cursor: Any, text: str, *args: Any) -> None:
        counts[text.lstrip().split(None, 1)[0].upper()] += 1

    @event.listens_for(Engine, "begin")
    def begin(conn: Any) -> None:
        counts["BEGIN"] += 1

    @event.listens_for(Engine, "commit")
    def commit(conn: Any) -> None:
        counts["COMMIT"] += 1

    def checkout(*args: Any) -> None:
        counts["checkout"] += 1

    event.listen(Pool, "checkout", checkout)

    def dump() -> None:
        Path(path).write_text(json.dumps(counts))

    return dump


async def _serve_app(runtime: Runtime, settings: GatewaySettings, port: int, role: Role,
                     dump: Callable[[], None] | None, announce: Callable[[], None]) -> None:
    mtn, orange, fedapay, stripe = settings
    built: list[Any] = [MtnGateway(mtn), OrangeGateway(orange), FedapayGateway(fedapay), StripeGateway(stripe)]
    container = make_container(runtime, payments_override(GatewayRegistry(built), TicketsForSale()))
    worker = build_worker(runtime, container) if role.worker else None
    stop = asyncio.Event()
    server: _Server | None = None
    if role.api:
        app = create_app(runtime, container=container)
        logging.getLogger().setLevel(logging.WARNING)  # after Litestar's default logging config (INFO)
        server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_config=None,
                                        access_log=False, http="httptools", timeout_graceful_shutdown=10))

    def stopping() -> None:
        stop.set()
        if server is not None:
            server.should_exit = True

    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stopping)
    if dump is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, dump)
    worker_task = await start_worker(worker) if worker is not None else None
    try:
        if server is None:
            announce()
        else:
            server.announce = announce
            await server.serve(sockets=[reuse_port_socket("127.0.0.1", port)])
        if server is None:
            await stop.wait()
    finally:
        if worker is not None:
            await stop_worker(worker)
            await asyncio.gather(*[t for t in (worker_task,) if t is not None], return_exceptions=True)
        await container.close()
        for gateway in built:
            await gateway.aclose()


# ---------------------------------------------------------------- the fakes, in a process of their own

def serve_fakes(connection: Connection, webhooks: dict[PaymentMethod, str], callback_delay: float,
                nagle: bool) -> None:
    """The four fake providers (threads of this process), driven by the bench through `connection`."""
    socketserver.StreamRequestHandler.disable_nagle_algorithm = not nagle
    local = start_fakes(webhooks, callback_delay)
    connection.send(fake_settings(local))
    try:
        while True:
            command, argument = connection.recv()
            if command == "stop":
                break
            connection.send(FAKE_COMMANDS[command](local, argument))
    finally:
        local.stop()
        connection.close()


def start_fakes(webhooks: dict[PaymentMethod, str], callback_delay: float) -> LocalProviders:
    local = LocalProviders(moov_webhook=webhooks[PaymentMethod.MOOV],
                           stripe_webhook=webhooks[PaymentMethod.CARD]).start()
    local.mtn.behaviour.callback_delay = callback_delay
    return local


def fake_settings(local: LocalProviders) -> GatewaySettings:
    return local.mtn_settings(), local.orange_settings(), local.fedapay_settings(), local.stripe_settings()


def settle_pending_mtn(local: LocalProviders, _: Any) -> list[Delivery]:
    """Settles every MTN request to pay still pending; returns their callbacks, held back."""
    references = [ref for ref, t in list(local.mtn.transactions.items())
                  if t.kind == "requesttopay" and t.status == "PENDING"]
    return held_back(local.mtn, lambda: [local.mtn.settle(ref) for ref in references])


def complete_checkouts(local: LocalProviders, sessions: list[str]) -> list[Delivery]:
    """Completes these Stripe checkout sessions; returns their events, held back."""
    return held_back(local.stripe, lambda: [local.stripe.complete(sid) for sid in sessions])


FAKE_COMMANDS: dict[str, Callable[[LocalProviders, Any], Any]] = {
    "settle_pending_mtn": settle_pending_mtn, "complete_checkouts": complete_checkouts}


class Fakes:
    """The fakes as the load sees them: in this process (threads), or in their own (commands over a pipe)."""

    def __init__(self, webhooks: dict[PaymentMethod, str], callback_delay: float, nagle: bool,
                 own_process: bool) -> None:
        self.process: BaseProcess | None = None
        self._local: LocalProviders | None = None
        if own_process:
            self._pipe, child = Pipe()
            self.process = get_context("spawn").Process(target=serve_fakes, name="fakes",
                                                        args=(child, webhooks, callback_delay, nagle))
            self.process.start()
            self.settings: GatewaySettings = self._pipe.recv()
        else:
            socketserver.StreamRequestHandler.disable_nagle_algorithm = not nagle
            self._local = start_fakes(webhooks, callback_delay)
            self.settings = fake_settings(self._local)

    def call(self, command: str, argument: Any = None) -> Any:
        if self._local is not None:
            return FAKE_COMMANDS[command](self._local, argument)
        self._pipe.send((command, argument))
        return self._pipe.recv()

    def stop(self) -> None:
        if self._local is not None:
            self._local.stop()
        if self.process is not None:
            self._pipe.send(("stop", None))
            self.process.join(10)


# ---------------------------------------------------------------- the load

def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ticket(method: PaymentMethod, phone: str | None = None, email: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"type_paiement": "BILLET", "methode_paiement": method.value, "event_ticket_id": TICKET}
    if phone:
        body["telephone_paiement"] = phone
    if email:
        body["email"] = email
    return body


async def payer_tokens(client: httpx.AsyncClient, count: int) -> list[str]:
    async def one(n: int) -> str:
        email = f"payer{n}@bench.test"
        created = await client.post("/api/users/register/", json={"username": f"payer{n}", "email": email,
                                                                 "password": PASSWORD})
        if created.status_code != 201:
            raise RuntimeError(f"register failed: {created.status_code} {created.text}")
        logged = await client.post("/api/users/login/", json={"email": email, "password": PASSWORD})
        if logged.status_code != 200:
            raise RuntimeError(f"login failed: {logged.status_code} {logged.text}")
        return str(logged.json()["access"])

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def pay_and_wait(client: httpx.AsyncClient, token: str, stop: float, poll: float, give_up_after: float,
                       initiated: Samples, samples: Samples) -> None:
    """One payer: initiate an MTN ticket payment, poll it until REUSSI, again until `stop`."""
    headers = bearer(token)
    while time.perf_counter() < stop:
        started = time.perf_counter()
        response = await client.post(INITIATE, json=ticket(PaymentMethod.MTN, ORDINARY), headers=headers)
        initiated.latencies.append(time.perf_counter() - started)
        if response.status_code != 201:
            samples.errors[f"initiate {response.status_code}"] += 1
            await asyncio.sleep(poll)
            continue
        body = response.json()
        payment, status = body["payment_uuid"], body["statut"]
        while status != "REUSSI":
            if status not in ("EN_ATTENTE", "EN_COURS") or time.perf_counter() - started > give_up_after:
                samples.errors[f"ended {status}"] += 1
                break
            await asyncio.sleep(poll)
            detail = await client.get(f"/api/payments/{payment}/", headers=headers)
            samples.polls += 1
            if detail.status_code != 200:
                samples.errors[f"detail {detail.status_code}"] += 1
                break
            status = detail.json()["statut"]
        else:
            samples.latencies.append(time.perf_counter() - started)
            samples.uuids.append(payment)


async def initiate_many(client: httpx.AsyncClient, tokens: list[str], bodies: list[dict[str, Any]],
                        concurrency: int) -> tuple[Samples, list[dict[str, Any]], float]:
    """Initiates one payment per body, `concurrency` at once; returns the samples and the 201 bodies."""
    samples, created = Samples(), []
    work = deque(enumerate(bodies))

    async def loop() -> None:
        while work:
            n, body = work.popleft()
            started = time.perf_counter()
            response = await client.post(INITIATE, json=body, headers=bearer(tokens[n % len(tokens)]))
            if response.status_code != 201:
                samples.errors[f"initiate {response.status_code}"] += 1
                continue
            samples.latencies.append(time.perf_counter() - started)
            created.append(response.json())

    started = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return samples, created, time.perf_counter() - started


async def fire(client: httpx.AsyncClient, deliveries: list[Delivery], copies: int, concurrency: int
               ) -> tuple[Samples, float]:
    """Sends each held-back callback `copies` times, shuffled, `concurrency` at once."""
    shots = [d for d in deliveries for _ in range(copies)]
    random.shuffle(shots)
    work, samples = deque(shots), Samples()

    async def loop() -> None:
        while work:
            delivery = work.popleft()
            headers = {k: v for k, v in delivery.headers.items() if k.lower() != "content-length"}
            started = time.perf_counter()
            response = await client.post(delivery.url, content=delivery.body, headers=headers)
            if response.status_code != 200:
                samples.errors[f"webhook {response.status_code}"] += 1
                continue
            samples.latencies.append(time.perf_counter() - started)
            samples.outcomes[response.json().get("outcome", "?")] += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return samples, time.perf_counter() - started


def held_back(fake: Any, settle: Any) -> list[Delivery]:
    """The callbacks `settle()` makes the fake send, recorded but not delivered."""
    fake.drop_callbacks(True)
    mark = len(fake.deliveries)
    try:
        settle()
    finally:
        fake.drop_callbacks(False)
    return list(fake.deliveries[mark:])


async def check_ledger(database_url: str, uuids: list[str]) -> str:
    """Each payment REUSSI with one settlement (one `settle:` ledger transaction, balanced, collecting the amount)
    and no other ledger transaction; returns "ok n/n" or what is wrong."""
    engine = make_engine(database_url)
    p, entries = tables.payments, tables.ledger_entries
    try:
        async with engine.connect() as connection:
            payments = {str(row.uuid): row for row in await connection.execute(
                select(p.c.uuid, p.c.status, p.c.amount_minor).where(p.c.uuid.in_(uuids)))}
            rows = list(await connection.execute(
                select(entries.c.payment_uuid, entries.c.transaction_key, entries.c.account, entries.c.amount_minor)
                .where(entries.c.payment_uuid.in_(uuids))))
    finally:
        await engine.dispose()
    by_payment: dict[str, dict[str, list[Any]]] = {}
    for row in rows:
        by_payment.setdefault(str(row.payment_uuid), {}).setdefault(row.transaction_key, []).append(row)
    bad: Counter[str] = Counter()
    for uuid in uuids:
        payment, transactions = payments.get(uuid), by_payment.get(uuid, {})
        key = f"settle:{uuid}"
        if payment is None or str(payment.status) != "REUSSI":
            bad[f"status {payment.status if payment else None}"] += 1
        elif set(transactions) != {key}:
            bad[f"{len(transactions)} ledger transactions"] += 1
        elif sum(r.amount_minor for r in transactions[key]) != 0 or sum(
                r.amount_minor for r in transactions[key] if r.account == Account.COLLECTED) != payment.amount_minor:
            bad["unbalanced settlement"] += 1
    ok = len(uuids) - sum(bad.values())
    return f"ledger ok {ok}/{len(uuids)}" + (f" {dict(bad)}" if bad else "")


async def outbox_backlog(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            pending = shared_tables.outbox.c.dispatched_at.is_(None)
            rows = await connection.execute(select(shared_tables.outbox.c.id).where(pending))
            return len(list(rows))
    finally:
        await engine.dispose()


async def run(args: argparse.Namespace, runtime: Runtime, url: str, fakes: Fakes, cpu: CpuMeter) -> list[Measure]:
    limits = httpx.Limits(max_connections=args.concurrency + 4)
    results: list[Measure] = []
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        for _ in range(120):
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/health")).status_code == 200:
                    break
            await asyncio.sleep(0.5)
        tokens = await payer_tokens(client, args.concurrency)

        # 1. initiate -> callback -> REUSSI
        initiated, settled = Samples(), Samples()
        cpu.start()
        print(f"initiate -> REUSSI for {args.duration} s", file=sys.stderr, flush=True)
        started = time.perf_counter()
        stop = started + args.duration
        await asyncio.gather(*(pay_and_wait(client, token, stop, args.poll, args.settle_timeout, initiated, settled)
                               for token in tokens))
        elapsed = time.perf_counter() - started
        costs = cpu.stop(len(settled.uuids))
        results.append(initiated.measure("initiate MTN (approved at once)", elapsed))
        results.append(settled.measure(
            f"initiate -> REUSSI ({args.concurrency} payers)", elapsed,
            f"{settled.polls / max(1, len(settled.uuids)):.1f} polls/payment; "
            f"{await check_ledger(runtime.database_url, settled.uuids)}; "
            f"outbox backlog {await outbox_backlog(runtime.database_url)}; CPU ms/payment: {costs}"))

        # 2. MTN callbacks of payments left pending, with duplicates
        if args.callbacks:
            pending, created, seconds = await initiate_many(
                client, tokens, [ticket(PaymentMethod.MTN, PENDING)] * args.callbacks, args.concurrency)
            results.append(pending.measure("initiate MTN (left pending)", seconds))
            deliveries = fakes.call("settle_pending_mtn")
            callbacks, seconds = await fire(client, deliveries, args.copies, args.concurrency)
            uuids = [body["payment_uuid"] for body in created]
            results.append(callbacks.measure(
                f"MTN callbacks x{args.copies}", seconds,
                f"{dict(callbacks.outcomes)}; {await check_ledger(runtime.database_url, uuids)}"))

        # 3. Stripe's signed events, with duplicates
        if args.card_payments:
            cards, created, seconds = await initiate_many(
                client, tokens, [ticket(PaymentMethod.CARD, email=f"card{n}@bench.test")
                                 for n in range(args.card_payments)], args.concurrency)
            results.append(cards.measure("initiate card (checkout)", seconds))
            sessions = [body["payment_url"].rsplit("/", 1)[-1] for body in created]
            deliveries = fakes.call("complete_checkouts", sessions)
            events, seconds = await fire(client, deliveries, args.copies, args.concurrency)
            uuids = [body["payment_uuid"] for body in created]
            results.append(events.measure(
                f"Stripe events x{args.copies}", seconds,
                f"{dict(events.outcomes)}; {await check_ledger(runtime.database_url, uuids)}"))
    return results


def print_table(results: list[Measure]) -> None:
    print(f"| {'scenario':34} | {'count':>6} | {'per s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>6} | notes |")
    print(f"|{'-' * 36}|{'-' * 7}:|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 7}:|-------|")
    for m in results:
        print(f"| {m.scenario:34} | {m.count:6d} | {m.rate:7.1f} | {m.p50_ms:7.1f} | {m.p99_ms:7.1f} | "
              f"{m.errors:6d} | {m.notes} |")


class CpuMeter:
    """CPU seconds each part used between `start` and `stop` (the app's processes, the embedded PostgreSQL,
    the fakes, this load generator), and, with --count-sql, the statements the app sent; per settled payment."""

    def __init__(self, data_dir: Path, apps: Sequence[tuple[str, BaseProcess]], fakes: BaseProcess | None,
                 count_sql: str | None) -> None:
        self._data_dir = data_dir
        self._apps = apps
        self._fakes = fakes
        self._count_sql = count_sql
        self._before: dict[str, dict[int, float]] = {}
        self._sql_before: Counter[str] = Counter()

    def _parts(self) -> dict[str, list[psutil.Process]]:
        postgres = [p for p in psutil.process_iter(["name", "cmdline"])
                    if p.info["name"] == "postgres" and str(self._data_dir) in " ".join(p.info["cmdline"] or [])]
        parts = {name: [psutil.Process(p.pid)] for name, p in self._apps if p.pid}
        parts |= {"postgres": [*postgres, *(c for p in postgres for c in p.children(recursive=True))],
                 "load": [psutil.Process()]}
        if self._fakes is not None and self._fakes.pid:
            parts["fakes"] = [psutil.Process(self._fakes.pid)]
        return parts

    def _sample(self) -> dict[str, dict[int, float]]:
        sample: dict[str, dict[int, float]] = {}
        for part, processes in self._parts().items():
            sample[part] = {}
            for process in processes:
                with contextlib.suppress(psutil.Error):
                    times = process.cpu_times()
                    sample[part][process.pid] = times.user + times.system
        return sample

    def _sql(self) -> Counter[str]:
        total: Counter[str] = Counter()
        if self._count_sql is None:
            return total
        for name, process in self._apps:
            path = Path(f"{self._count_sql}.{name}")
            path.unlink(missing_ok=True)
            if process.pid:
                os.kill(process.pid, signal.SIGUSR1)
            for _ in range(100):
                if path.exists() and path.stat().st_size:
                    break
                time.sleep(0.02)
            with contextlib.suppress(OSError, ValueError):
                total.update(json.loads(path.read_text()))
        return total

    def start(self) -> None:
        self._sql_before = self._sql()
        self._before = self._sample()

    def stop(self, payments: int) -> str:
        after, n = self._sample(), max(1, payments)
        costs = {part: sum(t - self._before.get(part, {}).get(pid, 0.0) for pid, t in pids.items())
                 for part, pids in after.items()}
        text = ", ".join(f"{part} {seconds * 1000 / n:.1f}" for part, seconds in costs.items())
        if self._count_sql is not None:
            sql = self._sql()
            sql.subtract(self._sql_before)
            text += "; statements/payment: " + ", ".join(
                f"{kind} {count / n:.1f}" for kind, count in sql.most_common() if count > 0)
        return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of initiate -> REUSSI")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent payers, and callbacks in flight")
    parser.add_argument("--poll", type=float, default=0.02, help="seconds between two reads of a payment")
    parser.add_argument("--settle-timeout", type=float, default=10.0, help="a payment not REUSSI by then is an error")
    parser.add_argument("--callback-delay", type=float, default=0.0,
                        help="seconds the MTN fake waits before it calls the webhook (the fake's default: 0.05)")
    parser.add_argument("--callbacks", type=int, default=300, help="pending MTN payments whose callbacks are fired")
    parser.add_argument("--card-payments", type=int, default=150, help="card payments whose Stripe events are fired")
    parser.add_argument("--copies", type=int, default=2, help="times each callback is sent (duplicates)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="API processes on the one port (SO_REUSEPORT); default one per core")
    parser.add_argument("--worker-process", action=argparse.BooleanOptionalAction, default=True,
                        help="the job worker in a process of its own (as `agora serve --workers N`), or, with "
                             "--no-worker-process, in each API process's event loop")
    parser.add_argument("--no-worker", action="store_true", help="run no job worker at all")
    parser.add_argument("--fakes-process", action=argparse.BooleanOptionalAction, default=True,
                        help="the fake providers in a process of their own, or in this one's threads (sharing "
                             "its GIL with the load generator)")
    parser.add_argument("--profile", metavar="FILE",
                        help="write each app process's cProfile (event loop) to FILE.<role>")
    parser.add_argument("--count-sql", action="store_true", help="count the statements the app sends per payment")
    parser.add_argument("--fake-nagle", action="store_true",
                        help="leave Nagle's algorithm on in the fakes (each answer with a body then waits ~40 ms)")
    args = parser.parse_args()
    # The fakes answer a keep-alive request in two writes (headers, then body): with Nagle's algorithm on, the body
    # waits for the client's delayed ACK (~40 ms on Linux). Real providers do not add that to every call.

    data_dir = Path(tempfile.mkdtemp(prefix="agora-bench-", dir="/tmp"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(
        data_dir=data_dir, secret_key=secrets.token_urlsafe(48), public_url=url, log_level="WARNING",
        login_limit_per_minute=1_000_000, payments_return_url="https://spotvibe.example/paiements/retour",
        payments_cancel_url="https://spotvibe.example/paiements/annule",
        reconcile_after_seconds=3600)  # the reconciler must leave the pending payments to their callbacks
    fakes = Fakes(callback_urls(settings), args.callback_delay, args.fake_nagle, args.fakes_process)
    roles = [Role(api=True, worker=not args.worker_process and not args.no_worker, index=i)
             for i in range(args.processes)]
    if args.worker_process and not args.no_worker:
        roles.append(Role(api=False, worker=True))
    count_sql = str(data_dir / "statements") if args.count_sql else None
    load_before = os.getloadavg()
    try:
        with database(settings) as runtime:
            spawn = get_context("spawn")
            ready = spawn.Queue()
            children = [(role.name, spawn.Process(target=serve_app, name=role.name, args=(
                runtime, fakes.settings, port, role, args.profile, count_sql, ready))) for role in roles]
            for _, child in children:
                child.start()
            try:
                for _ in children:  # every API process listens before the first connection (SO_REUSEPORT spreads
                    ready.get(timeout=180)  # connections over the sockets bound when they are opened)
                cpu = CpuMeter(data_dir, children, fakes.process, count_sql)
                results = asyncio.run(run(args, runtime, url, fakes, cpu))
            finally:
                for _, child in children:
                    child.terminate()
                for _, child in children:
                    child.join(30)
                    if child.is_alive():
                        child.kill()
    finally:
        fakes.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    worker = ("no worker" if args.no_worker else "the worker in its own process" if args.worker_process
              else "a worker in each API process")
    print(f"{os.cpu_count()} CPUs; load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; "
          f"{args.processes} API processes, {worker}; fakes in "
          f"{'their own process' if args.fakes_process else 'the load generator'}; "
          f"MTN callback delay {args.callback_delay} s")
    print_table(results)
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    context = {"load_average": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
               "api_processes": args.processes, "worker": worker, "fakes_process": args.fakes_process}
    (out / "payments_load.json").write_text(json.dumps([asdict(m) | context for m in results], indent=2))


if __name__ == "__main__":
    main()
