"""The feedback app's notification kinds: the reminder «пора ответить на пульс» (collected by the
notifications sender) and two kinds sent to the curator when something happens."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from nastavnik.core.text import date_ru
from nastavnik.notifications.reminders import Reminder, register, register_event_kind

PULSE_DUE = "pulse_due"
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


def register_sources() -> None:
    register(PULSE_DUE, "Пора ответить на пульс", collect_pulses)
    register_event_kind("safety_flag", "Сообщение о безопасности (для куратора)")
    register_event_kind("rematch_offer", "«Не подходим друг другу» (для куратора)")
