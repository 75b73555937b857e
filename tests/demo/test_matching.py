"""The demo's matching (nastavnik/demo/matching.py) on the demo region: an approved run in every
organisation (its pairs became mentorships), a pending run of «Студент – студент» in the college, a
forbidden pair, and the same result on every run."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from nastavnik.demo.matching import build_matching
from nastavnik.matching.models import MatchingRun, Proposal, RunStatus
from nastavnik.mentorships.models import Mentorship
from nastavnik.orgs.models import Organization
from nastavnik.orgs.services import academic_year_current

pytestmark = pytest.mark.xdist_group("demo")


def test_demo_matching_has_approved_and_pending_runs():
    year = academic_year_current()
    admin = get_user_model().objects.get(username="admin")
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
    counts = build_matching(admin=admin, organization=college, academic_year=year, today=timezone.localdate())
    assert counts["runs"] == 0
    # the college's pending run («Студент – студент») is there to be reviewed, edited and approved
    assert Proposal.objects.filter(run=pending, solver=pending.solver).count() >= 4
