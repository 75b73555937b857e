"""Cleaning of answers: pure functions over questions (saved or not) and the raw input.

Raw answers map a question id (str or int) to what was typed or chosen: a string, a number, or a
list of strings (checkboxes). Whatever arrives, `clean_answers` either returns clean JSON-ready
values or raises ValidationError with Russian messages keyed «q<id>» — never anything else.

Clean values: single → option text; multiple → list of option texts; scale → int 1–10; text → str;
number → int or float; date → «YYYY-MM-DD»; people → list of person ids.

A conditional question is shown when the question it depends on is shown and its answer is the
expected value (for a multiple choice: among the chosen). Hidden questions are neither required nor
kept."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from .models import QuestionType

SCALE_MIN, SCALE_MAX = 1, 10
TEXT_MAX = 5000
NUMBER_MAX_LENGTH = 30

REQUIRED = {
    QuestionType.SINGLE: "Это обязательный вопрос: выберите вариант ответа.",
    QuestionType.MULTIPLE: "Это обязательный вопрос: отметьте хотя бы один вариант.",
    QuestionType.SCALE: "Это обязательный вопрос: выберите оценку от 1 до 10.",
    QuestionType.TEXT: "Это обязательный вопрос: напишите ответ.",
    QuestionType.NUMBER: "Это обязательный вопрос: введите число.",
    QuestionType.DATE: "Это обязательный вопрос: укажите дату.",
    QuestionType.PEOPLE: "Это обязательный вопрос: выберите хотя бы одного человека.",
}
BAD_FORMAT = "Не удалось прочитать ответ: заполните поле ещё раз."
NOT_AN_OPTION = "Выберите один из предложенных вариантов."
NOT_OFFERED = "Выберите людей из предложенного списка."
BAD_SCALE = "Выберите оценку от 1 до 10."
BAD_NUMBER = "Введите число, например 5 или 2,5."
BAD_DATE = "Введите дату в формате ДД.ММ.ГГГГ, например 01.09.2026."
TOO_LONG = f"Ответ слишком длинный: не больше {TEXT_MAX} знаков."

_DATE_RU = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class _Bad(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def field_name(question) -> str:
    return f"q{question.pk}"


def sanitize(value: str) -> str:
    """Drop what a database cannot store in text or JSON (NUL, lone surrogates)."""
    if not any(ch == "\x00" or "\ud800" <= ch <= "\udfff" for ch in value):
        return value
    return "".join(ch for ch in value if ch != "\x00" and not ("\ud800" <= ch <= "\udfff"))


def _text(value) -> str:
    """One scalar as text: a one-item list is unwrapped (a form posts lists)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        if not value:
            return ""
        if len(value) > 1:
            raise _Bad(BAD_FORMAT)
        value = value[0]
    if isinstance(value, bool):
        raise _Bad(BAD_FORMAT)
    if isinstance(value, str):
        return sanitize(value).strip()
    if isinstance(value, int | float | Decimal):
        try:
            return str(value)
        except ValueError as error:  # an integer too long to print
            raise _Bad(BAD_FORMAT) from error
    raise _Bad(BAD_FORMAT)


def _items(value) -> list[str]:
    if value is None:
        return []
    values = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
    items, seen = [], set()
    for raw in values:
        if isinstance(raw, list | tuple):
            raise _Bad(BAD_FORMAT)
        text = _text(raw)
        if text and text not in seen:
            seen.add(text)
            items.append(text)
    return items


def _max_choices(question, count: int) -> None:
    limit = question.max_choices
    if limit and count > limit:
        raise _Bad(f"Можно выбрать не больше {limit}: снимите лишние отметки.")


def _number(text: str, question):
    if len(text) > NUMBER_MAX_LENGTH:
        raise _Bad(BAD_NUMBER)
    try:
        number = Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except (InvalidOperation, ValueError) as error:
        raise _Bad(BAD_NUMBER) from error
    if not number.is_finite():
        raise _Bad(BAD_NUMBER)
    as_float = float(number)
    if math.isinf(as_float):
        raise _Bad(BAD_NUMBER)
    low, high = question.min_value, question.max_value
    if low is not None and as_float < low:
        raise _Bad(f"Число должно быть не меньше {_fmt(low)}.")
    if high is not None and as_float > high:
        raise _Bad(f"Число должно быть не больше {_fmt(high)}.")
    if number == number.to_integral_value() and abs(number) < 10**15:
        return int(number)
    return as_float


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def _date(text: str) -> str:
    match = _DATE_ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DATE_RU.match(text)
        if not match:
            raise _Bad(BAD_DATE)
        day, month, year = (int(g) for g in match.groups())
    if not 1900 <= year <= 2100:
        raise _Bad("Проверьте год: дата должна быть между 1900 и 2100 годом.")
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError as error:
        raise _Bad("Такой даты нет в календаре.") from error


