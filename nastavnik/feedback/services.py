"""Writes of feedback and care of the relationship (issue 7, item 5).

Rules owned here:
- the mentor drafts the commitment agreement; each mentee — or the guardian of a minor mentee —
  accepts it (who and when); a changed text is a new edition that is accepted again;
- «Подходим ли мы друг другу?» is asked after the trial meeting, once per side (the mentor, each
  mentee; a guardian may answer for a minor); a «нет» from either side opens a re-match offer for
  the curator (and notifies the curators), who keeps the pair or decides to re-match;
- a meeting that has begun and was not cancelled is rated 1–10 by the mentor and the mentees, one
  rating per person per meeting: a second submission changes the first;
- the pulse is due on day 30 of the mentorship and then every 60 days; one answer per person and
  pulse, a second submission changes it;
- any mentee, guardian of a mentee or the mentor of a pair may raise a safety concern; it goes to
  the organisation's curator (and director) only, is logged, and the curator acknowledges and
  closes it with a note;
- staff read the feedback but do not submit it for the participants; nothing is written into an
  ended pair or a closed year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nastavnik.core.text import normalize_spaces
from nastavnik.mentorships import selectors as mentorship_selectors
from nastavnik.mentorships import services as mentorship_services
from nastavnik.mentorships.models import Meeting, MeetingKind, MeetingStatus, Mentorship
from nastavnik.notifications import services as notifications
from nastavnik.orgs.models import Organization
from nastavnik.people.access import access_for, require
from nastavnik.people.models import Person, Role, RoleKind

from .models import (
    PULSE_EVERY_DAYS,
    PULSE_FIRST_DAY,
    RATING_MAX,
    RATING_MIN,
    Agreement,
    AgreementAcceptance,
    AlertSettings,
    FinalFeedback,
    FinalRole,
    FitCheck,
    FlagStatus,
    MeetingRating,
    Pulse,
    RematchOffer,
    RematchStatus,
    SafetyFlag,
)

NOT_PARTICIPANT = "Это могут сделать только участники этой наставнической пары (группы)."
NOT_MENTOR = "Соглашение составляет наставник пары."
NOT_MANAGER = "Это решает куратор (или руководитель) организации."
CLOSED = "Пара завершена или учебный год закрыт: обратная связь только для просмотра."
RATING_RANGE = f"Оценка — целое число от {RATING_MIN} до {RATING_MAX}."
FLAG_KIND = "safety_flag"
REMATCH_KIND = "rematch_offer"
FINAL_REQUEST_KIND = "final_feedback_request"


# --- who is who in a pair -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Side:
    person_id: int | None
    is_mentor: bool
    mentee_ids: frozenset[int]  # the pair's mentees the actor answers for: themselves, or their minor children
    own_mentee: bool  # the actor is a mentee of the pair
    closed: bool
    manage: bool

    @property
    def participant(self) -> bool:
        return self.is_mentor or bool(self.mentee_ids)

    def answers_for(self) -> list[int]:
        """The people on whose behalf the actor answers: themselves as mentor, the mentees above."""
        ids = [self.person_id] if self.is_mentor else []
        return ids + sorted(self.mentee_ids)


def side_of(actor, mentorship: Mentorship, *, today: dt.date | None = None) -> Side:
    today = today or timezone.localdate()
    rights = mentorship_selectors.rights_for(actor, mentorship)
    minors = set()
    if rights.guardian_of:
        minors = {
            p.pk
            for p in Person.objects.filter(pk__in=rights.guardian_of)
            if (age := p.age_on(today)) is None or age < 18
        }
    return Side(
        person_id=access_for(actor).person_id,
        is_mentor=rights.is_mentor,
        mentee_ids=frozenset(rights.mentee_person_ids | minors),
        own_mentee=rights.is_mentee,
        closed=rights.closed,
        manage=rights.manage,
    )


def _require_participant(side: Side) -> None:
    require(side.participant, NOT_PARTICIPANT)
    require(not side.closed, CLOSED)


def _pair_ids(mentorship: Mentorship) -> set[int]:
    return {mentorship.mentor_id} | {m.person_id for m in mentorship.members.all() if m.left_on is None}


def _guardian_ids(mentorship: Mentorship) -> set[int]:
    from nastavnik.people.models import GuardianLink

    children = [m.person_id for m in mentorship.members.all() if m.left_on is None]
    return set(GuardianLink.objects.filter(child_id__in=children).values_list("guardian_id", flat=True))


def _require_respondent(side: Side, mentorship: Mentorship, person: Person) -> bool:
    """The actor answers for the person: as themselves (or a guardian for a minor child), or — the
    curator or director — records the answer a participant gave on a paper form. True for the latter."""
    require(not side.closed, CLOSED)
    if person.pk in side.answers_for():
        return False
    require(side.manage and person.pk in _pair_ids(mentorship), NOT_PARTICIPANT)
    return True


def _person_for(actor) -> Person:
    person_id = access_for(actor).person_id
    require(person_id is not None, NOT_PARTICIPANT)
    return Person.objects.get(pk=person_id)


def _managers_of(organization: Organization) -> list[Person]:
    """Whom the curator's notifications go to: the curators, or the director when there is none."""
    people: dict[str, list[Person]] = {RoleKind.CURATOR: [], RoleKind.DIRECTOR: []}
    roles = Role.objects.filter(organization=organization, kind__in=list(people)).select_related("person")
    for role in roles.order_by("pk"):
        people[role.kind].append(role.person)
    return people[RoleKind.CURATOR] or people[RoleKind.DIRECTOR]


