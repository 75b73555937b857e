"""Benchmark (not a test): regional matching end to end on PostgreSQL — load the pools, run the engine,
save the proposals — for 100,000 mentees × 20,000 mentors (issue 6: ≤ 60 s end to end).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/bench_matching_e2e.py
    ... bench_matching_e2e.py --mentees 10000 --mentors 2000      # a smaller region

The URL names the server; the benchmark creates a throwaway database `bench_matching_e2e` there (dropped
at the end unless --keep-db), migrates it and bulk-creates (no services) a region of `--municipalities`
municipalities with `--orgs` organisations each, pupils in the mentee pools and college students in
the mentor pools of «Студент – ученик», every one with a consent, requests and topics from a vocabulary
of ~40 subjects. Then one regional run over all organisations goes through the real code path
(`matching.services.run_create`, same_municipality on, so each mentee has ~100 candidate mentors) and
the time of each step is printed: loading the pools into the engine's input, the engine (one
`engine.compare` call: the candidate edges are built once and shared by the three solvers, as
`services.run_execute` does; each solver's own figure includes that shared preparation), saving the
chosen solver's proposals. Peak RSS (ru_maxrss) is the whole process's, the data generation included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import time
from pathlib import Path

from pgdb import server_url  # benchmarks/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DB = "bench_matching_e2e"
SEED = 20261202
SUBJECTS = [
    "математика", "физика", "химия", "биология", "история", "обществознание", "литература", "география",
    "информатика", "английский язык", "немецкий язык", "экономика", "право", "астрономия", "музыка", "рисование",
    "шахматы", "робототехника", "программирование", "волонтёрство", "спорт", "футбол", "театр", "журналистика",
    "экология", "проект", "олимпиада", "профессия", "адаптация", "общение", "чтение", "черчение", "дизайн",
    "фотография", "туризм", "краеведение", "медицина", "инженерия", "электротехника", "агрономия",
]  # fmt: skip
SURNAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов"]  # fmt: skip
NAMES = ["Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл", "Михаил"]


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=100_000)
    parser.add_argument("--mentors", type=int, default=20_000)
    parser.add_argument("--municipalities", type=int, default=200)
    parser.add_argument("--orgs", type=int, default=5, help="organisations per municipality")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the benchmark database")
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point to PostgreSQL: the benchmark creates its own database there.")
    import psycopg

    admin_url = server_url(server, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ.update(
        DATABASE_URL=server_url(server, BENCH_DB),
        DJANGO_SETTINGS_MODULE="nastavnik.config.settings",
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="0",
    )
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def _people(model, organizations, count, *, category, age_from, age_to, class_names, rng, today, prefix):
    rows = []
    for i in range(count):
        org = organizations[i % len(organizations)]
        age = rng.randint(age_from, age_to)
        born = today.replace(year=today.year - age) - dt.timedelta(days=rng.randint(1, 300))
        last = SURNAMES[i % len(SURNAMES)] + ("а" if i % 2 else "")
        first = NAMES[(i // 7) % len(NAMES)]
        key = f"{prefix}{i}"
        rows.append(
            model(
                organization=org,
                municipality=org.municipality,
                region=org.municipality.region,
                last_name=last,
                first_name=first,
                patronymic="",
                gender="m" if i % 2 == 0 else "f",
                birth_date=born,
                category=category,
                class_name=class_names(age, i),
                search_key=f"{last} {first} {key}".casefold(),
                fio_key=f"{last} {first} {key}".casefold(),
            )
        )
    return model.objects.bulk_create(rows, batch_size=5000)


def build_region(args, today):
    from django.contrib.auth import get_user_model

    from nastavnik.consents.models import Consent
    from nastavnik.orgs.models import Municipality, Organization, Region
    from nastavnik.orgs.services import academic_year_current
    from nastavnik.people.models import Person
    from nastavnik.pools.models import MenteeEntry, MentorEntry
    from nastavnik.programs.models import MentoringForm

    rng = random.Random(SEED)
    year = academic_year_current(today=today)
    form = MentoringForm.objects.get(code="student_pupil")
    region = Region.objects.create(name="Бенчмарк-область", code="B9")
    municipalities = Municipality.objects.bulk_create(
        [Municipality(region=region, name=f"Округ № {n + 1}") for n in range(args.municipalities)]
    )
    organizations = Organization.objects.bulk_create(
        [
            Organization(
                municipality=m, name=f"Организация {m.name}-{k + 1}", short_name=f"ОО {n + 1}-{k + 1}",
                kind="school" if k else "college", search_key=f"оо {n + 1}-{k + 1}",
            )
            for n, m in enumerate(municipalities)
            for k in range(args.orgs)
        ]
    )  # fmt: skip
    pupils = _people(
        Person, organizations, args.mentees, category="pupil", age_from=10, age_to=15, rng=rng, today=today,
        class_names=lambda age, i: f"{age - 6}{'АБВ'[i % 3]}", prefix="p",
    )  # fmt: skip
    students = _people(
        Person, organizations, args.mentors, category="student", age_from=17, age_to=21, rng=rng, today=today,
        class_names=lambda age, i: f"ТМ-{age - 16}1", prefix="s",
    )  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    Consent.objects.bulk_create(
        [
            Consent(person=p, organization_id=p.organization_id, kind="adult", method="scan", signer_name="—",
                    text="Согласие", given_at=now)
            for p in [*pupils, *students]
        ],
        batch_size=10000,
    )  # fmt: skip
    scope = {"form": form, "academic_year": year}
    MenteeEntry.objects.bulk_create(
        [
            MenteeEntry(
                person=p, organization_id=p.organization_id, municipality_id=p.municipality_id, region=region,
                status="included", request_text=f"Помощь: {rng.choice(SUBJECTS)}, {rng.choice(SUBJECTS)}",
                preferred_format=rng.choice(["any", "in_person", "remote"]), **scope,
            )
            for p in pupils
        ],
        batch_size=10000,
    )  # fmt: skip
    MentorEntry.objects.bulk_create(
        [
            MentorEntry(
                person=p, organization_id=p.organization_id, municipality_id=p.municipality_id, region=region,
                status="trained", topics=rng.sample(SUBJECTS, 4), capacity=rng.choice([1, 1, 2, 3, 5, 8]),
                preferred_format=rng.choice(["any", "in_person", "remote"]), **scope,
            )
            for p in students
        ],
        batch_size=10000,
    )  # fmt: skip
    actor = get_user_model().objects.create_superuser("bench", password="bench-pass-123")
    return actor, region, organizations, year, form


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    say(f"migrate: {time.perf_counter() - t0:.1f} s")
    today = dt.datetime.now(dt.UTC).date()
    t0 = time.perf_counter()
    actor, region, organizations, year, form = build_region(args, today)
    say(
        f"bulk-created {args.mentees:,} mentees × {args.mentors:,} mentors in {len(organizations):,} organisations "
        f"of {args.municipalities} municipalities: {time.perf_counter() - t0:.1f} s"
    )

    from nastavnik.matching import engine, selectors, services
    from nastavnik.matching.models import Proposal, Unmatched

    timings: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*a, **kw):
            started = time.perf_counter()
            try:
                return function(*a, **kw)
            finally:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    services.SYNC_LIMIT = 10**9  # run in this process, not in a thread, to time it
    selectors.matchable_counts = timed("count the pools (sync or thread)", selectors.matchable_counts)
    selectors.build_inputs = timed("load pools → engine input", selectors.build_inputs)
    selectors.Inputs.to_json = timed("snapshot → JSON", selectors.Inputs.to_json)
    services._save_results = timed("save proposals", services._save_results)
    compare = engine.compare
    solved = {}

    def compare_timed(*a, **kw):
        started = time.perf_counter()
        results = compare(*a, **kw)
        timings["engine: all solvers (compare)"] = time.perf_counter() - started
        solved.update(results)
        return results

    engine.compare = compare_timed
    rss_before = rss_mb()
    started = time.perf_counter()
    run_ = services.run_create(
        actor=actor, academic_year=year, form=form, organizations=organizations, region=region,
        rules={"same_municipality": True}, today=today,
    )  # fmt: skip
    total = time.perf_counter() - started
    say()
    for name, seconds in timings.items():
        say(f"{name:32s} {seconds:7.1f} s")
    for solver, r in solved.items():
        say(
            f"  {solver:30s} {r.seconds:7.1f} s  (shared preparation included) matched {r.matched_count:,}, "
            f"total {r.total_score:,.1f}, blocking pairs {r.blocking_pairs:,}"
        )
    rest = total - sum(timings.values())
    say(f"{'other (run row, snapshot write)':32s} {rest:7.1f} s")
    say(f"{'END TO END':32s} {total:7.1f} s  (target ≤ 60 s)")
    say(
        f"run status {run_.status}, errors {len(run_.errors)}, warnings {len(run_.warnings)}; "
        f"proposals saved {Proposal.objects.filter(run=run_).count():,}, "
        f"unmatched {Unmatched.objects.filter(run=run_).count():,}"
    )
    say(f"peak RSS: {rss_mb():.0f} MB (before the run: {rss_before:.0f} MB)")


if __name__ == "__main__":
    main()
