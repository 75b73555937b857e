"""Russian text helpers: search keys that ignore case in Cyrillic, names, dates.

SQLite's LIKE folds ASCII only, so `icontains` does not find «Иванова» by «иванов».
Every searchable model stores a key made by `search_key()` and queries filter with
`contains` on `search_key(query)`: the same behaviour on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
MONTHS_NOMINATIVE = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip

MONTHS_PREPOSITIONAL = (
    "январе", "феврале", "марте", "апреле", "мае", "июне",
    "июле", "августе", "сентябре", "октябре", "ноябре", "декабре",
)  # fmt: skip

_SPACES = re.compile(r"\s+")


def normalize_spaces(value: str) -> str:
    return _SPACES.sub(" ", value or "").strip()


def search_key(*parts: str | None) -> str:
    """Case-folded, ё→е, single-spaced text for `contains` lookups (Unicode-normalised, so a «ё»
    typed as «е» + combining diaeresis is found too)."""
    words = (normalize_spaces(unicodedata.normalize("NFKC", p)) for p in parts if p)
    return " ".join(w for w in words if w).casefold().replace("ё", "е")


def capitalize_name(value: str) -> str:
    """«иванова-петрова» → «Иванова-Петрова», keeping the rest as typed when it is mixed case."""
    value = normalize_spaces(value)
    if not value:
        return value
    if value.islower() or value.isupper():
        return "-".join(part[:1].upper() + part[1:].lower() for part in value.split("-"))
    return value[:1].upper() + value[1:]


_CLASS_RE = re.compile(r"^\s*(\d{1,2})\s*[-«\"]?\s*([А-ЯЁа-яёA-Za-z])?\s*[»\"]?\s*(?:класс)?\s*$")


def normalize_class_name(value: str) -> str:
    """«7 б», «7-Б», «7 «Б» класс» → «7Б»; anything else (a college group «ТМ-21») is kept as typed."""
    value = normalize_spaces(value)
    match = _CLASS_RE.match(value)
    if not match:
        return value
    number, letter = match.groups()
    return f"{int(number)}{(letter or '').upper()}"


def initials_surname(last_name: str, first_name: str, patronymic: str = "") -> str:
    """«А. С. Петрова» — the signature form of ГОСТ Р 7.0.97-2016."""
    initials = " ".join(f"{part[0]}." for part in (first_name, patronymic) if part)
    return f"{initials} {last_name}".strip()


def date_ru(value: dt.date | None) -> str:
    """«1 сентября 2026 г.»"""
    if value is None:
        return ""
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year} г."


def plural_ru(number: int, one: str, few: str, many: str) -> str:
    """plural_ru(3, "наставник", "наставника", "наставников") → «наставника»."""
    n = abs(number) % 100
    if 11 <= n <= 19:
        return many
    n %= 10
    if n == 1:
        return one
    if 2 <= n <= 4:
        return few
    return many


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
