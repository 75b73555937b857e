"""Issue 8, done-when, in a real browser on the demo: the regional coordinator opens «Мониторинг» from the
navigation, recomputes the region's figures, finds the organisation with the lowest coverage (first in
the table), drills down to its pairs without meetings and opens one, downloads the organisation's
registry XLSX and its digest for the regional mentoring centre (DOCX), and both files read correctly.
The browser does the work; the files are opened with openpyxl and python-docx."""

from __future__ import annotations

import io
import re

import docx
import openpyxl
import pytest

from nastavnik.demo.builder import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def _go(page, click):
    with page.expect_navigation():
        click()


def _percent(text: str) -> float:
    return float(text.replace("%", "").replace(",", ".").strip())


def test_coordinator_finds_lowest_coverage_drills_down_and_downloads(demo_region, server_url, browser):
    from nastavnik.mentorships.models import Mentorship
    from nastavnik.orgs.models import Organization

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU", accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server_url}/login/")
    page.fill("#id_username", "region")
    page.fill("#id_password", DEMO_PASSWORD)
    _go(page, lambda: page.click("main button[type=submit]"))

    # the region's dashboard from the navigation: computed live, then from the figures just recomputed
    _go(page, lambda: page.get_by_role("link", name="Мониторинг", exact=True).first.click())
    assert re.search(r"/monitoring/region/\d+/\d{4}/$", page.url)
    assert "Показатели рассчитаны сейчас" in page.locator("#figures-state").inner_text()
    live_table = page.locator("#org-table tbody").inner_text()
    _go(page, lambda: page.get_by_role("button", name="Пересчитать сейчас").click())
    assert "Показатели пересчитаны: организаций — 3." in page.locator("main").inner_text()
    assert "рассчитаны в" in page.locator("#figures-state").inner_text()
    assert page.locator("#org-table tbody").inner_text() == live_table  # the same figures either way

    # the organisation with the lowest coverage comes first
    rows = page.locator("#org-table tbody tr")
    coverages = [_percent(rows.nth(i).locator("td").nth(3).inner_text()) for i in range(rows.count())]
    assert rows.count() == 3
    assert coverages == sorted(coverages)
    lowest = rows.nth(0).locator("td a").first.inner_text()
    organization = Organization.objects.get(short_name=lowest)
    _go(page, lambda: rows.nth(0).locator("td a").first.click())
    assert page.locator("h1").inner_text() == f"Мониторинг: {lowest}"

    # its pairs without meetings, and one of them
    stale = page.locator("section[aria-labelledby='h-stale']")
    assert re.match(r"Пары без встреч 30 дней: [1-9]", stale.locator(".card-header").inner_text())
    mentor = stale.locator("a").first.inner_text()
    _go(page, lambda: stale.locator("a").first.click())
    pair = Mentorship.objects.get(pk=int(re.search(r"/mentorships/(\d+)/", page.url).group(1)))
    assert pair.organization == organization
    assert pair.mentor.full_name == mentor
    assert mentor in page.locator("main").inner_text()
    page.go_back()

    # the registry of the organisation, as XLSX
    _go(page, lambda: page.get_by_role("link", name="Персонифицированный учёт").click())
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать XLSX").click()
    with open(download.value.path(), "rb") as file:
        sheet = openpyxl.load_workbook(io.BytesIO(file.read())).active
    header, *lines = list(sheet.iter_rows(values_only=True))
    assert header[:4] == ("№", "Организация", "Муниципалитет", "Фамилия")
    assert "Форма наставничества" in header
    assert lines
    assert {line[1] for line in lines if line[0]} == {lowest}
    assert any(f"{line[3]} {line[4]} {line[5]}" == mentor for line in lines)

    # the organisation's digest for the regional mentoring centre of the completed year, as DOCX
    _go(page, lambda: page.get_by_role("link", name="Документы", exact=True).first.click())
    _go(page, lambda: page.locator("main").get_by_role("link", name=lowest).click())
    _go(page, lambda: page.get_by_role("link", name=re.compile("^‹ ")).click())
    _go(page, lambda: page.locator("main table a", has_text="Дайджест для регионального").first.click())
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать DOCX").click()
    assert download.value.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in docx.Document(download.value.path()).paragraphs)
    assert "ДАЙДЖЕСТ" in text
    assert organization.name in text
    assert "для регионального наставнического центра" in text
    for heading in ("Ключевые цифры", "Лучшая практика", "Проведённые мероприятия", "Контакты куратора"):
        assert heading in text
    assert "((" not in text
    assert "))" not in text
    assert not errors, errors
