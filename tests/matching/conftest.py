"""Helpers of the matching tests: pools of school A (and its neighbour school A2) built through the
pools' services — trained mentors and included mentees, each with a consent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nastavnik.matching import services
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Category
from nastavnik.pools import services as pools
from nastavnik.pools.models import CRITERION_CODES, RequestCategory
from nastavnik.programs import services as program_services
from nastavnik.programs.models import MentoringForm
from tests.access_cases.core import _program
from tests.factories import PersonFactory
from tests.pools.conftest import give_consent

ALL_TWOS = dict.fromkeys(CRITERION_CODES, (2, ""))
FORM_CODES = ("pupil_pupil", "teacher_pupil", "teacher_teacher", "student_pupil")


def today_in(academic_year):
    return max(academic_year.start_date, timezone.localdate())


def enable_forms(cast, organization, codes=FORM_CODES):
    from nastavnik.programs.models import Program

    program = Program.objects.filter(organization=organization).first()
    if program is None:
        program = (
            _program(cast)
            if organization == cast.school_a
            else program_services.program_create(actor=cast.user("admin"), organization=organization, title="Программа")
        )
    forms = list(MentoringForm.objects.filter(code__in=codes))
    program_services.program_save_step(actor=cast.user("admin"), program=program, step="forms", data={"forms": forms})
    return {f.code: f for f in forms}


class Pools:
    """Builds pool entries for one form (in school A unless told otherwise)."""

    def __init__(self, cast, year, form):
        self.cast, self.year, self.form = cast, year, form
        self._trainings = {}
        self.admin = cast.user("admin")

    def mentor(self, last_name="Учителева", *, organization=None, capacity=1, topics=("математика",),
               competencies="", category=Category.STAFF, trained=True, **person):  # fmt: skip
        organization = organization or self.cast.school_a
        person = PersonFactory(organization=organization, last_name=last_name, category=category, **person)
        give_consent(person)
        entry = pools.mentor_add(
            actor=self.admin, organization=organization, academic_year=self.year, person=person, form=self.form,
            capacity=capacity, topics=list(topics), competencies=competencies,
        )  # fmt: skip
        pools.score_sheet_save(actor=self.admin, entry=entry, scores=ALL_TWOS)
        today = today_in(self.year)
        entry = pools.mentor_decide(actor=self.admin, entry=entry, approve=True, date=today, today=today)
        if trained:
            training = self._trainings.get(organization.pk)
            if training is None:
                training = self._trainings[organization.pk] = pools.training_save(
                    actor=self.admin, organization=organization, academic_year=self.year,
                    title="Школа наставника", date=today,
                )  # fmt: skip
            attended = list(training.attendance.filter(attended=True).values_list("mentor_id", flat=True))
            pools.attendance_save(actor=self.admin, training=training, attended_ids=[*attended, entry.pk])
            entry.refresh_from_db()
        return entry

    def mentee(self, last_name="Ученикова", *, organization=None, request_text="Трудности с математикой",
               category_name="Низкие образовательные результаты", class_name="6А", category=Category.PUPIL,
               include=True, **person):  # fmt: skip
        organization = organization or self.cast.school_a
        person = PersonFactory(
            organization=organization, last_name=last_name, category=category, class_name=class_name, **person
        )
        give_consent(person)
        entry = pools.mentee_add(
            actor=self.admin, organization=organization, academic_year=self.year, person=person, form=self.form,
            categories=list(RequestCategory.objects.filter(region=None, name=category_name)),
            request_text=request_text,
        )  # fmt: skip
        if include:
            entry = pools.mentee_set_status(actor=self.admin, entry=entry, status="included")
        return entry

    def run(self, actor="curator", **kwargs):
        return services.run_create(
            actor=self.cast.user(actor) if isinstance(actor, str) else actor,
            organization=self.cast.school_a,
            academic_year=self.year,
            form=self.form,
            **kwargs,
        )


@pytest.fixture
def year(cast):
    return academic_year_current()


@pytest.fixture
def forms(cast):
    return enable_forms(cast, cast.school_a)


@pytest.fixture
def pools_for(cast, year, forms):
    def make(code="teacher_pupil"):
        return Pools(cast, year, forms[code])

    return make


@pytest.fixture
def tp(pools_for):
    return pools_for("teacher_pupil")
