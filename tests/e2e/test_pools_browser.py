"""Issue 5, done-when: a curator of a new school imports a messy class list, sends the request
questionnaire to the mentees' parents, collects consents, evaluates three mentor candidates with the
seed 001 criteria, marks training attendance and sees both pools ready for matching — in a real
browser, with no service call once it runs (the database is only read, to check what the pages did).
The parents answer the questionnaire and give the consent on a 360 px phone, without an account."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from nastavnik.pools.models import CRITERIA, MenteeEntry, MenteeStatus, MentorEntry, MentorStatus

pytestmark = pytest.mark.e2e

PUPILS = ("Иванов Пётр Сергеевич", "Смирнова Анна Олеговна", "Кузнецов Илья Андреевич")
PARENTS = {  # child → (last, first, patronymic, e-mail, kind)
    "Иванов Пётр Сергеевич": ("Иванова", "Мария", "Петровна", "ivanova.m@example.ru", "mother"),
    "Смирнова Анна Олеговна": ("Смирнов", "Олег", "Игоревич", "smirnov.o@example.ru", "father"),
}
MENTORS = ("Осипова Ирина Олеговна", "Зайцева Елена Викторовна", "Морозов Дмитрий Андреевич")
CRUMBS = "nav[aria-label='Навигационная цепочка']"
REQUEST_LOW_RESULTS = "Повысить успеваемость по отдельным предметам (низкие образовательные результаты)"
REQUEST_OLYMPIAD = "Подготовиться к олимпиаде или конкурсу (одарённость)"


def _born(today: dt.date, age: int, month: int, day: int) -> dt.date:
    """The latest birthday on month/day that makes the person `age` years old today: the pupils stay
    12–13 (the guardian signs) whatever the day of the run."""
    born = dt.date(today.year - age, month, day)
    return born if born <= today else dt.date(today.year - age - 1, month, day)


@pytest.fixture
def pools_school(new_school, monkeypatch, settings, tmp_path):
    """The new school's program runs «Учитель – ученик» this year (a draft with the form chosen, the way
    tests/access_cases/pools.py does it); two more teachers join Осипова as mentor candidates.

    The import runs inside the request that starts it instead of a background thread, as in
    tests/people/test_import_views.py: the in-memory SQLite test database locks whole tables, so the
    progress page polled while a thread writes would fail at random (a file or PostgreSQL would not)."""
    from django.contrib.auth import get_user_model
    from django.urls import get_resolver

    from nastavnik.people import import_services
    from nastavnik.people import services as people
    from nastavnik.pools.services import request_categories_sync
    from nastavnik.programs import services as programs
    from nastavnik.programs.models import MentoringForm

    monkeypatch.setattr(
        import_services, "start_worker", lambda job_id: import_services.run_job(job_id, close_connections=False)
    )
    settings.MEDIA_ROOT = tmp_path / "media"  # the uploaded list and the scans, not the checkout's data/media
    _views = get_resolver().url_patterns  # import every view now, not inside the browser's first 30-s wait

    admin = get_user_model().objects.get(username="root")
    program = programs.program_create(actor=admin, organization=new_school, title="Программа наставничества")
    programs.program_save_step(
        actor=admin,
        program=program,
        step="forms",
        data={"forms": list(MentoringForm.objects.filter(code="teacher_pupil"))},
    )
    request_categories_sync()  # a flushed test database loses what the migration loaded
    for last, first, patronymic in (("Зайцева", "Елена", "Викторовна"), ("Морозов", "Дмитрий", "Андреевич")):
        people.person_create(
            actor=admin, organization=new_school, last_name=last, first_name=first, patronymic=patronymic,
            category="staff", birth_date=dt.date(1979, 9, 12), position="учитель",
        )  # fmt: skip
    return new_school


def _class_list(path, today: dt.date):
    """The list as a class teacher keeps it: a title, a blank row, the header on row 3 with a «№ п/п»
    column and an unrecognised «Родился(ась)» header, ФИО in one column, «7 б», one date as text and
    the others as Excel dates, a blank row between the pupils."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "7 б"
    sheet.append(["Список обучающихся 7 б класса"])
    sheet.append([])
    sheet.append(["№ п/п", "Ф.И.О. обучающегося", "Класс", "Родился(ась)"])
    first = _born(today, 13, 3, 5)
    sheet.append([1, "  иванов   Пётр Сергеевич ", "7 б", first.strftime("%d.%m.%Y")])
    sheet.append([])
    sheet.append([2, "Смирнова Анна Олеговна", "7 б", dt.datetime.combine(_born(today, 13, 7, 14), dt.time())])
    sheet.append([3, "Кузнецов Илья Андреевич", "7Б", dt.datetime.combine(_born(today, 12, 11, 30), dt.time())])
    sheet["D6"].number_format = "DD.MM.YYYY"
    sheet["D7"].number_format = "DD.MM.YYYY"
    book.save(path)
    return path