def _notify_managers(organization: Organization, *, kind: str, title: str, text: str, url: str) -> None:
    for person in _managers_of(organization):
        notifications.notify(person=person, kind=kind, title=title, text=text, url=url)


def _clean_rating(value, field: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: RATING_RANGE}) from None
    if str(value).strip() != str(number) or not RATING_MIN <= number <= RATING_MAX:
        raise ValidationError({field: RATING_RANGE})
    return number


# --- the commitment agreement -------------------------------------------------------------------------------
@transaction.atomic
def agreement_save(*, actor, mentorship: Mentorship, goals: str, meeting_frequency: str, contacts: str) -> Agreement:
    side = side_of(actor, mentorship)
    require(side.is_mentor or side.manage, NOT_MENTOR)  # the curator may enter one signed on paper
    require(not side.closed, CLOSED)
    goals, contacts = (goals or "").strip(), (contacts or "").strip()
    meeting_frequency = normalize_spaces(meeting_frequency)
    errors = {}
    if not goals:
        errors["goals"] = "Опишите цели совместной работы."
    if not meeting_frequency:
        errors["meeting_frequency"] = "Договоритесь, как часто встречаетесь: например, «раз в неделю, по средам»."
    if not contacts:
        errors["contacts"] = "Укажите, как связаться друг с другом: телефон, мессенджер, почта, время."
    if errors:
        raise ValidationError(errors)
    agreement = Agreement.objects.select_for_update().filter(mentorship=mentorship).first()
    if agreement is None:
        return Agreement.objects.create(
            mentorship=mentorship,
            goals=goals,
            meeting_frequency=meeting_frequency[:300],
            contacts=contacts,
            drafted_by_id=side.person_id if side.is_mentor else mentorship.mentor_id,
        )
    if (agreement.goals, agreement.meeting_frequency, agreement.contacts) == (goals, meeting_frequency, contacts):
        return agreement  # the same form again: nothing changes
    if agreement.acceptances.filter(version=agreement.version).exists():
        agreement.version += 1  # accepted text changed: a new edition, accepted again
    agreement.goals, agreement.meeting_frequency, agreement.contacts = goals, meeting_frequency[:300], contacts
    agreement.drafted_by_id = side.person_id if side.is_mentor else mentorship.mentor_id
    agreement.save()
    return agreement


