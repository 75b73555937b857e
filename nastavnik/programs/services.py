"""Writes of the preparation stage (seed 000 stages 1–2, seed 004): programs and their versions,
forms of mentoring, the working group and its protocols, the roadmap, the initial-state
analysis and the rollover of an organisation's year.

Rules owned here:
- an approved program is read-only; a change makes the next version (a copy, as a draft);
  approving a version replaces the previous one; a draft lacking a part cannot be approved;
- dates of a year's work lie inside its academic year (1 September – 31 August);
- a closed year (after the rollover) is read-only for everybody;
- the director approves; the director and the curator run the work (coordinators for their
  own municipal or regional programs).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from nastavnik.core.text import date_ru, normalize_spaces
from nastavnik.orgs.models import AcademicYear, Municipality, Organization, Region, scope_of
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.access import access_for, require
from nastavnik.people.models import Person, Role, RoleKind

from .models import (
    ExpectedResult,
    GroupPosition,
    InitialAnalysis,
    ItemStatus,
    MentoringForm,
    NormativeAct,
    OrganizationYear,
    Program,
    ProgramResource,
    ProgramStatus,
    ResultKind,
    Roadmap,
    RoadmapItem,
    WorkingGroupMeeting,
    WorkingGroupMember,
)

NO_RIGHTS = (
    "Это могут делать руководитель и куратор организации (для программ муниципалитета или региона — координаторы)."
)
CLOSED_YEAR = "{year} закрыт: его данные доступны только для просмотра и отчётов."


# --- common checks ---------------------------------------------------------------------------
def year_is_closed(*, organization: Organization | None, academic_year: AcademicYear) -> bool:
    if organization is None:
        return False
    return OrganizationYear.objects.filter(
        organization=organization, academic_year=academic_year, closed_at__isnull=False
    ).exists()


def _require_open(organization, academic_year) -> None:
    if year_is_closed(organization=organization, academic_year=academic_year):
        raise PermissionDenied(CLOSED_YEAR.format(year=str(academic_year).capitalize()))


def _require_manage(actor, obj) -> None:
    require(
        access_for(actor).can_manage_owner_of(obj),
        NO_RIGHTS,
    )


def _require_in_year(academic_year: AcademicYear, **dates) -> None:
    errors = {}
    for name, value in dates.items():
        if value is not None and not academic_year.contains(value):
            errors[name] = (
                f"Дата должна быть в пределах учебного года: с {date_ru(academic_year.start_date)} "
                f"по {date_ru(academic_year.end_date)}."
            )
    if errors:
        raise ValidationError(errors)


def month_date(academic_year: AcademicYear, month: int, *, last: bool) -> dt.date:
    """The first (or last) day of a calendar month inside the academic year (September → August)."""
    year = academic_year.start_year if month >= 9 else academic_year.start_year + 1
    day = calendar.monthrange(year, month)[1] if last else 1
    return dt.date(year, month, day)


def _shift_year(value: dt.date | None, years: int = 1) -> dt.date | None:
    if value is None:
        return None
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


# --- the catalogue of forms ------------------------------------------------------------------
@transaction.atomic
def mentoring_forms_sync() -> int:
    """Make the catalogue of forms of mentoring match catalogue.py (by code; idempotent).
    The data migration fills it on a new database; the demo calls this too, since a flushed test
    database (browser tests) loses what migrations loaded."""
    from .catalogue import MENTORING_FORMS

    for order, spec in enumerate(MENTORING_FORMS, start=1):
        MentoringForm.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "mentor_categories": list(spec.mentor_categories),
                "mentee_categories": list(spec.mentee_categories),
                "mentor_description": spec.mentor_description,
                "mentee_description": spec.mentee_description,
                "typical_requests": list(spec.typical_requests),
                "documents": list(spec.documents),
                "work_formats": list(spec.work_formats),
                "sort_order": order,
            },
        )
    return len(MENTORING_FORMS)


# --- programs --------------------------------------------------------------------------------
STEPS = (
    ("problem", "Проблема"),
    ("goal", "Цель"),
    ("audience", "Целевая аудитория"),
    ("results", "Ожидаемые результаты"),
    ("implementers", "Реализаторы"),
    ("resources", "Ресурсы"),
    ("normative", "Нормативная база"),
    ("forms", "Формы наставничества"),
    ("duration", "Сроки реализации"),
)
STEP_CODES = tuple(code for code, _title in STEPS)
STEP_TITLES = dict(STEPS)

_NUMBER = re.compile(r"\d")
_DEADLINE = re.compile(
    r"(\b(19|20)\d{2}\b|\bк концу\b|\bдо конца\b|\bк (началу|окончанию)\b|\bдо \d|\bв течение\b|\bза \d|"
    r"\b(январ|феврал|март|апрел|ма[яей]\b|июн|июл|август|сентябр|октябр|ноябр|декабр)|\bгод[ау]?\b|\bлет\b|"
    r"\bчетверт[ьи]\b|\bполугоди|\bсеместр|\bквартал)",
    re.IGNORECASE,
)


def smart_warnings(goal: str) -> list[str]:
    """What the SMART check of seed 004 can see in the text: a number (M) and a deadline (T)."""
    goal = normalize_spaces(goal)
    if not goal:
        return ["Цель не сформулирована."]
    warnings = []
    if not _NUMBER.search(goal):
        warnings.append("M — измеримость: в цели нет числа (количество или процент, которого нужно достичь).")
    if not _DEADLINE.search(goal):
        warnings.append("T — срок: в цели не указано, к какому сроку будет получен результат.")
    return warnings


def program_missing_parts(program: Program) -> list[str]:
    """Parts of the constructor that must be filled before approval, named as the wizard names them."""
    missing = []
    if not program.problem.strip():
        missing.append(STEP_TITLES["problem"])
    if not program.goal.strip():
        missing.append(STEP_TITLES["goal"])
    if not program.target_audience.strip():
        missing.append(STEP_TITLES["audience"])
    results = list(program.results.all())
    if not any(r.kind == ResultKind.QUANTITATIVE and r.target_value is not None for r in results):
        missing.append("Ожидаемые результаты (нужен хотя бы один количественный с целевым значением)")
    if not program.implementers.strip():
        missing.append(STEP_TITLES["implementers"])
    if not program.resources.exists():
        missing.append(STEP_TITLES["resources"])
    if not program.acts.exists():
        missing.append(STEP_TITLES["normative"])
    if program.organization_id and not program.forms.exists():
        missing.append(STEP_TITLES["forms"])
    if not (program.start_date and program.end_date):
        missing.append(STEP_TITLES["duration"])
    return missing


@transaction.atomic
def program_create(
    *,
    actor,
    title: str,
    organization: Organization | None = None,
    municipality: Municipality | None = None,
    region: Region | None = None,
    academic_year: AcademicYear | None = None,
) -> Program:
    """Start a program as a draft, with the federal normative base pre-filled (seed 004)."""
    from .hints import NORMATIVE_BASE_DEFAULT

    organization, municipality, region = scope_of(organization, municipality, region)
    academic_year = academic_year or academic_year_current()
    program = Program(
        organization=organization,
        municipality=municipality,
        region=region,
        academic_year=academic_year,
        title=normalize_spaces(title) or "Программа наставничества",
        start_date=academic_year.start_date,
        end_date=month_date(academic_year, 6, last=True),
    )
    _require_manage(actor, program)
    _require_open(organization, academic_year)
    existing = Program.objects.filter(organization=organization, academic_year=academic_year)
    if organization is not None and existing.exists():
        raise ValidationError(
            f"Программа на {academic_year} уже есть: продолжите её в конструкторе или создайте новую версию."
        )
    program.save()
    for level, text in NORMATIVE_BASE_DEFAULT:
        NormativeAct.objects.create(program=program, level=level, title=text)
    return program


def _require_draft(actor, program: Program) -> None:
    _require_manage(actor, program)
    _require_open(program.organization, program.academic_year)
    if not program.is_editable:
        raise PermissionDenied(
            f"Версия {program.version} программы утверждена и не изменяется. "
            "Чтобы внести изменения, создайте новую версию."
        )


TEXT_STEPS = {"problem": "problem", "goal": "goal", "audience": "target_audience", "implementers": "implementers"}


@transaction.atomic
def program_save_step(*, actor, program: Program, step: str, data: dict) -> Program:
    """Save one step of the constructor (the draft can be left and resumed at `last_step`)."""
    _require_draft(actor, program)
    if step not in STEP_CODES:
        raise ValidationError("Неизвестный шаг конструктора.")
    if step == "problem" and "title" in data:
        program.title = normalize_spaces(data["title"]) or program.title
    if step in TEXT_STEPS:
        setattr(program, TEXT_STEPS[step], (data.get(TEXT_STEPS[step]) or "").strip())
    elif step == "results":
        _replace_rows(program.results, ExpectedResult, program, data["results"])
    elif step == "resources":
        program.resources.all().delete()
        for kind, description in data["resources"].items():
            if description.strip():
                ProgramResource.objects.create(program=program, kind=kind, description=description.strip())
    elif step == "normative":
        _replace_rows(program.acts, NormativeAct, program, data["acts"])
    elif step == "forms":
        program.forms.set(data["forms"])
    elif step == "duration":
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            raise ValidationError({"end_date": "Окончание раньше начала."})
        _require_in_year(program.academic_year, start_date=start)
        program.start_date, program.end_date = start, end
    program.last_step = step
    program.save()
    return program


def _replace_rows(manager, model, program, rows: list[dict]) -> None:
    manager.all().delete()
    model.objects.bulk_create(model(program=program, **row) for row in rows)


@transaction.atomic
def program_approve(*, actor, program: Program) -> Program:
    access = access_for(actor)
    require(
        access.can_approve(
            org_id=program.organization_id, municipality_id=program.municipality_id, region_id=program.region_id
        ),
        "Утверждает программу руководитель организации.",
    )
    _require_open(program.organization, program.academic_year)
    if program.status != ProgramStatus.DRAFT:
        raise ValidationError("Утвердить можно только черновик.")
    missing = program_missing_parts(program)
    if missing:
        raise ValidationError("Нельзя утвердить программу: не заполнено — " + "; ".join(missing) + ".")
    if program.previous_id:
        Program.objects.filter(pk=program.previous_id).update(status=ProgramStatus.SUPERSEDED)
    program.status = ProgramStatus.APPROVED
    program.approved_at = timezone.now()
    program.approved_by = actor
    program.save()
    return program


def _copy_program(program: Program, **changes) -> Program:
    copy = Program.objects.get(pk=program.pk)
    copy.pk = None
    copy.id = None
    copy.status = ProgramStatus.DRAFT
    copy.approved_at = None
    copy.approved_by = None
    copy.last_step = ""
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    copy.forms.set(program.forms.all())
    for model, manager in ((ExpectedResult, program.results), (ProgramResource, program.resources)):
        rows = list(manager.all())
        for row in rows:
            row.pk = row.id = None
            row.program = copy
        model.objects.bulk_create(rows)
    acts = list(program.acts.all())
    for act in acts:
        act.pk = act.id = None
        act.program = copy
    NormativeAct.objects.bulk_create(acts)
    return copy


@transaction.atomic
def program_new_version(*, actor, program: Program) -> Program:
    """The next version of an approved program, as a draft (the approved one stays in force)."""
    _require_manage(actor, program)
    _require_open(program.organization, program.academic_year)
    existing = Program.objects.filter(previous=program).first()
    if existing is not None:
        return existing
    if program.status != ProgramStatus.APPROVED:
        raise ValidationError("Новую версию создают из утверждённой программы; черновик можно изменять.")
    return _copy_program(program, version=program.version + 1, previous=program)


# --- working group ---------------------------------------------------------------------------
POSITION_ROLE = {
    GroupPosition.CURATOR: RoleKind.CURATOR,
    GroupPosition.HEAD: RoleKind.WORKING_GROUP,
    GroupPosition.MEMBER: RoleKind.WORKING_GROUP,
}


@transaction.atomic
def group_member_add(
    *,
    actor,
    organization: Organization,
    academic_year: AcademicYear,
    person: Person,
    position: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    duties: str = "",
) -> WorkingGroupMember:
    """Appoint a curator, the head or a member of the working group for the year, and give the role."""
    access = access_for(actor)
    scope = {"org_id": organization.pk, "municipality_id": organization.municipality_id}
    region_id = organization.municipality.region_id
    if position in (GroupPosition.CURATOR, GroupPosition.HEAD):
        require(
            access.can_approve(**scope, region_id=region_id),
            "Куратора и руководителя рабочей группы назначает руководитель организации.",
        )
    else:
        require(access.can_manage(**scope, region_id=region_id), NO_RIGHTS)
    _require_open(organization, academic_year)
    if person.organization_id != organization.pk:
        raise ValidationError({"person": "В рабочую группу включают участников этой организации."})
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": "Окончание раньше начала."})
    _require_in_year(academic_year, start_date=start_date, end_date=end_date)
    member = WorkingGroupMember(
        organization=organization,
        academic_year=academic_year,
        person=person,
        position=position,
        duties=normalize_spaces(duties),
        start_date=start_date,
        end_date=end_date,
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as error:
        raise ValidationError(f"{person.full_name} уже в рабочей группе этого года.") from error
    Role.objects.get_or_create(
        person=person, kind=POSITION_ROLE[position], organization=organization, defaults={"start_date": start_date}
    )
    if person.user_id:
        from nastavnik.people.access import forget_access

        forget_access(person.user)
    return member


@transaction.atomic
def group_member_remove(*, actor, member: WorkingGroupMember) -> None:
    organization = member.organization
    require(
        access_for(actor).can_approve(
            org_id=organization.pk,
            municipality_id=organization.municipality_id,
            region_id=organization.municipality.region_id,
        ),
        "Состав рабочей группы меняет руководитель организации.",
    )
    _require_open(organization, member.academic_year)
    member.delete()


@transaction.atomic
def group_meeting_save(
    *,
    actor,
    organization: Organization,
    academic_year: AcademicYear,
    meeting: WorkingGroupMeeting | None = None,
    date: dt.date,
    agenda: str,
    decisions: str = "",
    attendees=(),
) -> WorkingGroupMeeting:
    """Record a meeting of the working group (its protocol gets the next number of the year)."""
    require(
        access_for(actor).can_manage(
            org_id=organization.pk,
            municipality_id=organization.municipality_id,
            region_id=organization.municipality.region_id,
        ),
        NO_RIGHTS,
    )
    _require_open(organization, academic_year)
    _require_in_year(academic_year, date=date)
    if not agenda.strip():
        raise ValidationError({"agenda": "Укажите повестку заседания."})
    if meeting is None:
        last = WorkingGroupMeeting.objects.filter(organization=organization, academic_year=academic_year).aggregate(
            n=Max("number")
        )["n"]
        meeting = WorkingGroupMeeting(organization=organization, academic_year=academic_year, number=(last or 0) + 1)
    meeting.date, meeting.agenda, meeting.decisions = date, agenda.strip(), decisions.strip()
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting


# --- roadmap -----------------------------------------------------------------------------------
def _default_responsible(organization, academic_year, role: str) -> Person | None:
    members = WorkingGroupMember.objects.filter(organization=organization, academic_year=academic_year)
    if role == "curator":
        member = members.filter(position=GroupPosition.CURATOR).first()
        return member.person if member else None
    if role == "working_group":
        member = members.order_by("position", "id").first()
        return member.person if member else None
    if role == "director":
        director = Role.objects.filter(organization=organization, kind=RoleKind.DIRECTOR).select_related("person")
        first = director.first()
        return first.person if first else None
    return None


@transaction.atomic
def roadmap_from_template(
    *, actor, organization: Organization, academic_year: AcademicYear, template_code: str
) -> Roadmap:
    """Instantiate a roadmap template (seed 000 or 002) for the year: real dates, responsible people
    from the working group. One roadmap per organisation and year."""
    from .catalogue import template_by_code

    roadmap = Roadmap(
        organization=organization,
        municipality=organization.municipality,
        region=organization.municipality.region,
        academic_year=academic_year,
    )
    _require_manage(actor, roadmap)
    _require_open(organization, academic_year)
    try:
        template = template_by_code(template_code)
    except KeyError as error:
        raise ValidationError("Неизвестный шаблон дорожной карты.") from error
    if Roadmap.objects.filter(organization=organization, academic_year=academic_year).exists():
        raise ValidationError("Дорожная карта на этот учебный год уже есть: её пункты можно изменять и дополнять.")
    roadmap.title = f"Дорожная карта внедрения целевой модели наставничества на {academic_year}"
    roadmap.template_code = template.code
    roadmap.save()
    responsible = {
        role: _default_responsible(organization, academic_year, role)
        for role in {item.responsible_role for item in template.items}
    }
    RoadmapItem.objects.bulk_create(
        RoadmapItem(
            roadmap=roadmap,
            code=item.code,
            section=item.section,
            content=item.content,
            start_date=month_date(academic_year, item.start_month, last=False),
            due_date=month_date(academic_year, item.end_month, last=True),
            deadline_text=item.deadline_text,
            responsible=responsible.get(item.responsible_role),
            responsible_role=item.responsible_role,
            expected_result=item.expected_result,
            indicators=item.indicators,
            sort_order=index,
        )
        for index, item in enumerate(template.items, start=1)
    )
    return roadmap


ITEM_FIELDS = ("code", "section", "content", "start_date", "due_date", "responsible", "expected_result", "indicators")


@transaction.atomic
def roadmap_item_save(*, actor, roadmap: Roadmap, item: RoadmapItem | None = None, **data) -> RoadmapItem:
    _require_manage(actor, roadmap)
    _require_open(roadmap.organization, roadmap.academic_year)
    item = item or RoadmapItem(roadmap=roadmap, sort_order=(roadmap.items.aggregate(n=Max("sort_order"))["n"] or 0) + 1)
    for name in ITEM_FIELDS:
        if name in data:
            value = data[name]
            setattr(item, name, value.strip() if isinstance(value, str) else value)
    if not item.content:
        raise ValidationError({"content": "Опишите мероприятие."})
    if item.start_date and item.due_date and item.due_date < item.start_date:
        raise ValidationError({"due_date": "Срок раньше начала."})
    _require_in_year(roadmap.academic_year, start_date=item.start_date, due_date=item.due_date)
    if item.responsible and item.responsible.organization_id != roadmap.organization_id:
        raise ValidationError({"responsible": "Ответственный должен быть из этой организации."})
    item.save()
    return item


@transaction.atomic
def roadmap_item_delete(*, actor, item: RoadmapItem) -> None:
    _require_manage(actor, item.roadmap)
    _require_open(item.roadmap.organization, item.roadmap.academic_year)
    item.delete()


@transaction.atomic
def roadmap_item_set_status(
    *,
    actor,
    item: RoadmapItem,
    status: str,
    evidence_text: str = "",
    evidence_url: str = "",
    evidence_file=None,
    today: dt.date | None = None,
) -> RoadmapItem:
    """Move an item through planned → in progress → done; «done» needs evidence (a file, a link or
    a reference to a document of the register)."""
    _require_manage(actor, item.roadmap)
    _require_open(item.roadmap.organization, item.roadmap.academic_year)
    if status not in ItemStatus.values:
        raise ValidationError({"status": "Неизвестный статус."})
    if evidence_text:
        item.evidence_text = evidence_text.strip()
    if evidence_url:
        item.evidence_url = evidence_url.strip()
    if evidence_file:
        item.evidence_file = evidence_file
    if status == ItemStatus.DONE:
        if not (item.evidence_text or item.evidence_url or item.evidence_file):
            raise ValidationError(
                {"evidence_text": "Чтобы отметить выполнение, приложите подтверждение: файл, ссылку или документ."}
            )
        item.done_at = item.done_at or today or timezone.localdate()
    else:
        item.done_at = None
    item.status = status
    item.save()
    return item


# --- initial-state analysis ---------------------------------------------------------------------
TARGET_GROUPS = (
    ("pupils", "Обучающиеся (школа)"),
    ("students", "Студенты"),
    ("young_teachers", "Молодые педагоги (стаж до 3 лет)"),
    ("teachers", "Педагоги"),
    ("parents", "Родители"),
    ("partners", "Работодатели и партнёры"),
)


@transaction.atomic
def analysis_save(
    *,
    actor,
    organization: Organization,
    academic_year: AcademicYear,
    needs: dict[str, str],
    existing_practice: str = "",
    resources: str = "",
    risks: str = "",
    conclusions: str = "",
) -> InitialAnalysis:
    analysis = InitialAnalysis.objects.filter(organization=organization, academic_year=academic_year).first()
    analysis = analysis or InitialAnalysis(
        organization=organization,
        municipality=organization.municipality,
        region=organization.municipality.region,
        academic_year=academic_year,
    )
    _require_manage(actor, analysis)
    _require_open(organization, academic_year)
    groups = dict(TARGET_GROUPS)
    analysis.needs = {key: value.strip() for key, value in needs.items() if key in groups and value.strip()}
    analysis.existing_practice = existing_practice.strip()
    analysis.resources = resources.strip()
    analysis.risks = risks.strip()
    analysis.conclusions = conclusions.strip()
    analysis.save()
    return analysis


def analysis_target_audience(analysis: InitialAnalysis) -> str:
    """The target audience the analysis points to: the groups with needs, for the constructor."""
    # in the order of TARGET_GROUPS: PostgreSQL's jsonb does not keep the keys' order
    return "; ".join(
        f"{label.lower()}: {analysis.needs[key]}" for key, label in TARGET_GROUPS if analysis.needs.get(key)
    )


# --- year rollover --------------------------------------------------------------------------------
NO_CLOSE_RIGHTS = "Закрывают учебный год руководитель и куратор организации."


def _require_close_rights(actor, organization: Organization) -> None:
    """The curator prepares and closes the year (issue 10: «the curator closes the demo college's year»);
    the director may close it too. Coordinators of the area and the working group may not."""
    require(
        access_for(actor).can_manage(
            org_id=organization.pk,
            municipality_id=organization.municipality_id,
            region_id=organization.municipality.region_id,
        ),
        NO_CLOSE_RIGHTS,
    )


@transaction.atomic
def year_rollover(
    *, actor, organization: Organization, academic_year: AcademicYear, now: dt.datetime | None = None
) -> AcademicYear:
    """Copy the program, its forms, the working group and the roadmap to the next academic year with
    dates shifted by a year, then close this year (read-only, still reportable)."""
    _require_close_rights(actor, organization)
    _require_open(organization, academic_year)
    next_year, _ = AcademicYear.objects.get_or_create(start_year=academic_year.start_year + 1)
    programs = Program.objects.filter(organization=organization, academic_year=academic_year)
    program = (
        programs.filter(status=ProgramStatus.APPROVED).order_by("-version").first()
        or programs.order_by("-version").first()
    )
    if program is not None and not Program.objects.filter(organization=organization, academic_year=next_year).exists():
        _copy_program(
            program,
            academic_year=next_year,
            version=1,
            previous=None,
            start_date=_shift_year(program.start_date),
            end_date=_shift_year(program.end_date),
        )
    existing_members = set(
        WorkingGroupMember.objects.filter(organization=organization, academic_year=next_year).values_list(
            "person_id", flat=True
        )
    )
    WorkingGroupMember.objects.bulk_create(
        WorkingGroupMember(
            organization=organization,
            academic_year=next_year,
            person_id=member.person_id,
            position=member.position,
            duties=member.duties,
            start_date=next_year.start_date,
            end_date=_shift_year(member.end_date),
        )
        for member in WorkingGroupMember.objects.filter(organization=organization, academic_year=academic_year)
        if member.person_id not in existing_members
    )
    roadmap = Roadmap.objects.filter(organization=organization, academic_year=academic_year).first()
    if roadmap is not None and not Roadmap.objects.filter(organization=organization, academic_year=next_year).exists():
        new_roadmap = Roadmap.objects.create(
            organization=organization,
            municipality=roadmap.municipality,
            region=roadmap.region,
            academic_year=next_year,
            title=f"Дорожная карта внедрения целевой модели наставничества на {next_year}",
            template_code=roadmap.template_code,
        )
        RoadmapItem.objects.bulk_create(
            RoadmapItem(
                roadmap=new_roadmap,
                code=item.code,
                section=item.section,
                content=item.content,
                start_date=_shift_year(item.start_date),
                due_date=_shift_year(item.due_date),
                deadline_text=item.deadline_text,
                responsible_id=item.responsible_id,
                responsible_role=item.responsible_role,
                expected_result=item.expected_result,
                indicators=item.indicators,
                sort_order=item.sort_order,
            )
            for item in roadmap.items.all()
        )
    state, _ = OrganizationYear.objects.get_or_create(organization=organization, academic_year=academic_year)
    state.closed_at = now or timezone.now()
    state.closed_by = actor
    state.save()
    OrganizationYear.objects.get_or_create(organization=organization, academic_year=next_year)
    return next_year


# --- closing the year: checklist, marks of pairs that continue, closing -------------------------------
ADVISORY_CONFIRM = "Не выполнено: {items}. Чтобы закрыть год несмотря на это, подтвердите закрытие."
BLOCKED = (
    "Год нельзя закрыть: пары не завершены и не отмечены «продолжается в следующем году» ({n}) — наставники "
    "{names}. Завершите их или отметьте продолжение."
)


@transaction.atomic
def year_close_marks(
    *, actor, organization: Organization, academic_year: AcademicYear, continue_ids
) -> tuple[int, int]:
    """The checklist's bulk form: the ticked active pairs continue next year, the unticked do not.
    Returns (marked, unmarked)."""
    from nastavnik.mentorships import carryover

    from .selectors import year_close_pairs

    _require_close_rights(actor, organization)
    _require_open(organization, academic_year)
    try:
        continue_ids = {int(pk) for pk in continue_ids}
    except (TypeError, ValueError) as error:
        raise ValidationError("Неверный список пар.") from error
    candidates = [pair for pair, _next in year_close_pairs(organization=organization, academic_year=academic_year)]
    unknown = continue_ids - {pair.pk for pair in candidates if pair.status == "active"}
    if unknown:
        raise ValidationError("Продолжить в следующем году можно только действующие пары этого года.")
    return carryover.marks_set(
        actor=actor, organization=organization, academic_year=academic_year, continue_ids=continue_ids,
        candidates=[pair for pair in candidates if pair.status == "active"],
    )  # fmt: skip


@transaction.atomic
def year_close(
    *,
    actor,
    organization: Organization,
    academic_year: AcademicYear,
    confirm: bool = False,
    now: dt.datetime | None = None,
) -> AcademicYear:
    """Close the year from its checklist: the open pairs must be decided (blocking); the advisory items
    not done need `confirm`. Then, in one transaction: the marked pairs are carried over
    (nastavnik.mentorships.carryover), the program, working group and roadmap are copied to the next
    year and this year becomes read-only. Closing a closed year is refused (nothing new is created)."""
    from nastavnik.mentorships import carryover

    from .selectors import year_close_checklist, year_close_pairs

    _require_close_rights(actor, organization)
    _require_open(organization, academic_year)
    pairs = year_close_pairs(organization=organization, academic_year=academic_year)
    undecided = [pair for pair, continuation in pairs if continuation is None]
    if undecided:
        names = ", ".join(pair.mentor.full_name for pair in undecided[:5]) + ("…" if len(undecided) > 5 else "")
        raise ValidationError(BLOCKED.format(n=len(undecided), names=names))
    checks = year_close_checklist(organization=organization, academic_year=academic_year, pairs=pairs)
    pending = [check for check in checks if check.advisory_pending]
    if pending and not confirm:
        raise ValidationError(ADVISORY_CONFIRM.format(items="; ".join(c.title.lower() for c in pending)))
    carryover.carry_over(actor=actor, organization=organization, academic_year=academic_year)
    return year_rollover(actor=actor, organization=organization, academic_year=academic_year, now=now)