def _no_overflow(page) -> None:
    """Usable on a 360 px phone: nothing wider than the screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url}: страница шириной {width}px не помещается на телефоне 360px"


def test_curator_fills_both_pools(pools_school, server_url, browser, tmp_path):
    from django.utils import timezone
    from playwright.sync_api import expect  # after the `browser` fixture: it skips where Playwright is absent

    from nastavnik.people.models import Person

    school = pools_school
    today = timezone.localdate()
    year = today.year if today.month >= 9 else today.year - 1
    errors: list[str] = []

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    phone = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="ru-RU", is_mobile=True, has_touch=True
    ).new_page()
    phone.on("pageerror", lambda error: errors.append(f"телефон {phone.url}: {error}"))

    def message(text: str):
        expect(page.locator(".alert", has_text=text).first).to_be_visible()

    page.goto(f"{server_url}/login/")
    page.fill("#id_username", "belova")
    page.fill("#id_password", "curator-pass-123")
    page.click("main button[type=submit]")
    expect(page.locator("nav").first).to_contain_text("Участники")

    # 1. the messy class list: upload → map the column the page did not recognise → preview → import
    page.click("nav >> text=Участники")
    page.click("text=Импорт списка")
    page.set_input_files("#id_file", str(_class_list(tmp_path / "7б список.xlsx", today)))
    page.click("text=Загрузить и проверить")
    expect(page.locator("h1")).to_contain_text("Проверка файла")
    expect(page.locator(".page-subtitle")).to_contain_text("заголовки в строке 3")
    page.select_option("#id_birth_date", label="D: Родился(ась)")
    page.click("text=Применить и проверить заново")
    message("Сопоставление столбцов применено")
    expect(page.get_by_text("Ошибок нет. Будет добавлено 3")).to_be_visible()
    page.click("button:has-text('Импортировать')")
    expect(page.get_by_text("Импорт завершён: добавлено 3")).to_be_visible(timeout=30_000)
    page.click("text=Открыть отчёт")
    expect(page.locator("table")).to_contain_text("Иванов Пётр Сергеевич")
    pupils = {p.full_name: p for p in Person.objects.filter(organization=school, category="pupil")}
    assert sorted(pupils) == sorted(PUPILS)
    assert {p.class_name for p in pupils.values()} == {"7Б"}
    assert pupils[PUPILS[0]].birth_date == _born(today, 13, 3, 5)  # the date written as text
    assert pupils[PUPILS[1]].birth_date == _born(today, 13, 7, 14)  # the Excel date

    # the import takes no parents: the curator adds two and links them to their children
    for child, (last, first, patronymic, email, kind) in PARENTS.items():
        page.goto(f"{server_url}/people/new/?organization={school.pk}")
        page.fill("#id_last_name", last)
        page.fill("#id_first_name", first)
        page.fill("#id_patronymic", patronymic)
        page.select_option("#id_category", "parent")
        page.fill("#id_email", email)
        page.click("main button:text-is('Сохранить')")
        message("добавлен(а) в список участников")
        page.click("nav >> text=Участники")
        page.click(f"main a:text-is('{child}')")
        page.click("a[href$='/guardians/new/']")
        page.select_option("#id_guardian", label=f"{last} {first} {patronymic}")
        page.select_option("#id_kind", kind)
        page.click("main button:text-is('Сохранить')")
        message("Законный представитель указан")

    # 2. the request questionnaire to 7Б, answered by the parents on their phones
    page.click("nav >> text=Анкеты")
    page.locator("li", has_text="Анкета наставляемого: запрос на наставничество").locator(
        "button:has-text('Создать анкету')"
    ).click()
    message("Анкета создана")
    page.click("main a:has-text('Разослать')")
    page.check("input[name=audience_kind][value=class]")
    page.select_option("#id_class_name", "7Б")
    page.check("#id_guardians_answer")
    page.click("button:has-text('Создать ссылки')")
    message("Создано 2 персональные ссылки")
    message("Нет законного представителя — ссылка не создана: Кузнецов Илья Андреевич")
    message("Ссылки отправлены на почту: 2 адресата")
    links = {}
    for child, (last, first, patronymic, *_rest) in PARENTS.items():
        row = page.locator("tbody tr", has_text=f"{last} {first} {patronymic}")
        expect(row).to_contain_text(child)
        links[child] = row.locator("input.q-link").input_value()
    campaign_url = page.url

    answers = {PUPILS[0]: (REQUEST_LOW_RESULTS, "По каким предметам", "Алгебра и геометрия")}
    answers[PUPILS[1]] = (REQUEST_OLYMPIAD, "К какой олимпиаде", "Всероссийская олимпиада по биологии")
    for child, (request, follow_up, text) in answers.items():
        phone.goto(links[child])
        expect(phone.locator("h1")).to_contain_text("Анкета наставляемого")
        expect(phone.get_by_text("Анкета о ребёнке")).to_contain_text(child.split()[1])
        _no_overflow(phone)
        phone.get_by_label(request).check()
        phone.get_by_label(follow_up).fill(text)  # the conditional question appears (htmx)
        phone.locator("fieldset", has_text="Насколько вам сейчас нужна").get_by_text("8", exact=True).click()
        phone.get_by_label("Очно", exact=True).check()
        phone.get_by_label("1–2 часа").check()
        phone.get_by_label("Ваши интересы и увлечения").fill("Шахматы, биология, рисование")
        phone.click("button:has-text('Отправить ответы')")
        expect(phone.locator("h1")).not_to_have_text("Анкета наставляемого: запрос на наставничество")
        assert "Форма устарела" not in phone.locator("h1").inner_text(), (
            "Ответ на анкету отклонён проверкой CSRF (403 «Форма устарела»): страница ответа отдаёт "
            "Referrer-Policy: no-referrer, и Chromium отправляет форму с Origin: null."
        )
        expect(phone.get_by_text("Спасибо! Ответы сохранены")).to_be_visible()
    page.goto(campaign_url)
    expect(page.locator(".stat").nth(1)).to_have_text("2")

    # 3. consents: the electronic one-time link for Иванов (his mother signs on her phone), signed
    # paper forms scanned for Смирнова and the three teachers
    scan = tmp_path / "согласие.pdf"
    scan.write_bytes(b"%PDF-1.4\n% signed consent form\n%%EOF\n")
    consents_url = f"{server_url}/consents/org/{school.pk}/"
    page.goto(consents_url)
    page.click(f"main a:text-is('{PUPILS[0]}')")
    page.click("button:has-text('Ссылка для электронного согласия')")
    message("Ссылка создана")
    consent_link = page.locator(".alert-info code").inner_text().strip()
    phone.goto(consent_link)
    expect(phone.locator(".consent-text")).to_contain_text("Иванова Мария Петровна")
    _no_overflow(phone)
    phone.check("#agree")
    if phone.locator("#minor").count():  # 14 and over: the minor agrees too
        phone.check("#minor")
    phone.click("button:has-text('Дать согласие')")
    expect(phone.get_by_text("Спасибо, согласие получено")).to_be_visible()
    for name in (PUPILS[1], *MENTORS):
        page.goto(consents_url)
        page.click(f"main a:text-is('{name}')")
        page.click("text=Загрузить скан")
        page.set_input_files("#id_scan", str(scan))
        page.click("main button:text-is('Сохранить')")
        message("Согласие (скан) сохранено")
    page.goto(consents_url)
    for name in (*PUPILS[:2], *MENTORS):
        expect(page.locator("tr", has_text=name).locator(".badge")).to_have_text("есть")

    # 4. the answered mentees go into the mentee pool and, having consents, are included at once
    page.goto(campaign_url)
    page.click("text=Добавить ответивших в базу наставляемых")
    page.select_option("#id_form", label="Учитель – ученик")
    expect(page.locator("#id_include_with_consent")).to_be_checked()
    page.click("button:has-text('Добавить в базу')")
    message("Добавлено 2 кандидата в наставляемые")
    message("Сразу включены в базу (есть согласие)")
    expect(page.locator("h1")).to_have_text("База наставляемых")
    mentees = {e.person.full_name: e for e in MenteeEntry.objects.filter(organization=school).select_related("person")}
    assert sorted(mentees) == sorted(PUPILS[:2])
    assert {e.status for e in mentees.values()} == {MenteeStatus.INCLUDED}
    assert "Алгебра и геометрия" in mentees[PUPILS[0]].request_text
    assert mentees[PUPILS[0]].preferred_format == "in_person"

    # 5. three mentor candidates, each with a full seed 001 score sheet, approved
    page.click("a.nav-link:text-is('Наставники')")
    for number, name in enumerate(MENTORS):
        page.click("text=Добавить кандидата")
        option = page.locator("#id_person option", has_text=name)
        page.select_option("#id_person", option.get_attribute("value"))
        page.select_option("#id_form", label="Учитель – ученик")
        page.fill("#id_competencies", "Высшая квалификационная категория, призёры олимпиад")
        page.fill("#id_topics", "подготовка к олимпиадам\nматематика")
        page.fill("#id_capacity", "2")
        page.click("main button:text-is('Сохранить')")
        message("кандидат в наставники")
        page.click("text=Заполнить оценочный лист")
        rows = page.locator("form tbody tr")
        expect(rows).to_have_count(len(CRITERIA))
        for index, (code, _name) in enumerate(CRITERIA):
            page.check(f"input[name=score_{code}][value='{3 if (index + number) % 3 else 2}']")
        page.fill("input[name=comment_motivation]", "Сам предложил свою кандидатуру")
        page.click("button:has-text('Сохранить оценочный лист')")
        message("Оценочный лист сохранён")
        expect(page.locator("#h-scores + .card-body tfoot")).to_contain_text("Итого")
        expect(page.locator("input[name=decision][value=approve]")).to_be_checked()
        page.click("button:has-text('Принять решение')")
        message("Решение принято: одобрен")
        page.click(f"{CRUMBS} a:text-is('База наставников')")
    mentors = {e.person.full_name: e for e in MentorEntry.objects.filter(organization=school).select_related("person")}
    assert sorted(mentors) == sorted(MENTORS)
    assert {e.status for e in mentors.values()} == {MentorStatus.APPROVED}
    assert all(e.scores.count() == len(CRITERIA) for e in mentors.values())

    # 6. the training of mentors, attendance marked → «Прошёл обучение»
    page.click("a.nav-link:text-is('Обучение наставников')")  # the tabs of the mentor pool
    page.click("main a.btn-primary:has-text('Обучение')")
    page.fill("#id_title", "Школа наставника: роль наставника и индивидуальный план")
    page.fill("#id_date", today.isoformat())
    page.fill("#id_place", "Актовый зал")
    page.fill("#id_trainer", "Методист муниципального центра")
    page.fill("#id_program", "1. Роль наставника.\n2. Индивидуальный план развития.")
    page.click("main button:text-is('Сохранить')")
    message("Обучение сохранено")
    for name in MENTORS:
        page.locator("li", has_text=name).locator("input[name=attended]").check()
    page.click("button:has-text('Сохранить посещение')")
    message("Прошли обучение (статус «Прошёл обучение»): 3")
    expect(page.locator("#h-attendance")).to_have_text("Посещение: 3 из 3")
    assert set(MentorEntry.objects.filter(organization=school).values_list("status", flat=True)) == {
        MentorStatus.TRAINED
    }

    # 7. the overview: both pools are ready for matching
    page.click(f"{CRUMBS} a:text-is('Базы наставников и наставляемых')")
    expect(page.locator("h1")).to_have_text("Базы наставников и наставляемых")
    assert re.search(rf"/pools/org/{school.pk}/{year}/$", page.url), page.url
    stats = page.locator(".stat").all_inner_texts()
    assert [s.strip() for s in stats[:4]] == ["2", "3", "6", "0"], stats
    row = page.locator("#h-forms + .table-responsive tbody tr", has_text="Учитель – ученик")
    expect(row).to_contain_text("готовы 2")
    expect(row).to_contain_text("готовы 3")
    expect(page.get_by_text("мест меньше, чем наставляемых")).to_have_count(0)
    expect(page.locator("#h-trainings").locator("xpath=..")).to_contain_text("присутствовали: 3")
    assert not errors, errors
