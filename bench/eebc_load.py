"""EEBC benchmark, run on purpose (not part of the test suite): the members list, a member's detail, the profile
(with its member block), the events list (25 events, bench/eebc_events_load.py's seed) and the announcements (1,000,
bench/eebc_announcements_load.py's) at 16 connections with 150 members, against the floor's profile read measured
in the same run (bench/floor.py: the same stack with nothing of ours in the way).

Goals: >= 1,500 req/s on the members list, >= 2,000 on the profile (the original Django back end: 148 and 204).

    python3 -m uv run --frozen python -m bench.eebc_load --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import httpx

from bench.eebc_announcements_load import ANNOUNCEMENTS
from bench.eebc_announcements_load import fill as fill_announcements
from bench.eebc_events_load import EVENTS, seed_events
from bench.harness import PASSWORD, PhaseFailed, Row, Side, Stack, Wrk, _cli, load, machine, stack, table, write_result

CONNECTIONS = 16
MEMBERS = 150
GOALS: dict[str, float | None] = {"members list": 1500.0, "member detail": None, "profile": 2000.0,
                                  "events list": None, "announcements": None}


def seed(stack: Stack) -> tuple[str, int]:
    """An admin's token, and the id of a member in a family, after 150 members are created through the API."""
    _cli(stack.env, "users", "create", "--realm", "eebc", "--username", "bench.admin", "--email", "admin@eebc.test",
         "--role", "admin", "--site", "CAB", "--password-stdin", stdin=PASSWORD + "\n")
    with httpx.Client(base_url=stack.ours.url, timeout=60) as client:
        login = client.post("/eebc/api/v1/auth/login/", json={"username": "bench.admin", "password": PASSWORD})
        token = login.json()["data"]["access"]
        headers = {"Authorization": f"Bearer {token}"}
        sites = [s["id"] for s in client.get("/eebc/api/v1/staff/sites/", headers=headers).json()["data"]]
        member_id = 0
        for n in range(MEMBERS // 3):
            family = client.post("/eebc/api/v1/staff/families/", headers=headers, json={
                "name": f"Famille {n}", "site": sites[n % len(sites)]}).json()["data"]
            for relationship, first in (("HEAD", "Jean"), ("SPOUSE", "Hélène"), ("CHILD", "Noé")):
                answer = client.post("/eebc/api/v1/staff/members/", headers=headers, json={
                    "site": sites[n % len(sites)], "first_name": f"{first}{n}", "last_name": f"Dupont{n}",
                    "email": f"m{n}.{relationship.lower()}@eebc.test", "phone": f"06942{n:05d}",
                    "family": family["id"], "relationship": relationship})
                if answer.status_code != 201:
                    raise PhaseFailed(f"member creation: {answer.status_code} {answer.text[:300]}")
                member_id = member_id or answer.json()["data"]["id"]
    return token, member_id


def run(stack: Stack, wrk: Wrk, *, duration: float) -> tuple[list[Row], dict[str, Any]]:
    _, member_id = seed(stack)
    asyncio.run(seed_events(stack.database_url))
    asyncio.run(fill_announcements(stack.database_url))
    token = stack.tokens["eebc"]
    targets = {"members list": (stack.ours, "/eebc/api/v1/members/"),
               "member detail": (stack.ours, f"/eebc/api/v1/members/{member_id}/"),
               "profile": (stack.ours, "/eebc/api/v1/profile/"),
               "events list": (stack.ours, "/eebc/api/v1/events/"),
               "announcements": (stack.ours, "/eebc/api/v1/announcements/"),
               "floor profile": (stack.floor, "/eebc/api/v1/profile/")}
    sides = {name: Side() for name in targets}
    for server, path in targets.values():  # warm up
        Wrk.finish(wrk.start(server.url + path, connections=CONNECTIONS, duration=1, token=token), 1)
    for name, (server, path) in targets.items():
        sides[name].runs.append(wrk.measure(server.url + path, connections=CONNECTIONS, duration=duration,
                                            cpu_of=server.pid, pg_pid=stack.pg_pid, token=token))
    floor = sides["floor profile"]
    rows = []
    for name, goal in GOALS.items():
        side = sides[name]
        rows.append(Row(
            benchmark=f"GET {name} eebc, {MEMBERS} members (req/s)", ours=f"{side.rps:,.1f}",
            reference=f"floor {floor.rps:,.1f}", ratio=f"{side.rps / floor.rps:.2f} of floor" if floor.rps else "—",
            p50=f"{side.mean('p50_ms'):.2f}", p99=f"{side.mean('p99_ms'):.2f}",
            cpu=f"{side.mean('cpu_ms_per_request'):.2f}",
            notes=(f"goal >= {goal:,.0f} req/s" if goal else f"{EVENTS} events, {ANNOUNCEMENTS:,} announcements")
            + ("; FAILED" if side.failed else ""), failed=side.failed))
    return rows, {"sides": {n: s.summary() for n, s in sides.items()}, "duration": duration,
                  "connections": CONNECTIONS, "members": MEMBERS, "load_after": load()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, help="processes per service (default: one per core)")
    args = parser.parse_args()
    before = load()
    with stack(workers=args.workers) as s:
        rows, result = run(s, Wrk(s.folder), duration=args.duration)
    info = machine(load_before=before, server="uvicorn", processes=s.workers)
    write_result("eebc_load", {"machine": info, **result})
    print(table(rows, info))
    if any(row.failed for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
