"""Open information (no login): an organisation's public page with only what it chose to publish, the
region's page with its organisations and published cases, a published case, a news item, the RSS feed
and the files these pages show."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from nastavnik.core.views_helpers import stored_file_response

from . import selectors


@require_GET
def public_org(request, org_pk):
    page = selectors.public_page(org_pk)
    program = selectors.public_program(page)
    events = selectors.public_events(page)
    for event in events:
        event.public_photos = selectors.public_photos(event)
    return render(
        request,
        "events/public_org.html",
        {
            "page": page,
            "organization": page.organization,
            "program": program if page.show_program else None,
            "forms": list(program.forms.all()) if program and page.show_forms else [],
            "curators": selectors.public_curators(page),
            "events": events,
            "now": timezone.now(),
            "cases": selectors.public_cases(organization=page.organization) if page.show_cases else [],
            "news": selectors.public_news(page)[:20],
        },
    )


@require_GET
def public_region(request, region_pk):
    region, pages, cases, events = selectors.public_region(region_pk)
    return render(
        request, "events/public_region.html", {"region": region, "pages": pages, "cases": cases, "events": events}
    )


@require_GET
def public_case(request, pk):
    case = selectors.public_case(pk)
    page = selectors.PublicPage.objects.filter(organization=case.organization, enabled=True).first()
    return render(
        request,
        "events/public_case.html",
        {"case": case, "materials": case.materials.all(), "org_page": page},
    )


@require_GET
def public_news(request, pk):
    item = selectors.public_news_item(pk)
    return render(request, "events/public_news.html", {"item": item})


@require_GET
def public_rss(request, org_pk):
    page = selectors.public_page(org_pk)
    items = list(selectors.public_news(page)[:30])
    base = request.build_absolute_uri("/").rstrip("/")
    xml = render_to_string(
        "events/rss.xml",
        {
            "page": page,
            "items": items,
            "base": base,
            "link": base + reverse("events:public_org", args=[page.organization_id]),
        },
    )
    return HttpResponse(xml, content_type="application/rss+xml; charset=utf-8")


@require_GET
def public_file(request, kind, pk):
    return stored_file_response(selectors.public_file(kind, pk), as_attachment=False)
