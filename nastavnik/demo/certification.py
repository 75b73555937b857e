"""The demo's certification of curators (seed 004, stage 6), built through the certification services after
the documents and events: the regional coordinator sets the requirements of the current year (36 hours of
training, a completed program year, the report by 15 June, a case sent for review); each demo curator
enters courses that the coordinator confirms; every organisation gets its «Отчёт о реализации программы».
The college's curator is certified, the school's curator is ready for certification, the gymnasium's
curator lacks hours (24 of 36 confirmed, 12 waiting for confirmation). The same on every run."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from nastavnik.certification import selectors, services
from nastavnik.certification.models import TrainingStatus
from nastavnik.documents import services as document_services
from nastavnik.documents.models import IssuedDocument
from nastavnik.orgs.models import Organization, Region
from nastavnik.people.models import RoleKind

from .roles import region_user_with_role

COURSES = {
    # (title, provider, hours, days after 1 September, confirmed)
    "certified": [
        ("Куратор программы наставничества: организация и мониторинг", "РНЦ Белгородской области", 36, 20, True),
        ("Наставничество в профессиональном образовании", "БелИРО", 36, 45, True),
    ],
    "ready": [("Куратор программы наставничества: организация и мониторинг", "РНЦ Белгородской области", 36, 20, True)],
    "missing_hours": [
        ("Целевая модель наставничества: с чего начать", "БелИРО", 24, 25, True),
        ("Вебинар «Кейсы наставнических практик»", "РНЦ Белгородской области", 12, 50, False),
    ],
}
PLAN = {"college": "certified", "school": "ready", "gymnasium": "missing_hours"}


def _report(admin, organization: Organization, academic_year, day: dt.date) -> None:
    exists = IssuedDocument.objects.filter(
        organization=organization, academic_year=academic_year, generator_id="program_report"
    ).exists()
    if exists:
        return
    # not ready in this organisation (ValidationError): the certification page says what is missing
    with contextlib.suppress(ValidationError):
        document_services.document_issue(
            actor=admin,
            generator_id="program_report",
            options={
                "organization_id": organization.pk,
                "year": academic_year.start_year,
                "date": day.isoformat(),
                "request_key": f"demo-{organization.pk}-{academic_year.start_year}-certification-report",
            },
        )


def build_certification(region: Region, *, admin, academic_year, today: dt.date) -> dict[str, str]:
    """{organisation kind: state of its curator}."""
    today = min(today, timezone.localdate())
    regional = region_user_with_role(region, RoleKind.REGIONAL_COORDINATOR, admin)
    scheme = selectors.scheme_of(region=region, academic_year=academic_year)
    if scheme is None:
        deadline = min(max(dt.date(academic_year.start_year + 1, 6, 15), today), academic_year.end_date)
        scheme = services.scheme_save(
            actor=regional, region=region, academic_year=academic_year, min_hours=36, require_program_year=True,
            report_deadline=deadline, case_status="submitted",
        )  # fmt: skip
    states = {}
    for row in selectors.curators_of(region=region):
        plan = PLAN.get(row.organization.kind)
        if plan is None or row.person.user_id is None:
            continue
        for title, provider, hours, days, confirmed in COURSES[plan]:
            day = min(academic_year.start_date + dt.timedelta(days=days), today)
            training, _ = services.training_add(
                actor=row.person.user, title=title, provider=provider, hours=hours, date=day
            )
            if confirmed and training.status == TrainingStatus.PENDING:
                services.training_decide(actor=regional, training=training, confirmed=True)
        _report(admin, row.organization, academic_year, today)
        if plan == "certified":
            try:
                services.certificate_issue(actor=regional, scheme=scheme, person_pk=row.person.pk)
            except ValidationError:
                plan = "not_ready"
        states[row.organization.kind] = plan
    return states
