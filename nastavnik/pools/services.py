"""Writes of the pools (seed 000, roadmap 2.x–4.x and 7.8; seed 001, the selection criteria).

Rules owned here:
- a pool entry is one person of the organisation in one form of mentoring the organisation runs
  this year (a form of its program), once per person, form and year; the person's category must
  be one the form takes as mentor or mentee (seed 002);
- statuses move only along the tables below, with a Russian message for an illegal move;
- the consent gate: without a valid consent to the processing of personal data (152-ФЗ) a person
  stays a candidate — cannot be included, approved, trained, matched or kept in the long-term base;
  a revoked consent takes every entry of the person out of both pools (`pools_leave_for`);
- a mentor candidate is approved only after a score sheet against the nine criteria of seed 001
  is filled; the working group fills score sheets (and nothing else), the director and the curator
  run everything else; coordinators read;
- «trained» is never set by hand: it follows the attendance marked on a training;
- a closed academic year is read-only; every change and every export is in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from nastavnik.core.text import date_ru, normalize_spaces, search_key
from nastavnik.orgs.models import AcademicYear, Organization, Region
from nastavnik.people.access import access_for, require
from nastavnik.people.models import STAFF_KINDS, Category, Person, Role, RoleKind

from .models import (
    CRITERIA,
    CRITERION_CODES,
    SCORE_MAX,
    SCORE_MIN,
    AuthorRole,
    CriterionScore,
    Format,
    MenteeEntry,
    MenteeStatus,
    MentorEntry,
    MentorStatus,
    RequestCategory,
    Source,
    ThirdPartyNote,
    Training,
    TrainingAttendance,
    TrainingMaterial,
)

NO_RIGHTS = "Базы наставников и наставляемых ведут руководитель и куратор организации."
NO_SCORE_RIGHTS = "Оценочный лист заполняют члены рабочей группы, куратор и руководитель организации."
NO_CATEGORY_RIGHTS = "Каталог запросов ведут администратор платформы и региональные координаторы своего региона."
NEED_SCORE_SHEET = "Сначала заполните оценочный лист по критериям отбора"
CLOSED_YEAR = "{year} закрыт: его данные доступны только для просмотра и отчётов."
MAX_UPLOAD = 20 * 1024 * 1024

MENTEE_MOVES: dict[str, frozenset[str]] = {
    MenteeStatus.CANDIDATE: frozenset({MenteeStatus.INCLUDED, MenteeStatus.LEFT}),
    MenteeStatus.INCLUDED: frozenset({MenteeStatus.IN_MENTORSHIP, MenteeStatus.CANDIDATE, MenteeStatus.LEFT}),
    MenteeStatus.IN_MENTORSHIP: frozenset({MenteeStatus.COMPLETED, MenteeStatus.INCLUDED, MenteeStatus.LEFT}),
    MenteeStatus.COMPLETED: frozenset({MenteeStatus.IN_MENTORSHIP}),
    MenteeStatus.LEFT: frozenset({MenteeStatus.CANDIDATE}),
}
# Approval and refusal are decisions (mentor_decide); «trained» follows attendance (attendance_save).
MENTOR_MOVES: dict[str, frozenset[str]] = {
    MentorStatus.CANDIDATE: frozenset({MentorStatus.LEFT}),
    MentorStatus.APPROVED: frozenset({MentorStatus.CANDIDATE, MentorStatus.LEFT}),
    MentorStatus.TRAINED: frozenset({MentorStatus.ACTIVE, MentorStatus.LONG_TERM, MentorStatus.LEFT}),
    MentorStatus.ACTIVE: frozenset({MentorStatus.TRAINED, MentorStatus.LONG_TERM, MentorStatus.LEFT}),
    MentorStatus.LONG_TERM: frozenset({MentorStatus.ACTIVE, MentorStatus.LEFT}),
    MentorStatus.DECLINED: frozenset({MentorStatus.CANDIDATE, MentorStatus.LEFT}),
    MentorStatus.LEFT: frozenset({MentorStatus.CANDIDATE}),
}
MENTEE_NEEDS_CONSENT = frozenset({MenteeStatus.INCLUDED, MenteeStatus.IN_MENTORSHIP, MenteeStatus.COMPLETED})
MENTOR_NEEDS_CONSENT = frozenset(
    {MentorStatus.APPROVED, MentorStatus.TRAINED, MentorStatus.ACTIVE, MentorStatus.LONG_TERM}
)
CONSENT_ACTIONS = {
    MenteeStatus.INCLUDED: "включить в базу наставляемых",
    MenteeStatus.IN_MENTORSHIP: "включить в наставническую пару",
    MenteeStatus.COMPLETED: "отметить завершение программы",
    MentorStatus.APPROVED: "одобрить кандидатуру наставника",
    MentorStatus.TRAINED: "отметить обучение",
    MentorStatus.ACTIVE: "назначить наставником пары",
    MentorStatus.LONG_TERM: "перевести в долгосрочную базу наставников",
}


# --- rights -------------------------------------------------------------------------------------
def _scope(organization: Organization) -> dict:
    return {
        "org_id": organization.pk,
        "municipality_id": organization.municipality_id,
        "region_id": organization.municipality.region_id,
    }


def can_manage_pools(user, organization: Organization) -> bool:
    """Director and curator of the organisation (and the platform admin)."""
    return access_for(user).can_manage(**_scope(organization))


def can_score(user, organization: Organization) -> bool:
    """Working-group members evaluate candidates (seed 000, roadmap 4.1–4.2), with the curator and director."""
    access = access_for(user)
    return access.is_admin or bool(access.kinds_in(organization.pk) & STAFF_KINDS)


def can_edit_categories(user, region: Region | None) -> bool:
    access = access_for(user)
    if access.is_admin:
        return True
    return region is not None and region.pk in access.region_ids


def year_is_closed(organization: Organization, academic_year: AcademicYear) -> bool:
    from nastavnik.programs.services import year_is_closed as closed

    return closed(organization=organization, academic_year=academic_year)


def _require_manage(actor, organization: Organization, academic_year: AcademicYear) -> None:
    require(can_manage_pools(actor, organization), NO_RIGHTS)
    _require_open(organization, academic_year)


def _require_open(organization: Organization, academic_year: AcademicYear) -> None:
    if year_is_closed(organization, academic_year):
        raise PermissionDenied(CLOSED_YEAR.format(year=str(academic_year).capitalize()))


def _genitive(person: Person) -> str:
    from nastavnik.core.declension import Case, decline_fio

    try:
        return decline_fio(
            person.last_name, person.first_name, person.patronymic, gender=person.gender, case=Case.GENITIVE
        )
    except ValueError:
        return person.full_name


def _require_consent(person: Person, status: str) -> None:
    from nastavnik.consents.selectors import has_valid_consent

    if not has_valid_consent(person):
        raise ValidationError(
            f"У {_genitive(person)} нет действующего согласия на обработку персональных данных: "
            f"{CONSENT_ACTIONS[status]} нельзя. Сначала получите согласие (для детей до 14 лет — "
            "от законного представителя)."
        )


def _check_date(value: dt.date | None, academic_year: AcademicYear, *, field: str, today: dt.date) -> None:
    if value is None:
        raise ValidationError({field: "Укажите дату."})
    if not academic_year.contains(value):
        raise ValidationError(
            {
                field: f"Дата должна быть в пределах учебного года: с {date_ru(academic_year.start_date)} "
                f"по {date_ru(academic_year.end_date)}."
            }
        )
    if value > today:
        raise ValidationError({field: "Дата не может быть позже сегодняшнего дня."})


# --- the catalogue of requests --------------------------------------------------------------------
@transaction.atomic
def request_categories_sync() -> int:
    """Make sure the default catalogue exists (the migration loads it; the demo calls this too,
    since a flushed test database loses what migrations loaded). Existing rows are kept as edited."""
    from .catalogue import DEFAULT_REQUEST_CATEGORIES

    for order, name in enumerate(DEFAULT_REQUEST_CATEGORIES, start=1):
        RequestCategory.objects.get_or_create(
            region=None, name_key=search_key(name), defaults={"name": name, "sort_order": order}
        )
    return len(DEFAULT_REQUEST_CATEGORIES)


@transaction.atomic
def category_save(
    *,
    actor,
    name: str,
    region: Region | None = None,
    category: RequestCategory | None = None,
    is_active: bool = True,
    sort_order: int | None = None,
) -> RequestCategory:
    """Add a category (the platform's default when `region` is None) or rename / retire one."""
    if category is not None:
        region = category.region
    require(can_edit_categories(actor, region), NO_CATEGORY_RIGHTS)
    name = normalize_spaces(name)
    if not name:
        raise ValidationError({"name": "Назовите категорию запроса."})
    key = search_key(name)
    twins = RequestCategory.objects.filter(name_key=key)
    twins = twins.filter(Q(region=region) | Q(region__isnull=True)) if region else twins.filter(region__isnull=True)
    if category is not None:
        twins = twins.exclude(pk=category.pk)
    if twins.exists():
        raise ValidationError({"name": f"Категория «{name}» уже есть в каталоге."})
    category = category or RequestCategory(region=region)
    category.name, category.name_key, category.is_active = name, key, is_active
    if sort_order is not None:
        category.sort_order = sort_order
    category.save()
    return category


# --- pool entries: common ---------------------------------------------------------------------------
def _check_person_and_form(
    *,
    person: Person,
    form,
    organization: Organization,
    academic_year: AcademicYear,
    as_mentor: bool,
    own_people: bool = True,
) -> None:
    """The form is in the organisation's program of the year and the person's category may take this side
    of it; `own_people` — the person belongs to the organisation (not for a mentor lent by another one)."""
    from nastavnik.programs.selectors import enabled_forms

    if own_people and person.organization_id != organization.pk:
        raise ValidationError({"person": "В базы организации включают её участников."})
    if not enabled_forms(organization=organization, academic_year=academic_year).filter(pk=form.pk).exists():
        raise ValidationError(
            {"form": f"Форма «{form.name}» не входит в программу наставничества организации на {academic_year}."}
        )
    allowed = form.mentor_categories if as_mentor else form.mentee_categories
    if allowed and person.category not in allowed:
        names = ", ".join(Category(c).label.lower() for c in allowed if c in Category.values)
        role = "наставником" if as_mentor else "наставляемым"
        raise ValidationError(
            {
                "person": f"{person.full_name} ({person.get_category_display().lower()}) не может быть {role} "
                f"в форме «{form.name}»: в ней {role} бывают — {names}."
            }
        )


def _scoped(entry, organization: Organization, academic_year: AcademicYear, person: Person, form):
    entry.organization = organization
    entry.municipality = organization.municipality
    entry.region = organization.municipality.region
    entry.academic_year = academic_year
    entry.person = person
    entry.form = form
    return entry


def _save_new(entry, duplicate_message: str):
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        raise ValidationError(duplicate_message) from error
    return entry


def _clean_choice(value: str, choices, field: str, default: str) -> str:
    value = value or default
    if value not in choices.values:
        raise ValidationError({field: "Неизвестное значение."})
    return value


def _grant_role(actor, person: Person, kind: str, organization: Organization) -> None:
    """Included mentees and approved mentors hold the role in the organisation (people app owns roles)."""
    if Role.objects.filter(person=person, kind=kind, organization=organization).exists():
        return
    from nastavnik.people.services import role_grant

    role_grant(actor=actor, person=person, kind=kind, organization=organization, start_date=timezone.localdate())


def _set_status(entry, status: str, reason: str = "") -> None:
    entry.status = status
    entry.status_reason = normalize_spaces(reason)[:500]
    entry.status_changed_at = timezone.now()


# --- mentee pool (seed 000, roadmap 2.1–2.3) -------------------------------------------------------------
@transaction.atomic
def mentee_add(
    *,
    actor,
    organization: Organization,
    academic_year: AcademicYear,
    person: Person,
    form,
    categories: Iterable[RequestCategory] = (),
    request_text: str = "",
    preferred_format: str = Format.ANY,
    source: str = Source.QUESTIONNAIRE,
    source_note: str = "",
) -> MenteeEntry:
    """Add a person to the mentee pool of a form as a candidate (from a questionnaire, a nomination
    or third-party information); inclusion is a separate step behind the consent gate."""
    _require_manage(actor, organization, academic_year)
    _check_person_and_form(
        person=person, form=form, organization=organization, academic_year=academic_year, as_mentor=False
    )
    entry = _scoped(MenteeEntry(), organization, academic_year, person, form)
    entry.request_text = (request_text or "").strip()
    entry.preferred_format = _clean_choice(preferred_format, Format, "preferred_format", Format.ANY)
    entry.source = _clean_choice(source, Source, "source", Source.QUESTIONNAIRE)
    entry.source_note = normalize_spaces(source_note)
    entry.status_changed_at = timezone.now()
    _save_new(entry, f"{person.full_name} уже в базе наставляемых формы «{form.name}» на {academic_year}.")
    entry.categories.set(_checked_categories(categories, organization))
    return entry


def _checked_categories(categories: Iterable[RequestCategory], organization: Organization) -> list[RequestCategory]:
    categories = list(categories)
    region_id = organization.municipality.region_id
    for category in categories:
        if category.region_id not in (None, region_id):
            raise ValidationError({"categories": "Категория запроса из каталога другого региона."})
    return categories


@transaction.atomic
def mentee_update(
    *,
    actor,
    entry: MenteeEntry,
    categories: Iterable[RequestCategory],
    request_text: str = "",
    preferred_format: str = Format.ANY,
    source: str = Source.QUESTIONNAIRE,
    source_note: str = "",
) -> MenteeEntry:
    _require_manage(actor, entry.organization, entry.academic_year)
    entry.request_text = (request_text or "").strip()
    entry.preferred_format = _clean_choice(preferred_format, Format, "preferred_format", Format.ANY)
    entry.source = _clean_choice(source, Source, "source", Source.QUESTIONNAIRE)
    entry.source_note = normalize_spaces(source_note)
    entry.save()
    entry.categories.set(_checked_categories(categories, entry.organization))
    return entry


@transaction.atomic
def mentee_set_status(*, actor, entry: MenteeEntry, status: str, reason: str = "") -> MenteeEntry:
    _require_manage(actor, entry.organization, entry.academic_year)
    if status not in MenteeStatus.values:
        raise ValidationError({"status": "Неизвестный статус."})
    if status == entry.status:
        return entry
    if status not in MENTEE_MOVES[entry.status]:
        raise ValidationError(
            f"Из статуса «{entry.get_status_display()}» нельзя перевести в «{MenteeStatus(status).label}»."
        )
    if status in MENTEE_NEEDS_CONSENT:
        _require_consent(entry.person, status)
    needs_request = status == MenteeStatus.INCLUDED and entry.status == MenteeStatus.CANDIDATE
    if needs_request and not (entry.request_text or entry.categories.exists()):
        raise ValidationError(
            "Чтобы включить в базу, укажите запрос наставляемого: категорию или описание своими словами."
        )
    if status == MenteeStatus.LEFT and not normalize_spaces(reason):
        raise ValidationError({"reason": "Укажите, почему участник выбывает."})
    _set_status(entry, status, reason)
    entry.save()
    if status == MenteeStatus.INCLUDED:
        _grant_role(actor, entry.person, RoleKind.MENTEE, entry.organization)
    return entry


@transaction.atomic
def note_add(
    *,
    actor,
    entry: MenteeEntry,
    author_role: str,
    text: str,
    date: dt.date,
    author_person: Person | None = None,
    author_name: str = "",
    today: dt.date | None = None,
) -> ThirdPartyNote:
    """Record what a teacher, class teacher, psychologist, social worker or parent says about the
    mentee's request (seed 000, roadmap 2.2), with who said it."""
    _require_manage(actor, entry.organization, entry.academic_year)
    today = today or timezone.localdate()
    if author_role not in AuthorRole.values:
        raise ValidationError({"author_role": "Укажите, кто сообщает сведения."})
    if not (text or "").strip():
        raise ValidationError({"text": "Запишите сведения."})
    author_name = normalize_spaces(author_name)
    if author_person is None and not author_name:
        raise ValidationError({"author_name": "Укажите автора сведений: выберите участника или впишите ФИО."})
    if author_person is not None and author_person.organization_id != entry.organization_id:
        raise ValidationError({"author_person": "Автор должен быть участником этой организации."})
    if date is None or date > today:
        raise ValidationError({"date": "Дата не может быть позже сегодняшнего дня."})
    return ThirdPartyNote.objects.create(
        entry=entry,
        author_person=author_person,
        author_name="" if author_person else author_name,
        author_role=author_role,
        text=text.strip(),
        date=date,
        recorded_by=actor,
    )


@transaction.atomic
def note_delete(*, actor, note: ThirdPartyNote) -> None:
    _require_manage(actor, note.entry.organization, note.entry.academic_year)
    note.delete()


# --- mentor pool (seed 000, roadmap 3.3–3.4, 4.1–4.2; seed 001) ---------------------------------------------
def _clean_topics(topics) -> list[str]:
    if isinstance(topics, str):
        topics = topics.replace(";", "\n").replace(",", "\n").splitlines()
    seen, result = set(), []
    for topic in topics or ():
        topic = normalize_spaces(topic)
        if topic and topic.casefold() not in seen:
            seen.add(topic.casefold())
            result.append(topic[:200])
    return result


def _clean_capacity(capacity) -> int:
    try:
        capacity = int(capacity)
    except (TypeError, ValueError) as error:
        raise ValidationError({"capacity": "Укажите, сколько наставляемых может взять наставник."}) from error
    if not 1 <= capacity <= 30:
        raise ValidationError({"capacity": "Наставник может взять от 1 до 30 наставляемых."})
    return capacity


@transaction.atomic
def mentor_add(
    *,
    actor,
    organization: Organization,
    academic_year: AcademicYear,
    person: Person,
    form,
    source: str = Source.QUESTIONNAIRE,
    source_note: str = "",
    competencies: str = "",
    topics: Iterable[str] | str = (),
    capacity: int = 1,
    availability: str = "",
    preferred_format: str = Format.ANY,
) -> MentorEntry:
    """Add a mentor candidate (from the mentors' questionnaire or a nomination, seed 000 roadmap 3.3)."""
    _require_manage(actor, organization, academic_year)
    _check_person_and_form(
        person=person, form=form, organization=organization, academic_year=academic_year, as_mentor=True
    )
    entry = _scoped(MentorEntry(), organization, academic_year, person, form)
    entry.source = _clean_choice(source, Source, "source", Source.QUESTIONNAIRE)
    entry.source_note = normalize_spaces(source_note)
    entry.competencies = (competencies or "").strip()
    entry.topics = _clean_topics(topics)
    entry.capacity = _clean_capacity(capacity)
    entry.availability = normalize_spaces(availability)
    entry.preferred_format = _clean_choice(preferred_format, Format, "preferred_format", Format.ANY)
    entry.status_changed_at = timezone.now()
    return _save_new(entry, f"{person.full_name} уже в базе наставников формы «{form.name}» на {academic_year}.")


@transaction.atomic
def mentor_add_outside(
    *,
    actor,
    organization: Organization,
    academic_year: AcademicYear,
    person: Person,
    form,
    source_note: str,
    competencies: str = "",
    topics: Iterable[str] | str = (),
) -> tuple[MentorEntry, bool]:
    """A mentor of another organisation of the region, lent through the regional mentor base: the
    lending organisation accepted the request (checked by the caller, nastavnik.mentorbase), so the
    person enters this organisation's base already approved. Returns (entry, created); a second call
    returns the entry made by the first."""
    _require_manage(actor, organization, academic_year)
    if person.organization is None or person.organization.municipality.region_id != organization.municipality.region_id:
        raise ValidationError({"person": "Наставник другой организации должен быть из того же региона."})
    existing = MentorEntry.objects.filter(
        organization=organization, academic_year=academic_year, person=person, form=form
    ).first()
    if existing is not None:
        return existing, False
    _check_person_and_form(
        person=person, form=form, organization=organization, academic_year=academic_year, as_mentor=True,
        own_people=False,
    )  # fmt: skip
    entry = _scoped(MentorEntry(), organization, academic_year, person, form)
    entry.source = Source.OUTSIDE
    entry.source_note = normalize_spaces(source_note)[:300]
    entry.competencies = (competencies or "").strip()
    entry.topics = _clean_topics(topics)
    entry.status = MentorStatus.APPROVED
    entry.status_reason = "Одобрен организацией наставника (запрос в региональной базе наставников)"
    entry.status_changed_at = timezone.now()
    return _save_new(entry, f"{person.full_name} уже в базе наставников формы «{form.name}» на {academic_year}."), True


@transaction.atomic
def mentor_update(
    *,
    actor,
    entry: MentorEntry,
    competencies: str = "",
    topics: Iterable[str] | str = (),
    capacity: int = 1,
    availability: str = "",
    preferred_format: str = Format.ANY,
    source: str | None = None,
    source_note: str | None = None,
) -> MentorEntry:
    """Competencies, topics, capacity, availability and format: what matching reads."""
    _require_manage(actor, entry.organization, entry.academic_year)
    entry.competencies = (competencies or "").strip()
    entry.topics = _clean_topics(topics)
    entry.capacity = _clean_capacity(capacity)
    entry.availability = normalize_spaces(availability)
    entry.preferred_format = _clean_choice(preferred_format, Format, "preferred_format", Format.ANY)
    if source is not None:
        entry.source = _clean_choice(source, Source, "source", Source.QUESTIONNAIRE)
    if source_note is not None:
        entry.source_note = normalize_spaces(source_note)
    entry.save()
    return entry


@transaction.atomic
def score_sheet_save(*, actor, entry: MentorEntry, scores: dict[str, tuple[int, str]]) -> list[CriterionScore]:
    """Save the actor's own score sheet for a candidate: every one of the nine criteria of seed 001
    scored 0–3, with an optional comment. Filling it again replaces the actor's previous scores."""
    require(can_score(actor, entry.organization), NO_SCORE_RIGHTS)
    _require_open(entry.organization, entry.academic_year)
    if entry.status != MentorStatus.CANDIDATE:
        raise ValidationError(
            f"Решение по кандидатуре уже принято ({entry.get_status_display().lower()}): оценочный лист не меняется. "
            "Чтобы пересмотреть решение, куратор возвращает запись в кандидаты."
        )
    errors = {}
    for code, name in CRITERIA:
        value = scores.get(code, (None, ""))[0]
        if value is None or value == "":
            errors[f"score_{code}"] = f"Оцените критерий «{name}»."
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value is None or not SCORE_MIN <= value <= SCORE_MAX:
            errors[f"score_{code}"] = f"Балл по критерию «{name}» — от {SCORE_MIN} до {SCORE_MAX}."
    unknown = set(scores) - set(CRITERION_CODES)
    if unknown:
        errors["__all__"] = "Неизвестный критерий отбора."
    if errors:
        raise ValidationError(errors)
    person = getattr(actor, "person", None) if hasattr(actor, "person") else None
    scorer_name = person.full_name if person else actor.get_username()
    rows = []
    for code in CRITERION_CODES:
        value, comment = scores[code]
        row, _created = CriterionScore.objects.update_or_create(
            entry=entry,
            criterion=code,
            scored_by=actor,
            defaults={"score": int(value), "comment": normalize_spaces(comment)[:500], "scorer_name": scorer_name},
        )
        rows.append(row)
    return rows


def score_sheet_complete(entry: MentorEntry) -> bool:
    """At least one evaluator has scored all nine criteria."""
    from django.db.models import Count

    return (
        CriterionScore.objects.filter(entry=entry)
        .values("scored_by")
        .annotate(n=Count("criterion", distinct=True))
        .filter(n=len(CRITERION_CODES))
        .exists()
    )


@transaction.atomic
def mentor_decide(
    *,
    actor,
    entry: MentorEntry,
    approve: bool,
    date: dt.date,
    comment: str = "",
    today: dt.date | None = None,
) -> MentorEntry:
    """The decision on a candidate (seed 000, roadmap 4.1–4.2): approve — after the score sheet and
    with a valid consent — or decline, with the date of the decision. An approved mentor who has
    already attended a training is «trained» at once."""
    _require_manage(actor, entry.organization, entry.academic_year)
    today = today or timezone.localdate()
    if entry.status != MentorStatus.CANDIDATE:
        raise ValidationError(
            f"Решение принимают по кандидатам; сейчас статус «{entry.get_status_display()}». "
            "Чтобы пересмотреть решение, верните запись в кандидаты."
        )
    _check_date(date, entry.academic_year, field="date", today=today)
    if approve:
        if not score_sheet_complete(entry):
            raise ValidationError(NEED_SCORE_SHEET + " (все девять критериев).")
        _require_consent(entry.person, MentorStatus.APPROVED)
        status = MentorStatus.TRAINED if entry.trained_at else MentorStatus.APPROVED
    else:
        if not normalize_spaces(comment):
            raise ValidationError({"comment": "Укажите причину отказа — она сохранится в карточке кандидата."})
        status = MentorStatus.DECLINED
    _set_status(entry, status, comment)
    entry.decision_date = date
    entry.decided_by = actor
    entry.decision_comment = normalize_spaces(comment)[:500]
    entry.save()
    if approve:
        _grant_role(actor, entry.person, RoleKind.MENTOR, entry.organization)
    return entry


@transaction.atomic
def mentor_set_status(*, actor, entry: MentorEntry, status: str, reason: str = "") -> MentorEntry:
    """Moves other than the decision: to work with mentees, to the long-term base (roadmap 7.8), out
    of the pool, or back to candidates to reconsider."""
    _require_manage(actor, entry.organization, entry.academic_year)
    if status not in MentorStatus.values:
        raise ValidationError({"status": "Неизвестный статус."})
    if status == entry.status:
        return entry
    if status == MentorStatus.TRAINED and entry.status == MentorStatus.APPROVED:
        raise ValidationError(
            "Статус «Прошёл обучение» ставится сам, когда в карточке обучения отмечено посещение наставника."
        )
    if status in (MentorStatus.APPROVED, MentorStatus.DECLINED):
        raise ValidationError("Одобрение и отказ — это решение по кандидату: примите его в карточке наставника.")
    if status not in MENTOR_MOVES[entry.status]:
        if entry.status == MentorStatus.APPROVED and status in (MentorStatus.ACTIVE, MentorStatus.LONG_TERM):
            raise ValidationError(
                "Наставник ещё не прошёл обучение: отметьте посещение обучения, затем назначайте в пару."
            )
        raise ValidationError(
            f"Из статуса «{entry.get_status_display()}» нельзя перевести в «{MentorStatus(status).label}»."
        )
    if status in MENTOR_NEEDS_CONSENT:
        _require_consent(entry.person, status)
    if status == MentorStatus.LEFT and not normalize_spaces(reason):
        raise ValidationError({"reason": "Укажите, почему наставник выбывает."})
    if status == MentorStatus.CANDIDATE and entry.status in (MentorStatus.APPROVED, MentorStatus.DECLINED):
        entry.decision_date = None
        entry.decided_by = None
        entry.decision_comment = ""
    _set_status(entry, status, reason)
    entry.save()
    return entry


# --- revocation of consent -------------------------------------------------------------------------------
@transaction.atomic
def pools_leave_for(*, person: Person, reason: str) -> int:
    """Every pool entry of the person (both pools, every form and year) that is not «left» yet
    becomes «left» with the reason. Called by the consents app when a person revokes their consent
    (the consents service checks the rights). Returns the number of entries changed."""
    reason = normalize_spaces(reason)[:500] or "Отзыв согласия на обработку персональных данных"
    changed = 0
    for model, left in ((MenteeEntry, MenteeStatus.LEFT), (MentorEntry, MentorStatus.LEFT)):
        for entry in model.objects.filter(person=person).exclude(status=left).select_related("form", "person"):
            _set_status(entry, left, reason)
            entry.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
            changed += 1
    return changed


# --- training of mentors (seed 000, roadmap 4.3–4.4) ----------------------------------------------------------
@transaction.atomic
def training_save(
    *,
    actor,
    organization: Organization,
    academic_year: AcademicYear,
    training: Training | None = None,
    title: str,
    date: dt.date,
    program: str = "",
    place: str = "",
    trainer: str = "",
) -> Training:
    _require_manage(actor, organization, academic_year)
    title = normalize_spaces(title)
    if not title:
        raise ValidationError({"title": "Укажите тему обучения."})
    if date is None or not academic_year.contains(date):
        raise ValidationError(
            {
                "date": f"Дата должна быть в пределах учебного года: с {date_ru(academic_year.start_date)} "
                f"по {date_ru(academic_year.end_date)}."
            }
        )
    moved_ahead = training is not None and training.date != date and date > timezone.localdate()
    if moved_ahead and training.attendance.filter(attended=True).exists():
        raise ValidationError({"date": "Посещение уже отмечено: перенести обучение на будущую дату нельзя."})
    training = training or Training(
        organization=organization,
        municipality=organization.municipality,
        region=organization.municipality.region,
        academic_year=academic_year,
    )
    training.title, training.date = title, date
    training.program = (program or "").strip()
    training.place, training.trainer = normalize_spaces(place), normalize_spaces(trainer)
    training.save()
    return training


@transaction.atomic
def material_add(*, actor, training: Training, title: str = "", file=None, url: str = "") -> TrainingMaterial:
    _require_manage(actor, training.organization, training.academic_year)
    title = normalize_spaces(title)
    url = (url or "").strip()
    if not (file or url):
        raise ValidationError("Приложите файл или укажите ссылку на материал.")
    if file is not None and file.size > MAX_UPLOAD:
        raise ValidationError({"file": "Файл больше 20 МБ: приложите файл поменьше или ссылку."})
    if not title:
        title = getattr(file, "name", "") or url
    return TrainingMaterial.objects.create(training=training, title=title[:300], file=file or "", url=url)


@transaction.atomic
def material_delete(*, actor, material: TrainingMaterial) -> None:
    _require_manage(actor, material.training.organization, material.training.academic_year)
    if material.file:
        material.file.delete(save=False)
    material.delete()


ATTENDANCE_STATUSES = frozenset(
    {MentorStatus.CANDIDATE, MentorStatus.APPROVED, MentorStatus.TRAINED, MentorStatus.ACTIVE, MentorStatus.LONG_TERM}
)


@transaction.atomic
def attendance_save(
    *, actor, training: Training, attended_ids: Iterable[int], today: dt.date | None = None
) -> dict[str, int]:
    """Mark who attended a training (the checklist of the mentor pool of the year). An approved mentor
    who attended becomes «trained»; a candidate keeps the date and becomes «trained» when approved;
    unticking the only attended training takes «trained» back. Returns counts for the message."""
    _require_manage(actor, training.organization, training.academic_year)
    today = today or timezone.localdate()
    attended_ids = {int(pk) for pk in attended_ids}
    if attended_ids and training.date > today:
        raise ValidationError(
            f"Обучение назначено на {date_ru(training.date)}: посещение отмечают в день обучения или после него."
        )
    mentors = {
        m.pk: m
        for m in MentorEntry.objects.filter(
            organization=training.organization, academic_year=training.academic_year
        ).select_related("person", "form")
    }
    unknown = attended_ids - set(mentors)
    if unknown:
        raise ValidationError("В списке есть наставник не из базы этой организации и года.")
    for pk in attended_ids:
        if mentors[pk].status not in ATTENDANCE_STATUSES:
            raise ValidationError(
                f"{mentors[pk].person.full_name}: статус «{mentors[pk].get_status_display()}» — посещение не отмечают."
            )
    existing = {a.mentor_id: a for a in training.attendance.all()}
    counts = {"attended": len(attended_ids), "trained": 0, "untrained": 0}
    for pk, row in existing.items():
        if mentors[pk].status not in ATTENDANCE_STATUSES:
            continue  # not on the checklist (declined, left): the record stays as it was
        if row.attended != (pk in attended_ids):
            row.attended = pk in attended_ids
            row.marked_by = actor
            row.save()
    for pk in attended_ids - set(existing):
        TrainingAttendance.objects.create(training=training, mentor_id=pk, attended=True, marked_by=actor)
    touched = attended_ids | {pk for pk in existing if mentors[pk].status in ATTENDANCE_STATUSES}
    for pk in touched:
        counts_key = _refresh_trained(mentors[pk])
        if counts_key:
            counts[counts_key] += 1
    return counts


def _refresh_trained(entry: MentorEntry) -> str | None:
    """Recompute `trained_at` from the attended trainings and move approved ↔ trained."""
    dates = list(
        TrainingAttendance.objects.filter(mentor=entry, attended=True)
        .order_by("training__date")
        .values_list("training__date", flat=True)
    )
    trained_at = dates[0] if dates else None
    result = None
    if entry.status == MentorStatus.APPROVED and trained_at:
        _require_consent(entry.person, MentorStatus.TRAINED)
        _set_status(entry, MentorStatus.TRAINED, "Посещение обучения")
        result = "trained"
    elif entry.status == MentorStatus.TRAINED and not trained_at:
        _set_status(entry, MentorStatus.APPROVED, "Посещение обучения снято")
        result = "untrained"
    if trained_at != entry.trained_at or result:
        entry.trained_at = trained_at
        entry.save()
    return result


# --- export -------------------------------------------------------------------------------------------------
def log_export(*, actor, organization: Organization, academic_year: AcademicYear, pool: str, rows: int) -> None:
    """Every export of personal data is in the audit log (DESIGN.md, 152-ФЗ)."""
    LogEntry.objects.log_create(
        organization,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        changes={"export": [pool, f"{academic_year.start_year}: {rows} записей"]},
        additional_data={"export": pool, "academic_year": academic_year.start_year, "rows": rows},
    )


# --- filling the pools from questionnaire answers (seed 000, roadmap 2.1 and 3.3) ------------------------
@dataclass
class FillResult:
    added: list[str] = field(default_factory=list)
    included: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # «ФИО — why»


FILL_KINDS = {"request_mentee": False, "mentor": True}  # questionnaire kind → as_mentor


def _text_answer(values: dict, code: str) -> str:
    value = values.get(code)
    return normalize_spaces(str(value)) if isinstance(value, str | int | float) and value != "" else ""


def _mentee_from_answers(values: dict, categories: list[RequestCategory]) -> dict:
    from .catalogue import FORMAT_ANSWERS, REQUEST_OPTION_CATEGORY

    by_key = {search_key(c.name): c for c in categories}
    chosen, others = [], []
    for option in values.get("request") or ():
        name = REQUEST_OPTION_CATEGORY.get(option, option)
        category = by_key.get(search_key(name))
        if category is not None and category not in chosen:
            chosen.append(category)
        elif option != "Другое":
            others.append(option)
    parts = [
        (label, _text_answer(values, code))
        for label, code in (
            ("Предметы", "request_subjects"),
            ("Олимпиада или конкурс", "request_olympiad"),
            ("Другое", "request_other"),
            ("Цель к концу года", "request_result"),
            ("Интересы", "interests"),
        )
    ]
    lines = [f"Запрос: {'; '.join(others)}"] if others else []
    lines += [f"{label}: {text}" for label, text in parts if text]
    return {
        "categories": chosen,
        "request_text": "\n".join(lines),
        "preferred_format": FORMAT_ANSWERS.get(values.get("format"), Format.ANY),
    }


def _mentor_from_answers(values: dict) -> dict:
    from .catalogue import FORMAT_ANSWERS

    capacity = values.get("mentee_count")
    capacity = int(capacity) if isinstance(capacity, int | float) and 1 <= capacity <= 30 else 1
    time = _text_answer(values, "time_per_month")
    return {
        "topics": [area for area in values.get("areas") or () if area != "Другое"],
        "competencies": "\n".join(
            t for t in (_text_answer(values, "professional_experience"), _text_answer(values, "experience_text")) if t
        ),
        "capacity": capacity,
        "availability": f"{time} в месяц" if time else "",
        "preferred_format": FORMAT_ANSWERS.get(values.get("format"), Format.ANY),
    }


@transaction.atomic
def pool_fill_from_campaign(
    *, actor, campaign, form, academic_year: AcademicYear, include_with_consent: bool = False
) -> FillResult:
    """Add everyone a request campaign (mentees) or a mentor questionnaire campaign (mentor candidates)
    is about to the pool of a form, with what they answered: request categories, the request in their
    own words and the format for mentees; topics, experience, capacity, time and format for mentors.

    Idempotent: people already in the pool of that form and year are left as they are. People the
    form does not take (category) are skipped with the reason. With `include_with_consent`, mentees
    who have a valid consent are included in the pool at once (mentors are approved only after the
    score sheet, seed 001)."""
    from nastavnik.consents.selectors import has_valid_consent
    from nastavnik.questionnaires.selectors import campaign_answers_by_code

    from .selectors import categories_for_region

    organization = campaign.organization
    _require_manage(actor, organization, academic_year)
    _require_open(organization, academic_year)
    kind = campaign.questionnaire.kind
    if kind not in FILL_KINDS:
        raise ValidationError("В базы добавляют по ответам на анкету наставляемого (запрос) или анкету наставника.")
    as_mentor = FILL_KINDS[kind]
    model = MentorEntry if as_mentor else MenteeEntry
    answers = campaign_answers_by_code(campaign)
    if not answers:
        raise ValidationError("На эту анкету ещё никто не ответил: добавлять в базу некого.")
    people = {p.pk: p for p in Person.objects.filter(pk__in=[a.subject_id for a in answers])}
    existing = set(
        model.objects.filter(form=form, academic_year=academic_year, person_id__in=people).values_list(
            "person_id", flat=True
        )
    )
    categories = list(categories_for_region(organization.municipality.region_id))
    note = f"анкета «{campaign.questionnaire.title}» от {{date}}"
    result = FillResult()
    for answer in sorted(answers, key=lambda a: (people[a.subject_id].last_name, people[a.subject_id].first_name)):
        person = people[answer.subject_id]
        if person.pk in existing:
            result.already.append(person.full_name)
            continue
        source_note = note.format(date=timezone.localtime(answer.submitted_at).strftime("%d.%m.%Y"))
        try:
            with transaction.atomic():
                if as_mentor:
                    mentor_add(
                        actor=actor, organization=organization, academic_year=academic_year, person=person, form=form,
                        source=Source.QUESTIONNAIRE, source_note=source_note, **_mentor_from_answers(answer.values),
                    )  # fmt: skip
                else:
                    entry = mentee_add(
                        actor=actor, organization=organization, academic_year=academic_year, person=person, form=form,
                        source=Source.QUESTIONNAIRE, source_note=source_note,
                        **_mentee_from_answers(answer.values, categories),
                    )  # fmt: skip
                    if include_with_consent and has_valid_consent(person):
                        mentee_set_status(actor=actor, entry=entry, status=MenteeStatus.INCLUDED, reason=source_note)
                        result.included.append(person.full_name)
        except ValidationError as error:
            result.skipped.append(f"{person.full_name} — {' '.join(error.messages)}")
            continue
        result.added.append(person.full_name)
    return result
