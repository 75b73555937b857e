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


@pytest.fixture
def server_url(django_db_setup, live_server):
    """The live server's address. Asking for the test database first makes pytest tear the (session)
    live server down before the database, so PostgreSQL can drop it with no session left open."""
    return live_server.url


@pytest.fixture
def demo_region(transactional_db):
    """The demo region, loaded before the browser starts: inside Playwright's running event loop
    Django would open a second, context-local connection that nobody closes."""
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
