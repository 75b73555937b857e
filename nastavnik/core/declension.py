"""Склонение ФИО и должностей по падежам для официальных документов.

Приказы, согласия и справки требуют, чтобы имя и должность стояли в том падеже, которого
требует фраза: «назначить наставником Иванову Анну Сергеевну», «выдана Петрову Петру
Петровичу», «заместителем директора по воспитательной работе». Этот модуль даёт:

* `decline_fio()` — «Фамилия Имя Отчество» в нужном падеже (правила petrovich через
  pytrovich, поверх них — небольшие поправки ниже);
* `initials()` — «А. С. Петрова» (подпись по ГОСТ Р 7.0.97-2016) или «Петровой А. С.»;
* `decline_phrase()` — должность или группа («учитель математики», «обучающаяся 9 «А»
  класса») через морфологический словарь pymorphy3: склоняются главное существительное и
  согласованные с ним прилагательные и причастия, а зависимые слова в родительном падеже,
  числа, кавычки и сокращения остаются как есть;
* `gender_of()` и `agree_with_gender()` — род человека и выбор «ознакомлен/ознакомлена».

Поправки поверх pytrovich (каждая — с примером и тестом в tests/core/test_declension.py):

1. Мужские фамилии — нарицательные существительные на -ец с беглым гласным сохраняют
   гласный (фамилия в документе не должна искажаться), ударение остаётся на основе:
   «Кузнец» → «Кузнеца», «Кузнецу», «Кузнецем» (у pytrovich «Кузнца»). Таблица
   `_SURNAME_FORMS_MALE`.
2. Мужские фамилии на -ой, которые являются существительными, а не прилагательными,
   склоняются как существительные: «Новиков-Прибой» → «Новикова-Прибоя», «Новиковым-Прибоем»
   (у pytrovich «Прибого», «Прибым»). Та же таблица.
3. Французские фамилии на ударные -а/-я не склоняются ни у мужчин, ни у женщин:
   «Золя Эмиль» → «Золя Эмиля» (у pytrovich «Золи»). Таблица `_INDECLINABLE_SURNAMES`.
4. Отчества на -ыч склоняются: «Алексей Силыч» → «Алексея Силыча», «Алексеем Силычем»
   (pytrovich оставляет без изменений).
5. Женские тюркские имена на -ль (Айгуль, Гузель и др.: `_FEMININE_SOFT_NAMES` и окончания
   -гуль/-гюль) склоняются по третьему склонению, как Любовь и Нинель (рекомендация «Словаря
   русских личных имён» А. В. Суперанской): «Айгули», «Айгулью». У pytrovich они несклоняемы.
6. Написание прописными сохраняется целиком: «ИВАНОВ» → «ИВАНОВА» (pytrovich дописывает
   окончание строчными: «ИВАНОВа»).

Отчества с «оглы», «улы», «уулу», «кызы», «гызы» («Гусейн оглы») не склоняются:
«Мамедова Эльдара Гусейн оглы». pytrovich 0.2 поступает так же; модуль проверяет это сам,
чтобы поведение не зависело от будущих версий правил.
"""

from __future__ import annotations

import enum
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Final

import pymorphy3
from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case as PetrovichCase
from pytrovich.enums import Gender as PetrovichGender
from pytrovich.enums import NamePart
from pytrovich.maker import PetrovichDeclinationMaker

if TYPE_CHECKING:
    from collections.abc import Callable

    from pymorphy3.analyzer import Parse

__all__ = [
    "Case",
    "agree_with_gender",
    "decline_fio",
    "decline_phrase",
    "gender_of",
    "initials",
]

MALE: Final = "m"
FEMALE: Final = "f"


class Case(enum.Enum):
    """Шесть падежей; значение — граммема pymorphy3 (OpenCorpora)."""

    NOMINATIVE = "nomn"
    GENITIVE = "gent"
    DATIVE = "datv"
    ACCUSATIVE = "accs"
    INSTRUMENTAL = "ablt"
    PREPOSITIONAL = "loct"

    @property
    def label(self) -> str:
        """Русское название падежа: «именительный» … «предложный»."""
        return _CASE_LABELS[self]

    @property
    def question(self) -> str:
        """Вопрос падежа для подсказок в интерфейсе: «кто?», «кого?», «кому?» …"""
        return _CASE_QUESTIONS[self]


