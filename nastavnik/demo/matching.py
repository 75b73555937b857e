"""The demo's matching (seed 000, roadmap 5.1–5.3), built through the matching services after the
pools (and the mentorships) exist: the mentees and mentors of the forms to match answer the preference
questionnaire (whom they would like to work with); in every organisation a finished run whose pairs
the director approved (they became mentorships, fixed by an order), and in the college a second,
pending run of «Студент – студент» — ready, with the pairs explained and mentees left without a place —
for the curator to review, edit and approve. Siblings in the pools become a forbidden pair. The same on
every run: the engine is deterministic and the dates follow `today`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from nastavnik.matching import services
from nastavnik.matching.models import MatchingRun, RunStatus
from nastavnik.people.models import GuardianLink, RoleKind
from nastavnik.pools.selectors import matchable_mentees, matchable_mentors
from nastavnik.programs.selectors import enabled_forms

from .pools import build_intake
from .roles import user_with_role

PENDING_FORM = "student_student"  # the college's pending run («Done when» of issue 6)


def _ready_forms(organization, academic_year):
    forms = enabled_forms(organization=organization, academic_year=academic_year).order_by("sort_order", "name")
    return [
        f
        for f in forms
        if matchable_mentees(organization, academic_year, f).exists()
        and matchable_mentors(organization, academic_year, f).exists()
    ]


def _forbid_siblings(*, actor, organization, academic_year) -> int:
    """A mentee and a mentor of the pools who share a parent must not be a pair."""
    from nastavnik.pools.models import MenteeEntry, MentorEntry

    mentees = set(
        MenteeEntry.objects.filter(organization=organization, academic_year=academic_year).values_list(
            "person_id", flat=True
        )
    )
    mentors = set(
        MentorEntry.objects.filter(organization=organization, academic_year=academic_year).values_list(
            "person_id", flat=True
        )
    )
    children_of: dict[int, set[int]] = {}
    for guardian, child in GuardianLink.objects.filter(child_id__in=mentees | mentors).values_list(
        "guardian_id", "child_id"
    ):
        children_of.setdefault(guardian, set()).add(child)
    for children in children_of.values():
        mentee = next((c for c in sorted(children) if c in mentees), None)
        mentor = next((c for c in sorted(children) if c in mentors and c != mentee), None)
        if mentee and mentor:
            from nastavnik.people.models import Person

            services.forbidden_add(
                actor=actor,
                organization=organization,
                academic_year=academic_year,
                mentee=Person.objects.get(pk=mentee),
                mentor=Person.objects.get(pk=mentor),
                reason="брат и сестра (родственники)",
            )
            return 1
    return 0


def _answers(questions, chosen: list[int], today: dt.date) -> dict[str, object]:
    from nastavnik.questionnaires.models import QuestionType

    answers: dict[str, object] = {}
    for q in questions:
        if q.qtype == QuestionType.PEOPLE:
            value: object = [str(pk) for pk in chosen]
        elif q.qtype == QuestionType.SCALE:
            value = "8"
        elif q.qtype == QuestionType.SINGLE:
            value = q.options[0] if q.options else ""
        elif q.qtype == QuestionType.MULTIPLE:
            value = q.options[:1]
        elif q.qtype == QuestionType.NUMBER:
            value = str(int(q.min_value or 1))
        elif q.qtype == QuestionType.DATE:
            value = today.isoformat()
        else:
            value = "Познакомились на групповой встрече, хотим работать вместе" if q.required else ""
        answers[str(q.pk)] = value
    return answers


def _preferences(*, actor, organization, academic_year, form, today: dt.date) -> int:
    """The preference questionnaire after the group meeting (seed 000, 5.2): the mentees and the mentors
    of the form answer whom they would like to work with, up to three each, so that the run shows
    «выбор в анкете предпочтений» and «взаимный первый выбор» in its explanations."""
    from django.utils import timezone

    from nastavnik.questionnaires import services as questionnaires
    from nastavnik.questionnaires.models import CampaignMode, Questionnaire

    mentee_people = [e.person_id for e in matchable_mentees(organization, academic_year, form).order_by("pk")]
    mentor_people = [e.person_id for e in matchable_mentors(organization, academic_year, form).order_by("pk")]
    if not mentee_people or not mentor_people:
        return 0
    answered = 0
    now = timezone.now()
    for code, pool, others in (
        ("preference_mentee", "mentee", mentor_people),
        ("preference_mentor", "mentor", mentee_people),
    ):
        questionnaire = Questionnaire.objects.filter(organization=organization, template_code=code).first()
        if questionnaire is None:
            continue
        try:
            result = questionnaires.campaign_create(
                actor=actor, questionnaire=questionnaire, audience_kind="pool", pool=f"{pool}:{form.pk}",
                deadline=today + dt.timedelta(days=7), mode=CampaignMode.SINGLE_USE,
                title=f"{questionnaire.title}: «{form.name}»", today=today,
            )  # fmt: skip
        except ValidationError:
            continue
        questions = questionnaires.questions_of(questionnaire)
        offered = questionnaires.offered_people(questions, organization.pk)
        offered_ids = {p.pk for people in offered.values() for p in people}
        choosable = [pk for pk in others if pk in offered_ids]
        for index, invitation in enumerate(result.campaign.invitations.order_by("pk")):
            if not choosable:
                break
            chosen = [choosable[(index + k) % len(choosable)] for k in range(min(3, len(choosable)))]
            chosen = [pk for pk in dict.fromkeys(chosen) if pk != invitation.subject_id]
            try:
                questionnaires.response_submit(
                    token=invitation.token, answers=_answers(questions, chosen, today),
                    now=now - dt.timedelta(minutes=index),
                )  # fmt: skip
            except ValidationError:
                continue
            answered += 1
    return answered


def build_matching(*, admin, organization, academic_year, today: dt.date) -> dict[str, int]:
    """One approved run per organisation (and a pending one in the college). Returns counts."""
    counts = {"runs": 0, "approved": 0, "pending": 0, "forbidden": 0, "preferences": 0, "intake": 0}
    if MatchingRun.objects.filter(organization=organization, academic_year=academic_year).exists():
        return counts
    curator = user_with_role(organization, RoleKind.CURATOR, admin)
    director = user_with_role(organization, RoleKind.DIRECTOR, admin)
    counts["forbidden"] = _forbid_siblings(actor=curator, organization=organization, academic_year=academic_year)
    # the October intake of the pending form: mentees not yet in pairs and trained mentors with free places
    for form in enabled_forms(organization=organization, academic_year=academic_year).filter(code=PENDING_FORM):
        counts["intake"] = sum(
            build_intake(
                admin=admin, organization=organization, academic_year=academic_year, form=form, today=today
            ).values()
        )
    forms = _ready_forms(organization, academic_year)
    pending = next((f for f in forms if f.code == PENDING_FORM), None)
    approved_forms = [f for f in forms if f != pending][:1]
    for form in [*approved_forms, *([pending] if pending else [])]:
        counts["preferences"] += _preferences(
            actor=curator, organization=organization, academic_year=academic_year, form=form, today=today
        )
    start = max(academic_year.start_date, min(today, academic_year.start_date + dt.timedelta(days=45)))
    for form in approved_forms:
        run = services.run_create(
            actor=curator, organization=organization, academic_year=academic_year, form=form, today=today
        )
        counts["runs"] += 1
        if run.status != RunStatus.READY:
            continue
        try:
            services.run_approve(
                actor=director,
                run=run,
                activate=True,
                start_date=start,
                order_number=f"{start:%m}-{organization.pk:02d}/н",
                order_date=start,
            )
        except ValidationError:
            continue
        counts["approved"] += 1
    if pending is not None:
        run = services.run_create(
            actor=curator, organization=organization, academic_year=academic_year, form=pending, today=today
        )
        counts["runs"] += 1
        counts["pending"] += int(run.status == RunStatus.READY)
    return counts
