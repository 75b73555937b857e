"""Reads of questionnaires, campaigns and answers, scoped by the user; the progress of a campaign and
the summary of its answers (one pass over the JSON of a campaign's responses: a few thousand rows)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from nastavnik.orgs.models import Organization
from nastavnik.people.access import access_for, require
from nastavnik.people.models import Person

from . import answers as answer_rules
from .models import (
    Campaign,
    Invitation,
    Question,
    Questionnaire,
    QuestionType,
    Response,
    Section,
)
from .templates_data import TEMPLATES

STAFF_ONLY = "Анкеты доступны сотрудникам организации и координаторам."


def require_staff(actor) -> None:
    require(access_for(actor).sees_registers, STAFF_ONLY)


def _visible_q(actor) -> Q:
    """Questionnaires owned within the user's scope, and the templates of the municipality and region
    of the organisations the user works in (to copy from)."""
    access = access_for(actor)
    q = access.scoped_q()
    if access.is_admin:
        return q
    staff = access.staff_org_ids
    regions = {access.org_region[o] for o in staff if o in access.org_region}
    municipalities = {access.org_municipality[o] for o in staff if o in access.org_municipality}
    if regions or municipalities:
        q |= Q(is_template=True, organization__isnull=True) & (
            Q(municipality__isnull=True, region_id__in=regions) | Q(municipality_id__in=municipalities)
        )
    return q


# --- questionnaires -------------------------------------------------------------------------------
def questionnaire_list_for(*, actor, organization: Organization | None = None) -> QuerySet[Questionnaire]:
    require_staff(actor)
    qs = Questionnaire.objects.filter(_visible_q(actor)).select_related("organization", "municipality", "region")
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.annotate(
        question_count=Count("questions", distinct=True), campaign_count=Count("campaigns", distinct=True)
    ).order_by("-is_template", "title", "pk")


def area_templates_for(*, actor, organization: Organization) -> QuerySet[Questionnaire]:
    """Templates of the organisation's municipality and region (made by coordinators)."""
    return (
        Questionnaire.objects.filter(_visible_q(actor), is_template=True, organization__isnull=True)
        .filter(
            Q(municipality_id=organization.municipality_id)
            | Q(municipality__isnull=True, region_id=organization.region_id)
        )
        .select_related("municipality", "region")
        .order_by("title", "pk")
    )


def standard_templates():
    return TEMPLATES


def questionnaire_get_for(*, actor, pk: int) -> Questionnaire:
    require_staff(actor)
    qs = Questionnaire.objects.filter(_visible_q(actor)).select_related(
        "organization__municipality", "municipality", "region"
    )
    return get_object_or_404(qs, pk=pk)


def section_get_for(*, actor, pk: int) -> Section:
    require_staff(actor)
    visible = Questionnaire.objects.filter(_visible_q(actor)).values("pk")
    qs = Section.objects.filter(questionnaire__in=visible).select_related("questionnaire__organization__municipality")
    return get_object_or_404(qs, pk=pk)


def question_get_for(*, actor, pk: int) -> Question:
    require_staff(actor)
    visible = Questionnaire.objects.filter(_visible_q(actor)).values("pk")
    qs = Question.objects.filter(questionnaire__in=visible).select_related(
        "questionnaire__organization__municipality", "section", "depends_on"
    )
    return get_object_or_404(qs, pk=pk)


def builder_sections(questionnaire: Questionnaire) -> list[Section]:
    questions = Question.objects.select_related("depends_on").order_by("sort_order", "id")
    return list(
        questionnaire.sections.order_by("sort_order", "id").prefetch_related(Prefetch("questions", queryset=questions))
    )


def condition_choices(questionnaire: Questionnaire, *, before: Question | None = None) -> list[tuple[str, str]]:
    """(«<question id>|<option number>», label) for every option of the choice questions above `before`
    (all of them for a new question): the builder's «show if» list."""
    from .services import questions_of

    choices = []
    for question in questions_of(questionnaire):
        if before is not None and question.pk == before.pk:
            break
        if question.qtype not in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            continue
        for index, option in enumerate(question.options):
            choices.append((f"{question.pk}|{index}", f"«{_short(question.text)}» — «{_short(option, 60)}»"))
    return choices


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- campaigns ------------------------------------------------------------------------------------
def campaign_list_for(
    *, actor, organization: Organization | None = None, questionnaire: Questionnaire | None = None
) -> QuerySet[Campaign]:
    require_staff(actor)
    qs = Campaign.objects.filter(access_for(actor).scoped_q()).select_related("questionnaire", "organization")
    if organization is not None:
        qs = qs.filter(organization=organization)
    if questionnaire is not None:
        qs = qs.filter(questionnaire=questionnaire)
    return qs.annotate(
        total=Count("invitations"), answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False))
    ).order_by("-created_at", "-pk")


