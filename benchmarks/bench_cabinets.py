"""Benchmark (not a test): the cabinets of mentors and mentees on a generated region, on PostgreSQL.

Target (issue 7 «The work of pairs», Performance): a mentor's and a mentee's page render with a constant
number of SQL queries and p95 ≤ 150 ms on the regional data set of the Monitoring issue. Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/bench_cabinets.py \
        --orgs 50 --participants 10000

The URL names the server; the benchmark creates a throwaway database `bench_cabinets` there (dropped at the
end unless --keep-db), migrates it and generates the region in a child process (`manage.py
generate_region`). `--reuse-db` uses the kept one instead, and `--reuse-db bench_monitoring` the full-size
region kept by `bench_monitoring.py --keep-db` (1,000 organisations, 200,000 participants): a reused
database is never dropped. The generator makes people, pairs, meetings, plans and journals but no accounts: the
benchmark gives 20 mentors and 20 mentees of active pairs of the current year an account and their role
(bulk inserts), then, through the Django test client (the whole request: middleware, selectors,
templates), requests `/mentorships/my/` and `/` (the home page with the cabinet) as them — 200 measured
requests in all, after one unmeasured warm-up request of each page — and prints p50/p95 and the SQL
queries of each page and role.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from pgdb import bench_database  # benchmarks/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DB = "bench_cabinets"
PAGES = {"/mentorships/my/": "«Моё наставничество»", "/": "главная (кабинет)"}
TARGET_MS = 150


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--users", type=int, default=20, help="mentors and as many mentees (default 20 + 20)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests in all (default 200)")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the benchmark database")
    parser.add_argument(
        "--reuse-db", nargs="?", const=BENCH_DB, default=None, metavar="NAME",
        help=f"use a kept database (default {BENCH_DB}; e.g. bench_monitoring, the full-size region of "
        "bench_monitoring.py --keep-db), do not generate again and do not drop it",
    )  # fmt: skip
    args = parser.parse_args()

    database = args.reuse_db or BENCH_DB
    with bench_database(database, create=not args.reuse_db, keep=args.keep_db, prefix="bench-cabinets-"):
        if not args.reuse_db:
            prepare(args)
        run(args)


def prepare(args) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "-v0"], check=True, cwd=ROOT)
    say(f"migrate: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    subprocess.run(
        [*manage, "generate_region", "--orgs", str(args.orgs), "--participants", str(args.participants),
         "--years", str(args.years)],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    say(f"generate_region --orgs {args.orgs} --participants {args.participants} --years {args.years}: "
        f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    started = time.perf_counter()
    subprocess.run([*manage, "dbshell", "--", "-c", "VACUUM ANALYZE"], check=True, cwd=ROOT, capture_output=True)
    say(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")


def _accounts(region, year, n: int):
    """Accounts and roles for n mentors and n mentees of active pairs of the current year (the generator
    makes none): bulk inserts, one password hash for all. Idempotent for --reuse-db."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from nastavnik.mentorships.models import Mentorship, MentorshipMentee
    from nastavnik.people.models import Person, Role, RoleKind

    active = Mentorship.objects.filter(region=region, academic_year=year, status="active")
    mentor_ids = list(active.order_by("mentor_id").values_list("mentor_id", flat=True).distinct()[:n])
    mentee_ids = list(
        MentorshipMentee.objects.filter(mentorship__in=active, left_on__isnull=True)
        .exclude(person_id__in=mentor_ids)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()[:n]
    )
    user_model = get_user_model()
    password = make_password("bench-pass-123")
    people = Person.objects.in_bulk([*mentor_ids, *mentee_ids])
    wanted = {f"bench.{pid}": pid for pid in people}
    existing = set(user_model.objects.filter(username__in=wanted).values_list("username", flat=True))
    user_model.objects.bulk_create(
        [user_model(username=name, password=password) for name in wanted if name not in existing]
    )
    users = {u.username: u for u in user_model.objects.filter(username__in=wanted)}
    for name, pid in wanted.items():
        Person.objects.filter(pk=pid, user__isnull=True).update(user=users[name])
    roles = [(pid, RoleKind.MENTOR) for pid in mentor_ids] + [(pid, RoleKind.MENTEE) for pid in mentee_ids]
    have = set(Role.objects.filter(person_id__in=people).values_list("person_id", "kind"))
    Role.objects.bulk_create(
        [
            Role(person_id=pid, kind=kind, organization_id=people[pid].organization_id)
            for pid, kind in roles
            if (pid, kind) not in have
        ]
    )
    mentors = [("наставник", users[f"bench.{pid}"]) for pid in mentor_ids]
    mentees = [("наставляемый", users[f"bench.{pid}"]) for pid in mentee_ids]
    return [person for pair in zip(mentors, mentees, strict=False) for person in pair]  # alternate the roles


