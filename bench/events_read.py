"""Catalogue read benchmark, run on purpose (not part of the test suite): SpotVibe's event reads on 10,000 published
events, against references measured in the same run (our own GET profile, the app's cheapest authenticated read,
and the floor's profile: see bench/floor.py).

wrk (16 connections, `--duration` s, `--rounds` interleaved rounds) measures, anonymous: the list's first page,
a search, an event's detail (it also counts a view: one viewer here, so after the first look the debounce answers
"already counted" in the same statement), trending (10,000 events ranked on 20,000 views); and the references.
Each line gives req/s, p50/p99 and CPU ms per request of the server's process tree, and the ratio to our profile.

    uv run python -m bench.events_read --duration 5 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from bench.harness import PhaseFailed, Row, Side, Stack, Wrk, load, machine, stack, table, write_result

CONNECTIONS = 16
EVENTS = 10_000
VIEWS = 20_000


async def fill(database_url: str) -> int:
    """10,000 published events of the bench account and 20,000 counted views; returns one event's id."""
    from adapters.sql.database import libpq_url

    rng = random.Random(8)  # noqa: S311 (bench data)
    now = datetime.now(UTC)
    connection = await asyncpg.connect(libpq_url(database_url))
    try:
        creator = await connection.fetchval("SELECT id FROM identity_users WHERE email = 'bench@spotvibe.test'")
        rows = []
        for n in range(EVENTS):
            start = now + timedelta(hours=rng.randint(2, 24 * 120))
            rows.append((creator, f"Événement {n} {rng.choice(('jazz', 'afrobeat', 'football', 'startups'))}",
                         "Résumé", "Une description de démonstration. " * 5, start, start + timedelta(hours=4),
                         "Parc Central", "Cotonou", 1 + n % 12, "PAYANT", 5000, "XOF", 500, "VALIDE", now, now))
        await connection.executemany(
            "INSERT INTO ticketing_events (creator_id, title, short_description, description, starts_at, ends_at, "
            "venue, address, category_id, access_type, price_minor, currency, capacity, status, view_count, "
            "share_count, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
            "$14, 0, 0, $15, $16)", rows)
        ids = [r["id"] for r in await connection.fetch("SELECT id FROM ticketing_events")]
        views = {(rng.choice(ids), f"a:10.0.{n // 250}.{n % 250}") for n in range(VIEWS)}
        await connection.executemany(
            "INSERT INTO ticketing_viewers (event_id, viewer, counted_at) VALUES ($1, $2, $3)",
            [(event_id, viewer, now - timedelta(minutes=rng.randint(0, 60 * 24 * 10))) for event_id, viewer in views])
        await connection.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps (visibility map set)
        return int(ids[0])
    finally:
        await connection.close()


def run(stack: Stack, wrk: Wrk, *, duration: float, rounds: int) -> tuple[list[Row], dict[str, Any]]:
    event_id = asyncio.run(fill(stack.database_url))
    ours, floor = stack.ours, stack.floor
    token = stack.tokens["spotvibe"]
    phases: dict[str, tuple[str, str | None]] = {
        "GET /api/events/ (page 1 of 10,000)": (ours.url + "/api/events/", None),
        "GET /api/events/?search=jazz": (ours.url + "/api/events/?search=jazz", None),
        "GET /api/events/{id}/ (counts a view)": (ours.url + f"/api/events/{event_id}/", None),
        "GET /api/events/trending/": (ours.url + "/api/events/trending/", None),
        "reference: our GET profile": (ours.url + "/api/users/profile/", token),
        "reference: floor GET profile": (floor.url + "/api/users/profile/", token),
    }
    for url, bearer in phases.values():  # warm up: pools filled, statements prepared
        Wrk.finish(wrk.start(url, connections=CONNECTIONS, duration=1, token=bearer), 1)
    sides = {name: Side() for name in phases}
    for _ in range(rounds):
        for name, (url, bearer) in phases.items():
            server = floor if url.startswith(floor.url) else ours
            sides[name].runs.append(wrk.measure(url, connections=CONNECTIONS, duration=duration, cpu_of=server.pid,
                                                pg_pid=stack.pg_pid, token=bearer))
    reference = sides["reference: our GET profile"].rps
    rows = []
    for name, side in sides.items():
        errors = {k: v for r in side.runs for k, v in r.errors.items() if v}
        rows.append(Row(
            benchmark=f"{name} (req/s)", ours=f"{side.rps:,.0f}", reference=f"{reference:,.0f} (our profile)",
            ratio=f"{side.rps / reference:.2f}× our profile" if reference else "—",
            p50=f"{side.mean('p50_ms'):.2f}", p99=f"{side.mean('p99_ms'):.2f}",
            cpu=f"{side.mean('cpu_ms_per_request'):.2f} (PG {side.mean('pg_cpu_ms_per_request'):.2f})",
            notes=f"load {side.runs[-1].load}" + (f"; FAILED errors {errors}" if side.failed else ""),
            failed=side.failed))
    result = {name: [vars(r) for r in side.runs] for name, side in sides.items()}
    return rows, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds")
    parser.add_argument("--workers", type=int, help="processes per service (default: one per core)")
    args = parser.parse_args()
    before = load()
    try:
        with stack(workers=args.workers) as s:
            rows, result = run(s, Wrk(s.folder), duration=args.duration, rounds=args.rounds)
    except PhaseFailed as failure:
        sys.exit(str(failure))
    info = machine(load_before=before, server="uvicorn", processes=s.workers)
    write_result("events_read", {"machine": info, "phases": result})
    print(table(rows, info))
    if any(row.failed for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
