"""Reads of curator certification, always given the acting user and scoped by region → municipality →
organisation. The progress of all curators of a region is computed with one query per requirement
(`progress_for`), never a loop of queries per curator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from nastavnik.core.declension import agree_with_gender
from nastavnik.core.text import date_ru
from nastavnik.documents.models import IssuedDocument
from nastavnik.events.models import CaseStatus, PracticeCase
from nastavnik.mentorships.models import EndReason, Mentorship, MentorshipStatus
from nastavnik.orgs.models import AcademicYear, Organization, Region
from nastavnik.people.access import access_for, require
from nastavnik.people.models import Person, Role, RoleKind
from nastavnik.programs.models import OrganizationYear, Program, ProgramStatus

from .models import CaseRequirement, CertificationScheme, CuratorCertificate, CuratorTraining, TrainingStatus

REPORT_GENERATORS = ("program_report", "regional_digest")
SUBMITTED_CASE = (CaseStatus.CURATOR_REVIEW, CaseStatus.REGION_REVIEW, CaseStatus.PUBLISHED)
# a completed mentorship: its work is done, or it ended early because the goal was reached
COMPLETED_PAIR = Q(status=MentorshipStatus.COMPLETED) | Q(
    status=MentorshipStatus.ENDED_EARLY, end_reason=EndReason.GOAL_REACHED_EARLY
)
NOT_COORDINATOR = "Страница доступна координаторам региона и муниципалитета."


# --- rights ----------------------------------------------------------------------------------------------
def can_define(user, region: Region) -> bool:
    """Set the requirements, issue and revoke certificates: the regional coordinator (and the admin)."""
    access = access_for(user)
    return access.is_admin or region.pk in access.region_ids


def coordinator_municipalities(user, region: Region) -> set[int] | None:
    """None — the whole region; a set — only these municipalities (a municipal coordinator)."""
    access = access_for(user)
    if can_define(user, region):
        return None
    ids = {m for m, r in access.municipality_region.items() if r == region.pk}
    require(bool(ids), NOT_COORDINATOR)
    return ids


def can_decide_training(user, training: CuratorTraining) -> bool:
    """Confirm or reject a training record: the coordinator of the region or of its municipality."""
    return access_for(user).covers_area(
        region_id=training.region_id, municipality_id=training.organization.municipality_id
    )


def _visible_q(access, *, person_field: str = "person_id") -> Q:
    """Records about a curator: the curator, the staff of the organisation, the coordinators of the area."""
    if access.is_admin:
        return Q()
    q = Q(pk__in=[])
    if access.person_id:
        q |= Q(**{person_field: access.person_id})
    if access.region_ids:
        q |= Q(organization__municipality__region_id__in=access.region_ids)
    if access.municipality_ids:
        q |= Q(organization__municipality_id__in=access.municipality_ids)
    if access.staff_org_ids:
        q |= Q(organization_id__in=access.staff_org_ids)
    return q


# --- schemes, curators, records -------------------------------------------------------------------------
def region_for(*, actor, pk: int) -> Region:
    return get_object_or_404(Region.objects.filter(access_for(actor).region_q()), pk=pk)


def scheme_of(*, region: Region, academic_year: AcademicYear) -> CertificationScheme | None:
    return (
        CertificationScheme.objects.filter(region=region, academic_year=academic_year)
        .select_related("region", "academic_year")
        .first()
    )


def scheme_get_for(*, actor, pk: int) -> CertificationScheme:
    qs = CertificationScheme.objects.filter(region__in=Region.objects.filter(access_for(actor).region_q()))
    return get_object_or_404(qs.select_related("region", "academic_year"), pk=pk)


def has_certificates(scheme: CertificationScheme) -> bool:
    return CuratorCertificate.objects.filter(scheme=scheme).exists()


def _active_curator_roles(today: dt.date | None = None) -> QuerySet[Role]:
    today = today or timezone.localdate()
    return Role.objects.filter(kind=RoleKind.CURATOR, organization__isnull=False).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )


def own_curator_role(user) -> Role | None:
    """The signed-in user's curator role (the first, when they curate more than one organisation)."""
    person_id = access_for(user).person_id
    if person_id is None:
        return None
    return (
        _active_curator_roles()
        .filter(person_id=person_id)
        .select_related("person", "organization__municipality__region")
        .order_by("id")
        .first()
    )


def curator_of_organization(*, organization: Organization) -> Person | None:
    role = _active_curator_roles().filter(organization=organization).select_related("person").order_by("id").first()
    return role.person if role else None


@dataclass
class CuratorRow:
    person: Person
    organization: Organization


