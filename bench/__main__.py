"""Every benchmark in one run (`nox -s bench`, or `python3 -m uv run --frozen python -m bench`): reads against
the floor, logins against the hash alone, payments (bench/payments_load.py, in its own process), ticketing
(bench/ticketing_load.py, its own stack: a rush on 100 seats and the catalogue's list), the notifications
fan-out (bench/notifications_fanout.py, in its own process, against the Expo sender alone), the town hall's month
view and publications list (bench/mairie_load.py) and the church's announcements (bench/eebc_announcements_load.py),
each on its own stack.
Writes bench/results/<name>.json and
bench/results/summary.json, prints one markdown table headed by the machine, and exits non-zero if a phase failed.

    nox -s bench -- --duration 10 --workers 2
    nox -s bench -- --quick
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import traceback
from dataclasses import asdict
from pathlib import Path

from bench import eebc_announcements_load, eebc_load, identity_load, login_load, mairie_load, ticketing_load
from bench.harness import RESULTS, PhaseFailed, Row, Wrk, load, machine, stack, table, write_result, wrk_path

PAYMENTS_SCENARIO = "initiate -> REUSSI"
SCRIPT = "bench/payments_load.py"
FANOUT_GOAL_S = 60.0


def payments(duration: float, *, quick: bool) -> tuple[Row, dict[str, object]]:
    """bench/payments_load.py belongs to the payments work: called as it is, its JSON read back."""
    output = RESULTS / "payments_load.json"
    output.unlink(missing_ok=True)
    log = RESULTS / "payments_load.log"
    command = [sys.executable, SCRIPT, "--duration", str(duration), "--concurrency", "16"]
    if quick:
        command += ["--callbacks", "50", "--card-payments", "20"]
    failed = Row(benchmark=f"payments: {PAYMENTS_SCENARIO}", ours="failed", reference="—", ratio="—", p50="—",
                 p99="—", cpu="—", notes=f"payments: failed (see {log})", failed=True)
    try:
        with log.open("w") as out:
            done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=duration * 3 + 300,
                                  check=False)
    except subprocess.TimeoutExpired:
        failed.notes += ", timed out"
        return failed, {"status": "timeout", "command": command}
    if done.returncode != 0 or not output.exists():
        return failed, {"status": "failed", "returncode": done.returncode, "command": command}
    measures = json.loads(output.read_text())
    settled = next((m for m in measures if m["scenario"].startswith(PAYMENTS_SCENARIO)), None)
    if settled is None:
        return failed, {"status": "no such scenario", "measures": measures}
    return Row(benchmark=f"payments: {settled['scenario']} (per s)", ours=f"{settled['rate']:.1f}",
               reference="goal 150", ratio=f"{settled['rate'] / 150:.2f} of goal", p50=f"{settled['p50_ms']:.0f}",
               p99=f"{settled['p99_ms']:.0f}", cpu="—",
               notes=f"{settled['count']} payments, {settled['errors']} errors; its own app process (no --workers)"
                     + (f"; {settled['notes']}" if settled["notes"] else ""),
               failed=bool(settled["errors"])), {"status": "ok", "measures": measures}


def fanout(recipients: int) -> tuple[Row, dict[str, object]]:
    """bench/notifications_fanout.py in its own process (its own stack: database, service, fake Expo)."""
    output = RESULTS / "notifications_fanout.json"
    output.unlink(missing_ok=True)
    log = RESULTS / "notifications_fanout.log"
    command = [sys.executable, "-m", "bench.notifications_fanout", "--recipients", str(recipients)]
    failed = Row(benchmark=f"notifications: bulk send to {recipients}", ours="failed", reference="—", ratio="—",
                 p50="—", p99="—", cpu="—", notes=f"fan-out: failed (see {log})", failed=True)
    try:
        with log.open("w") as out:
            done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=1200, check=False)
    except subprocess.TimeoutExpired:
        failed.notes += ", timed out"
        return failed, {"status": "timeout", "command": command}
    if done.returncode != 0 or not output.exists():
        return failed, {"status": "failed", "returncode": done.returncode, "command": command}
    result = json.loads(output.read_text())
    ours, peak = result["ours"], result["peak_mb"]
    return Row(benchmark=f"notifications: bulk send to {recipients} (s to all pushes sent)",
               ours=f"{ours['all_sent_s']}", reference=f"{result['floor_s']} (Expo sender alone)",
               ratio=f"{result['ratio_to_floor']}", p50="—", p99="—", cpu="—",
               notes=f"{result['pushes_per_s']} pushes/s, progress 100 % at {ours['progress_100_s']} s; peak PSS "
                     f"{peak['pss_sum']['service']} MB service (RSS summed {peak['rss_sum']['service']}), "
                     f"{peak['rss_sum']['fake_expo']} MB fake Expo; goal < {FANOUT_GOAL_S:.0f} s, < 300 MB",
               failed=bool(ours["all_sent_s"] is None)), {"status": "ok", "result": result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, help="seconds per measurement (default 10, --quick 3)")
    parser.add_argument("--workers", type=int, help="processes per service (default: one per core)")
    parser.add_argument("--quick", action="store_true", help="one round, 3 s phases, a smaller payments run")
    parser.add_argument("--rounds", type=int, help="interleaved ours/floor rounds per face (default 2, --quick 1)")
    parser.add_argument("--logins", type=int, default=20, help="login connections beside the profile reads")
    parser.add_argument("--server", choices=("uvicorn", "granian"), default="uvicorn", help="the floor's server")
    parser.add_argument("--skip", action="append", default=[],
                        choices=("reads", "logins", "payments", "ticketing", "fanout", "eebc", "mairie",
                                 "announcements"),
                        help="leave a benchmark out (repeatable)")
    args = parser.parse_args()
    duration = args.duration or (3.0 if args.quick else 10.0)
    rounds = args.rounds or (1 if args.quick else 2)
    wrk_path()
    before = load()
    rows: list[Row] = []
    results: dict[str, object] = {}
    processes = 1
    if not {"reads", "logins"} <= set(args.skip):
        try:
            with stack(workers=args.workers, server=args.server) as s:
                processes = s.workers
                wrk = Wrk(s.folder)
                if "reads" not in args.skip:
                    read_rows, read = identity_load.run(s, wrk, duration=duration, rounds=rounds, logins=args.logins)
                    rows += read_rows
                    results["identity_load"] = read
                    write_result("identity_load", read)
                if "logins" not in args.skip:
                    login_rows, logins = login_load.run(s, duration=duration, again=not args.quick)
                    rows += login_rows
                    results["login_load"] = logins
                    write_result("login_load", logins)
                results["stack_notes"] = s.notes
        except PhaseFailed as failure:
            traceback.print_exc()
            rows.append(Row(benchmark="reads and logins", ours="failed", reference="—", ratio="—", p50="—", p99="—",
                            cpu="—", notes=str(failure).splitlines()[0], failed=True))
    if "eebc" not in args.skip:  # bench/eebc_load.py: the church directory on its own stack
        try:
            with stack(workers=args.workers, server=args.server) as s:
                eebc_rows, eebc = eebc_load.run(s, Wrk(s.folder), duration=duration)
            rows += eebc_rows
            results["eebc_load"] = eebc
            write_result("eebc_load", eebc)
        except PhaseFailed as failure:
            rows.append(Row(benchmark="eebc directory", ours="failed", reference="—", ratio="—", p50="—", p99="—",
                            cpu="—", notes=str(failure).splitlines()[0], failed=True))
    for name, module in (("mairie", mairie_load), ("announcements", eebc_announcements_load)):
        if name in args.skip:
            continue
        try:
            with stack(workers=args.workers, server=args.server) as s:
                face_rows, measures = module.run(s, Wrk(s.folder), duration=duration, rounds=rounds)
            rows += face_rows
            results[module.__name__.rpartition(".")[2]] = measures
            write_result(module.__name__.rpartition(".")[2], measures)
        except PhaseFailed as failure:
            traceback.print_exc()
            rows.append(Row(benchmark=name, ours="failed", reference="—", ratio="—", p50="—", p99="—", cpu="—",
                            notes=str(failure).splitlines()[0], failed=True))
    if "payments" not in args.skip:
        row, outcome = payments(duration, quick=args.quick)
        rows.append(row)
        results["payments_load"] = outcome
    if "ticketing" not in args.skip:
        try:
            ticket_rows, tickets, _ = ticketing_load.run(duration=duration, rounds=rounds, workers=args.workers,
                                                         buyers=200 if args.quick else 1000,
                                                         seats=20 if args.quick else 100)
            rows += ticket_rows
            results["ticketing_load"] = tickets
            write_result("ticketing_load", tickets)
        except PhaseFailed as failure:
            traceback.print_exc()
            rows.append(Row(benchmark="ticketing", ours="failed", reference="—", ratio="—", p50="—", p99="—",
                            cpu="—", notes=str(failure).splitlines()[0], failed=True))
    if "fanout" not in args.skip:
        row, outcome = fanout(10_000 if args.quick else 100_000)
        rows.append(row)
        results["notifications_fanout"] = outcome
    info = machine(load_before=before, server=f"{args.server} (uvloop, httptools)", processes=processes)
    notes = results.get("stack_notes") or []
    write_result("summary", {"machine": info, "duration": duration, "rounds": rounds, "notes": notes,
                             "rows": [asdict(r) for r in rows]})
    print()
    print(table(rows, info))
    for note in notes if isinstance(notes, list) else []:
        print(f"\nnote: {note}")
    print(f"\nCells with two figures are ours / floor. Results: {Path(RESULTS).resolve()}/")
    if any(row.failed for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
