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
1. the process start apart — django.setup(), the URLconf import (every app's views) and the rest of the
   server's warm-up (nastavnik/monitoring/warmup.py: matplotlib's first figure, templates, translations) —
   then the regional dashboard's first request (cold as a served process has it) and warm (best of 3); the
   municipality and organisation dashboards; the SQL queries of each, and the load average (2 cores,
   shared: say it with the figures). `--queries` prints each query of the regional dashboard with its
   time; `--dashboards-only` stops before the registry; `--db NAME` runs on another kept database;
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
    parser.add_argument("--db", default=BENCH_DB, help=f"the benchmark database's name (default {BENCH_DB})")
    parser.add_argument("--dashboards-only", action="store_true", help="only the dashboards: no registry, no export")
    parser.add_argument("--queries", action="store_true", help="print each SQL query of the warm regional dashboard")
    args = parser.parse_args()

    with bench_database(args.db, create=not args.reuse_db, keep=args.keep_db, prefix="bench-monitoring-"):
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


def run(args) -> None:
    started = time.perf_counter()
    import django

    # the real settings with plain static storage (no collectstatic manifest needed to render pages)
    os.environ["DJANGO_SETTINGS_MODULE"] = "nastavnik.config.settings_test"
    django.setup()
    setup_s = time.perf_counter() - started
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
    bench_dashboards(client, region, org, year, setup_s=setup_s, show_queries=args.queries)
    if args.dashboards_only:
        return
    registry, registry_queries, _ = _timed(client, f"/monitoring/region/{region.pk}/registry/?year=all&page=40")
    say(
        f"registry page 40 (whole region, all years):             {registry * 1000:.0f} ms, "
        f"{registry_queries} SQL queries"
    )

    bench_export(client, region)


def bench_dashboards(client, region, org, year: int, *, setup_s: float, show_queries: bool = False) -> None:
    """The dashboards through the test client (the whole request: selectors, template, chart). «Cold» as a
    server has it: the URLconf imported and the process warmed up before the first request (what
    nastavnik/config/wsgi.py does for gunicorn's workers and runserver: nastavnik.monitoring.warmup),
    timed apart; then the first regional dashboard of the process (a new database connection, the
    database's caches as they are), then warm."""
    import sys

    from django.urls import get_resolver

    from nastavnik.config.wsgi import application  # noqa: F401 — what a server loads: middleware, apps

    heavy = ("matplotlib", "openpyxl", "docx", "ortools")
    before = {name for name in heavy if name in sys.modules}
    started = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 — imports every app's views
    urlconf = time.perf_counter() - started
    after = [name for name in heavy if name in sys.modules and name not in before]
    from nastavnik.monitoring.warmup import warm_up

    warm = warm_up()  # what nastavnik/config/wsgi.py runs before a server's first request
    say(f"process start: django.setup() {setup_s * 1000:.0f} ms, URLconf import {urlconf * 1000:.0f} ms "
        f"(imported with it: {', '.join(after) or 'none of ' + ', '.join(heavy)}), the rest of the warm-up "
        f"{warm * 1000:.0f} ms")  # fmt: skip
    region_url = f"/monitoring/region/{region.pk}/{year}/"
    # the region's stored figures, as cron (or the background refresh) computes them: in another process
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "refresh_figures", "--region", region.code],
                   check=True, cwd=ROOT, capture_output=True)  # fmt: skip
    say(
        f"manage.py refresh_figures (the region's 1,000 organisations' figures, another process): "
        f"{time.perf_counter() - started:.1f} s"
    )
    cold, cold_queries, body = _timed(client, region_url)
    assert "рассчитаны в" in body.decode(), "the dashboard did not read the stored figures"
    say(f"regional dashboard, first request after the URLconf:   {cold * 1000:.0f} ms, {cold_queries} SQL queries "
        f"(target ≤ 1000 ms; the stored figures)")  # fmt: skip
    warm_runs = []
    for _ in range(3):
        warm, warm_queries, _ = _timed(client, region_url)
        warm_runs.append(warm)
    say(f"regional dashboard, warm (best of 3, median {sorted(warm_runs)[1] * 1000:.0f} ms): "
        f"{min(warm_runs) * 1000:.0f} ms, {warm_queries} SQL queries (the stored figures)")  # fmt: skip
    if show_queries:
        _print_queries(client, region_url)
    # side by side: the same dashboard computed live, as when the figures are too old
    from django.conf import settings

    fresh = settings.MONITORING_FIGURES_MINUTES
    settings.MONITORING_FIGURES_MINUTES = 0
    try:
        live_runs = []
        for _ in range(3):
            live, live_queries, body = _timed(client, region_url)
            live_runs.append(live)
        assert "рассчитаны сейчас" in body.decode()
        say(f"regional dashboard computed live (best of 3, median {sorted(live_runs)[1] * 1000:.0f} ms): "
            f"{min(live_runs) * 1000:.0f} ms, {live_queries} SQL queries")  # fmt: skip
        if show_queries:
            _print_queries(client, region_url)
    finally:
        settings.MONITORING_FIGURES_MINUTES = fresh
    muni, muni_queries, _ = _timed(client, f"/monitoring/municipality/{org.municipality_id}/{year}/")
    say(f"municipal dashboard:                                    {muni * 1000:.0f} ms, {muni_queries} SQL queries")
    timings = []
    for _ in range(3):
        elapsed, org_queries, _ = _timed(client, f"/monitoring/org/{org.pk}/{year}/")
        timings.append(elapsed)
    say(f"organisation dashboard (best of 3; {org.n} people):      {min(timings) * 1000:.0f} ms, {org_queries} SQL "
        f"queries (target ≤ 300 ms)")  # fmt: skip
    say(f"load average while it ran: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")


