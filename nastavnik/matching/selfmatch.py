"""Self-match mode (issue 6, item 4): reads and writes.

For a form where the curator switched it on (SelfMatchWindow of an organisation's year), a mentee of
the form's pool — or the guardian of a minor mentee, acting for the child — sees the eligible mentors
ordered by the same score as a matching run (the same engine input from matching.selectors.build_inputs,
the same hard rules, engine.eligibility and engine.score_pair), and asks up to N of them. A mentor
accepts or declines; when one accepts, the mentee's other requests are withdrawn; the curator confirms
an accepted request and the mentorship is created through nastavnik.mentorships.services, as a run's
approval does (a confirmed mentee leaves the pool: an open mentorship makes them «busy» for matching).
Requests not answered by their date become «истёк» (`selfmatch_expire`, called by the reminders sender).

Rules owned here:
- the curator (director) of the organisation switches the mode on and confirms; the year must be open;
- a mentee may have at most `max_requests` open requests (waiting or accepted), one per mentor;
- a request goes only to an eligible mentor with a free place; accepting needs a free place counted
  as the mentor's open mentorships plus the requests they accepted that wait for the curator;
- only the mentor a request is addressed to answers it; only the mentee (or guardian) withdraws it;
- every write is in one transaction and locks the mentor or mentee entry it counts places of, so a
  double submission or two answers at once never exceed a capacity or create a duplicate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from nastavnik.core.text import date_ru, normalize_spaces
from nastavnik.orgs.models import AcademicYear, Organization
from nastavnik.people.access import access_for, require
from nastavnik.pools.models import Format, MenteeEntry, MentorEntry
from nastavnik.programs.models import MentoringForm

from . import engine, selectors
from .models import (
    SELF_REQUEST_OPEN,
    SelfMatchRequest,
    SelfMatchWindow,
    SelfRequestStatus,
)

DEFAULT_MAX_REQUESTS = 3
DEFAULT_ANSWER_DAYS = 7
NO_RIGHTS = "Самостоятельный выбор наставника включают руководитель и куратор организации."
NO_CONFIRM_RIGHTS = "Пары самостоятельного выбора подтверждают руководитель и куратор организации."
NOT_THE_MENTEE = "Наставника выбирает сам наставляемый или законный представитель несовершеннолетнего."
NOT_THE_MENTOR = "Ответить на запрос может только наставник, которому он адресован."
WINDOW_CLOSED = "Самостоятельный выбор наставника по форме «{form}» сейчас закрыт."
CLOSED_YEAR = "{year} закрыт: его данные доступны только для просмотра и отчётов."
KIND_REQUEST = "selfmatch_request"
KIND_ANSWER = "selfmatch_answer"
KIND_DUE = "selfmatch_due"


# --- rights ----------------------------------------------------------------------------------------
def _can_manage(actor, organization: Organization) -> bool:
    return access_for(actor).can_manage(
        org_id=organization.pk, municipality_id=organization.municipality_id,
        region_id=organization.municipality.region_id,
    )  # fmt: skip


def _year_closed(organization: Organization, academic_year: AcademicYear) -> bool:
    from nastavnik.programs.services import year_is_closed

    return year_is_closed(organization=organization, academic_year=academic_year)


def _require_open_year(organization: Organization, academic_year: AcademicYear) -> None:
    if _year_closed(organization, academic_year):
        raise ValidationError(CLOSED_YEAR.format(year=str(academic_year).capitalize()))


def _is_minor_or_unknown(person) -> bool:
    age = person.age
    return age is None or age < 18


def acts_for(actor, entry: MenteeEntry) -> bool:
    """The mentee themself, or a guardian of a minor mentee (acting for the child)."""
    access = access_for(actor)
    if access.person_id is not None and access.person_id == entry.person_id:
        return True
    return entry.person_id in access.child_ids and _is_minor_or_unknown(entry.person)


def is_mentor_of(actor, request: SelfMatchRequest) -> bool:
    person_id = access_for(actor).person_id
    return person_id is not None and person_id == request.mentor_entry.person_id


def can_manage_window(actor, window: SelfMatchWindow) -> bool:
    return _can_manage(actor, window.organization)


# --- windows ---------------------------------------------------------------------------------------
def window_of(*, organization: Organization, academic_year: AcademicYear, form) -> SelfMatchWindow | None:
    return (
        SelfMatchWindow.objects.filter(organization=organization, academic_year=academic_year, form=form)
        .select_related("organization__municipality", "academic_year", "form")
        .first()
    )


def window_is_open(window: SelfMatchWindow | None, today: dt.date | None = None) -> bool:
    if window is None or not window.enabled:
        return False
    today = today or timezone.localdate()
    if window.opens_on and today < window.opens_on:
        return False
    if window.closes_on and today > window.closes_on:
        return False
    return not _year_closed(window.organization, window.academic_year)


def _require_window_open(window: SelfMatchWindow, today: dt.date) -> None:
    _require_open_year(window.organization, window.academic_year)
    if not window_is_open(window, today):
        text = WINDOW_CLOSED.format(form=window.form.name)
        if window.enabled and window.opens_on and today < window.opens_on:
            text += f" Выбор откроется {date_ru(window.opens_on)}."
        elif window.enabled and window.closes_on and today > window.closes_on:
            text += f" Выбор закончился {date_ru(window.closes_on)}."
        raise ValidationError(text)


@dataclass
class WindowRow:
    form: MentoringForm
    window: SelfMatchWindow | None
    is_open: bool
    counts: dict[str, int] = field(default_factory=dict)


def windows_of_year(*, organization: Organization, academic_year: AcademicYear, today=None) -> list[WindowRow]:
    """Every form of the year's program with its self-match settings and the requests by state."""
    from nastavnik.programs.selectors import enabled_forms

    windows = {
        w.form_id: w
        for w in SelfMatchWindow.objects.filter(organization=organization, academic_year=academic_year).select_related(
            "organization__municipality", "academic_year", "form"
        )
    }
    counts: dict[int, dict[str, int]] = {}
    rows = (
        SelfMatchRequest.objects.filter(window__in=list(windows.values()))
        .values("window__form_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["window__form_id"], {})[row["status"]] = row["n"]
    forms = enabled_forms(organization=organization, academic_year=academic_year).order_by("sort_order", "name")
    return [
        WindowRow(
            form=f,
            window=windows.get(f.pk),
            is_open=window_is_open(windows.get(f.pk), today),
            counts=counts.get(f.pk, {}),
        )
        for f in forms
    ]


@transaction.atomic
def window_save(
    *,
    actor,
    organization: Organization,
    academic_year: AcademicYear,
    form: MentoringForm,
    enabled: bool,
    max_requests=DEFAULT_MAX_REQUESTS,
    answer_days=DEFAULT_ANSWER_DAYS,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
) -> SelfMatchWindow:
    """Switch the self-match mode of a form on or off and set its limits (one row per form and year)."""
    from nastavnik.programs.selectors import enabled_forms

    require(_can_manage(actor, organization), NO_RIGHTS)
    _require_open_year(organization, academic_year)
    errors = {}
    if not enabled_forms(organization=organization, academic_year=academic_year).filter(pk=form.pk).exists():
        errors["form"] = f"Форма «{form.name}» не выбрана в программе организации на этот год."
    try:
        max_requests = int(max_requests)
        if not 1 <= max_requests <= 10:
            raise ValueError
    except (TypeError, ValueError):
        errors["max_requests"] = "Число запросов — от 1 до 10."
    try:
        answer_days = int(answer_days)
        if not 1 <= answer_days <= 60:
            raise ValueError
    except (TypeError, ValueError):
        errors["answer_days"] = "Срок ответа — от 1 до 60 дней."
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = "Дата окончания выбора раньше даты начала."
    for name, day in (("opens_on", opens_on), ("closes_on", closes_on)):
        if day and not academic_year.contains(day) and name not in errors:
            errors[name] = (
                f"Дата — в пределах учебного года: с {date_ru(academic_year.start_date)} "
                f"по {date_ru(academic_year.end_date)}."
            )
    if errors:
        raise ValidationError(errors)
    window, _created = SelfMatchWindow.objects.select_for_update().get_or_create(
        organization=organization,
        academic_year=academic_year,
        form=form,
        defaults={"region": organization.municipality.region, "municipality": organization.municipality},
    )
    window.enabled = bool(enabled)
    window.max_requests, window.answer_days = max_requests, answer_days
    window.opens_on, window.closes_on = opens_on, closes_on
    window.updated_by = actor
    window.save()
    return window


# --- what the mentee sees --------------------------------------------------------------------------
def entry_get_for(*, actor, pk: int) -> MenteeEntry:
    """A mentee entry: the staff of its scope, the mentee and their guardians (else 404)."""
    access = access_for(actor)
    q = access.scoped_q() if access.sees_registers else Q(pk__in=[])
    if access.person_id:
        q |= Q(person_id=access.person_id)
    if access.child_ids:
        q |= Q(person_id__in=access.child_ids)
    qs = MenteeEntry.objects.filter(q).select_related(
        "person", "organization__municipality__region", "academic_year", "form"
    )
    return get_object_or_404(qs, pk=pk)


def my_mentee_entries(actor, *, today=None) -> list[tuple[MenteeEntry, SelfMatchWindow]]:
    """The entries the user may choose a mentor for now (own, or a minor child's) in an open window."""
    access = access_for(actor)
    people = ({access.person_id} if access.person_id else set()) | set(access.child_ids)
    if not people:
        return []
    entries = (
        MenteeEntry.objects.filter(person_id__in=people, status__in=("included",))
        .select_related("person", "organization__municipality", "academic_year", "form")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    result = []
    for entry in entries:
        if not acts_for(actor, entry):
            continue
        window = window_of(organization=entry.organization, academic_year=entry.academic_year, form=entry.form)
        if window_is_open(window, today):
            result.append((entry, window))
    return result


@dataclass
class Candidate:
    """An eligible mentor as the mentee sees them: no contacts, no birth date."""

    entry: MentorEntry
    score: float
    parts: list[dict]
    free: int
    request: SelfMatchRequest | None = None

    @property
    def topics(self) -> list[str]:
        return list(self.entry.topics or [])

    @property
    def format_label(self) -> str:
        return dict(Format.choices).get(self.entry.preferred_format, "")


@dataclass
class Choice:
    """The mentee's page: the candidates best first, their own requests, and why none when empty."""

    entry: MenteeEntry
    window: SelfMatchWindow | None
    candidates: list[Candidate]
    requests: list[SelfMatchRequest]
    problem: str = ""

    @property
    def open_count(self) -> int:
        return sum(1 for r in self.requests if r.status in SELF_REQUEST_OPEN)

    @property
    def accepted(self) -> SelfMatchRequest | None:
        return next((r for r in self.requests if r.status == SelfRequestStatus.ACCEPTED), None)

    @property
    def confirmed(self) -> SelfMatchRequest | None:
        return next((r for r in self.requests if r.status == SelfRequestStatus.CONFIRMED), None)

    @property
    def left(self) -> int:
        return max(0, (self.window.max_requests if self.window else 0) - self.open_count)


def _accepted_waiting(mentor_ids, *, exclude_mentee: int | None = None) -> dict[int, int]:
    qs = SelfMatchRequest.objects.filter(mentor_entry_id__in=mentor_ids, status=SelfRequestStatus.ACCEPTED)
    if exclude_mentee is not None:
        qs = qs.exclude(mentee_entry_id=exclude_mentee)
    return dict(qs.values("mentor_entry_id").annotate(n=Count("pk")).values_list("mentor_entry_id", "n").order_by())


def _rules(form: MentoringForm, forbidden) -> engine.Rules:
    rules = selectors.default_rules(form)
    return engine.Rules(
        min_age_gap=int(rules["min_age_gap"]),
        min_grade_gap=int(rules["min_grade_gap"]),
        same_org=bool(rules["same_org"]),
        same_municipality=bool(rules["same_municipality"]),
        require_trained=bool(rules["require_trained"]),
        forbidden=frozenset(tuple(p) for p in forbidden),
    )


def _mentee_problem(entry: MenteeEntry) -> str:
    from nastavnik.pools.selectors import matchable_mentees

    if entry.status != "included":
        return f"Сейчас выбрать наставника нельзя: статус в базе наставляемых — «{entry.get_status_display()}»."
    if not matchable_mentees(entry.organization, entry.academic_year, entry.form).filter(pk=entry.pk).exists():
        return "Нет действующего согласия на обработку персональных данных: обратитесь к куратору."
    return "Наставляемый уже в наставнической паре этой формы."


def _engine_pool(entry: MenteeEntry, today: dt.date):
    """(the engine's mentee or None, mentors with places left after the accepted requests, rules)."""
    inputs = selectors.build_inputs(
        organizations=[entry.organization], academic_year=entry.academic_year, form=entry.form, today=today
    )
    mentee = next((m for m in inputs.mentees if m.id == entry.pk), None)
    waiting = _accepted_waiting([m.id for m in inputs.mentors], exclude_mentee=entry.pk)
    mentors = []
    for m in inputs.mentors:
        free = m.capacity - waiting.get(m.id, 0)
        mentors.append(dataclasses.replace(m, capacity=max(free, 0)))
    return mentee, mentors, _rules(entry.form, inputs.forbidden)


def _parts_json(parts) -> list[dict]:
    return [{"code": p.code, "points": p.points, "text": p.text} for p in parts]


def choice_for(entry: MenteeEntry, *, today: dt.date | None = None) -> Choice:
    """The eligible mentors of the entry's form and organisation, best score first (ties by name)."""
    today = today or timezone.localdate()
    window = window_of(organization=entry.organization, academic_year=entry.academic_year, form=entry.form)
    requests = list(
        SelfMatchRequest.objects.filter(mentee_entry=entry)
        .select_related("mentor_entry__person", "requested_by__person")
        .order_by("-created_at", "-id")
    )
    if not window_is_open(window, today):
        return Choice(entry, window, [], requests, WINDOW_CLOSED.format(form=entry.form.name))
    candidates = candidates_for(entry, today=today)
    if candidates is None:
        return Choice(entry, window, [], requests, _mentee_problem(entry))
    shown = (*SELF_REQUEST_OPEN, SelfRequestStatus.DECLINED, SelfRequestStatus.REJECTED)
    live = {r.mentor_entry_id: r for r in requests if r.status in shown}
    for candidate in candidates:
        candidate.request = live.get(candidate.entry.pk)
    problem = "" if candidates else "Сейчас нет наставников, подходящих по правилам формы и со свободными местами."
    return Choice(entry, window, candidates, requests, problem)


def candidates_for(entry: MenteeEntry, *, today: dt.date) -> list[Candidate] | None:
    """The mentors the entry may ask (hard rules of the form, a free place), best score first (ties by
    name, then id); None when the mentee is not matchable (status, consent, already in a pair)."""
    mentee, mentors, rules = _engine_pool(entry, today)
    if mentee is None:
        return None
    weights = engine.Weights()
    scored = []
    for mentor in mentors:
        if engine.eligibility(mentee, mentor, rules) is None:
            score, parts = engine.score_pair(mentee, mentor, weights)
            scored.append((mentor, score, parts))
    scored.sort(key=lambda item: (-item[1], item[0].label, item[0].id))
    entries = MentorEntry.objects.select_related("person", "organization").in_bulk([m.id for m, _s, _p in scored])
    return [Candidate(entries[m.id], score, _parts_json(parts), m.capacity) for m, score, parts in scored]


# --- requests: reads -------------------------------------------------------------------------------
def _request_qs() -> QuerySet[SelfMatchRequest]:
    return SelfMatchRequest.objects.select_related(
        "window__organization__municipality__region", "window__academic_year", "window__form",
        "mentee_entry__person", "mentee_entry__organization__municipality", "mentor_entry__person",
    )  # fmt: skip


def request_get_for(*, actor, pk: int) -> SelfMatchRequest:
    """A request: its mentor, its mentee (and guardians), and the staff of the organisation (else 404)."""
    access = access_for(actor)
    q = Q(pk__in=[])
    if access.sees_registers:
        scoped = access.scoped_q()
        q |= Q(window__in=SelfMatchWindow.objects.filter(scoped).values("pk"))
    if access.person_id:
        q |= Q(mentor_entry__person_id=access.person_id) | Q(mentee_entry__person_id=access.person_id)
    if access.child_ids:
        q |= Q(mentee_entry__person_id__in=access.child_ids)
    return get_object_or_404(_request_qs().filter(q), pk=pk)


def incoming_for(actor) -> list[SelfMatchRequest]:
    """The requests addressed to the user as a mentor, waiting ones first."""
    person_id = access_for(actor).person_id
    if person_id is None:
        return []
    rows = list(_request_qs().filter(mentor_entry__person_id=person_id).order_by("-created_at", "-id")[:200])
    order = {SelfRequestStatus.PENDING: 0, SelfRequestStatus.ACCEPTED: 1}
    rows.sort(key=lambda r: order.get(r.status, 2))
    return rows


def requests_of_year(*, organization: Organization, academic_year: AcademicYear) -> QuerySet[SelfMatchRequest]:
    return _request_qs().filter(window__organization=organization, window__academic_year=academic_year)


def _free_places(mentor_entry: MentorEntry, *, exclude_mentee: int | None = None) -> int:
    from nastavnik.mentorships.services import open_mentee_count

    waiting = _accepted_waiting([mentor_entry.pk], exclude_mentee=exclude_mentee).get(mentor_entry.pk, 0)
    return mentor_entry.capacity - open_mentee_count(mentor_entry) - waiting


# --- requests: writes ------------------------------------------------------------------------------
def _notify(person, *, kind: str, title: str, text: str = "", url: str = "") -> None:
    from nastavnik.notifications import services as notifications

    notifications.notify(person=person, kind=kind, title=title, text=text, url=url)


def _mentee_people(request: SelfMatchRequest) -> list:
    """Whom an answer is told: the mentee, and the guardian who sent the request for the child."""
    people = [request.mentee_entry.person]
    sender = getattr(request.requested_by, "person", None) if request.requested_by_id else None
    if sender is not None and sender.pk != request.mentee_entry.person_id:
        people.append(sender)
    return people


@transaction.atomic
def request_create(*, actor, entry: MenteeEntry, mentor_entry_id: int, today: dt.date | None = None):
    """The mentee (or the guardian of a minor) asks a mentor: eligible, with a free place, at most N."""
    today = today or timezone.localdate()
    entry = (
        MenteeEntry.objects.select_for_update(of=("self",))
        .select_related("person", "organization__municipality__region", "academic_year", "form")
        .get(pk=entry.pk)
    )
    require(acts_for(actor, entry), NOT_THE_MENTEE)
    window = window_of(organization=entry.organization, academic_year=entry.academic_year, form=entry.form)
    if window is None:
        raise ValidationError(WINDOW_CLOSED.format(form=entry.form.name))
    _require_window_open(window, today)
    mine = list(SelfMatchRequest.objects.filter(mentee_entry=entry, status__in=(*SELF_REQUEST_OPEN, "confirmed")))
    same = next((r for r in mine if r.mentor_entry_id == mentor_entry_id), None)
    same = (
        same
        or SelfMatchRequest.objects.filter(
            mentee_entry=entry, mentor_entry_id=mentor_entry_id, status=SelfRequestStatus.REJECTED
        ).first()
    )
    if same is not None:
        raise ValidationError(f"Запрос этому наставнику уже отправлен ({same.get_status_display().lower()}).")
    if any(r.status == SelfRequestStatus.CONFIRMED for r in mine):
        raise ValidationError("Пара уже создана: выбрать другого наставника нельзя.")
    if any(r.status == SelfRequestStatus.ACCEPTED for r in mine):
        raise ValidationError("Наставник уже согласился на ваш запрос: дождитесь подтверждения куратора.")
    if len(mine) >= window.max_requests:
        raise ValidationError(
            f"Можно отправить не больше {window.max_requests} запросов одновременно: отзовите один из них "
            "или дождитесь ответа."
        )
    mentee, mentors, rules = _engine_pool(entry, today)
    if mentee is None:
        raise ValidationError(_mentee_problem(entry))
    mentor = next((m for m in mentors if m.id == mentor_entry_id), None)
    if mentor is None:
        raise ValidationError(
            "Этот наставник сейчас не может взять наставляемых по этой форме: не из базы наставников, "
            "не прошёл обучение, нет согласия или все места заняты."
        )
    reason = engine.eligibility(mentee, mentor, rules)
    if reason is not None:
        raise ValidationError(f"Этот наставник не подходит: {engine.REASON_TEXTS.get(reason, reason)}.")
    score, parts = engine.score_pair(mentee, mentor, engine.Weights())
    try:
        with transaction.atomic():
            request = SelfMatchRequest.objects.create(
                window=window,
                mentee_entry=entry,
                mentor_entry_id=mentor_entry_id,
                score=score,
                parts=_parts_json(parts),
                requested_by=actor,
                expires_on=today + dt.timedelta(days=window.answer_days),
            )
    except IntegrityError:
        raise ValidationError("Запрос этому наставнику уже отправлен.") from None
    request = _request_qs().get(pk=request.pk)
    _notify(
        request.mentor_entry.person,
        kind=KIND_REQUEST,
        title=f"Запрос от наставляемого: {entry.person.full_name}",
        text=f"«{entry.form.name}». Ответьте до {date_ru(request.expires_on)} включительно.",
        url=reverse("matching:selfmatch_incoming"),
    )
    return request


@transaction.atomic
def request_withdraw(*, actor, request: SelfMatchRequest) -> SelfMatchRequest:
    request = _request_qs().select_for_update(of=("self",)).get(pk=request.pk)
    require(acts_for(actor, request.mentee_entry), NOT_THE_MENTEE)
    if request.status == SelfRequestStatus.WITHDRAWN:
        return request
    if request.status not in SELF_REQUEST_OPEN:
        raise ValidationError(f"Запрос уже закрыт ({request.get_status_display().lower()}): отозвать его нельзя.")
    _require_open_year(request.window.organization, request.window.academic_year)
    request.status = SelfRequestStatus.WITHDRAWN
    request.closed_reason = "отозван наставляемым"
    request.save(update_fields=["status", "closed_reason", "updated_at"])
    return request


@transaction.atomic
def request_answer(
    *, actor, request: SelfMatchRequest, accept: bool, comment: str = "", today: dt.date | None = None
) -> SelfMatchRequest:
    """The mentor accepts (a free place needed; the mentee's other requests are withdrawn) or declines."""
    today = today or timezone.localdate()
    request = _request_qs().get(pk=request.pk)
    require(is_mentor_of(actor, request), NOT_THE_MENTOR)
    MentorEntry.objects.select_for_update().filter(pk=request.mentor_entry_id).first()  # serialise the places
    request = _request_qs().select_for_update(of=("self",)).get(pk=request.pk)
    wanted = SelfRequestStatus.ACCEPTED if accept else SelfRequestStatus.DECLINED
    if request.status == wanted or (accept and request.status == SelfRequestStatus.CONFIRMED):
        return request  # the same answer twice
    if request.status != SelfRequestStatus.PENDING:
        raise ValidationError(f"На запрос уже нельзя ответить: он {request.get_status_display().lower()}.")
    _require_open_year(request.window.organization, request.window.academic_year)
    if today > request.expires_on:
        _expire(request)
        raise ValidationError(f"Срок ответа истёк {date_ru(request.expires_on)}: запрос закрыт.")
    comment = normalize_spaces(comment or "")[:500]
    if accept:
        _require_window_open(request.window, today)
        if _free_places(request.mentor_entry, exclude_mentee=request.mentee_entry_id) <= 0:
            raise ValidationError(
                f"Свободных мест нет: вы можете взять не больше {request.mentor_entry.capacity} наставляемых, "
                "с учётом пар и уже принятых запросов."
            )
    request.status = wanted
    request.answered_at = timezone.now()
    request.answer_comment = comment
    request.save(update_fields=["status", "answered_at", "answer_comment", "updated_at"])
    mentor_name = request.mentor_entry.person.full_name
    if accept:
        others = SelfMatchRequest.objects.filter(
            mentee_entry_id=request.mentee_entry_id, status__in=SELF_REQUEST_OPEN
        ).exclude(pk=request.pk)
        others.update(
            status=SelfRequestStatus.WITHDRAWN,
            closed_reason=f"наставник {mentor_name} согласился на другой запрос"[:300],
            updated_at=timezone.now(),
        )
    url = reverse("matching:selfmatch_choose", args=[request.mentee_entry_id])
    title = (
        f"Наставник {mentor_name} согласен: ждите подтверждения куратора"
        if accept
        else f"Наставник {mentor_name} отказался от запроса"
    )
    for person in _mentee_people(request):
        _notify(person, kind=KIND_ANSWER, title=title, text=comment, url=url)
    return request


@transaction.atomic
def request_confirm(
    *, actor, request: SelfMatchRequest, activate: bool = False, start_date: dt.date | None = None
) -> SelfMatchRequest:
    """The curator confirms an accepted request: the mentorship is created through the mentorships'
    services, as a run's approval does (source «самостоятельный выбор»). Confirming twice does nothing."""
    from nastavnik.mentorships.services import mentorship_create

    request = _request_qs().select_for_update(of=("self",)).get(pk=request.pk)
    window = request.window
    require(_can_manage(actor, window.organization), NO_CONFIRM_RIGHTS)
    if request.status == SelfRequestStatus.CONFIRMED:
        return request
    _require_open_year(window.organization, window.academic_year)
    if request.status != SelfRequestStatus.ACCEPTED:
        raise ValidationError("Подтвердить можно только запрос, на который наставник согласился.")
    mentor_entry = (
        MentorEntry.objects.select_for_update(of=("self",)).select_related("person").get(pk=request.mentor_entry_id)
    )
    if _free_places(mentor_entry, exclude_mentee=request.mentee_entry_id) <= 0:
        raise ValidationError(
            f"У наставника {mentor_entry.person.full_name} все места заняты ({mentor_entry.capacity}): "
            "подтвердить пару нельзя."
        )
    today = timezone.localdate()
    mentee, mentors, rules = _engine_pool(request.mentee_entry, today)
    mentor = next((m for m in mentors if m.id == mentor_entry.pk), None)
    if mentee is None or mentor is None:
        raise ValidationError(
            "Пару создать нельзя: наставляемый или наставник больше не в базе для подбора (статус, согласие или пара)."
        )
    reason = engine.eligibility(mentee, mentor, rules)
    if reason is not None:
        raise ValidationError(f"Пару создать нельзя: {engine.REASON_TEXTS.get(reason, reason)}.")
    if activate and start_date is None:
        start_date = today
    if start_date is not None and not window.academic_year.contains(start_date):
        year = window.academic_year
        raise ValidationError(
            f"Дата начала — в пределах учебного года: с {date_ru(year.start_date)} по {date_ru(year.end_date)}."
        )
    mentorship = mentorship_create(
        actor=actor,
        organization=window.organization,
        academic_year=window.academic_year,
        form=window.form,
        mentor_entry=mentor_entry,
        mentee_entries=[request.mentee_entry],
        start_date=start_date,
        activate=activate,
        source="self",
        source_ref=f"selfmatch:{request.pk}",
    )
    request.status = SelfRequestStatus.CONFIRMED
    request.confirmed_at, request.confirmed_by = timezone.now(), actor
    request.mentorship_id = mentorship.pk
    request.save(update_fields=["status", "confirmed_at", "confirmed_by", "mentorship_id", "updated_at"])
    for person in _mentee_people(request):
        _notify(
            person,
            kind=KIND_ANSWER,
            title=f"Пара создана: ваш наставник — {mentor_entry.person.full_name}",
            url=reverse("mentorships:detail", args=[mentorship.pk]),
        )
    return request


@transaction.atomic
def request_reject(*, actor, request: SelfMatchRequest, reason: str) -> SelfMatchRequest:
    """The curator does not confirm a pair the mentor accepted (a conflict the curator knows of, the
    mentor's load…): the request closes with the reason, the mentee and the mentor are told, and the
    mentee may ask other mentors. Rejecting twice does nothing."""
    request = _request_qs().select_for_update(of=("self",)).get(pk=request.pk)
    window = request.window
    require(_can_manage(actor, window.organization), NO_CONFIRM_RIGHTS)
    if request.status == SelfRequestStatus.REJECTED:
        return request
    _require_open_year(window.organization, window.academic_year)
    if request.status != SelfRequestStatus.ACCEPTED:
        raise ValidationError("Отклонить можно только запрос, на который наставник согласился и который ждёт куратора.")
    reason = normalize_spaces(reason or "")
    if not reason:
        raise ValidationError({"reason": "Напишите, почему пара не подтверждена: это увидят наставляемый и наставник."})
    request.status = SelfRequestStatus.REJECTED
    request.closed_reason = f"куратор: {reason}"[:300]
    request.save(update_fields=["status", "closed_reason", "updated_at"])
    mentor = request.mentor_entry.person
    title = f"Куратор не подтвердил пару с наставником {mentor.full_name}"
    url = reverse("matching:selfmatch_choose", args=[request.mentee_entry_id])
    for person in _mentee_people(request):
        _notify(person, kind=KIND_ANSWER, title=title, text=f"{reason} Можно выбрать другого наставника.", url=url)
    _notify(
        mentor, kind=KIND_REQUEST, text=reason, url=reverse("matching:selfmatch_incoming"),
        title=f"Куратор не подтвердил пару с наставляемым {request.mentee_entry.person.full_name}",
    )  # fmt: skip
    return request


def _expire(request: SelfMatchRequest) -> None:
    SelfMatchRequest.objects.filter(pk=request.pk, status=SelfRequestStatus.PENDING).update(
        status=SelfRequestStatus.EXPIRED, closed_reason="наставник не ответил в срок", updated_at=timezone.now()
    )


def selfmatch_expire(today: dt.date | None = None) -> int:
    """Requests not answered by their date become «истёк» (the mentee is told). Idempotent: returns how
    many expired now. Called by the reminders sender (see apps.py) and usable from a shell or cron."""
    today = today or timezone.localdate()
    due = list(
        _request_qs()
        .filter(status=SelfRequestStatus.PENDING, expires_on__lt=today)
        .select_related("requested_by__person")
        .order_by("pk")
    )
    expired = 0
    for request in due:
        with transaction.atomic():
            changed = SelfMatchRequest.objects.filter(pk=request.pk, status=SelfRequestStatus.PENDING).update(
                status=SelfRequestStatus.EXPIRED, closed_reason="наставник не ответил в срок", updated_at=timezone.now()
            )
            if not changed:
                continue
            expired += 1
            url = reverse("matching:selfmatch_choose", args=[request.mentee_entry_id])
            for person in _mentee_people(request):
                _notify(
                    person,
                    kind=KIND_ANSWER,
                    title=f"Запрос наставнику {request.mentor_entry.person.full_name} истёк",
                    text="Наставник не ответил в срок: выберите другого наставника.",
                    url=url,
                )
    return expired


def collect_due(*, now: dt.datetime):
    """The reminders source: expire the overdue requests first, then remind each mentor of the requests
    waiting for an answer whose date is tomorrow or today (once per request)."""
    from nastavnik.notifications.reminders import Reminder

    today = timezone.localtime(now).date()
    selfmatch_expire(today)
    waiting = _request_qs().filter(
        status=SelfRequestStatus.PENDING, expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=1)
    )
    for request in waiting.order_by("pk").iterator(chunk_size=500):
        yield Reminder(
            person_id=request.mentor_entry.person_id,
            key=f"selfmatch:{request.pk}:{request.expires_on.isoformat()}",
            title=f"Запрос ждёт ответа: {request.mentee_entry.person.full_name}",
            text=f"Ответьте до {date_ru(request.expires_on)} включительно, иначе запрос истечёт.",
            url=reverse("matching:selfmatch_incoming"),
        )
