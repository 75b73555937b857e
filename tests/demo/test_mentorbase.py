"""The demo's mentor base (`build_mentorbase` in the demo builder): the same on a second call."""

from __future__ import annotations

import pytest

from nastavnik.mentorbase.models import BaseMentor, MentorRequest, RequestStatus
from nastavnik.orgs.models import Region
from nastavnik.pools.models import MentorEntry

pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture
def demo(django_user_model):
    """The demo region (built once for the package by tests/demo/conftest.py) and its admin."""
    return Region.objects.get(code="31"), django_user_model.objects.get(username="admin")


@pytest.mark.django_db
def test_demo_base_with_an_accepted_and_a_pending_request(demo):
    from nastavnik.demo.mentorbase import build_mentorbase

    region, admin = demo
    for lender in ("Валуйский колледж", "Гимназия № 9"):
        base = BaseMentor.objects.filter(organization__short_name=lender, status="active")
        assert base.count() >= 2
        assert sum(1 for m in base if m.is_shown_elsewhere) == 2
    requests = MentorRequest.objects.filter(from_organization__short_name="Ершовская СОШ").order_by("pk")
    assert [r.status for r in requests] == [RequestStatus.ACCEPTED, RequestStatus.SENT]
    assert {r.to_organization.short_name for r in requests} == {"Гимназия № 9"}
    assert {r.form.code for r in requests} == {"teacher_pupil"}
    # the accepted teacher is in the school's own base of mentors, approved, ready to be paired
    lent = requests[0].pool_entry
    assert lent.organization.short_name == "Ершовская СОШ"
    assert lent.person == requests[0].mentor.person
    assert (lent.status, lent.source) == ("approved", "outside")
    before = (BaseMentor.objects.count(), MentorRequest.objects.count(), MentorEntry.objects.count())
    build_mentorbase(region, admin=admin)
    assert (BaseMentor.objects.count(), MentorRequest.objects.count(), MentorEntry.objects.count()) == before


@pytest.mark.django_db
def test_demo_logins_see_the_base(client, demo):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    region, _admin = demo
    users = get_user_model().objects
    client.force_login(users.get(username="school.curator"))
    school = MentorRequest.objects.first().from_organization
    page = client.get(reverse("mentorbase:find", args=[school.pk])).content.decode()
    assert "Валуйский колледж" in page
    client.force_login(users.get(username="region"))
    page = client.get(reverse("mentorbase:region", args=[region.pk])).content.decode()
    assert "Ершовская СОШ" in page
    assert "Гимназия № 9" in page
