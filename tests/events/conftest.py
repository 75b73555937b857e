"""Helpers of the events tests: the mentorships' builder (trained mentor, included mentees with consents)
and a completed pair of school A with a plan and journal entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nastavnik.events import services
from nastavnik.mentorships import services as mentorships
from nastavnik.orgs.services import academic_year_current
from nastavnik.programs.models import MentoringForm
from tests.access_cases.pools import _forms
from tests.mentorships.conftest import Builder


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
def completed_pair(cast, build):
    """The cast's mentor (Зайцева) with pupil_a (Иванова Мария, 13 years old), completed today."""
    mentor = build.mentor(cast.user("mentor").person)
    mentee = build.mentee(cast.pupil_a)
    mentorship = build.mentorship(mentor, [mentee])
    mentorship.direction = "Подготовка к олимпиаде по математике"
    mentorship.save(update_fields=["direction"])
    mentorship.journal.create(
        date=mentorship.start_date, topic="Разбор олимпиадных задач", content="Решили 10 задач", result="7 из 10 верно"
    )
    return mentorships.mentorship_end(actor=cast.user("curator"), mentorship=mentorship, reason="", early=False)


def soon(days=7):
    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture
def make_event(cast):
    def make(*, actor="curator", days=7, **data):
        data.setdefault("kind", "info")
        data.setdefault("title", "Информационная встреча для родителей")
        if "region" not in data and "organization" not in data:
            data["organization"] = cast.school_a
        return services.event_save(actor=cast.user(actor), starts_at=soon(days), **data)

    return make
