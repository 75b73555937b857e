"""Dashboards: problems of an organisation, drill-down and sorting of a region, scope of coordinators,
and a fixed number of SQL queries whatever the size (N and 2N rows → the same count)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nastavnik.mentorships.models import Mentorship
from nastavnik.monitoring import selectors
from nastavnik.orgs.models import Region

from .conftest import scope_for

pytestmark = pytest.mark.django_db


def test_pair_without_meetings_for_30_days_is_a_problem(cast, year, build):
    mentorship = build.mentorship()
    start = year.start_date
    Mentorship.objects.filter(pk=mentorship.pk).update(start_date=start)
    later = start + dt.timedelta(days=selectors.STALE_DAYS + 5)
    problems = selectors.problems(scope_for(cast.school_a, year, later))
    assert [m.pk for m in problems.stale] == [mentorship.pk]
    assert problems.stale_count == 1
    early = start + dt.timedelta(days=10)  # a pair that started ten days ago is not late yet
    assert selectors.problems(scope_for(cast.school_a, year, early)).stale_count == 0


def test_org_dashboard_page_shows_indicators_chart_and_problems(cast, year, build, client):
    build.mentorship()
    client.force_login(cast.user("working_group"))  # read-only staff may look
    response = client.get(f"/monitoring/org/{cast.school_a.pk}/{year.start_year}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Охват обучающихся наставничеством" in content
    assert 'src="data:image/svg+xml;base64,' in content
    assert "Пары без встреч" in content
    assert "«Учитель – ученик»" in content
    assert "<details" in content
    assert "как считается" in content


def test_coordinators_see_only_their_area(cast, year, client):
    region_url = f"/monitoring/region/{cast.region_a.pk}/{year.start_year}/"
    muni_url = f"/monitoring/municipality/{cast.municipality_a.pk}/{year.start_year}/"
    client.force_login(cast.user("municipal"))
    assert client.get(region_url).status_code == 404
    assert client.get(muni_url).status_code == 200
    client.force_login(cast.user("curator"))
    assert client.get(muni_url).status_code == 404
    client.force_login(cast.user("regional"))
    assert client.get(region_url).status_code == 200
    assert client.get(f"/monitoring/org/{cast.school_a.pk}/{year.start_year}/").status_code == 200
    client.force_login(cast.user("outsider_regional"))
    assert client.get(region_url).status_code == 404
    assert client.get(muni_url).status_code == 404
    client.force_login(cast.user("mentor"))  # a participant of school A is not staff
    assert client.get(f"/monitoring/org/{cast.school_a.pk}/{year.start_year}/").status_code == 404


def _generate(code: str, orgs: int, participants: int) -> Region:
    call_command("generate_region", orgs=orgs, participants=participants, years=1, code=code, stdout=io.StringIO())
    return Region.objects.get(code=code)


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_dashboards_make_a_fixed_number_of_queries(cast, year, client):
    small = _generate("T1", orgs=2, participants=60)
    large = _generate("T2", orgs=4, participants=240)
    client.force_login(cast.user("admin"))
    counts = {}
    for label, region in (("N", small), ("2N", large)):
        org = region.municipalities.get().organizations.order_by("pk").first()
        counts[label] = (
            _count_queries(client, f"/monitoring/region/{region.pk}/{year.start_year}/"),
            _count_queries(client, f"/monitoring/municipality/{org.municipality_id}/{year.start_year}/"),
            _count_queries(client, f"/monitoring/org/{org.pk}/{year.start_year}/"),
            _count_queries(client, f"/monitoring/organization/{org.pk}/registry/"),
            _count_queries(client, f"/monitoring/org/{org.pk}/{year.start_year}/impact/"),
        )
    assert Mentorship.objects.filter(region=large).count() > 2 * Mentorship.objects.filter(region=small).count()
    assert counts["N"] == counts["2N"], counts


def test_region_lists_organisations_lowest_coverage_first_and_drills_down(cast, year, client):
    region = _generate("T3", orgs=6, participants=300)
    client.force_login(cast.user("admin"))
    scope = selectors.Scope(level="region", pk=region.pk, academic_year=year, today=timezone.localdate())
    rows = selectors.organization_table(scope)
    coverages = [r["coverage"] for r in rows if r["coverage"] is not None]
    assert coverages == sorted(coverages)
    by_name = selectors.organization_table(scope, sort="-coverage")
    assert [r["coverage"] for r in by_name if r["coverage"] is not None] == sorted(coverages, reverse=True)
    content = client.get(f"/monitoring/region/{region.pk}/{year.start_year}/").content.decode()
    lowest = rows[0]
    assert f"/monitoring/org/{lowest['pk']}/{year.start_year}/" in content
    assert f"/monitoring/municipality/{lowest['municipality_id']}/{year.start_year}/" in content
    org_page = client.get(f"/monitoring/org/{lowest['pk']}/{year.start_year}/").content.decode()
    assert lowest["name"] in org_page
