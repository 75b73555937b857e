"""Benchmark: a questionnaire campaign of 5,000 personal links (issue item 1: ≤ 10 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/bench_campaign.py
    .venv/bin/python benchmarks/bench_campaign.py            # SQLite in a temporary directory

With PostgreSQL the script creates its own database `bench_campaign` on that server (dropped at the
end); the URL's database is only used to connect. It migrates, adds an organisation with 5,000
pupils (half with a parent), and times `campaign_create` three ways: a class of 5,000, the same
class answered by guardians, and an explicit list of 5,000 ids. Figures are printed; the exit code
is 1 when a campaign takes longer than the limit.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "5000"))
LIMIT_SECONDS = 10.0
BENCH_DB = "bench_campaign"


def _postgres_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    dsn = urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, parts.fragment))
    return psycopg.connect(dsn, autocommit=True)


def _prepare_database() -> tuple[str, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        folder = tempfile.mkdtemp(prefix="bench_campaign_")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        return "SQLite (временный файл)", lambda: shutil.rmtree(folder, ignore_errors=True)
    with _postgres_admin(url) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")
    parts = urlsplit(url)
    os.environ["DATABASE_URL"] = urlunsplit((parts.scheme, parts.netloc, f"/{BENCH_DB}", parts.query, ""))

    def drop():
        from django.db import connections

        connections.close_all()
        with _postgres_admin(url) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")

    return f"PostgreSQL ({parts.hostname}:{parts.port or 5432}, база {BENCH_DB})", drop


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nastavnik.config.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _school():

    from django.contrib.auth import get_user_model

    from nastavnik.core.text import search_key
    from nastavnik.orgs.models import Municipality, Organization, Region
    from nastavnik.people.models import Category, GuardianLink, Person, Role, RoleKind

    region = Region.objects.create(name="Бенчмарк-область", code="B1")
    municipality = Municipality.objects.create(region=region, name="Бенчмарк-округ")
    school = Organization.objects.create(
        municipality=municipality,
        name="Школа для замера",
        short_name="Школа замера",
        kind="school",
        search_key="school",
    )
    user = get_user_model().objects.create_user("bench-curator", password="bench-pass-123")
    curator = Person.objects.create(
        region=region, municipality=municipality, organization=school, last_name="Куратова", first_name="Анна",
        gender="f", category=Category.STAFF, user=user, fio_key="куратова анна", search_key="куратова анна",
    )  # fmt: skip
    Role.objects.create(person=curator, kind=RoleKind.CURATOR, organization=school)

    def person(n: int, category: str, **extra) -> Person:
        last_name, first_name = f"Ученикова{n}", "Мария"
        return Person(
            region=region, municipality=municipality, organization=school, last_name=last_name, first_name=first_name,
            gender="f", category=category, fio_key=search_key(last_name, first_name), search_key=search_key(last_name),
            **extra,
        )  # fmt: skip

    from django.utils import timezone

    from nastavnik.core.text import years_before

    birth = years_before(timezone.localdate(), 13)
    pupils = Person.objects.bulk_create(
        [person(n, Category.PUPIL, class_name="9А", birth_date=birth) for n in range(PEOPLE)], batch_size=1000
    )
    parents = Person.objects.bulk_create(
        [person(n, Category.PARENT, email=f"parent{n}@example.ru") for n in range(PEOPLE // 2)], batch_size=1000
    )
    GuardianLink.objects.bulk_create(
        [
            GuardianLink(guardian=parent, child=pupil, kind="mother")
            for parent, pupil in zip(parents, pupils, strict=False)
        ],
        batch_size=1000,
    )
    return user, school, [p.pk for p in pupils]


def say(line: str) -> None:
    print(line, flush=True)  # noqa: T201 - a benchmark prints its figures


def main() -> int:
    label, drop = _prepare_database()
    try:
        _setup_django()
        import datetime as dt

        from django.utils import timezone

        from nastavnik.questionnaires import services

        started = time.perf_counter()
        user, school, ids = _school()
        say(f"База: {label}")
        prepared = time.perf_counter() - started
        say(f"Подготовка: организация, {PEOPLE} обучающихся и {PEOPLE // 2} родителей — {prepared:.1f} с")
        questionnaire = services.questionnaire_create_from_template(
            actor=user, organization=school, template_code="request_mentee"
        )
        deadline = timezone.localdate() + dt.timedelta(days=14)
        runs = (
            ("класс 9А", {"audience_kind": "class", "class_name": "9А"}),
            ("класс 9А, отвечают законные представители", {"audience_kind": "class", "class_name": "9А",
                                                          "guardians_answer": True}),
            (f"список из {len(ids)} участников", {"audience_kind": "list", "person_ids": ids}),
        )  # fmt: skip
        worst = 0.0
        for name, audience in runs:
            started = time.perf_counter()
            result = services.campaign_create(actor=user, questionnaire=questionnaire, deadline=deadline, **audience)
            seconds = time.perf_counter() - started
            worst = max(worst, seconds)
            say(f"Рассылка «{name}»: {result.created} ссылок за {seconds:.2f} с (пропущено {len(result.skipped)})")
        verdict = "в норме" if worst <= LIMIT_SECONDS else "ПРЕВЫШЕН"
        say(f"Худшее время: {worst:.2f} с при пороге {LIMIT_SECONDS:.0f} с — {verdict}")
        return 0 if worst <= LIMIT_SECONDS else 1
    finally:
        drop()


if __name__ == "__main__":
    raise SystemExit(main())
