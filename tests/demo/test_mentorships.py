"""The demo's work of pairs (nastavnik/demo/mentorships.py) on the demo region: the pools become
consistent with real mentorships, plans in every state, months of meetings and journals, one pair
ended early; built once (a second call adds nothing) and the same on every run."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from nastavnik.demo.mentorships import build_mentorships
from nastavnik.mentorships.models import (
    IndividualPlan,
    JournalEntry,
    JournalSignature,
    Meeting,
    MeetingConfirmation,
    Mentorship,
    MentorshipMentee,
)
from nastavnik.mentorships.selectors import cabinet_for
from nastavnik.orgs.models import Organization
from nastavnik.orgs.services import academic_year_current
from nastavnik.pools.models import MenteeEntry, MenteeStatus, MentorEntry, MentorStatus

pytestmark = pytest.mark.xdist_group("demo")


def _fingerprint():
    return (
        sorted(Mentorship.objects.values_list("mentor__last_name", "status", "start_date", "end_reason")),
        sorted(MentorshipMentee.objects.values_list("person__last_name", "mentorship__mentor__last_name")),
        Meeting.objects.count(),
        sorted(IndividualPlan.objects.values_list("mentorship__mentor__last_name", "number", "status")),
        JournalEntry.objects.count(),
    )


def test_demo_mentorships():
    admin = get_user_model().objects.get(username="admin")
    year = academic_year_current()
    statuses = set(Mentorship.objects.values_list("status", flat=True))
    assert {"active", "ended_early"} <= statuses
    assert Mentorship.objects.filter(end_reason="own_wish").count() >= 1
    assert any(m.is_group for m in Mentorship.objects.filter(status="active"))
    # the pools are consistent with the mentorships
    for entry in MenteeEntry.objects.filter(status="in_mentorship"):
        assert MentorshipMentee.objects.filter(mentee_entry=entry, mentorship__status="active").exists(), entry
    for entry in MentorEntry.objects.filter(status="active"):
        assert Mentorship.objects.filter(mentor_entry=entry, status="active").exists(), entry
    for link in MentorshipMentee.objects.filter(mentorship__status="active").select_related("mentee_entry"):
        assert link.mentee_entry.status == "in_mentorship"
    # plans in every state, months of meetings, journals confirmed and not
    assert {"draft", "approved", "submitted"} <= set(IndividualPlan.objects.values_list("status", flat=True))
    # every pool status the demo pools show is still shown (tests/pools/test_demo_pools.py)
    assert set(MenteeEntry.objects.values_list("status", flat=True)) == set(MenteeStatus.values)
    assert set(MentorEntry.objects.values_list("status", flat=True)) == set(MentorStatus.values)
    assert Meeting.objects.filter(starts_at__lt=timezone.now(), status="held").exists()
    assert Meeting.objects.filter(starts_at__gt=timezone.now(), status="planned").exists()
    assert Meeting.objects.filter(status="cancelled").exists()
    assert MeetingConfirmation.objects.exists()
    assert JournalSignature.objects.exists()
    assert JournalEntry.objects.exclude(pk__in=JournalSignature.objects.values("entry_id")).exists()
    # the demo logins see their pairs
    users = get_user_model().objects
    assert cabinet_for(users.get(username="school.mentor")).as_mentor
    assert cabinet_for(users.get(username="school.mentee")).as_mentee
    assert cabinet_for(users.get(username="school.parent")).as_guardian
    assert cabinet_for(users.get(username="college.mentee")).as_mentee
    # a second call adds nothing (a rebuilt region is the same: tests/demo/test_demo.py)
    first = _fingerprint()
    for org in Organization.objects.order_by("pk"):
        assert build_mentorships(admin=admin, organization=org, academic_year=year, today=timezone.localdate()) == {
            "mentorships": 0, "meetings": 0, "journal": 0, "plans": 0,
        }  # fmt: skip
    assert _fingerprint() == first
