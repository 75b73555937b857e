"""School A's year with what documents are made from: an approved program with two forms, a roadmap,
a working group with a curator «Петрова Анна Сергеевна, заместитель директора по учебно-воспитательной
работе», a meeting, a mentor and a mentee in the pools. Files go to a temporary MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nastavnik.core.text import years_before
from nastavnik.documents import services
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Category, Gender
from nastavnik.pools.models import MenteeEntry, MentorEntry
from nastavnik.programs import services as program_services
from nastavnik.programs.models import MentoringForm, Program
from tests.access_cases.core import _program, _roadmap
from tests.factories import GuardianLinkFactory, PersonFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def year(cast):
    return academic_year_current()


@pytest.fixture
def org_options(cast, year):
    def make(**extra):
        return {"organization_id": cast.school_a.pk, "year": year.start_year, **extra}

    return make


@pytest.fixture
def curator_person(cast, year):
    person = PersonFactory(
        organization=cast.school_a,
        last_name="Петрова",
        first_name="Анна",
        patronymic="Сергеевна",
        gender=Gender.FEMALE,
        position="заместитель директора по учебно-воспитательной работе",
    )
    program_services.group_member_add(
        actor=cast.user("admin"), organization=cast.school_a, academic_year=year, person=person,
        position="curator", start_date=year.start_date, duties="координация работы",
    )  # fmt: skip
    return person


@pytest.fixture
def group(cast, year, curator_person):
    """Curator, the head (the director «Павлова») and a member (the teacher «Сидоров Пётр Ильич»)."""
    cast.teacher_a.position, cast.teacher_a.subject = "учитель", "русский язык и литература"
    cast.teacher_a.save()
    director = cast.user("director").person
    director.position, director.first_name, director.patronymic = "директор", "Татьяна", "Александровна"
    director.save()
    admin = cast.user("admin")
    program_services.group_member_add(
        actor=admin, organization=cast.school_a, academic_year=year, person=director, position="head",
        start_date=year.start_date,
    )  # fmt: skip
    program_services.group_member_add(
        actor=admin, organization=cast.school_a, academic_year=year, person=cast.teacher_a, position="member",
        start_date=year.start_date,
    )  # fmt: skip
    return {"curator": curator_person, "director": director, "member": cast.teacher_a}


@pytest.fixture
def forms(cast):
    return list(MentoringForm.objects.filter(code__in=["pupil_pupil", "teacher_pupil"]).order_by("sort_order"))


@pytest.fixture
def approved_program(cast, year, forms):
    program = _program(cast)
    program.forms.set(forms)
    Program.objects.filter(pk=program.pk).update(
        status="approved",
        title="Программа наставничества «Вместе — к успеху»",
        problem="Низкая учебная мотивация обучающихся 5–8 классов.",
        goal="Охватить наставничеством не менее 10 % обучающихся к 31 мая.",
        target_audience="Обучающиеся 5–8 классов.",
        implementers="Куратор и рабочая группа.",
        start_date=year.start_date,
        end_date=dt.date(year.start_year + 1, 6, 30),
        approved_at=timezone.now(),
    )
    program.refresh_from_db()
    return program


@pytest.fixture
def roadmap(cast):
    return _roadmap(cast)


@pytest.fixture
def meeting(cast, year, group):
    return program_services.group_meeting_save(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=year,
        date=year.start_date + dt.timedelta(days=6),
        agenda="1. О внедрении целевой модели наставничества.\n2. Об утверждении дорожной карты.",
        decisions="1. Принять к сведению информацию куратора.\n2. Утвердить дорожную карту.",
        attendees=[group["curator"], group["member"]],
    )


def _scoped(entry, cast, year, person, form):
    entry.organization, entry.municipality, entry.region = cast.school_a, cast.municipality_a, cast.region_a
    entry.academic_year, entry.person, entry.form = year, person, form
    entry.save()
    return entry


@pytest.fixture
def mentor(cast, year, forms, group):
    """The teacher «Сидоров Пётр Ильич, учитель русского языка и литературы» mentors in «Учитель – ученик»."""
    form = next(f for f in forms if f.code == "teacher_pupil")
    _scoped(MentorEntry(status="active"), cast, year, cast.teacher_a, form)
    return cast.teacher_a


@pytest.fixture
def mentee(cast, year, forms):
    form = next(f for f in forms if f.code == "teacher_pupil")
    _scoped(MenteeEntry(status="in_mentorship"), cast, year, cast.pupil_a, form)
    return cast.pupil_a


@pytest.fixture
def teenager(cast):
    """A 15-year-old pupil with her mother: the consent of a minor 14–17 together with the guardian."""
    today = timezone.localdate()
    girl = PersonFactory(
        organization=cast.school_a, last_name="Сидорова", first_name="Мария", patronymic="Ивановна",
        category=Category.PUPIL, class_name="9А", birth_date=years_before(today, 15),
    )  # fmt: skip
    mother = PersonFactory(
        organization=cast.school_a, last_name="Сидорова", first_name="Елена", patronymic="Петровна",
        category=Category.PARENT, birth_date=years_before(today, 41),
    )  # fmt: skip
    GuardianLinkFactory(guardian=mother, child=girl, kind="mother")
    return girl


@pytest.fixture
def issue(cast, org_options):
    def make(generator_id, actor="curator", **options):
        return services.document_issue(
            actor=cast.user(actor), generator_id=generator_id, options=org_options(**options)
        )

    return make


@pytest.fixture
def mentorship(cast, year, mentor, mentee):
    """Сидоров Пётр Ильич mentors Иванова Мария Петровна («Учитель – ученик»): an approved plan and a
    signed journal entry."""
    from nastavnik.mentorships.models import (
        IndividualPlan,
        JournalEntry,
        JournalSignature,
        Mentorship,
        MentorshipMentee,
        PlanItem,
    )
    from nastavnik.pools.models import MenteeEntry, MentorEntry

    mentor_entry = MentorEntry.objects.get(person=mentor)
    mentee_entry = MenteeEntry.objects.get(person=mentee)
    pair = Mentorship.objects.create(
        organization=cast.school_a, municipality=cast.municipality_a, region=cast.region_a, academic_year=year,
        form=mentor_entry.form, mentor=mentor, mentor_entry=mentor_entry, status="active",
        direction="Подготовка к олимпиаде по русскому языку", start_date=year.start_date,
        mentees_key=str(mentee_entry.pk),
    )  # fmt: skip
    MentorshipMentee.objects.create(
        mentorship=pair, person=mentee, mentee_entry=mentee_entry, joined_on=year.start_date
    )
    plan = IndividualPlan.objects.create(
        mentorship=pair, status="approved", goal="Повысить учебную мотивацию и результаты по русскому языку",
        approved_at=timezone.now(),
    )  # fmt: skip
    PlanItem.objects.create(
        plan=plan, position=1, competency="Орфографическая грамотность", activity="Еженедельные занятия",
        deadline=dt.date(year.start_year, 12, 20), format="in_person", expected_result="Диктант на «4»",
    )  # fmt: skip
    entry = JournalEntry.objects.create(
        mentorship=pair, date=dt.date(year.start_year, 10, 12), format="remote", participation="individual",
        activity="dialogue", topic="Знакомство и цели", content="Обсудили запрос", result="Цели определены",
    )  # fmt: skip
    JournalSignature.objects.create(entry=entry, person=mentee, signed_at=timezone.now())
    return pair
