"""Benchmark (not a test): official documents (issue 9).

Targets: one document ≤ 300 ms (each generator, warm); 500 certificates as one ZIP ≤ 60 s. Run:

    .venv/bin/python benchmarks/bench_documents.py            # SQLite in a temporary directory
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_documents.py   # an empty database of yours

It migrates the database, loads the demo region, times every generator on the demo school (render only,
and the whole `document_issue` — number, file, register entry), then adds 500 mentors to the school's
mentor pool and runs one batch of 500 certificates (register entries, files and the ZIP), timed.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SURNAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Михайлов", "Новиков", "Фёдоров",
            "Морозов", "Волков", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Орлов"]  # fmt: skip
MALE = [("Александр", "Александрович"), ("Дмитрий", "Дмитриевич"), ("Сергей", "Сергеевич"), ("Илья", "Ильич"),
        ("Никита", "Никитич"), ("Пётр", "Петрович"), ("Лев", "Львович")]  # fmt: skip
FEMALE = [("Анна", "Александровна"), ("Мария", "Дмитриевна"), ("Ольга", "Сергеевна"), ("Любовь", "Ильинична"),
          ("Екатерина", "Петровна"), ("Наталья", "Львовна")]  # fmt: skip


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main() -> None:
    folder = tempfile.mkdtemp(prefix="bench-documents-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ["MEDIA_ROOT"] = f"{folder}/media"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nastavnik.config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import transaction
    from django.http import Http404

    from nastavnik.core.text import search_key
    from nastavnik.documents import selectors, services
    from nastavnik.documents.generators import registry
    from nastavnik.documents.models import IssuedDocument
    from nastavnik.orgs.models import Organization
    from nastavnik.orgs.services import academic_year_current
    from nastavnik.people.models import Person
    from nastavnik.pools.models import MentorEntry

    say(
        f"database: {os.environ['DATABASE_URL'].split('@')[-1]}; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs (figures scale with it)"
    )
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    say(f"migrate + demo: {time.perf_counter() - started:.1f} s")
    admin = get_user_model().objects.get(username="admin")
    school = Organization.objects.get(short_name="Ершовская СОШ")
    year = academic_year_current()
    base = {"organization_id": school.pk, "year": year.start_year, "date": year.start_date.isoformat()}
    meeting = selectors.group_meetings(organization=school, academic_year=year).first()
    mentor = selectors.program_participants(organization=school, academic_year=year, role="mentor")[0]
    adult = selectors.people_of(organization=school).filter(category="staff").first()
    from nastavnik.mentorships.models import Mentorship

    pair = Mentorship.objects.filter(organization=school, academic_year=year).first()
    extra = {
        "protocol": {"meeting": meeting.pk},
        "consent": {"person": adult.pk},
        "certificate": {"person": mentor.pk, "role": "mentor"},
        "letter": {"person": mentor.pk, "role": "mentor"},
        **{
            g: {"mentorship": pair.pk if pair else 0}
            for g in ("order_mentorship_change", "mentorship_plan", "mentorship_journal")
        },
    }

    say()
    say("one document (warm; median of 5)          render      issue (number + file + register)")
    worst = 0.0
    for generator in registry.GENERATORS.values():
        options = {**base, "number": "1", **extra.get(generator.identifier, {})}
        try:
            generator.render(actor=admin, options=options)  # warm: dictionaries, templates
        except (ValidationError, Http404) as error:
            reason = " ".join(getattr(error, "messages", [])) or "нет данных"
            say(f"  {generator.identifier:<24} skipped: the demo has no data for it ({reason[:60]})")
            continue
        renders = []
        for _ in range(5):
            t = time.perf_counter()
            generator.render(actor=admin, options=options)
            renders.append((time.perf_counter() - t) * 1000)
        issues = []
        for _ in range(5):
            t = time.perf_counter()
            services.document_issue(
                actor=admin, generator_id=generator.identifier, options={**base, **extra.get(generator.identifier, {})}
            )
            issues.append((time.perf_counter() - t) * 1000)
        render_ms, issue_ms = statistics.median(renders), statistics.median(issues)
        worst = max(worst, issue_ms)
        say(f"  {generator.identifier:<24} {render_ms:>10.0f} ms {issue_ms:>10.0f} ms")
    say(f"  slowest issue: {worst:.0f} ms (target ≤ 300 ms) — {'OK' if worst <= 300 else 'SLOWER THAN TARGET'}")

    # 500 mentors in the school's pool, then one batch of certificates.
    form = MentorEntry.objects.filter(organization=school, academic_year=year).first().form
    people = []
    for i in range(500):
        surname = SURNAMES[i % len(SURNAMES)]
        if i % 3:
            first, patronymic = FEMALE[i % len(FEMALE)]
            last, gender = surname + "а", "f"
        else:
            first, patronymic = MALE[i % len(MALE)]
            last, gender = surname, "m"
        people.append(Person(
            region_id=school.municipality.region_id, municipality_id=school.municipality_id, organization=school,
            last_name=last, first_name=first, patronymic=patronymic, gender=gender, category="staff",
            position="учитель", subject=("математика", "русский язык и литература", "физика")[i % 3],
            search_key=search_key(last, first, patronymic), fio_key=search_key(last, first, patronymic) + str(i),
        ))  # fmt: skip
    people = Person.objects.bulk_create(people)
    MentorEntry.objects.bulk_create(
        MentorEntry(
            organization=school, municipality_id=school.municipality_id, region_id=school.municipality.region_id,
            academic_year=year, person=p, form=form, status="active",
        )
        for p in people
    )  # fmt: skip
    before = IssuedDocument.objects.filter(generator_id="certificate").count()
    started = time.perf_counter()
    with transaction.atomic():
        job = services.batch_start(
            actor=admin, organization=school, academic_year=year, generator_id="certificate",
            options={"role": "mentor", "date": year.start_date.isoformat()}, person_ids=[p.pk for p in people],
        )  # fmt: skip
    # on_commit started the thread; wait for it like the polling page does
    while True:
        job.refresh_from_db()
        if not job.is_active:
            break
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    made = IssuedDocument.objects.filter(generator_id="certificate").count() - before
    size = job.archive.size if job.archive else 0
    say()
    say(
        f"500 certificates as one ZIP: {elapsed:.1f} s (target ≤ 60 s) — "
        f"{'OK' if elapsed <= 60 else 'SLOWER THAN TARGET'}"
    )
    say(f"  status {job.status}, register entries made: {made}, ZIP {size / 1024 / 1024:.1f} MB")
    if job.message:
        say(f"  skipped: {job.message[:200]}")


if __name__ == "__main__":
    main()
