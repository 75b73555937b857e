"""Pure tests of the Russian text helpers (no database)."""

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from nastavnik.core.text import (
    capitalize_name,
    date_ru,
    initials_surname,
    normalize_class_name,
    plural_ru,
    search_key,
    years_before,
)

# Letters people actually type into name, class and search fields, plus spaces and punctuation.
RU_EN_TEXT = st.text(
    alphabet=st.sampled_from(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        " \t\n\u00a0-.,«»\"'№"
    )
)


# --- search_key ----------------------------------------------------------------------------
def test_search_key_folds_cyrillic_case():
    assert search_key("ИВАНОВА") == "иванова"


def test_search_key_replaces_yo_with_ye():
    key = search_key("Фёдоров Семён")
    assert key == "федоров семен"
    assert search_key("федоров") in key


def test_search_key_folds_capital_yo():
    assert search_key("ЁЛКИН") == "елкин"


def test_search_key_collapses_and_strips_spaces():
    assert search_key("  Иванова \t  Мария\n Петровна  ") == "иванова мария петровна"


def test_search_key_joins_parts_with_one_space_and_skips_none():
    assert search_key("Иванова", None, "Мария", None, "7Б") == "иванова мария 7б"


def test_search_key_skips_empty_parts():
    assert search_key("", "Иванова", "") == "иванова"


def test_search_key_of_nothing_is_empty():
    assert search_key() == ""
    assert search_key(None) == ""


def test_search_key_matches_query_typed_without_yo():
    """The point of the key: «федоров» typed in the search box finds «Фёдоров»."""
    assert search_key("Федоров") in search_key("Фёдоров Пётр", "7Б")


@given(st.text())
@example("Фёдоров  Ё")
@example("  ")
@example("İstanbul ß")
def test_search_key_is_idempotent(value):
    once = search_key(value)
    assert search_key(once) == once


@given(st.text())
@example("ЁЁё ё")
def test_search_key_never_contains_yo(value):
    key = search_key(value)
    assert "ё" not in key
    assert "Ё" not in key


@given(RU_EN_TEXT)
@example("ИВАНОВА Ёлкина")
def test_search_key_has_no_uppercase_letters(value):
    key = search_key(value)
    assert not any(ch.isupper() for ch in key), key


@given(RU_EN_TEXT)
def test_search_key_is_single_spaced(value):
    key = search_key(value)
    assert "  " not in key
    assert key == key.strip()


# --- normalize_class_name -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7 б", "7Б"),
        ("7-Б", "7Б"),
        ("7 «Б» класс", "7Б"),
        ("07Б", "7Б"),
        ("11а", "11А"),
        ("7Б", "7Б"),
        ('7 "б"', "7Б"),
        ("  9   в  ", "9В"),
        ("10 класс", "10"),
        ("5", "5"),
    ],
)
def test_normalize_class_name_school_classes(typed, expected):
    assert normalize_class_name(typed) == expected


def test_normalize_class_name_keeps_college_group():
    assert normalize_class_name("ТМ-21") == "ТМ-21"


def test_normalize_class_name_only_collapses_spaces_of_other_text():
    assert normalize_class_name("  группа   ЭК-3 ") == "группа ЭК-3"


def test_normalize_class_name_of_empty_string():
    assert normalize_class_name("") == ""


@given(st.text())
@example("7 «б» класс")
@example("ТМ-21")
@example("٣ب")
def test_normalize_class_name_is_idempotent(value):
    once = normalize_class_name(value)
    assert normalize_class_name(once) == once


# --- capitalize_name -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("иванова-петрова", "Иванова-Петрова"),
        ("ИВАНОВ", "Иванов"),
        ("ИВАНОВА-ПЕТРОВА", "Иванова-Петрова"),
        ("пётр", "Пётр"),
        ("  сергеевна ", "Сергеевна"),
    ],
)
def test_capitalize_name_fixes_all_lower_or_all_upper(typed, expected):
    assert capitalize_name(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("МакКуин", "МакКуин"),
        ("Иванова-Петрова", "Иванова-Петрова"),
        ("дАртаньян", "ДАртаньян"),
    ],
)
def test_capitalize_name_keeps_mixed_case_except_first_letter(typed, expected):
    assert capitalize_name(typed) == expected


def test_capitalize_name_of_empty_string():
    assert capitalize_name("") == ""
    assert capitalize_name("   ") == ""


# --- initials_surname ------------------------------------------------------------------------
def test_initials_surname_with_patronymic():
    assert initials_surname("Петрова", "Анна", "Сергеевна") == "А. С. Петрова"


def test_initials_surname_without_patronymic():
    assert initials_surname("Петрова", "Анна") == "А. Петрова"
    assert initials_surname("Петрова", "Анна", "") == "А. Петрова"


# --- date_ru ---------------------------------------------------------------------------------
def test_date_ru_first_of_september():
    assert date_ru(dt.date(2026, 9, 1)) == "1 сентября 2026 г."


def test_date_ru_of_none_is_empty():
    assert date_ru(None) == ""


@pytest.mark.parametrize(
    ("month", "genitive"),
    [
        (1, "января"),
        (2, "февраля"),
        (3, "марта"),
        (4, "апреля"),
        (5, "мая"),
        (6, "июня"),
        (7, "июля"),
        (8, "августа"),
        (9, "сентября"),
        (10, "октября"),
        (11, "ноября"),
        (12, "декабря"),
    ],
)
def test_date_ru_uses_genitive_month(month, genitive):
    assert date_ru(dt.date(2027, month, 15)) == f"15 {genitive} 2027 г."


# --- plural_ru -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, "лет"),
        (1, "год"),
        (2, "года"),
        (4, "года"),
        (5, "лет"),
        (11, "лет"),
        (12, "лет"),
        (14, "лет"),
        (21, "год"),
        (22, "года"),
        (25, "лет"),
        (101, "год"),
        (111, "лет"),
        (-1, "год"),
    ],
)
def test_plural_ru_years(number, expected):
    assert plural_ru(number, "год", "года", "лет") == expected


# --- years_before ----------------------------------------------------------------------------
def test_years_before_same_calendar_day():
    assert years_before(dt.date(2026, 9, 1), 13) == dt.date(2013, 9, 1)


def test_years_before_leap_day_to_non_leap_year_is_28_february():
    assert years_before(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)
    assert years_before(dt.date(2024, 2, 29), 18) == dt.date(2006, 2, 28)


def test_years_before_leap_day_to_leap_year_stays_29_february():
    assert years_before(dt.date(2024, 2, 29), 4) == dt.date(2020, 2, 29)
