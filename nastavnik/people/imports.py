"""Reading participant lists the way schools keep them: XLSX or CSV, in whatever shape.

A pure parser: no Django models, no database. It streams the file (never the whole sheet as
Python objects), finds the header row among the first rows (titles, blank rows and a «№ п/п»
column are common above and beside it), suggests which column holds which field, and turns
each data row into a frozen `ParsedRow` whose bad cells carry Russian explanations.

- `open_table(file, name)` → a `Table` (context manager): kind, sheet, header row, headers and
  a stream of `(row number as in the file, cell values)`. File-level problems (empty, not a table,
  password-protected, too big, no header row, broken) raise `ImportFileError` with a message for
  the user; so does a problem found later while streaming.
- `suggest_mapping(headers)`, `check_mapping(mapping, headers)`: field → column index (0-based).
- `RowParser(mapping, headers, today=…).parse(number, values)` → `ParsedRow` or None for a blank row.

XLSX is read with openpyxl in read-only, data-only mode (formulas give their cached values).
A formula saved without a cached value (files written by scripts, not by Excel) reads as empty
through openpyxl's public API, so the worksheet XML is streamed through a small subclass of
openpyxl's own worksheet parser that marks such cells; if a future openpyxl moves that class,
`_sheet_rows` falls back to the public `iter_rows` and such cells read as empty.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import hashlib
import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from nastavnik.core.text import (
    MONTHS_GENITIVE,
    capitalize_name,
    normalize_class_name,
    normalize_spaces,
    search_key,
    years_before,
)

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 300_000
MAX_UNPACKED = 1024 * 1024 * 1024  # a zip bomb is refused before it is read
MAX_SHARED_STRINGS = 256 * 1024 * 1024  # openpyxl holds the shared strings in memory
HEADER_SEARCH_ROWS = 20
_CHUNK = 1024 * 1024

# openpyxl warns about styles and extensions it ignores; the user cannot act on that.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?")


class ImportFileError(Exception):
    """The file as a whole cannot be read; `message` is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


MSG_EMPTY = "Файл пустой: в нём нет ни одной строки. Выберите файл со списком участников."
MSG_TOO_BIG = (
    "Файл больше 50 МБ. Удалите из него лишние листы, столбцы и оформление или разделите список на несколько файлов."
)
MSG_PASSWORD = "Файл защищён паролем: снимите защиту и сохраните заново (в Excel: Файл → Сведения → Защита книги)."
MSG_OLD_XLS = "Это файл старого формата Excel (XLS). Откройте его в Excel и сохраните как «Книга Excel (.xlsx)»."
MSG_ODS = "Это таблица OpenDocument (ODS). Сохраните её как «Книга Excel (.xlsx)» или как CSV."
MSG_NOT_TABLE = (
    "Файл «{name}» не является таблицей XLSX или CSV. Сохраните список в Excel как «Книга Excel (.xlsx)» "
    "или как «CSV (разделители — точки с запятой)» и загрузите снова."
)
MSG_BROKEN_XLSX = (
    "Файл «{name}» повреждён или сохранён не в формате XLSX, и прочитать его не удалось. "
    "Откройте его в Excel и сохраните заново как «Книга Excel (.xlsx)»."
)
MSG_BROKEN_CSV = (
    "Не удалось прочитать CSV-файл «{name}» (строка {row}): {reason}. Проверьте файл и сохраните его заново."
)
MSG_NO_HEADER = (
    "Не найдена строка заголовков: в первых 20 строках нет столбцов «ФИО» или «Фамилия» (а также «Имя», "
    "«Дата рождения», «Класс»…). Добавьте над списком строку с названиями столбцов."
)
MSG_TOO_MANY_ROWS = f"В файле больше {MAX_ROWS:,} строк — разделите список на несколько файлов.".replace(",", " ")
MSG_NO_SHEETS = "В книге Excel нет листов с данными."


# --- fields and headers -------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    key: str
    label: str
    aliases: tuple[str, ...]  # normalised headers (see normalize_header) that mean this field