def campaign_get_for(*, actor, pk: int) -> Campaign:
    require_staff(actor)
    qs = Campaign.objects.filter(access_for(actor).scoped_q()).select_related(
        "questionnaire", "organization__municipality", "created_by"
    )
    return get_object_or_404(qs, pk=pk)


@dataclass
class Progress:
    total: int
    answered: int
    pending: int
    expired: int
    emailed: int
    reminded: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def width(self) -> int:
        return bar_width(self.percent)


def campaign_progress(campaign: Campaign, *, now: dt.datetime | None = None) -> Progress:
    now = now or timezone.now()
    counts = campaign.invitations.aggregate(
        total=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        expired=Count("id", filter=Q(answered_at__isnull=True, expires_at__lte=now)),
        emailed=Count("id", filter=Q(sent_at__isnull=False)),
        reminded=Count("id", filter=Q(reminded_at__isnull=False)),
    )
    return Progress(pending=counts["total"] - counts["answered"], **counts)


PROGRESS_FILTERS = {"all": "Все", "pending": "Не ответили", "answered": "Ответили"}


def campaign_invitations(campaign: Campaign, *, status: str = "all") -> QuerySet[Invitation]:
    qs = campaign.invitations.select_related("person", "subject")
    if status == "pending":
        qs = qs.filter(answered_at__isnull=True)
    elif status == "answered":
        qs = qs.filter(answered_at__isnull=False)
    return qs.order_by("subject__class_name", "subject__last_name", "subject__first_name", "person__last_name", "pk")


def invitation_for_token(token: str) -> Invitation | None:
    if not isinstance(token, str) or not 0 < len(token) <= 64:
        return None
    return (
        Invitation.objects.select_related(
            "campaign__questionnaire", "campaign__organization", "person", "subject", "response"
        )
        .filter(token=token)
        .first()
    )


# --- results --------------------------------------------------------------------------------------
def bar_width(percent: float) -> int:
    """A CSS width class step (0, 5, …, 100) for a percentage: charts without inline styles."""
    percent = max(0.0, min(100.0, float(percent)))
    return int(5 * round(percent / 5))


@dataclass
class OptionCount:
    label: str
    count: int
    percent: int

    @property
    def width(self) -> int:
        return bar_width(self.percent)


@dataclass
class QuestionResult:
    question: Question
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    average: float | None = None
    minimum: object = None
    maximum: object = None
    texts: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question.qtype


TEXTS_SHOWN = 30


def people_names(ids) -> dict[int, str]:
    return {
        p.pk: p.full_name
        for p in Person.objects.filter(pk__in=set(ids)).only("pk", "last_name", "first_name", "patronymic")
    }


def campaign_results(campaign: Campaign) -> tuple[int, list[QuestionResult]]:
    """(number of responses, a summary per question): counts and shares of options, the average and
    the distribution of a scale, average/min/max of numbers, the range of dates, the latest texts,
    and how often each person was chosen."""
    from .services import questions_of

    questions = questions_of(campaign.questionnaire)
    rows = list(campaign.responses.order_by("-submitted_at", "-pk").values_list("answers", flat=True))
    values: dict[int, list] = {q.pk: [] for q in questions}
    for answers in rows:
        if not isinstance(answers, dict):
            continue
        for question in questions:
            value = answers.get(str(question.pk))
            if value is not None and value != "" and value != []:
                values[question.pk].append(value)
    chosen_people = {v for q in questions if q.qtype == QuestionType.PEOPLE for vs in values[q.pk] for v in vs}
    names = people_names(chosen_people) if chosen_people else {}
    return len(rows), [_summarise(question, values[question.pk], names) for question in questions]


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _summarise(question: Question, values: list, names: dict[int, str]) -> QuestionResult:
    answered = len(values)
    result = QuestionResult(question=question, answered=answered)
    qtype = question.qtype
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        counts = Counter()
        for value in values:
            counts.update(value if isinstance(value, list) else [value])
        labels = list(question.options) + sorted(str(k) for k in counts if k not in question.options)
        result.options = [
            OptionCount(label, counts.get(label, 0), _percent(counts.get(label, 0), answered)) for label in labels
        ]
    elif qtype == QuestionType.SCALE:
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        counts = Counter(int(v) for v in numbers)
        result.options = [
            OptionCount(str(n), counts.get(n, 0), _percent(counts.get(n, 0), len(numbers)))
            for n in range(answer_rules.SCALE_MIN, answer_rules.SCALE_MAX + 1)
        ]
        result.average = round(sum(numbers) / len(numbers), 1) if numbers else None
    elif qtype == QuestionType.NUMBER:
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if numbers:
            result.average = round(sum(numbers) / len(numbers), 1)
            result.minimum, result.maximum = min(numbers), max(numbers)
    elif qtype == QuestionType.DATE:
        dates = sorted(v for v in values if isinstance(v, str))
        if dates:
            result.minimum = answer_rules.answer_text(question, dates[0])
            result.maximum = answer_rules.answer_text(question, dates[-1])
    elif qtype == QuestionType.TEXT:
        result.texts = [str(v) for v in values[:TEXTS_SHOWN]]
    elif qtype == QuestionType.PEOPLE:
        counts = Counter(v for value in values if isinstance(value, list) for v in value)
        result.options = [
            OptionCount(names.get(pk, "участник исключён"), count, _percent(count, answered))
            for pk, count in sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], "")))
        ]
    return result


