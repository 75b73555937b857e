"""Writes of the long-term mentor base (seed 000, roadmap 7.8) and of the requests for a mentor between
organisations (seed 004: the municipal and regional aggregated base).

Rules owned here:
- a mentor enters the base by `base_refresh` when a mentorship of theirs was completed well: status
  «завершена» (or ended early because the goal was reached), never one ended for a conflict, and the
  mean of the mentees' meeting ratings and pulses (1–10, nastavnik.feedback) is at least
  RATING_THRESHOLD — or, whatever the ratings, when the curator put their pool entry into the
  «долгосрочная база» status (the curator's mark); the person needs a valid consent to the processing
  of personal data, and a revoked consent takes them out;
- the refresh is idempotent (running it twice changes nothing) and never brings back a mentor the
  curator removed by hand; the curator adds and removes by hand with a reason;
- a base mentor is shown to other organisations only when the curator marked both «готов наставлять
  в других организациях» and the mentor's consent to be shown;
- a request: sent → accepted / declined / withdrawn; one open request per mentor, organisation and
  form; the requesting organisation's director or curator sends and withdraws it, the mentor's
  organisation's director or curator accepts or declines it (a decline needs a comment).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone

from nastavnik.core.text import date_ru, normalize_spaces, search_key
from nastavnik.orgs.models import Organization, Region
from nastavnik.people.access import access_for, require
from nastavnik.people.models import Person

from .models import BaseMentor, BaseOrigin, BaseStatus, MentorRequest, RequestStatus

RATING_THRESHOLD = Decimal("7")  # of 10: «хорошо» on the feedback app's scale
NO_RIGHTS = "Долгосрочную базу наставников ведут руководитель и куратор организации."
NO_REGION_RIGHTS = "Обновить базу региона могут координаторы региона и муниципалитета."
NO_REQUEST_RIGHTS = "Запросить наставника в другой организации могут руководитель и куратор организации."
NO_DECIDE_RIGHTS = "Ответить на запрос могут руководитель и куратор организации наставника."
NO_CONSENT = (
    "У {name} нет действующего согласия на обработку персональных данных: в долгосрочную базу его не "
    "включить. Сначала получите согласие."
)
LEFT_NO_CONSENT = "Нет действующего согласия на обработку персональных данных"


# --- rights ---------------------------------------------------------------------------------------------
def _scope(organization: Organization) -> dict:
    return {
        "org_id": organization.pk,
        "municipality_id": organization.municipality_id,
        "region_id": organization.municipality.region_id,
    }


def can_manage_base(user, organization: Organization) -> bool:
    """The director and the curator of the organisation (and the platform admin)."""
    return access_for(user).can_manage(**_scope(organization))


def can_refresh_org(user, organization: Organization) -> bool:
    """The organisation's director and curator, and the coordinators of its municipality and region."""
    access = access_for(user)
    return can_manage_base(user, organization) or access.covers_area(
        region_id=organization.municipality.region_id, municipality_id=organization.municipality_id
    )


def can_refresh_region(user, region: Region) -> bool:
    access = access_for(user)
    return access.is_admin or region.pk in access.region_ids


# --- building the base from the mentorships ----------------------------------------------------------------
@dataclass
class RefreshResult:
    added: int = 0
    updated: int = 0
    left: int = 0
    unchanged: int = 0

    @property
    def message(self) -> str:
        return (
            f"База обновлена: добавлено — {self.added}, обновлено — {self.updated}, "
            f"выбыло — {self.left}, без изменений — {self.unchanged}."
        )


def _good_mentorships(**filters):
    from nastavnik.mentorships.models import EndReason, Mentorship, MentorshipStatus

    good = Q(status=MentorshipStatus.COMPLETED) | Q(
        status=MentorshipStatus.ENDED_EARLY, end_reason=EndReason.GOAL_REACHED_EARLY
    )
    return Mentorship.objects.filter(good, **filters).exclude(end_reason=EndReason.CONFLICT)