FIELDS: tuple[Field, ...] = (
    Field("full_name", "ФИО (в одном столбце)", ("фио", "фамилия имя отчество", "фамилия имя", "полное имя")),
    Field("last_name", "Фамилия", ("фамилия",)),
    Field("first_name", "Имя", ("имя",)),
    Field("patronymic", "Отчество", ("отчество",)),
    Field("birth_date", "Дата рождения", ("дата рождения", "дата рожд", "др", "день рождения")),
    Field("class_name", "Класс / группа", ("класс", "группа", "класс группа", "учебная группа")),
    Field("gender", "Пол", ("пол",)),
    Field("category", "Категория", ("категория", "категория участника")),
    Field("phone", "Телефон", ("телефон", "тел", "мобильный телефон", "контактный телефон", "номер телефона")),
    Field(
        "email",
        "Эл. почта",
        ("эл почта", "email", "емейл", "электронная почта", "почта", "адрес электронной почты", "e почта"),
    ),
    Field("position", "Должность", ("должность",)),
    Field(
        "teaching_since",
        "Начало педагогического стажа (дата или число лет)",
        (
            "дата начала педагогической деятельности",
            "начало педагогической деятельности",
            "дата начала педагогического стажа",
            "начало педагогического стажа",
            "стаж с",
            "стаж",
            "педагогический стаж",
            "стаж педагогической работы",
            "стаж педагогической деятельности",
            "педстаж",
            "пед стаж",
        ),
    ),
    Field("subject", "Предмет / специальность", ("предмет", "преподаваемый предмет", "специальность")),
    Field(
        "external_id",
        "Внешний идентификатор",
        (
            "внешний идентификатор",
            "идентификатор",
            "id",
            "внешний id",
            "уникальный идентификатор",
            "код участника",
            "личное дело",
            "номер личного дела",
            "личного дела",
            "табельный номер",
        ),
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
NAME_FIELDS = ("full_name", "last_name")
# Columns about somebody else (a pupil's parent, the class teacher) are never suggested.
_OTHER_PERSON = ("родител", "представител", "мама", "мамы", "мать", "матер", "папа", "папы", "отец", "отца")
_OTHER_PERSON += ("руководител", "куратор")

_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"[^0-9a-zа-я]+")


def normalize_header(value) -> str:
    """«Ф.И.О. (полностью)» → «фио», «Эл. почта» → «эл почта», «E-mail» → «email»."""
    text = search_key(_to_text(value).replace("№", " "))
    text = _PARENS.sub(" ", text).replace("-", "")
    merged: list[str] = []
    previous_single = False
    for token in _NOT_WORD.sub(" ", text).split():
        single = len(token) == 1
        if single and previous_single:  # «ф и о» → «фио», «д р» → «др»
            merged[-1] += token
        else:
            merged.append(token)
        previous_single = single
    return " ".join(merged)


def match_header(value) -> str | None:
    """The field a header names, or None. The longest alias that starts the header wins, so
    «ФИО обучающегося» is the full name and «Фамилия, имя, отчество» is not just the surname."""
    header = normalize_header(value)
    if not header:
        return None
    tokens = header.split()
    if any(token.startswith(_OTHER_PERSON) for token in tokens[1:]) or tokens[0].startswith(_OTHER_PERSON):
        return None
    best, best_len = None, 0
    for spec in FIELDS:
        for alias in spec.aliases:
            alias_tokens = alias.split()
            if tokens[: len(alias_tokens)] == alias_tokens and len(alias_tokens) > best_len:
                best, best_len = spec.key, len(alias_tokens)
    return best


def _header_fields(values: Sequence) -> set[str]:
    return {key for key in (match_header(v) for v in values) if key}


def is_header_row(values: Sequence) -> bool:
    found = _header_fields(values)
    return bool(found & set(NAME_FIELDS)) or len(found) >= 2


def suggest_mapping(headers: Sequence[str]) -> dict[str, int]:
    """Field → column index for the headers it recognises (first column wins)."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = match_header(header)
        if key and key not in mapping:
            mapping[key] = index
    if "last_name" in mapping:
        mapping.pop("full_name", None)
    return mapping


def header_signature(headers: Sequence[str]) -> str:
    """The same headers in the same order (ignoring case, spaces, punctuation) give the same signature."""
    normalized = [normalize_header(h) for h in headers]
    while normalized and not normalized[-1]:
        normalized.pop()
    return hashlib.sha256("\x1f".join(normalized).encode()).hexdigest()[:40]


def clean_mapping(mapping: Mapping | None, column_count: int) -> dict[str, int]:
    """Known fields with an integer column index inside the table; everything else dropped."""
    result: dict[str, int] = {}
    for key, index in (mapping or {}).items():
        if key not in FIELD_BY_KEY or index in (None, ""):
            continue
        try:
            index = int(index)
        except (TypeError, ValueError):
            continue
        if 0 <= index < column_count:
            result[key] = index
    return result


def check_mapping(mapping: Mapping[str, int], headers: Sequence[str]) -> list[str]:
    """What is wrong with a mapping as a whole (Russian); an empty list when it can be imported."""
    errors = []
    if "full_name" in mapping and ({"last_name", "first_name", "patronymic"} & set(mapping)):
        errors.append(
            "Выберите либо один столбец «ФИО», либо отдельные столбцы «Фамилия», «Имя», «Отчество» — не всё сразу."
        )
    elif "full_name" not in mapping and not {"last_name", "first_name"} <= set(mapping):
        errors.append("Укажите, в каком столбце ФИО, или в каких столбцах фамилия и имя.")
    used: dict[int, str] = {}
    for key, index in mapping.items():
        if index in used:
            header = headers[index] if index < len(headers) else ""
            errors.append(
                f"Столбец {column_letter(index)} «{header}» выбран дважды: "
                f"для «{FIELD_BY_KEY[used[index]].label}» и «{FIELD_BY_KEY[key].label}»."
            )
        used[index] = key
    return errors


def column_letter(index: int) -> str:
    """0 → «A», 26 → «AA»: columns named as Excel shows them (for CSV too)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- cell values ------------------------------------------------------------------------------
class _Uncached:
    """A formula cell saved without its computed value."""

    def __repr__(self):
        return "UNCACHED_FORMULA"

    def __str__(self):
        return "=формула"


UNCACHED_FORMULA = _Uncached()


class ExcelError(str):
    """An error value computed by Excel («#DIV/0!», «#Н/Д»…)."""


EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"})


def _to_text(value) -> str:
    if value is None or value is UNCACHED_FORMULA:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y}" if value.time() == dt.time() else f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    return normalize_spaces(str(value))


