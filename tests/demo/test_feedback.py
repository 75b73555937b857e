"""The demo's feedback on the demo region: ratings, one open safety flag per organisation with active
pairs, and the curator's alerts on the home page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nastavnik.feedback import selectors
from nastavnik.feedback.models import MeetingRating, SafetyFlag
from nastavnik.mentorships.models import Mentorship
from nastavnik.orgs.models import Organization
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Person

pytestmark = pytest.mark.xdist_group("demo")


def test_demo_feedback_alerts_the_curators(client):
    year = academic_year_current()
    organizations = list(Organization.objects.order_by("pk"))
    flags = SafetyFlag.objects.filter(mentorship__organization__in=organizations)
    assert flags.count() == sum(
        1 for org in organizations if Mentorship.objects.filter(organization=org, status="active").exists()
    )
    assert MeetingRating.objects.exists()
    curator = Person.objects.get(user__username="college.curator").user
    college = Organization.objects.get(pk=curator.person.organization_id)
    kinds = {a.kind for a in selectors.alerts_for(actor=curator, organization=college, academic_year=year)}
    assert {"flag", "low_rating"} <= kinds
    client.force_login(curator)
    home = client.get(reverse("home")).content.decode()
    assert "Забота о парах" in home
    assert "Сообщение о безопасности" in home
