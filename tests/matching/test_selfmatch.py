"""Self-match mode (issue 6, item 4): the window, the mentee's choice, the mentor's answer, the curator's
confirmation, expiry — the state machine, the hard constraints, guardians acting, idempotence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nastavnik.core.text import years_before
from nastavnik.matching import selectors, selfmatch
from nastavnik.matching.models import SelfMatchRequest, SelfMatchWindow, SelfRequestStatus
from nastavnik.mentorships.models import Mentorship, MentorshipSource
from nastavnik.notifications.models import Notification
from tests.factories import GuardianLinkFactory, PersonFactory, UserFactory

from .conftest import today_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(year):
    return today_in(year)


@pytest.fixture
def window(cast, year, forms):
    return selfmatch.window_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, form=forms["teacher_pupil"],
        enabled=True,
    )  # fmt: skip


@pytest.fixture
def mentee(tp):
    return tp.mentee(
        "Выбирающая", user=UserFactory(username="chooser"), request_text="Подготовка к олимпиаде по физике"
    )


@pytest.fixture
def mentors(tp):
    return {
        "physics": tp.mentor("Физикова", topics=("физика", "олимпиада"), user=UserFactory(username="physics")),
        "maths": tp.mentor("Математикова", topics=("математика",), user=UserFactory(username="maths")),
        "chem": tp.mentor("Химикова", topics=("химия",), user=UserFactory(username="chem")),
        "bio": tp.mentor("Биологова", topics=("биология",), user=UserFactory(username="bio")),
    }


def _ask(mentee, mentor, today, actor=None):
    return selfmatch.request_create(
        actor=actor or mentee.person.user, entry=mentee, mentor_entry_id=mentor.pk, today=today
    )


def _messages(error) -> str:
    return " ".join(error.value.messages)


# --- the window ----------------------------------------------------------------------------------------
def test_window_defaults_and_rights(cast, year, forms, window):
    assert (window.enabled, window.max_requests, window.answer_days) == (True, 3, 7)
    with pytest.raises(PermissionDenied):
        selfmatch.window_save(
            actor=cast.user("working_group"), organization=cast.school_a, academic_year=year,
            form=forms["teacher_pupil"], enabled=False,
        )  # fmt: skip
    again = selfmatch.window_save(
        actor=cast.user("director"), organization=cast.school_a, academic_year=year, form=forms["teacher_pupil"],
        enabled=False, max_requests=2,
    )  # fmt: skip
    assert again.pk == window.pk
    assert SelfMatchWindow.objects.count() == 1
    assert (again.enabled, again.max_requests) == (False, 2)


def test_window_bad_input_in_russian(cast, year, forms):
    from nastavnik.programs.models import MentoringForm

    with pytest.raises(ValidationError) as error:
        selfmatch.window_save(
            actor=cast.user("curator"), organization=cast.school_a, academic_year=year,
            form=MentoringForm.objects.get(code="employer_student"), enabled=True, max_requests=0, answer_days="x",
            opens_on=year.start_date + dt.timedelta(days=10), closes_on=year.start_date,
        )  # fmt: skip
    errors = error.value.message_dict
    assert "не выбрана в программе" in errors["form"][0]
    assert errors["max_requests"] == ["Число запросов — от 1 до 10."]
    assert errors["answer_days"] == ["Срок ответа — от 1 до 60 дней."]
    assert "раньше даты начала" in errors["closes_on"][0]


# --- what the mentee sees -------------------------------------------------------------------------------
def test_candidates_ordered_by_score_with_russian_reasons(cast, tp, window, mentee, mentors, today):
    untrained = tp.mentor("Необученная", topics=("физика",), trained=False)
    forbidden = tp.mentor("Родственница", topics=("физика",))
    from nastavnik.matching import services

    services.forbidden_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=window.academic_year,
        mentee=mentee.person, mentor=forbidden.person, reason="родственники",
    )  # fmt: skip
    choice = selfmatch.choice_for(mentee, today=today)
    ids = [c.entry.pk for c in choice.candidates]
    assert ids[0] == mentors["physics"].pk
    assert untrained.pk not in ids
    assert forbidden.pk not in ids
    assert set(ids) == {m.pk for m in mentors.values()}
    scores = [c.score for c in choice.candidates]
    assert scores == sorted(scores, reverse=True)
    texts = " ".join(p["text"] for p in choice.candidates[0].parts)
    assert "совпада" in texts
    assert "физика" in texts
    # the same score as the engine gives a run
    inputs = selectors.build_inputs(
        organizations=[cast.school_a], academic_year=window.academic_year, form=window.form, today=today
    )
    from nastavnik.matching import engine

    e = next(m for m in inputs.mentees if m.id == mentee.pk)
    m = next(m for m in inputs.mentors if m.id == mentors["physics"].pk)
    assert choice.candidates[0].score == engine.score_pair(e, m, engine.Weights())[0]


def test_closed_window_shows_nothing(cast, year, forms, window, mentee, mentors, today):
    selfmatch.window_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, form=window.form, enabled=False
    )
    choice = selfmatch.choice_for(mentee, today=today)
    assert choice.candidates == []
    assert "закрыт" in choice.problem
    with pytest.raises(ValidationError) as error:
        _ask(mentee, mentors["physics"], today)
    assert "сейчас закрыт" in _messages(error)


def test_window_dates(cast, year, window, mentee, mentors, today):
    window.opens_on = today + dt.timedelta(days=1)
    window.save()
    with pytest.raises(ValidationError) as error:
        _ask(mentee, mentors["physics"], today)
    assert "Выбор откроется" in _messages(error)
    assert _ask(mentee, mentors["physics"], today + dt.timedelta(days=1)).status == SelfRequestStatus.PENDING


# --- requests --------------------------------------------------------------------------------------------
def test_request_limits_and_duplicates(window, mentee, mentors, today):
    first = _ask(mentee, mentors["physics"], today)
    assert first.status == SelfRequestStatus.PENDING
    assert first.expires_on == today + dt.timedelta(days=7)
    assert first.parts
    assert first.score > 0
    with pytest.raises(ValidationError) as error:
        _ask(mentee, mentors["physics"], today)
    assert "уже отправлен" in _messages(error)
    _ask(mentee, mentors["maths"], today)
    _ask(mentee, mentors["chem"], today)
    with pytest.raises(ValidationError) as error:
        _ask(mentee, mentors["bio"], today)
    assert "не больше 3 запросов" in _messages(error)
    assert SelfMatchRequest.objects.count() == 3
    # the mentor is told
    assert Notification.objects.filter(recipient=mentors["physics"].person, kind=selfmatch.KIND_REQUEST).count() == 1
    # withdrawing frees a place; withdrawing twice changes nothing
    selfmatch.request_withdraw(actor=mentee.person.user, request=first)
    selfmatch.request_withdraw(actor=mentee.person.user, request=first)
    assert _ask(mentee, mentors["bio"], today).status == SelfRequestStatus.PENDING


def test_request_to_ineligible_mentor(cast, year, forms, tp, window, mentee, today):
    untrained = tp.mentor("Необученная", topics=("физика",), trained=False)
    with pytest.raises(ValidationError) as error:
        _ask(mentee, untrained, today)
    assert "не может взять наставляемых" in _messages(error)
    # a pupil mentor of «ученик – ученик» must be 2 years older: the hard rule of the form holds here too
    from tests.matching.conftest import Pools

    pp = Pools(cast, year, forms["pupil_pupil"])
    selfmatch.window_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, form=forms["pupil_pupil"],
        enabled=True,
    )  # fmt: skip
    young = pp.mentor("Ровесница", category="pupil", birth_date=years_before(today, 12), class_name="6Б")
    pupil = pp.mentee("Шестиклассник", birth_date=years_before(today, 12), user=UserFactory(username="six"))
    with pytest.raises(ValidationError) as error:
        _ask(pupil, young, today)
    assert "недостаточная разница в возрасте" in _messages(error)
    assert not SelfMatchRequest.objects.exists()


def test_only_the_mentee_or_a_guardian_of_a_minor_asks(cast, tp, window, mentors, today):
    child = tp.mentee("Ребёнкова", birth_date=years_before(today, 11))
    parent = PersonFactory(organization=cast.school_a, last_name="Родителева", user=UserFactory(username="parent"))
    GuardianLinkFactory(guardian=parent, child=child.person, kind="mother")
    sent = _ask(child, mentors["physics"], today, actor=parent.user)
    assert sent.requested_by == parent.user
    with pytest.raises(PermissionDenied):
        _ask(child, mentors["maths"], today, actor=cast.user("curator"))
    with pytest.raises(PermissionDenied):
        _ask(child, mentors["maths"], today, actor=cast.user("mentee"))
    adult = tp.mentee("Взрослова", birth_date=years_before(today, 19))
    GuardianLinkFactory(guardian=parent, child=adult.person, kind="mother")
    with pytest.raises(PermissionDenied):
        _ask(adult, mentors["maths"], today, actor=parent.user)
    assert [e.pk for e, _w in selfmatch.my_mentee_entries(parent.user, today=today)] == [child.pk]
    # the answer is told to the child and to the guardian who asked
    selfmatch.request_answer(actor=mentors["physics"].person.user, request=sent, accept=False, today=today)
    told = set(Notification.objects.filter(kind=selfmatch.KIND_ANSWER).values_list("recipient_id", flat=True))
    assert told == {parent.pk} or told == {parent.pk, child.person_id}


# --- answers and confirmation -------------------------------------------------------------------------------
def test_accept_withdraws_the_others_and_confirm_creates_the_mentorship(cast, window, mentee, mentors, today):
    a = _ask(mentee, mentors["physics"], today)
    b = _ask(mentee, mentors["maths"], today)
    with pytest.raises(PermissionDenied):
        selfmatch.request_answer(actor=mentors["maths"].person.user, request=a, accept=True, today=today)
    with pytest.raises(PermissionDenied):
        selfmatch.request_answer(actor=cast.user("curator"), request=a, accept=True, today=today)
    selfmatch.request_answer(
        actor=mentors["physics"].person.user, request=a, accept=True, comment="  Жду  ", today=today
    )
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.status, a.answer_comment) == (SelfRequestStatus.ACCEPTED, "Жду")
    assert b.status == SelfRequestStatus.WITHDRAWN
    assert "согласился на другой запрос" in b.closed_reason
    # the same answer twice changes nothing; the other mentor can no longer answer
    selfmatch.request_answer(actor=mentors["physics"].person.user, request=a, accept=True, today=today)
    with pytest.raises(ValidationError) as error:
        selfmatch.request_answer(actor=mentors["maths"].person.user, request=b, accept=True, today=today)
    assert "уже нельзя ответить" in _messages(error)
    with pytest.raises(ValidationError):
        _ask(mentee, mentors["chem"], today)
    with pytest.raises(PermissionDenied):
        selfmatch.request_confirm(actor=cast.user("working_group"), request=a)
    done = selfmatch.request_confirm(actor=cast.user("curator"), request=a)
    again = selfmatch.request_confirm(actor=cast.user("curator"), request=a)
    assert done.status == SelfRequestStatus.CONFIRMED
    assert again.mentorship_id == done.mentorship_id
    mentorship = Mentorship.objects.get()
    assert mentorship.source == MentorshipSource.SELF
    assert mentorship.mentor_entry_id == mentors["physics"].pk
    assert list(mentorship.members.values_list("mentee_entry_id", flat=True)) == [mentee.pk]
    # the mentee left the pool: a matching run no longer sees them
    inputs = selectors.build_inputs(
        organizations=[cast.school_a], academic_year=window.academic_year, form=window.form, today=today
    )
    assert mentee.pk not in {m.id for m in inputs.mentees}
    assert "уже в наставнической паре" in selfmatch.choice_for(mentee, today=today).problem


def test_capacity_counts_accepted_requests(cast, tp, window, mentors, today):
    one = tp.mentor("Однаместная", topics=("физика",), user=UserFactory(username="one"), capacity=1)
    first = tp.mentee("Первая", user=UserFactory(username="first"))
    second = tp.mentee("Вторая", user=UserFactory(username="second"))
    a, b = _ask(first, one, today), _ask(second, one, today)
    selfmatch.request_answer(actor=one.person.user, request=a, accept=True, today=today)
    with pytest.raises(ValidationError) as error:
        selfmatch.request_answer(actor=one.person.user, request=b, accept=True, today=today)
    assert "Свободных мест нет" in _messages(error)
    # nobody else may ask a mentor whose place is promised
    third = tp.mentee("Третья", user=UserFactory(username="third"))
    assert one.pk not in [c.entry.pk for c in selfmatch.choice_for(third, today=today).candidates]
    with pytest.raises(ValidationError) as error:
        _ask(third, one, today)
    assert "Этот наставник не подходит: у наставника нет мест" in _messages(error)


def test_confirm_with_the_mentor_full(cast, tp, window, mentee, today):
    from nastavnik.mentorships.services import mentorship_create

    one = tp.mentor("Однаместная", topics=("физика",), user=UserFactory(username="one"), capacity=1)
    other = tp.mentee("Другая")
    request = _ask(mentee, one, today)
    selfmatch.request_answer(actor=one.person.user, request=request, accept=True, today=today)
    # meanwhile the curator pairs the mentor by hand through the mentorships
    SelfMatchRequest.objects.filter(pk=request.pk).update(status=SelfRequestStatus.PENDING)
    mentorship_create(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=window.academic_year, form=window.form,
        mentor_entry=one, mentee_entries=[other],
    )  # fmt: skip
    SelfMatchRequest.objects.filter(pk=request.pk).update(status=SelfRequestStatus.ACCEPTED)
    with pytest.raises(ValidationError) as error:
        selfmatch.request_confirm(actor=cast.user("curator"), request=request)
    assert "все места заняты" in _messages(error)
    assert Mentorship.objects.count() == 1


def test_closed_year_refuses_every_write(cast, window, mentee, mentors, today):
    from nastavnik.programs.models import OrganizationYear

    request = _ask(mentee, mentors["physics"], today)
    OrganizationYear.objects.update_or_create(
        organization=cast.school_a, academic_year=window.academic_year, defaults={"closed_at": timezone.now()}
    )
    for call in (
        lambda: _ask(mentee, mentors["maths"], today),
        lambda: selfmatch.request_answer(actor=mentors["physics"].person.user, request=request, accept=True),
        lambda: selfmatch.request_withdraw(actor=mentee.person.user, request=request),
        lambda: selfmatch.window_save(
            actor=cast.user("curator"), organization=cast.school_a, academic_year=window.academic_year,
            form=window.form, enabled=False,
        ),
    ):  # fmt: skip
        with pytest.raises(ValidationError) as error:
            call()
        assert "закрыт" in _messages(error)


# --- expiry --------------------------------------------------------------------------------------------------
def test_expiry_and_the_reminders_hook(cast, window, mentee, mentors, today):
    from nastavnik.notifications import services as notifications

    request = _ask(mentee, mentors["physics"], today)
    late = _ask(mentee, mentors["maths"], today)
    SelfMatchRequest.objects.filter(pk=late.pk).update(expires_on=today - dt.timedelta(days=1))
    assert selfmatch.selfmatch_expire(today) == 1
    assert selfmatch.selfmatch_expire(today) == 0
    late.refresh_from_db()
    assert late.status == SelfRequestStatus.EXPIRED
    assert late.closed_reason == "наставник не ответил в срок"
    assert Notification.objects.filter(recipient=mentee.person, kind=selfmatch.KIND_ANSWER).count() == 1
    with pytest.raises(ValidationError) as error:
        selfmatch.request_answer(actor=mentors["maths"].person.user, request=late, accept=True, today=today)
    assert "уже нельзя ответить" in _messages(error)
    # the reminders sender expires through the registered source and reminds the mentor on the last day
    now = timezone.make_aware(dt.datetime.combine(request.expires_on, dt.time(10)))
    notifications.send_reminders(now=now, kinds=[selfmatch.KIND_DUE])
    notifications.send_reminders(now=now, kinds=[selfmatch.KIND_DUE])
    assert Notification.objects.filter(recipient=mentors["physics"].person, kind=selfmatch.KIND_DUE).count() == 1
    notifications.send_reminders(now=now + dt.timedelta(days=1), kinds=[selfmatch.KIND_DUE])
    request.refresh_from_db()
    assert request.status == SelfRequestStatus.EXPIRED


# --- the demo --------------------------------------------------------------------------------------------------
def test_demo_builds_one_open_window_once(cast, year, tp, today):
    from nastavnik.demo.selfmatch import build_selfmatch

    for name, topic in (("Физикова", "физика"), ("Математикова", "математика"), ("Химикова", "химия")):
        tp.mentor(name, topics=(topic,))
    tp.mentee("Первая", request_text="Физика и математика")
    tp.mentee("Вторая", request_text="Химия")
    counts = build_selfmatch(admin=cast.user("admin"), organization=cast.school_a, academic_year=year, today=today)
    assert (counts["windows"], counts["pending"], counts["accepted"]) == (1, 2, 1)
    assert len(counts["logins"]) == 3  # two mentees and the answering mentor had no login
    statuses = sorted(SelfMatchRequest.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "pending", "pending"]
    again = build_selfmatch(admin=cast.user("admin"), organization=cast.school_a, academic_year=year, today=today)
    assert again["pending"] == 0
    assert SelfMatchRequest.objects.count() == 3
    assert SelfMatchWindow.objects.get().enabled


def test_the_curator_may_refuse_an_accepted_pair_with_a_reason(cast, window, mentee, mentors, today, client):
    from django.urls import reverse

    a = _ask(mentee, mentors["physics"], today)
    selfmatch.request_answer(actor=mentors["physics"].person.user, request=a, accept=True, today=today)
    with pytest.raises(PermissionDenied):
        selfmatch.request_reject(actor=cast.user("working_group"), request=a, reason="Нет")
    with pytest.raises(ValidationError) as error:
        selfmatch.request_reject(actor=cast.user("curator"), request=a, reason="  ")
    assert "почему пара не подтверждена" in _messages(error)
    done = selfmatch.request_reject(actor=cast.user("curator"), request=a, reason="У наставника уже две группы.")
    assert (done.status, done.closed_reason) == (SelfRequestStatus.REJECTED, "куратор: У наставника уже две группы.")
    assert selfmatch.request_reject(actor=cast.user("curator"), request=a, reason="ещё").status == "rejected"
    told = Notification.objects.filter(recipient=mentee.person, kind="selfmatch_answer").latest("pk")
    assert told.title == f"Куратор не подтвердил пару с наставником {mentors['physics'].person.full_name}"
    assert Notification.objects.filter(recipient=mentors["physics"].person, title__startswith="Куратор не").exists()
    with pytest.raises(ValidationError, match="уже отправлен"):
        _ask(mentee, mentors["physics"], today)  # not the same mentor again
    assert _ask(mentee, mentors["maths"], today).status == SelfRequestStatus.PENDING  # but another one
    with pytest.raises(ValidationError, match="Подтвердить можно только"):
        selfmatch.request_confirm(actor=cast.user("curator"), request=a)
    assert not Mentorship.objects.exists()
    # the page: the curator's button; the mentee gets 403 on it, another organisation's user 404
    b = SelfMatchRequest.objects.get(mentor_entry=mentors["maths"])
    selfmatch.request_answer(actor=mentors["maths"].person.user, request=b, accept=True, today=today)
    url = reverse("matching:selfmatch_reject", args=[b.pk])
    client.force_login(mentee.person.user)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(cast.user("outsider"))
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(cast.user("curator"))
    settings_url = reverse("matching:selfmatch_settings", args=[cast.school_a.pk, window.academic_year.start_year])
    assert "Не подтверждать пару" in client.get(settings_url).content.decode()
    response = client.post(url, {"reason": "Конфликт расписания"}, follow=True)
    assert "Пара не подтверждена" in response.content.decode()
    b.refresh_from_db()
    assert b.status == SelfRequestStatus.REJECTED
