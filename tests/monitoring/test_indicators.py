"""The indicators of seed 002 computed live: each with data and with no data («нет данных»)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nastavnik.consents.models import Consent
from nastavnik.mentorships.models import IndividualPlan, PlanItem
from nastavnik.monitoring.indicators import BY_CODE, GREEN, GREY, NEUTRAL, RED, YELLOW, compute, light_for, share
from nastavnik.people.models import Category, Person
from nastavnik.programs.models import MentoringForm, RoadmapItem
from tests.access_cases.core import _roadmap
from tests.factories import PersonFactory
from tests.mentorships.conftest import Builder

from .conftest import answer_satisfaction, scope_for

pytestmark = pytest.mark.django_db


def values(organization, year, today=None) -> dict:
    return {v.indicator.code: v for v in compute(scope_for(organization, year, today))}


def test_share_and_lights_never_divide_by_zero():
    assert share(3, 0) is None
    assert share(0, None) is None
    assert share(1, 3) == 33.3
    coverage = BY_CODE["coverage_pupils"]
    assert light_for(coverage, None) == GREY
    assert light_for(coverage, 12) == GREEN
    assert light_for(coverage, 8.5) == YELLOW
    assert light_for(coverage, 2) == RED
    assert light_for(BY_CODE["partners_involved"], 0) == NEUTRAL  # no target: no traffic light


def test_an_organisation_without_data_shows_no_data_everywhere(cast, year, client):
    result = values(cast.school_a2, year)
    assert all(v.value is None for v in result.values()), {k: v.value for k, v in result.items() if v.value is not None}
    assert {v.value_text for v in result.values()} == {"нет данных"}
    client.force_login(cast.user("admin"))
    response = client.get(f"/monitoring/org/{cast.school_a2.pk}/{year.start_year}/")
    assert response.status_code == 200
    assert response.content.decode().count("нет данных") >= len(result)


def test_coverage_of_pupils_staff_and_learner_mentors(cast, year, build):
    mentee_a, mentee_b = build.mentee(last_name="Первая"), build.mentee(last_name="Вторая")
    build.mentorship(build.mentor(capacity=2), [mentee_a, mentee_b])
    # a pupil who mentors another pupil
    peers = Builder(cast, year, MentoringForm.objects.get(code="pupil_pupil"))
    learner_mentor = PersonFactory(organization=cast.school_a, category=Category.PUPIL, last_name="Старшеклассник")
    peers.mentorship(peers.mentor(learner_mentor), [peers.mentee(last_name="Третья")])
    pupils = Person.objects.filter(organization=cast.school_a, category=Category.PUPIL).count()
    staff = Person.objects.filter(organization=cast.school_a, category=Category.STAFF).count()
    result = values(cast.school_a, year)
    assert (result["coverage_pupils"].numerator, result["coverage_pupils"].denominator) == (4, pupils)
    assert result["coverage_pupils"].value == round(100 * 4 / pupils, 1)
    assert (result["coverage_staff"].numerator, result["coverage_staff"].denominator) == (1, staff)
    assert result["learners_as_mentors"].numerator == 1
    assert result["coverage_students"].value is None  # a school has no students: no division by zero


def test_proposed_mentorships_do_not_count_as_coverage(cast, year, build):
    build.mentorship(activate=False)
    assert values(cast.school_a, year)["coverage_pupils"].numerator == 0


def test_consents_under_14_only_through_the_guardian(cast, year, build):
    today = timezone.localdate()
    child = PersonFactory(
        organization=cast.school_a, category=Category.PUPIL, last_name="Младшая",
        birth_date=today.replace(year=today.year - 10),
    )  # fmt: skip
    build.mentee(child)  # give_consent records an «adult» consent: wrong kind for a child of 10
    result = values(cast.school_a, year)["consents"]
    assert result.denominator == 1
    assert result.numerator == 0
    assert result.value == 0
    Consent.objects.filter(person=child).update(kind="guardian_under_14")
    result = values(cast.school_a, year)["consents"]
    assert result.numerator == 1
    assert result.value == 100


def test_plans_done_is_the_mean_of_the_approved_plans(cast, year, build):
    mentorship = build.mentorship()
    assert values(cast.school_a, year)["plans_done"].value is None
    plan = IndividualPlan.objects.create(mentorship=mentorship, number=1, status="approved")
    day = year.start_date
    PlanItem.objects.create(plan=plan, position=1, competency="А", activity="а", deadline=day, status="done")
    PlanItem.objects.create(plan=plan, position=2, competency="Б", activity="б", deadline=day, progress=50)
    PlanItem.objects.create(plan=plan, position=3, competency="В", activity="в", deadline=day, status="cancelled")
    result = values(cast.school_a, year)["plans_done"]
    assert result.value == 75.0
    assert (result.numerator, result.denominator) == (0, 1)


def test_roadmap_items_done_on_time(cast, year):
    roadmap = _roadmap(cast)
    today = roadmap.items.order_by("due_date").first().due_date + dt.timedelta(days=1)
    due = list(roadmap.items.filter(due_date__lt=today))
    assert due
    assert values(cast.school_a, year, today)["roadmap_on_time"].value == 0
    first = due[0]
    RoadmapItem.objects.filter(pk=first.pk).update(status="done", done_at=first.due_date)
    result = values(cast.school_a, year, today)["roadmap_on_time"]
    assert (result.numerator, result.denominator) == (1, len(due))
    before = roadmap.items.order_by("due_date").first().due_date - dt.timedelta(days=1)
    assert values(cast.school_a, year, before)["roadmap_on_time"].value is None  # nothing due yet


def test_satisfaction_and_who_wants_to_become_a_mentor(cast, year, build):
    first, second = build.mentee(last_name="Довольная"), build.mentee(last_name="Сомневающаяся")
    people = [first.person, second.person]
    scales = ("comfort", "usefulness", "plan_clarity", "support", "expectations")
    answer_satisfaction(
        cast, people,
        {first.person.pk: {**dict.fromkeys(scales, 10), "become_mentor": "Да"},
         second.person.pk: {**dict.fromkeys(scales, 6), "become_mentor": "Нет"}},
    )  # fmt: skip
    result = values(cast.school_a, year)
    assert result["satisfaction"].value == 8.0
    assert result["want_to_mentor"].value == 50.0
    assert values(cast.school_a2, year)["satisfaction"].value is None


def test_diagnostics_in_this_quarter(cast, year, build):
    from nastavnik.monitoring import services

    mentorship = build.mentorship()
    mentee = mentorship.members.get().person
    today = timezone.localdate()
    assert values(cast.school_a, year)["diagnostics_quarter"].value == 0
    services.measurement_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=mentee,
        parameter="self_esteem", stage="entry", value=5, measured_on=max(today.replace(day=1), year.start_date),
    )  # fmt: skip
    assert values(cast.school_a, year)["diagnostics_quarter"].value == 100
