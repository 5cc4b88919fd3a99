"""EEBC events list: wrk (16 connections) `GET /eebc/api/v1/events/` with a member's token on 25 upcoming events
over two sites (some with capacity and registrations), on the bench stack (bench/harness.py). Writes
bench/results/eebc_events_load.json.

    python3 -m uv run --frozen python -m bench.eebc_events_load --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict
from datetime import UTC, datetime, time, timedelta
from typing import Any

import asyncpg

from bench.harness import Wrk, stack, write_result

CONNECTIONS = 16
EVENTS = 25


async def seed_events(database_url: str) -> None:
    """Two sites, 25 upcoming events alternating between them, every third one with 10 places and the bench
    account registered (so `is_user_registered` and `current_participants` are computed for real)."""
    from adapters.sql.database import libpq_url

    now = datetime.now(UTC)
    connection = await asyncpg.connect(libpq_url(database_url))
    try:
        user = await connection.fetchval("SELECT id FROM identity_users WHERE email = 'bench@eebc.test'")
        sites = [await connection.fetchval(
            "INSERT INTO community_sites (code, name, address, city, is_active, next_member_number, created_at) "
            "VALUES ($1, $2, '', '', true, 1, $3) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name "
            "RETURNING id", code, name, now) for code, name in (("CAB", "Cabassou"), ("MAC", "Macouria"))]
        for n in range(EVENTS):
            event_id = await connection.fetchval(
                "INSERT INTO church_events_events (site_id, title, description, start_date, start_time, end_time, "
                "location, all_day, color, capacity, is_cancelled, created_at, updated_at) VALUES ($1, $2, "
                "'Culte du dimanche matin', $3, $4, $5, 'Temple', false, '#0d6efd', $6, false, $7, $7) RETURNING id",
                sites[n % 2], f"Culte {n}", (now + timedelta(days=n + 1)).date(), time(9, 30), time(12),
                10 if n % 3 == 0 else None, now)
            if n % 3 == 0:
                await connection.execute(
                    "INSERT INTO church_events_registrations (event_id, user_id, status, notes, registered_at) "
                    "VALUES ($1, $2, 'registered', '', $3)", event_id, user, now)
    finally:
        await connection.close()


def run_events_list(*, duration: float, workers: int | None) -> dict[str, Any]:
    with stack(workers=workers) as s:
        asyncio.run(seed_events(s.database_url))
        wrk = Wrk(s.folder)
        url = s.ours.url + "/eebc/api/v1/events/"
        token = s.tokens["eebc"]
        Wrk.finish(wrk.start(url, connections=CONNECTIONS, duration=1, token=token), 1)  # warm-up
        measured = wrk.measure(url, connections=CONNECTIONS, duration=duration, cpu_of=s.ours.pid,
                               pg_pid=s.pg_pid, token=token)
        result = {"scenario": f"GET /eebc/api/v1/events/ ({EVENTS} events, {CONNECTIONS} connections)",
                  "workers": s.workers, **asdict(measured)}
    write_result("eebc_events_load", result)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of the wrk run")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    print(json.dumps(run_events_list(duration=args.duration, workers=args.workers), indent=2))


if __name__ == "__main__":
    main()