def clean_value(question, raw, offered_people: Iterable[int] = ()):
    """The clean value of one answer, or None when nothing was given; raises _Bad."""
    qtype = question.qtype
    if qtype == QuestionType.SINGLE:
        text = _text(raw)
        if not text:
            return None
        if text not in (question.options or []):
            raise _Bad(NOT_AN_OPTION)
        return text
    if qtype == QuestionType.MULTIPLE:
        items = _items(raw)
        if not items:
            return None
        options = question.options or []
        if any(item not in options for item in items):
            raise _Bad(NOT_AN_OPTION)
        _max_choices(question, len(items))
        return [option for option in options if option in items]  # in the questionnaire's order
    if qtype == QuestionType.SCALE:
        text = _text(raw)
        if not text:
            return None
        if len(text) > NUMBER_MAX_LENGTH:
            raise _Bad(BAD_SCALE)
        try:
            number = Decimal(text.replace(",", "."))
        except (InvalidOperation, ValueError) as error:
            raise _Bad(BAD_SCALE) from error
        if not number.is_finite() or number != number.to_integral_value() or not SCALE_MIN <= number <= SCALE_MAX:
            raise _Bad(BAD_SCALE)
        return int(number)
    if qtype == QuestionType.TEXT:
        text = _text(raw)
        if len(text) > TEXT_MAX:
            raise _Bad(TOO_LONG)
        return text or None
    if qtype == QuestionType.NUMBER:
        text = _text(raw)
        return _number(text, question) if text else None
    if qtype == QuestionType.DATE:
        text = _text(raw)
        return _date(text) if text else None
    if qtype == QuestionType.PEOPLE:
        items = _items(raw)
        if not items:
            return None
        offered = set(offered_people)
        ids = []
        for item in items:
            if not item.isascii() or not item.isdigit() or len(item) > 18 or int(item) not in offered:
                raise _Bad(NOT_OFFERED)
            if int(item) not in ids:
                ids.append(int(item))
        _max_choices(question, len(ids))
        return ids
    raise _Bad(BAD_FORMAT)


def _raw_for(raw_answers: Mapping, question):
    for key in (str(question.pk), question.pk, field_name(question)):
        if key in raw_answers:
            return raw_answers[key]
    return None


def _matches(value, expected: str) -> bool:
    if value is None:
        return False
    if isinstance(value, list):
        return expected in value or expected in (str(v) for v in value)
    return str(value) == expected


def visible_ids(questions: list, values: Mapping[int, object]) -> set[int]:
    """Ids of the questions shown for these (clean) values, conditions followed up the chain."""
    by_id = {q.pk: q for q in questions}
    memo: dict[int, bool] = {}

    def shown(question, depth=0) -> bool:
        if question.pk in memo:
            return memo[question.pk]
        parent = by_id.get(question.depends_on_id) if question.depends_on_id else None
        if question.depends_on_id is None or parent is None:
            result = True  # no condition, or it points outside this questionnaire: always shown
        elif depth > len(questions) or parent.pk == question.pk:
            result = False  # a broken (circular) condition never shows the question
        else:
            result = shown(parent, depth + 1) and _matches(values.get(parent.pk), question.condition_value)
        memo[question.pk] = result
        return result

    return {q.pk for q in questions if shown(q)}


def lenient_values(questions: list, raw_answers, offered: Mapping[int, Iterable[int]] | None = None) -> dict:
    """Clean values where the input is valid (for deciding what to show while a form is filled)."""
    offered = offered or {}
    values = {}
    if not isinstance(raw_answers, Mapping):
        return values
    for question in questions:
        try:
            value = clean_value(question, _raw_for(raw_answers, question), offered.get(question.pk, ()))
        except _Bad:
            continue
        if value is not None:
            values[question.pk] = value
    return values


def clean_answers(
    questions: list,
    raw_answers,
    offered: Mapping[int, Iterable[int]] | None = None,
    *,
    shown: Iterable[int] | None = None,
) -> dict[str, object]:
    """Validate a whole questionnaire. Returns {str(question id): clean value} of the shown questions
    that were answered. `shown` — ids the respondent saw (a page without JavaScript): when the answers
    reveal questions that were not on the page, nothing is saved and the page shows them."""
    if not isinstance(raw_answers, Mapping):
        raise ValidationError("Не удалось прочитать ответы: отправьте анкету ещё раз.")
    offered = offered or {}
    values, errors = {}, {}
    for question in questions:
        try:
            value = clean_value(question, _raw_for(raw_answers, question), offered.get(question.pk, ()))
        except _Bad as bad:
            errors[question.pk] = bad.message
            continue
        if value is not None:
            values[question.pk] = value
    visible = visible_ids(questions, values)
    messages = {}
    for question in questions:
        if question.pk not in visible:
            continue
        if question.pk in errors:
            messages[field_name(question)] = errors[question.pk]
        elif question.required and question.pk not in values:
            messages[field_name(question)] = REQUIRED.get(question.qtype, BAD_FORMAT)
    if shown is not None:
        seen = set(shown)
        new = [q for q in questions if q.pk in visible and q.pk not in seen]
        if new:
            for question in new:
                messages.pop(field_name(question), None)
            messages["__all__"] = "По вашим ответам появились дополнительные вопросы: ответьте на них, пожалуйста."
    if messages:
        raise ValidationError(messages)
    return {str(q.pk): values[q.pk] for q in questions if q.pk in visible and q.pk in values}


def display_values(questions: list, stored: Mapping[str, object]) -> dict[int, object]:
    """Stored clean answers → what the form fields show (strings, lists of strings)."""
    result = {}
    for question in questions:
        value = stored.get(str(question.pk))
        if value is None:
            continue
        if isinstance(value, list):
            result[question.pk] = [str(v) for v in value]
        elif question.qtype == QuestionType.NUMBER and isinstance(value, float):
            result[question.pk] = _fmt(value)
        else:
            result[question.pk] = str(value)
    return result


def answer_text(question, value, people_names: Mapping[int, str] | None = None) -> str:
    """A stored answer as a person reads it (results, XLSX)."""
    if value is None or value == "" or value == []:
        return ""
    if question.qtype == QuestionType.PEOPLE:
        names = people_names or {}
        return "; ".join(names.get(v, f"участник № {v}") for v in value) if isinstance(value, list) else str(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if question.qtype == QuestionType.DATE and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            return value
    if question.qtype == QuestionType.NUMBER and isinstance(value, float):
        return _fmt(value)
    return str(value)