def curators_of(*, region: Region, municipality_ids: set[int] | None = None) -> list[CuratorRow]:
    """Every curator of the region's organisations (one row per person: their first organisation)."""
    roles = _active_curator_roles().filter(organization__municipality__region=region)
    if municipality_ids is not None:
        roles = roles.filter(organization__municipality_id__in=municipality_ids)
    rows, seen = [], set()
    for role in roles.select_related("person", "organization__municipality").order_by(
        "organization__short_name", "person__last_name", "person__first_name", "id"
    ):
        if role.person_id not in seen:
            seen.add(role.person_id)
            rows.append(CuratorRow(role.person, role.organization))
    return rows


def curator_row(*, scheme: CertificationScheme, person_pk: int) -> CuratorRow:
    """A curator of the scheme's region (404 for anyone else)."""
    role = (
        _active_curator_roles()
        .filter(person_id=person_pk, organization__municipality__region_id=scheme.region_id)
        .select_related("person", "organization__municipality")
        .order_by("id")
        .first()
    )
    if role is None:
        from django.http import Http404

        raise Http404
    return CuratorRow(role.person, role.organization)


def trainings_of(*, person: Person) -> QuerySet[CuratorTraining]:
    return CuratorTraining.objects.filter(person=person).select_related("decided_by").order_by("-date", "-id")


def trainings_to_decide(*, region: Region, municipality_ids: set[int] | None = None) -> QuerySet[CuratorTraining]:
    qs = CuratorTraining.objects.filter(region=region, status=TrainingStatus.PENDING)
    if municipality_ids is not None:
        qs = qs.filter(organization__municipality_id__in=municipality_ids)
    return qs.select_related("person", "organization__municipality").order_by("date", "id")


def training_get_for(*, actor, pk: int) -> CuratorTraining:
    qs = CuratorTraining.objects.filter(_visible_q(access_for(actor))).select_related(
        "person", "organization__municipality", "region"
    )
    return get_object_or_404(qs, pk=pk)


def certificate_get_for(*, actor, pk: int) -> CuratorCertificate:
    qs = CuratorCertificate.objects.filter(_visible_q(access_for(actor))).select_related(
        "scheme__region", "scheme__academic_year", "person", "organization", "document"
    )
    return get_object_or_404(qs, pk=pk)


