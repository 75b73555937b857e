"""The planned ending (issue 7.5): the curator chooses the reason from the list and the final meeting;
the pair completes when a mentee confirms the final meeting (or at once, «завершить сейчас»); the
curator may cancel the plan; the early end «at once» stays for conflicts and moving away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nastavnik.mentorships import services
from nastavnik.mentorships.models import Meeting, MeetingStatus, MentorshipStatus
from nastavnik.notifications.models import Notification

pytestmark = pytest.mark.django_db

MY = reverse("mentorships:my")


def _at(days: int, hour: int = 15) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _plan(cast, mentorship, *, days=7, reason="completed", **extra):
    data = {
        "actor": cast.user("curator"), "mentorship": mentorship, "reason": reason, "starts_at": _at(days),
        "ends_at": _at(days) + dt.timedelta(hours=1), "format": "in_person", "place": "Актовый зал",
    }  # fmt: skip
    data.update(extra)
    return services.mentorship_plan_end(**data)


def _to_past(meeting, days=1):
    start = timezone.now() - dt.timedelta(days=days)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=1))
    meeting.refresh_from_db()
    return meeting


# --- services -----------------------------------------------------------------------------------------------
def test_planning_schedules_the_final_meeting_and_asks_everyone(cast, cast_pair):
    meeting = _plan(cast, cast_pair, reason="goal_reached_early")
    cast_pair.refresh_from_db()
    assert meeting.kind == "final"
    assert meeting.status == MeetingStatus.PLANNED
    assert cast_pair.status == MentorshipStatus.ACTIVE  # it goes on until the final meeting
    assert cast_pair.planned_end_date == timezone.localdate() + dt.timedelta(days=7)
    assert cast_pair.planned_end_reason == "goal_reached_early"
    asked = set(Notification.objects.filter(kind="final_feedback_request").values_list("recipient_id", flat=True))
    assert asked == {
        cast.user("mentor").person.pk,
        cast.user("mentee").person.pk,
        cast.parent_a.pk,  # the guardian of the minor pupil_a (the child has no account)
    }


def test_planning_twice_is_one_plan_and_another_date_is_refused(cast, cast_pair):
    first = _plan(cast, cast_pair)
    again = _plan(cast, cast_pair)
    assert again.pk == first.pk
    assert Meeting.objects.filter(mentorship=cast_pair, kind="final").count() == 1
    assert Notification.objects.filter(kind="final_feedback_request").count() == 3  # asked once
    with pytest.raises(ValidationError, match="уже запланировано"):
        _plan(cast, cast_pair, days=9)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"starts_at": _at(-1), "ends_at": _at(-1) + dt.timedelta(hours=1)}, "прошедшее время"),
        ({"reason": "conflict"}, "причину завершения из списка"),
        ({"reason": "nonsense"}, "причину завершения из списка"),
        ({"place": ""}, "место очной встречи"),
    ],
)
def test_bad_input_is_refused_in_russian(cast, cast_pair, extra, message):
    with pytest.raises(ValidationError) as error:
        _plan(cast, cast_pair, **extra)
    assert message in " ".join(error.value.messages)
    cast_pair.refresh_from_db()
    assert cast_pair.planned_end_date is None
    assert not Meeting.objects.filter(mentorship=cast_pair, kind="final").exists()


def test_a_completed_or_proposed_pair_cannot_be_planned(cast, build, cast_pair):
    services.mentorship_end(actor=cast.user("curator"), mentorship=cast_pair, reason="", early=False)
    cast_pair.refresh_from_db()
    with pytest.raises(ValidationError, match="Пара уже завершена"):
        _plan(cast, cast_pair)
    proposed = build.mentorship(activate=False)
    with pytest.raises(ValidationError, match="не закреплена"):
        _plan(cast, proposed)


def test_only_the_curator_plans(cast, cast_pair):
    for name in ("mentor", "working_group", "mentee"):
        with pytest.raises(PermissionDenied):
            _plan(cast, cast_pair, actor=cast.user(name))


def test_confirmed_final_meeting_completes_the_pair_with_the_planned_reason(cast, cast_pair):
    meeting = _to_past(_plan(cast, cast_pair))
    services.meeting_confirm(actor=cast.user("mentee"), meeting=meeting)
    cast_pair.refresh_from_db()
    assert cast_pair.status == MentorshipStatus.COMPLETED
    assert cast_pair.end_reason == "completed"
    assert cast_pair.end_date == timezone.localdate()
    assert cast_pair.planned_end_date is not None  # kept: the pair was completed by its plan
    assert {m.mentee_entry.status for m in cast_pair.members.all()} == {"completed"}
    # confirming again (a double click) changes nothing and does not fail
    services.meeting_confirm(actor=cast.user("mentee"), meeting=meeting)
    assert meeting.confirmations.count() == 1


def test_a_regular_meeting_confirmed_does_not_complete(cast, cast_pair):
    _plan(cast, cast_pair)
    regular = services.meeting_schedule(
        actor=cast.user("mentor"), mentorship=cast_pair, kind="regular", starts_at=_at(2), ends_at=_at(2, 16),
        format="in_person", place="Кабинет", topic="Повторение",
    )  # fmt: skip
    services.meeting_confirm(actor=cast.user("mentee"), meeting=_to_past(regular))
    cast_pair.refresh_from_db()
    assert cast_pair.status == MentorshipStatus.ACTIVE


def test_complete_now_with_an_early_planned_reason(cast, cast_pair):
    _plan(cast, cast_pair, reason="goal_reached_early")
    done = services.mentorship_complete_planned(actor=cast.user("curator"), mentorship=cast_pair)
    assert done.status == MentorshipStatus.ENDED_EARLY
    assert done.end_reason == "goal_reached_early"
    assert {m.mentee_entry.status for m in done.members.all()} == {"completed"}  # the goal was reached
    final = Meeting.objects.get(mentorship=cast_pair, kind="final")
    assert final.status == MeetingStatus.CANCELLED  # it was still ahead
    with pytest.raises(ValidationError, match="Пара уже"):
        services.mentorship_complete_planned(actor=cast.user("curator"), mentorship=done)


def test_complete_now_needs_a_plan(cast, cast_pair):
    with pytest.raises(ValidationError, match="не запланировано"):
        services.mentorship_complete_planned(actor=cast.user("curator"), mentorship=cast_pair)


def test_cancel_the_planned_ending(cast, cast_pair):
    meeting = _plan(cast, cast_pair)
    services.mentorship_cancel_planned_end(actor=cast.user("curator"), mentorship=cast_pair)
    services.mentorship_cancel_planned_end(actor=cast.user("curator"), mentorship=cast_pair)  # twice: fine
    cast_pair.refresh_from_db()
    meeting.refresh_from_db()
    assert cast_pair.planned_end_date is None
    assert cast_pair.planned_end_reason == ""
    assert cast_pair.status == MentorshipStatus.ACTIVE
    assert meeting.status == MeetingStatus.CANCELLED
    with pytest.raises(PermissionDenied):
        services.mentorship_cancel_planned_end(actor=cast.user("mentor"), mentorship=cast_pair)
    # planned again after the cancel
    _plan(cast, cast_pair, days=10)
    cast_pair.refresh_from_db()
    assert cast_pair.planned_end_date == timezone.localdate() + dt.timedelta(days=10)


def test_ending_at_once_for_a_conflict_drops_the_plan(cast, cast_pair):
    _plan(cast, cast_pair)
    ended = services.mentorship_end(
        actor=cast.user("curator"), mentorship=cast_pair, reason="conflict", comment="Не сработались", early=True
    )
    assert ended.status == MentorshipStatus.ENDED_EARLY
    assert ended.end_reason == "conflict"
    assert ended.planned_end_date is None
    assert {m.mentee_entry.status for m in ended.members.all()} == {"included"}  # back to the base: re-match


# --- pages --------------------------------------------------------------------------------------------------
def _form(days=7, **extra):
    day = timezone.localdate() + dt.timedelta(days=days)
    data = {
        "reason": "completed", "date": day.isoformat(), "start_time": "15:00", "end_time": "16:00",
        "format": "in_person", "place": "Актовый зал", "link": "", "topic": "Итоговая встреча",
    }  # fmt: skip
    data.update(extra)
    return data


def test_curator_plans_from_the_pair_page(cast, cast_pair, client_for):
    client = client_for("curator")
    detail = reverse("mentorships:detail", args=[cast_pair.pk])
    page = client.get(detail).content.decode()
    assert "Запланировать завершение" in page
    assert "Завершить сразу" in page
    url = reverse("mentorships:plan_end", args=[cast_pair.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form())
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "Завершение запланировано на" in page
    assert "ответили 0 из 3" in page
    assert "Завершить сейчас" in page
    assert "Отменить завершение" in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [({"date": "2020-01-10"}, "прошедшее время"), ({"reason": "conflict"}, "Выберите причину завершения из списка")],
)
def test_bad_plan_form_shows_a_russian_message(cast, cast_pair, client_for, extra, message):
    response = client_for("curator").post(reverse("mentorships:plan_end", args=[cast_pair.pk]), _form(**extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    cast_pair.refresh_from_db()
    assert cast_pair.planned_end_date is None


def test_pages_complete_now_and_cancel(cast, cast_pair, client_for):
    client = client_for("curator")
    _plan(cast, cast_pair)
    assert client.post(reverse("mentorships:cancel_planned_end", args=[cast_pair.pk])).status_code == 302
    cast_pair.refresh_from_db()
    assert cast_pair.planned_end_date is None
    _plan(cast, cast_pair, days=8)
    assert client.post(reverse("mentorships:complete_planned", args=[cast_pair.pk])).status_code == 302
    cast_pair.refresh_from_db()
    assert cast_pair.status == MentorshipStatus.COMPLETED
    page = client.get(reverse("mentorships:detail", args=[cast_pair.pk])).content.decode()
    assert "Итоги работы пары" in page


@pytest.mark.parametrize("name", ["mentor", "mentee", "guardian", "working_group"])
def test_participants_and_readers_may_not_plan(cast, cast_pair, client_for, name):
    client = client_for(name)
    for url_name in ("plan_end", "cancel_planned_end", "complete_planned"):
        response = client.post(reverse(f"mentorships:{url_name}", args=[cast_pair.pk]), _form())
        assert response.status_code == 403, (name, url_name)
    cast_pair.refresh_from_db()
    assert cast_pair.planned_end_date is None


def test_outsider_gets_404(cast, cast_pair, client_for):
    client = client_for("outsider")
    for url_name in ("plan_end", "cancel_planned_end", "complete_planned"):
        assert client.post(reverse(f"mentorships:{url_name}", args=[cast_pair.pk]), _form()).status_code == 404


# --- the cabinets -------------------------------------------------------------------------------------------
def _queries(client) -> int:
    client.get(MY)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(MY).status_code == 200
    return len(ctx.captured_queries)


def test_cabinets_ask_for_the_final_feedback_in_constant_queries(
    cast, build, client_for, django_assert_max_num_queries
):
    mentor = build.mentor(cast.user("mentor").person, capacity=8)
    pairs = [build.mentorship(mentor, [build.mentee(last_name=f"Первый{k}")]) for k in range(2)]
    for k, pair in enumerate(pairs):
        _plan(cast, pair, days=5 + k)
    baseline = _queries(client_for("mentor"))
    more = [build.mentorship(mentor, [build.mentee(last_name=f"Второй{k}")]) for k in range(4)]
    for k, pair in enumerate(more):
        _plan(cast, pair, days=10 + k)
    services.mentorship_complete_planned(actor=cast.user("curator"), mentorship=more[0])  # completed: still asked
    client = client_for("mentor")
    with django_assert_max_num_queries(baseline):
        page = client.get(MY).content.decode()
    assert page.count("Итоговая обратная связь") == 1
    assert page.count(reverse("feedback:final", args=[more[0].pk])) == 1
    assert "пара завершена: поделитесь итогами" in page


def test_guardian_and_mentee_cabinets_show_the_final_feedback(cast, cast_pair, client_for):
    _plan(cast, cast_pair)
    url = reverse("feedback:final", args=[cast_pair.pk])
    mentee_page = client_for("mentee").get(MY).content.decode()
    assert f"{url}?person={cast.user('mentee').person.pk}" in mentee_page
    guardian_page = client_for("guardian").get(MY).content.decode()
    assert f"{url}?person={cast.pupil_a.pk}" in guardian_page