@transaction.atomic
def agreement_accept(*, actor, mentorship: Mentorship, mentee: Person, now: dt.datetime | None = None):
    side = side_of(actor, mentorship)
    require(not side.closed, CLOSED)
    from_paper = mentee.pk not in side.mentee_ids
    in_pair = mentee.pk in _pair_ids(mentorship) and mentee.pk != mentorship.mentor_id
    require(
        not from_paper or (side.manage and in_pair),
        "Соглашение принимает сам наставляемый или законный представитель несовершеннолетнего.",
    )
    agreement = Agreement.objects.filter(mentorship=mentorship).first()
    if agreement is None:
        raise ValidationError("Наставник ещё не составил соглашение.")
    acceptance = AgreementAcceptance.objects.filter(agreement=agreement, mentee=mentee).first()
    if acceptance and acceptance.version == agreement.version:
        return acceptance  # accepted already: no second row
    acceptance = acceptance or AgreementAcceptance(agreement=agreement, mentee=mentee)
    acceptance.accepted_by_id = mentee.pk if from_paper else side.person_id  # a paper copy: the mentee signed it
    acceptance.user = actor
    acceptance.version = agreement.version
    acceptance.accepted_at = now or timezone.now()
    acceptance.save()
    return acceptance


# --- the fit check after the trial meeting ------------------------------------------------------------------
def trial_meeting_passed(mentorship: Mentorship, now: dt.datetime | None = None) -> bool:
    return (
        Meeting.objects.filter(mentorship=mentorship, kind=MeetingKind.TRIAL, starts_at__lte=now or timezone.now())
        .exclude(status=MeetingStatus.CANCELLED)
        .exists()
    )


@transaction.atomic
def fit_check_answer(
    *, actor, mentorship: Mentorship, person: Person, fits: bool, comment: str = "", now: dt.datetime | None = None
) -> FitCheck:
    side = side_of(actor, mentorship)
    from_paper = _require_respondent(side, mentorship, person)
    if not trial_meeting_passed(mentorship, now):
        raise ValidationError("Вопрос «Подходим ли мы друг другу?» задаётся после пробной встречи.")
    if not isinstance(fits, bool):
        raise ValidationError({"fits": "Ответьте «да» или «нет»."})
    comment = (comment or "").strip()
    if not fits and not comment:
        raise ValidationError({"comment": "Расскажите куратору, что не так: это увидит только куратор."})
    check = FitCheck.objects.select_for_update().filter(mentorship=mentorship, person=person).first()
    if check is None:
        check = FitCheck(mentorship=mentorship, person=person)
    check.answered_by_id = person.pk if from_paper else side.person_id
    check.recorded_by, check.fits, check.comment = actor, fits, comment
    check.save()
    if not fits and not RematchOffer.objects.filter(fit_check=check).exists():
        RematchOffer.objects.create(mentorship=mentorship, fit_check=check)
        _notify_managers(
            mentorship.organization,
            kind=REMATCH_KIND,
            title="«Не подходим друг другу»: пара ждёт решения",
            text=f"Наставник {mentorship.mentor.short_name}, «{mentorship.form.name}». Откройте пару и решите, "
            "сохранить её или подобрать другую.",
            url=reverse("feedback:alerts", args=[mentorship.organization_id, mentorship.academic_year.start_year]),
        )
    elif fits:
        RematchOffer.objects.filter(fit_check=check, status=RematchStatus.OPEN).update(
            status=RematchStatus.KEPT, note="Участник изменил ответ на «да».", decided_at=timezone.now()
        )
    return check


@transaction.atomic
def rematch_decide(*, actor, offer: RematchOffer, keep: bool, note: str = "") -> RematchOffer:
    require(mentorship_services.can_manage(actor, offer.mentorship), NOT_MANAGER)
    if offer.status != RematchStatus.OPEN:
        raise ValidationError(f"Решение уже принято: {offer.get_status_display().lower()}.")
    offer.status = RematchStatus.KEPT if keep else RematchStatus.REMATCH
    offer.note, offer.decided_by, offer.decided_at = (note or "").strip(), actor, timezone.now()
    offer.save()
    return offer


