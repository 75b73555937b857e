"""Helpers of the mentor base tests: completed mentorships (with mentees and ratings) written straight to the
database — the mentorships app tests its own services; here we only need their results to read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nastavnik.feedback.models import MeetingRating
from nastavnik.mentorships.models import Meeting, MeetingStatus, Mentorship, MentorshipMentee
from nastavnik.orgs.models import AcademicYear
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Category, RoleKind
from nastavnik.pools.models import MenteeEntry, MentorEntry
from nastavnik.programs.models import MentoringForm
from tests.factories import PersonFactory, RoleFactory, UserFactory
from tests.pools.conftest import give_consent


def _scope(organization):
    return {
        "organization": organization,
        "municipality": organization.municipality,
        "region": organization.municipality.region,
    }


class Maker:
    def __init__(self, cast):
        self.cast = cast
        self.form = MentoringForm.objects.get(code="teacher_pupil")
        self.year = academic_year_current()
        self.last_year, _ = AcademicYear.objects.get_or_create(start_year=self.year.start_year - 1)

    def teacher(self, organization=None, *, last_name="Наставникова", consent=True, **data):
        person = PersonFactory(
            organization=organization or self.cast.school_a, last_name=last_name, category=Category.STAFF, **data
        )
        if consent:
            give_consent(person)
        return person

    def mentorship(
        self, mentor, *, year=None, status="completed", end_reason="completed", ratings=(), mentees=1, topics=(),
        competencies="",
    ):  # fmt: skip
        year = year or self.last_year
        organization = mentor.organization
        entry, _ = MentorEntry.objects.get_or_create(
            person=mentor, form=self.form, academic_year=year,
            defaults={**_scope(organization), "status": "active", "topics": list(topics), "competencies": competencies},
        )  # fmt: skip
        start = year.start_date + dt.timedelta(days=40)
        pair = Mentorship.objects.create(
            **_scope(organization), academic_year=year, form=self.form, mentor=mentor, mentor_entry=entry,
            status=status, end_reason=end_reason if status != "active" else "", start_date=start,
            end_date=start + dt.timedelta(days=200) if status != "active" else None,
        )  # fmt: skip
        members = []
        for index in range(mentees):
            pupil = PersonFactory(organization=organization, category=Category.PUPIL, last_name=f"Ученикова{index}")
            mentee_entry = MenteeEntry.objects.create(
                **_scope(organization), academic_year=year, person=pupil, form=self.form, status="completed"
            )
            MentorshipMentee.objects.create(mentorship=pair, person=pupil, mentee_entry=mentee_entry, joined_on=start)
            members.append(pupil)
        for index, rating in enumerate(ratings):
            starts = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=7 * (index + 1)), dt.time(15)))
            meeting = Meeting.objects.create(
                mentorship=pair, starts_at=starts, ends_at=starts + dt.timedelta(hours=1), topic="Встреча",
                status=MeetingStatus.HELD,
            )  # fmt: skip
            MeetingRating.objects.create(meeting=meeting, person=members[index % len(members)], rating=rating)
            MeetingRating.objects.create(meeting=meeting, person=mentor, rating=1)  # the mentor's own: not counted
        return pair

    def curator(self, organization, username):
        user = UserFactory(username=username)
        person = PersonFactory(organization=organization, user=user, last_name="Кураторова", category=Category.STAFF)
        RoleFactory(person=person, kind=RoleKind.CURATOR, organization=organization)
        return user


@pytest.fixture
def make(cast):
    return Maker(cast)
