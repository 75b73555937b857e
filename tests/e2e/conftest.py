import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def browser(monkeypatch):
    """Headless Debian Chromium driven by Playwright; skipped, with a reason, where it is absent."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium не найден ({CHROMIUM}), а REQUIRE_BROWSER задан (CI должен его установить).")
        pytest.skip(f"Chromium не найден ({CHROMIUM}): браузерные тесты пропущены. Установите пакет chromium.")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the live server's DB work is sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
        # ORM calls made while Playwright's loop ran used a context-local connection: close it, or
        # PostgreSQL cannot drop the test database at the end of the run.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def server_url(django_db_setup, live_server):
    """The live server's address. Asking for the test database first makes pytest tear the (session)
    live server down before the database, so PostgreSQL can drop it with no session left open."""
    return live_server.url


_DEMO_SNAPSHOT: list = []  # SQLite: the demo database as built by the first test of this worker


@pytest.fixture
def demo_region(transactional_db):
    """The demo region, loaded before the browser starts: inside Playwright's running event loop
    Django would open a second, context-local connection that nobody closes.

    On SQLite (the in-memory test database the live server shares) the region is built once per worker
    and kept as an in-memory copy (sqlite3's backup API); each later test gets that copy back in
    milliseconds instead of the half-minute build. The flush between tests recreates the content types
    with new ids, so their cache is cleared after the copy comes back."""
    import io
    import sqlite3

    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        call_command("load_demo", stdout=io.StringIO())
        return
    connection.ensure_connection()
    if _DEMO_SNAPSHOT:
        _DEMO_SNAPSHOT[0].backup(connection.connection)
    else:
        call_command("load_demo", stdout=io.StringIO())
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        _DEMO_SNAPSHOT.append(copy)
    ContentType.objects.clear_cache()


@pytest.fixture
def new_school(transactional_db):
    """A new organisation as a curator meets it: only people and roles, no program yet."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from nastavnik.orgs import services as orgs
    from nastavnik.people import services as people

    admin = get_user_model().objects.create_superuser("root", "root@example.ru", "root-pass-123")
    region = orgs.region_save(actor=admin, name="Курская область", code="46")
    municipality = orgs.municipality_save(actor=admin, region=region, name="Город Курск")
    school = orgs.organization_create(
        actor=admin, municipality=municipality, kind="school", name="МБОУ «Средняя школа № 5»", short_name="Школа № 5"
    )
    from nastavnik.programs.services import mentoring_forms_sync

    orgs.academic_year_current()
    mentoring_forms_sync()
    staff = {}
    for key, (last, first, patronymic) in {
        "curator": ("Белова", "Анна", "Сергеевна"),
        "director": ("Громов", "Виктор", "Павлович"),
        "teacher": ("Осипова", "Ирина", "Олеговна"),
    }.items():
        staff[key] = people.person_create(
            actor=admin, organization=school, last_name=last, first_name=first, patronymic=patronymic,
            category="staff", birth_date=dt.date(1985, 3, 1),
        )  # fmt: skip
    people.role_grant(actor=admin, person=staff["curator"], kind="curator", organization=school)
    people.role_grant(actor=admin, person=staff["director"], kind="director", organization=school)
    people.account_create(actor=admin, person=staff["curator"], username="belova", password="curator-pass-123")
    return school
