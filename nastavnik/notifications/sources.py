"""Reminder sources read from the questionnaires app (plain queries on its models; nothing there
changes): «анкета ждёт ответа» — a personal link not answered whose deadline is three days away
or less, sent once per link and deadline."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.core.text import date_ru

from .reminders import Reminder, register

QUESTIONNAIRE_DUE = "questionnaire_due"
DAYS_BEFORE_DEADLINE = 3


def collect_questionnaires(*, now: dt.datetime):
    from nastavnik.questionnaires.models import Invitation
    from nastavnik.questionnaires.services import answer_path

    invitations = (
        Invitation.objects.filter(
            answered_at__isnull=True,
            anonymised=False,
            person__isnull=False,
            expires_at__gt=now,
            expires_at__lte=now + dt.timedelta(days=DAYS_BEFORE_DEADLINE),
            created_at__lte=now - dt.timedelta(days=1),  # not on the day the curator sends the links
        )
        .select_related("campaign__questionnaire", "campaign__organization", "subject")
        .order_by("pk")
    )
    for invitation in invitations.iterator(chunk_size=1000):
        deadline = timezone.localtime(invitation.expires_at).date()
        subject = invitation.subject
        about = ""
        if subject is not None and subject.pk != invitation.person_id:
            about = f" Анкета о ребёнке: {subject.first_name} {subject.last_name}."
        title = f"Анкета ждёт ответа: «{invitation.campaign.questionnaire.title}»"
        yield Reminder(
            person_id=invitation.person_id,
            key=f"invitation:{invitation.pk}:{deadline.isoformat()}",
            title=title,
            text=f"Ответить можно до {date_ru(deadline)} включительно "
            f"({invitation.campaign.organization.short_name}).{about}",
            url=answer_path(invitation),
        )


def register_sources() -> None:
    register(QUESTIONNAIRE_DUE, "Анкета ждёт ответа", collect_questionnaires)
