"""The demo's previous year (nastavnik/demo/previous_year.py): completed and closed in every organisation,
with pairs completed through the final meeting, the ceremony, awards, a case the region published, a news
item and the annual report; read-only on the screens; the current year is left as it was."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from nastavnik.documents.models import IssuedDocument
from nastavnik.events import services as events
from nastavnik.events.models import Award, AwardStatus, CaseStatus, Event, PracticeCase, Publication
from nastavnik.feedback.models import FinalFeedback
from nastavnik.mentorships.models import Mentorship, MentorshipStatus
from nastavnik.monitoring.models import Measurement
from nastavnik.orgs.models import AcademicYear, Organization
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Person
from nastavnik.programs.selectors import year_close_checklist, year_closed_at

pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture
def previous():
    return AcademicYear.objects.get(start_year=academic_year_current().start_year - 1)


def test_every_organisation_completed_and_closed_its_previous_year(previous):
    for org in Organization.objects.order_by("pk"):
        scope = {"organization": org, "academic_year": previous}
        assert year_closed_at(**scope) is not None, org
        pairs = Mentorship.objects.filter(**scope)
        assert pairs.count() >= 2
        assert set(pairs.values_list("status", flat=True)) == {MentorshipStatus.COMPLETED}
        assert FinalFeedback.objects.filter(mentorship__in=pairs).count() == 2 * pairs.count()
        assert Measurement.objects.filter(**scope, stage="exit").exists()
        assert Award.objects.filter(**scope, status=AwardStatus.AWARDED).exists()
        assert PracticeCase.objects.get(**scope).status == CaseStatus.PUBLISHED
        assert Publication.objects.filter(**scope, is_published=True).exists()
        assert IssuedDocument.objects.filter(**scope, generator_id="program_report").count() == 1
        assert IssuedDocument.objects.filter(**scope, generator_id="regional_digest").count() == 1
        assert Event.objects.filter(organization=org, kind="final", starts_at__year=previous.start_year + 1).exists()
        checks = {check.code: check.ok for check in year_close_checklist(**scope)}
        assert checks["mentorships"], checks
        assert checks["report"], checks
        assert checks["cases"], checks
    assert Event.objects.filter(organization__isnull=True, kind="forum").count() == 2


def test_the_closed_year_is_read_only_and_shown_as_closed(previous):
    org = Organization.objects.get(kind="college")
    curator = Person.objects.get(user__username="college.curator").user
    with pytest.raises(PermissionDenied):
        events.event_save(
            actor=curator, organization=org, kind="info", title="Ещё одна встреча",
            starts_at=Event.objects.filter(organization=org, kind="final").earliest("starts_at").starts_at,
            ends_at=Event.objects.filter(organization=org, kind="final").earliest("starts_at").ends_at,
        )  # fmt: skip
    client = Client()
    client.force_login(curator)
    page = client.get(reverse("programs:year_close", args=[org.pk, previous.start_year])).content.decode()
    assert "закрыт" in page


def test_the_public_page_and_the_portfolio_show_the_year_behind(previous):
    org = Organization.objects.get(kind="gymnasium")
    case = PracticeCase.objects.get(organization=org, academic_year=previous)
    html = Client().get(reverse("events:public_org", args=[org.pk])).content.decode()
    assert case.title in html
    award = Award.objects.filter(organization=org, academic_year=previous, nomination="best_mentor").get()
    client = Client()
    client.force_login(Person.objects.get(user__username="gymnasium.curator").user)
    page = client.get(reverse("events:portfolio", args=[award.mentor_id])).content.decode()
    assert "Лучший наставник" in page
    assert str(previous) in page