_CASE_LABELS: Final = {
    Case.NOMINATIVE: "именительный",
    Case.GENITIVE: "родительный",
    Case.DATIVE: "дательный",
    Case.ACCUSATIVE: "винительный",
    Case.INSTRUMENTAL: "творительный",
    Case.PREPOSITIONAL: "предложный",
}
_CASE_QUESTIONS: Final = {
    Case.NOMINATIVE: "кто?",
    Case.GENITIVE: "кого?",
    Case.DATIVE: "кому?",
    Case.ACCUSATIVE: "кого?",
    Case.INSTRUMENTAL: "кем?",
    Case.PREPOSITIONAL: "о ком?",
}
_PETROVICH_CASE: Final = {case: PetrovichCase[case.name] for case in Case}
_PETROVICH_GENDER: Final = {MALE: PetrovichGender.MALE, FEMALE: PetrovichGender.FEMALE}
# Index of each oblique case in the five-form tuples used by the correction tables below.
_FORM_INDEX: Final = {
    Case.GENITIVE: 0,
    Case.DATIVE: 1,
    Case.ACCUSATIVE: 2,
    Case.INSTRUMENTAL: 3,
    Case.PREPOSITIONAL: 4,
}

_SPACES = re.compile(r"\s+")

# --- Corrections on top of pytrovich ------------------------------------------------------

# Turkic patronymics: the father's name plus «сын»/«дочь». Russian usage leaves them as they
# are in every case («Мамедову Эльдару Гусейн оглы»).
_TURKIC_MALE_PATRONYMIC: Final = ("оглы", "улы", "уулу")
_TURKIC_FEMALE_PATRONYMIC: Final = ("кызы", "гызы")


def _forms(word: str, drop: int, endings: tuple[str, str, str, str, str]) -> tuple[str, ...]:
    """The five oblique forms (gen, dat, acc, ins, prep) of `word` less `drop` letters plus `endings`."""
    stem = word[: len(word) - drop]
    return tuple(stem + ending for ending in endings)


# Surnames that pytrovich gets wrong, lower-case nominative → (gen, dat, acc, ins, prep).
_SURNAME_FORMS_MALE: Final[dict[str, tuple[str, ...]]] = {
    # Nouns in -ец whose vowel drops in the common noun (кузнец → кузнеца): in a surname the vowel
    # is kept, the stress stays on the stem and the instrumental after ц is -ем. pytrovich: «Кузнца».
    **{w: _forms(w, 0, ("а", "у", "а", "ем", "е")) for w in ("кузнец", "жнец")},
    # Nouns in -ой decline as nouns, not as adjectives like Толстой. pytrovich: «Прибого».
    **{w: _forms(w, 1, ("я", "ю", "я", "ем", "е")) for w in ("прибой", "герой", "конвой", "покой", "разбой")},
}
# French surnames on a stressed -а/-я never decline, for men and women. pytrovich: «Золи».
_INDECLINABLE_SURNAMES: Final = frozenset({"золя", "дега", "петипа", "тома", "дюма", "гюго"})

# Patronymics in -ыч (Силыч, Ионыч, Иваныч): pytrovich leaves them unchanged.
_PATRONYMIC_YCH_ENDINGS: Final = ("а", "у", "а", "ем", "е")

# Feminine first names in -ль that decline like Любовь/Нинель (третье склонение):
# Айгуль → Айгули, Айгуль (вин.), Айгулью. pytrovich leaves them unchanged.
_FEMININE_SOFT_NAMES: Final = frozenset({"гузель", "гюзель", "гульсиль", "асель", "айсель"})
_FEMININE_SOFT_SUFFIXES: Final = ("гуль", "гюль")


@lru_cache(maxsize=1)
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@lru_cache(maxsize=1)
def _detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


def _normalize(value: str | None) -> str:
    return _SPACES.sub(" ", value or "").strip()


