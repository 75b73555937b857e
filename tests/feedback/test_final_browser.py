"""A real browser on a 360 px phone: the curator plans the ending of a pair (reason and final meeting);
the mentee answers the final feedback from her page; the curator sees the answer on the pair's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nastavnik.feedback.models import FinalFeedback
from tests.e2e.conftest import browser, server_url  # noqa: F401 — the e2e fixtures
from tests.feedback.test_browser import _catalogues, _fits_the_phone, _login  # noqa: F401

pytestmark = pytest.mark.e2e


def test_curator_plans_the_ending_mentee_gives_final_feedback(transactional_db, cast, cast_pair, server_url, browser):  # noqa: F811
    day = timezone.localdate() + dt.timedelta(days=7)
    page, errors = _login(browser, server_url, "curator")
    page.goto(f"{server_url}/mentorships/{cast_pair.pk}/")
    page.get_by_role("link", name="Запланировать завершение").click()
    assert _fits_the_phone(page)
    page.select_option("#id_reason", "completed")
    page.fill("#id_date", day.isoformat())
    page.fill("#id_place", "Актовый зал")
    page.get_by_role("button", name="Запланировать", exact=True).click()
    page.wait_for_url(f"{server_url}/mentorships/{cast_pair.pk}/")
    content = page.content()
    assert "Завершение запланировано на" in content
    assert "ответили 0 из 3" in content
    assert not errors
    page.context.close()

    page, errors = _login(browser, server_url, "mentee")
    page.goto(f"{server_url}/mentorships/my/")
    page.locator("a[href*='/final/']").first.click()
    page.wait_for_url(f"**/feedback/m/{cast_pair.pk}/final/**")
    assert _fits_the_phone(page)
    page.locator("label", has_text="9").first.click()
    page.fill("#id_most_useful", "Разбирали олимпиадные задачи")
    page.locator("label[for=id_wants_continue_0]").click()
    page.locator("label[for=id_wants_to_mentor_0]").click()
    page.screenshot(path="/tmp/final_feedback_mentee_360.png", full_page=True)
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url(f"{server_url}/mentorships/{cast_pair.pk}/")
    assert "Спасибо! Итоги сохранены." in page.content()
    assert not errors
    page.context.close()
    answer = FinalFeedback.objects.get()
    assert (answer.person_id, answer.goal_reached, answer.wants_to_mentor) == (cast.user("mentee").person.pk, 9, True)

    page, errors = _login(browser, server_url, "curator")
    page.goto(f"{server_url}/mentorships/{cast_pair.pk}/")
    assert "Разбирали олимпиадные задачи" in page.content()
    assert _fits_the_phone(page)
    page.screenshot(path="/tmp/final_curator_360.png", full_page=True)
    page.context.close()
