"""The feedback app's notification kinds: the reminder «пора ответить на пульс» (collected by the
notifications sender) and two kinds sent to the curator when something happens."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from nastavnik.core.text import date_ru
from nastavnik.notifications.reminders import CURATOR, PARTICIPANTS, Reminder, register, register_event_kind

PULSE_DUE = "pulse_due"
FINAL_FEEDBACK_DUE = "final_feedback_due"
FINAL_REMIND_AFTER = dt.timedelta(days=3)  # the final feedback not given three days after the final meeting
FINAL_REMIND_WINDOW = dt.timedelta(days=30)  # older endings are the curator's business, not a reminder
ANSWER_WINDOW = dt.timedelta(days=14)  # remind while the pulse is fresh, not months later


def collect_pulses(*, now: dt.datetime):
    """The mentor and every mentee of an active mentorship whose latest pulse (day 30, 90, 150…) came
    due within the last 14 days and who has not answered it; for a minor mentee without an account,
    the guardians (who may answer for the child)."""
    from nastavnik.mentorships.models import Mentorship, MentorshipMentee, MentorshipStatus
    from nastavnik.people.models import GuardianLink

    from .models import Pulse
    from .services import pulse_due

    today = timezone.localtime(now).date()
    mentorships = list(
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE, start_date__isnull=False, start_date__lte=today)
    )
    due = {m.pk: d for m in mentorships if (d := pulse_due(m, today)) and today - d[1] <= ANSWER_WINDOW}
    if not due:
        return
    members = {}
    for row in MentorshipMentee.objects.filter(mentorship_id__in=due, left_on__isnull=True).select_related("person"):
        members.setdefault(row.mentorship_id, []).append(row.person)
    answered = set(Pulse.objects.filter(mentorship_id__in=due).values_list("mentorship_id", "person_id", "number"))
    child_ids = [p.pk for people in members.values() for p in people if p.user_id is None]
    guardians = {}
    for link in GuardianLink.objects.filter(child_id__in=child_ids).values("child_id", "guardian_id"):
        guardians.setdefault(link["child_id"], []).append(link["guardian_id"])
    for mentorship in mentorships:
        if mentorship.pk not in due:
            continue
        number, due_date = due[mentorship.pk]
        url = reverse("feedback:pulse", args=[mentorship.pk])
        respondents = [(mentorship.mentor_id, [mentorship.mentor_id])]
        for person in members.get(mentorship.pk, []):
            minor = (age := person.age_on(today)) is not None and age < 18
            extra = guardians.get(person.pk, []) if minor and person.user_id is None else []
            respondents.append((person.pk, [person.pk, *extra]))
        for about, recipients in respondents:
            if (mentorship.pk, about, number) in answered:
                continue
            for person_id in recipients:
                yield Reminder(
                    person_id=person_id,
                    key=f"pulse:{mentorship.pk}:{about}:{number}",
                    title="Пора ответить на пульс: как идут дела в паре?",
                    text=f"Короткий опрос о качестве отношений в паре (с {date_ru(due_date)}): "
                    "одна оценка от 1 до 10 и, если хотите, комментарий. Ответ видит только куратор.",
                    url=url,
                )


def collect_final_feedback(*, now: dt.datetime):
    """The final meeting of a planned ending (not cancelled) ended three days ago or more (within 30
    days): everyone asked who has not answered the final feedback is reminded once — the mentor, each
    mentee and, for a minor mentee without an account, the guardians."""
    from nastavnik.mentorships.models import Meeting, MeetingKind, MeetingStatus, MentorshipMentee
    from nastavnik.people.models import GuardianLink

    from .models import FinalFeedback

    today = timezone.localtime(now).date()
    meetings = list(
        Meeting.objects.filter(
            kind=MeetingKind.FINAL,
            status__in=[MeetingStatus.PLANNED, MeetingStatus.HELD],
            ends_at__lte=now - FINAL_REMIND_AFTER,
            ends_at__gt=now - FINAL_REMIND_WINDOW,
            mentorship__planned_end_date__isnull=False,
            mentorship__status__in=["active", "completed", "ended_early"],
        )
        .select_related("mentorship")
        .order_by("mentorship_id", "-starts_at")
    )
    latest = {}
    for meeting in meetings:
        latest.setdefault(meeting.mentorship_id, meeting)
    if not latest:
        return
    members = {}
    for row in MentorshipMentee.objects.filter(mentorship_id__in=latest).select_related("person", "mentorship"):
        m = row.mentorship
        if row.left_on is None or (m.end_date and row.left_on >= m.end_date):
            members.setdefault(row.mentorship_id, []).append(row.person)
    answered = set(FinalFeedback.objects.filter(mentorship_id__in=latest).values_list("mentorship_id", "person_id"))
    child_ids = [p.pk for people in members.values() for p in people if p.user_id is None]
    guardians = {}
    for link in GuardianLink.objects.filter(child_id__in=child_ids).values("child_id", "guardian_id"):
        guardians.setdefault(link["child_id"], []).append(link["guardian_id"])
    for mentorship_id, meeting in latest.items():
        mentorship = meeting.mentorship
        url = reverse("feedback:final", args=[mentorship_id])
        respondents = [(mentorship.mentor_id, [mentorship.mentor_id])]
        for person in members.get(mentorship_id, []):
            minor = (age := person.age_on(today)) is not None and age < 18
            extra = guardians.get(person.pk, []) if minor and person.user_id is None else []
            respondents.append((person.pk, [person.pk, *extra]))
        held = date_ru(timezone.localtime(meeting.starts_at).date())
        for about, recipients in respondents:
            if (mentorship_id, about) in answered:
                continue
            for person_id in recipients:
                yield Reminder(
                    person_id=person_id,
                    key=f"final_feedback:{mentorship_id}:{about}",
                    title="Поделитесь итогами работы пары",
                    text=f"Итоговая встреча была {held}. Ответьте на несколько вопросов итоговой обратной связи: "
                    "насколько достигнута цель, что было полезно, что улучшить. Ответ видит куратор.",
                    url=url,
                )


def register_sources() -> None:
    register(PULSE_DUE, "Пора ответить на пульс", collect_pulses, audience=PARTICIPANTS)
    register(FINAL_FEEDBACK_DUE, "Итоговая обратная связь ждёт ответа", collect_final_feedback, audience=PARTICIPANTS)
    register_event_kind("final_feedback_request", "Завершение пары: итоговая обратная связь", audience=PARTICIPANTS)
    register_event_kind("safety_flag", "Сообщение о безопасности (для куратора)", audience={CURATOR})
    register_event_kind("rematch_offer", "«Не подходим друг другу» (для куратора)", audience={CURATOR})
