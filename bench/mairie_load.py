"""Town hall read benchmark, run on purpose (not part of the test suite), against the floor's GET profile
(bench/floor.py) measured in the same run:

- the agenda's month view (`GET /mairie/api/v1/events/calendar/?view=month`) with 500 recurring events of the
  town (daily, weekly and monthly rules, a few with exceptions), made through the API; goal p95 under 50 ms
  (reported: p99 at one connection, an upper bound of p95, and req/s at 16 connections);
- the publications list (`GET /mairie/api/v1/publications/`) with 100,000 publications of the town (inserted
  straight into PostgreSQL: nine in ten published, the rest drafts, scheduled and archived), as the dashboard
  reads it (staff, first page and a deep page) and as a citizen does (published only), and a search.

    python3 -m uv run --frozen python -m bench.mairie_load --duration 5 --rounds 2 --workers 2
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from bench.harness import PhaseFailed, Row, Side, Stack, Wrk, against_floor, run_alone

CONNECTIONS = 16
SERIES = 500
PUBLICATIONS = 100_000
EVENTS = "/mairie/api/v1/events/"
LIST = "/mairie/api/v1/publications/"
RULES = ("FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "FREQ=WEEKLY;BYDAY=TU", "FREQ=MONTHLY;BYDAY=1TH",
         "FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", "FREQ=DAILY;INTERVAL=3")
COLUMNS = ("municipality_id, author_id, type, title, content, excerpt, category, tags, priority, allow_comments, "
           "is_pinned, status, created_at, updated_at, scheduled_at, published_at, expires_at, cover_image, images, "
           "likes_count, comments_count, views")


def month_of(today: date) -> date:
    return today.replace(day=15)


def make_series(s: Stack, today: date) -> int:
    """500 series through the API (the mayor's token), starting over the last two months; every tenth with a
    cancelled and a moved occurrence."""
    headers = {"Authorization": f"Bearer {s.tokens['mairie']}"}
    first = datetime.combine(today.replace(day=1), datetime.min.time(), UTC) - timedelta(days=60)
    with httpx.Client(base_url=s.ours.url, timeout=60, headers=headers) as client:
        for n in range(SERIES):
            start = first + timedelta(days=n % 60, hours=7 + n % 11)
            answer = client.post(EVENTS, json={
                "title": f"Série {n} : {('permanence', 'conseil', 'marché', 'atelier')[n % 4]}",
                "description": "Un événement récurrent pour la mesure.", "category": "reunion",
                "priority": ("low", "medium", "high", "urgent")[n % 4], "color": "blue",
                "start_datetime": start.isoformat(), "end_datetime": (start + timedelta(hours=1)).isoformat(),
                "is_recurring": True, "rrule": RULES[n % len(RULES)], "is_public": n % 5 != 0, "reminders": [30]})
            if answer.status_code != 201:
                raise PhaseFailed(f"create series {n}: {answer.status_code} {answer.text}")
            if n % 10 == 0:
                listed = client.get(EVENTS, params={"start_date": start.date().isoformat(),
                                                    "end_date": (start.date() + timedelta(days=40)).isoformat()})
                mine = [e["id"] for e in listed.json()["results"] if e["id"].startswith(answer.json()["id"] + "_")]
                if len(mine) >= 3:
                    client.delete(f"{EVENTS}{mine[1]}/")
                    client.put(f"{EVENTS}{mine[2]}/", json={"title": "Déplacé",
                                                            "start_datetime": (start + timedelta(days=20)).isoformat(),
                                                            "end_datetime": (start + timedelta(days=20, hours=2))
                                                            .isoformat()})
    return SERIES


async def fill_publications(database_url: str) -> int:
    from adapters.sql.database import libpq_url

    now = datetime.now(UTC)
    connection = await asyncpg.connect(libpq_url(database_url))
    try:
        town, author = await connection.fetchrow(
            "SELECT municipality_id, id FROM identity_users WHERE email = 'bench@mairie.test'")
        rows = []
        for n in range(PUBLICATIONS):
            created = now - timedelta(minutes=7 * (PUBLICATIONS - n))
            status = ("draft", "scheduled", "archived")[n % 3] if n % 10 == 9 else "published"
            title = f"Publication {n} : {('travaux', 'culture', 'écoles', 'sécurité', 'environnement')[n % 5]}"
            rows.append((town, author, "communique" if n % 4 == 0 else "post", title,
                         "Le contenu de la publication, quelques phrases pour la mesure. " * 6,
                         "Le contenu de la publication, quelques phrases pour la mesure.",
                         ("vie-locale", "travaux", "culture")[n % 3], ["mairie", f"t{n % 20}"],
                         "normal" if n % 4 == 0 else None, True, n % 5000 == 0, status, created, created,
                         now + timedelta(days=3) if status == "scheduled" else None,
                         created if status in ("published", "archived") else None, None, None, [],
                         n % 17, n % 5, n % 1000))
        await connection.copy_records_to_table("publications_publications", records=rows,
                                               columns=[c.strip() for c in COLUMNS.split(",")])
        await connection.execute("VACUUM ANALYZE publications_publications")
        return int(await connection.fetchval("SELECT count(*) FROM publications_publications"))
    finally:
        await connection.close()


def run(s: Stack, wrk: Wrk, *, duration: float, rounds: int) -> tuple[list[Row], dict[str, Any]]:
    today = datetime.now(UTC).date()
    series = make_series(s, today)
    stored = asyncio.run(fill_publications(s.database_url))
    mairie, spotvibe = s.tokens["mairie"], s.tokens["spotvibe"]
    month = f"{s.ours.url}{EVENTS}calendar/?view=month&date={month_of(today).isoformat()}"
    phases: dict[str, tuple[str, str, int, int]] = {
        "mairie agenda: month view, 500 series (1 connection)": (month, mairie, s.ours.pid, 1),
        "mairie agenda: month view, 500 series": (month, mairie, s.ours.pid, CONNECTIONS),
        "mairie publications: list, first page (staff)": (s.ours.url + LIST, mairie, s.ours.pid, CONNECTIONS),
        "mairie publications: list, page 2000 (staff)": (s.ours.url + LIST + "?page=2000", mairie, s.ours.pid,
                                                          CONNECTIONS),
        "mairie publications: published, by views": (s.ours.url + LIST + "?status=published&ordering=-views",
                                                      mairie, s.ours.pid, CONNECTIONS),
        "mairie publications: ?search=culture": (s.ours.url + LIST + "?search=culture", mairie, s.ours.pid,
                                                 CONNECTIONS),
        "reference: floor GET profile": (s.floor.url + "/api/users/profile/", spotvibe, s.floor.pid, CONNECTIONS),
    }
    for name, (url, token, _, _) in phases.items():
        answer = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        if answer.status_code != 200:
            raise PhaseFailed(f"{name}: {answer.status_code} {answer.text[:300]}")
    for url, token, _, connections in phases.values():  # warm up (connections, caches)
        Wrk.finish(wrk.start(url, connections=connections, duration=1, token=token), 1)
    sides = {name: Side() for name in phases}
    for _ in range(rounds):
        for name, (url, token, pid, connections) in phases.items():
            sides[name].runs.append(wrk.measure(url, connections=connections, duration=duration, cpu_of=pid,
                                                pg_pid=s.pg_pid, token=token))
    notes = {True: f"{series} series; goal p95 < 50 ms (p99 shown)", False: f"{stored:,} publications"}
    rows = against_floor(sides, "reference: floor GET profile",
                         lambda name: f"{phases[name][3]} connections; {notes['agenda' in name]}")
    return rows, {name: side.summary() for name, side in sides.items()}


def main() -> int:
    return run_alone("mairie_load", __doc__.splitlines()[0], run)


if __name__ == "__main__":
    sys.exit(main())
