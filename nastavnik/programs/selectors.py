"""Reads of programs, forms, the working group, the roadmap and the year, scoped by the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from nastavnik.orgs.models import AcademicYear, Organization
from nastavnik.orgs.selectors import organization_get_for
from nastavnik.people.access import access_for
from nastavnik.people.models import Person

from .models import (
    InitialAnalysis,
    ItemStatus,
    MentoringForm,
    OrganizationYear,
    Program,
    ProgramStatus,
    Roadmap,
    RoadmapItem,
    WorkingGroupMeeting,
    WorkingGroupMember,
)

ACADEMIC_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6)  # the timeline: September to June


def organization_year_for(*, actor, organization_pk: int, start_year: int) -> tuple[Organization, AcademicYear]:
    """The organisation (404 outside the user's scope) and the academic year of a page."""
    organization = organization_get_for(actor=actor, pk=organization_pk)
    require_staff(actor)
    return organization, get_object_or_404(AcademicYear, start_year=start_year)


def require_staff(actor) -> None:
    from nastavnik.people.access import require

    require(access_for(actor).sees_registers, "Этот раздел доступен сотрудникам организации и координаторам.")


def year_closed_at(*, organization: Organization, academic_year: AcademicYear):
    state = OrganizationYear.objects.filter(organization=organization, academic_year=academic_year).first()
    return state.closed_at if state else None


# --- programs ---------------------------------------------------------------------------------
def program_list_for(*, actor, organization: Organization | None = None) -> QuerySet[Program]:
    qs = Program.objects.filter(access_for(actor).scoped_q()).select_related(
        "organization", "municipality", "region", "academic_year"
    )
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.order_by("-academic_year__start_year", "organization__short_name", "-version")


def program_get_for(*, actor, pk: int) -> Program:
    qs = Program.objects.filter(access_for(actor).scoped_q()).select_related(
        "organization__municipality", "municipality", "region", "academic_year", "approved_by", "previous"
    )
    return get_object_or_404(qs.prefetch_related("forms", "results", "resources", "acts"), pk=pk)


def current_program(*, organization: Organization, academic_year: AcademicYear) -> Program | None:
    """The program in force for the year: the approved version, or else the newest draft."""
    programs = Program.objects.filter(organization=organization, academic_year=academic_year)
    return (
        programs.filter(status=ProgramStatus.APPROVED).order_by("-version").first()
        or programs.filter(status=ProgramStatus.DRAFT).order_by("-version").first()
    )


def draft_of(program: Program) -> Program | None:
    return Program.objects.filter(previous=program, status=ProgramStatus.DRAFT).first()


def enabled_forms(*, organization: Organization, academic_year: AcademicYear) -> QuerySet[MentoringForm]:
    """Forms of mentoring the organisation runs this year: those of its program in force.
    Pools, matching and reports are per form and read this."""
    program = current_program(organization=organization, academic_year=academic_year)
    if program is None:
        return MentoringForm.objects.none()
    return program.forms.all()


def mentoring_form_list() -> QuerySet[MentoringForm]:
    return MentoringForm.objects.all()


# --- working group ----------------------------------------------------------------------------
def group_members(*, organization: Organization, academic_year: AcademicYear) -> QuerySet[WorkingGroupMember]:
    return WorkingGroupMember.objects.filter(organization=organization, academic_year=academic_year).select_related(
        "person"
    )


def group_member_get_for(*, actor, pk: int) -> WorkingGroupMember:
    qs = WorkingGroupMember.objects.filter(organization__in=_visible_orgs(actor)).select_related(
        "organization__municipality", "academic_year", "person"
    )
    return get_object_or_404(qs, pk=pk)


def group_meetings(*, organization: Organization, academic_year: AcademicYear) -> QuerySet[WorkingGroupMeeting]:
    return (
        WorkingGroupMeeting.objects.filter(organization=organization, academic_year=academic_year)
        .annotate(attendee_count=Count("attendees"))
        .order_by("number")
    )


def group_meeting_get_for(*, actor, pk: int) -> WorkingGroupMeeting:
    qs = WorkingGroupMeeting.objects.filter(organization__in=_visible_orgs(actor)).select_related(
        "organization__municipality", "academic_year"
    )
    return get_object_or_404(qs.prefetch_related("attendees"), pk=pk)


def group_candidates(*, organization: Organization) -> QuerySet[Person]:
    return Person.objects.filter(organization=organization, category="staff")


def _visible_orgs(actor):
    require_staff(actor)
    return Organization.objects.filter(access_for(actor).organization_q()).values("pk")


# --- roadmap ----------------------------------------------------------------------------------
def roadmap_for(*, organization: Organization, academic_year: AcademicYear) -> Roadmap | None:
    return (
        Roadmap.objects.filter(organization=organization, academic_year=academic_year)
        .prefetch_related(
            Prefetch("items", queryset=RoadmapItem.objects.select_related("responsible").order_by("sort_order", "id"))
        )
        .first()
    )


def roadmap_get_for(*, actor, pk: int) -> Roadmap:
    qs = Roadmap.objects.filter(access_for(actor).scoped_q()).select_related(
        "organization__municipality", "academic_year"
    )
    return get_object_or_404(qs, pk=pk)


def roadmap_item_get_for(*, actor, pk: int) -> RoadmapItem:
    roadmaps = Roadmap.objects.filter(access_for(actor).scoped_q()).values("pk")
    qs = RoadmapItem.objects.filter(roadmap__in=roadmaps).select_related(
        "roadmap__organization__municipality", "roadmap__academic_year", "responsible"
    )
    return get_object_or_404(qs, pk=pk)


@dataclass
class RoadmapSummary:
    total: int
    done: int
    overdue: int
    in_progress: int

    @property
    def done_percent(self) -> int | None:
        return round(100 * self.done / self.total) if self.total else None


def roadmap_summary(roadmap: Roadmap, *, today: dt.date | None = None) -> RoadmapSummary:
    today = today or timezone.localdate()
    counts = roadmap.items.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=ItemStatus.DONE)),
        in_progress=Count("id", filter=Q(status=ItemStatus.IN_PROGRESS)),
        overdue=Count("id", filter=~Q(status=ItemStatus.DONE) & Q(due_date__lt=today)),
    )
    return RoadmapSummary(**counts)


