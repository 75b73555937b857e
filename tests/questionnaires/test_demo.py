"""The demo's questionnaires on school A: standard copies, a request campaign to the largest class with
part of the answers in, the mentors' satisfaction; the same on every run, and a second run adds
nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.core.text import years_before
from nastavnik.demo.questionnaires import build_questionnaires
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Category, RoleKind
from nastavnik.questionnaires import selectors
from nastavnik.questionnaires.models import Campaign, Invitation, Questionnaire, Response
from nastavnik.questionnaires.templates_data import TEMPLATES

from ..factories import GuardianLinkFactory, PersonFactory, RoleFactory


def _school(cast):
    today = timezone.localdate()
    for n in range(12):
        pupil = PersonFactory(
            organization=cast.school_a,
            last_name=f"Ученикова{n}",
            category=Category.PUPIL,
            class_name="6А",
            birth_date=years_before(today, 12) - dt.timedelta(days=n),
        )
        if n % 3:
            parent = PersonFactory(organization=cast.school_a, last_name=f"Родителева{n}", category=Category.PARENT)
            GuardianLinkFactory(guardian=parent, child=pupil)
    for n in range(3):
        RoleFactory(person=PersonFactory(organization=cast.school_a, last_name=f"Наставникова{n}"),
                    kind=RoleKind.MENTOR, organization=cast.school_a)  # fmt: skip


def _fingerprint():
    rows = []
    for response in Response.objects.select_related("invitation__subject", "campaign__questionnaire"):
        codes = {str(q.pk): q.code for q in response.campaign.questionnaire.questions.all()}
        answers = {
            codes[k]: v
            for k, v in response.answers.items()
            if not isinstance(v, list) or not v or isinstance(v[0], str)
        }
        rows.append((response.invitation.subject.last_name, response.campaign.questionnaire.template_code, answers))
    return sorted(rows, key=repr)


def test_demo_questionnaires_have_real_campaigns_and_answers(cast):
    _school(cast)
    year = academic_year_current()
    today = timezone.localdate()
    summary = build_questionnaires(
        admin=cast.user("admin"), organization=cast.school_a, academic_year=year, today=today
    )
    assert summary["questionnaires"] == len(TEMPLATES)
    assert summary["campaigns"] == 2
    request = Campaign.objects.get(questionnaire__template_code="request_mentee")
    assert request.invitations.count() == 8
    assert request.guardians_answer
    mentors = Campaign.objects.get(questionnaire__template_code="satisfaction_mentor")
    assert mentors.invitations.count() == 4  # the cast's mentor and three more
    answered = Invitation.objects.filter(answered_at__isnull=False).count()
    assert summary["answered"] == answered
    assert 3 <= answered <= 10
    assert Response.objects.count() == answered
    _total, results = selectors.campaign_results(mentors)
    assert any(r.average for r in results) or not mentors.responses.exists()

    first = _fingerprint()
    again = build_questionnaires(admin=cast.user("admin"), organization=cast.school_a, academic_year=year, today=today)
    assert again["campaigns"] == 0
    assert Campaign.objects.count() == 2

    Campaign.objects.all().delete()
    Questionnaire.objects.all().delete()
    build_questionnaires(admin=cast.user("admin"), organization=cast.school_a, academic_year=year, today=today)
    assert _fingerprint() == first  # deterministic
