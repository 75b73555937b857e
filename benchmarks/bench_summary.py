"""Benchmark (not a test): the annual summary of the generated region of 1,000 organisations on PostgreSQL.

Target (issue 8): «сводный отчёт региона ≤ 60 s с отображением хода». Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/bench_summary.py \
        --reuse-db [--pdf]

`--reuse-db` runs on the kept database `bench_monitoring` (made by `benchmarks/bench_monitoring.py
--keep-db`) and never drops it; without it the database is generated first (`--orgs`, `--participants`,
`--years`, as bench_monitoring does) and dropped at the end unless `--keep-db`. The session is READ ONLY
on a reused database: the benchmark times the builder alone (`summary.build_summary`: the dashboard's
aggregates, the per-organisation figures, the charts, the DOCX), which writes nothing — the stored row and
the file of `run_summary` are a few milliseconds more. Prints the time of each stage, the whole time, the
peak RSS, the size of the DOCX and, with `--pdf`, its pages (LibreOffice, not timed into the target).
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import shutil
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
    parser.add_argument("--pdf", action="store_true", help="convert the DOCX with LibreOffice and count the pages")
    parser.add_argument("--out", default="", help="copy the DOCX (and the PDF) into this folder")
    args = parser.parse_args()

    with bench_database(BENCH_DB, create=not args.reuse_db, keep=args.keep_db, prefix="bench-summary-") as workdir:
        if not args.reuse_db:
            from bench_monitoring import prepare

            prepare(args)
        run(workdir, args, read_only=args.reuse_db)


def run(workdir: Path, args, *, read_only: bool) -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "nastavnik.config.settings_test"
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.backends.signals import connection_created

    if read_only:
        # the kept database is shared: nothing of this process may change it

        def read_only_session(sender, connection, **kwargs):
            with connection.cursor() as cursor:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")

        connection_created.connect(read_only_session)

    from nastavnik.monitoring import summary
    from nastavnik.orgs.models import Organization, Region
    from nastavnik.orgs.services import academic_year_current

    region = Region.objects.get(code="G1")
    year = academic_year_current()
    signer = get_user_model().objects.filter(username="bench.region").first()
    say(f"region {region.name}: {Organization.objects.filter(municipality__region=region).count():,} organisations, "
        f"{year}")  # fmt: skip
    say(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
        f"(2 cores, shared machine)")  # fmt: skip
    connection.close()

    marks: list[tuple[str, float]] = []
    rss_before = _rss_mb()
    started = time.perf_counter()

    def progress(percent: int, stage: str) -> None:
        marks.append((stage, time.perf_counter()))
        say(f"  {time.perf_counter() - started:6.1f} s  {percent:3d} %  {stage}")

    content = summary.build_summary(level="region", obj=region, academic_year=year, signer=signer, progress=progress)
    total = time.perf_counter() - started
    marks.append(("конец", time.perf_counter()))
    say()
    for (stage, at), (_next, until) in itertools.pairwise(marks):
        say(f"stage «{stage}»: {until - at:.1f} s")
    say(f"whole summary of the region: {total:.1f} s (target ≤ 60 s), DOCX {len(content) / 1024:.0f} KB")
    say(f"peak RSS of this process: before {rss_before:.0f} MB, after {_rss_mb():.0f} MB")
    say(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")

    path = workdir / "svodnyj-otchet-region.docx"
    path.write_bytes(content)
    if args.pdf:
        started = time.perf_counter()
        subprocess.run(
            ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(workdir), str(path)],
            check=True, capture_output=True, timeout=900,
        )  # fmt: skip
        pdf = path.with_suffix(".pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
        say(f"PDF (LibreOffice): {pages} pages, converted in {time.perf_counter() - started:.1f} s")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for file in workdir.glob("svodnyj-otchet-region.*"):
            shutil.copy(file, out / file.name)
        say(f"copied to {out}")


if __name__ == "__main__":
    main()
