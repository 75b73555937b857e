"""Issue «preparation stage», done-when: a curator of a new organisation builds a program with the
constructor, enables two forms, loads the seed 000 roadmap, assigns a responsible person and sees
the year's timeline — in a real browser, without reading any documentation."""

import pytest

from nastavnik.programs.models import Program, Roadmap

pytestmark = pytest.mark.e2e


def _go(page, selector):
    """Click something that loads a new page and wait until that page has loaded: a bare click
    returns as soon as the click is sent, and reading the page then races the navigation."""
    with page.expect_navigation():
        page.click(selector)


def _next(page):
    _go(page, "button[name=next]")


def test_curator_prepares_the_year(new_school, server_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{server_url}/login/")
    page.fill("#id_username", "belova")
    page.fill("#id_password", "curator-pass-123")
    _go(page, "main button[type=submit]")
    _go(page, "text=Программа и дорожная карта")
    assert "Программы на этот год ещё нет" in page.content()

    # the constructor, step by step
    page.fill("#id_title", "Программа наставничества школы № 5")
    _go(page, "text=Создать программу")
    page.fill("#id_problem", "Низкая учебная мотивация части обучающихся 5–8 классов.")
    _next(page)
    page.fill("#id_goal", "Повысить учебную мотивацию")
    page.wait_for_selector("#smart .alert-warning")  # the SMART check reacts while typing
    page.fill("#id_goal", "Вовлечь в наставничество 20 % обучающихся 5–8 классов к 31 мая")
    page.wait_for_selector("#smart .alert-success")
    _next(page)
    page.fill("#id_target_audience", "Обучающиеся 5–8 классов с низкой учебной мотивацией.")
    _next(page)
    page.select_option("#id_results-0-kind", "quantitative")
    page.fill("#id_results-0-text", "Доля обучающихся 5–8 классов в наставничестве")
    page.fill("#id_results-0-target_value", "20")
    page.fill("#id_results-0-unit", "%")
    _next(page)
    page.fill("#id_implementers", "Куратор и рабочая группа школы, педагоги-наставники.")
    _next(page)
    page.fill("#id_human", "Куратор и пять педагогов-наставников.")
    _next(page)
    assert "Р-145" in page.content()  # the normative base comes pre-filled
    _next(page)
    page.check("text=«Ученик – ученик»")
    page.check("text=«Учитель – ученик»")
    _next(page)
    _next(page)  # the dates are pre-filled with the academic year
    assert "Для утверждения не заполнено" not in page.content()
    program = Program.objects.get(organization=new_school)
    assert sorted(program.forms.values_list("code", flat=True)) == ["pupil_pupil", "teacher_pupil"]

    # the roadmap from seed 000, a responsible person, the timeline
    page.goto(f"{server_url}/programs/org/{new_school.pk}/{program.academic_year.start_year}/roadmap/")
    page.check("text=пункты 1.1–7.8")
    _go(page, "text=Загрузить дорожную карту")
    assert "Дорожная карта загружена: 35 пунктов" in page.content()
    page.click("#item-{} summary".format(Roadmap.objects.get().items.get(code="1.1").pk))
    page.click("text=пункт целиком >> nth=0")
    page.select_option("#id_responsible", label="Осипова Ирина Олеговна")
    _go(page, "main button[type=submit] >> text=Сохранить")
    _go(page, "text=По месяцам")
    assert page.locator("table.timeline tbody tr").count() == 35
    assert "И. О. Осипова" in page.content()
    assert not errors, errors
