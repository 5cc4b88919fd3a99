"""Login benchmark, run on purpose (not part of the test suite): logins per second against the hash alone.

On the stack of `bench.harness` (our service on the embedded PostgreSQL), 16 clients post SpotVibe logins for
`--duration` seconds, each then waiting for its last answer: one account (all on one row), then 16 accounts in
turn. Beside them, in the same run, the argon2id verification alone at the production cost (`Settings`' argon2
defaults, the parameters `Argon2PasswordHasher` is built with), one process per core: the most logins the machine
could do. The report shows logins/s ÷ hashes/s.

    python3 -m uv run --frozen python -m bench.login_load --duration 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from multiprocessing import get_context
from typing import Any

from bench.harness import (
    LOGIN_ACCOUNTS,
    LOGIN_PATH,
    PASSWORD,
    Row,
    Stack,
    WrkRun,
    load,
    login_bodies,
    machine,
    post_logins,
    stack,
    table,
    tree_cpu,
    write_result,
)

CONNECTIONS = 16


def production_cost() -> dict[str, int]:
    from entrypoints.settings import Settings

    settings = Settings()
    return {"time_cost": settings.argon2_time_cost, "memory_cost": settings.argon2_memory_kib, "parallelism": 1}


def _verify_for(seconds: float, cost: dict[str, int]) -> tuple[int, float, float]:
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=cost["time_cost"], memory_cost=cost["memory_cost"],
                            parallelism=cost["parallelism"])
    stored = hasher.hash(PASSWORD)
    count, started, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        hasher.verify(stored, PASSWORD)
        count += 1
    return count, time.perf_counter() - started, time.process_time() - cpu


def hashes_per_second(seconds: float, processes: int | None = None) -> dict[str, Any]:
    """argon2id verifications per second with one process per core, each timing itself."""
    processes = processes or os.cpu_count() or 1
    cost = production_cost()
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn")) as pool:
        done = list(pool.map(_verify_for, [seconds] * processes, [cost] * processes))
    rate = sum(count / elapsed for count, elapsed, _ in done)
    counted = all(count for count, _, _ in done)
    return {"processes": processes, "cost": cost, "verifications": sum(c for c, _, _ in done),
            "per_second": round(rate, 2),
            "per_process_ms": round(statistics.fmean(e / c * 1000 for c, e, _ in done), 1) if counted else 0.0,
            "cpu_ms_per_hash": round(statistics.fmean(u / c * 1000 for c, _, u in done), 1) if counted else 0.0,
            "load": load()}


def logins(stack: Stack, *, accounts: int, connections: int, duration: float) -> WrkRun:
    """Logins posted for `duration` s by `connections` clients, each waiting for its last answer: wrk would drop
    the logins in flight at its deadline, seconds-long requests that are a large share of a short run."""
    roots = (stack.ours.pid,) if stack.pg_pid is None else (stack.ours.pid, stack.pg_pid)
    before = tree_cpu(*roots)
    run = post_logins(stack.ours.url + LOGIN_PATH, login_bodies(accounts), connections, duration)
    after = tree_cpu(*roots)
    if run.requests:
        run.cpu_ms_per_request = round((after[stack.ours.pid] - before[stack.ours.pid]) * 1000 / run.requests, 1)
        if stack.pg_pid is not None:
            run.pg_cpu_ms_per_request = round((after[stack.pg_pid] - before[stack.pg_pid]) * 1000 / run.requests, 2)
    run.load = load()
    return run


def run(stack: Stack, *, duration: float, again: bool = True) -> tuple[list[Row], dict[str, Any]]:
    hashes = [hashes_per_second(duration)]
    runs: dict[str, WrkRun] = {}
    for label, accounts in (("1 account", 1), (f"{LOGIN_ACCOUNTS} accounts", LOGIN_ACCOUNTS)):
        runs[label] = logins(stack, accounts=accounts, connections=CONNECTIONS, duration=duration)
    if again:
        hashes.append(hashes_per_second(duration))
    rate = statistics.fmean(h["per_second"] for h in hashes)
    when = "before / after" if again else "before"
    first = hashes[0]
    rows = [Row(benchmark="argon2id verify alone, all cores (hashes/s)", ours=f"{rate:.1f}", reference="—",
                ratio="—", p50=f"{statistics.fmean(h['per_process_ms'] for h in hashes):.0f} per hash", p99="—",
                cpu=f"{statistics.fmean(h['cpu_ms_per_hash'] for h in hashes):.1f} per hash",
                notes=f"{first['processes']} processes, t={first['cost']['time_cost']} "
                      f"m={first['cost']['memory_cost']} KiB p=1; "
                      f"{' / '.join(str(h['per_second']) for h in hashes)} ({when})")]
    for label, measured in runs.items():
        rows.append(Row(
            benchmark=f"POST login, {label} (logins/s)", ours=f"{measured.rps:.1f}",
            reference=f"{rate:.1f} hashes/s", ratio=f"{measured.rps / rate:.2f} logins/hash" if rate else "—",
            p50=f"{measured.p50_ms:.0f}", p99=f"{measured.p99_ms:.0f}", cpu=f"{measured.cpu_ms_per_request:.1f}",
            notes=f"SpotVibe login, {CONNECTIONS} connections; PG {measured.pg_cpu_ms_per_request:.2f} ms/login"
                  + (f"; FAILED: {measured.requests} logins, errors {measured.errors}" if measured.failed else ""),
            failed=measured.failed))
    result = {"hash_alone": hashes, "hashes_per_second": round(rate, 2),
              "logins": {label: asdict(m) for label, m in runs.items()},
              "ratios": {label: round(m.rps / rate, 3) if rate else None for label, m in runs.items()},
              "duration": duration, "connections": CONNECTIONS}
    return rows, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run and per hash measurement")
    parser.add_argument("--workers", type=int, help="processes of our service (default: one per core)")
    args = parser.parse_args()
    before = load()
    with stack(workers=args.workers) as s:
        rows, result = run(s, duration=args.duration)
    info = machine(load_before=before, server="uvicorn", processes=s.workers)
    write_result("login_load", {"machine": info, **result})
    print(table(rows, info))
    if any(row.failed for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