def display_value(value) -> str:
    """A cell as the preview shows it."""
    if value is UNCACHED_FORMULA:
        return "=формула"
    return _to_text(value)


def _quoted(value) -> str:
    text = display_value(value)
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"'


# --- rows -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CellError:
    row: int  # as numbered in the file (Excel's row number; for CSV, the record number)
    column: str  # «B», or "" when the problem is with the row as a whole
    header: str
    field: str
    message: str

    def __str__(self):
        place = f"строка {self.row}"
        if self.column:
            place += f", столбец {self.column}" + (f" «{self.header}»" if self.header else "")
        return f"{place[:1].upper()}{place[1:]}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "field": self.field,
            "message": self.message,
        }


PERSON_DATA_FIELDS = (
    "last_name", "first_name", "patronymic", "gender", "birth_date", "category",
    "class_name", "position", "subject", "email", "phone", "external_id", "teaching_since",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ParsedRow:
    number: int
    values: tuple = ()
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    gender: str = ""
    gender_given: bool = False  # from a column (not guessed from the patronymic)
    birth_date: dt.date | None = None
    category: str = ""
    class_name: str = ""
    position: str = ""
    subject: str = ""
    email: str = ""
    phone: str = ""
    external_id: str = ""
    teaching_since: dt.date | None = None
    errors: tuple[CellError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def fio_key(self) -> str:
        return search_key(self.last_name, self.first_name, self.patronymic)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    def person_data(self) -> dict:
        """The person's fields that the file gives (empty cells are left out: they change nothing)."""
        data = {}
        for name in PERSON_DATA_FIELDS:
            value = getattr(self, name)
            if value not in ("", None):
                data[name] = value
        return data


# Patronymic endings: the same rule as people.services.gender_from_patronymic (a test keeps them equal).
_MALE_ENDINGS = ("вич", "ьич", "ич", "оглы", "улы")
_FEMALE_ENDINGS = ("вна", "чна", "шна", "кызы", "гызы")


def gender_from_patronymic(patronymic: str) -> str:
    value = patronymic.strip().casefold()
    if value.endswith(_MALE_ENDINGS):
        return "m"
    if value.endswith(_FEMALE_ENDINGS):
        return "f"
    return ""


GENDER_WORDS = {
    "м": "m", "муж": "m", "мужской": "m", "мужчина": "m", "мальчик": "m", "m": "m", "male": "m",
    "ж": "f", "жен": "f", "женский": "f", "женщина": "f", "девочка": "f", "f": "f", "female": "f",
}  # fmt: skip

CATEGORY_WORDS = {
    "обучающийся": "pupil", "обучающаяся": "pupil", "обучающийся школа": "pupil", "ученик": "pupil",
    "ученица": "pupil", "учащийся": "pupil", "учащаяся": "pupil", "школьник": "pupil", "школьница": "pupil",
    "студент": "student", "студентка": "student", "обучающийся спо": "student",
    "педагог": "staff", "учитель": "staff", "преподаватель": "staff", "сотрудник": "staff",
    "педагог сотрудник": "staff", "работник": "staff", "воспитатель": "staff",
    "родитель": "parent", "мать": "parent", "отец": "parent", "законный представитель": "parent",
    "работодатель": "employer", "представитель работодателя": "employer",
    "выпускник": "alumnus", "выпускница": "alumnus",
    "другое": "other", "другой": "other", "иное": "other",
}  # fmt: skip
CATEGORY_HINT = "обучающийся, студент, педагог, родитель, работодатель, выпускник, другое"

_NAME_OK = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё' ’.\-]*$")
_INITIALS = re.compile(r"^[А-ЯЁA-Z]\.?$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?:\s*г\.?)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_YMD = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_WORDS_DATE = re.compile(r"^(\d{1,2})\s+([а-яё]+)\s+(\d{4})(?:\s*г\.?)?$")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10, "XI": 11}
_ROMAN_CLASS = re.compile(r"^\s*([IVX]{1,4})\s*[-«\"]?\s*([А-ЯЁа-яё])?\s*[»\"]?\s*(?:класс)?\s*$")
_CLASS_LIKE = re.compile(r"^(\d{1,2})([А-ЯЁA-Z]?)$")
_GROUP_OK = re.compile(r"^[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё .\-/«»\"()]*$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_LENGTHS = {
    "last_name": 100, "first_name": 100, "patronymic": 100, "class_name": 30,
    "position": 200, "subject": 200, "email": 254, "phone": 50, "external_id": 64,
}  # fmt: skip


def parse_date(value, *, today: dt.date, label: str = "Дата рождения") -> tuple[dt.date | None, str]:
    """(date, "") or (None, Russian message) for a birth date (or another date: `label` names it in the
    messages) given as an Excel date, a serial number or text: «01.09.2012», «1.9.2012», «2012-09-01»,
    «01/09/2012», «1 сентября 2012 г.»."""
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not (value == value and 10_000 <= value <= 80_000):
            return None, f"{label} {_quoted(value)} не распознана: укажите её в виде ДД.ММ.ГГГГ"
        day = _EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        text = re.sub(r"\s*([./-])\s*", r"\1", _to_text(value)).casefold()
        parts = None
        if match := _DMY.match(text):
            day_s, month_s, year_s = match.groups()
            if len(year_s) == 2:
                return None, f"{label} {_quoted(value)}: год нужен четырьмя цифрами (ДД.ММ.ГГГГ)"
            parts = int(year_s), int(month_s), int(day_s)
        elif match := _YMD.match(text):
            parts = tuple(int(p) for p in match.groups())
        elif (match := _WORDS_DATE.match(text)) and match.group(2) in MONTHS_GENITIVE:
            parts = int(match.group(3)), MONTHS_GENITIVE.index(match.group(2)) + 1, int(match.group(1))
        if parts is None:
            return None, f"{label} {_quoted(value)} не распознана: укажите её в виде ДД.ММ.ГГГГ"
        try:
            day = dt.date(*parts)
        except ValueError:
            return None, f"{label} {_quoted(value)} — такой даты нет"
    if day > today:
        return None, f"{label} {_quoted(value)} ещё не наступила"
    if day.year < today.year - 110:
        return None, f"{label} {_quoted(value)} — проверьте год"
    return day, ""


TEACHING_LABEL = "Дата начала педагогической деятельности"
MAX_TEACHING_YEARS = 70
_YEARS = re.compile(r"^(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:(?:год|года|лет|г)\.?)?$")
_SINCE_YEAR = re.compile(r"^(?:с\s*)?(\d{4})(?:\s*(?:года|год|г)\.?)?$")


def _years_ago(years: float, today: dt.date) -> dt.date:
    whole = int(years)
    day = years_before(today, whole)
    return day - dt.timedelta(days=round((years - whole) * 365.25))


def parse_teaching_since(value, *, today: dt.date) -> tuple[dt.date | None, str]:
    """(date, "") or (None, Russian message) for the start of teaching, given as a date («01.09.2021»,
    an Excel date), a year («2019», «с 2019 г.» → 1 September of it) or as years of service («3», «2,5»,
    «5 лет» → that many years before `today`): the columns «Стаж с», «Дата начала педагогической
    деятельности», «Педагогический стаж (лет)» of school lists."""
    if isinstance(value, bool):
        return None, f"{TEACHING_LABEL} {_quoted(value)} не распознана: укажите дату (ДД.ММ.ГГГГ) или стаж в годах"
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        if 0 <= value <= MAX_TEACHING_YEARS:
            return _years_ago(float(value), today), ""
        if float(value).is_integer() and 1900 <= value <= today.year:
            return min(dt.date(int(value), 9, 1), today), ""
        if not 10_000 <= value <= 80_000:
            return None, f"Стаж {_quoted(value)} — проверьте число лет (не больше {MAX_TEACHING_YEARS})"
    elif isinstance(value, str):
        text = _to_text(value).casefold()
        if match := _YEARS.match(text):
            years = float(match.group(1).replace(",", "."))
            if years > MAX_TEACHING_YEARS:
                return None, f"Стаж {_quoted(value)} — проверьте число лет (не больше {MAX_TEACHING_YEARS})"
            return _years_ago(years, today), ""
        if match := _SINCE_YEAR.match(text):
            year = int(match.group(1))
            if not 1900 <= year <= today.year:
                return None, f"{TEACHING_LABEL} {_quoted(value)} — проверьте год"
            return min(dt.date(year, 9, 1), today), ""
    day, message = parse_date(value, today=today, label=TEACHING_LABEL)
    if message:
        return None, message + " или стаж числом лет" if "не распознана" in message else message
    return day, ""


def parse_class(value) -> tuple[str, str]:
    """(class, "") or ("", message): «7 б», «7-Б», «VII Б» → «7Б»; a college group «ТМ-21» as typed."""
    text = _to_text(value)
    if not text:
        return "", ""
    if match := _ROMAN_CLASS.match(text):
        number = _ROMAN.get(match.group(1))
        if number:
            text = f"{number}{match.group(2) or ''}"
    normalized = normalize_class_name(text)
    if match := _CLASS_LIKE.match(normalized):
        if not 1 <= int(match.group(1)) <= 11:
            return "", f'Класс "{text}" не распознан: номер класса — от 1 до 11'
        return normalized, ""
    if len(normalized) <= 30 and any(ch.isdigit() for ch in normalized) and _GROUP_OK.match(normalized):
        return normalized, ""
    return "", f'Класс "{text}" не распознан: укажите номер и букву (например, 7Б) или шифр группы (например, ТМ-21)'


def parse_gender(value) -> tuple[str, str]:
    text = _to_text(value).casefold().rstrip(".")
    if not text:
        return "", ""
    if text in GENDER_WORDS:
        return GENDER_WORDS[text], ""
    return "", f'Пол "{_to_text(value)}" не распознан: укажите м/ж'


def parse_category(value) -> tuple[str, str]:
    text = normalize_header(value)
    if not text:
        return "", ""
    if text in CATEGORY_WORDS:
        return CATEGORY_WORDS[text], ""
    first = text.split()[0]
    if first in CATEGORY_WORDS:
        return CATEGORY_WORDS[first], ""
    return "", f'Категория "{_to_text(value)}" не распознана: укажите одно из: {CATEGORY_HINT}'


def parse_phone(value) -> tuple[str, str]:
    text = _to_text(value)
    if not text:
        return "", ""
    digits = sum(ch.isdigit() for ch in text)
    if digits < 5 or digits > 15 or re.search(r"[A-Za-zА-Яа-яЁё]{4,}", text):
        return "", f'Телефон "{text}" не похож на номер телефона'
    return text, ""


def parse_email(value) -> tuple[str, str]:
    text = _to_text(value).lower().removeprefix("mailto:")
    if not text:
        return "", ""
    if not _EMAIL.match(text) or ".." in text:
        return "", f'Эл. почта "{text}" указана с ошибкой'
    return text, ""


def parse_text(value) -> tuple[str, str]:
    return _to_text(value), ""


def _name_error(label: str, text: str) -> str:
    if any(ch.isdigit() for ch in text):
        return f'{label} "{text}" содержит цифры — проверьте, тот ли это столбец'
    return f'{label} "{text}" содержит лишние знаки'


def split_full_name(value) -> tuple[tuple[str, str, str], str]:
    """«ИВАНОВА мария петровна» → (Иванова, Мария, Петровна); «Мамедов Эльдар Рашид оглы» keeps
    «Рашид оглы» as the patronymic. Returns the parts and "" or a Russian message."""
    text = _to_text(value).replace(",", " ")
    words = text.split()
    if not words:
        return ("", "", ""), "Не указаны фамилия и имя"
    if len(words) == 1:
        return ("", "", ""), f'В ФИО "{text}" нет имени: укажите фамилию, имя и отчество'
    if any(_INITIALS.match(w) for w in words[1:]) or re.search(r"[А-ЯЁA-Z]\.[А-ЯЁA-Z]", text, re.IGNORECASE):
        return ("", "", ""), f'ФИО "{text}" записано с инициалами: укажите полные имя и отчество'
    if not all(_NAME_OK.match(w) for w in words):
        return ("", "", ""), _name_error("ФИО", text)
    last, first, rest = words[0], words[1], " ".join(words[2:])
    return (capitalize_name(last), capitalize_name(first), capitalize_name(rest) if rest else ""), ""


class RowParser:
    """Turns the cells of one data row into a ParsedRow, checking every mapped cell."""

    def __init__(self, mapping: Mapping[str, int], headers: Sequence[str], *, today: dt.date):
        self.mapping = dict(mapping)
        self.headers = tuple(headers)
        self.today = today
        self.columns = tuple(sorted(set(self.mapping.values())))
        parsers = {
            "class_name": parse_class,
            "gender": parse_gender,
            "category": parse_category,
            "phone": parse_phone,
            "email": parse_email,
            "external_id": parse_text,
            "position": parse_text,
            "subject": parse_text,
        }
        self.parsers = tuple((key, parse) for key, parse in parsers.items() if key in self.mapping)

    def _error(self, number: int, field_key: str, message: str) -> CellError:
        index = self.mapping.get(field_key)
        if index is None:
            return CellError(number, "", "", field_key, message)
        header = self.headers[index] if index < len(self.headers) else ""
        return CellError(number, column_letter(index), header, field_key, message)

    def parse(self, number: int, values: Sequence) -> ParsedRow | None:
        width = len(values)
        cells = {key: (values[index] if index < width else None) for key, index in self.mapping.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            return None  # a blank row (or a row filled only in columns that are not imported)
        errors: list[CellError] = []
        failed: set[str] = set()
        data: dict = {}
        for key, value in cells.items():
            if value is UNCACHED_FORMULA:
                errors.append(
                    self._error(
                        number,
                        key,
                        "Формула без сохранённого значения: откройте файл в Excel, дождитесь пересчёта и сохраните",
                    )
                )
                failed.add(key)
            elif isinstance(value, ExcelError) or (isinstance(value, str) and value.strip() in EXCEL_ERRORS):
                errors.append(self._error(number, key, f'В ячейке ошибка Excel "{value}" — исправьте формулу'))
                failed.add(key)

        def bad(key):
            return key in failed

        # names
        if "full_name" in cells:
            if not bad("full_name"):
                (last, first, patronymic), message = split_full_name(cells["full_name"])
                if message:
                    errors.append(self._error(number, "full_name", message))
                data.update(last_name=last, first_name=first, patronymic=patronymic)
        else:
            for key, label, required in (
                ("last_name", "Фамилия", "Не указана фамилия"),
                ("first_name", "Имя", "Не указано имя"),
                ("patronymic", "Отчество", ""),
            ):
                if key not in cells or bad(key):
                    continue
                text = _to_text(cells[key])
                if not text:
                    if required:
                        errors.append(self._error(number, key, required))
                elif not _NAME_OK.match(text) or (key != "last_name" and _INITIALS.match(text)):
                    message = (
                        f'{label} "{text}" — нужна полная форма, не инициал'
                        if _INITIALS.match(text)
                        else _name_error(label, text)
                    )
                    errors.append(self._error(number, key, message))
                else:
                    data[key] = capitalize_name(text)
        # the other fields
        for key, parse in self.parsers:
            if not bad(key):
                value, message = parse(cells[key])
                if message:
                    errors.append(self._error(number, key, message))
                    failed.add(key)
                elif value:
                    data[key] = value
        if "birth_date" in cells and not bad("birth_date"):
            value = cells["birth_date"]
            if value is not None and not (isinstance(value, str) and not value.strip()):
                day, message = parse_date(value, today=self.today)
                if message:
                    errors.append(self._error(number, "birth_date", message))
                else:
                    data["birth_date"] = day
        if "teaching_since" in cells and not bad("teaching_since"):
            value = cells["teaching_since"]
            if value is not None and not (isinstance(value, str) and not value.strip()):
                day, message = parse_teaching_since(value, today=self.today)
                if message:
                    errors.append(self._error(number, "teaching_since", message))
                else:
                    data["teaching_since"] = day
        for key, limit in _MAX_LENGTHS.items():
            text = data.get(key)
            if isinstance(text, str) and len(text) > limit:
                errors.append(self._error(number, key, f"Значение длиннее {limit} знаков — сократите его"))
                data.pop(key)
        # gender: from its column, else from the patronymic
        data["gender_given"] = "gender" in data
        if "gender" not in data and not bad("gender") and (data.get("last_name") or data.get("first_name")):
            guessed = gender_from_patronymic(data.get("patronymic", ""))
            if guessed:
                data["gender"] = guessed
            elif not any(e.field in ("full_name", "patronymic") for e in errors):
                where = "gender" if "gender" in self.mapping else ("patronymic" if "patronymic" in self.mapping else "")
                where = where or ("full_name" if "full_name" in self.mapping else "gender")
                errors.append(self._error(number, where, "Пол не указан, и по отчеству его не определить: укажите м/ж"))
        return ParsedRow(number=number, values=tuple(values), errors=tuple(errors), **data)


# --- files ------------------------------------------------------------------------------------
@dataclass
class Table:
    """An opened file: its header and a stream of data rows after it."""

    kind: str  # "xlsx" | "csv"
    name: str
    sheet_name: str
    header_row: int
    headers: tuple[str, ...]
    encoding: str = ""
    delimiter: str = ""
    _rows: Iterator = field(default_factory=lambda: iter(()), repr=False)
    _closers: list = field(default_factory=list, repr=False)

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number, values) of every row below the header, blank ones included."""
        for count, (number, values) in enumerate(self._rows, start=1):
            if count > MAX_ROWS:
                raise ImportFileError(MSG_TOO_MANY_ROWS)
            yield number, values

    @property
    def column_count(self) -> int:
        return len(self.headers)

    def close(self) -> None:
        while self._closers:
            with contextlib.suppress(Exception):  # closing a broken file must not hide the real error
                self._closers.pop()()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _size_of(source) -> int:
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    position = source.tell()
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(position)
    return size


def _unwrap(source):
    """The real binary file under Django's File wrappers (UploadedFile, FieldFile)."""
    seen = 0
    while hasattr(source, "file") and getattr(source, "file", None) is not None and seen < 5:
        inner = source.file
        if inner is source:
            break
        source, seen = inner, seen + 1
    return source


def open_table(source, name: str = "") -> Table:
    """Open an uploaded list (a binary file object or a path). Raises ImportFileError."""
    if isinstance(source, str | bytes) or hasattr(source, "__fspath__"):
        handle = open(source, "rb")  # noqa: SIM115 - closed by Table.close
        name = name or str(source)
        try:
            table = _open(handle, name)
        except BaseException:
            handle.close()
            raise
        table._closers.insert(0, handle.close)
        return table
    if hasattr(source, "open") and getattr(source, "closed", False):
        source.open("rb")
    return _open(source, name or getattr(source, "name", "") or "файл")


def _open(source, name: str) -> Table:
    short_name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    raw = _unwrap(source)
    raw.seek(0)
    size = _size_of(source)
    if size == 0:
        raise ImportFileError(MSG_EMPTY)
    if size > MAX_BYTES:
        raise ImportFileError(MSG_TOO_BIG)
    head = raw.read(8)
    raw.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ImportFileError(_ole2_message(raw))
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(raw, short_name)
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK")):
        raise ImportFileError(MSG_NOT_TABLE.format(name=short_name))
    return _open_csv(raw, short_name)


def _ole2_message(raw) -> str:
    """An OLE2 compound file is either an encrypted XLSX (an «EncryptedPackage» stream) or an old XLS."""
    sample = raw.read(1024 * 1024)
    raw.seek(0)
    if "EncryptedPackage".encode("utf-16-le") in sample:
        return MSG_PASSWORD
    if "Workbook".encode("utf-16-le") in sample or "Book".encode("utf-16-le") in sample:
        return MSG_OLD_XLS
    return MSG_PASSWORD


# --- XLSX ---
def _open_xlsx(raw, name: str) -> Table:
    broken = MSG_BROKEN_XLSX.format(name=name)
    try:
        with zipfile.ZipFile(raw) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            unpacked = sum(member.file_size for member in members)
            strings = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(80)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as error:
        raise ImportFileError(broken) from error
    if b"opendocument.spreadsheet" in mimetype:
        raise ImportFileError(MSG_ODS)
    if unpacked > MAX_UNPACKED or strings > MAX_SHARED_STRINGS:
        raise ImportFileError(MSG_TOO_BIG)
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        raise ImportFileError(MSG_NOT_TABLE.format(name=name))
    raw.seek(0)
    try:
        workbook = _load_workbook(raw)
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises anything from KeyError to XML errors on a broken file
        raise ImportFileError(broken) from error
    try:
        sheets = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        sheets = sheets or list(workbook.worksheets)
        if not sheets:
            raise ImportFileError(MSG_NO_SHEETS)
        any_data = False
        for sheet in sheets:
            header_row, headers, rest = _find_header(_guarded(_sheet_rows(workbook, sheet), broken))
            if header_row is not None:
                return Table(
                    kind="xlsx",
                    name=name,
                    sheet_name=sheet.title,
                    header_row=header_row,
                    headers=headers,
                    _rows=rest,
                    _closers=[workbook.close],
                )
            any_data = any_data or headers
        raise ImportFileError(MSG_NO_HEADER if any_data else MSG_EMPTY)
    except BaseException:
        workbook.close()
        raise


def _load_workbook(raw):
    """openpyxl's `load_workbook(raw, read_only=True, data_only=True)`, except that the sheets do not
    measure themselves on opening: a read-only sheet without a <dimension> element (files written by
    openpyxl's write-only mode and other generators) is otherwise parsed from end to end just to learn
    its size, which streaming does not need. Falls back to `load_workbook` if openpyxl changes."""
    from openpyxl import load_workbook

    try:
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    except ImportError:  # pragma: no cover - a future openpyxl
        return load_workbook(raw, read_only=True, data_only=True)

    class StreamedSheet(ReadOnlyWorksheet):
        def _get_size(self):
            return None

    class StreamingReader(ExcelReader):
        def read_worksheets(self):
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                    continue
                worksheet = StreamedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                worksheet.sheet_state = sheet.state
                self.wb._sheets.append(worksheet)

    reader = StreamingReader(raw, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def _guarded(rows: Iterator, message: str) -> Iterator:
    """Re-raise whatever a broken file raises halfway through as ImportFileError."""
    try:
        yield from rows
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(message) from error


def _sheet_rows(workbook, sheet) -> Iterator[tuple[int, tuple]]:
    parser_class = _cached_value_parser()
    needed = ("_get_source", "_shared_strings")
    if parser_class is None or not all(hasattr(sheet, n) for n in needed) or not hasattr(workbook, "_date_formats"):
        first = getattr(sheet, "min_row", 1) or 1
        for offset, values in enumerate(sheet.iter_rows(values_only=True)):
            yield first + offset, tuple(values)
        return
    with sheet._get_source() as src:
        parser = parser_class(
            src,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            if not cells:
                continue
            values = [None] * cells[-1][0]
            for column, value in cells:
                values[column - 1] = value
            yield number, tuple(values)


_PARSER_CLASS: list = []
_COLUMNS: dict[str, int] = {}


def _column_of(coordinate: str) -> int:
    letters = coordinate.rstrip("0123456789")
    column = _COLUMNS.get(letters)
    if column is None:
        column = 0
        for letter in letters.upper():
            column = column * 26 + ord(letter) - 64
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = column
    return column


def _cached_value_parser():
    """openpyxl's worksheet parser with a lean row reader: values only (as `data_only` gives them),
    formulas saved without a value marked, Excel error values marked, inline strings read directly."""
    if _PARSER_CLASS:
        return _PARSER_CLASS[0]
    try:
        from openpyxl.utils.datetime import from_excel, from_ISO8601
        from openpyxl.worksheet._reader import CELL_TAG, FORMULA_TAG, INLINE_STRING, VALUE_TAG, WorkSheetParser
    except ImportError:  # pragma: no cover - a future openpyxl
        _PARSER_CLASS.append(None)
        return None
    namespace = INLINE_STRING[: INLINE_STRING.index("}") + 1]
    text_tag, run_tag = f"{namespace}t", f"{namespace}r"

    class CachedValueParser(WorkSheetParser):
        def parse_row(self, row):
            number = row.get("r")
            self.row_counter = int(float(number)) if number else self.row_counter + 1
            column, cells = 0, []
            for element in row:
                if element.tag != CELL_TAG:
                    continue
                coordinate = element.get("r")
                column = _column_of(coordinate) if coordinate else column + 1
                cells.append((column, self.cell_value(element)))
            return self.row_counter, cells

        def cell_value(self, element):
            kind = element.get("t", "n")
            if kind == "inlineStr":
                node = element.find(INLINE_STRING)
                if node is None:
                    return None
                parts = [child.text or "" for child in node if child.tag == text_tag]
                for run in node.iter(run_tag):
                    parts.extend(t.text or "" for t in run if t.tag == text_tag)
                return "".join(parts)
            value = element.findtext(VALUE_TAG)
            if not value:
                return UNCACHED_FORMULA if element.find(FORMULA_TAG) is not None else None
            if kind == "n":
                number = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
                style = element.get("s")
                if style and int(style) in self.date_formats:
                    try:
                        return from_excel(number, self.epoch, timedelta=int(style) in self.timedelta_formats)
                    except (OverflowError, ValueError):
                        return ExcelError("#VALUE!")
                return number
            if kind == "s":
                return self.shared_strings[int(value)]
            if kind == "b":
                return value not in ("0", "false")
            if kind == "e":
                return ExcelError(value)
            if kind == "d":
                try:
                    return from_ISO8601(value)
                except ValueError:
                    return value
            return value

    _PARSER_CLASS.append(CachedValueParser)
    return CachedValueParser


def _find_header(rows: Iterator[tuple[int, tuple]]):
    """(header row number, headers, the remaining rows), or (None, whether any cell was filled) when the
    first 20 filled rows have no header."""
    seen = 0
    for number, values in rows:
        if not any(_to_text(v) for v in values):
            continue
        seen += 1
        if is_header_row(values):
            headers = tuple(_to_text(v) for v in values)
            while headers and not headers[-1]:
                headers = headers[:-1]
            return number, headers, rows
        if seen >= HEADER_SEARCH_ROWS:
            break
    return None, bool(seen), None


# --- CSV ---
def _detect_encoding(raw, name: str) -> str:
    head = raw.read(4)
    raw.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = raw.read(64 * 1024)
    raw.seek(0)
    if b"\x00" in sample:
        raise ImportFileError(MSG_NOT_TABLE.format(name=name))
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := raw.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1251"
    finally:
        raw.seek(0)
    return "utf-8-sig"


class _NonClosing(io.RawIOBase):
    """Lets a TextIOWrapper read a file it must not close."""

    def __init__(self, raw):
        self._raw = raw

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _open_csv(raw, name: str) -> Table:
    encoding = _detect_encoding(raw, name)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    sample = decoder.decode(raw.read(64 * 1024))
    raw.seek(0)
    if not sample.strip():
        raise ImportFileError(MSG_EMPTY)
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > len(sample) // 100:
        raise ImportFileError(MSG_NOT_TABLE.format(name=name))
    delimiter = _sniff_delimiter(sample)
    text = io.TextIOWrapper(
        io.BufferedReader(_NonClosing(raw), _CHUNK), encoding=encoding, errors="replace", newline=""
    )
    reader = csv.reader(text, delimiter=delimiter)

    def rows():
        number = 0
        try:
            for record in reader:
                number += 1
                yield number, tuple(record)
        except csv.Error as error:
            reason = "в файле есть двоичные данные" if "NUL" in str(error) else "нарушена структура строк"
            raise ImportFileError(MSG_BROKEN_CSV.format(name=name, row=number + 1, reason=reason)) from error

    header_row, headers, rest = _find_header(rows())
    if header_row is None:
        raise ImportFileError(MSG_NO_HEADER if headers else MSG_EMPTY)
    return Table(
        kind="csv",
        name=name,
        sheet_name="",
        header_row=header_row,
        headers=headers,
        encoding=encoding.replace("-sig", ""),
        delimiter=delimiter,
        _rows=rest,
    )


def _sniff_delimiter(sample: str) -> str:
    """The delimiter under which a header row shows the most known columns (then the most columns)."""
    lines = sample.splitlines()[:60]
    if len(sample) >= 64 * 1024 and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut
    best, best_score = ";", (-1, -1)
    for delimiter in (";", "\t", ","):
        try:
            records = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        known = max((len(_header_fields(r)) for r in records[:HEADER_SEARCH_ROWS]), default=0)
        widths = [len(r) for r in records if any(c.strip() for c in r)]
        common = max(set(widths), key=widths.count) if widths else 0
        score = (known, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def iter_parsed(table: Table, parser: RowParser) -> Iterator[ParsedRow]:
    """Every non-blank data row of the table, parsed."""
    for number, values in table.rows():
        row = parser.parse(number, values)
        if row is not None:
            yield row