@dataclass
class TimelineRow:
    item: RoadmapItem
    before: int  # empty month cells before the bar
    span: int  # months the bar covers
    after: int
    overdue: bool


def roadmap_timeline(roadmap: Roadmap, *, today: dt.date | None = None) -> list[TimelineRow]:
    """Items as bars over the months September–June (items outside are clipped to the edges)."""
    today = today or timezone.localdate()
    year = roadmap.academic_year.start_year
    months = [(year if m >= 9 else year + 1, m) for m in ACADEMIC_MONTHS]

    def index(day: dt.date) -> int:
        key = (day.year, day.month)
        if key < months[0]:
            return 0
        if key > months[-1]:
            return len(months) - 1
        return months.index(key)

    rows = []
    for item in roadmap.items.all():
        start, end = index(item.start_date), index(item.due_date)
        end = max(start, end)
        rows.append(
            TimelineRow(
                item=item,
                before=start,
                span=end - start + 1,
                after=len(months) - end - 1,
                overdue=item.is_overdue_on(today),
            )
        )
    return rows


def overdue_items_for(*, actor, limit: int = 10, today: dt.date | None = None) -> list[RoadmapItem]:
    """Overdue roadmap items of the organisations the user runs, for the home page."""
    today = today or timezone.localdate()
    org_ids = access_for(actor).staff_org_ids
    if not org_ids:
        return []
    closed_year = OrganizationYear.objects.filter(
        organization_id=OuterRef("roadmap__organization_id"),
        academic_year_id=OuterRef("roadmap__academic_year_id"),
        closed_at__isnull=False,
    )
    qs = (
        RoadmapItem.objects.filter(roadmap__organization_id__in=org_ids, due_date__lt=today)
        .exclude(status=ItemStatus.DONE)
        .exclude(Exists(closed_year))
        .select_related("roadmap__organization", "roadmap__academic_year", "responsible")
        .order_by("due_date", "sort_order")
    )
    return list(qs[:limit])


def analysis_for(*, organization: Organization, academic_year: AcademicYear) -> InitialAnalysis | None:
    return InitialAnalysis.objects.filter(organization=organization, academic_year=academic_year).first()


def timeline_months(academic_year: AcademicYear) -> list[str]:
    from nastavnik.core.text import MONTHS_NOMINATIVE

    return [MONTHS_NOMINATIVE[m - 1][:3] for m in ACADEMIC_MONTHS]


# --- closing the year: the checklist ------------------------------------------------------------------
@dataclass
class CloseCheck:
    """One line of the checklist «Закрытие учебного года»: what is checked (the rule in words), the figure,
    whether it is done, whether it blocks the closing, and where to fix it."""

    code: str
    title: str
    rule: str
    figure: str
    ok: bool
    blocking: bool
    url: str
    action: str

    @property
    def advisory_pending(self) -> bool:
        return not self.ok and not self.blocking


def year_close_pairs(*, organization: Organization, academic_year: AcademicYear):
    """The year's pairs still open (proposed or active), each with its continuation in the next year
    (or None): what the curator decides on before closing."""
    from nastavnik.mentorships.models import OPEN_STATUSES, Mentorship

    next_by_old = {
        m.continued_from_id: m
        for m in Mentorship.objects.filter(
            continued_from__organization=organization, continued_from__academic_year=academic_year
        ).exclude(status="ended_early")
    }
    pairs = list(
        Mentorship.objects.filter(organization=organization, academic_year=academic_year, status__in=OPEN_STATUSES)
        .select_related("mentor", "form")
        .prefetch_related("members__person")
        .order_by("mentor__last_name", "mentor__first_name", "id")
    )
    return [(pair, next_by_old.get(pair.pk)) for pair in pairs]


