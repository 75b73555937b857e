"""Helpers of the mentorships tests: school A runs the «учитель – ученик» form this year; a trained
mentor and included mentees with consents are built through the pools' services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nastavnik.mentorships import services
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Category
from nastavnik.pools import services as pools
from nastavnik.pools.models import CRITERION_CODES, RequestCategory
from nastavnik.programs.models import MentoringForm
from tests.access_cases.pools import _forms
from tests.factories import PersonFactory
from tests.pools.conftest import give_consent

ALL_TWOS = dict.fromkeys(CRITERION_CODES, (2, ""))


def today_in(academic_year):
    return max(academic_year.start_date, timezone.localdate())


class Builder:
    def __init__(self, cast, year, form):
        self.cast, self.year, self.form = cast, year, form
        self._training = None

    @property
    def curator(self):
        return self.cast.user("curator")

    def mentor(self, person=None, *, capacity=1, trained=True, last_name="Учителева"):
        cast = self.cast
        person = person or PersonFactory(organization=cast.school_a, last_name=last_name, category=Category.STAFF)
        give_consent(person)
        entry = pools.mentor_add(
            actor=self.curator, organization=cast.school_a, academic_year=self.year, person=person, form=self.form,
            capacity=capacity, topics=["математика"],
        )  # fmt: skip
        pools.score_sheet_save(actor=cast.user("working_group"), entry=entry, scores=ALL_TWOS)
        today = today_in(self.year)
        entry = pools.mentor_decide(actor=self.curator, entry=entry, approve=True, date=today, today=today)
        if trained:
            if self._training is None:
                self._training = pools.training_save(
                    actor=self.curator, organization=cast.school_a, academic_year=self.year,
                    title="Школа наставника", date=today,
                )  # fmt: skip
            attended = list(self._training.attendance.filter(attended=True).values_list("mentor_id", flat=True))
            pools.attendance_save(actor=self.curator, training=self._training, attended_ids=[*attended, entry.pk])
            entry.refresh_from_db()
        return entry

    def mentee(self, person=None, *, last_name="Ученикова", include=True):
        cast = self.cast
        person = person or PersonFactory(
            organization=cast.school_a, last_name=last_name, category=Category.PUPIL, class_name="6А"
        )
        give_consent(person)
        entry = pools.mentee_add(
            actor=self.curator, organization=cast.school_a, academic_year=self.year, person=person, form=self.form,
            categories=[RequestCategory.objects.filter(region=None).first()],
        )  # fmt: skip
        if include:
            entry = pools.mentee_set_status(actor=self.curator, entry=entry, status="included")
        return entry

    def mentorship(self, mentor=None, mentees=None, *, activate=True, actor=None, **kwargs):
        mentor = mentor or self.mentor()
        mentees = mentees if mentees is not None else [self.mentee()]
        kwargs.setdefault("start_date", today_in(self.year) if activate else None)
        return services.mentorship_create(
            actor=actor or self.curator, organization=self.cast.school_a, academic_year=self.year, form=self.form,
            mentor_entry=mentor, mentee_entries=mentees, activate=activate, **kwargs,
        )  # fmt: skip


@pytest.fixture
def year(cast):
    return academic_year_current()


@pytest.fixture
def teacher_pupil(cast):
    _forms(cast)
    return MentoringForm.objects.get(code="teacher_pupil")


@pytest.fixture
def build(cast, year, teacher_pupil):
    return Builder(cast, year, teacher_pupil)


@pytest.fixture
def cast_pair(cast, build):
    """The cast's mentor (Зайцева) with the cast's mentee (Дмитриева) and the guardian's child (Иванова,
    pupil_a) — an active group of school A; the guardian is the mother of pupil_a."""
    mentor_person = cast.user("mentor").person
    mentor = build.mentor(mentor_person, capacity=3)
    mentee = build.mentee(cast.user("mentee").person)
    child = build.mentee(cast.pupil_a)
    return build.mentorship(mentor, [mentee, child])