# --- ratings of meetings ------------------------------------------------------------------------------------
@transaction.atomic
def meeting_rate(
    *, actor, meeting: Meeting, rating, comment: str = "", person: Person | None = None, now: dt.datetime | None = None
):
    """Returns (rating, created): a second submission changes the person's rating. `person` — the
    curator records a rating a participant gave on a paper form."""
    mentorship = meeting.mentorship
    side = side_of(actor, mentorship)
    require(not side.closed, CLOSED)
    if person is None or person.pk == side.person_id:
        person_id = side.person_id
        require(
            side.is_mentor or side.own_mentee,
            "Встречу оценивают наставник и наставляемые этой пары (группы).",
        )
    else:
        require(side.manage and person.pk in _pair_ids(mentorship), NOT_PARTICIPANT)
        person_id = person.pk
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("Встреча отменена: оценивать нечего.")
    if meeting.starts_at > (now or timezone.now()):
        raise ValidationError("Встречу оценивают после того, как она состоялась.")
    value = _clean_rating(rating, "rating")
    row, created = MeetingRating.objects.update_or_create(
        meeting=meeting,
        person_id=person_id,
        defaults={"rating": value, "comment": (comment or "").strip(), "recorded_by": actor},
    )
    return row, created


# --- the pulse ----------------------------------------------------------------------------------------------
def pulse_schedule(start: dt.date, until: dt.date) -> list[tuple[int, dt.date]]:
    """(number, due date) of every pulse due by `until`: day 30, then every 60 days."""
    result, number = [], 1
    due = start + dt.timedelta(days=PULSE_FIRST_DAY)
    while due <= until:
        result.append((number, due))
        number += 1
        due += dt.timedelta(days=PULSE_EVERY_DAYS)
    return result


def pulse_due(mentorship: Mentorship, today: dt.date | None = None) -> tuple[int, dt.date] | None:
    """The pulse open now (the latest due one), or None before day 30."""
    if mentorship.start_date is None:
        return None
    schedule = pulse_schedule(mentorship.start_date, today or timezone.localdate())
    return schedule[-1] if schedule else None


@transaction.atomic
def pulse_answer(
    *, actor, mentorship: Mentorship, person: Person, score, comment: str = "", today: dt.date | None = None
) -> Pulse:
    side = side_of(actor, mentorship, today=today)
    from_paper = _require_respondent(side, mentorship, person)
    due = pulse_due(mentorship, today)
    if due is None:
        raise ValidationError("Первый опрос о качестве отношений — на 30-й день работы пары.")
    number, due_date = due
    value = _clean_rating(score, "score")
    pulse, _created = Pulse.objects.update_or_create(
        mentorship=mentorship,
        person=person,
        number=number,
        defaults={
            "due_date": due_date,
            "score": value,
            "comment": (comment or "").strip(),
            "answered_by_id": person.pk if from_paper else side.person_id,
            "recorded_by": actor,
        },
    )
    return pulse


# --- the curator's thresholds -------------------------------------------------------------------------------
@transaction.atomic
def alert_settings_save(
    *, actor, organization: Organization, low_rating: int, missed_in_a_row: int, inactive_days: int
) -> AlertSettings:
    require(mentorship_services.can_manage_org(actor, organization), NOT_MANAGER)
    errors = {}
    checks = (
        ("low_rating", low_rating, 1, 9, "Порог низкой оценки — от 1 до 9."),
        ("missed_in_a_row", missed_in_a_row, 1, 10, "Пропущенных встреч подряд — от 1 до 10."),
        ("inactive_days", inactive_days, 7, 365, "Дней без активности — от 7 до 365."),
    )
    values = {}
    for field, value, low, high, message in checks:
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value is None or not low <= value <= high:
            errors[field] = message
        values[field] = value
    if errors:
        raise ValidationError(errors)
    row, _created = AlertSettings.objects.update_or_create(organization=organization, defaults=values)
    return row