def certificate_for_document(*, organization: Organization, pk) -> CuratorCertificate | None:
    """The certificate a register document is made from (the generator reads it through here)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        CuratorCertificate.objects.filter(pk=pk, organization=organization)
        .select_related("scheme__region", "scheme__academic_year", "person", "issued_by__person")
        .first()
    )


def certificates_of(*, person: Person) -> QuerySet[CuratorCertificate]:
    return CuratorCertificate.objects.filter(person=person).select_related(
        "scheme__academic_year", "scheme__region", "document"
    )


# --- progress ------------------------------------------------------------------------------------------
@dataclass
class Requirement:
    code: str
    title: str
    met: bool
    figure: str
    next_step: str = ""


@dataclass
class CuratorProgress:
    person: Person
    organization: Organization
    requirements: list[Requirement] = field(default_factory=list)
    certificate: CuratorCertificate | None = None
    pending_hours: int = 0

    @property
    def ready(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def ready_label(self) -> str:
        return agree_with_gender("готов", "готова", self.person.gender or "f")

    @property
    def met_count(self) -> int:
        return sum(1 for r in self.requirements if r.met)

    @property
    def unmet(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.met]


def _hours_word(n: int) -> str:
    return f"{n} ч"


def _end_of(day: dt.date) -> dt.datetime:
    """The first moment after the day, in the project's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def progress_for(scheme: CertificationScheme, rows: list[CuratorRow]) -> list[CuratorProgress]:
    """Each curator's requirements, computed from the data: one query per requirement for all rows."""
    year = scheme.academic_year
    person_ids = [r.person.pk for r in rows]
    org_ids = sorted({r.organization.pk for r in rows})
    result = [CuratorProgress(r.person, r.organization) for r in rows]
    if not rows:
        return result

    if scheme.min_hours:
        hours = {
            h["person_id"]: h
            for h in CuratorTraining.objects.filter(
                person_id__in=person_ids, date__gte=scheme.training_start, date__lte=year.end_date
            )
            .values("person_id")
            .annotate(
                confirmed=Sum("hours", filter=Q(status=TrainingStatus.CONFIRMED)),
                pending=Sum("hours", filter=Q(status=TrainingStatus.PENDING)),
            )
        }
        for item in result:
            got = hours.get(item.person.pk, {})
            done, pending = got.get("confirmed") or 0, got.get("pending") or 0
            item.pending_hours = pending
            left = max(scheme.min_hours - done, 0)
            if not left:
                step = ""
            elif pending >= left:
                step = "Дождитесь, когда координатор подтвердит внесённые курсы."
            else:
                step = f"Пройдите обучение ещё на {_hours_word(left - pending)} и внесите курс со сканом документа."
            item.requirements.append(
                Requirement(
                    "hours",
                    f"Обучение: не менее {_hours_word(scheme.min_hours)}",
                    done >= scheme.min_hours,
                    f"подтверждено {done} из {scheme.min_hours} ч"
                    + (f", на подтверждении {_hours_word(pending)}" if pending and left else ""),
                    step,
                )
            )

    if scheme.require_program_year:
        states = {
            o["pk"]: o
            for o in Organization.objects.filter(pk__in=org_ids)
            .annotate(
                closed=Exists(
                    OrganizationYear.objects.filter(
                        organization=OuterRef("pk"), academic_year=year, closed_at__isnull=False
                    )
                ),
                approved=Exists(
                    Program.objects.filter(
                        organization=OuterRef("pk"), academic_year=year, status=ProgramStatus.APPROVED
                    )
                ),
                completed=Exists(
                    Mentorship.objects.filter(organization=OuterRef("pk"), academic_year=year).filter(COMPLETED_PAIR)
                ),
            )
            .values("pk", "closed", "approved", "completed")
        }
        for item in result:
            state = states.get(item.organization.pk, {})
            if state.get("closed"):
                met, figure, step = True, "учебный год организации закрыт", ""
            elif state.get("approved") and state.get("completed"):
                met, figure, step = True, "программа утверждена, есть завершённые пары", ""
            else:
                met = False
                figure = (
                    "программа утверждена, завершённых пар нет" if state.get("approved") else "программа не утверждена"
                )
                step = (
                    "Завершите хотя бы одну наставническую пару года или закройте учебный год организации."
                    if state.get("approved")
                    else "Утвердите программу наставничества года и завершите хотя бы одну пару."
                )
            item.requirements.append(Requirement("year", "Завершённый год программы", met, figure, step))

    if scheme.report_deadline:
        deadline = scheme.report_deadline
        reports = {
            r["organization_id"]: r
            for r in IssuedDocument.objects.filter(
                organization_id__in=org_ids, academic_year=year, generator_id__in=REPORT_GENERATORS
            )
            .values("organization_id")
            .annotate(
                on_time=Count("id", filter=Q(created_at__lt=_end_of(deadline))),
                first=Min("created_at"),
            )
        }
        overdue = timezone.localdate() > deadline
        for item in result:
            got = reports.get(item.organization.pk)
            if got and got["on_time"]:
                met, figure, step = True, f"сдан {date_ru(timezone.localtime(got['first']).date())}", ""
            elif got:
                met, figure = False, f"сформирован позже срока, {date_ru(timezone.localtime(got['first']).date())}"
                step = "Срок сдачи отчёта прошёл: требование этого года не выполнено."
            else:
                met, figure = False, "отчёта в реестре нет"
                step = (
                    "Срок сдачи отчёта прошёл: требование этого года не выполнено."
                    if overdue
                    else "Сформируйте в реестре документов «Отчёт о реализации программы» или дайджест для РНЦ "
                    f"до {date_ru(deadline)}."
                )
            item.requirements.append(
                Requirement("reports", f"Отчёт сдан не позднее {date_ru(deadline)}", met, figure, step)
            )

    if scheme.case_status:
        published_only = scheme.case_status == CaseRequirement.PUBLISHED
        cases = {
            c["organization_id"]: c
            for c in PracticeCase.objects.filter(organization_id__in=org_ids, academic_year=year)
            .values("organization_id")
            .annotate(
                submitted=Count("id", filter=Q(status__in=SUBMITTED_CASE)),
                published=Count("id", filter=Q(status=CaseStatus.PUBLISHED)),
                drafts=Count("id", filter=Q(status=CaseStatus.DRAFT)),
            )
        }
        for item in result:
            got = cases.get(item.organization.pk, {})
            submitted, published, drafts = got.get("submitted", 0), got.get("published", 0), got.get("drafts", 0)
            met = bool(published if published_only else submitted)
            counted = (("опубликовано", published), ("на проверке", submitted - published), ("черновиков", drafts))
            parts = [f"{label}: {n}" for label, n in counted if n]
            figure = ", ".join(parts) or "кейсов нет"
            if met:
                step = ""
            elif published_only and submitted:
                step = "Кейс на проверке: дождитесь публикации в библиотеке кейсов."
            elif drafts:
                step = "Отправьте черновик кейса на проверку."
            else:
                step = "Опишите кейс наставнической практики организации в библиотеке кейсов и отправьте на проверку."
            title = "Кейс практики опубликован" if published_only else "Кейс практики отправлен на проверку"
            item.requirements.append(Requirement("case", title, met, figure, step))

    certificates = {
        c.person_id: c
        for c in CuratorCertificate.objects.filter(scheme=scheme, person_id__in=person_ids, revoked_at__isnull=True)
    }
    for item in result:
        item.certificate = certificates.get(item.person.pk)
    return result
