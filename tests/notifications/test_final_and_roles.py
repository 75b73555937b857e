"""«Итоговая обратная связь ждёт ответа» three days after the final meeting (sent once), and the
settings page that lists only the kinds of the user's roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nastavnik.feedback import services as feedback
from nastavnik.mentorships import services as mentorships
from nastavnik.mentorships.models import Meeting
from nastavnik.notifications import reminders, selectors, services
from nastavnik.notifications.models import NotificationPreference, SentReminder

pytestmark = pytest.mark.django_db

KIND = "final_feedback_due"


def _planned_with_final_meeting_ago(cast, mentorship, days_ago: float):
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=7), dt.time(15)))
    meeting = mentorships.mentorship_plan_end(
        actor=cast.user("curator"), mentorship=mentorship, reason="completed", starts_at=start,
        ends_at=start + dt.timedelta(hours=1), format="in_person", place="Актовый зал",
    )  # fmt: skip
    past = timezone.now() - dt.timedelta(days=days_ago)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=past, ends_at=past + dt.timedelta(hours=1))
    return meeting


def test_final_feedback_reminder_three_days_after_the_final_meeting_once(cast, cast_pair):
    _planned_with_final_meeting_ago(cast, cast_pair, days_ago=4)
    mentor = cast.user("mentor")
    feedback.final_feedback_answer(
        actor=mentor, mentorship=cast_pair, person=mentor.person, goal_reached=9, wants_continue=True
    )
    stats = services.send_reminders(kinds={KIND})
    reminded = set(SentReminder.objects.filter(kind=KIND).values_list("person_id", flat=True))
    assert reminded == {
        cast.user("mentee").person.pk,
        cast.pupil_a.pk,
        cast.parent_a.pk,  # pupil_a is a minor without an account: her guardian may answer
    }
    assert stats.sent == 3
    again = services.send_reminders(kinds={KIND})
    assert again.sent == 0
    assert SentReminder.objects.filter(kind=KIND).count() == 3


def test_no_final_reminder_before_three_days_or_after_an_answer(cast, cast_pair):
    _planned_with_final_meeting_ago(cast, cast_pair, days_ago=1)
    assert services.send_reminders(kinds={KIND}).sent == 0


def test_no_final_reminder_when_the_plan_was_cancelled(cast, cast_pair):
    _planned_with_final_meeting_ago(cast, cast_pair, days_ago=5)
    cast_pair.refresh_from_db()
    mentorships.mentorship_cancel_planned_end(actor=cast.user("curator"), mentorship=cast_pair)
    assert services.send_reminders(kinds={KIND}).sent == 0


# --- the settings page per role -----------------------------------------------------------------------------
def _labels(cast, name):
    return {row.label for row in selectors.preferences_for(actor=cast.user(name))}


def test_kinds_follow_the_roles(cast, cast_pair):
    curator = _labels(cast, "curator")
    assert "Сообщение о безопасности (для куратора)" in curator
    assert "Встреча завтра" not in curator
    assert "Встреча не подтверждена" not in curator
    assert "Анкета ждёт ответа" in curator  # for everybody

    mentee = _labels(cast, "mentee")
    assert {"Встреча не подтверждена", "Встреча завтра", "Итоговая обратная связь ждёт ответа"} <= mentee
    assert "Сообщение о безопасности (для куратора)" not in mentee

    mentor = _labels(cast, "mentor")
    assert {"Встреча завтра", "Просрочен пункт плана"} <= mentor
    assert "Встреча не подтверждена" not in mentor  # mentees confirm meetings
    assert "«Не подходим друг другу» (для куратора)" not in mentor

    guardian = _labels(cast, "guardian")
    assert "Встреча завтра" in guardian
    assert "Просрочен пункт плана" not in guardian

    everything = {label for _kind, label in reminders.kinds()}
    assert _labels(cast, "admin") == everything


def test_settings_page_and_save_only_the_shown_kinds(cast, cast_pair, client_for):
    client = client_for("mentee")
    url = reverse("notifications:settings")
    page = client.get(url).content.decode()
    assert "Встреча не подтверждена" in page
    assert "Сообщение о безопасности" not in page
    rows = selectors.preferences_for(actor=cast.user("mentee"))
    data = {f"app_{row.kind}": "on" for row in rows}  # every e-mail off
    assert client.post(url, data).status_code == 302
    saved = NotificationPreference.objects.filter(person=cast.user("mentee").person)
    assert {p.kind for p in saved} == {row.kind for row in rows}
    assert "safety_flag" not in {p.kind for p in saved}
    assert not any(p.email for p in saved)


def test_a_kind_registered_without_an_audience_is_for_everybody_and_defaults_apply(cast):
    reminders.register_event_kind("test_kind_everybody", "Тестовый вид для всех")
    try:
        assert "Тестовый вид для всех" in _labels(cast, "mentee")
        assert "Тестовый вид для всех" in _labels(cast, "curator")
    finally:
        reminders.unregister("test_kind_everybody")
    assert reminders.audience_of("selfmatch_answer") == frozenset({"mentee", "guardian"})
    with pytest.raises(ValueError, match="Unknown audience"):
        reminders.register_event_kind("test_kind_bad", "Плохой", audience={"nobody"})
    assert "test_kind_bad" not in dict(reminders.kinds())
