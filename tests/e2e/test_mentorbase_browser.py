"""Issue 10, «Done when» (item 5), in a real browser: a school curator who lacks a mentor finds none in the
own municipality, widens the search to the region's base, finds the college's mentor by a competency and sends
a request; the college's curator sees it waiting on the long-term base page and accepts it; the school's
curator then sees the mentor's contacts (hidden until then). No service call once the browser runs — the
database is only read, to check what the pages did. The search page is usable on a 360 px phone."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from nastavnik.mentorbase.models import MentorRequest, RequestStatus

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
MENTOR_PHONE = "+7 (900) 555-12-34"


@pytest.fixture
def two_organisations(transactional_db):
    """A region with a school (curator Белова) and, in another municipality, a college whose curator
    (Громова) keeps Осипова in the long-term base, shown to other organisations with her consent."""
    from django.contrib.auth import get_user_model
    from django.urls import get_resolver
    from django.utils import timezone

    from nastavnik.consents.models import Consent
    from nastavnik.mentorbase import services as mentorbase
    from nastavnik.orgs import services as orgs
    from nastavnik.people import services as people
    from nastavnik.programs.services import mentoring_forms_sync

    _views = get_resolver().url_patterns  # import every view now, not inside the browser's first wait
    admin = get_user_model().objects.create_superuser("root", "root@example.ru", "root-pass-123")
    region = orgs.region_save(actor=admin, name="Курская область", code="46")
    kursk = orgs.municipality_save(actor=admin, region=region, name="Город Курск")
    rylsk = orgs.municipality_save(actor=admin, region=region, name="Рыльский район")
    school = orgs.organization_create(
        actor=admin, municipality=kursk, kind="school", name="МБОУ «Средняя школа № 5»", short_name="Школа № 5"
    )
    college = orgs.organization_create(
        actor=admin, municipality=rylsk, kind="college", name="ОБПОУ «Рыльский аграрный техникум»",
        short_name="Рыльский техникум",
    )  # fmt: skip
    orgs.academic_year_current()
    mentoring_forms_sync()
    from nastavnik.programs import services as programs
    from nastavnik.programs.models import MentoringForm

    program = programs.program_create(actor=admin, organization=school, title="Программа наставничества школы № 5")
    programs.program_save_step(
        actor=admin,
        program=program,
        step="forms",
        data={"forms": list(MentoringForm.objects.filter(code="teacher_pupil"))},
    )
    for organization, (last, first, patronymic), username in (
        (school, ("Белова", "Анна", "Сергеевна"), "belova"),
        (college, ("Громова", "Вера", "Павловна"), "gromova"),
    ):
        curator = people.person_create(
            actor=admin, organization=organization, last_name=last, first_name=first, patronymic=patronymic,
            category="staff", birth_date=dt.date(1985, 3, 1),
        )  # fmt: skip
        people.role_grant(actor=admin, person=curator, kind="curator", organization=organization)
        people.account_create(actor=admin, person=curator, username=username, password="curator-pass-123")
    mentor = people.person_create(
        actor=admin, organization=college, last_name="Осипова", first_name="Ирина", patronymic="Олеговна",
        category="staff", birth_date=dt.date(1979, 9, 12), position="преподаватель", subject="агрономия",
        phone=MENTOR_PHONE, email="osipova@example.ru",
    )  # fmt: skip
    Consent.objects.create(
        person=mentor, organization=college, kind="adult", method="scan", signer_name=mentor.full_name,
        text="Согласие на обработку персональных данных участника программы наставничества", given_at=timezone.now(),
    )  # fmt: skip
    entry = mentorbase.base_add(
        actor=admin, organization=college, person=mentor, reason="Наставник года в техникуме",
    )  # fmt: skip
    entry.competencies = "Профориентация школьников, агротехнологии, проектная работа"
    entry.save()
    mentorbase.base_refresh(actor=admin, organization=college)  # the search key follows the competencies
    mentorbase.base_update(actor=admin, mentor=entry, available_elsewhere=True, consent_confirmed=True)
    return school, college


def _login(browser, base_url, username, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="ru-RU")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{username} {page.url}: {error}"))
    page.goto(f"{base_url}/login/", timeout=60_000)  # the first request warms the live server up
    page.fill("#id_username", username)
    page.fill("#id_password", "curator-pass-123")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page, errors


def _text(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("main"))


def test_school_finds_a_mentor_in_the_region_and_the_college_accepts(two_organisations, server_url, browser):
    from django.urls import reverse
    from playwright.sync_api import expect  # after the `browser` fixture: it skips where Playwright is absent

    school, college = two_organisations

    # the school's curator: the own municipality has nobody, the region has the college's mentor
    page, errors = _login(browser, server_url, "belova")
    page.goto(server_url + reverse("mentorbase:index"))
    expect(page.locator("h1")).to_contain_text("Долгосрочная база наставников")
    page.click("text=Найти наставника рядом")
    expect(page.get_by_text("В своём муниципалитете никого не нашлось")).to_be_visible()
    page.click("text=Искать во всём регионе")
    page.fill("#id_q", "ПРОФОРИЕНТАЦИЯ")
    page.click("main form button[type=submit]")
    card = page.locator(".mentor-card", has_text="Осипова Ирина Олеговна")
    expect(card).to_contain_text("Рыльский техникум")
    assert MENTOR_PHONE not in _text(page)  # no contacts before the acceptance
    card.locator("text=Запросить наставника").click()
    expect(page.locator("h1")).to_contain_text("Запрос наставника: Осипова Ирина Олеговна")
    page.select_option("#id_form", label="Учитель – ученик")
    page.fill("#id_need", "Профориентация для 9-х классов: знакомство с аграрными профессиями")
    page.click("main button[type=submit]")
    expect(page.locator(".alert", has_text="Запрос отправлен")).to_be_visible()
    expect(page.locator("#request-status")).to_have_text("Отправлен")
    request = MentorRequest.objects.get()
    assert (request.from_organization, request.to_organization) == (school, college)

    # the same request twice is refused
    page.goto(server_url + reverse("mentorbase:request_new", args=[school.pk, request.mentor_id]))
    page.select_option("#id_form", label="Учитель – ученик")
    page.fill("#id_need", "Ещё раз то же самое")
    page.click("main button[type=submit]")
    expect(page.get_by_text("уже отправлен и ждёт ответа")).to_be_visible()
    assert MentorRequest.objects.count() == 1

    # the college's curator sees the request waiting and accepts it
    college_page, college_errors = _login(browser, server_url, "gromova")
    college_page.goto(server_url + reverse("mentorbase:index"))
    college_page.click("text=Школа № 5 просит наставника Осипова Ирина Олеговна")
    expect(college_page.locator("main")).to_contain_text("Профориентация для 9-х классов")
    college_page.check("text=Принять")
    college_page.fill("#id_comment", "Согласовано с Ириной Олеговной")
    college_page.click("main form button[type=submit]")
    expect(college_page.locator("#request-status")).to_have_text("Принят")
    assert MentorRequest.objects.get().status == RequestStatus.ACCEPTED

    # the school's curator now sees the contacts
    page.goto(server_url + reverse("mentorbase:request_detail", args=[request.pk]))
    expect(page.locator("#request-status")).to_have_text("Принят")
    expect(page.locator("main")).to_contain_text(MENTOR_PHONE)
    expect(page.locator("main")).to_contain_text("osipova@example.ru")

    # … and puts the lent mentor into the school's own base of mentors, approved, ready to be paired
    page.click("text=Внести в базу наставников")
    expect(page.locator("#request-pool-entry")).to_contain_text("статус «Одобрен»")
    from nastavnik.pools.models import MentorEntry

    lent = MentorEntry.objects.get(organization=school)
    assert (lent.person.last_name, lent.status, lent.source, lent.form.code) == (
        "Осипова",
        "approved",
        "outside",
        "teacher_pupil",
    )
    page.click("#request-pool-entry a")
    expect(page.locator("main")).to_contain_text("Осипова Ирина Олеговна")

    # the search works on a phone
    phone, phone_errors = _login(browser, server_url, "belova", viewport=PHONE)
    phone.goto(server_url + reverse("mentorbase:find", args=[school.pk]) + "?scope=region")
    expect(phone.locator(".mentor-card")).to_contain_text("Осипова")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"страница шириной {width}px не помещается на телефоне 360px"
    assert not errors + college_errors + phone_errors