def _timed(client, url: str):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000, len(queries), response.content


def _p(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def run(args) -> None:
    import django

    # the real settings with plain static storage (no collectstatic manifest needed to render pages)
    os.environ["DJANGO_SETTINGS_MODULE"] = "nastavnik.config.settings_test"
    django.setup()
    from django.db import connection
    from django.test import Client

    from nastavnik.mentorships.models import JournalEntry, Meeting, Mentorship
    from nastavnik.orgs.models import Organization, Region
    from nastavnik.orgs.services import academic_year_current
    from nastavnik.people.models import Person

    region = Region.objects.get(code="G1")
    year = academic_year_current()
    say(
        f"region: {Organization.objects.filter(municipality__region=region).count():,} organisations, "
        f"{Person.objects.filter(region=region).count():,} people, "
        f"{Mentorship.objects.filter(region=region).count():,} mentorships "
        f"({Mentorship.objects.filter(region=region, academic_year=year, status='active').count():,} active now), "
        f"{Meeting.objects.filter(mentorship__region=region).count():,} meetings, "
        f"{JournalEntry.objects.filter(mentorship__region=region).count():,} journal entries"
    )
    people = _accounts(region, year, args.users)
    say(f"accounts: {sum(r == 'наставник' for r, _u in people)} mentors, "
        f"{sum(r == 'наставляемый' for r, _u in people)} mentees")  # fmt: skip
    connection.close()
    clients = []
    for role, user in people:
        client = Client()
        client.force_login(user)
        clients.append((role, client))

    say()
    marker = {"/mentorships/my/": ("Мои наставляемые", "Мой наставник"), "/": ("Мои наставляемые", "Мой наставник")}
    for url, name in PAGES.items():
        cold, queries, _body = _timed(clients[0][1], url)
        say(f"warm-up (first request of {name}, not counted): {cold:.0f} ms, {queries} SQL queries")
    samples: dict[tuple[str, str], list[tuple[float, int]]] = {}
    urls = list(PAGES)
    for i in range(args.requests):
        url = urls[i % len(urls)]  # each person asks for one page, then the other
        role, client = clients[(i // len(urls)) % len(clients)]
        elapsed, queries, body = _timed(client, url)
        text = body.decode()
        assert any(m in text for m in marker[url]), (url, role, "the cabinet is not on the page")
        samples.setdefault((url, role), []).append((elapsed, queries))

    say()
    say(f"{'page':28} {'role':13} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  SQL queries (min–max)")
    overall = []
    for (url, role), rows in sorted(samples.items()):
        times = [t for t, _q in rows]
        counts = [q for _t, q in rows]
        overall += times
        say(f"{PAGES[url]:28} {role:13} {len(rows):>4} {_p(times, 50):>7.0f} {_p(times, 95):>7.0f} "
            f"{max(times):>7.0f}  {min(counts)}–{max(counts)}")  # fmt: skip
    for url, name in PAGES.items():
        times = [t for (u, _r), rows in samples.items() if u == url for t, _q in rows]
        say(f"{name}: {len(times)} requests, p50 {_p(times, 50):.0f} ms, p95 {_p(times, 95):.0f} ms")
    p95 = _p(overall, 95)
    say(f"all {len(overall)} requests: p50 {_p(overall, 50):.0f} ms, p95 {p95:.0f} ms "
        f"(target ≤ {TARGET_MS} ms: {'met' if p95 <= TARGET_MS else 'NOT met'})")  # fmt: skip


if __name__ == "__main__":
    main()
