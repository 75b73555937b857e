"""A real browser on a 360 px phone: the mentee rates a meeting low and raises a concern; the curator
sees the low-rating alert and the flag; the mentor sees neither the rating nor the concern."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nastavnik.feedback.models import MeetingRating, SafetyFlag
from nastavnik.mentorships.models import Meeting
from tests.e2e.conftest import browser, server_url  # noqa: F401 — the e2e fixtures

pytestmark = pytest.mark.e2e
PASSWORD = "secret-pass-123"  # tests/factories.py UserFactory
CONCERN = "Мне неудобно встречаться так поздно вечером"


def _login(browser, base_url, username):  # noqa: F811
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="ru-RU")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page, errors


@pytest.fixture(autouse=True)
def _catalogues(transactional_db):
    """A transactional test database is flushed between tests: the catalogues the migrations loaded
    (forms of mentoring, request categories) are loaded again."""
    from nastavnik.pools.services import request_categories_sync
    from nastavnik.programs.services import mentoring_forms_sync

    mentoring_forms_sync()
    request_categories_sync()


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_mentee_rates_and_raises_a_concern_curator_sees_alerts(transactional_db, cast, cast_pair, server_url, browser):  # noqa: F811
    start = timezone.now() - dt.timedelta(days=1)
    meeting = Meeting.objects.create(
        mentorship=cast_pair, kind="regular", starts_at=start, ends_at=start + dt.timedelta(hours=1), topic="Дроби"
    )
    year = cast_pair.academic_year.start_year

    page, errors = _login(browser, server_url, "mentee")
    page.goto(f"{server_url}/feedback/m/{cast_pair.pk}/")
    assert _fits_the_phone(page)
    page.get_by_role("link", name="Оценить").first.click()
    page.locator("label", has_text="3").first.click()
    page.fill("#id_comment", "Не успели разобрать домашнее задание")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url(f"{server_url}/feedback/m/{cast_pair.pk}/")
    assert "Оценка сохранена." in page.content()
    page.get_by_role("link", name="Сообщить куратору о проблеме").first.click()
    page.fill("#id_text", CONCERN)
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url(f"{server_url}/feedback/m/{cast_pair.pk}/")
    assert not errors
    page.context.close()
    assert MeetingRating.objects.get(meeting=meeting).rating == 3
    assert SafetyFlag.objects.get().text == CONCERN

    page, errors = _login(browser, server_url, "curator")
    page.goto(f"{server_url}/feedback/org/{cast.school_a.pk}/{year}/")
    assert _fits_the_phone(page)
    content = page.content()
    assert "Низкая оценка встречи: 3 из 10" in content
    assert "Сообщение о безопасности — новое" in content
    page.get_by_role("link", name="Сообщение о безопасности — новое").click()
    from playwright.sync_api import expect  # after the `browser` fixture: it skips where Playwright is absent

    expect(page.locator("main")).to_contain_text(CONCERN)  # waits for the page the click opens
    page.context.close()

    page, errors = _login(browser, server_url, "mentor")
    page.goto(f"{server_url}/feedback/m/{cast_pair.pk}/")
    content = page.content()
    assert CONCERN not in content
    assert "Не успели разобрать" not in content
    page.screenshot(path="/tmp/feedback_mentor_360.png", full_page=True)
    page.context.close()