# --- safety flags -------------------------------------------------------------------------------------------
def can_handle_flags(user, organization: Organization) -> bool:
    """The organisation's curator and director (and the platform admin); not the working group, not
    coordinators, never the other side of the pair."""
    return mentorship_services.can_manage_org(user, organization)


@transaction.atomic
def flag_raise(*, actor, mentorship: Mentorship, text: str, person: Person | None = None) -> SafetyFlag:
    """`person` — the curator records a concern a participant told them about (by phone, in person)."""
    rights = mentorship_selectors.rights_for(actor, mentorship)
    if person is None:
        require(
            rights.participant,
            "Сообщить куратору о проблеме может наставник, наставляемый или его законный представитель.",
        )
        person = _person_for(actor)
    else:
        guardians_ok = person.pk in _guardian_ids(mentorship)
        require(rights.manage and (person.pk in _pair_ids(mentorship) or guardians_ok), NOT_PARTICIPANT)
    text = (text or "").strip()
    if len(text) < 5:
        raise ValidationError({"text": "Опишите, что вас беспокоит: это прочитает только куратор."})
    same = SafetyFlag.objects.filter(mentorship=mentorship, raised_by=person, text=text).exclude(
        status=FlagStatus.CLOSED
    )
    if same.exists():
        return same.first()  # the same form sent twice
    flag = SafetyFlag.objects.create(mentorship=mentorship, raised_by=person, raised_by_user=actor, text=text)
    _notify_managers(
        mentorship.organization,
        kind=FLAG_KIND,
        title="Новое сообщение о безопасности",
        text="Участник наставнической пары сообщил о проблеме. Откройте сообщение и примите его в работу.",
        url=reverse("feedback:flag_detail", args=[flag.pk]),
    )
    return flag


def _require_flag_handler(actor, flag: SafetyFlag) -> None:
    if not can_handle_flags(actor, flag.mentorship.organization):
        raise PermissionDenied("Сообщения о безопасности рассматривают куратор и руководитель организации.")


@transaction.atomic
def flag_acknowledge(*, actor, flag: SafetyFlag, now: dt.datetime | None = None) -> SafetyFlag:
    _require_flag_handler(actor, flag)
    if flag.status != FlagStatus.OPEN:
        return flag
    flag.status, flag.acknowledged_by, flag.acknowledged_at = FlagStatus.ACKNOWLEDGED, actor, now or timezone.now()
    flag.save()
    return flag


@transaction.atomic
def flag_close(*, actor, flag: SafetyFlag, note: str, now: dt.datetime | None = None) -> SafetyFlag:
    _require_flag_handler(actor, flag)
    if flag.status == FlagStatus.CLOSED:
        raise ValidationError("Сообщение уже закрыто.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Запишите, что сделано: без этого сообщение не закрывается."})
    now = now or timezone.now()
    if flag.acknowledged_at is None:
        flag.acknowledged_by, flag.acknowledged_at = actor, now
    flag.status, flag.closed_by, flag.closed_at, flag.closing_note = FlagStatus.CLOSED, actor, now, note
    flag.save()
    return flag


# --- the final feedback of a planned ending (issue 7.5) -----------------------------------------------------
FINAL_NOT_OPEN = "Итоговую обратную связь собирают, когда куратор запланировал завершение пары."
FINAL_YEAR_CLOSED = "Учебный год закрыт: итоговая обратная связь только для просмотра."


def final_feedback_open(mentorship: Mentorship) -> bool:
    """The ending is planned (the pair is active with a planned end), or the pair was completed by its
    plan (the planned fields stay on a pair completed that way; an ending «at once» clears them)."""
    return bool(mentorship.planned_end_date) and mentorship.status != "proposed"


def final_respondents(mentorship: Mentorship) -> list[tuple[Person, str]]:
    """Who is asked: the mentor and each mentee who was in the pair at its end (or still is)."""
    people = [(mentorship.mentor, FinalRole.MENTOR)]
    for member in mentorship.members.all():
        stayed = member.left_on is None or (mentorship.end_date and member.left_on >= mentorship.end_date)
        if stayed:
            people.append((member.person, FinalRole.MENTEE))
    return people


