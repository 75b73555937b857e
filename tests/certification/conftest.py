"""Helpers of the certification tests: a scheme of region A for the current year and the data that
meets each requirement for a curator (built with the ORM of the other apps: the requirement code
reads those tables and nothing else)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nastavnik.certification import services
from nastavnik.certification.models import CuratorTraining, TrainingStatus
from nastavnik.documents.models import IssuedDocument
from nastavnik.events.models import CaseStatus, PracticeCase
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import RoleKind
from nastavnik.programs.models import MentoringForm, OrganizationYear
from tests.events.conftest import build, completed_pair, teacher_pupil  # noqa: F401 (fixtures)
from tests.factories import OrganizationFactory, PersonFactory, RoleFactory, UserFactory


@pytest.fixture
def year(cast):
    return academic_year_current()


@pytest.fixture
def deadline(year):
    return dt.date(year.start_year + 1, 6, 15)


@pytest.fixture
def scheme(cast, year, deadline):
    return services.scheme_save(
        actor=cast.user("regional"),
        region=cast.region_a,
        academic_year=year,
        min_hours=36,
        require_program_year=True,
        report_deadline=deadline,
        case_status="submitted",
    )


def training_day(year) -> dt.date:
    return max(year.start_date, timezone.localdate() - dt.timedelta(days=1))


class Meet:
    """Make each requirement true for a curator (and their organisation)."""

    def __init__(self, cast, year):
        self.cast, self.year = cast, year

    def hours(self, person, organization, hours=36, status=TrainingStatus.CONFIRMED, title="Школа куратора"):
        return CuratorTraining.objects.create(
            person=person, organization=organization, region=organization.municipality.region, title=title,
            provider="РНЦ", hours=hours, date=training_day(self.year), status=status,
        )  # fmt: skip

    def year_closed(self, organization):
        OrganizationYear.objects.update_or_create(
            organization=organization, academic_year=self.year, defaults={"closed_at": timezone.now()}
        )

    def report(self, organization, generator_id="program_report"):
        n = IssuedDocument.objects.filter(organization=organization).count() + 1
        return IssuedDocument.objects.create(
            organization=organization, academic_year=self.year, generator_id=generator_id, series="report",
            sequence=n, number=str(n), date=timezone.localdate(), title="Отчёт о реализации программы",
            search_key="отчет",
        )  # fmt: skip

    def case(self, organization, status=CaseStatus.CURATOR_REVIEW):
        form = MentoringForm.objects.order_by("id").first()
        return PracticeCase.objects.create(
            region=organization.municipality.region, municipality=organization.municipality,
            organization=organization, academic_year=self.year, title="Кейс", form=form, topic="адаптация",
            problem="Проблема", actions="Действия", results="Выросло на 20 %", author_name="Куратор", status=status,
        )  # fmt: skip

    def everything(self, person, organization):
        self.hours(person, organization)
        self.year_closed(organization)
        self.report(organization)
        self.case(organization)


@pytest.fixture
def meet(cast, year):
    return Meet(cast, year)


@pytest.fixture
def curator(cast):
    return cast.user("curator").person


@pytest.fixture
def make_curator(cast):
    """A curator with a login in a new school of municipality A (or of the given municipality)."""
    counter = {"n": 0}

    def make(municipality=None):
        counter["n"] += 1
        n = counter["n"]
        organization = OrganizationFactory(municipality=municipality or cast.municipality_a)
        user = UserFactory(username=f"cert-curator-{n}")
        person = PersonFactory(organization=organization, last_name="Орлова", user=user)
        RoleFactory(person=person, kind=RoleKind.CURATOR, organization=organization)
        return person, organization

    return make
