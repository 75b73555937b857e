"""«Молодые педагоги (стаж 0–3 года) с наставником» and «молодые педагоги, оставшиеся через 2 года»:
read from Person.teaching_since; with data, without data, and never a division by zero."""

from __future__ import annotations

import datetime as dt

import pytest

from nastavnik.core.text import years_before
from nastavnik.mentorships.models import Mentorship, MentorshipMentee
from nastavnik.monitoring.indicators import Scope, compute
from nastavnik.orgs.models import AcademicYear
from nastavnik.people.models import Category
from nastavnik.pools.models import MenteeEntry, MentorEntry
from nastavnik.programs.models import MentoringForm
from tests.factories import PersonFactory

from .conftest import scope_for

pytestmark = pytest.mark.django_db


def values(scope: Scope) -> dict:
    return {v.indicator.code: v for v in compute(scope)}


def teacher(organization, since, *, category=Category.STAFF, last_name="Молодова"):
    return PersonFactory(organization=organization, category=category, teaching_since=since, last_name=last_name)


def pair(organization, year, mentor, mentees, *, status="active"):
    """A teacher–teacher pair of any year written directly (the services refuse dates in a closed year)."""
    form = MentoringForm.objects.get(code="teacher_teacher")
    scope = {"region_id": organization.municipality.region_id, "municipality_id": organization.municipality_id,
             "organization_id": organization.pk, "academic_year": year}  # fmt: skip
    entry, _ = MentorEntry.objects.get_or_create(
        person=mentor, form=form, **scope, defaults={"status": "active", "capacity": 3}
    )
    start = year.start_date + dt.timedelta(days=10) if status != "proposed" else None
    mentorship = Mentorship.objects.create(
        form=form, mentor=mentor, mentor_entry=entry, status=status, start_date=start,
        end_date=year.end_date - dt.timedelta(days=90) if status == "completed" else None,
        mentees_key=f"{mentor.pk}:{'-'.join(str(p.pk) for p in mentees)}:{year.start_year}", **scope,
    )  # fmt: skip
    for person in mentees:
        mentee_entry, _ = MenteeEntry.objects.get_or_create(
            person=person, form=form, **scope, defaults={"status": "in_mentorship"}
        )
        MentorshipMentee.objects.create(
            mentorship=mentorship, person=person, mentee_entry=mentee_entry, joined_on=start
        )
    return mentorship


def test_young_teachers_with_a_mentor(cast, year):
    school = cast.school_a
    end = year.end_date
    mentored = teacher(school, years_before(end, 1), last_name="Первова")
    waiting = teacher(school, year.start_date, last_name="Второва")  # young, only a proposed pair
    teacher(school, dt.date(end.year - 3, end.month, end.day), last_name="Ровно")  # exactly 3 years: not young
    teacher(school, years_before(end, 12), last_name="Опытнова")
    teacher(school, years_before(end, 1), category=Category.PUPIL, last_name="Ученикова")  # not staff
    teacher(school, None, last_name="Безстажева")  # no date: not counted either way
    senior = teacher(school, years_before(end, 20), last_name="Наставникова")
    pair(school, year, senior, [mentored])
    pair(school, year, senior, [waiting], status="proposed")
    result = values(scope_for(school, year))["young_teachers_mentored"]
    assert (result.numerator, result.denominator) == (1, 2)
    assert result.value == 50.0
    assert result.value_text == "50 %"
    # the same counts for the municipality and the region (one aggregate whatever the level)
    for level, pk in (("municipality", school.municipality_id), ("region", school.municipality.region_id)):
        scope = Scope(level=level, pk=pk, academic_year=year, today=scope_for(school, year).today)
        assert values(scope)["young_teachers_mentored"].numerator == 1


def test_young_teachers_without_dates_show_no_data(cast, year):
    PersonFactory(organization=cast.school_a, category=Category.STAFF, teaching_since=None)
    result = values(scope_for(cast.school_a, year))
    for code in ("young_teachers_mentored", "young_teachers_retained"):
        assert result[code].value is None, code  # 0 ÷ 0: no ZeroDivisionError
        assert result[code].value_text == "нет данных"
        assert result[code].light == "grey"


def test_young_teachers_who_stayed_after_two_years(cast, year):
    school = cast.school_a
    then, _ = AcademicYear.objects.get_or_create(start_year=year.start_year - 2)
    young_then = years_before(then.end_date, 1)
    stayed = teacher(school, young_then, last_name="Осталась")
    moved_inside = teacher(school, young_then, last_name="Перешла")  # to a neighbour school of the region
    moved_away = teacher(school, young_then, last_name="Уехала")  # to another region
    left = teacher(school, young_then, last_name="Ушла")  # no longer staff
    detached = teacher(school, young_then, last_name="Откреплена")  # no organisation now
    veteran = teacher(school, years_before(then.end_date, 15), last_name="Ветеранова")  # not young then
    unpaired = teacher(school, young_then, last_name="Непара")  # young then, but only a proposed pair
    senior = teacher(school, years_before(then.end_date, 25), last_name="Наставникова")
    pair(school, then, senior, [stayed, moved_inside, moved_away], status="completed")
    pair(school, then, senior, [stayed, left, detached, veteran], status="active")  # «stayed» counted once
    pair(school, then, senior, [unpaired], status="proposed")
    pair(school, year, senior, [stayed])  # this year's pairs are not the cohort

    moved_inside.organization = cast.school_a2
    moved_inside.save()
    moved_away.organization, moved_away.region = cast.school_b, cast.region_b
    moved_away.municipality = cast.school_b.municipality
    moved_away.save()
    left.category = Category.OTHER
    left.save()
    detached.organization = None
    detached.save()

    result = values(scope_for(school, year))["young_teachers_retained"]
    assert (result.numerator, result.denominator) == (2, 5)
    assert result.value == 40.0
    # a year with nothing two years before it: no data
    assert values(scope_for(school, then))["young_teachers_retained"].value is None
    region = Scope(level="region", pk=school.municipality.region_id, academic_year=year,
                   today=scope_for(school, year).today)  # fmt: skip
    assert values(region)["young_teachers_retained"].denominator == 5


def test_the_hover_text_defines_both_indicators(cast, year, client):
    client.force_login(cast.user("admin"))
    response = client.get(f"/monitoring/org/{cast.school_a.pk}/{year.start_year}/")
    text = response.content.decode()
    assert "Доля молодых педагогов (стаж 0–3 года) с наставником" in text
    assert "Молодые педагоги, оставшиеся через 2 года" in text
    assert "дата начала педагогической деятельности" in text.lower()