def _stats(person_filter: dict) -> dict[int, dict]:
    """For the mentors selected by `person_filter` (lookups on the mentorship's mentor): completed
    mentorships, mentees, first year, forms and the mean of the mentees' ratings and pulses — a few
    aggregate queries, not a loop over rows."""
    from nastavnik.feedback.models import MeetingRating, Pulse
    from nastavnik.mentorships.models import MentorshipMentee

    good = _good_mentorships(**person_filter)
    stats: dict[int, dict] = {}
    for row in good.values("mentor_id").annotate(n=Count("pk"), since=Min("academic_year__start_year")):
        stats[row["mentor_id"]] = {
            "count": row["n"],
            "since": row["since"],
            "forms": set(),
            "mentees": 0,
            "sum": 0,
            "votes": 0,
        }
    for mentor_id, form_id in good.values_list("mentor_id", "form_id").distinct():
        stats[mentor_id]["forms"].add(form_id)
    mentees = (
        MentorshipMentee.objects.filter(mentorship__in=good.values("pk"))
        .values("mentorship__mentor_id")
        .annotate(n=Count("person_id", distinct=True))
    )
    for row in mentees:
        stats[row["mentorship__mentor_id"]]["mentees"] = row["n"]
    ratings = (
        MeetingRating.objects.filter(meeting__mentorship__in=good.values("pk"))
        .exclude(person_id=F("meeting__mentorship__mentor_id"))
        .values("meeting__mentorship__mentor_id")
        .annotate(total=Sum("rating"), n=Count("pk"))
    )
    for row in ratings:
        stats[row["meeting__mentorship__mentor_id"]]["sum"] += row["total"] or 0
        stats[row["meeting__mentorship__mentor_id"]]["votes"] += row["n"]
    pulses = (
        Pulse.objects.filter(mentorship__in=good.values("pk"))
        .exclude(person_id=F("mentorship__mentor_id"))
        .values("mentorship__mentor_id")
        .annotate(total=Sum("score"), n=Count("pk"))
    )
    for row in pulses:
        stats[row["mentorship__mentor_id"]]["sum"] += row["total"] or 0
        stats[row["mentorship__mentor_id"]]["votes"] += row["n"]
    for value in stats.values():
        value["rating"] = (
            (Decimal(value["sum"]) / value["votes"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if value["votes"]
            else None
        )
    return stats


def _pool_profile(person_ids) -> dict[int, dict]:
    """Competencies, topics and forms of the mentor pool entries (every year, newest first), and whether
    the curator marked an entry «долгосрочная база»."""
    from nastavnik.pools.models import MentorEntry, MentorStatus

    profiles: dict[int, dict] = {}
    entries = (
        MentorEntry.objects.filter(person_id__in=person_ids)
        .exclude(status=MentorStatus.DECLINED)
        .order_by("-academic_year__start_year", "-pk")
        .values("person_id", "competencies", "topics", "form_id", "status", "academic_year__start_year")
    )
    for row in entries:
        profile = profiles.setdefault(
            row["person_id"], {"competencies": "", "topics": [], "forms": set(), "long_term": None}
        )
        if not profile["competencies"] and row["competencies"]:
            profile["competencies"] = row["competencies"].strip()
        seen = {t.casefold() for t in profile["topics"]}
        for topic in row["topics"] or ():
            if topic.casefold() not in seen:
                profile["topics"].append(topic)
                seen.add(topic.casefold())
        if row["status"] == MentorStatus.LONG_TERM:
            profile["forms"].add(row["form_id"])
            year = row["academic_year__start_year"]
            profile["long_term"] = min(profile["long_term"] or year, year)
    return profiles


def _long_term_person_ids(**filters) -> set[int]:
    from nastavnik.pools.models import MentorEntry, MentorStatus

    return set(MentorEntry.objects.filter(status=MentorStatus.LONG_TERM, **filters).values_list("person_id", flat=True))


def _with_consent(person_ids) -> set[int]:
    from nastavnik.consents.selectors import valid_consent_q

    return set(Person.objects.filter(valid_consent_q(), pk__in=person_ids).values_list("pk", flat=True))


def _key(mentor: BaseMentor, form_names: list[str]) -> str:
    person = mentor.person
    return search_key(
        person.full_name, person.position, person.subject, mentor.competencies, " ".join(mentor.topics), *form_names
    )[:2000]


def _apply(mentor: BaseMentor, person: Person, stat: dict | None, profile: dict | None, forms_by_id: dict) -> bool:
    """Copy the computed values onto the base mentor; True when anything changed."""
    stat = stat or {"count": 0, "since": None, "forms": set(), "mentees": 0, "rating": None}
    profile = profile or {"competencies": "", "topics": [], "forms": set(), "long_term": None}
    years = [y for y in (stat["since"], profile["long_term"], mentor.since_year) if y]
    organization = person.organization
    values = {
        "organization_id": organization.pk,
        "municipality_id": organization.municipality_id,
        "region_id": organization.municipality.region_id,
        "since_year": min(years) if years else timezone.localdate().year,
        "completed_count": stat["count"],
        "mentee_count": stat["mentees"],
        "mean_rating": stat["rating"],
        "competencies": profile["competencies"] or mentor.competencies,
        "topics": profile["topics"] or mentor.topics,
    }
    form_ids = set(stat["forms"]) | set(profile["forms"])
    if mentor.pk:
        form_ids |= set(mentor.forms.values_list("pk", flat=True))
    changed = not mentor.pk or any(getattr(mentor, k) != v for k, v in values.items())
    for field_name, value in values.items():
        setattr(mentor, field_name, value)
    mentor.person = person
    new_key = _key(mentor, sorted(forms_by_id[f] for f in form_ids if f in forms_by_id))
    changed = changed or mentor.search_key != new_key
    mentor.search_key = new_key
    if changed:
        mentor.refreshed_at = timezone.now()
        mentor.save()
    if set(mentor.forms.values_list("pk", flat=True)) != form_ids:
        mentor.forms.set(form_ids)
        changed = True
    return changed


@transaction.atomic
def base_refresh(
    *, actor=None, organization: Organization | None = None, region: Region | None = None
) -> RefreshResult:
    """Build the long-term base of an organisation or of a whole region from the completed mentorships
    and the pools' «долгосрочная база» marks. Idempotent. `actor` None is the system (the demo)."""
    from nastavnik.programs.models import MentoringForm

    if (organization is None) == (region is None):
        raise ValueError("base_refresh: укажите организацию или регион")
    if actor is not None:
        if organization is not None:
            require(can_refresh_org(actor, organization), NO_RIGHTS)
        else:
            require(can_refresh_region(actor, region), NO_REGION_RIGHTS)
    if organization is not None:
        person_filter = {"mentor__organization": organization}
        scope = {"organization": organization}
        pool_filter = {"person__organization": organization}
    else:
        person_filter = {"mentor__region": region, "mentor__organization__isnull": False}
        scope = {"region": region}
        pool_filter = {"person__region": region, "person__organization__isnull": False}
    stats = _stats(person_filter)
    qualified = {pid for pid, s in stats.items() if s["rating"] is None or s["rating"] >= RATING_THRESHOLD}
    qualified |= _long_term_person_ids(**pool_filter)
    existing = {m.person_id: m for m in BaseMentor.objects.filter(**scope).select_related("person")}
    consenting = _with_consent(qualified | set(existing))
    people = {
        p.pk: p
        for p in Person.objects.filter(pk__in=qualified | set(existing), organization__isnull=False).select_related(
            "organization__municipality"
        )
    }
    # a person who moved to another organisation keeps the one record: found outside the scope too
    for moved in BaseMentor.objects.filter(person_id__in=qualified - set(existing)).select_related("person"):
        existing[moved.person_id] = moved
    profiles = _pool_profile(set(people))
    forms_by_id = dict(MentoringForm.objects.values_list("pk", "name"))
    result = RefreshResult()
    for person_id in sorted(set(people)):
        person = people[person_id]
        mentor = existing.get(person_id)
        if person_id not in consenting:
            if mentor is not None and mentor.status == BaseStatus.ACTIVE:
                _leave(mentor, LEFT_NO_CONSENT, actor=actor)
                result.left += 1
            continue
        if mentor is not None and mentor.status == BaseStatus.LEFT:
            result.unchanged += 1  # removed by hand or left: only the curator brings them back
            continue
        if mentor is None:
            if person_id not in qualified:
                continue
            mentor = BaseMentor(origin=BaseOrigin.AUTO, reason="По итогам завершённого наставничества")
            _apply(mentor, person, stats.get(person_id), profiles.get(person_id), forms_by_id)
            result.added += 1
        elif _apply(mentor, person, stats.get(person_id), profiles.get(person_id), forms_by_id):
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def _leave(mentor: BaseMentor, reason: str, *, actor=None) -> None:
    mentor.status = BaseStatus.LEFT
    mentor.reason = reason[:500]
    mentor.available_elsewhere = False
    mentor.show_consent_at = None
    mentor.changed_by = actor
    mentor.save()
    for request in mentor.requests.filter(status=RequestStatus.SENT):
        request.status = RequestStatus.DECLINED
        request.decision_comment = f"Наставник выбыл из долгосрочной базы: {reason}"
        request.decided_at = timezone.now()
        request.decided_by = actor
        request.save()


# --- the curator's hand --------------------------------------------------------------------------------------
@transaction.atomic
def base_add(*, actor, organization: Organization, person: Person, reason: str, note: str = "") -> BaseMentor:
    """Add a mentor of the organisation to the long-term base by hand (or bring back one who left)."""
    from nastavnik.consents.selectors import has_valid_consent
    from nastavnik.programs.models import MentoringForm

    require(can_manage_base(actor, organization), NO_RIGHTS)
    reason = normalize_spaces(reason)
    if person.organization_id != organization.pk:
        raise ValidationError({"person": "В долгосрочную базу организации включают её участников."})
    if not reason:
        raise ValidationError({"reason": "Укажите, почему наставник включается в базу."})
    if not has_valid_consent(person):
        raise ValidationError({"person": NO_CONSENT.format(name=person.full_name)})
    mentor = BaseMentor.objects.select_for_update().filter(person=person).first()
    if mentor is not None and mentor.status == BaseStatus.ACTIVE:
        raise ValidationError({"person": f"{person.full_name} уже в долгосрочной базе наставников."})
    mentor = mentor or BaseMentor()
    mentor.status = BaseStatus.ACTIVE
    mentor.origin = BaseOrigin.MANUAL
    mentor.reason = reason[:500]
    mentor.note = (note or "").strip() or mentor.note
    mentor.changed_by = actor
    stats = _stats({"mentor": person})
    _apply(
        mentor, person, stats.get(person.pk), _pool_profile([person.pk]).get(person.pk),
        dict(MentoringForm.objects.values_list("pk", "name")),
    )  # fmt: skip
    mentor.save()
    return mentor


@transaction.atomic
def base_remove(*, actor, mentor: BaseMentor, reason: str) -> BaseMentor:
    require(can_manage_base(actor, mentor.organization), NO_RIGHTS)
    reason = normalize_spaces(reason)
    if not reason:
        raise ValidationError({"reason": "Укажите, почему наставник выбывает из базы."})
    if mentor.status == BaseStatus.LEFT:
        raise ValidationError("Наставник уже выбыл из базы.")
    _leave(mentor, reason, actor=actor)
    return mentor


@transaction.atomic
def base_update(
    *, actor, mentor: BaseMentor, note: str = "", available_elsewhere: bool = False, consent_confirmed: bool = False
) -> BaseMentor:
    """The curator's note and the «готов наставлять в других организациях» flag: shown to other
    organisations only with the mentor's consent to be shown, which the curator confirms."""
    require(can_manage_base(actor, mentor.organization), NO_RIGHTS)
    if mentor.status != BaseStatus.ACTIVE:
        raise ValidationError("Наставник выбыл из базы: сначала верните его в базу.")
    mentor.note = (note or "").strip()
    if available_elsewhere and (mentor.person.category == "pupil" or mentor.person.is_minor):
        raise ValidationError({"available_elsewhere": "Наставнику нет 18 лет: другим организациям его не показывают."})
    if available_elsewhere:
        if mentor.show_consent_at is None and not consent_confirmed:
            raise ValidationError(
                {
                    "consent_confirmed": "Отметьте, что наставник согласен, чтобы его ФИО, должность, формы и "
                    "компетенции видели кураторы других организаций региона."
                }
            )
        mentor.show_consent_at = mentor.show_consent_at or timezone.now()
    else:
        mentor.show_consent_at = None
    mentor.available_elsewhere = bool(available_elsewhere)
    mentor.changed_by = actor
    mentor.save(update_fields=["note", "available_elsewhere", "show_consent_at", "changed_by", "updated_at"])
    return mentor


def _notify(people, *, kind: str, title: str, text: str, request: MentorRequest) -> None:
    from django.urls import reverse

    from nastavnik.notifications import services as notifications

    url = reverse("mentorbase:request_detail", args=[request.pk])
    for person in people:
        notifications.notify(person=person, kind=kind, title=title, text=text, url=url)


def _managers(organization: Organization) -> list[Person]:
    from nastavnik.people.models import Role, RoleKind

    ids = Role.objects.filter(organization=organization, kind__in=[RoleKind.CURATOR, RoleKind.DIRECTOR]).values(
        "person_id"
    )
    return list(Person.objects.filter(pk__in=ids).order_by("pk"))


def _form_of_program(form, organization: Organization, today: dt.date) -> bool:
    """A request names a form of the asking organisation's program of the year (any form while it has no
    program with forms yet: the curator may be preparing it)."""
    from nastavnik.orgs.services import academic_year_current
    from nastavnik.programs.selectors import enabled_forms

    forms = enabled_forms(organization=organization, academic_year=academic_year_current(today=today))
    return not forms.exists() or forms.filter(pk=form.pk).exists()


# --- requests between organisations -----------------------------------------------------------------------------
@transaction.atomic
def request_send(
    *,
    actor,
    mentor: BaseMentor,
    from_organization: Organization,
    form,
    need: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    comment: str = "",
    today: dt.date | None = None,
) -> MentorRequest:
    today = today or timezone.localdate()
    require(can_manage_base(actor, from_organization), NO_REQUEST_RIGHTS)
    if mentor.organization_id == from_organization.pk:
        raise ValidationError("Это наставник вашей организации: запрос не нужен.")
    if not mentor.is_shown_elsewhere or mentor.region_id != from_organization.municipality.region_id:
        raise ValidationError("Наставник сейчас не принимает запросы из других организаций.")
    need = (need or "").strip()
    errors = {}
    if form is None:
        errors["form"] = "Выберите форму наставничества."
    elif not _form_of_program(form, from_organization, today):
        errors["form"] = f"Форма «{form.name}» не входит в программу наставничества вашей организации."
    elif form.mentor_categories and mentor.person.category not in form.mentor_categories:
        errors["form"] = (
            f"В форме «{form.name}» наставником не может быть {mentor.person.get_category_display().lower()}."
        )
    if not need:
        errors["need"] = "Опишите, какой наставник и для чего нужен."
    if period_start is None:
        errors["period_start"] = "Укажите, с какого числа нужен наставник."
    if period_end is None:
        errors["period_end"] = "Укажите, до какого числа нужен наставник."
    if period_start and period_end:
        if period_end < period_start:
            errors["period_end"] = "Окончание периода не может быть раньше его начала."
        elif period_end < today:
            errors["period_end"] = f"Период уже закончился: окончание должно быть не раньше {date_ru(today)}."
    if errors:
        raise ValidationError(errors)
    duplicate = MentorRequest.objects.filter(
        mentor=mentor, from_organization=from_organization, form=form, status=RequestStatus.SENT
    ).exists()
    message = f"Запрос на наставника {mentor.person.full_name} в форме «{form.name}» уже отправлен и ждёт ответа."
    if duplicate:
        raise ValidationError(message)
    request = MentorRequest(
        mentor=mentor,
        from_organization=from_organization,
        to_organization=mentor.organization,
        region=mentor.region,
        form=form,
        need=need,
        period_start=period_start,
        period_end=period_end,
        comment=(comment or "").strip(),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as error:
        raise ValidationError(message) from error
    from .apps import KIND_REQUEST

    _notify(
        _managers(mentor.organization), kind=KIND_REQUEST, request=request,
        title=f"{from_organization.short_name} просит наставника: {mentor.person.full_name}",
        text=f"Форма «{form.name}», {date_ru(period_start)} — {date_ru(period_end)}. {need}",
    )  # fmt: skip
    return request


@transaction.atomic
def request_withdraw(*, actor, request: MentorRequest) -> MentorRequest:
    require(can_manage_base(actor, request.from_organization), NO_REQUEST_RIGHTS)
    if request.status != RequestStatus.SENT:
        raise ValidationError(f"Запрос уже {request.get_status_display().lower()}: отозвать его нельзя.")
    request.status = RequestStatus.WITHDRAWN
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.save()
    return request


@transaction.atomic
def request_decide(*, actor, request: MentorRequest, accept: bool, comment: str = "") -> MentorRequest:
    require(can_manage_base(actor, request.to_organization), NO_DECIDE_RIGHTS)
    request = MentorRequest.objects.select_for_update().select_related("mentor").get(pk=request.pk)
    if request.status != RequestStatus.SENT:
        raise ValidationError(f"Запрос уже {request.get_status_display().lower()}: решение принято.")
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": "Напишите, почему запрос отклонён: коллеге это поможет."})
    if accept and request.mentor.status != BaseStatus.ACTIVE:
        raise ValidationError("Наставник выбыл из долгосрочной базы: принять запрос нельзя.")
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.decision_comment = comment
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.save()
    from .apps import KIND_ANSWER

    requester = getattr(request.created_by, "person", None) if request.created_by_id else None
    if requester is not None:
        answer = "принят: контакты наставника открыты" if accept else "отклонён"
        _notify(
            [requester], kind=KIND_ANSWER, request=request,
            title=f"Запрос наставника № {request.pk} {answer}",
            text=f"{request.to_organization.short_name}, наставник {request.mentor.person.full_name}."
            + (f" Комментарий: {comment}" if comment else ""),
        )  # fmt: skip
    return request


@transaction.atomic
def request_to_pool(*, actor, request: MentorRequest, today: dt.date | None = None):
    """After the acceptance the requesting curator puts the lent mentor into their own base of mentors of
    the request's form for the academic year of the period (the year containing today, or the period's
    start when it is later), already approved; from there the mentor is paired as any other (by hand,
    by a matching run). Idempotent: a second call returns the same entry."""
    from nastavnik.orgs.services import academic_year_current
    from nastavnik.pools import services as pools

    today = today or timezone.localdate()
    require(can_manage_base(actor, request.from_organization), NO_REQUEST_RIGHTS)
    request = MentorRequest.objects.select_for_update().select_related("mentor__person").get(pk=request.pk)
    if request.status != RequestStatus.ACCEPTED:
        raise ValidationError("В свою базу наставника вносят после того, как запрос принят.")
    if request.period_end < today:
        raise ValidationError(f"Период запроса закончился {date_ru(request.period_end)}: отправьте новый запрос.")
    academic_year = academic_year_current(today=max(today, request.period_start))
    mentor = request.mentor
    entry, _created = pools.mentor_add_outside(
        actor=actor,
        organization=request.from_organization,
        academic_year=academic_year,
        person=mentor.person,
        form=request.form,
        source_note=f"{request.to_organization.short_name}: запрос № {request.pk} принят "
        f"{timezone.localtime(request.decided_at):%d.%m.%Y}",
        competencies=mentor.competencies,
        topics=mentor.topics,
    )
    if request.pool_entry_id != entry.pk:
        request.pool_entry = entry
        request.save(update_fields=["pool_entry", "updated_at"])
    return entry


# --- audited reads -------------------------------------------------------------------------------------------
def log_export(*, actor, region: Region, rows: int, what: str = "mentorbase") -> None:
    """Every export of personal data is in the audit log (DESIGN.md, 152-ФЗ)."""
    LogEntry.objects.log_create(
        region,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        changes={"export": [what, f"{rows} записей"]},
        additional_data={"export": what, "rows": rows},
    )


def log_contacts_read(*, actor, request: MentorRequest) -> None:
    """The requesting curator opened the contacts of a mentor of another organisation."""
    LogEntry.objects.log_create(
        request.mentor,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        changes={"contacts": ["mentor_request", str(request.pk)]},
        additional_data={"person_id": request.mentor.person_id, "mentor_request": request.pk},
    )
