"""Developer sessions. The README's one-line commands need only uv; nox is for the rest."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["tests", "lint"]


@nox.session(python=False)
def tests(session: nox.Session) -> None:
    session.run("uv", "run", "--frozen", "python", "-m", "pytest", *session.posargs, external=True)


@nox.session(python=False)
def lint(session: nox.Session) -> None:
    session.run("uv", "run", "--frozen", "ruff", "check", "src", "tests", "bench", external=True)
    session.run("uv", "run", "--frozen", "lint-imports", external=True)


@nox.session(python=False)
def typecheck(session: nox.Session) -> None:
    session.run("uv", "run", "--frozen", "mypy", external=True)


@nox.session(python=False)
def bench(session: nox.Session) -> None:
    """Every benchmark, run on purpose, in one table (docs/benchmarks.md): `nox -s bench -- --duration 10 --workers 2`
    (or `--quick`). Writes bench/results/*.json."""
    session.run("uv", "run", "--frozen", "python", "-m", "bench", *session.posargs, external=True)


@nox.session(python=False)
def bench_reads(session: nox.Session) -> None:
    """GET profile of each face against the floor (bench/floor.py): `nox -s bench_reads -- --duration 10`."""
    session.run("uv", "run", "--frozen", "python", "-m", "bench.identity_load", *session.posargs, external=True)


@nox.session(python=False)
def bench_eebc(session: nox.Session) -> None:
    """The church directory (members list, detail, profile; 150 members) against the floor: `nox -s bench_eebc`."""
    session.run("uv", "run", "--frozen", "python", "-m", "bench.eebc_load", *session.posargs, external=True)


@nox.session(python=False)
def bench_mairie(session: nox.Session) -> None:
    """The month view with 500 recurring series and the list of 100,000 publications: `nox -s bench_mairie`."""
    session.run("uv", "run", "--frozen", "python", "-m", "bench.mairie_load", *session.posargs, external=True)


@nox.session(python=False)
def bench_announcements(session: nox.Session) -> None:
    """The church's announcements (1,000, read state per member) against the floor: `nox -s bench_announcements`."""
    session.run("uv", "run", "--frozen", "python", "-m", "bench.eebc_announcements_load", *session.posargs,
                external=True)


@nox.session(python=False)
def bench_eebc_events(session: nox.Session) -> None:
    """The church's events list (25 events, 16 connections): `nox -s bench_eebc_events`."""
    session.run("uv", "run", "--frozen", "python", "-m", "bench.eebc_events_load", *session.posargs, external=True)


@nox.session(python=False)
def bench_logins(session: nox.Session) -> None:
    """Logins per second against the argon2id hash alone: `nox -s bench_logins -- --duration 10`."""
    session.run("uv", "run", "--frozen", "python", "-m", "bench.login_load", *session.posargs, external=True)


@nox.session(python=False)
def bench_ticketing(session: nox.Session) -> None:
    """1,000 buyers for 100 seats and the list of 10,000 events, against the floor: `nox -s bench_ticketing`."""
    session.run("uv", "run", "--frozen", "python", "-m", "bench.ticketing_load", *session.posargs, external=True)


@nox.session(python=False)
def bench_fanout(session: nox.Session) -> None:
    """A bulk send to 100,000 through the fake Expo: `nox -s bench_fanout -- --recipients 100000`."""
    session.run("uv", "run", "--frozen", "python", "-m", "bench.notifications_fanout", *session.posargs,
                external=True)


@nox.session(python=False)
def bench_payments(session: nox.Session) -> None:
    """Payments load benchmark, run on purpose: `nox -s bench_payments -- --duration 10 --concurrency 16`."""
    session.run("uv", "run", "--frozen", "python", "-m", "bench.payments_load", *session.posargs, external=True)
