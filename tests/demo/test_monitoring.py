"""The demo's impact measurements: built through the services after the demo region, for each
organisation; a repeated run changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from nastavnik.demo.monitoring import build_monitoring
from nastavnik.mentorships.models import MentorshipMentee
from nastavnik.monitoring import selectors
from nastavnik.monitoring.indicators import Scope
from nastavnik.monitoring.models import Measurement
from nastavnik.orgs.models import AcademicYear, Organization

pytestmark = pytest.mark.xdist_group("demo")


def test_demo_measurements_for_each_organisation(client):
    admin = get_user_model().objects.get(username="admin")
    today = timezone.localdate()
    year = AcademicYear.objects.get(start_year=AcademicYear.start_year_for(today))
    organizations = list(Organization.objects.order_by("pk"))
    if (today - year.start_date).days < 14:
        assert not Measurement.objects.exists()  # the first two weeks of September: nothing measured yet
        return
    assert all(Measurement.objects.filter(organization=o).exists() for o in organizations)
    again = [build_monitoring(admin=admin, organization=o, academic_year=year, today=today) for o in organizations]
    assert again == [0] * len(organizations)
    org = organizations[0]
    assert Measurement.objects.filter(organization=org, stage="exit").exists()
    summary = selectors.impact_summary(Scope(level="organization", pk=org.pk, academic_year=year, today=today))
    if MentorshipMentee.objects.filter(mentorship__organization=org).exists():  # after the mentorships demo
        assert any(row["mentees"] for row in summary)
    client.force_login(admin)
    assert client.get(f"/monitoring/org/{org.pk}/{year.start_year}/impact/").status_code == 200
    region = org.municipality.region
    response = client.get(f"/monitoring/region/{region.pk}/{year.start_year}/")
    assert response.status_code == 200
    assert org.short_name in response.content.decode()