def _match_case(original: str, result: str) -> str:
    """Carry the letter case of `original` over to `result` (ИВАНОВ → ИВАНОВА, иванов → иванова)."""
    letters = [ch for ch in original if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return result.upper()
    if letters and all(ch.islower() for ch in letters):
        return result.lower()
    return result


def _with_ending(original: str, lower_form: str) -> str:
    """Build `lower_form` with the letter case of `original` (same length prefix)."""
    chars = list(lower_form)
    for i, ch in enumerate(original[: len(chars)]):
        if ch.isupper():
            chars[i] = chars[i].upper()
    return _match_case(original, "".join(chars))


def _is_turkic_patronymic(patronymic: str) -> bool:
    lowered = patronymic.lower()
    return lowered.endswith(_TURKIC_MALE_PATRONYMIC + _TURKIC_FEMALE_PATRONYMIC)


# --- Gender ---------------------------------------------------------------------------------


def gender_of(last_name: str, first_name: str, patronymic: str = "") -> str | None:
    """Пол по ФИО: «m», «f» или None, если определить нельзя.

    Отчество решает первым (-ич → м, -на → ж, «оглы»/«улы» → м, «кызы»/«гызы» → ж), затем
    имя по правилам petrovich, затем имя вместе с фамилией («Саша Иванов» → м).
    """
    patronymic = _normalize(patronymic).lower()
    if patronymic:
        if patronymic.endswith((*_TURKIC_MALE_PATRONYMIC, "ич")):
            return MALE
        if patronymic.endswith((*_TURKIC_FEMALE_PATRONYMIC, "на")):
            return FEMALE
    first_name = _normalize(first_name)
    last_name = _normalize(last_name)
    detected = PetrovichGender.ANDROGYNOUS
    if first_name:
        detected = _detector().detect(firstname=first_name)
        if detected == PetrovichGender.ANDROGYNOUS and last_name:
            detected = _detector().detect(firstname=first_name, lastname=last_name)
    elif last_name:
        detected = _detector().detect(lastname=last_name)
    return {PetrovichGender.MALE: MALE, PetrovichGender.FEMALE: FEMALE}.get(detected)


def _resolve_gender(gender: str | None, last_name: str, first_name: str, patronymic: str) -> str:
    if gender in (MALE, FEMALE):
        return gender
    if gender:
        raise ValueError(f"Неизвестное значение пола «{gender}»: ожидается «m» или «f».")
    detected = gender_of(last_name, first_name, patronymic)
    if detected is None:
        full = " ".join(p for p in (last_name, first_name, patronymic) if p)
        raise ValueError(f"Не удалось определить пол по ФИО «{full}»: укажите пол явно (gender='m' или 'f').")
    return detected


def agree_with_gender(word_m: str, word_f: str, gender: str) -> str:
    """Форма слова по роду человека: agree_with_gender("ознакомлен", "ознакомлена", "f") → «ознакомлена»."""
    if gender == MALE:
        return word_m
    if gender == FEMALE:
        return word_f
    raise ValueError(f"Неизвестное значение пола «{gender}»: ожидается «m» или «f».")


# --- Names ----------------------------------------------------------------------------------


def _decline_surname_piece(piece: str, gender: str, case: Case, *, last: bool) -> str:
    lower = piece.lower()
    if lower in _INDECLINABLE_SURNAMES:
        return piece
    if gender == MALE and lower in _SURNAME_FORMS_MALE:
        return _with_ending(piece, _SURNAME_FORMS_MALE[lower][_FORM_INDEX[case]])
    result = _maker().make(
        NamePart.LASTNAME, _PETROVICH_GENDER[gender], _PETROVICH_CASE[case], piece, known_gender=last
    )
    return _match_case(piece, result)


def _decline_surname(last_name: str, gender: str, case: Case) -> str:
    # Lower-case words before the surname are particles («де», «ван», «фон»): they never change.
    words = last_name.split(" ")
    head = words[-1]
    pieces = head.split("-")
    declined = "-".join(
        _decline_surname_piece(piece, gender, case, last=i == len(pieces) - 1) for i, piece in enumerate(pieces)
    )
    return " ".join([*words[:-1], declined])


def _decline_first_name_piece(piece: str, gender: str, case: Case) -> str:
    lower = piece.lower()
    if gender == FEMALE and (lower in _FEMININE_SOFT_NAMES or lower.endswith(_FEMININE_SOFT_SUFFIXES)):
        form = {
            Case.GENITIVE: lower[:-1] + "и",
            Case.DATIVE: lower[:-1] + "и",
            Case.ACCUSATIVE: lower,
            Case.INSTRUMENTAL: lower + "ю",
            Case.PREPOSITIONAL: lower[:-1] + "и",
        }[case]
        return _with_ending(piece, form)
    result = _maker().make(NamePart.FIRSTNAME, _PETROVICH_GENDER[gender], _PETROVICH_CASE[case], piece)
    return _match_case(piece, result)


def _decline_first_name(first_name: str, gender: str, case: Case) -> str:
    # Double first names («Анна-Мария») decline in both parts.
    return "-".join(_decline_first_name_piece(piece, gender, case) for piece in first_name.split("-"))


def _decline_patronymic(patronymic: str, gender: str, case: Case) -> str:
    if _is_turkic_patronymic(patronymic):
        return patronymic
    lower = patronymic.lower()
    if gender == MALE and lower.endswith("ыч"):
        return _with_ending(patronymic, lower + _PATRONYMIC_YCH_ENDINGS[_FORM_INDEX[case]])
    result = _maker().make(NamePart.MIDDLENAME, _PETROVICH_GENDER[gender], _PETROVICH_CASE[case], patronymic)
    return _match_case(patronymic, result)


def decline_fio(
    last_name: str,
    first_name: str,
    patronymic: str = "",
    *,
    gender: str | None = None,
    case: Case,
) -> str:
    """«Фамилия Имя Отчество» в падеже `case`.

    `gender` — «m» или «f»; если не указан, определяется по отчеству, затем по имени.
    Если определить пол нельзя, поднимается ValueError (кроме именительного падежа, который
    возвращает ФИО как есть, с нормализованными пробелами).

    >>> decline_fio("Иванова-Петрова", "Анна", "Сергеевна", case=Case.GENITIVE)
    'Ивановой-Петровой Анны Сергеевны'
    """
    last_name, first_name, patronymic = _normalize(last_name), _normalize(first_name), _normalize(patronymic)
    if gender and gender not in (MALE, FEMALE):
        raise ValueError(f"Неизвестное значение пола «{gender}»: ожидается «m» или «f».")
    if case is Case.NOMINATIVE:
        # The nominative is the input itself: no gender is needed.
        return " ".join(p for p in (last_name, first_name, patronymic) if p)
    gender = _resolve_gender(gender, last_name, first_name, patronymic)
    parts = [
        _decline_surname(last_name, gender, case) if last_name else "",
        _decline_first_name(first_name, gender, case) if first_name else "",
        _decline_patronymic(patronymic, gender, case) if patronymic else "",
    ]
    return " ".join(p for p in parts if p)


def _initial(name: str) -> str:
    # «Анна-Мария» → «А.-М.»; a Turkic patronymic «Гусейн оглы» → «Г.».
    word = name.split(" ")[0]
    return "-".join(f"{piece[0].upper()}." for piece in word.split("-") if piece)


def initials(
    last_name: str,
    first_name: str,
    patronymic: str = "",
    *,
    gender: str | None = None,
    case: Case = Case.NOMINATIVE,
    surname_first: bool = False,
) -> str:
    """«А. С. Петрова» (подпись, ГОСТ Р 7.0.97-2016) или «Петровой А. С.» при surname_first=True.

    Фамилия ставится в падеж `case`; инициалы разделены обычными пробелами.
    """
    last_name, first_name, patronymic = _normalize(last_name), _normalize(first_name), _normalize(patronymic)
    surname = last_name
    if last_name and case is not Case.NOMINATIVE:
        gender = _resolve_gender(gender, last_name, first_name, patronymic)
        surname = _decline_surname(last_name, gender, case)
    letters = " ".join(_initial(p) for p in (first_name, patronymic) if p)
    ordered = (surname, letters) if surname_first else (letters, surname)
    return " ".join(p for p in ordered if p)


# --- Phrases (positions, groups) -----------------------------------------------------------

_TOKEN = re.compile(r"\w+(?:-\w+)*|\W+")
_CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
_OPENING_QUOTES: Final = "«„“"
_CLOSING_QUOTES: Final = "»“”"
_MODIFIER_POS: Final = frozenset({"ADJF", "PRTF"})


def _nominative_parses(word: str) -> list[Parse]:
    return [p for p in _morph().parse(word) if "nomn" in p.tag]


def _noun_parse(word: str) -> Parse | None:
    parses = [p for p in _nominative_parses(word) if p.tag.POS == "NOUN"]
    singular = [p for p in parses if p.tag.number == "sing"]
    return (singular or parses or [None])[0]


def _modifier_parses(word: str) -> list[Parse]:
    return [p for p in _nominative_parses(word) if p.tag.POS in _MODIFIER_POS]


def _agrees(modifier: Parse, head: Parse) -> bool:
    if modifier.tag.number != head.tag.number:
        return False
    if head.tag.number == "plur":
        return True
    return head.tag.gender in (modifier.tag.gender, "ms-f")


def _restore_spelling(original: str, result: str, *, uses_yo: bool) -> str:
    """Keep the letter case of `original`; write «е» for «ё» when the phrase has no «ё» at all.

    pymorphy3 restores ё (ученый → учёного, секретарь → секретарём); a text typed without ё
    keeps «е» throughout (ученого секретаря, ученым секретарем).
    """
    if not uses_yo:
        result = result.replace("ё", "е").replace("Ё", "Е")
    originals = original.split("-")
    results = result.split("-")
    if len(originals) == len(results):
        return "-".join(_with_ending(o, r) for o, r in zip(originals, results, strict=True))
    return _match_case(original, result)


def _inflect(parse: Parse, grammemes: set[str], original: str, *, uses_yo: bool) -> str:
    inflected = parse.inflect(grammemes)
    if inflected is None:
        return original
    return _restore_spelling(original, inflected.word, uses_yo=uses_yo)


def _agreement_grammemes(parse: Parse, case: Case, number: str, gender: str | None, animacy: str) -> set[str]:
    """Grammemes for an adjective or participle: case, number, gender and, where the
    accusative depends on it (masculine singular, plural), animacy."""
    grammemes = {case.value, number}
    if number == "sing" and gender in ("masc", "femn", "neut"):
        grammemes.add(gender)
    if case is Case.ACCUSATIVE and (number == "plur" or gender == "masc"):
        grammemes.add(animacy)
    return grammemes


def _tokens(phrase: str) -> list[tuple[str, bool]]:
    """Split into (token, quoted) pairs: words, and the runs of spaces and punctuation between them.

    `quoted` is true for a token inside quotes («Солнышко», "Радуга", „Ромашка“): such text is a
    name and never changes, and a comma in it does not split the phrase.
    """
    result: list[tuple[str, bool]] = []
    depth = 0
    straight_open = False
    for match in _TOKEN.finditer(phrase):
        token = match.group()
        result.append((token, depth > 0 or straight_open))
        if token[0].isalnum() or token[0] == "_":
            continue
        for ch in token:
            if ch in _OPENING_QUOTES and not (ch == "“" and depth > 0):
                depth += 1
            elif ch in _CLOSING_QUOTES and depth > 0:
                depth -= 1
            elif ch == '"':
                straight_open = not straight_open
    return result


def _is_word(token: str) -> bool:
    return token[0].isalnum() or token[0] == "_"


def _segments(tokens: list[tuple[str, bool]]) -> list[range]:
    """Ranges of token indices between top-level commas and semicolons."""
    bounds = [
        i
        for i, (token, quoted) in enumerate(tokens)
        if not quoted and not _is_word(token) and ("," in token or ";" in token)
    ]
    starts = [0, *(b + 1 for b in bounds)]
    ends = [*bounds, len(tokens)]
    return [range(a, b) for a, b in zip(starts, ends, strict=True)]


# A later part of «учитель, классный руководитель 5А класса» is declined only if its head is a
# common noun or a substantivized adjective in the same number as the first head — not a name,
# a place or a genitive that merely looks nominative («учитель математики, информатики»).
_PROPER_GRAMMEMES: Final = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr", "Init"})


def _find_head(
    tokens: list[tuple[str, bool]], segment: range, candidate: Callable[[int], bool]
) -> tuple[list[tuple[int, list[Parse]]], tuple[int, Parse]] | None:
    """The agreeing modifiers and the head word of one comma-separated part of a phrase."""
    # Skip leading numbers, class letters and quoted names («9 «А» класс»).
    start = next((i for i in segment if candidate(i)), None)
    if start is None:
        return None
    # The chain of words separated by plain spaces, from the first declinable word on.
    chain = [start]
    i = start + 1
    while i + 1 in segment and tokens[i][0].isspace() and candidate(i + 1):
        chain.append(i + 1)
        i += 2

    modifiers: list[tuple[int, list[Parse]]] = []
    for position, index in enumerate(chain):
        word = tokens[index][0]
        adjectives = _modifier_parses(word)
        noun = _noun_parse(word)
        next_noun = _noun_parse(tokens[chain[position + 1]][0]) if position + 1 < len(chain) else None
        if adjectives and next_noun is not None and any(_agrees(a, next_noun) for a in adjectives):
            modifiers.append((index, adjectives))
            continue
        if not adjectives and noun is None and any(p.tag.POS == "ADVB" for p in _morph().parse(word)):
            continue  # «временно исполняющий обязанности»: the adverb stays as it is
        if noun is not None:
            return modifiers, (index, noun)
        if adjectives:
            return modifiers, (index, adjectives[0])
        return None
    return None


def decline_phrase(phrase: str, case: Case) -> str:
    """Должность или группа в падеже `case`.

    Склоняются главное существительное (первое слово в именительном падеже, которое может
    быть существительным) и стоящие перед ним согласованные прилагательные и причастия; если
    существительного нет, главным становится субстантивированное прилагательное или
    причастие («обучающаяся 9 «А» класса», «заведующая хозяйством»). Всё, что после главного
    слова, и всё в кавычках остаётся без изменений. Части, перечисленные через запятую
    («учитель, классный руководитель 5А класса»), склоняются каждая.

    >>> decline_phrase("классный руководитель 7Б класса", Case.DATIVE)
    'классному руководителю 7Б класса'
    """
    if case is Case.NOMINATIVE or not phrase.strip():
        return phrase
    tokens = _tokens(phrase)
    has_lower = any(ch.islower() for ch in phrase)
    uses_yo = "ё" in phrase.lower()

    def candidate(index: int) -> bool:
        token, quoted = tokens[index]
        if quoted or not _CYRILLIC_WORD.fullmatch(token):
            return False
        if has_lower and len(token) > 1 and token.isupper():
            return False  # an abbreviation: УВР, МБОУ
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        return not (len(token) <= 3 and following.startswith("."))  # «г.», «им.», «ул.»

    out = [token for token, _ in tokens]
    first_head: Parse | None = None
    for segment in _segments(tokens):
        found = _find_head(tokens, segment, candidate)
        if found is None:
            if first_head is None:
                return phrase
            continue
        modifiers, (head_index, head_parse) = found
        number = head_parse.tag.number or "sing"
        if first_head is not None and (
            number != (first_head.tag.number or "sing") or head_parse.tag.grammemes & _PROPER_GRAMMEMES
        ):
            continue
        first_head = first_head or head_parse
        gender = head_parse.tag.gender
        animacy = head_parse.tag.animacy or "anim"  # substantivized adjectives and participles name people
        if head_parse.tag.POS in _MODIFIER_POS:
            head_grammemes = _agreement_grammemes(head_parse, case, number, gender, animacy)
        else:
            head_grammemes = {case.value, number}
        out[head_index] = _inflect(head_parse, head_grammemes, tokens[head_index][0], uses_yo=uses_yo)
        for index, parses in modifiers:
            parse = next((p for p in parses if _agrees(p, head_parse)), parses[0])
            grammemes = _agreement_grammemes(parse, case, number, gender, animacy)
            out[index] = _inflect(parse, grammemes, tokens[index][0], uses_yo=uses_yo)
    return "".join(out)
