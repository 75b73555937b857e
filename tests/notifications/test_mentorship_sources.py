"""The reminder kinds read from mentorships: a meeting tomorrow (mentor, mentees, guardians of
minors), an overdue plan item, a meeting not confirmed two days after it ended."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.mentorships.models import IndividualPlan, Meeting, MeetingConfirmation, MeetingStatus, PlanItem
from nastavnik.notifications import services
from nastavnik.notifications.models import Notification, SentReminder


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _meeting(mentorship, starts_at, **data):
    return Meeting.objects.create(
        mentorship=mentorship,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        topic="Планы на четверть",
        **data,
    )


def test_meeting_tomorrow_reminds_mentor_mentees_and_guardian_once(cast, cast_pair):
    now = _at(timezone.localdate(), 10)
    tomorrow = _meeting(cast_pair, _at(timezone.localdate() + dt.timedelta(days=1), 15), place="Кабинет 12")
    _meeting(cast_pair, _at(timezone.localdate() + dt.timedelta(days=3), 15))  # not tomorrow
    _meeting(cast_pair, tomorrow.starts_at, status=MeetingStatus.CANCELLED)  # cancelled
    stats = services.send_reminders(now=now, kinds={"meeting_tomorrow"})
    expected = {
        cast.user("mentor").person.pk,
        cast.user("mentee").person.pk,
        cast.pupil_a.pk,
        cast.parent_a.pk,  # the guardian of the minor pupil_a
    }
    assert {r.person_id for r in SentReminder.objects.filter(kind="meeting_tomorrow")} == expected
    assert stats.sent == 4
    # those with an account got it in the system
    titles = set(Notification.objects.filter(kind="meeting_tomorrow").values_list("recipient_id", "title"))
    assert (cast.parent_a.pk, "Завтра встреча: Планы на четверть") in titles
    assert services.send_reminders(now=now, kinds={"meeting_tomorrow"}).sent == 0


def test_unconfirmed_meeting_reminds_only_the_mentees_who_did_not_confirm(cast, cast_pair):
    now = timezone.now()
    past = _meeting(cast_pair, now - dt.timedelta(days=3))
    _meeting(cast_pair, now - dt.timedelta(days=1))  # ended a day ago: too early to remind
    MeetingConfirmation.objects.create(meeting=past, person=cast.user("mentee").person)
    services.send_reminders(now=now, kinds={"meeting_unconfirmed"})
    assert list(SentReminder.objects.values_list("person_id", flat=True)) == [cast.pupil_a.pk]
    assert services.send_reminders(now=now, kinds={"meeting_unconfirmed"}).sent == 0


def test_overdue_plan_item_reminds_mentor_and_mentees(cast, cast_pair):
    today = timezone.localdate()
    plan = IndividualPlan.objects.create(mentorship=cast_pair, status="approved")
    common = {"plan": plan, "activity": "Разбор задач", "format": "in_person"}
    PlanItem.objects.create(position=1, competency="Решение уравнений", deadline=today - dt.timedelta(days=2), **common)
    PlanItem.objects.create(
        position=2, competency="Выполнено", deadline=today - dt.timedelta(days=2), status="done", **common
    )
    PlanItem.objects.create(position=3, competency="Ещё не срок", deadline=today + dt.timedelta(days=2), **common)
    stats = services.send_reminders(kinds={"plan_item_overdue"})
    assert stats.sent == 3  # the mentor and two mentees, for item 1 only
    assert set(Notification.objects.values_list("title", flat=True)) == {"Просрочен пункт плана: Решение уравнений"}
    # a new draft version copying the item does not remind again
    draft = IndividualPlan.objects.create(mentorship=cast_pair, number=2, status="draft")
    PlanItem.objects.create(
        plan=draft,
        position=1,
        competency="Решение уравнений",
        deadline=today - dt.timedelta(days=2),
        activity="Разбор задач",
    )
    assert services.send_reminders(kinds={"plan_item_overdue"}).sent == 0
