"""Benchmark (not a test): import of a 100,000-row XLSX participant list into PostgreSQL.

Target (issue «Questionnaires, consents, pools … and import»): ≤ 60 s and ≤ 1 GB for preview + import,
the sheet streamed (never held whole as Python objects). Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/bench_import.py

The URL names the server; the benchmark creates a throwaway database `bench_import` there (dropped at
the end), migrates it, makes a school and imports a generated list three times:
1. preview + import into an empty school (100,000 created), timed;
2. the same file again (0 created, 0 updated), timed;
3. the same file into a second school with tracemalloc on, for the Python-side peak (slower: not timed
   against the target).
Peak RSS (ru_maxrss) is the whole process's, the generation of the file included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from pgdb import psycopg_url, server_url  # benchmarks/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DB = "bench_import"
SURNAMES = [
    "Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков", "Фёдоров",
    "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
    "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
    "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
    "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов",
]  # fmt: skip
MALE = ["Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл", "Михаил",
        "Никита", "Матвей", "Роман", "Егор", "Арсений", "Иван", "Денис", "Евгений", "Даниил", "Тимофей"]  # fmt: skip
FEMALE = ["Анастасия", "Мария", "Анна", "Виктория", "Екатерина", "Наталья", "Марина", "Полина", "Софья",
          "Дарья", "Алиса", "Ксения", "Александра", "Елена", "Вероника", "Арина", "Ольга", "Ева", "Варвара",
          "Алёна"]  # fmt: skip
FATHERS = ["Александров", "Дмитриев", "Сергеев", "Андреев", "Алексеев", "Михайлов", "Иванов", "Николаев",
           "Петров", "Викторов", "Олегов", "Юрьев", "Павлов", "Игорев", "Владимиров"]  # fmt: skip


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def make_workbook(path: Path, rows: int) -> None:
    """A class list as schools keep it: a title, a blank row, the header on row 3, a «№» column,
    ФИО in one column, dates as Excel dates and as text, classes like «7 Б»."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Список")
    sheet.append(["Список обучающихся (сгенерирован для замера)"])
    sheet.append([])
    sheet.append(["№ п/п", "ФИО", "Дата рождения", "Класс", "Пол", "Телефон", "Эл. почта"])
    start = dt.date(2008, 1, 1)
    for i in range(rows):
        surname = SURNAMES[i % 50]
        father = FATHERS[(i // 50) % 15]
        name_index = (i // 750) % 20
        male = (i // 15000) % 2 == 0
        if male:
            fio, gender = f"{surname} {MALE[name_index]} {father}ич", "м"
        else:
            fio, gender = f"{surname}а {FEMALE[name_index]} {father}на", "ж"
        born = start + dt.timedelta(days=(i * 7) % 3650)
        birth = dt.datetime.combine(born, dt.time()) if i % 2 else f"{born:%d.%m.%Y}"
        school_class = f"{born.year % 10 + 1} {'АБВГ'[i % 4]}"
        sheet.append([i + 1, fio, birth, school_class, gender, f"+7 900 {i:07d}", f"p{i}@school.ru"])
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the benchmark database")
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point to PostgreSQL: the benchmark creates its own database there.")
    import psycopg

    admin_url = psycopg_url(server_url(server, "postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    os.environ.update(
        DATABASE_URL=server_url(server, BENCH_DB),
        DJANGO_SETTINGS_MODULE="nastavnik.config.settings",
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="0",
    )
    try:
        run(args.rows, workdir)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def run(rows: int, workdir: Path) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from nastavnik.orgs.models import Municipality, Organization, Region
    from nastavnik.people import import_services
    from nastavnik.people.models import Person

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    say(f"migrate: {time.perf_counter() - t0:.1f} s")

    path = workdir / "list.xlsx"
    t0 = time.perf_counter()
    make_workbook(path, rows)
    say(f"generated {rows:,} rows: {path.stat().st_size / 2**20:.1f} MB in {time.perf_counter() - t0:.1f} s")

    region = Region.objects.create(name="Бенчмарк-область", code="B1")
    municipality = Municipality.objects.create(region=region, name="Бенчмарк-округ")
    schools = [
        Organization.objects.create(
            municipality=municipality,
            name=f"Школа № {n}",
            short_name=f"Школа № {n}",
            kind="school",
            search_key=f"школа № {n}",
        )
        for n in (1, 2)
    ]
    actor = get_user_model().objects.create_superuser("bench", password="bench-pass-123")

    def import_once(school, label: str):
        data = path.read_bytes()
        started = time.perf_counter()
        job = import_services.job_create(
            actor=actor, organization=school, uploaded_file=SimpleUploadedFile(path.name, data)
        )
        del data
        checked = time.perf_counter()
        import_services.import_run(job=job, skip_bad_rows=False)
        done = time.perf_counter()
        job.refresh_from_db()
        say(
            f"{label}: preview {checked - started:.1f} s + import {done - checked:.1f} s = {done - started:.1f} s; "
            f"status {job.status}, rows {job.total_rows:,}, errors {job.error_rows}, created {job.created_count:,}, "
            f"updated {job.updated_count}, unchanged {job.unchanged_count:,}"
            + (f"; {job.message}" if job.message else "")
        )
        return done - started, job

    first, _job1 = import_once(schools[0], "run 1 (empty school)")
    say(f"  people in the school: {Person.objects.filter(organization=schools[0]).count():,}")
    second, job2 = import_once(schools[0], "run 2 (same file again)")
    rss_after_timed = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    _third, _job3 = import_once(schools[1], "run 3 (second school, tracemalloc on)")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say()
    say(f"first import (preview + import):  {first:.1f} s  (target ≤ 60 s)")
    say(f"second import of the same file:  {second:.1f} s (created {job2.created_count}, updated {job2.updated_count})")
    say(f"peak RSS after the timed runs:    {rss_after_timed:.0f} MB; after all runs: {rss:.0f} MB (≤ 1024 MB)")
    say(f"Python heap peak (tracemalloc) of a creating run: {peak / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
