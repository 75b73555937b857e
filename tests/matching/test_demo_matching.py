"""The demo's matching (nastavnik/demo/matching.py) on the demo region: an approved run in every
organisation (its pairs became mentorships), a pending run of «Студент – студент» in the college, a
forbidden pair, and the same result on every run."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nastavnik.demo.builder import DemoBuilder, demo_delete
from nastavnik.demo.matching import build_matching
from nastavnik.matching.models import MatchingRun, Proposal, RunStatus, Unmatched
from nastavnik.mentorships.models import Mentorship
from nastavnik.orgs.models import Organization
from nastavnik.orgs.services import academic_year_current


def _build():
    builder = DemoBuilder(today=timezone.localdate())
    builder.build()
    year = academic_year_current(today=builder.today)
    admin = builder.admin
    for organization in Organization.objects.order_by("pk"):
        build_matching(admin=admin, organization=organization, academic_year=year, today=builder.today)
    return builder, year


def _fingerprint():
    return (
        sorted(MatchingRun.objects.values_list("organization__short_name", "form__code", "status", "number")),
        sorted(
            Proposal.objects.values_list(
                "run__organization__short_name", "mentee_entry__person__last_name", "mentor_entry__person__last_name",
                "score",
            )
        ),
        sorted(Unmatched.objects.values_list("mentee_entry__person__last_name", "code")),
    )  # fmt: skip


@pytest.mark.django_db
def test_demo_matching_has_approved_and_pending_runs_and_is_deterministic():
    builder, year = _build()
    for organization in Organization.objects.all():
        approved = MatchingRun.objects.filter(organization=organization, status=RunStatus.APPROVED)
        assert approved.exists(), organization
        run = approved.get()
        assert run.approved_by is not None
        assert Mentorship.objects.filter(source_ref=f"run:{run.pk}", status="active").exists()
    college = Organization.objects.get(short_name="Валуйский колледж")
    pending = MatchingRun.objects.get(organization=college, status=RunStatus.READY)
    assert pending.form.code == "student_student"
    assert Proposal.objects.filter(run=pending, solver=pending.solver).exists()
    assert all(p.parts for p in Proposal.objects.filter(run=pending))
    # building again changes nothing
    counts = build_matching(admin=builder.admin, organization=college, academic_year=year, today=builder.today)
    assert counts["runs"] == 0

    first = _fingerprint()
    demo_delete()
    assert not MatchingRun.objects.exists()
    _build()
    assert _fingerprint() == first
