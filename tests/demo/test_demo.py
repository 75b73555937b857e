"""The demo region: built through the services, every role with a login, the same on every run."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from nastavnik.demo.builder import DEMO_PASSWORD
from nastavnik.orgs.models import Organization
from nastavnik.people.models import GuardianLink, Person, Role, RoleKind

pytestmark = pytest.mark.xdist_group("demo")


def _load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_demo_builds_every_role_and_prints_the_logins(demo_output):
    assert "Демо-регион загружен" in demo_output
    assert set(Organization.objects.values_list("kind", flat=True)) == {"college", "gymnasium", "school"}
    assert 280 <= Person.objects.count() <= 380
    people_categories = set(Person.objects.values_list("category", flat=True))
    assert {"pupil", "student", "staff", "parent", "employer", "alumnus"} <= people_categories
    assert GuardianLink.objects.count() > 60
    login_kinds = set(Role.objects.filter(person__user__isnull=False).values_list("kind", flat=True))
    assert login_kinds == set(RoleKind.values)
    for username in ("admin", "region", "valuyki", "college.curator", "gymnasium.mentor", "school.parent"):
        assert f"\n{username} " in demo_output
        assert get_user_model().objects.get(username=username).check_password(DEMO_PASSWORD)


def test_loading_again_changes_nothing():
    counts = (Person.objects.count(), Role.objects.count(), get_user_model().objects.count())
    again = _load()
    assert "уже загружен" in again
    assert "college.curator" in again
    assert (Person.objects.count(), Role.objects.count(), get_user_model().objects.count()) == counts


def test_demo_is_the_same_on_every_run():
    """The whole region — people, pools, pairs, matching runs, documents, events, measurements — is
    rebuilt by `load_demo --reset` exactly as it was (the fingerprints of every app's demo)."""
    from .fingerprints import everything

    first = everything()
    _load("--reset")
    assert everything() == first


def test_demo_logins_see_their_own_scope(client):
    college = Organization.objects.get(kind="college")
    gymnasium = Organization.objects.get(kind="gymnasium")
    college_pupil = Person.objects.filter(organization=college, category="student").first()
    gymnasium_pupil = Person.objects.filter(organization=gymnasium, category="pupil").first()

    client.force_login(get_user_model().objects.get(username="college.curator"))
    assert client.get(reverse("people:detail", args=[college_pupil.pk])).status_code == 200
    assert client.get(reverse("people:detail", args=[gymnasium_pupil.pk])).status_code == 404

    client.force_login(get_user_model().objects.get(username="valuyki"))
    organizations = client.get(reverse("orgs:organization_list")).content.decode()
    assert "Валуйский колледж" in organizations
    assert "Гимназия № 9" not in organizations

    client.force_login(get_user_model().objects.get(username="region"))
    organizations = client.get(reverse("orgs:organization_list")).content.decode()
    assert "Валуйский колледж" in organizations
    assert "Гимназия № 9" in organizations

    client.force_login(get_user_model().objects.get(username="college.mentor"))
    assert "Мои наставляемые" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("people:detail", args=[gymnasium_pupil.pk])).status_code == 404
    assert client.get(reverse("people:list")).status_code == 403
