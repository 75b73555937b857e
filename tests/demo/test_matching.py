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


def test_demo_self_match_window_has_waiting_and_accepted_requests(client):
    """The gymnasium's «Ученик – ученик» has an autumn intake without pairs: an open self-match window, a mentee
    (asked by the guardian) waiting for two mentors, another accepted by the mentor, for the curator to confirm."""
    from django.urls import reverse

    from nastavnik.matching.models import SelfMatchRequest, SelfMatchWindow, SelfRequestStatus

    gymnasium = Organization.objects.get(kind="gymnasium")
    year = academic_year_current()
    window = SelfMatchWindow.objects.get(organization=gymnasium, academic_year=year)
    assert window.enabled
    assert window.form.code == "pupil_pupil"
    statuses = sorted(SelfMatchRequest.objects.filter(window=window).values_list("status", flat=True))
    assert statuses == sorted([SelfRequestStatus.PENDING, SelfRequestStatus.PENDING, SelfRequestStatus.ACCEPTED])
    client.force_login(get_user_model().objects.get(username="gymnasium.curator"))
    page = client.get(reverse("matching:selfmatch_settings", args=[gymnasium.pk, year.start_year])).content.decode()
    assert "Ждут подтверждения" in page
    accepted = SelfMatchRequest.objects.get(window=window, status=SelfRequestStatus.ACCEPTED)
    assert accepted.mentee_entry.person.full_name in page
