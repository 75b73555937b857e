"""Benchmark (not a test): monitoring of a generated region on PostgreSQL.

Targets (issue «Monitoring, indicators, dashboards, the personified registry»): regional dashboard
≤ 1 s cold, organisation dashboard ≤ 300 ms, a fixed number of SQL queries whatever the size, registry
export of 200,000 rows ≤ 60 s with ≤ 500 MB peak memory. Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/bench_monitoring.py \
        --orgs 1000 --participants 200000 --years 2

The URL names the server; the benchmark creates a throwaway database `bench_monitoring` there (dropped at
the end unless --keep-db; `--reuse-db` runs on the kept one again and never drops it), migrates it,
generates the region in a child process (`manage.py generate_region`, so that its memory is not
counted) and then, in this process, as a regional coordinator through the Django test client (the
whole request: selectors, template, chart):
1. the regional dashboard, first request of the process (cold: imports, matplotlib, empty caches) and
   warm; the municipality and organisation dashboards; the SQL queries of each;
2. the registry export of the whole region over all years (the streamed XLSX), time and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from pgdb import bench_database  # benchmarks/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DB = "bench_monitoring"


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--participants", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the benchmark database")
    parser.add_argument("--reuse-db", action="store_true", help="use the kept database, do not generate again")
    args = parser.parse_args()

    with bench_database(BENCH_DB, create=not args.reuse_db, keep=args.keep_db, prefix="bench-monitoring-"):
        if not args.reuse_db:
            prepare(args)
        run()


def prepare(args) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "-v0"], check=True, cwd=ROOT)
    say(f"migrate: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    subprocess.run(
        [*manage, "generate_region", "--orgs", str(args.orgs), "--participants", str(args.participants),
         "--years", str(args.years)],
        check=True, cwd=ROOT,
    )  # fmt: skip
    say(f"generate_region --orgs {args.orgs} --participants {args.participants} --years {args.years}: "
        f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    started = time.perf_counter()
    subprocess.run([*manage, "dbshell", "--", "-c", "VACUUM ANALYZE"], check=True, cwd=ROOT, capture_output=True)
    say(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")


def _timed(client, url: str):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries), body


def run() -> None:
    import django

    # the real settings with plain static storage (no collectstatic manifest needed to render pages)
    os.environ["DJANGO_SETTINGS_MODULE"] = "nastavnik.config.settings_test"
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from nastavnik.mentorships.models import JournalEntry, Mentorship
    from nastavnik.orgs.models import Organization, Region
    from nastavnik.orgs.services import academic_year_current
    from nastavnik.people.models import Person, Role, RoleKind

    region = Region.objects.get(code="G1")
    user_model = get_user_model()
    user = user_model.objects.filter(username="bench.region").first()
    if user is None:
        user = user_model.objects.create_user("bench.region", password="bench-pass-123")
        person = Person.objects.create(
            region=region, last_name="Координаторова", first_name="Анна", gender="f", category="staff", user=user,
            search_key="координаторова анна", fio_key="координаторова анна",
        )  # fmt: skip
        Role.objects.create(person=person, kind=RoleKind.REGIONAL_COORDINATOR, region=region)
    year = academic_year_current().start_year
    say(
        f"region: {Organization.objects.filter(municipality__region=region).count():,} organisations, "
        f"{Person.objects.filter(region=region).count():,} people, "
        f"{Mentorship.objects.filter(region=region).count():,} mentorships, "
        f"{JournalEntry.objects.filter(mentorship__region=region).count():,} journal entries"
    )
    org = (
        Organization.objects.filter(municipality__region=region)
        .annotate(n=django.db.models.Count("people"))
        .order_by("-n", "pk")
        .first()
    )
    connection.close()
    client = Client()
    client.force_login(user)
    say()
    region_url = f"/monitoring/region/{region.pk}/{year}/"
    cold, cold_queries, _ = _timed(client, region_url)
    say(f"regional dashboard, cold (first request of the process): {cold * 1000:.0f} ms, {cold_queries} SQL queries "
        f"(target ≤ 1000 ms)")  # fmt: skip
    warm, warm_queries, _ = _timed(client, region_url)
    say(f"regional dashboard, warm:                               {warm * 1000:.0f} ms, {warm_queries} SQL queries")
    muni, muni_queries, _ = _timed(client, f"/monitoring/municipality/{org.municipality_id}/{year}/")
    say(f"municipal dashboard:                                    {muni * 1000:.0f} ms, {muni_queries} SQL queries")
    timings = []
    for _ in range(3):
        elapsed, org_queries, _ = _timed(client, f"/monitoring/org/{org.pk}/{year}/")
        timings.append(elapsed)
    say(f"organisation dashboard (best of 3; {org.n} people):      {min(timings) * 1000:.0f} ms, {org_queries} SQL "
        f"queries (target ≤ 300 ms)")  # fmt: skip
    registry, registry_queries, _ = _timed(client, f"/monitoring/region/{region.pk}/registry/?year=all&page=40")
    say(
        f"registry page 40 (whole region, all years):             {registry * 1000:.0f} ms, "
        f"{registry_queries} SQL queries"
    )

    rss_before = _rss_mb()
    started = time.perf_counter()
    elapsed, _queries, body = _timed(client, f"/monitoring/region/{region.pk}/registry/export.xlsx?year=all")
    rss_after = _rss_mb()
    import io

    from openpyxl import load_workbook

    rows = sum(1 for _row in load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True)) - 1
    say(f"registry export, whole region, all years: {rows:,} rows, {len(body) / 2**20:.1f} MB in {elapsed:.1f} s "
        f"(target ≤ 60 s for 200,000)")  # fmt: skip
    say(f"peak RSS of this process: before the export {rss_before:.0f} MB, after {rss_after:.0f} MB (target ≤ 500 MB)")
    del started


if __name__ == "__main__":
    main()