def _print_queries(client, url: str) -> None:
    """Each query of one request with its time, slowest first, and the time outside SQL."""
    from django.db import connection

    spent = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append((time.perf_counter() - started, " ".join(sql.split())))

    with connection.execute_wrapper(timed):
        started = time.perf_counter()
        response = client.get(url)
        total = time.perf_counter() - started
    assert response.status_code == 200
    sql = sum(t for t, _ in spent)
    say(f"  {url}: {total * 1000:.0f} ms, of which SQL {sql * 1000:.0f} ms in {len(spent)} queries:")
    for elapsed, text in sorted(spent, reverse=True):
        say(f"  {elapsed * 1000:7.1f} ms  {text[:150]}")


class _PeakRss:
    """The highest resident memory of this process while the block runs (a thread reads /proc every 20 ms):
    ru_maxrss is the peak of the whole process, which cannot tell two runs apart."""

    def __init__(self):
        import threading

        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _current(self) -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._current())

    def __enter__(self):
        self.peak = self._current()
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._current())


def bench_export(client, region) -> None:
    """The registry export of the whole region over all years through the view (the whole request: the
    query, openpyxl write_only into a temporary file, the response), with its peak memory; then the file is
    read back with openpyxl and its rows counted."""
    import io

    from openpyxl import load_workbook

    url = f"/monitoring/region/{region.pk}/registry/export.xlsx?year=all"
    rss_before = _rss_mb()
    with _PeakRss() as peak:
        elapsed, _queries, body = _timed(client, url)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    rows = sum(1 for _row in sheet.iter_rows(values_only=True)) - 1
    say(f"registry export, whole region, all years: {rows:,} rows, {len(body) / 2**20:.1f} MB in {elapsed:.1f} s "
        f"(target ≤ 60 s for 200,000); peak RSS during the request {peak.peak:.0f} MB, before "
        f"{rss_before:.0f} MB (target ≤ 500 MB)")  # fmt: skip
    say(f"peak RSS of this process (ru_maxrss): {_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
