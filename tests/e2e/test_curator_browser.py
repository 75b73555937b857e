"""A real browser: the demo curator logs in, finds a pupil in the people list and opens the card."""

import pytest

from nastavnik.demo.builder import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def _login(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_curator_opens_people_list_and_a_card(demo_region, server_url, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="ru-RU")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    _login(page, server_url, "college.curator")
    assert page.locator("h1").inner_text().startswith("Здравствуйте")
    assert page.get_by_text("Валуйский колледж").first.is_visible()

    page.goto(f"{server_url}/people/")
    assert page.locator("h1").inner_text() == "Участники"
    rows_before = page.locator("#results tbody tr").count()
    assert rows_before == 25  # the first page of the college's list

    # search as you type (htmx): lower case finds a capitalised Cyrillic surname
    name = page.locator("#results tbody tr td a").first.inner_text()
    surname = name.split()[0]
    page.fill("#id_q", surname.lower())
    page.wait_for_function(
        "(n) => document.querySelectorAll('#results tbody tr').length < n", arg=rows_before, timeout=5000
    )
    assert surname.lower() in page.url.lower() or "q=" in page.url  # the filter is in the address
    page.locator("#results tbody tr td a", has_text=name).first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == name
    assert page.get_by_text("Сведения").is_visible()
    assert page.locator(".card-header", has_text="Роли").is_visible()
    assert not errors, errors
    context.close()


def test_mentor_on_a_phone_sees_own_page_and_no_registers(demo_region, server_url, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU")
    page = context.new_page()
    _login(page, server_url, "gymnasium.mentor")
    assert page.get_by_text("Мои наставляемые").is_visible()
    response = page.goto(f"{server_url}/people/")
    assert response.status == 403
    assert page.get_by_text("Нет прав на это действие").is_visible()
    context.close()
