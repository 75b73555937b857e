"""Issue 10, «Done when», on the demo region in a real browser (no service call once it runs; the database is
only read, to check what the pages did): the college's curator holds the final ceremony (event with
attendance) and nominates a mentor, the director decides the award, the curator completes a pair and
writes a case from it (the form pre-fills from the pair), the regional coordinator publishes it and it shows
on the college's public page; then the curator opens the checklist «Закрытие учебного года», marks a pair to
continue, completes the last one, closes the year — and the next year shows the carried pair."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from nastavnik.demo.builder import DEMO_PASSWORD
from nastavnik.events.models import Award, AwardStatus, CaseStatus, Event, EventKind, PracticeCase
from nastavnik.mentorships.models import Mentorship, MentorshipSource, MentorshipStatus
from nastavnik.orgs.models import Organization
from nastavnik.programs.models import OrganizationYear

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 900}


def _login(browser, base_url, username):
    context = browser.new_context(viewport=DESKTOP, locale="ru-RU")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{username} {page.url}: {error}"))
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page, errors


def _text(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("main"))


def _end_pair(page, base_url, pair_pk):
    """Complete a pair on its page («Программа выполнена», today)."""
    page.goto(base_url + reverse("mentorships:detail", args=[pair_pk]))
    form = page.locator(f"form[action='{reverse('mentorships:end', args=[pair_pk])}']")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_curator_completes_the_year(demo_region, server_url, browser):
    from django.utils import timezone
    from playwright.sync_api import expect  # after the `browser` fixture: it skips where Playwright is absent

    college = Organization.objects.get(short_name="Валуйский колледж")
    today = timezone.localdate()
    year = today.year if today.month >= 9 else today.year - 1
    active = list(
        Mentorship.objects.filter(organization=college, academic_year__start_year=year, status="active").order_by(
            "mentor__last_name", "mentor__first_name"
        )
    )
    assert len(active) >= 3, "the demo college has three active pairs"
    to_case, to_carry, *to_end = active

    curator, errors = _login(browser, server_url, "college.curator")

    # 1. the final ceremony, held an hour ago, with attendance
    curator.goto(server_url + reverse("events:event_create", args=[college.pk]))
    curator.select_option("#id_kind", EventKind.FINAL)
    curator.fill("#id_title", "Торжественное подведение итогов года наставничества")
    start = timezone.localtime() - dt.timedelta(hours=1)
    curator.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    curator.locator("main form[method=post] button[type=submit]").last.click()
    expect(curator.locator("h1")).to_contain_text("Торжественное подведение итогов")
    event = Event.objects.get(title="Торжественное подведение итогов года наставничества")
    curator.locator("input[name=person]").first.check()
    curator.get_by_role("button", name="Записать отмеченных").click()
    curator.locator("input[name=attended]").first.check()
    curator.get_by_role("button", name="Сохранить посещение").click()
    expect(curator.locator("input[name=attended]").first).to_be_checked()
    assert event.registrations.filter(attended=True).count() == 1

    # 2. a mentor nominated for «Лучший наставник», awarded at the ceremony
    curator.goto(server_url + reverse("events:award_nominate", args=[college.pk, year]))
    curator.select_option("#id_nomination", "best_mentor")
    curator.select_option("#id_mentor", str(to_case.mentor_id))
    curator.select_option("#id_event", str(event.pk))
    curator.fill("#id_justification", "Провела 14 встреч, наставляемая поднялась со второго на первое место в группе.")
    curator.locator("main form[method=post] button[type=submit]").last.click()
    curator.wait_for_load_state()
    award = Award.objects.get(organization=college, mentor_id=to_case.mentor_id, event=event)
    director, director_errors = _login(browser, server_url, "college.director")
    director.goto(server_url + reverse("events:awards", args=[college.pk, year]))
    decide = director.locator(f"form[action='{reverse('events:award_decide', args=[award.pk])}']")
    decide.locator("select[name=awarded]").select_option("yes")
    decide.get_by_role("button", name="Принять решение").click()
    director.wait_for_load_state()
    award.refresh_from_db()
    assert award.status == AwardStatus.AWARDED

    # 3. a case written from a completed pair: the form pre-fills from it
    _end_pair(curator, server_url, to_case.pk)
    to_case.refresh_from_db()
    assert to_case.status == MentorshipStatus.COMPLETED
    curator.goto(server_url + reverse("events:case_create", args=[college.pk]) + f"?mentorship={to_case.pk}")
    assert curator.input_value("#id_title")  # pre-filled from the pair
    assert "Проведено встреч" in curator.input_value("#id_results")
    title = "Наставник с производства: первый курс без отчислений"
    curator.fill("#id_title", title)
    if not curator.input_value("#id_problem"):  # the demo pair kept no plan: the curator writes the problem
        curator.fill("#id_problem", "Первокурсники не видят связи учёбы с будущей работой.")
    if not curator.input_value("#id_actions"):
        curator.fill("#id_actions", "Встречи на производстве, разбор реальных задач предприятия.")
    curator.get_by_role("button", name="Сохранить черновик").click()
    curator.get_by_role("button", name="Отправить на проверку").click()
    case = PracticeCase.objects.get(title=title)
    expect(curator.locator("main")).to_contain_text("проверке")
    case.refresh_from_db()
    assert case.mentorship_id == to_case.pk
    assert case.status == CaseStatus.REGION_REVIEW  # written by the curator: straight to the region

    # 4. the regional coordinator publishes it; it shows on the public page (no login)
    region, region_errors = _login(browser, server_url, "region")
    region.goto(server_url + reverse("events:case_detail", args=[case.pk]))
    region.select_option("#id_decision", "approve")
    region.get_by_role("button", name="Сохранить решение").click()
    region.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED
    visitor = browser.new_context(viewport=DESKTOP, locale="ru-RU").new_page()
    visitor.goto(server_url + reverse("events:public_org", args=[college.pk]))
    expect(visitor.locator("main")).to_contain_text(title)

    # 5. the checklist: one pair continues, the others are completed, the year is closed
    close_url = server_url + reverse("programs:year_close", args=[college.pk, year])
    curator.goto(server_url + reverse("programs:year", args=[college.pk, year]))
    curator.get_by_role("link", name="Закрытие учебного года").click()
    curator.wait_for_url(close_url)
    text = _text(curator)
    assert "Проверка перед закрытием" in text
    assert "мешает закрытию" in text
    assert "Год пока нельзя закрыть" in text
    assert re.search(r"Итоговое мероприятие выполнено", text), text
    assert re.search(r"Кейсы наставнической практики выполнено", text), text
    curator.check(f"#continue-{to_carry.pk}")
    curator.get_by_role("button", name="Сохранить отметки").click()
    expect(curator.locator("main")).to_contain_text("Отмечено продолжение в следующем году: 1")
    for pair in to_end:
        _end_pair(curator, server_url, pair.pk)
    curator.goto(close_url)
    expect(curator.locator("#check-mentorships")).to_contain_text("выполнено")
    if curator.locator("#id_confirm").count():
        curator.check("#id_confirm")  # «закрыть несмотря на …»: the annual report is not generated yet
    curator.get_by_role("button", name="Закрыть учебный год").click()
    next_hub = server_url + reverse("programs:year", args=[college.pk, year + 1])
    curator.wait_for_url(next_hub)
    expect(curator.locator("main")).to_contain_text("закрыт")
    assert OrganizationYear.objects.get(organization=college, academic_year__start_year=year).closed_at

    # 6. the next year shows the carried pair; the old one is completed
    carried = Mentorship.objects.get(continued_from=to_carry)
    assert (carried.academic_year.start_year, carried.status, carried.source) == (
        year + 1,
        MentorshipStatus.ACTIVE,
        MentorshipSource.CARRIED,
    )
    to_carry.refresh_from_db()
    assert to_carry.status == MentorshipStatus.COMPLETED
    curator.goto(server_url + reverse("mentorships:list", args=[college.pk, year + 1]))
    expect(curator.locator("main")).to_contain_text(to_carry.mentor.last_name)
    assert carried.mentor_id == to_carry.mentor_id

    assert not (errors + director_errors + region_errors), errors + director_errors + region_errors
