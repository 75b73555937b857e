"""The dashboards' aggregates (issue 8, Performance): the counts of the one pass over the people and of the
problem lists agree with plain ORM counts of the same definitions on a generated region (with people of
every age, consents of each kind, revoked ones, a mentee who left, a second organisation's pairs), the
number of queries is the same at N and 2N and does not grow back, and a server's warm-up works."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nastavnik.consents.models import Consent
from nastavnik.core.text import years_before
from nastavnik.mentorships.models import JournalEntry, Meeting, Mentorship, MentorshipMentee
from nastavnik.monitoring import indicators, selectors
from nastavnik.monitoring.models import Measurement
from nastavnik.orgs.models import Region
from nastavnik.people.models import Category, Person
from nastavnik.pools.models import MenteeEntry, MentorEntry

pytestmark = pytest.mark.django_db

# the regional dashboard's queries (selectors.dashboard, no chart): measured on SQLite and PostgreSQL
# alike (one more on PostgreSQL: SET LOCAL jit); 18 before the problem lists read each set once (issue 8)
REGION_DASHBOARD_QUERIES = 16


def _generate(code: str, orgs: int, participants: int) -> Region:
    call_command("generate_region", orgs=orgs, participants=participants, years=1, code=code, stdout=io.StringIO())
    return Region.objects.get(code=code)


def _scope(level: str, pk: int, year) -> indicators.Scope:
    return indicators.Scope(level=level, pk=pk, academic_year=year, today=timezone.localdate())


def _expected_people(scope: indicators.Scope, organization_id: int) -> dict:
    """PEOPLE_COUNTS of one organisation by plain ORM counts (a query per number: the definition)."""
    year, today = scope.academic_year, scope.today
    people = Person.objects.filter(organization_id=organization_id)
    participating = Q(mentorship__academic_year=year, mentorship__status__in=indicators.PARTICIPATING)
    participating &= scope.q("mentorship__")
    mentee_ids = MentorshipMentee.objects.filter(participating).values("person_id")
    mentor_ids = Mentorship.objects.filter(scope.q(), academic_year=year, status__in=indicators.PARTICIPATING).values(
        "mentor_id"
    )
    involved = Q(pk__in=mentee_ids) | Q(pk__in=mentor_ids)
    teen = Q(birth_date__lte=years_before(today, 10), birth_date__gt=years_before(today, 19))
    young = Q(
        category=Category.STAFF,
        teaching_since__gt=years_before(year.end_date, indicators.YOUNG_YEARS),
        teaching_since__lte=year.end_date,
    )
    pool = Q(pk__in=MenteeEntry.objects.filter(scope.q(), academic_year=year).values("person_id")) | Q(
        pk__in=MentorEntry.objects.filter(scope.q(), academic_year=year).values("person_id")
    )
    valid = Consent.objects.filter(revoked_at__isnull=True)
    b14 = years_before(today, 14)
    consented = (Q(birth_date__gt=b14) & Q(pk__in=valid.filter(kind="guardian_under_14").values("person_id"))) | (
        (Q(birth_date__isnull=True) | Q(birth_date__lte=b14)) & Q(pk__in=valid.values("person_id"))
    )
    active = Q(
        pk__in=MentorshipMentee.objects.filter(
            scope.q("mentorship__"), mentorship__academic_year=year, mentorship__status="active", left_on__isnull=True
        ).values("person_id")
    )
    diag = Q(
        pk__in=Measurement.objects.filter(
            scope.q(), measured_on__gte=scope.quarter_start, measured_on__lte=today
        ).values("person_id")
    )
    pupils, students, staff = (people.filter(category=c) for c in (Category.PUPIL, Category.STUDENT, Category.STAFF))
    learners = people.filter(category__in=(Category.PUPIL, Category.STUDENT))
    return {
        "pupils": pupils.count(),
        "pupils_in": pupils.filter(involved).count(),
        "teens": pupils.filter(teen).count(),
        "teens_in": pupils.filter(teen).filter(involved).count(),
        "students": students.count(),
        "students_in": students.filter(involved).count(),
        "staff": staff.count(),
        "staff_in": staff.filter(involved).count(),
        "learners": learners.count(),
        "learners_mentors": learners.filter(pk__in=mentor_ids).count(),
        "young": people.filter(young).count(),
        "young_mentored": people.filter(young, pk__in=mentee_ids).count(),
        "participants": people.filter(pool).count(),
        "consented": people.filter(pool).filter(consented).count(),
        "active_mentees": people.filter(active).count(),
        "diagnosed": people.filter(active).filter(diag).count(),
    }


@pytest.fixture
def region(db):
    region = _generate("Q1", orgs=3, participants=240)
    # the edge cases the one pass must count as the definitions do: a revoked consent, a mentee who left an
    # active pair (not «active» any more, still a participant of the year), a teacher with a teaching start
    some = Person.objects.filter(region=region).order_by("pk")
    consent = Consent.objects.filter(person__region=region, revoked_at__isnull=True).order_by("pk").first()
    Consent.objects.filter(pk=consent.pk).update(revoked_at=timezone.now())
    member = MentorshipMentee.objects.filter(mentorship__region=region, mentorship__status="active").first()
    MentorshipMentee.objects.filter(pk=member.pk).update(left_on=timezone.localdate())
    Person.objects.filter(pk=some.filter(category=Category.STAFF).first().pk).update(
        teaching_since=timezone.localdate() - dt.timedelta(days=400)
    )
    return region


def test_one_pass_over_the_people_counts_what_the_definitions_count(region, year):
    scope = _scope("region", region.pk, year)
    by_org = indicators.people_numbers_by_organization(scope)
    organizations = list(region.municipalities.get().organizations.values_list("pk", flat=True))
    assert sorted(by_org) == sorted(organizations)
    for organization_id in organizations:
        assert by_org[organization_id] == _expected_people(scope, organization_id), organization_id
        # an organisation's own dashboard (no GROUP BY organisation) gives the same numbers
        org_scope = _scope("organization", organization_id, year)
        assert indicators._people_numbers(org_scope) == _expected_people(org_scope, organization_id)
    assert indicators.sum_people_numbers(by_org.values())["participants"] > 0


def test_an_organisation_without_people_counts_zeros(cast, year):
    scope = _scope("organization", cast.school_b.pk, year)
    Person.objects.filter(organization=cast.school_b).delete()
    assert indicators._people_numbers(scope) == dict.fromkeys(indicators.PEOPLE_COUNTS, 0)


def test_problem_lists_and_their_counts_agree_with_plain_counts(region, year):
    for level, pk in (("region", region.pk), ("organization", region.municipalities.get().organizations.first().pk)):
        scope = _scope(level, pk, year)
        stale_by_org = selectors.stale_by_organization(scope) if level == "region" else None
        found = selectors.problems(scope, stale_by_org=stale_by_org)
        assert found.stale_count == selectors.stale_mentorships(scope).count()
        assert found.overdue_count == selectors.overdue_plan_items(scope).count()
        assert found.unconfirmed_count == selectors.unconfirmed_meetings(scope).count()
        assert [m.pk for m in found.stale] == [m.pk for m in selectors.stale_mentorships(scope)[:20]]
        overdue = selectors.overdue_plan_items(scope)
        assert [i.pk for i in found.overdue] == [i.pk for i in overdue[:20]]
        assert all(i.deadline < scope.today for i in found.overdue)
        assert [i.deadline for i in found.overdue] == sorted(i.deadline for i in found.overdue)
    assert found.overdue_count + found.stale_count + found.unconfirmed_count > 0  # the data has problems


def test_activity_by_month_counts_every_meeting_and_entry_of_the_months_shown(region, year):
    scope = _scope("region", region.pk, year)
    months, meetings, journal = selectors.activity_by_month(scope)
    assert months[0] == f"{year.start_year}-09"
    first = dt.date(year.start_year, 9, 1)
    last = selectors._month_starts(months)[-1]
    held = Meeting.objects.filter(
        mentorship__region=region, mentorship__academic_year=year, status="held",
        starts_at__gte=selectors._moment(first), starts_at__lt=selectors._moment(last),
    )  # fmt: skip
    entries = JournalEntry.objects.filter(
        mentorship__region=region, mentorship__academic_year=year, date__gte=first, date__lt=last
    )
    assert sum(meetings) == held.count() > 0
    assert sum(journal) == entries.count() > 0
    september = selectors._moment(dt.date(year.start_year, 10, 1))
    assert meetings[0] == held.filter(starts_at__lt=september).count()


def test_region_dashboard_makes_a_fixed_number_of_queries(year):
    counts = []
    for code, orgs, participants in (("Q2", 2, 60), ("Q3", 4, 240)):
        region = _generate(code, orgs, participants)
        with CaptureQueriesContext(connection) as queries:
            context = selectors.dashboard(_scope("region", region.pk, year), with_chart=False)
        counts.append(len([q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]))
        assert len(context["organizations"]) == orgs
        assert context["problems"].stale_count == sum(r["stale"] for r in context["organizations"])
    assert counts[0] == counts[1] <= REGION_DASHBOARD_QUERIES + (connection.vendor == "postgresql"), counts


def test_a_server_process_warms_up_without_reading_data():
    from nastavnik.monitoring import charts
    from nastavnik.monitoring.warmup import warm_up

    with CaptureQueriesContext(connection) as queries:
        assert warm_up() >= 0
        assert warm_up() >= 0  # twice is harmless
    assert len(queries) == 0
    assert charts.activity_trend(["2026-09"], [1], [1]).startswith(b"<?xml")
