"""Reminder sources read from the mentorships app through plain queries on its models (nothing in
mentorships changes): «встреча завтра», «просрочен пункт плана», «встреча не подтверждена».

Who is reminded: the mentor and the mentees of an active mentorship who have not left it, and —
for a meeting tomorrow — the guardians of minor mentees too (they see the child's meetings).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from nastavnik.core.text import date_ru

from .reminders import MENTEE, MENTOR, PARTICIPANTS, Reminder, register

MEETING_TOMORROW = "meeting_tomorrow"
PLAN_ITEM_OVERDUE = "plan_item_overdue"
MEETING_UNCONFIRMED = "meeting_unconfirmed"
UNCONFIRMED_AFTER = dt.timedelta(days=2)
UNCONFIRMED_LOOKBACK = dt.timedelta(days=30)  # older meetings are the curator's business, not a reminder
OVERDUE_LOOKBACK = dt.timedelta(days=60)


def url_or_blank(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def mentorship_url(mentorship_id: int) -> str:
    return url_or_blank("mentorships:detail", mentorship_id)


def meeting_url(meeting) -> str:
    return url_or_blank("mentorships:meeting_detail", meeting.pk) or mentorship_url(meeting.mentorship_id)


def _members(mentorship_ids) -> dict[int, list]:
    from nastavnik.mentorships.models import MentorshipMentee

    members = defaultdict(list)
    rows = MentorshipMentee.objects.filter(mentorship_id__in=mentorship_ids, left_on__isnull=True).select_related(
        "person"
    )
    for row in rows:
        members[row.mentorship_id].append(row.person)
    return members


def _guardians(children, today: dt.date) -> dict[int, list[int]]:
    from nastavnik.people.models import GuardianLink

    minors = [c.pk for c in children if (age := c.age_on(today)) is not None and age < 18]
    result = defaultdict(list)
    for link in GuardianLink.objects.filter(child_id__in=minors).values("child_id", "guardian_id"):
        result[link["child_id"]].append(link["guardian_id"])
    return result


def _when(meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    return f"{date_ru(start.date())}, {start:%H:%M}"


def _where(meeting) -> str:
    if meeting.format == "remote":
        return f"дистанционно{': ' + meeting.link if meeting.link else ''}"
    return meeting.place or "очно"


def collect_meetings_tomorrow(*, now: dt.datetime):
    from nastavnik.mentorships.models import Meeting, MeetingStatus, MentorshipStatus

    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    end = start + dt.timedelta(days=1)
    meetings = list(
        Meeting.objects.filter(
            status=MeetingStatus.PLANNED,
            mentorship__status=MentorshipStatus.ACTIVE,
            starts_at__gte=start,
            starts_at__lt=end,
        ).select_related("mentorship__mentor")
    )
    members = _members({m.mentorship_id for m in meetings})
    guardians = _guardians([p for people in members.values() for p in people], timezone.localtime(now).date())
    for meeting in meetings:
        mentees = members.get(meeting.mentorship_id, [])
        people = {meeting.mentorship.mentor_id}
        people |= {p.pk for p in mentees}
        people |= {g for p in mentees for g in guardians.get(p.pk, [])}
        names = ", ".join(p.short_name for p in mentees)
        text = f"{meeting.get_kind_display()} встреча: {_when(meeting)}, {_where(meeting)}."
        if names:
            text += f" Наставник — {meeting.mentorship.mentor.short_name}; наставляемые — {names}."
        for person_id in sorted(people):
            yield Reminder(
                person_id=person_id,
                key=f"meeting:{meeting.pk}:{timezone.localtime(meeting.starts_at):%Y-%m-%dT%H:%M}",
                title=f"Завтра встреча: {meeting.topic}",
                text=text,
                url=meeting_url(meeting),
            )


def collect_overdue_plan_items(*, now: dt.datetime):
    """Items of the plan in force (approved) or being drafted, not done or cancelled, past their deadline."""
    from nastavnik.mentorships.models import MentorshipStatus, PlanItem, PlanItemStatus, PlanStatus

    today = timezone.localtime(now).date()
    items = list(
        PlanItem.objects.filter(
            plan__mentorship__status=MentorshipStatus.ACTIVE,
            plan__status__in=[PlanStatus.APPROVED, PlanStatus.DRAFT, PlanStatus.SUBMITTED],
            status__in=[PlanItemStatus.PLANNED, PlanItemStatus.IN_PROGRESS],
            deadline__lt=today,
            deadline__gte=today - OVERDUE_LOOKBACK,
        ).select_related("plan__mentorship")
    )
    # One reminder per item text: a draft version copies the approved items, remind about the row once.
    seen = set()
    members = _members({i.plan.mentorship_id for i in items})
    for item in sorted(items, key=lambda i: (i.plan.status != PlanStatus.APPROVED, i.pk)):
        mentorship = item.plan.mentorship
        row = (mentorship.pk, item.position, item.competency, item.deadline)
        if row in seen:
            continue
        seen.add(row)
        people = {mentorship.mentor_id} | {p.pk for p in members.get(mentorship.pk, [])}
        for person_id in sorted(people):
            yield Reminder(
                person_id=person_id,
                key=f"plan_item:{mentorship.pk}:{item.position}:{item.deadline.isoformat()}",
                title=f"Просрочен пункт плана: {item.competency[:120]}",
                text=f"Срок был {date_ru(item.deadline)}. Содержание: {item.activity[:300]}. "
                "Отметьте выполнение или договоритесь о новом сроке.",
                url=url_or_blank("mentorships:plan", mentorship.pk) or mentorship_url(mentorship.pk),
            )


def collect_unconfirmed_meetings(*, now: dt.datetime):
    """A meeting that ended two days ago or earlier (within the last 30 days), not cancelled, which a
    mentee of the pair has not confirmed: the mentee is reminded."""
    from nastavnik.mentorships.models import Meeting, MeetingConfirmation, MeetingStatus, MentorshipStatus

    meetings = list(
        Meeting.objects.filter(
            mentorship__status__in=[MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED],
            status__in=[MeetingStatus.PLANNED, MeetingStatus.HELD],
            ends_at__lte=now - UNCONFIRMED_AFTER,
            ends_at__gt=now - UNCONFIRMED_LOOKBACK,
        )
    )
    confirmed = set(
        MeetingConfirmation.objects.filter(meeting__in=[m.pk for m in meetings]).values_list("meeting_id", "person_id")
    )
    members = _members({m.mentorship_id for m in meetings})
    for meeting in meetings:
        for person in members.get(meeting.mentorship_id, []):
            if (meeting.pk, person.pk) in confirmed:
                continue
            yield Reminder(
                person_id=person.pk,
                key=f"meeting:{meeting.pk}",
                title=f"Подтвердите встречу: {meeting.topic}",
                text=f"Встреча {_when(meeting)} прошла? Подтвердите её — это ваша подпись в журнале наставника.",
                url=meeting_url(meeting),
            )


def register_sources() -> None:
    register(MEETING_TOMORROW, "Встреча завтра", collect_meetings_tomorrow, audience=PARTICIPANTS)
    register(PLAN_ITEM_OVERDUE, "Просрочен пункт плана", collect_overdue_plan_items, audience={MENTOR, MENTEE})
    register(MEETING_UNCONFIRMED, "Встреча не подтверждена", collect_unconfirmed_meetings, audience={MENTEE})
