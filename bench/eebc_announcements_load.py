"""EEBC announcements read benchmark, run on purpose (not part of the test suite): a member's announcement list
(`GET /eebc/api/v1/announcements/`: window, site scope, pinned/priority order, `is_read` per row) and a search, on
1,000 announcements of two sites and church-wide ones (a third read by the member), at 16 connections, against
the floor's GET profile (bench/floor.py) and our own EEBC profile (the face's cheapest authenticated read),
measured in the same run.

    uv run --frozen python -m bench.eebc_announcements_load --duration 5 --rounds 2 --workers 2
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from bench.harness import Row, Side, Stack, Wrk, against_floor, run_alone

CONNECTIONS = 16
ANNOUNCEMENTS = 1_000
LIST = "/eebc/api/v1/announcements/"


async def fill(database_url: str) -> int:
    """Sites CAB and MAC, 1,000 announcements (a tenth ended, a tenth to come, a third church-wide), a third of
    them read by the bench member; returns how many the member sees."""
    from adapters.sql.database import libpq_url

    now = datetime.now(UTC)
    connection = await asyncpg.connect(libpq_url(database_url))
    try:
        sites = []
        for code, name in (("CAB", "Cabassou"), ("MAC", "Macouria")):
            sites.append(await connection.fetchval(
                "INSERT INTO community_sites (code, name, address, city, is_active, next_member_number, created_at) "
                "VALUES ($1, $2, '', '', true, 1, $3) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name "
                "RETURNING id", code, name, now))
        reader = await connection.fetchval("SELECT id FROM identity_users WHERE email = 'bench@eebc.test'")
        rows = []
        for n in range(ANNOUNCEMENTS):
            site = None if n % 3 == 0 else sites[n % 2]
            start = now - timedelta(hours=n + 1) if n % 10 != 1 else now + timedelta(days=2)
            end = now - timedelta(minutes=5) if n % 10 == 2 else None
            rows.append((f"Annonce {n} {('culte', 'prière', 'jeunesse', 'chorale')[n % 4]}",
                         "Une annonce de démonstration pour la mesure. " * 8, site, start, end, n % 25 == 0,
                         ("low", "normal", "high", "urgent")[n % 4], reader, "Pasteur Bench", start, now, now))
        await connection.executemany(
            "INSERT INTO announcements_items (title, content, site_id, start_date, end_date, is_pinned, priority, "
            "author_id, author_name, announced_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
            "$9, $10, $11, $12)", rows)
        await connection.execute(
            "INSERT INTO announcements_reads (announcement_id, user_id, read_at) SELECT id, $1, $2 FROM "
            "announcements_items WHERE id % 3 = 0", reader, now)
        await connection.execute("VACUUM ANALYZE")
        return int(await connection.fetchval(
            "SELECT count(*) FROM announcements_items WHERE (site_id IS NULL OR site_id = $1) AND start_date <= $2 "
            "AND (end_date IS NULL OR end_date > $2)", sites[0], now))
    finally:
        await connection.close()


def run(s: Stack, wrk: Wrk, *, duration: float, rounds: int) -> tuple[list[Row], dict[str, Any]]:
    visible = asyncio.run(fill(s.database_url))
    eebc, spotvibe = s.tokens["eebc"], s.tokens["spotvibe"]
    phases = {
        "eebc announcements: list (first page)": (s.ours.url + LIST, eebc, s.ours.pid),
        "eebc announcements: ?search=chorale&is_read=false": (s.ours.url + LIST + "?search=chorale&is_read=false",
                                                               eebc, s.ours.pid),
        "reference: our EEBC GET profile": (s.ours.url + "/eebc/api/v1/profile/", eebc, s.ours.pid),
        "reference: floor GET profile": (s.floor.url + "/api/users/profile/", spotvibe, s.floor.pid),
    }
    for url, token, _ in phases.values():  # warm up (connections, caches)
        Wrk.finish(wrk.start(url, connections=CONNECTIONS, duration=1, token=token), 1)
    sides = {name: Side() for name in phases}
    for _ in range(rounds):
        for name, (url, token, pid) in phases.items():
            sides[name].runs.append(wrk.measure(url, connections=CONNECTIONS, duration=duration, cpu_of=pid,
                                                pg_pid=s.pg_pid, token=token))
    rows = against_floor(sides, "reference: floor GET profile",
                         lambda name: f"{CONNECTIONS} connections; {visible} visible of {ANNOUNCEMENTS}")
    return rows, {name: side.summary() for name, side in sides.items()}


def main() -> int:
    return run_alone("eebc_announcements_load", __doc__.splitlines()[0], run)


if __name__ == "__main__":
    sys.exit(main())
