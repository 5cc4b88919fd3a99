"""Read benchmark, run on purpose (not part of the test suite): GET profile of each face, ours against the floor.

Our service (`agora serve --no-worker`, with `--workers N` once it has the flag) and the floor (`bench/floor.py`, the
same read with nothing of ours in the way) run side by side on one embedded PostgreSQL with the same process count.
For each face, wrk (16 connections, `--duration` s, `--latency`) measures ours, then the floor, then ours again... (in
`--rounds` interleaved rounds): req/s, p50, p99, and CPU ms per request of the server's process tree and, apart, of
the PostgreSQL backends (both from /proc). Then EEBC's profile again while `--logins` connections log in (SpotVibe's
login, 16 accounts in turn): its p99 against the profile alone shows whether hashing stalls the reads.

    python3 -m uv run --frozen python -m bench.identity_load --duration 10 --workers 2
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any

import httpx

from bench.harness import (
    FACES,
    LOGIN_ACCOUNTS,
    LOGIN_PATH,
    Face,
    PhaseFailed,
    Row,
    Side,
    Stack,
    Wrk,
    free_port,
    load,
    login_bodies,
    machine,
    percentile,
    post_logins,
    stack,
    table,
    write_result,
)

__all__ = ["free_port", "main", "percentile", "run"]  # payments_load imports free_port and percentile from here

CONNECTIONS = 16


def same_answers(stack: Stack, face: Face) -> str | None:
    """Both servers must answer the same body, and refuse another realm's token and a forged one, or the floor
    measures something else."""
    other = FACES[(FACES.index(face) + 1) % len(FACES)].name
    token = stack.tokens[face.name]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for label, bearer, status in (("own token", token, 200), (f"{other}'s token", stack.tokens[other], 401),
                                  ("forged token", forged, 401)):
        headers = {"Authorization": f"Bearer {bearer}"}
        ours = httpx.get(stack.ours.url + face.profile, headers=headers, timeout=30)
        floor = httpx.get(stack.floor.url + face.profile, headers=headers, timeout=30)
        if ours.status_code != status or floor.status_code != status or (status == 200 and ours.json() != floor.json()):
            return (f"{face.name}, {label}: ours {ours.status_code} {ours.text[:400]}\n"
                    f"{' ' * len(face.name)}  floor {floor.status_code} {floor.text[:400]}")
    return None


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def run(stack: Stack, wrk: Wrk, *, duration: float, rounds: int, logins: int) -> tuple[list[Row], dict[str, Any]]:
    mismatches = [m for m in (same_answers(stack, face) for face in FACES) if m]
    if mismatches:
        raise PhaseFailed("the floor does not answer as ours does:\n" + "\n".join(mismatches))
    servers = {"ours": stack.ours, "floor": stack.floor}
    sides: dict[str, dict[str, Side]] = {face.name: {"ours": Side(), "floor": Side()} for face in FACES}
    for face in FACES:  # warm up: pools filled, first-request costs paid
        for server in servers.values():
            Wrk.finish(wrk.start(server.url + face.profile, connections=CONNECTIONS, duration=1,
                                 token=stack.tokens[face.name]), 1)
    for _ in range(rounds):
        for face in FACES:
            for name, server in servers.items():
                sides[face.name][name].runs.append(wrk.measure(
                    server.url + face.profile, connections=CONNECTIONS, duration=duration, cpu_of=server.pid,
                    pg_pid=stack.pg_pid, token=stack.tokens[face.name]))

    rows: list[Row] = []
    for face in FACES:
        ours, floor = sides[face.name]["ours"], sides[face.name]["floor"]
        failed = ours.failed or floor.failed
        errors = {k: v for r in ours.runs + floor.runs for k, v in r.errors.items() if v}
        pg = (f"PG {ours.mean('pg_cpu_ms_per_request'):.2f} / {floor.mean('pg_cpu_ms_per_request'):.2f} ms/req"
              if stack.pg_pid else "PG CPU not attributed")
        rows.append(Row(
            benchmark=f"GET profile {face.name} (req/s)", ours=_fmt(ours.rps), reference=_fmt(floor.rps),
            ratio=f"{floor.rps / ours.rps:.1f}× floor/ours" if ours.rps else "—",
            p50=f"{ours.mean('p50_ms'):.2f} / {floor.mean('p50_ms'):.2f}",
            p99=f"{ours.mean('p99_ms'):.2f} / {floor.mean('p99_ms'):.2f}",
            cpu=f"{ours.mean('cpu_ms_per_request'):.2f} / {floor.mean('cpu_ms_per_request'):.2f}",
            notes=f"{pg}; {rounds} round(s) interleaved" + (f"; FAILED errors {errors}" if failed else ""),
            failed=failed))

    eebc = next(face for face in FACES if face.name == "eebc")
    alone = sides["eebc"]["ours"]
    with ThreadPoolExecutor(1) as background:
        login_run = background.submit(post_logins, stack.ours.url + LOGIN_PATH, login_bodies(LOGIN_ACCOUNTS), logins,
                                      duration)
        during = wrk.measure(stack.ours.url + eebc.profile, connections=CONNECTIONS, duration=duration,
                             cpu_of=stack.ours.pid, pg_pid=stack.pg_pid, token=stack.tokens["eebc"])
        logged = login_run.result()
    ratio = during.p99_ms / alone.mean("p99_ms") if alone.mean("p99_ms") else 0.0
    failed = during.failed or logged.failed
    rows.append(Row(
        benchmark=f"GET profile eebc during {logins} login loops (req/s)", ours=_fmt(during.rps),
        reference=f"p99 alone {alone.mean('p99_ms'):.2f} ms", ratio=f"p99 ×{ratio:.2f}", p50=f"{during.p50_ms:.2f}",
        p99=f"{during.p99_ms:.2f}", cpu="—",
        notes=f"{logged.rps:.1f} logins/s meanwhile (login p50 {logged.p50_ms:.0f} ms)"
              + (f"; FAILED errors {during.errors} / logins {logged.errors}" if failed else ""),
        failed=failed))

    result = {"faces": {name: {side: s.summary() for side, s in pair.items()} for name, pair in sides.items()},
              "during_logins": {"logins": logins, "profile": asdict(during), "logins_run": asdict(logged),
                                "p99_ratio": round(ratio, 2)},
              "duration": duration, "rounds": rounds, "connections": CONNECTIONS, "load_after": load()}
    return rows, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (ours, floor) per face")
    parser.add_argument("--logins", type=int, default=20, help="login connections in the last phase")
    parser.add_argument("--workers", type=int, help="processes per service (default: one per core)")
    parser.add_argument("--server", choices=("uvicorn", "granian"), default="uvicorn", help="the floor's server")
    args = parser.parse_args()
    before = load()
    with stack(workers=args.workers, server=args.server) as s:
        wrk = Wrk(s.folder)
        rows, result = run(s, wrk, duration=args.duration, rounds=args.rounds, logins=args.logins)
    info = machine(load_before=before, server=args.server, processes=s.workers)
    write_result("identity_load", {"machine": info, **result})
    print(table(rows, info))
    if any(row.failed for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
