"""URL cases of questionnaires: school A's questionnaire (copied from the standard request template),
its first section and question, a campaign to class 7Б with one link; the public answer page."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.questionnaires import services
from nastavnik.questionnaires.models import Campaign, Invitation, Questionnaire

from .base import Case


def _questionnaire(cast) -> Questionnaire:
    questionnaire = Questionnaire.objects.filter(organization=cast.school_a).order_by("pk").first()
    return questionnaire or services.questionnaire_create_from_template(
        actor=cast.user("admin"), organization=cast.school_a, template_code="request_mentee"
    )


def _section(cast):
    return _questionnaire(cast).sections.order_by("sort_order", "pk").first()


def _question(cast):
    return _questionnaire(cast).questions.order_by("pk").first()


def _campaign(cast) -> Campaign:
    campaign = Campaign.objects.filter(organization=cast.school_a).order_by("pk").first()
    if campaign is None:
        source = _questionnaire(cast)
        copy = services.questionnaire_copy(actor=cast.user("admin"), source=source, title="Анкета для рассылки")
        campaign = services.campaign_create(
            actor=cast.user("admin"),
            questionnaire=copy,
            audience_kind="class",
            class_name="7Б",
            deadline=timezone.localdate() + dt.timedelta(days=7),
        ).campaign
    return campaign


def _invitation(cast) -> Invitation:
    return _campaign(cast).invitations.order_by("pk").first()


def _pk(getter):
    return lambda cast: {"pk": getter(cast).pk}


CASES: dict[str, Case] = {
    "questionnaires:index": Case(listing=True),
    "questionnaires:area_create": Case(listing=True, write=True, post_only=True),
    "questionnaires:org": Case(kwargs=lambda c: {"org_pk": c.school_a.pk}),
    "questionnaires:create": Case(kwargs=lambda c: {"org_pk": c.school_a.pk}, write=True),
    "questionnaires:detail": Case(kwargs=_pk(_questionnaire)),
    "questionnaires:edit": Case(kwargs=_pk(_questionnaire), write=True),
    "questionnaires:delete": Case(kwargs=_pk(_questionnaire), write=True),
    "questionnaires:copy": Case(kwargs=_pk(_questionnaire), write=True),
    "questionnaires:preview": Case(kwargs=_pk(_questionnaire)),
    "questionnaires:section_create": Case(kwargs=_pk(_questionnaire), write=True),
    "questionnaires:section_edit": Case(kwargs=_pk(_section), write=True),
    "questionnaires:section_delete": Case(kwargs=_pk(_section), write=True),
    "questionnaires:section_move": Case(kwargs=_pk(_section), write=True),
    "questionnaires:question_create": Case(kwargs=_pk(_section), write=True),
    "questionnaires:question_edit": Case(kwargs=_pk(_question), write=True),
    "questionnaires:question_delete": Case(kwargs=_pk(_question), write=True),
    "questionnaires:question_move": Case(kwargs=_pk(_question), write=True),
    "questionnaires:campaign_create": Case(kwargs=_pk(_questionnaire), write=True),
    "questionnaires:campaign": Case(kwargs=_pk(_campaign)),
    "questionnaires:campaign_send": Case(kwargs=_pk(_campaign), write=True),
    "questionnaires:campaign_remind": Case(kwargs=_pk(_campaign), write=True),
    "questionnaires:results": Case(kwargs=_pk(_campaign)),
    "questionnaires:export": Case(kwargs=_pk(_campaign)),
    "questionnaires:answer": Case(kwargs=lambda c: {"token": _invitation(c).token}, public=True),
}
