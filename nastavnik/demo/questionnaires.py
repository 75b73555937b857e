"""The demo's questionnaires: the organisation has its copies of the standard questionnaires; the
mentee request questionnaire went to its largest class (parents answer for minors) and about two
thirds have answered; the mentors have been asked about their satisfaction. Built through the
services, the same on every run (random.Random with a fixed seed)."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Count
from django.utils import timezone

from nastavnik.people.models import GuardianLink, Person, Role, RoleKind
from nastavnik.questionnaires import services
from nastavnik.questionnaires.models import CampaignMode, Questionnaire, QuestionType
from nastavnik.questionnaires.templates_data import TEMPLATES

TEXTS = {
    "request_subjects": ["Математика", "Русский язык", "Физика и математика", "Английский язык", "Химия"],
    "request_olympiad": ["Олимпиада по биологии", "Конкурс проектов по информатике", "Олимпиада по истории"],
    "request_other": ["Хочу научиться выступать перед классом", "Нужна помощь с планированием времени"],
    "request_result": [
        "Исправить оценки по математике",
        "Определиться с профилем 10 класса",
        "Подготовить проект к школьной конференции",
        "Чувствовать себя увереннее в новом классе",
    ],
    "interests": [
        "Футбол и компьютерные игры",
        "Рисование, аниме",
        "Программирование и робототехника",
        "Чтение, шахматы",
        "Музыка, танцы",
        "Животные, биология",
        "Волонтёрство, походы",
    ],
    "favourite_subjects": ["Биология", "История", "Физкультура", "Информатика", "Литература"],
    "about": ["Стесняется отвечать у доски", "Много занимается спортом после уроков", "Любит работать в команде"],
    "difficulties": ["Не всегда удаётся найти время для встреч", "Наставляемый иногда пропускает встречи"],
    "support_needed": ["Методические материалы для встреч", "Помощь в составлении плана"],
}
GENERIC_TEXT = ["Нет", "Всё понравилось", "Пока затрудняюсь ответить"]
ANSWER_SHARE = 0.65


def _class_for_campaign(organization) -> str:
    rows = (
        Person.objects.filter(organization=organization, category__in=("pupil", "student"))
        .exclude(class_name="")
        .values("class_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "class_name")
    )
    first = rows.first()
    return first["class_name"] if first else ""


def _value(question, rng: random.Random, offered: list[int]):
    qtype = question.qtype
    if qtype == QuestionType.SINGLE:
        return rng.choice(question.options)
    if qtype == QuestionType.MULTIPLE:
        limit = question.max_choices or min(3, len(question.options))
        return rng.sample(question.options, rng.randint(1, max(1, min(limit, len(question.options)))))
    if qtype == QuestionType.SCALE:
        return str(min(10, max(1, round(rng.gauss(7.2, 1.8)))))
    if qtype == QuestionType.NUMBER:
        low = int(question.min_value) if question.min_value is not None else 1
        high = int(question.max_value) if question.max_value is not None else low + 5
        return str(rng.randint(low, min(high, low + 4)))
    if qtype == QuestionType.DATE:
        return (dt.date(2026, 9, 1) + dt.timedelta(days=rng.randint(0, 60))).isoformat()
    if qtype == QuestionType.PEOPLE:
        if not offered:
            return []
        return [str(pk) for pk in rng.sample(offered, min(len(offered), question.max_choices or 3, rng.randint(1, 3)))]
    if not question.required and rng.random() < 0.4:
        return ""
    return rng.choice(TEXTS.get(question.code, GENERIC_TEXT))


def _answer_some(campaign, rng: random.Random, now: dt.datetime) -> int:
    questions = services.questions_of(campaign.questionnaire)
    offered = services.offered_people(questions, campaign.organization_id)
    answered = 0
    for index, invitation in enumerate(campaign.invitations.order_by("pk")):
        if rng.random() > ANSWER_SHARE:
            continue
        answers = {
            str(q.pk): _value(q, rng, [p.pk for p in offered.get(q.pk, []) if p.pk != invitation.subject_id])
            for q in questions
        }
        services.response_submit(token=invitation.token, answers=answers, now=now - dt.timedelta(hours=index))
        answered += 1
    return answered


def build_questionnaires(*, admin, organization, academic_year, today: dt.date) -> dict[str, int]:
    """Copies of the standard questionnaires and two campaigns with part of the answers in.
    Idempotent: an organisation that already has its request campaign is left as it is."""
    rng = random.Random(f"questionnaires:{organization.short_name}:{academic_year.start_year}")
    existing = set(Questionnaire.objects.filter(organization=organization).values_list("template_code", flat=True))
    by_code = {}
    for template in TEMPLATES:
        if template.code in existing:
            by_code[template.code] = (
                Questionnaire.objects.filter(organization=organization, template_code=template.code)
                .order_by("pk")
                .first()
            )
            continue
        by_code[template.code] = services.questionnaire_create_from_template(
            actor=admin, organization=organization, template_code=template.code
        )
    summary = {"questionnaires": len(by_code), "campaigns": 0, "invitations": 0, "answered": 0}
    if services.questionnaire_is_locked(by_code["request_mentee"]):
        return summary
    now = timezone.now()
    deadline = today + dt.timedelta(days=14)

    class_name = _class_for_campaign(organization)
    if class_name:
        has_guardians = GuardianLink.objects.filter(
            child__organization=organization, child__class_name=class_name
        ).exists()
        result = services.campaign_create(
            actor=admin,
            questionnaire=by_code["request_mentee"],
            audience_kind="class",
            class_name=class_name,
            guardians_answer=has_guardians,
            deadline=deadline,
            mode=CampaignMode.EDITABLE,
            title=f"Запрос на наставничество: {class_name}, {academic_year}",
            today=today,
        )
        summary["campaigns"] += 1
        summary["invitations"] += result.created
        summary["answered"] += _answer_some(result.campaign, rng, now)

    if Role.objects.filter(organization=organization, kind=RoleKind.MENTOR).exists():
        result = services.campaign_create(
            actor=admin,
            questionnaire=by_code["satisfaction_mentor"],
            audience_kind="role",
            role_kind=RoleKind.MENTOR,
            deadline=deadline,
            mode=CampaignMode.SINGLE_USE,
            title=f"Удовлетворённость наставников, {academic_year}",
            today=today,
        )
        summary["campaigns"] += 1
        summary["invitations"] += result.created
        summary["answered"] += _answer_some(result.campaign, rng, now)
    return summary
