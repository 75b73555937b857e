"""manage.py generate_region: a realistic region through bulk inserts, the same for the same arguments."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from nastavnik.consents.models import Consent
from nastavnik.mentorships.models import JournalEntry, Mentorship, MentorshipMentee, PlanItem
from nastavnik.monitoring.models import Measurement
from nastavnik.orgs.models import Organization, Region
from nastavnik.people.models import Person
from nastavnik.pools.models import MenteeEntry, MentorEntry

pytestmark = pytest.mark.django_db


def _counts(code: str) -> tuple:
    region = Region.objects.get(code=code)
    return (
        Organization.objects.filter(municipality__region=region).count(),
        Person.objects.filter(region=region).count(),
        Consent.objects.filter(person__region=region).count(),
        MenteeEntry.objects.filter(region=region).count(),
        MentorEntry.objects.filter(region=region).count(),
        Mentorship.objects.filter(region=region).count(),
        MentorshipMentee.objects.filter(mentorship__region=region).count(),
        JournalEntry.objects.filter(mentorship__region=region).count(),
        PlanItem.objects.filter(plan__mentorship__region=region).count(),
        Measurement.objects.filter(region=region).count(),
    )


def test_generates_a_region_deterministically():
    out = io.StringIO()
    call_command("generate_region", orgs=5, participants=500, years=2, code="D1", stdout=out)
    call_command("generate_region", orgs=5, participants=500, years=2, code="D2", stdout=io.StringIO())
    first = _counts("D1")
    assert first == _counts("D2")
    organizations, people, consents, mentees, mentors, mentorships, members, journal, items, measurements = first
    assert (organizations, people) == (5, 500)
    assert 0 < consents < people
    assert mentees >= members > 0
    assert mentors > 0
    assert mentorships > 0
    assert journal >= 4 * people  # ≈ 5 journal entries per participant (1,000,000 for 200,000)
    assert items > 0
    assert measurements > 0
    assert "организаций 5" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("generate_region", orgs=5, participants=500, years=2, code="D1", stdout=io.StringIO())
