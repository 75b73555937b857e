"""The demo region: built through the services, every role with a login, the same on every run."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from nastavnik.demo.builder import DEMO_PASSWORD
from nastavnik.orgs.models import Organization
from nastavnik.people.models import GuardianLink, Person, Role, RoleKind


def _load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def _people_fingerprint():
    return list(
        Person.objects.order_by("organization__short_name", "last_name", "first_name", "patronymic").values_list(
            "last_name", "first_name", "patronymic", "birth_date", "class_name", "category"
        )
    )


@pytest.mark.django_db
def test_demo_builds_every_role_and_is_idempotent_and_deterministic():
    output = _load()
    assert "Демо-регион загружен" in output
    assert set(Organization.objects.values_list("kind", flat=True)) == {"college", "gymnasium", "school"}
    assert 280 <= Person.objects.count() <= 340
    people_categories = set(Person.objects.values_list("category", flat=True))
    assert {"pupil", "student", "staff", "parent", "employer", "alumnus"} <= people_categories
    assert GuardianLink.objects.count() > 60
    login_kinds = set(Role.objects.filter(person__user__isnull=False).values_list("kind", flat=True))
    assert login_kinds == set(RoleKind.values)
    for username in ("admin", "region", "valuyki", "college.curator", "gymnasium.mentor", "school.parent"):
        assert f"\n{username} " in output
        assert get_user_model().objects.get(username=username).check_password(DEMO_PASSWORD)

    first = _people_fingerprint()
    counts = (Person.objects.count(), Role.objects.count(), get_user_model().objects.count())
    again = _load()
    assert "уже загружен" in again
    assert "college.curator" in again
    assert (Person.objects.count(), Role.objects.count(), get_user_model().objects.count()) == counts

    _load("--reset")
    assert _people_fingerprint() == first


@pytest.mark.django_db
def test_demo_logins_see_their_own_scope(client):
    _load()
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
