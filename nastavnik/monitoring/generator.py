"""A realistic region for benchmarks (`manage.py generate_region`), written with bulk_create and (on
PostgreSQL, for the big tables) COPY — no services, no audit log, no signals — and the same on every
run for the same arguments (fixed seed; dates relative to the academic years, not to the clock,
except that the current year stops today).

Shape, per organisation (participants / orgs people each): about 78 % learners (pupils; students in
every fifth organisation, a college), 15 % staff, 7 % parents; consents for nine in ten; mentee and
mentor pool entries; mentorships of the forms of the catalogue covering a share of learners that
varies by organisation (so that «lowest coverage» means something); meetings, journal entries
(≈ 5 per participant: 1,000,000 for 200,000 participants), an approved individual plan with items;
a roadmap; impact measurements on entry and exit for some mentees and some classmates.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from nastavnik.consents.models import Consent, ConsentKind, ConsentMethod
from nastavnik.core.text import search_key
from nastavnik.demo.names import FEMALE_NAMES, MALE_NAMES, SURNAMES, feminine_surname
from nastavnik.mentorships.models import (
    IndividualPlan,
    JournalEntry,
    Meeting,
    Mentorship,
    MentorshipMentee,
    PlanItem,
)
from nastavnik.orgs.models import AcademicYear, Municipality, Organization, Region
from nastavnik.people.models import Category, Person
from nastavnik.pools.models import MenteeEntry, MentorEntry
from nastavnik.programs.models import MentoringForm, Roadmap, RoadmapItem

from .models import Measurement, Parameter, Stage

BATCH = 5000
CHUNK_ORGS = 25
JOURNAL_PER_PARTICIPANT = 5
TOPICS = ("Знакомство и цели", "Разбор трудной темы", "Подготовка к контрольной", "Проект", "Итоги месяца",
          "Профориентация", "Планирование недели", "Экскурсия на предприятие")  # fmt: skip


@dataclass
class Stats:
    organizations: int = 0
    people: int = 0
    mentorships: int = 0
    meetings: int = 0
    journal: int = 0
    plan_items: int = 0
    measurements: int = 0
    seconds: float = 0.0


def insert(model, objects: list) -> None:
    """Rows whose ids nobody needs back: COPY on PostgreSQL (several times faster than INSERT for the
    million journal entries), bulk_create elsewhere. The values are the instances' attributes as set."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    auto = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row([now if f.attname in auto else _plain(getattr(obj, f.attname)) for f in fields])


