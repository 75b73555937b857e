"""Whatever a person sends through the answer page, validation answers with a ValidationError (Russian
messages) or clean JSON values — never anything else (hypothesis), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import contextlib
import json

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nastavnik.questionnaires import answers as rules
from nastavnik.questionnaires import services
from nastavnik.questionnaires.models import CampaignMode, Question, QuestionType

from .conftest import deadline

OPTIONS = ["Да", "Нет", "Не знаю"]


def _question(pk, qtype, **kwargs) -> Question:
    return Question(pk=pk, qtype=qtype, text=f"Вопрос {pk}", required=kwargs.pop("required", True), **kwargs)


QUESTIONS = [
    _question(1, QuestionType.SINGLE, options=OPTIONS),
    _question(2, QuestionType.TEXT, depends_on_id=1, condition_value="Да"),
    _question(3, QuestionType.MULTIPLE, options=["А", "Б", "В", "Г"], max_choices=2),
    _question(4, QuestionType.NUMBER, depends_on_id=3, condition_value="Б", min_value=0, max_value=100),
    _question(5, QuestionType.SCALE),
    _question(6, QuestionType.DATE, required=False),
    _question(7, QuestionType.PEOPLE, max_choices=3, people_source="mentor"),
    _question(8, QuestionType.TEXT, required=False, depends_on_id=8, condition_value="x"),  # broken: never shown
    _question(9, QuestionType.SINGLE, options=OPTIONS, depends_on_id=999, condition_value="Да"),  # dangling
]
OFFERED = {7: [11, 12, 13, 14]}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["Да", "Нет", "А", "Б", "7", "10", "0", "2,5", "1e999", "31.12.2026", "2026-02-30", "11", "\x00"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)
keys = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", "6", "7", "8", "9", "q1", "q5"]), st.integers(0, 10), st.text(max_size=6)
)
raw_answers = st.one_of(st.dictionaries(keys, values, max_size=12), values)


@settings(max_examples=400, deadline=None)
@given(raw=raw_answers, shown=st.none() | st.lists(st.integers(0, 12), max_size=10))
def test_random_answers_give_clean_values_or_a_validation_error(raw, shown):
    try:
        cleaned = rules.clean_answers(QUESTIONS, raw, OFFERED, shown=shown)
    except ValidationError as error:
        for message in error.messages:
            assert message
            assert any("а" <= ch <= "я" for ch in message.lower())
        return
    text = json.dumps(cleaned, ensure_ascii=False)
    assert "\\u0000" not in text
    assert set(cleaned) <= {str(q.pk) for q in QUESTIONS}
    assert "8" not in cleaned  # a circular condition never shows its question
    if "2" in cleaned:
        assert cleaned["1"] == "Да"
    assert rules.clean_answers(QUESTIONS, cleaned, OFFERED) == cleaned  # clean values stay as they are


@settings(max_examples=200, deadline=None)
@given(
    single=st.sampled_from([*OPTIONS, "Может быть"]),
    multi=st.lists(st.sampled_from(["А", "Б", "В", "Г", "Д"]), max_size=4),
    scale=st.integers(-5, 15),
)
def test_valid_answers_are_accepted_exactly_when_they_are_valid(single, multi, scale):
    raw = {"1": single, "2": "текст", "3": multi, "4": "5", "5": str(scale), "7": ["11"], "9": "Нет"}
    chosen = set(multi)
    ok = single in OPTIONS and chosen and chosen <= {"А", "Б", "В", "Г"} and len(chosen) <= 2 and 1 <= scale <= 10
    try:
        cleaned = rules.clean_answers(QUESTIONS, raw, OFFERED)
    except ValidationError:
        assert not ok
    else:
        assert ok
        assert cleaned["5"] == scale
        assert cleaned["7"] == [11]
        assert ("4" in cleaned) == ("Б" in chosen)
        assert ("2" in cleaned) == (single == "Да")


def test_messages_name_the_fields():
    with pytest.raises(ValidationError) as error:
        rules.clean_answers(QUESTIONS, {"1": "Да", "3": ["А", "Б", "В"], "5": "0", "7": ["99"]}, OFFERED)
    assert error.value.message_dict == {
        "q2": ["Это обязательный вопрос: напишите ответ."],
        "q3": ["Можно выбрать не больше 2: снимите лишние отметки."],
        "q5": ["Выберите оценку от 1 до 10."],
        "q7": ["Выберите людей из предложенного списка."],
        "q9": ["Это обязательный вопрос: выберите вариант ответа."],
    }
    with pytest.raises(ValidationError, match="Не удалось прочитать ответы"):
        rules.clean_answers(QUESTIONS, ["не", "словарь"], OFFERED)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=raw_answers)
def test_submitting_random_answers_through_a_link_never_fails_otherwise(cast, request_q, raw):
    invitation = _editable_link(cast, request_q)
    keys = [str(pk) for pk in request_q.questions.values_list("pk", flat=True)]
    if isinstance(raw, dict):  # aim at the real questions too
        raw = {keys[hash(str(k)) % len(keys)]: v for k, v in raw.items()} | raw
    with contextlib.suppress(ValidationError):
        services.response_submit(token=invitation.token, answers=raw)


def _editable_link(cast, questionnaire):
    from ..factories import PersonFactory

    campaign = questionnaire.campaigns.first()
    if campaign is None:
        PersonFactory(organization=cast.school_a, class_name="9А", category="pupil")
        campaign = services.campaign_create(
            actor=cast.user("curator"),
            questionnaire=questionnaire,
            audience_kind="class",
            class_name="9А",
            deadline=deadline(),
            mode=CampaignMode.EDITABLE,
        ).campaign
    return campaign.invitations.first()
