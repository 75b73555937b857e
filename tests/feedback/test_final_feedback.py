"""The final feedback of a planned ending (issue 7.5): the mentor, each mentee and the guardian of a
minor answer once (a second time changes the answer); strangers get a 404, read-only roles a 403;
the curator sees the answers and the progress on the pair's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from nastavnik.feedback import selectors, services
from nastavnik.feedback.models import FinalFeedback
from nastavnik.mentorships import services as mentorships
from nastavnik.mentorships.models import Meeting

pytestmark = pytest.mark.django_db


def _plan(cast, mentorship, days=7):
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(15)))
    return mentorships.mentorship_plan_end(
        actor=cast.user("curator"), mentorship=mentorship, reason="completed", starts_at=start,
        ends_at=start + dt.timedelta(hours=1), format="in_person", place="Актовый зал",
    )  # fmt: skip


def _answer(actor, mentorship, person, **extra):
    data = {"goal_reached": 8, "wants_continue": True, "wants_to_mentor": False, "most_useful": "Разборы задач"}
    data.update(extra)
    return services.final_feedback_answer(actor=actor, mentorship=mentorship, person=person, **data)


@pytest.fixture
def planned(cast, cast_pair):
    _plan(cast, cast_pair)
    cast_pair.refresh_from_db()
    return cast_pair


def test_each_side_answers_once_and_a_second_time_changes_it(cast, planned):
    mentor, mentee = cast.user("mentor"), cast.user("mentee")
    row, created = _answer(mentor, planned, mentor.person, wants_to_mentor=None)
    assert created
    assert row.role == "mentor"
    assert row.wants_to_mentor is None
    row, created = _answer(mentee, planned, mentee.person, goal_reached=6)
    assert created
    assert row.role == "mentee"
    assert row.answered_by_id == mentee.person.pk
    again, created = _answer(mentee, planned, mentee.person, goal_reached=9, to_improve="Чаще встречаться")
    assert not created
    assert again.pk == row.pk
    assert again.goal_reached == 9
    assert FinalFeedback.objects.filter(mentorship=planned).count() == 2


def test_guardian_answers_for_the_minor_child(cast, planned):
    guardian = cast.user("guardian")
    row, _created = _answer(guardian, planned, cast.pupil_a)
    assert row.person_id == cast.pupil_a.pk
    assert row.answered_by_id == guardian.person.pk
    with pytest.raises(PermissionDenied):  # not for another mentee
        _answer(guardian, planned, cast.user("mentee").person)


def test_curator_records_a_paper_answer_and_readers_may_not(cast, planned):
    row, _created = _answer(cast.user("curator"), planned, cast.user("mentee").person)
    assert row.answered_by_id == cast.user("mentee").person.pk
    with pytest.raises(PermissionDenied):
        _answer(cast.user("working_group"), planned, cast.user("mentee").person)
    with pytest.raises(PermissionDenied):
        _answer(cast.user("mentee"), planned, cast.user("mentor").person)  # not for the other side


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"goal_reached": 11}, "от 1 до 10"),
        ({"goal_reached": "восемь"}, "от 1 до 10"),
        ({"wants_continue": "может быть"}, "«да» или «нет»"),
        ({"wants_to_mentor": None}, "стать наставником"),
    ],
)
def test_bad_answers_are_refused_in_russian(cast, planned, extra, message):
    with pytest.raises(ValidationError) as error:
        _answer(cast.user("mentee"), planned, cast.user("mentee").person, **extra)
    assert message in " ".join(error.value.messages)
    assert not FinalFeedback.objects.exists()


def test_not_asked_before_the_ending_is_planned(cast, cast_pair):
    with pytest.raises(ValidationError, match="запланировал завершение"):
        _answer(cast.user("mentee"), cast_pair, cast.user("mentee").person)


def test_answer_after_the_pair_completed_by_its_final_meeting(cast, planned):
    meeting = Meeting.objects.get(mentorship=planned, kind="final")
    start = timezone.now() - dt.timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=1))
    meeting.refresh_from_db()
    mentorships.meeting_confirm(actor=cast.user("mentee"), meeting=meeting)
    planned.refresh_from_db()
    assert planned.status == "completed"
    _row, created = _answer(cast.user("mentee"), planned, cast.user("mentee").person)
    assert created
    _answer(cast.user("guardian"), planned, cast.pupil_a)
    box = selectors.final_feedback_for(actor=cast.user("curator"), mentorship=planned)
    assert box.answered == 2
    assert len(box.rows) == 3


def test_progress_is_shown_to_all_answers_only_to_the_staff(cast, planned):
    _answer(cast.user("mentor"), planned, cast.user("mentor").person, most_useful="Секрет наставника")
    curator_box = selectors.final_feedback_for(actor=cast.user("curator"), mentorship=planned)
    mentee_box = selectors.final_feedback_for(actor=cast.user("mentee"), mentorship=planned)
    assert curator_box.answered == mentee_box.answered == 1
    assert curator_box.rows[0].answer.most_useful == "Секрет наставника"
    assert mentee_box.rows[0].answered
    assert mentee_box.rows[0].answer is None
    assert [r.person.pk for r in mentee_box.pending_mine] == [cast.user("mentee").person.pk]


# --- pages --------------------------------------------------------------------------------------------------
FORM = {"goal_reached": "9", "most_useful": "Проекты", "to_improve": "", "wants_continue": "yes",
        "wants_to_mentor": "yes", "comment": ""}  # fmt: skip


def test_mentee_answers_on_the_form_twice_without_a_duplicate(cast, planned, client_for):
    client = client_for("mentee")
    url = reverse("feedback:final", args=[planned.pk])
    page = client.get(url).content.decode()
    assert "Итоговая обратная связь" in page
    assert "Хотите сами стать наставником?" in page
    assert client.post(url, FORM).status_code == 302
    assert client.post(url, {**FORM, "goal_reached": "7"}).status_code == 302
    rows = FinalFeedback.objects.filter(mentorship=planned)
    assert rows.count() == 1
    assert rows.get().goal_reached == 7
    assert rows.get().wants_to_mentor is True


def test_form_errors_are_russian(cast, planned, client_for):
    response = client_for("mentee").post(reverse("feedback:final", args=[planned.pk]), {**FORM, "goal_reached": "0"})
    assert response.status_code == 200
    assert "Оценка — целое число от 1 до 10." in response.content.decode()
    assert not FinalFeedback.objects.exists()


def test_mentor_form_has_no_become_a_mentor_question(cast, planned, client_for):
    client = client_for("mentor")
    url = reverse("feedback:final", args=[planned.pk])
    assert "Хотите сами стать наставником?" not in client.get(url).content.decode()
    assert client.post(url, {k: v for k, v in FORM.items() if k != "wants_to_mentor"}).status_code == 302
    assert FinalFeedback.objects.get().role == "mentor"


def test_guardian_form_answers_for_the_child(cast, planned, client_for):
    client = client_for("guardian")
    assert client.post(reverse("feedback:final", args=[planned.pk]), FORM).status_code == 302
    assert FinalFeedback.objects.get().person_id == cast.pupil_a.pk


def test_strangers_get_404_and_readers_403(cast, planned, client_for):
    url = reverse("feedback:final", args=[planned.pk])
    for name in ("outsider", "outsider_regional", "no_role"):
        client = client_for(name)
        assert (client.get(url).status_code, client.post(url, FORM).status_code) == (404, 404), name
    assert client_for("working_group").post(url, FORM).status_code == 403
    assert not FinalFeedback.objects.exists()


def test_pair_page_shows_progress_and_the_curator_sees_answers(cast, planned, client_for):
    _answer(cast.user("mentee"), planned, cast.user("mentee").person, most_useful="Олимпиадные задачи")
    detail = reverse("mentorships:detail", args=[planned.pk])
    curator_page = client_for("curator").get(detail).content.decode()
    assert "Завершение запланировано на" in curator_page
    assert "ответили 1 из 3" in curator_page
    assert "Олимпиадные задачи" in curator_page
    mentor_page = client_for("mentor").get(detail).content.decode()
    assert "ответили 1 из 3" in mentor_page
    assert "Олимпиадные задачи" not in mentor_page
    assert "Ответить на итоговые вопросы" in mentor_page


def test_demo_plans_one_ending_and_answers_for_the_pair_completed_by_its_plan(cast, cast_pair, build):
    from nastavnik.demo.feedback import build_feedback
    from nastavnik.mentorships.models import Mentorship

    today = timezone.localdate()
    pairs = [cast_pair] + [
        build.mentorship(build.mentor(last_name=f"Наставница{i}"), [build.mentee(last_name=f"Ученица{i}")])
        for i in range(3)
    ]
    Mentorship.objects.filter(pk__in=[p.pk for p in pairs]).update(start_date=today - dt.timedelta(days=35))
    done = Mentorship.objects.get(pk=pairs[3].pk)
    final = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=1), dt.time(17, 30)))
    mentorships.mentorship_plan_end(
        actor=cast.user("curator"), mentorship=done, reason="goal_reached_early", starts_at=final,
        ends_at=final + dt.timedelta(hours=1), format="in_person", place="Зал", now=final - dt.timedelta(days=2),
    )  # fmt: skip
    mentorships.mentorship_complete_planned(actor=cast.user("curator"), mentorship=done, end_date=final.date())
    year = cast_pair.academic_year
    counts = build_feedback(admin=cast.user("admin"), organization=cast.school_a, academic_year=year, today=today)
    assert counts["planned_endings"] == 1
    assert counts["final_feedback"] == 2
    planned = Mentorship.objects.get(planned_end_date__isnull=False, status="active")
    assert planned.planned_end_date == today + dt.timedelta(days=7)
    assert planned.pk != cast_pair.pk  # the demo logins keep their pair as it was
    assert set(FinalFeedback.objects.filter(mentorship=done).values_list("role", flat=True)) == {"mentor", "mentee"}
    snapshot = (FinalFeedback.objects.count(), Meeting.objects.filter(kind="final").count())
    again = build_feedback(admin=cast.user("admin"), organization=cast.school_a, academic_year=year, today=today)
    assert again["planned_endings"] == again["final_feedback"] == 0
    assert snapshot == (FinalFeedback.objects.count(), Meeting.objects.filter(kind="final").count())


def test_summary_for_the_satisfaction_picture(cast, planned):
    _answer(cast.user("mentee"), planned, cast.user("mentee").person, goal_reached=6, wants_to_mentor=True)
    _answer(cast.user("guardian"), planned, cast.pupil_a, goal_reached=9, wants_continue=False)
    _answer(cast.user("mentor"), planned, cast.user("mentor").person, goal_reached=8, wants_to_mentor=None)
    summary = selectors.final_feedback_summary(organization=cast.school_a, academic_year=planned.academic_year)
    assert summary["mentee"] == {"answers": 2, "goal_mean": 7.5, "want_continue": 1, "want_to_mentor": 1}
    assert summary["mentor"]["answers"] == 1
    assert summary["mentor"]["goal_mean"] == 8
