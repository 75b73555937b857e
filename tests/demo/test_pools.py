"""The demo's pools (nastavnik/demo/pools.py) on the demo region: every status visible, consents
recorded for the people included except the two who show «no consent» and «revoked», and the same
result on every run."""

from __future__ import annotations

import pytest

from nastavnik.consents.models import Consent
from nastavnik.orgs.models import Organization
from nastavnik.orgs.services import academic_year_current
from nastavnik.pools.models import (
    CriterionScore,
    MenteeEntry,
    MenteeStatus,
    MentorEntry,
    MentorStatus,
    Training,
    TrainingAttendance,
)
from nastavnik.pools.selectors import matchable_mentees, matchable_mentors
from nastavnik.programs.models import MentoringForm

pytestmark = pytest.mark.xdist_group("demo")


def test_demo_pools_show_every_state():
    year = academic_year_current()

    assert set(MenteeEntry.objects.values_list("status", flat=True)) == set(MenteeStatus.values)
    assert set(MentorEntry.objects.values_list("status", flat=True)) == set(MentorStatus.values)
    assert Training.objects.filter(academic_year=year).count() == 6
    assert TrainingAttendance.objects.filter(attended=True).exists()
    entries = MentorEntry.objects.filter(status__in=["approved", "trained", "active", "long_term", "declined"])
    for entry in entries.exclude(source="outside"):  # a mentor lent by another organisation was scored there
        assert CriterionScore.objects.filter(entry=entry).count() >= 9, entry
    assert Consent.objects.filter(revoked_at__isnull=False).exists()
    revoked = Consent.objects.filter(revoked_at__isnull=False).values("person_id")
    assert not MenteeEntry.objects.filter(person__in=revoked).exclude(status="left").exists()
    no_consent = MenteeEntry.objects.exclude(person__consents__isnull=False)
    assert no_consent.exists()
    assert set(no_consent.values_list("status", flat=True)) == {"candidate"}
    included = MenteeEntry.objects.exclude(status__in=["candidate", "left"])
    assert not included.exclude(person__consents__revoked_at__isnull=True).exists()
    for organization in Organization.objects.all():
        for form_entry in MentorEntry.objects.filter(organization=organization).values("form").distinct():
            form = MentoringForm.objects.get(pk=form_entry["form"])
            scope = {"organization": organization, "academic_year": year, "form": form}
            assert all(e.status in ("trained", "active") for e in matchable_mentors(**scope))
            assert all(e.status == "included" for e in matchable_mentees(**scope))
    assert any(
        matchable_mentors(organization=o, academic_year=year, form=f).exists()
        for o in Organization.objects.all()
        for f in MentoringForm.objects.all()
    )
