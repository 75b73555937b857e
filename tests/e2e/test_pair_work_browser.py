"""Issue 7, «Done when»: tried as a new user would on a phone-sized browser (360×740) — the mentor
schedules a meeting and writes the plan, the mentee confirms a meeting and rates it, the journal entry
carries the mentee's confirmation, the curator approves the plan and sees the low-rating alert on the
home page. Every step is checked in the database too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nastavnik.feedback.models import MeetingRating
from nastavnik.mentorships import services
from nastavnik.mentorships.models import IndividualPlan, JournalEntry, JournalSignature, Meeting, MeetingConfirmation
from nastavnik.orgs.services import academic_year_current
from nastavnik.programs.models import MentoringForm
from tests.access_cases.pools import _forms
from tests.e2e.conftest import browser, server_url  # noqa: F401 — the e2e fixtures
from tests.mentorships.conftest import Builder

pytestmark = pytest.mark.e2e
PASSWORD = "secret-pass-123"  # tests/factories.py UserFactory
PHONE = {"width": 360, "height": 740}


@pytest.fixture(autouse=True)
def _catalogues(transactional_db):
    """A transactional test database is flushed between tests: the catalogues the migrations loaded
    (forms of mentoring, request categories) are loaded again."""
    from nastavnik.pools.services import request_categories_sync
    from nastavnik.programs.services import mentoring_forms_sync

    mentoring_forms_sync()
    request_categories_sync()


@pytest.fixture
def pair(transactional_db, cast):
    """The cast's mentor (Зайцева) and mentee (Дмитриева): an active pair of school A, built through the
    pools' and mentorships' services before the browser starts."""
    _forms(cast)
    build = Builder(cast, academic_year_current(), MentoringForm.objects.get(code="teacher_pupil"))
    mentor = build.mentor(cast.user("mentor").person, capacity=2)
    return build.mentorship(mentor, [build.mentee(cast.user("mentee").person)])


@pytest.fixture
def held_meeting(pair, cast):
    """A meeting that began an hour ago. The UI (rightly) refuses to schedule one in the past, so it is
    scheduled through the service with `now` set three hours back — as if the mentor had scheduled it
    then. It starts no earlier than today's midnight, so it is not before the pair's start date."""
    now = timezone.now()
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(0, 0)))
    start = max(now - dt.timedelta(hours=1), midnight)
    return services.meeting_schedule(
        actor=cast.user("mentor"), mentorship=pair, kind="regular", starts_at=start,
        ends_at=start + dt.timedelta(minutes=45), format="in_person", place="Кабинет 21",
        topic="Разбор контрольной по дробям", now=start - dt.timedelta(hours=2),
    )  # fmt: skip


def _login(browser, base_url, username):  # noqa: F811
    context = browser.new_context(viewport=PHONE, locale="ru-RU")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{username}: {error}"))
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page, errors


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_pair_work_on_a_phone(transactional_db, cast, pair, held_meeting, server_url, browser):  # noqa: F811
    errors: list[str] = []
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    # --- the mentor: from the home page's cabinet, schedules a meeting for tomorrow -------------------
    page, mentor_errors = _login(browser, server_url, "mentor")
    assert "Мои наставляемые" in page.content()
    assert _fits_the_phone(page)
    page.locator("#h-cab-mentor ~ .card").get_by_role("link", name="Встреча", exact=True).click()
    page.wait_for_url(f"{server_url}/mentorships/{pair.pk}/meetings/new/")
    assert _fits_the_phone(page)
    page.select_option("#id_kind", "planning")
    page.fill("#id_date", tomorrow.isoformat())
    page.fill("#id_start_time", "15:30")
    page.fill("#id_end_time", "16:15")
    page.select_option("#id_format", "in_person")
    page.fill("#id_place", "Библиотека, 2 этаж")
    page.fill("#id_topic", "Составляем индивидуальный план")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server_url}/mentorships/meetings/*/")
    page.wait_for_selector("text=Встреча назначена")
    scheduled = Meeting.objects.exclude(pk=held_meeting.pk).get(mentorship=pair)
    local_start = timezone.localtime(scheduled.starts_at)
    assert (scheduled.kind, scheduled.status, scheduled.place) == ("planning", "planned", "Библиотека, 2 этаж")
    assert (local_start.date(), local_start.time()) == (tomorrow, dt.time(15, 30))
    assert page.url.endswith(f"/mentorships/meetings/{scheduled.pk}/")

    # --- the mentor writes the plan (seed 002, form № 1) and sends it to the curator ----------------
    page.get_by_role("link", name="К паре").click()
    page.wait_for_url(f"{server_url}/mentorships/{pair.pk}/")
    assert _fits_the_phone(page)
    page.locator("#h-plan").get_by_role("link", name="Открыть").click()
    page.get_by_role("button", name="Составить план").click()
    page.wait_for_selector("#id_goal")
    page.fill("#id_goal", "Уверенно решать задачи с дробями к концу третьей четверти")
    page.get_by_role("button", name="Сохранить цель").click()
    page.wait_for_selector("text=Цель сохранена.")
    page.get_by_role("link", name="Добавить пункт").click()
    page.wait_for_selector("#id_competency")
    assert _fits_the_phone(page)
    page.fill("#id_competency", "Действия с обыкновенными дробями")
    page.fill("#id_activity", "Еженедельные занятия: разбор задач, самостоятельная работа")
    deadline = min(timezone.localdate() + dt.timedelta(days=30), pair.academic_year.end_date)
    page.fill("#id_deadline", deadline.isoformat())
    page.select_option("#id_format", "in_person")
    page.fill("#id_expected_result", "Контрольная по дробям на «4» и выше")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server_url}/mentorships/{pair.pk}/plan/?v=1")
    assert "Пункт добавлен в план." in page.content()
    assert _fits_the_phone(page)
    page.get_by_role("button", name="Отправить на утверждение").click()
    page.wait_for_selector("text=План на утверждении у куратора")
    plan = IndividualPlan.objects.get(mentorship=pair)
    assert plan.status == "submitted"
    assert plan.goal == "Уверенно решать задачи с дробями к концу третьей четверти"
    assert list(plan.items.values_list("competency", "format")) == [("Действия с обыкновенными дробями", "in_person")]

    # --- the mentor records the meeting held an hour ago in the journal, in one click ---------------
    page.goto(f"{server_url}/mentorships/meetings/{held_meeting.pk}/")
    page.get_by_role("button", name="Создать запись из встречи").click()
    page.wait_for_selector("#id_result")
    assert _fits_the_phone(page)
    assert page.input_value("#id_topic") == "Разбор контрольной по дробям"  # pre-filled from the meeting
    page.fill("#id_result", "Ошибки в сокращении дробей разобраны")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server_url}/mentorships/{pair.pk}/journal/#entry-*")
    entry = JournalEntry.objects.get(mentorship=pair)
    assert (entry.meeting_id, entry.result) == (held_meeting.pk, "Ошибки в сокращении дробей разобраны")
    assert not entry.signatures.exists()
    errors += mentor_errors

    # --- the mentee: confirms the held meeting from the home page, then rates it low ----------------
    page, mentee_errors = _login(browser, server_url, "mentee")
    assert "Мой наставник" in page.content()
    assert _fits_the_phone(page)
    assert "Разбор контрольной по дробям" in page.content()
    page.get_by_role("button", name="Подтвердить, что встреча состоялась").click()  # htmx
    page.wait_for_selector(f"#confirm-{held_meeting.pk} >> text=Вы подтвердили встречу")
    mentee_person = cast.user("mentee").person
    assert MeetingConfirmation.objects.filter(meeting=held_meeting, person=mentee_person).count() == 1
    held_meeting.refresh_from_db()
    assert held_meeting.status == "held"
    # the journal entry made from the meeting is signed by that confirmation
    signature = JournalSignature.objects.get(entry=entry)
    assert (signature.person_id, signature.user_id) == (mentee_person.pk, cast.user("mentee").pk)
    page.goto(f"{server_url}/mentorships/{pair.pk}/journal/")
    row = page.locator(f"#entry-{entry.pk}")
    assert mentee_person.short_name in row.inner_text()
    assert "не подписана" not in row.inner_text()
    assert _fits_the_phone(page)

    # from the phone menu, as a new user finds it: «Обратная связь» → «Оцените встречу …»
    page.get_by_role("button", name="Открыть меню").click()
    page.get_by_role("link", name="Обратная связь").click()
    page.wait_for_url(f"{server_url}/feedback/")
    assert _fits_the_phone(page)
    page.get_by_role("link", name="Оцените встречу «Разбор контрольной по дробям»").click()
    page.wait_for_url(f"{server_url}/feedback/meetings/{held_meeting.pk}/rate/")
    page.locator("label", has_text="3").first.click()
    page.fill("#id_comment", "Объясняли слишком быстро")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url(f"{server_url}/feedback/m/{pair.pk}/")
    assert "Оценка сохранена." in page.content()
    rating = MeetingRating.objects.get(meeting=held_meeting)
    assert rating.rating == 3
    # the mentee's scheduled (future) meeting cannot be confirmed yet
    page.goto(f"{server_url}/mentorships/meetings/{scheduled.pk}/")
    assert "Подтвердить встречу можно, когда она пройдёт." in page.content()
    errors += mentee_errors

    # --- the curator: the low-rating alert on the home page, then approves the plan -----------------
    page, curator_errors = _login(browser, server_url, "curator")
    assert _fits_the_phone(page)
    assert "Низкая оценка встречи: 3 из 10" in page.content()
    year = pair.academic_year.start_year
    page.goto(f"{server_url}/mentorships/org/{cast.school_a.pk}/{year}/")
    assert _fits_the_phone(page)
    page.locator(f"a[href='/mentorships/{pair.pk}/']").first.click()
    page.wait_for_url(f"{server_url}/mentorships/{pair.pk}/")
    page.locator("#h-plan").get_by_role("link", name="Открыть").click()
    page.wait_for_selector("text=План на утверждении у куратора")  # the page the click opens
    page.get_by_role("button", name="Утвердить версию 1").click()
    page.wait_for_selector("text=Утверждён")
    assert _fits_the_phone(page)
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by_id) == ("approved", cast.user("curator").pk)
    page.screenshot(path="/tmp/pair_work_curator_360.png", full_page=True)
    errors += curator_errors

    for context in browser.contexts:
        context.close()
    assert not errors, errors