def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def year_close_checklist(*, organization: Organization, academic_year: AcademicYear, pairs=None) -> list[CloseCheck]:
    """Live checks before the year is closed (issue 10, item 8). Only the mentorships block the closing;
    the rest are advisory (the closing asks to confirm «закрыть несмотря на …»). One aggregate per check."""
    from django.urls import reverse

    from nastavnik.documents.models import IssuedDocument
    from nastavnik.events.models import CaseStatus, Event, EventKind, PracticeCase
    from nastavnik.mentorships.models import CLOSED_STATUSES, Mentorship
    from nastavnik.monitoring.models import Measurement, Stage

    org_year = {"organization": organization, "academic_year": academic_year}
    args = [organization.pk, academic_year.start_year]
    checks = []

    pairs = year_close_pairs(**org_year) if pairs is None else pairs
    closed = Mentorship.objects.filter(**org_year, status__in=CLOSED_STATUSES).count()
    carried = sum(1 for _pair, continuation in pairs if continuation is not None)
    undecided = len(pairs) - carried
    checks.append(
        CloseCheck(
            code="mentorships",
            title="Наставнические пары",
            rule="Каждая пара года завершена (в срок или досрочно) или отмечена «продолжается в следующем году».",
            figure=f"всего {closed + len(pairs)}: завершено {closed}, продолжаются {carried}, "
            f"требуют решения {undecided}",
            ok=undecided == 0,
            blocking=True,
            url=reverse("mentorships:list", args=args),
            action="Пары года",
        )
    )

    measured = Measurement.objects.filter(**org_year).aggregate(
        entry=Count("person", filter=Q(stage=Stage.ENTRY), distinct=True),
        exit=Count("person", filter=Q(stage=Stage.EXIT), distinct=True),
    )
    entered = Measurement.objects.filter(**org_year, stage=Stage.ENTRY).values("person_id")
    missing_exit = (
        entered.exclude(person_id__in=Measurement.objects.filter(**org_year, stage=Stage.EXIT).values("person_id"))
        .distinct()
        .count()
    )
    checks.append(
        CloseCheck(
            code="monitoring",
            title="Итоговый мониторинг влияния",
            rule="Есть измерения «на выходе», и у каждого участника, измеренного «на входе», есть измерение "
            "«на выходе» (второй этап мониторинга).",
            figure=f"измерено на входе {measured['entry']}, на выходе {measured['exit']}, "
            f"без итогового измерения {missing_exit}",
            ok=measured["exit"] > 0 and missing_exit == 0,
            blocking=False,
            url=reverse("monitoring:impact", args=args),
            action="Мониторинг влияния",
        )
    )

    reports = IssuedDocument.objects.filter(**org_year, generator_id="program_report").count()
    checks.append(
        CloseCheck(
            code="report",
            title="Отчёт о реализации программы",
            rule="Отчёт за год сформирован и записан в реестр документов.",
            figure=f"в реестре {reports} {_plural(reports, 'отчёт', 'отчёта', 'отчётов')}",
            ok=reports > 0,
            blocking=False,
            url=reverse("documents:issue", args=[*args, "program_report"]),
            action="Сформировать отчёт",
        )
    )

    cases = PracticeCase.objects.filter(**org_year).aggregate(
        total=Count("pk"), submitted=Count("pk", filter=~Q(status=CaseStatus.DRAFT))
    )
    checks.append(
        CloseCheck(
            code="cases",
            title="Кейсы наставнической практики",
            rule="Хотя бы один кейс года написан и отправлен на проверку (или опубликован).",
            figure=f"кейсов {cases['total']}, отправлено на проверку или опубликовано {cases['submitted']}",
            ok=cases["submitted"] > 0,
            blocking=False,
            url=reverse("events:case_create", args=[organization.pk]),
            action="Написать кейс",
        )
    )

    finals = Event.objects.filter(**org_year, kind=EventKind.FINAL).aggregate(
        total=Count("pk", distinct=True),
        held=Count("pk", filter=Q(starts_at__lte=timezone.now()), distinct=True),
        attended=Count("registrations", filter=Q(registrations__attended=True)),
    )
    checks.append(
        CloseCheck(
            code="ceremony",
            title="Итоговое мероприятие",
            rule="Торжественное итоговое мероприятие года проведено (дата прошла).",
            figure=f"запланировано {finals['total']}, проведено {finals['held']}, "
            f"отмечено присутствующих {finals['attended']}",
            ok=finals["held"] > 0,
            blocking=False,
            url=reverse("events:org_calendar", args=[organization.pk]),
            action="Мероприятия",
        )
    )
    return checks
