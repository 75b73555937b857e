"""Reads of feedback and care of the relationship.

A mentorship is found through `mentorships.selectors` (its staff, coordinators, its mentor,
mentees and their guardians; anyone else gets a 404). Participants see only what they submitted
themselves; the staff of the organisation see the pair's feedback; safety flags are seen by the
person who raised them and by the organisation's curator and director only.

`alerts_for` is what the curator's home page shows: a fixed number of SQL queries for the whole
organisation and year, whatever the number of pairs and meetings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from nastavnik.core.text import date_ru
from nastavnik.mentorships import selectors as mentorship_selectors
from nastavnik.mentorships.models import (
    JournalEntry,
    Meeting,
    MeetingConfirmation,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
)
from nastavnik.orgs.models import AcademicYear, Organization
from nastavnik.people.access import access_for, require

from . import services
from .models import (
    Agreement,
    AgreementAcceptance,
    AlertSettings,
    FitCheck,
    FlagStatus,
    MeetingRating,
    Pulse,
    RematchOffer,
    RematchStatus,
    SafetyFlag,
)

LOW_RATING_WINDOW = dt.timedelta(days=30)
LOW_PULSE_WINDOW = dt.timedelta(days=60)
MISSED_AFTER = dt.timedelta(days=2)  # a meeting not confirmed two days after it ended counts as missed


def mentorship_for(*, actor, pk: int) -> Mentorship:
    return mentorship_selectors.mentorship_get_for(actor=actor, pk=pk)


def meeting_for(*, actor, pk: int) -> Meeting:
    return mentorship_selectors.meeting_get_for(actor=actor, pk=pk)


def sees_all_feedback(actor, mentorship: Mentorship) -> bool:
    """Staff of the organisation and coordinators of its area (not the participants)."""
    access = access_for(actor)
    return access.is_admin or Mentorship.objects.filter(access.scoped_q(), pk=mentorship.pk).exists()


def settings_for(organization: Organization) -> AlertSettings:
    return AlertSettings.objects.filter(organization=organization).first() or AlertSettings(organization=organization)


# --- the care page of one mentorship ------------------------------------------------------------------------
@dataclass
class MeetingRow:
    meeting: Meeting
    my_rating: MeetingRating | None
    ratings: list[MeetingRating]  # everyone's (staff) or own (participants)
    can_rate: bool


@dataclass
class AcceptanceRow:
    mentee: object
    acceptance: AgreementAcceptance | None
    current: bool
    can_accept: bool


@dataclass
class Care:
    mentorship: Mentorship
    side: services.Side
    staff: bool
    agreement: Agreement | None
    acceptances: list
    trial_passed: bool
    fit_checks: list[FitCheck]  # visible ones
    fit_todo: list  # people the actor still answers the fit check for
    meetings: list[MeetingRow]
    pulse_due: tuple[int, dt.date] | None
    pulses: list[Pulse]
    pulse_todo: list
    flags: list[SafetyFlag]  # the actor's own flags (participants) or all (curator)
    rematch_offers: list[RematchOffer] = field(default_factory=list)
    handles_flags: bool = False


def care_for(*, actor, mentorship: Mentorship, now: dt.datetime | None = None) -> Care:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    side = services.side_of(actor, mentorship, today=today)
    staff = sees_all_feedback(actor, mentorship)
    handles = services.can_handle_flags(actor, mentorship.organization)
    members = list(mentorship.members.all())
    people = {m.person_id: m.person for m in members} | {mentorship.mentor_id: mentorship.mentor}
    own_ids = set(side.answers_for())

    agreement = Agreement.objects.filter(mentorship=mentorship).prefetch_related("acceptances").first()
    acceptances = []
    if agreement is not None:
        by_mentee = {a.mentee_id: a for a in agreement.acceptances.all()}
        for member in members:
            if member.left_on is not None:
                continue
            acc = by_mentee.get(member.person_id)
            current = bool(acc and acc.version == agreement.version)
            acceptances.append(
                AcceptanceRow(
                    mentee=member.person,
                    acceptance=acc,
                    current=current,
                    can_accept=not current and member.person_id in side.mentee_ids and not side.closed,
                )
            )

    fit_all = list(FitCheck.objects.filter(mentorship=mentorship).select_related("person", "answered_by"))
    fit_checks = fit_all if staff else [f for f in fit_all if f.person_id in own_ids]
    answered_fit = {f.person_id for f in fit_all}
    trial = services.trial_meeting_passed(mentorship, now)
    fit_todo = [people[p] for p in side.answers_for() if p not in answered_fit and p in people] if trial else []

    meetings = list(
        Meeting.objects.filter(mentorship=mentorship, starts_at__lte=now)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at", "-id")[:20]
    )
    ratings = defaultdict(list)
    for rating in MeetingRating.objects.filter(meeting__in=meetings).select_related("person"):
        ratings[rating.meeting_id].append(rating)
    rows = []
    rater = (side.is_mentor or side.own_mentee) and not side.closed
    for meeting in meetings:
        all_ratings = ratings.get(meeting.pk, [])
        mine = next((r for r in all_ratings if r.person_id == side.person_id), None)
        rows.append(
            MeetingRow(
                meeting=meeting,
                my_rating=mine,
                ratings=all_ratings if staff else [r for r in all_ratings if r.person_id == side.person_id],
                can_rate=rater,
            )
        )

    due = services.pulse_due(mentorship, today)
    pulses_all = list(Pulse.objects.filter(mentorship=mentorship).select_related("person").order_by("-number", "id"))
    pulses = pulses_all if staff else [p for p in pulses_all if p.person_id in own_ids]
    pulse_todo = []
    if due and not side.closed:
        done = {p.person_id for p in pulses_all if p.number == due[0]}
        pulse_todo = [people[p] for p in side.answers_for() if p not in done and p in people]

    flags_qs = SafetyFlag.objects.filter(mentorship=mentorship).select_related("raised_by")
    if handles:
        flags = list(flags_qs)
    elif side.person_id:
        flags = list(flags_qs.filter(raised_by_id=side.person_id))
    else:
        flags = []
    offers = (
        list(RematchOffer.objects.filter(mentorship=mentorship).select_related("fit_check__person")) if staff else []
    )
    return Care(
        mentorship=mentorship,
        side=side,
        staff=staff,
        agreement=agreement,
        acceptances=acceptances,
        trial_passed=trial,
        fit_checks=fit_checks,
        fit_todo=fit_todo,
        meetings=rows,
        pulse_due=due,
        pulses=pulses,
        pulse_todo=pulse_todo,
        flags=flags,
        rematch_offers=offers,
        handles_flags=handles,
    )


# --- what a participant has to do ---------------------------------------------------------------------------
@dataclass
class Todo:
    mentorship: Mentorship
    items: list[str]


def my_mentorships(*, actor) -> QuerySet[Mentorship]:
    """The mentorships the actor takes part in (as mentor, mentee or guardian of a mentee)."""
    from nastavnik.mentorships.selectors import _participant_q

    access = access_for(actor)
    return (
        Mentorship.objects.filter(_participant_q(access))
        .exclude(status=MentorshipStatus.PROPOSED)
        .select_related("mentor", "form", "organization", "academic_year")
        .order_by("-status", "mentor__last_name", "pk")
    )


# --- safety flags and re-match offers -----------------------------------------------------------------------
def flag_get_for(*, actor, pk: int) -> SafetyFlag:
    """Found for the staff of the pair's organisation and the coordinators of its area (who may open
    it only if they are its curator or director — otherwise a 403, see `can_open_flag`) and for the
    person who raised it; anyone else — the other side of the pair too — gets a 404."""
    access = access_for(actor)
    qs = SafetyFlag.objects.select_related(
        "mentorship__organization", "mentorship__academic_year", "mentorship__mentor", "mentorship__form", "raised_by"
    )
    if access.is_admin:
        return get_object_or_404(qs, pk=pk)
    q = Q(mentorship__in=Mentorship.objects.filter(access.scoped_q()).values("pk"))
    if access.person_id:
        q |= Q(raised_by_id=access.person_id)
    return get_object_or_404(qs.filter(q), pk=pk)


def can_open_flag(actor, flag: SafetyFlag) -> bool:
    return services.can_handle_flags(actor, flag.mentorship.organization) or (
        access_for(actor).person_id == flag.raised_by_id
    )


def flags_for(*, actor, organization: Organization, academic_year: AcademicYear) -> QuerySet[SafetyFlag]:
    require(
        services.can_handle_flags(actor, organization),
        "Сообщения о безопасности видят куратор и руководитель организации.",
    )
    return (
        SafetyFlag.objects.filter(mentorship__organization=organization, mentorship__academic_year=academic_year)
        .select_related("mentorship__mentor", "mentorship__form", "raised_by")
        .order_by("status", "-created_at")
    )


def rematch_get_for(*, actor, pk: int) -> RematchOffer:
    access = access_for(actor)
    qs = RematchOffer.objects.select_related("mentorship__organization", "fit_check__person")
    return get_object_or_404(qs.filter(mentorship__in=Mentorship.objects.filter(access.scoped_q())), pk=pk)


# --- the curator's alerts -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Alert:
    kind: str  # low_rating | low_pulse | missed | inactive | rematch | flag
    level: str  # danger | warning
    title: str
    text: str
    url: str
    date: dt.date
    mentorship_id: int | None = None


def _care_url(mentorship_id: int) -> str:
    return reverse("feedback:mentorship", args=[mentorship_id])


def alerts_for(
    *, actor, organization: Organization, academic_year: AcademicYear, now: dt.datetime | None = None
) -> list[Alert]:
    """Alerts for the staff of an organisation: low ratings and pulses, meetings missed in a row,
    pairs without activity, open re-match offers and (for the curator and director) open safety
    flags. Thresholds: AlertSettings of the organisation."""
    access = access_for(actor)
    staff_q = access.scoped_q()
    if (
        not access.is_admin
        and not Organization.objects.filter(pk=organization.pk).filter(access.organization_q()).exists()
    ):
        return []
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    limits = settings_for(organization)
    active = Mentorship.objects.filter(
        staff_q, organization=organization, academic_year=academic_year, status=MentorshipStatus.ACTIVE
    )
    alerts: list[Alert] = []

    for r in (
        MeetingRating.objects.filter(
            meeting__mentorship__in=active.values("pk"),
            rating__lte=limits.low_rating,
            meeting__starts_at__gte=now - LOW_RATING_WINDOW,
        )
        .select_related("meeting__mentorship__mentor", "person")
        .order_by("-meeting__starts_at")
    ):
        meeting = r.meeting
        comment = f": «{r.comment[:140]}»" if r.comment else ""
        alerts.append(
            Alert(
                kind="low_rating",
                level="danger",
                title=f"Низкая оценка встречи: {r.rating} из 10",
                text=f"{r.person.short_name} — встреча «{meeting.topic}» "
                f"{date_ru(timezone.localtime(meeting.starts_at).date())}{comment}. "
                f"Наставник: {meeting.mentorship.mentor.short_name}.",
                url=_care_url(meeting.mentorship_id),
                date=timezone.localtime(meeting.starts_at).date(),
                mentorship_id=meeting.mentorship_id,
            )
        )

    for p in (
        Pulse.objects.filter(
            mentorship__in=active.values("pk"), score__lte=limits.low_rating, created_at__gte=now - LOW_PULSE_WINDOW
        )
        .select_related("mentorship__mentor", "person")
        .order_by("-created_at")
    ):
        alerts.append(
            Alert(
                kind="low_pulse",
                level="danger",
                title=f"Пульс отношений: {p.score} из 10",
                text=f"{p.person.short_name}, опрос № {p.number}. Наставник: {p.mentorship.mentor.short_name}.",
                url=_care_url(p.mentorship_id),
                date=timezone.localtime(p.created_at).date(),
                mentorship_id=p.mentorship_id,
            )
        )

    # meetings missed in a row: the latest past meetings of each pair, cancelled or not confirmed
    mentorships = list(
        active.select_related("mentor").annotate(
            last_meeting=Max(
                "meetings__starts_at",
                filter=Q(meetings__starts_at__lte=now) & ~Q(meetings__status=MeetingStatus.CANCELLED),
            ),
            last_journal=Subquery(
                JournalEntry.objects.filter(mentorship=OuterRef("pk")).order_by("-date").values("date")[:1]
            ),
        )
    )
    past = (
        Meeting.objects.filter(mentorship__in=[m.pk for m in mentorships], ends_at__lte=now - MISSED_AFTER)
        .annotate(confirmed=Exists(MeetingConfirmation.objects.filter(meeting=OuterRef("pk"))))
        .order_by("mentorship_id", "-starts_at")
        .values("mentorship_id", "status", "confirmed", "starts_at")
    )
    latest = defaultdict(list)
    for row in past:
        if len(latest[row["mentorship_id"]]) < limits.missed_in_a_row:
            latest[row["mentorship_id"]].append(row)
    for m in mentorships:
        rows = latest.get(m.pk, [])
        missed = [
            r
            for r in rows
            if r["status"] == MeetingStatus.CANCELLED or not (r["confirmed"] or r["status"] == MeetingStatus.HELD)
        ]
        if rows and len(rows) == limits.missed_in_a_row and len(missed) == len(rows):
            alerts.append(
                Alert(
                    kind="missed",
                    level="warning",
                    title=f"Пропущено встреч подряд: {len(rows)}",
                    text=f"Наставник {m.mentor.short_name}: последние встречи отменены или не подтверждены "
                    "наставляемыми.",
                    url=_care_url(m.pk),
                    date=timezone.localtime(rows[0]["starts_at"]).date(),
                    mentorship_id=m.pk,
                )
            )
        dates = [d for d in (m.start_date, m.last_journal) if d]
        if m.last_meeting:
            dates.append(timezone.localtime(m.last_meeting).date())
        last = max(dates) if dates else None
        if last and (today - last).days >= limits.inactive_days:
            alerts.append(
                Alert(
                    kind="inactive",
                    level="warning",
                    title=f"Нет активности {(today - last).days} дн.",
                    text=f"Наставник {m.mentor.short_name}: ни встреч, ни записей в журнале с {date_ru(last)}.",
                    url=_care_url(m.pk),
                    date=last,
                    mentorship_id=m.pk,
                )
            )

    for offer in RematchOffer.objects.filter(
        mentorship__in=Mentorship.objects.filter(staff_q, organization=organization, academic_year=academic_year),
        status=RematchStatus.OPEN,
    ).select_related("mentorship__mentor", "fit_check__person"):
        alerts.append(
            Alert(
                kind="rematch",
                level="danger",
                title="«Не подходим друг другу»: нужно решение",
                text=f"{offer.fit_check.person.short_name} ответил(а) «нет» после пробной встречи. "
                f"Наставник: {offer.mentorship.mentor.short_name}.",
                url=_care_url(offer.mentorship_id),
                date=timezone.localtime(offer.created_at).date(),
                mentorship_id=offer.mentorship_id,
            )
        )

    if services.can_handle_flags(actor, organization):
        for flag in SafetyFlag.objects.filter(
            mentorship__organization=organization,
            mentorship__academic_year=academic_year,
            status__in=[FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED],
        ):
            alerts.append(
                Alert(
                    kind="flag",
                    level="danger",
                    title="Сообщение о безопасности"
                    + (" — новое" if flag.status == FlagStatus.OPEN else " — в работе"),
                    text="Участник пары сообщил о проблеме. Откройте и примите меры.",
                    url=reverse("feedback:flag_detail", args=[flag.pk]),
                    date=timezone.localtime(flag.created_at).date(),
                    mentorship_id=None,
                )
            )
    order = {"flag": 0, "rematch": 1, "low_rating": 2, "low_pulse": 3, "missed": 4, "inactive": 5}
    alerts.sort(key=lambda a: (order[a.kind], -a.date.toordinal()))
    return alerts


# --- the final feedback of a planned ending (issue 7.5) -----------------------------------------------------
@dataclass
class FinalRow:
    person: object
    role: str
    answered: bool = False
    answer: object = None  # FinalFeedback, shown to the staff and to whoever answers for the person
    mine: bool = False  # the viewer answers for this person (themselves, a minor child)


@dataclass
class FinalBox:
    mentorship: Mentorship
    open: bool
    meeting: Meeting | None = None  # the final meeting (the latest not cancelled)
    rows: list = field(default_factory=list)
    sees_answers: bool = False
    can_answer: bool = False  # the viewer may fill in the form (for someone)
    manage: bool = False  # «завершить сейчас», «отменить завершение»

    @property
    def answered(self) -> int:
        return sum(1 for r in self.rows if r.answered)

    @property
    def pending_mine(self) -> list:
        return [r for r in self.rows if r.mine and not r.answered]


def final_feedback_for(*, actor, mentorship: Mentorship) -> FinalBox:
    """What the pair's page shows of a planned ending: the final meeting, who has answered the final
    feedback (everyone who sees the pair), the answers (the staff; a participant sees their own)."""
    from nastavnik.mentorships.models import MeetingKind

    from .models import FinalFeedback

    is_open = services.final_feedback_open(mentorship)
    box = FinalBox(mentorship=mentorship, open=is_open)
    if not is_open:
        return box
    side = services.side_of(actor, mentorship)
    closed_year = mentorship_selectors.services.year_is_closed(mentorship.organization, mentorship.academic_year)
    box.meeting = (
        Meeting.objects.filter(mentorship=mentorship, kind=MeetingKind.FINAL)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at")
        .first()
    )
    answers = {a.person_id: a for a in FinalFeedback.objects.filter(mentorship=mentorship)}
    box.sees_answers = sees_all_feedback(actor, mentorship)
    mine = set(side.answers_for())
    for person, role in services.final_respondents(mentorship):
        answer = answers.get(person.pk)
        shown = answer if (box.sees_answers or person.pk in mine) else None
        box.rows.append(
            FinalRow(person=person, role=role, answered=answer is not None, answer=shown, mine=person.pk in mine)
        )
    box.can_answer = not closed_year and (any(r.mine for r in box.rows) or side.manage)
    box.manage = side.manage and mentorship.status == MentorshipStatus.ACTIVE
    return box


@dataclass(frozen=True)
class FinalTodo:
    mentorship: Mentorship
    person: object  # whose answer is awaited
    role: str  # "mentor", "mentee" (the viewer's own) or "guardian" (for a minor child)


def final_feedback_todo(*, person_id: int | None, child_ids=frozenset(), now: dt.datetime | None = None) -> list:
    """The final feedback the person (or their minor children) still owes: pairs whose ending is planned or
    that were completed by their plan within the last 30 days. Three SQL queries, whatever the number."""

    from .models import FinalFeedback

    if not person_id:
        return []
    today = timezone.localdate(now)
    since = today - dt.timedelta(days=30)
    mentorships = list(
        Mentorship.objects.filter(
            pk__in=mentorship_selectors.mentorship_ids_of(person_id, child_ids), planned_end_date__isnull=False
        )
        .filter(Q(status=MentorshipStatus.ACTIVE) | Q(end_date__gte=since))
        .exclude(status=MentorshipStatus.PROPOSED)
        .select_related("mentor", "form")
        .prefetch_related(mentorship_selectors._members_prefetch())
        .order_by("planned_end_date", "pk")
    )
    if not mentorships:
        return []
    answered = set(FinalFeedback.objects.filter(mentorship__in=mentorships).values_list("mentorship_id", "person_id"))
    todo = []
    for m in mentorships:
        for person, role in services.final_respondents(m):
            if (m.pk, person.pk) in answered:
                continue
            if person.pk == person_id:
                todo.append(FinalTodo(mentorship=m, person=person, role=role))
            elif person.pk in child_ids and role == "mentee":
                age = person.age_on(today)
                if age is None or age < 18:
                    todo.append(FinalTodo(mentorship=m, person=person, role="guardian"))
    return todo


def final_feedback_summary(*, organization: Organization, academic_year: AcademicYear) -> dict:
    """For the satisfaction picture (monitoring may read it): the final feedback of the organisation's year
    by side — answers, the mean «цель достигнута» (1–10), how many want to continue and (mentees) to
    become mentors. One SQL aggregate whatever the number of pairs."""
    from django.db.models import Avg, Count

    from .models import FinalFeedback, FinalRole

    rows = (
        FinalFeedback.objects.filter(mentorship__organization=organization, mentorship__academic_year=academic_year)
        .values("role")
        .annotate(
            answers=Count("pk"),
            goal_mean=Avg("goal_reached"),
            want_continue=Count("pk", filter=Q(wants_continue=True)),
            want_to_mentor=Count("pk", filter=Q(wants_to_mentor=True)),
        )
        .order_by()
    )
    empty = {"answers": 0, "goal_mean": None, "want_continue": 0, "want_to_mentor": 0}
    result = {role: dict(empty) for role in FinalRole.values}
    for row in rows:
        role = row.pop("role")
        row["goal_mean"] = round(row["goal_mean"], 1) if row["goal_mean"] is not None else None
        result[role] = row
    return result
