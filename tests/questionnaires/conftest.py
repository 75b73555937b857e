"""Shared set-up for questionnaires: class 7Б of school A (Мария Иванова of the cast, whose mother
answers, and two more pupils: one whose father has an e-mail, one with nobody to answer for her),
two mentors of school A and the standard request questionnaire copied by the curator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from nastavnik.core.text import years_before
from nastavnik.people.models import Category, Gender, RoleKind
from nastavnik.questionnaires import services

from ..factories import GuardianLinkFactory, PersonFactory, RoleFactory


@dataclass
class Klass:
    maria: object  # cast.pupil_a, mother cast.parent_a (no e-mail)
    petr: object  # father with an e-mail
    father: object
    olga: object  # no guardian
    mentors: list


@pytest.fixture
def klass(cast) -> Klass:
    today = timezone.localdate()
    school = cast.school_a
    petr = PersonFactory(
        organization=school,
        last_name="Кузнецов",
        first_name="Пётр",
        patronymic="Андреевич",
        gender=Gender.MALE,
        category=Category.PUPIL,
        class_name="7Б",
        birth_date=years_before(today, 13),
    )
    father = PersonFactory(
        organization=school,
        last_name="Кузнецов",
        first_name="Андрей",
        patronymic="Петрович",
        gender=Gender.MALE,
        category=Category.PARENT,
        email="kuznetsov@example.ru",
    )
    GuardianLinkFactory(guardian=father, child=petr, kind="father")
    olga = PersonFactory(
        organization=school,
        last_name="Белова",
        first_name="Ольга",
        category=Category.PUPIL,
        class_name="7Б",
        birth_date=years_before(today, 12) - dt.timedelta(days=3),
    )
    mentors = []
    for last_name, first_name in (("Орлова", "Наталья"), ("Соколов", "Игорь")):
        mentor = PersonFactory(
            organization=school,
            last_name=last_name,
            first_name=first_name,
            patronymic="Ивановна" if first_name == "Наталья" else "Сергеевич",
            gender=Gender.FEMALE if first_name == "Наталья" else Gender.MALE,
            email=f"{last_name.lower()}@example.ru" if first_name == "Наталья" else "",
            position="учитель",
        )
        RoleFactory(person=mentor, kind=RoleKind.MENTOR, organization=school)
        mentors.append(mentor)
    return Klass(maria=cast.pupil_a, petr=petr, father=father, olga=olga, mentors=mentors)


@pytest.fixture
def request_q(cast):
    return services.questionnaire_create_from_template(
        actor=cast.user("curator"), organization=cast.school_a, template_code="request_mentee"
    )


def deadline(days: int = 7) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def by_code(questionnaire) -> dict:
    return {q.code: q for q in questionnaire.questions.all()}


def valid_request_answers(questionnaire) -> dict:
    q = by_code(questionnaire)
    return {
        str(q["request"].pk): ["Выбрать профессию и профиль обучения"],
        str(q["request_need"].pk): "7",
        str(q["format"].pk): "Очно",
        str(q["time_per_week"].pk): "1–2 часа",
        str(q["interests"].pk): "Футбол, робототехника",
    }