def _plain(value):
    """Enum members of TextChoices as their plain value, a file field as its name."""
    if isinstance(value, FieldFile):
        return value.name or ""
    return value.value if hasattr(value, "value") and isinstance(value, str) else value


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class Generator:
    def __init__(self, *, orgs: int, participants: int, years: int, seed: int = 20260901, code: str = "G1",
                 today: dt.date | None = None, say=None):  # fmt: skip
        self.orgs, self.participants, self.years = orgs, participants, years
        self.rng = random.Random(seed)
        self.code = code
        self.today = today or timezone.localdate()
        self.say = say or (lambda text: None)
        self.stats = Stats()

    # --- names --------------------------------------------------------------------------------------------
    def _name(self, gender: str) -> tuple[str, str, str]:
        rng = self.rng
        surname = rng.choice(SURNAMES)
        father = rng.choice(MALE_NAMES)
        if gender == "m":
            return surname, rng.choice(MALE_NAMES)[0], father[1]
        return feminine_surname(surname), rng.choice(FEMALE_NAMES), father[2]

    def _person(
        self, org: Organization, category: str, age: int, class_name: str = "", teaching_since: dt.date | None = None
    ) -> Person:
        gender = self.rng.choice("mf")
        last, first, patronymic = self._name(gender)
        born = dt.date(self.current.start_year - age, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
        return Person(
            region_id=self.region.pk, municipality_id=org.municipality_id, organization_id=org.pk,
            last_name=last, first_name=first, patronymic=patronymic, gender=gender, birth_date=born,
            category=category, class_name=class_name, teaching_since=teaching_since,
            search_key=search_key(f"{last} {first} {patronymic}", class_name),
            fio_key=search_key(last, first, patronymic),
        )  # fmt: skip

    # --- the region -------------------------------------------------------------------------------------------
    def run(self) -> Stats:
        started = time.perf_counter()
        start_year = AcademicYear.start_year_for(self.today)
        self.year_list = [
            AcademicYear.objects.get_or_create(start_year=y)[0]
            for y in range(start_year - self.years + 1, start_year + 1)
        ]
        self.current = self.year_list[-1]
        self.forms = {f.code: f for f in MentoringForm.objects.all()}
        if not self.forms:
            raise RuntimeError("Каталог форм наставничества пуст: выполните migrate.")
        with transaction.atomic():
            self.region = Region.objects.create(
                name=f"Сгенерированная область {self.code}",
                code=self.code,
                mentoring_centre="Региональный наставнический центр",
            )
            n_munis = max(1, self.orgs // 25)
            munis = Municipality.objects.bulk_create(
                [Municipality(region=self.region, name=f"Муниципальный округ № {i + 1}") for i in range(n_munis)]
            )
            organizations = []
            for i in range(self.orgs):
                college = i % 5 == 4
                name = f"Колледж № {i + 1}" if college else f"Школа № {i + 1}"
                organizations.append(
                    Organization(
                        municipality=munis[i % n_munis],
                        name=f"{name} (генератор)",
                        short_name=name,
                        kind="college" if college else "school",
                        search_key=search_key(name),
                    )
                )
            organizations = Organization.objects.bulk_create(organizations, batch_size=BATCH)
            self.stats.organizations = len(organizations)
        per_org = max(10, self.participants // max(self.orgs, 1))
        for chunk_start in range(0, len(organizations), CHUNK_ORGS):
            with transaction.atomic():
                self._chunk(organizations[chunk_start : chunk_start + CHUNK_ORGS], per_org)
            self.say(
                f"  организаций {min(chunk_start + CHUNK_ORGS, len(organizations))}/{len(organizations)}, "
                f"людей {self.stats.people:,}, пар {self.stats.mentorships:,}, записей журнала {self.stats.journal:,}"
            )
        self.stats.seconds = time.perf_counter() - started
        return self.stats

    def _chunk(self, organizations: list[Organization], per_org: int) -> None:
        rng = self.rng
        people: list[Person] = []
        layout: list[tuple[Organization, int, int, int]] = []
        for org in organizations:
            college = org.kind == "college"
            learners = int(per_org * 0.78)
            staff = int(per_org * 0.15)
            parents = per_org - learners - staff
            start = len(people)
            for i in range(learners):
                if college:
                    group = f"ТМ-{21 + i % 4}"
                    people.append(self._person(org, Category.STUDENT, 16 + i % 4, group))
                else:
                    grade = 1 + i % 11
                    people.append(self._person(org, Category.PUPIL, 6 + grade, f"{grade}{'АБВ'[i % 3]}"))
            for i in range(staff):
                age = 23 + (i * 7) % 40
                people.append(self._person(org, Category.STAFF, age, teaching_since=self._teaching_since(age, i)))
            for _i in range(parents):
                people.append(self._person(org, Category.PARENT, 38))
            layout.append((org, start, learners, staff))
        people = Person.objects.bulk_create(people, batch_size=BATCH)
        self.stats.people += len(people)

        consents = []
        given = _aware(self.year_list[0].start_date, 10)
        for person in people:
            if person.category != Category.PARENT and rng.random() < 0.9:
                age = self.current.start_year - person.birth_date.year
                kind = (ConsentKind.ADULT if age >= 18 else ConsentKind.MINOR_WITH_GUARDIAN if age >= 14
                        else ConsentKind.GUARDIAN_FOR_CHILD)  # fmt: skip
                consents.append(Consent(
                    person_id=person.pk, organization_id=person.organization_id, kind=kind,
                    method=ConsentMethod.SCAN, signer_name=person.last_name, text="Согласие (генератор)",
                    given_at=given,
                ))  # fmt: skip
        insert(Consent, consents)

        for year in self.year_list:
            self._year(year, people, layout)

    def _teaching_since(self, age: int, i: int) -> dt.date:
        """Deterministic (no draw from the generator's random stream): started at 22–24, a few later."""
        experience = max(0, age - 22 - i % 3 - (3 if i % 11 == 0 else 0))
        return dt.date(self.current.start_year - experience, 9, 1) + dt.timedelta(days=i % 20)

    def _young_pairs(self, year: AcademicYear, staff_people: list[Person]) -> list[tuple[Person, list[Person]]]:
        """«Педагог – педагог»: six in ten young teachers of the year (teaching_since within 3 years of the
        year's end) get an experienced colleague (10 years and more) as a mentor."""
        end = year.end_date
        young_from = end.replace(year=end.year - 3)
        young = [p for p in staff_people if p.teaching_since and young_from < p.teaching_since <= end]
        seniors = [p for p in staff_people if p.teaching_since and p.teaching_since <= end.replace(year=end.year - 10)]
        if not seniors:
            return []
        return [(self.rng.choice(seniors), [p]) for p in young if self.rng.random() < 0.6]

    def _year(self, year: AcademicYear, people: list[Person], layout) -> None:
        rng = self.rng
        is_current = year == self.current
        last_day = min(self.today, year.end_date) if is_current else year.end_date
        mentee_entries, mentor_entries, plan = [], [], []
        for org, start, learners, staff in layout:
            college = org.kind == "college"
            # from far below seed 002's 10 % to the federal aim of 70 % and above
            coverage = rng.choice((0.03, 0.08, 0.15, 0.3, 0.5, 0.6, 0.7, 0.8))
            pool_learners = people[start : start + learners]
            staff_people = people[start + learners : start + learners + staff]
            n_mentees = max(1, int(learners * coverage))
            mentees = rng.sample(pool_learners, min(n_mentees, len(pool_learners)))
            pairs = []
            i = 0
            while i < len(mentees):
                size = rng.choice((1, 1, 1, 2, 3))
                pairs.append(mentees[i : i + size])
                i += size
            for group in pairs:
                learner_mentor = rng.random() < 0.25
                candidates = [p for p in pool_learners if p not in group] if learner_mentor else staff_people
                if not candidates:
                    candidates = staff_people or [p for p in pool_learners if p not in group]
                mentor = rng.choice(candidates)
                if learner_mentor:
                    code = "student_student" if college else "pupil_pupil"
                else:
                    code = "teacher_pupil" if not college else rng.choice(("employer_student", "teacher_pupil"))
                form = self.forms.get(code) or next(iter(self.forms.values()))
                scope = {"region_id": self.region.pk, "municipality_id": org.municipality_id, "organization_id": org.pk,
                         "academic_year_id": year.pk}  # fmt: skip
                mentor_entry = MentorEntry(person_id=mentor.pk, form=form, status="active", capacity=3, **scope)
                entries = [MenteeEntry(person_id=p.pk, form=form, status="in_mentorship", **scope) for p in group]
                mentor_entries.append(mentor_entry)
                mentee_entries.extend(entries)
                plan.append((org, form, mentor, mentor_entry, group, entries, scope))
            teachers = self.forms.get("teacher_teacher")
            for mentor, group in self._young_pairs(year, staff_people) if teachers else ():
                scope = {"region_id": self.region.pk, "municipality_id": org.municipality_id, "organization_id": org.pk,
                         "academic_year_id": year.pk}  # fmt: skip
                mentor_entry = MentorEntry(person_id=mentor.pk, form=teachers, status="active", capacity=3, **scope)
                entries = [MenteeEntry(person_id=p.pk, form=teachers, status="in_mentorship", **scope) for p in group]
                mentor_entries.append(mentor_entry)
                mentee_entries.extend(entries)
                plan.append((org, teachers, mentor, mentor_entry, group, entries, scope))
        # the same person may mentor two groups in one form and year: one pool entry per (person, form, year)
        unique_mentor_entries: dict[tuple, MentorEntry] = {}
        for _org, form, mentor, entry, _g, _e, _s in plan:
            unique_mentor_entries.setdefault((mentor.pk, form.pk), entry)
        unique_mentee_entries: dict[tuple, MenteeEntry] = {}
        for entry in mentee_entries:
            unique_mentee_entries.setdefault((entry.person_id, entry.form_id), entry)
        MentorEntry.objects.bulk_create(list(unique_mentor_entries.values()), batch_size=BATCH)
        MenteeEntry.objects.bulk_create(list(unique_mentee_entries.values()), batch_size=BATCH)

        mentorships, members = [], []
        span = (last_day - year.start_date).days
        for _org, form, mentor, entry, group, entries, scope in plan:
            entry = unique_mentor_entries[(mentor.pk, form.pk)]
            entries = [unique_mentee_entries[(e.person_id, e.form_id)] for e in entries]
            start = year.start_date + dt.timedelta(days=min(span, 20 + rng.randrange(40)))
            if is_current:
                status = rng.choices(("active", "proposed", "ended_early"), (90, 5, 5))[0]
            else:
                status = rng.choices(("completed", "ended_early"), (92, 8))[0]
            end = None
            if status == "completed":
                end = year.start_date.replace(year=year.start_year + 1, month=5, day=31)
            elif status == "ended_early":
                end = min(last_day, start + dt.timedelta(days=60))
            if status == "proposed":
                start = None
            key = ",".join(str(e.pk) for e in sorted(entries, key=lambda e: e.pk))
            mentorship = Mentorship(
                form=form, mentor_id=mentor.pk, mentor_entry=entry, status=status, start_date=start, end_date=end,
                mentees_key=key, **scope,
            )  # fmt: skip
            mentorships.append((mentorship, group, entries))
        created = Mentorship.objects.bulk_create([m for m, _g, _e in mentorships], batch_size=BATCH)
        self.stats.mentorships += len(created)
        for mentorship, group, entries in mentorships:
            for person, entry in zip(group, entries, strict=True):
                members.append(MentorshipMentee(
                    mentorship=mentorship, person_id=person.pk, mentee_entry=entry, joined_on=mentorship.start_date
                ))  # fmt: skip
        insert(MentorshipMentee, members)
        self._work(year, [m for m, _g, _e in mentorships], last_day, len(people))
        self._roadmaps(year, layout, last_day)
        self._measurements(year, mentorships, people, layout, last_day)

    def _work(self, year: AcademicYear, mentorships: list[Mentorship], last_day: dt.date, participants: int) -> None:
        """Meetings, journal entries, the approved plan and its items of each working mentorship: about
        JOURNAL_PER_PARTICIPANT journal entries per person of the organisations over all the years."""
        rng = self.rng
        working = [m for m in mentorships if m.start_date]
        if not working:
            return
        per_pair = max(1, round(JOURNAL_PER_PARTICIPANT * participants / len(working) / self.years))
        meetings, journal, plans = [], [], []
        for m in working:
            end = min(m.end_date or last_day, last_day)
            days = max(1, (end - m.start_date).days)
            stale = rng.random() < 0.08  # some pairs stop meeting a month and more before today
            n = per_pair if not stale else max(1, per_pair // 3)
            for k in range(n):
                day = m.start_date + dt.timedelta(days=(days * k) // n if not stale else (days // 3 * k) // n)
                day = min(day, end)
                starts = _aware(day, 15)
                meetings_row = k % 2 == 0
                if meetings_row:
                    meetings.append(Meeting(
                        mentorship=m, kind="regular" if k else "organizational", starts_at=starts,
                        ends_at=starts + dt.timedelta(minutes=45), topic=TOPICS[k % len(TOPICS)],
                        status="held" if day < last_day else "planned",
                    ))  # fmt: skip
                journal.append(JournalEntry(
                    mentorship=m, date=day, topic=TOPICS[k % len(TOPICS)], content="Работа по плану", result="Выполнено"
                ))  # fmt: skip
            plans.append(IndividualPlan(mentorship=m, number=1, status="approved", goal="Цель работы пары"))
        insert(Meeting, meetings)
        insert(JournalEntry, journal)
        IndividualPlan.objects.bulk_create(plans, batch_size=BATCH)
        items = []
        for plan in plans:
            start = plan.mentorship.start_date
            for position in range(1, 6):
                deadline = start + dt.timedelta(days=45 * position)
                due = deadline < last_day
                status = rng.choices(("done", "in_progress", "planned"), (75, 15, 10))[0] if due else "planned"
                progress = 100 if status == "done" else rng.choice((0, 30, 50, 70)) if status == "in_progress" else 0
                items.append(PlanItem(
                    plan=plan, position=position, competency=f"Компетенция {position}",
                    activity="Занятия с наставником",
                    deadline=deadline, status=status, progress=progress,
                ))  # fmt: skip
        insert(PlanItem, items)
        self.stats.meetings += len(meetings)
        self.stats.journal += len(journal)
        self.stats.plan_items += len(items)

    def _roadmaps(self, year: AcademicYear, layout, last_day: dt.date) -> None:
        rng = self.rng
        roadmaps = [
            Roadmap(
                region_id=self.region.pk,
                municipality_id=org.municipality_id,
                organization_id=org.pk,
                academic_year=year,
                title="Дорожная карта",
                template_code="seed002",
            )
            for org, *_rest in layout
        ]
        Roadmap.objects.bulk_create(roadmaps, batch_size=BATCH)
        items = []
        for roadmap in roadmaps:
            for n in range(10):
                due = year.start_date + dt.timedelta(days=30 * n + 25)
                done = due < last_day and rng.random() < 0.8
                items.append(RoadmapItem(
                    roadmap=roadmap, code=f"{n + 1}", content=f"Пункт {n + 1}", start_date=year.start_date,
                    due_date=due, status="done" if done else "planned",
                    done_at=due - dt.timedelta(days=rng.choice((-3, 0, 2, 5))) if done else None, sort_order=n,
                ))  # fmt: skip
        insert(RoadmapItem, items)

    def _measurements(self, year: AcademicYear, mentorships, people, layout, last_day: dt.date) -> None:
        rng = self.rng
        rows = []
        measured = set()
        scope_of = {org.pk: org for org, *_r in layout}
        entry_day = min(year.start_date + dt.timedelta(days=14), last_day)
        exit_day = min(year.start_date.replace(year=year.start_year + 1, month=5, day=20), last_day)

        def add(person, gain):
            if person.pk in measured:
                return
            measured.add(person.pk)
            org = scope_of[person.organization_id]
            before = round(rng.uniform(2.8, 4.2), 2)
            scope = {"region_id": self.region.pk, "municipality_id": org.municipality_id, "organization_id": org.pk,
                     "academic_year_id": year.pk}  # fmt: skip
            rows.append(Measurement(person_id=person.pk, parameter=Parameter.GRADES, stage=Stage.ENTRY, value=before,
                                    measured_on=entry_day, source="import", **scope))  # fmt: skip
            if exit_day > entry_day:
                after = min(5, max(1, round(before + rng.uniform(-0.2, 0.3) + gain, 2)))
                rows.append(Measurement(person_id=person.pk, parameter=Parameter.GRADES, stage=Stage.EXIT,
                                        value=after, measured_on=exit_day, source="import", **scope))  # fmt: skip

        for mentorship, group, _entries in mentorships:
            if mentorship.start_date and rng.random() < 0.5:
                for person in group:
                    add(person, 0.25)
        for _org, start, learners, _staff in layout:
            for person in people[start : start + learners : 9]:
                add(person, 0.0)
        insert(Measurement, rows)
        self.stats.measurements += len(rows)
