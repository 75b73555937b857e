"""The demo's pools (nastavnik/demo/pools.py) on the demo region: every status visible, consents
recorded for the people included except the two who show «no consent» and «revoked», and the same
result on every run."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nastavnik.consents.models import Consent
from nastavnik.demo.builder import DemoBuilder, demo_delete
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


def _fingerprint():
    return (
        sorted(MenteeEntry.objects.values_list("person__last_name", "person__first_name", "form__code", "status")),
        sorted(MentorEntry.objects.values_list("person__last_name", "person__first_name", "form__code", "status")),
        sorted(CriterionScore.objects.values_list("entry__person__last_name", "criterion", "score")),
    )


def _build():
    """The demo builder calls build_pools for every organisation after the consents and questionnaires."""
    builder = DemoBuilder(today=timezone.localdate())
    builder.build()
    return academic_year_current(today=builder.today)


@pytest.mark.django_db
def test_demo_pools_show_every_state_and_are_deterministic():
    year = _build()

    assert set(MenteeEntry.objects.values_list("status", flat=True)) == set(MenteeStatus.values)
    assert set(MentorEntry.objects.values_list("status", flat=True)) == set(MentorStatus.values)
    assert Training.objects.count() == 6
    assert TrainingAttendance.objects.filter(attended=True).exists()
    for entry in MentorEntry.objects.filter(status__in=["approved", "trained", "active", "long_term", "declined"]):
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

    first = _fingerprint()
    demo_delete()
    assert not MenteeEntry.objects.exists()
    assert not Training.objects.exists()
    _build()
    assert _fingerprint() == first
