"""Russian wording of documents: a person's name and position in the case the sentence needs, the
signature form «А. С. Петрова», numbers in words. Built on nastavnik.core.declension (pytrovich for
names, pymorphy3 for positions) — nothing here declines by itself."""

from __future__ import annotations

import re

from nastavnik.core.declension import Case, agree_with_gender, decline_fio, decline_phrase, initials

TEACHING_POSITIONS = (
    "учитель",
    "преподаватель",
    "педагог дополнительного образования",
    "мастер производственного обучения",
)
_CLASS = re.compile(r"^(\d{1,2})([А-ЯЁа-яё]?)$")


def fio(person, case: Case = Case.NOMINATIVE) -> str:
    """«Петрову Анну Сергеевну» (the stored gender decides; the patronymic when it is missing)."""
    try:
        return decline_fio(
            person.last_name, person.first_name, person.patronymic, gender=person.gender or None, case=case
        )
    except ValueError:
        return " ".join(p for p in (person.last_name, person.first_name, person.patronymic) if p)


def signature_name(person) -> str:
    """«А. С. Петрова» (ГОСТ Р 7.0.97-2016)."""
    return initials(person.last_name, person.first_name, person.patronymic)


def surname_initials(person, case: Case = Case.NOMINATIVE) -> str:
    """«Петровой А. С.» — in lists and in running text."""
    try:
        return initials(
            person.last_name, person.first_name, person.patronymic, gender=person.gender or None, case=case,
            surname_first=True,
        )  # fmt: skip
    except ValueError:
        return initials(person.last_name, person.first_name, person.patronymic, surname_first=True)


def decline_list(phrase: str, case: Case) -> str:
    """A phrase with «и» or commas between its parts, every part declined: «русский язык и литература»
    → «русского языка и литературы» (decline_phrase declines one head only)."""
    parts = re.split(r"(\s+и\s+|,\s*)", phrase)
    return "".join(part if index % 2 else decline_phrase(part, case) for index, part in enumerate(parts))


def class_label(class_name: str) -> str:
    """«7Б» → «7 «Б»» as written in documents; a college group stays as it is."""
    match = _CLASS.match(class_name or "")
    if not match:
        return class_name
    number, letter = match.groups()
    return f"{number} «{letter.upper()}»" if letter else number


def position_of(person, case: Case = Case.NOMINATIVE) -> str:
    """What a person is, in the case needed, agreeing with the person's gender where Russian does:
    «учителя математики», «обучающуюся 7 «Б» класса», «студента группы ТМ-21»."""
    gender = person.gender or "f"
    category = getattr(person, "category", "")
    if category == "pupil":
        noun = agree_with_gender("обучающийся", "обучающаяся", gender)
        tail = f" {class_label(person.class_name)} класса" if person.class_name else ""
        return decline_phrase(f"{noun}{tail}", case)
    if category == "student":
        noun = agree_with_gender("студент", "студентка", gender)
        tail = f" группы {person.class_name}" if person.class_name else ""
        return decline_phrase(f"{noun}{tail}", case)
    position = (person.position or "").strip()
    if not position:
        labels = {"parent": "родитель", "alumnus": agree_with_gender("выпускник", "выпускница", gender)}
        position = labels.get(category, "")
        if not position:
            return ""
    if position[:1].isupper() and not position[:2].isupper():
        position = position[:1].lower() + position[1:]
    subject = (getattr(person, "subject", "") or "").strip()
    if subject and position.lower() in TEACHING_POSITIONS:
        return f"{decline_phrase(position, case)} {decline_list(subject, Case.GENITIVE)}"
    return decline_phrase(position, case)


def with_position(person, case: Case) -> str:
    """«Петрову Анну Сергеевну, учителя математики»."""
    position = position_of(person, case)
    return f"{fio(person, case)}, {position}" if position else fio(person, case)


def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_UNITS = ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_TEENS = (
    "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
    "семнадцать", "восемнадцать", "девятнадцать",
)  # fmt: skip
_TENS = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто")
_HUNDREDS = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот")


def number_words(number: int) -> str:
    """0–999 in words (nominative, masculine): 5 → «пять», 21 → «двадцать один», 140 → «сто сорок»."""
    if not 0 <= number <= 999:
        return str(number)
    if number == 0:
        return _UNITS[0]
    hundreds, rest = divmod(number, 100)
    words = [_HUNDREDS[hundreds]] if hundreds else []
    if 10 <= rest <= 19:
        words.append(_TEENS[rest - 10])
    else:
        tens, units = divmod(rest, 10)
        if tens:
            words.append(_TENS[tens])
        if units:
            words.append(_UNITS[units])
    return " ".join(words)


_QUOTED = re.compile(r"«[^»]*»")


def official_short_name(full_name: str, short_name: str = "") -> str:
    """The abbreviation used in the text of documents, made from the full name: «Муниципальное бюджетное
    общеобразовательное учреждение «Ершовская средняя общеобразовательная школа»» → «МБОУ «Ершовская
    средняя общеобразовательная школа»»; «Областное государственное автономное профессиональное
    образовательное учреждение «Валуйский колледж»» → «ОГАПОУ «Валуйский колледж»». Without quotes in the
    name the short name is used as it is (it never changes with the case: abbreviations don't decline)."""
    match = _QUOTED.search(full_name or "")
    if not match:
        return short_name or full_name
    words = re.findall(r"[А-ЯЁа-яё]+", full_name[: match.start()])
    if not words:
        return match.group()
    letters = "".join(word[0].upper() for word in words)
    return f"{letters} {match.group()}"
