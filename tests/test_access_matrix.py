"""The access matrix: every URL of the project, checked for every kind of stranger.

- an anonymous visitor is sent to the login page;
- a user of another organisation (and another region's coordinator) gets 404 on an object
  of school A, and a list page shows them nothing of school A;
- a read-only role (a working-group member) gets 403 on every write, and nothing changes.

`test_every_url_is_in_the_matrix` fails when a URL is added without a case, so the matrix grows
with the project: each app describes its URLs in `tests/access_cases/<app>.py` (a `CASES` dict of
URL name → Case), and every module of that package is collected automatically.
"""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from nastavnik.people.models import GuardianLink, Person, Role
from nastavnik.programs.models import Program, Roadmap, RoadmapItem, WorkingGroupMeeting

from .access_cases import CASES
from .access_cases.core import _program, _roadmap
from .conftest import build_cast, flush_database

PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# Django's admin has its own staff-only login and is not part of the product's UI.
SKIPPED_NAMESPACES = {"admin"}
LEAK_MARKERS = ["Ершовская СОШ", "Иванова", "Валуйский", "Казакова"]


# A plausible form for every write, so that a 403 is about rights, not about bad input.
POST_DATA = {
    "last_name": "Новикова",
    "first_name": "Анна",
    "patronymic": "Игоревна",
    "gender": "f",
    "category": "staff",
    "name": "Новое название",
    "short_name": "Новое",
    "code": "99",
    "kind": "mentor",
    "start_year": "2030",
    "organization": "",
    "status": "done",
    "evidence_text": "приказ",
    "template": "seed000",
    "date": "2026-10-01",
    "agenda": "Повестка",
}


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    """The matrix only reads the cast (and asserts that nothing changes), so it is built once for the
    module, committed, and every check runs in a transaction that is rolled back: ~1,400 checks would
    otherwise build it ~1,400 times. The database is emptied again when the module is done."""
    with django_db_blocker.unblock():
        built = build_cast()
    yield built
    with django_db_blocker.unblock():
        flush_database()


def _iter_urls(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _iter_urls(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name, namespace


def _project_url_names() -> set[str]:
    return {name for name, namespace in _iter_urls() if namespace not in SKIPPED_NAMESPACES} - PUBLIC


def _url(name, cast):
    case = CASES[name]
    return reverse(name, kwargs=case.kwargs(cast) if case.kwargs else None)


def _object_cases():
    return sorted(name for name, case in CASES.items() if case.kwargs and not (case.shared or case.public))


def _write_cases():
    return sorted(name for name, case in CASES.items() if case.write and not case.public)


def _login_cases():
    return sorted(name for name, case in CASES.items() if not case.public)


def _snapshot():
    return tuple(
        model.objects.count()
        for model in (LogEntry, Person, Role, GuardianLink, Program, Roadmap, RoadmapItem, WorkingGroupMeeting)
    )


def test_every_url_is_in_the_matrix():
    missing = _project_url_names() - set(CASES)
    stale = set(CASES) - _project_url_names()
    assert not missing, f"add these URLs to a CASES dict in tests/access_cases/: {sorted(missing)}"
    assert not stale, f"these CASES no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", _login_cases())
def test_anonymous_is_sent_to_login(client, cast, name):
    url = _url(name, cast)
    case = CASES[name]
    response = client.post(url) if case.post_only or (case.write and case.kwargs) else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("stranger", ["outsider", "outsider_regional"])
@pytest.mark.parametrize("name", _object_cases())
def test_stranger_gets_404_on_objects(client, cast, name, stranger):
    url = _url(name, cast)
    client.force_login(cast.user(stranger))
    before = _snapshot()
    get = client.get(url)
    post = client.post(url, POST_DATA) if CASES[name].write else get
    assert (get.status_code, post.status_code) == (404, 404) or (get.status_code == 405 and post.status_code == 404), (
        get.status_code,
        post.status_code,
    )
    assert _snapshot() == before


@pytest.mark.parametrize("stranger", ["outsider", "outsider_regional"])
@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if (c.listing or c.shared) and not c.public))
def test_stranger_sees_nothing_of_school_a_on_lists(client, cast, name, stranger):
    _program(cast)  # school A has a program, a roadmap and a working group too
    _roadmap(cast)
    url = _url(name, cast)
    client.force_login(cast.user(stranger))
    response = client.post(url, follow=True) if CASES[name].post_only else client.get(url, follow=True)
    assert response.status_code in (200, 403)
    content = response.content.decode()
    leaked = [marker for marker in LEAK_MARKERS if marker in content]
    assert not leaked


@pytest.mark.parametrize("reader", ["working_group", "mentor", "mentee", "guardian"])
@pytest.mark.parametrize("name", _write_cases())
def test_read_only_roles_get_403_on_writes_and_nothing_changes(client, cast, name, reader):
    url = _url(name, cast)
    client.force_login(cast.user(reader))
    before = _snapshot()
    response = client.post(url, POST_DATA)
    if reader == "working_group" or not CASES[name].kwargs:
        # the working group sees every object of school A: a write is forbidden, not hidden
        assert response.status_code == 403, response.status_code
    else:
        # participants see only themselves: another person's object is not even found
        assert response.status_code in (403, 404), response.status_code
    assert _snapshot() == before


@pytest.mark.parametrize("name", ["people:edit", "people:delete", "people:role_delete", "people:account_create"])
def test_coordinators_read_people_but_do_not_change_them(client, cast, name):
    """Coordinators see an organisation's people (registry) but its curator keeps the list."""
    url = _url(name, cast)
    client.force_login(cast.user("regional"))
    before = _snapshot()
    response = client.post(url, POST_DATA)
    assert response.status_code == 403
    assert _snapshot() == before


def test_403_page_explains_in_russian(client, cast):
    client.force_login(cast.user("working_group"))
    response = client.post(_url("people:edit", cast), POST_DATA)
    assert response.status_code == 403
    assert "руководитель и куратор организации" in response.content.decode()


def test_404_page_is_russian(client, cast):
    client.force_login(cast.user("outsider"))
    response = client.get(_url("people:detail", cast))
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()
