"""The demo's events, awards, cases and public pages (nastavnik/demo/events.py) on the demo region, and
the scan of every public page of the demo for the surnames of the demo's minors (none may appear)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nastavnik.core.text import search_key, years_before
from nastavnik.demo.events import build_events
from nastavnik.events.models import (
    Award,
    AwardStatus,
    CaseStatus,
    Event,
    EventRegistration,
    PracticeCase,
    Publication,
    PublicPage,
)
from nastavnik.orgs.models import Organization, Region
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Person

pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture
def demo():
    return list(Organization.objects.order_by("short_name"))


def _public_html(client: Client, orgs) -> str:
    pages = []
    region = Region.objects.get()
    urls = [reverse("events:public_region", args=[region.pk])]
    for org in orgs:
        urls += [reverse("events:public_org", args=[org.pk]), reverse("events:public_rss", args=[org.pk])]
    urls += [reverse("events:public_case", args=[c.pk]) for c in PracticeCase.objects.filter(status="published")]
    urls += [reverse("events:public_news", args=[n.pk]) for n in Publication.objects.filter(is_published=True)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    return "\n".join(pages)


def test_demo_events_awards_case_and_public_pages(demo):
    year = academic_year_current()
    for org in demo:
        events = Event.objects.filter(organization=org, starts_at__date__gte=year.start_date)
        assert set(events.values_list("kind", flat=True)) == {"info", "training", "group", "final"}
        assert EventRegistration.objects.filter(event__in=events, attended=True).exists()
        assert EventRegistration.objects.filter(event__in=events, attended=False).exists()
        assert Award.objects.filter(organization=org, academic_year=year, status=AwardStatus.AWARDED).count() == 1
        published = PracticeCase.objects.filter(organization=org, academic_year=year, status=CaseStatus.PUBLISHED)
        assert published.count() == 1
        assert PublicPage.objects.get(organization=org).enabled
    forums = Event.objects.filter(organization__isnull=True, kind="forum")
    assert forums.filter(starts_at__date__gte=year.start_date).count() == 1
    # idempotent: a second call changes nothing
    before = (Event.objects.count(), EventRegistration.objects.count(), Award.objects.count())
    admin = Person.objects.get(user__username="admin").user
    build_events(admin=admin, organization=demo[0], academic_year=academic_year_current(), today=timezone.localdate())
    assert (Event.objects.count(), EventRegistration.objects.count(), Award.objects.count()) == before


def test_public_pages_of_the_demo_name_no_minor(demo):
    """Every public page of the demo, scanned for the surnames of every minor of the demo region. Surnames
    that an adult published on purpose also carries (a curator's contact, a case author) are checked as
    «surname + first name» of the minor instead, so that the scan cannot be fooled either way."""
    html = _public_html(Client(), demo)
    text = search_key(re.sub(r"<[^>]+>", " ", html))
    words = set(re.findall(r"[\wё-]+", text))
    adult_cut = years_before(timezone.localdate(), 18)
    minors = list(Person.objects.filter(birth_date__gt=adult_cut))
    assert len(minors) > 100
    shown_adults = {
        search_key(p.last_name)
        for p in Person.objects.filter(birth_date__lte=adult_cut) | Person.objects.filter(birth_date__isnull=True)
        if search_key(p.last_name) in words
    }
    leaked = []
    for minor in minors:
        surname = search_key(minor.last_name)
        if surname in shown_adults:
            if (
                f"{surname} {search_key(minor.first_name)}" in text
                or f"{search_key(minor.first_name)} {surname}" in text
            ):
                leaked.append(minor.full_name)
        elif surname in words:
            leaked.append(minor.full_name)
    assert not leaked
    assert "Торжественное завершение программы наставничества" in html
    assert "Региональный форум наставников" in html
