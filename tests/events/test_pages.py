"""Every page of the events app opens for the people who work with it (200, Russian text, no stub)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.access_cases.events import CASES, _award, _case, _event, _material, _news

# Pages that answer GET with a page (the others are POST-only actions or files).
PAGES = [
    "events:index", "events:org_calendar", "events:event_create", "events:region_calendar", "events:event_detail",
    "events:event_edit", "events:awards", "events:award_nominate", "events:portfolio", "events:case_library",
    "events:case_create", "events:case_detail", "events:case_edit", "events:public_settings", "events:news_list",
    "events:news_create", "events:news_detail", "events:news_edit",
]  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_page_opens_for_the_curator(client_for, cast, name):
    case = CASES[name]
    url = reverse(name, kwargs=case.kwargs(cast) if case.kwargs else None)
    response = client_for("curator").get(url, follow=True)  # the index leads one school's curator to its calendar
    assert response.status_code == 200, response.status_code
    content = response.content.decode()
    assert "<h1" in content
    assert "Наставник" in content


def test_region_pages_open_for_the_regional_coordinator(client_for, cast):
    client = client_for("regional")
    for url in (
        reverse("events:region_calendar", args=[cast.region_a.pk]),
        reverse("events:event_create_region", args=[cast.region_a.pk]),
        reverse("events:case_library"),
        reverse("events:index"),
    ):
        assert client.get(url).status_code == 200, url


def test_files_are_served(client_for, cast):
    _event(cast)
    _award(cast)
    _case(cast)
    _news(cast)
    material = _material(cast)
    assert material.url  # a link material has no file: 404 rather than a broken download
    assert client_for("curator").get(reverse("events:material_download", args=[material.pk])).status_code == 404