@dataclass
class PersonAnswers:
    response: Response
    respondent: str
    subject: str
    class_name: str
    items: list[tuple[Question, str]]


def respondent_label(invitation: Invitation) -> tuple[str, str, str]:
    """(who answered, about whom when a guardian answered, class) — «обезличено» after revocation."""
    if invitation.anonymised or invitation.person_id is None:
        return "Обезличено", "", ""
    person, subject = invitation.person, invitation.subject
    about = subject.full_name if subject and subject.pk != person.pk else ""
    class_name = (subject or person).class_name
    return person.full_name, about, class_name


def responses_for(campaign: Campaign) -> QuerySet[Response]:
    return campaign.responses.select_related("invitation__person", "invitation__subject").order_by(
        "invitation__subject__class_name", "invitation__subject__last_name", "submitted_at", "pk"
    )


def person_answers(campaign: Campaign, responses) -> list[PersonAnswers]:
    """Each response as question → answer text (questions it did not answer are left out)."""
    from .services import questions_of

    questions = questions_of(campaign.questionnaire)
    responses = list(responses)
    ids = {
        v
        for r in responses
        for q in questions
        if q.qtype == QuestionType.PEOPLE
        for v in (r.answers.get(str(q.pk)) or [])
        if isinstance(v, int)
    }
    names = people_names(ids) if ids else {}
    result = []
    for response in responses:
        respondent, subject, class_name = respondent_label(response.invitation)
        items = []
        for question in questions:
            text = answer_rules.answer_text(question, (response.answers or {}).get(str(question.pk)), names)
            if text:
                items.append((question, text))
        result.append(PersonAnswers(response, respondent, subject, class_name, items))
    return result


# --- audience ---------------------------------------------------------------------------------------
def class_names_of(organization: Organization) -> list[tuple[str, int]]:
    """(class or group, number of people) of the organisation, in school order (5А, 5Б, 10А…)."""
    rows = (
        Person.objects.filter(organization=organization)
        .exclude(class_name="")
        .values("class_name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["class_name"]: row["n"] for row in rows}
    return [(name, counts[name]) for name in sorted(counts, key=_class_sort_key)]


def _class_sort_key(name: str):
    digits = "".join(ch for ch in name if ch.isdigit())
    return (0, int(digits), name) if digits and name[0].isdigit() else (1, 0, name)


def audience_people(organization: Organization) -> QuerySet[Person]:
    return Person.objects.filter(organization=organization).order_by(
        "category", "class_name", "last_name", "first_name", "patronymic", "pk"
    )


# --- answers by question code (pools and matching read these) ------------------------------------------
@dataclass(frozen=True)
class CodedAnswers:
    """One response, its answers keyed by the stable question code of the standard template."""

    subject_id: int
    respondent_id: int
    submitted_at: dt.datetime
    values: dict


def campaign_answers_by_code(campaign: Campaign) -> list[CodedAnswers]:
    """The responses of a campaign that still name their person (anonymised ones are left out), the
    newest answer about each person only; questions without a code are left out."""
    codes = {
        str(pk): code
        for pk, code in Question.objects.filter(questionnaire_id=campaign.questionnaire_id)
        .exclude(code="")
        .values_list("pk", "code")
    }
    rows = (
        Response.objects.filter(campaign=campaign, anonymised=False, invitation__subject__isnull=False)
        .values_list("invitation__subject_id", "invitation__person_id", "submitted_at", "answers")
        .order_by("submitted_at", "pk")
    )
    newest: dict[int, CodedAnswers] = {}
    for subject_id, respondent_id, submitted_at, stored in rows:
        values = {codes[key]: value for key, value in (stored or {}).items() if key in codes}
        newest[subject_id] = CodedAnswers(subject_id, respondent_id, submitted_at, values)
    return list(newest.values())