def _final_recipients(mentorship: Mentorship, today: dt.date) -> list[Person]:
    """The respondents and the guardians of minor mentees (who may answer for the child)."""
    from nastavnik.people.models import GuardianLink

    people = {p.pk: p for p, _role in final_respondents(mentorship)}
    minors = [
        p.pk
        for p, role in final_respondents(mentorship)
        if role == FinalRole.MENTEE and (age := p.age_on(today)) is not None and age < 18
    ]
    for link in GuardianLink.objects.filter(child_id__in=minors).select_related("guardian"):
        people.setdefault(link.guardian_id, link.guardian)
    return list(people.values())


def final_feedback_ask(*, mentorship: Mentorship, meeting: Meeting) -> int:
    """Ask both sides for the final feedback (a notification to each; the form is on the pair's page
    and in the cabinets). Returns how many were asked."""
    start = timezone.localtime(meeting.starts_at)
    recipients = _final_recipients(mentorship, timezone.localdate())
    for person in recipients:
        notifications.notify(
            person=person,
            kind=FINAL_REQUEST_KIND,
            title="Пара завершается: поделитесь итогами",
            text=f"Итоговая встреча — {start:%d.%m.%Y} в {start:%H:%M}. Ответьте на несколько вопросов: насколько "
            "достигнута цель, что было полезно, что улучшить. Ответ видит куратор.",
            url=reverse("feedback:final", args=[mentorship.pk]),
        )
    return len(recipients)


def _yes_no(value, field: str, message: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in ("yes", "да", "1", "true"):
        return True
    if text in ("no", "нет", "0", "false"):
        return False
    raise ValidationError({field: message})


@transaction.atomic
def final_feedback_answer(
    *,
    actor,
    mentorship: Mentorship,
    person: Person,
    goal_reached,
    wants_continue,
    most_useful: str = "",
    to_improve: str = "",
    wants_to_mentor=None,
    comment: str = "",
) -> tuple[FinalFeedback, bool]:
    """One answer per person and mentorship: the mentor and each mentee for themselves, a guardian for a
    minor child, the curator from a paper form. A second submission changes the answer (no second row).
    Returns (answer, created)."""
    mentorship.refresh_from_db(fields=["status", "planned_end_date", "planned_end_reason", "end_date"])
    side = side_of(actor, mentorship)
    respondents = {p.pk: role for p, role in final_respondents(mentorship)}
    if person.pk in side.answers_for() and person.pk in respondents:
        from_paper = False
    else:
        require(side.manage and person.pk in respondents, NOT_PARTICIPANT)
        from_paper = True
    require(
        not mentorship_services.year_is_closed(mentorship.organization, mentorship.academic_year), FINAL_YEAR_CLOSED
    )
    if not final_feedback_open(mentorship):
        raise ValidationError(FINAL_NOT_OPEN)
    role = respondents[person.pk]
    values = {
        "role": role,
        "goal_reached": _clean_rating(goal_reached, "goal_reached"),
        "wants_continue": _yes_no(wants_continue, "wants_continue", "Ответьте «да» или «нет»."),
        "most_useful": (most_useful or "").strip()[:3000],
        "to_improve": (to_improve or "").strip()[:3000],
        "comment": (comment or "").strip()[:3000],
        "wants_to_mentor": None,
        "answered_by_id": person.pk if from_paper else side.person_id,
        "recorded_by": actor,
    }
    if role == FinalRole.MENTEE:
        values["wants_to_mentor"] = _yes_no(
            wants_to_mentor, "wants_to_mentor", "Ответьте, хотите ли вы сами стать наставником: «да» или «нет»."
        )
    row = FinalFeedback.objects.select_for_update().filter(mentorship=mentorship, person=person).first()
    created = row is None
    if created:
        row = FinalFeedback(mentorship=mentorship, person=person)
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row, created
