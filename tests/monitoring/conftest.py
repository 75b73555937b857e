"""Helpers of the monitoring tests: school A's pairs built through the pools and mentorships services
(tests/mentorships/conftest.py), satisfaction answers through the questionnaire services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nastavnik.monitoring.indicators import Scope
from nastavnik.orgs.services import academic_year_current
from nastavnik.programs.models import MentoringForm
from nastavnik.questionnaires import services as q_services
from nastavnik.questionnaires.models import Question
from tests.access_cases.pools import _forms
from tests.mentorships.conftest import Builder


@pytest.fixture
def year(cast):
    return academic_year_current()


@pytest.fixture
def build(cast, year):
    _forms(cast)
    return Builder(cast, year, MentoringForm.objects.get(code="teacher_pupil"))


def scope_for(organization, year, today=None) -> Scope:
    return Scope(level="organization", pk=organization.pk, academic_year=year, today=today or timezone.localdate())


def answer_satisfaction(cast, people, answers_by_person: dict, template_code="satisfaction_mentee"):
    """Send the standard satisfaction questionnaire to `people` and answer for each: {person: {code: value}}."""
    questionnaire = q_services.questionnaire_create_from_template(
        actor=cast.user("admin"), template_code=template_code, organization=cast.school_a
    )
    result = q_services.campaign_create(
        actor=cast.user("admin"), questionnaire=questionnaire, audience_kind="list",
        person_ids=[p.pk for p in people], deadline=timezone.localdate() + dt.timedelta(days=7),
    )  # fmt: skip
    questions = {q.code: q for q in Question.objects.filter(questionnaire=questionnaire)}
    for invitation in result.campaign.invitations.all():
        values = answers_by_person[invitation.subject_id]
        raw = {}
        for q in questions.values():
            if q.code in values:
                raw[str(q.pk)] = values[q.code]
            elif q.required and q.qtype == "scale":
                raw[str(q.pk)] = 5
            elif q.required and q.options:
                raw[str(q.pk)] = q.options[0]
        q_services.response_submit(token=invitation.token, answers=raw)
    return questionnaire
