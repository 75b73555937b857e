"""Mentorships for the reminder tests, built with the mentorships tests' Builder (through services)."""

from __future__ import annotations

import pytest

from nastavnik.orgs.services import academic_year_current
from nastavnik.programs.models import MentoringForm
from tests.access_cases.pools import _forms
from tests.mentorships.conftest import Builder


@pytest.fixture
def build(cast):
    _forms(cast)
    return Builder(cast, academic_year_current(), MentoringForm.objects.get(code="teacher_pupil"))


@pytest.fixture
def cast_pair(cast, build):
    """The cast's mentor with the cast's mentee and pupil_a (a minor whose mother is the guardian)."""
    mentor = build.mentor(cast.user("mentor").person, capacity=3)
    return build.mentorship(mentor, [build.mentee(cast.user("mentee").person), build.mentee(cast.pupil_a)])
