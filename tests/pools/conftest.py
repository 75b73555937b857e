"""Helpers of the pools tests: school A runs three forms this year; people get consents directly."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nastavnik.consents.models import Consent
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Category
from nastavnik.programs.models import MentoringForm
from tests.access_cases.pools import _forms
from tests.factories import PersonFactory


def give_consent(person, *, revoked: bool = False) -> Consent:
    now = timezone.now()
    return Consent.objects.create(
        person=person,
        organization=person.organization,
        kind="adult",
        method="scan",
        signer_name=person.full_name,
        text="Согласие на обработку персональных данных участника программы наставничества",
        given_at=now,
        revoked_at=now if revoked else None,
    )


@pytest.fixture
def year(cast):
    return academic_year_current()


@pytest.fixture
def forms(cast):
    _forms(cast)
    return {
        f.code: f for f in MentoringForm.objects.filter(code__in=["pupil_pupil", "teacher_pupil", "teacher_teacher"])
    }


@pytest.fixture
def teacher_pupil(forms):
    return forms["teacher_pupil"]


@pytest.fixture
def make_teacher(cast):
    def make(last_name="Учителева", **data):
        return PersonFactory(organization=cast.school_a, last_name=last_name, category=Category.STAFF, **data)

    return make


@pytest.fixture
def make_pupil(cast):
    def make(last_name="Ученикова", class_name="6А", **data):
        return PersonFactory(
            organization=cast.school_a, last_name=last_name, category=Category.PUPIL, class_name=class_name, **data
        )

    return make
