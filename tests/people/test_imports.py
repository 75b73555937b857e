"""The parser of participant lists (people.imports): pure, no database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from nastavnik.people import imports
from nastavnik.people.imports import ImportFileError, RowParser, open_table
from nastavnik.people.models import Category
from nastavnik.people.services import gender_from_patronymic as services_gender

TODAY = dt.date(2026, 11, 23)


def excel_datetime(year, month, day) -> dt.datetime:
    """A cell value as openpyxl reads a date cell: a naive datetime at midnight."""
    return dt.datetime.combine(dt.date(year, month, day), dt.time())


# --- helpers --------------------------------------------------------------------------------------
def xlsx_bytes(rows, *, title="Лист1", merge=(), cached=None) -> bytes:
    """An XLSX with these rows from row 1 (None = empty cell). `cached` gives a formula's cached
    value: {"B5": "text"} (openpyxl itself writes formulas without one)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    for ref in merge:
        sheet.merge_cells(ref)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    return _with_cached_values(data, cached) if cached else data


def _with_cached_values(data: bytes, cached: dict) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for ref, value in cached.items():
                    start = text.index(f'<c r="{ref}"')
                    end = text.index("</c>", start) + 4
                    formula = text[text.index("<f>", start) : text.index("</f>", start) + 4]
                    text = text[:start] + f'<c r="{ref}" t="str">{formula}<v>{value}</v></c>' + text[end:]
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def csv_bytes(rows, *, delimiter=";", encoding="utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


def parse_all(data: bytes, name="список.xlsx", mapping=None):
    with open_table(io.BytesIO(data), name) as table:
        mapping = imports.suggest_mapping(table.headers) if mapping is None else mapping
        parser = RowParser(mapping, table.headers, today=TODAY)
        return table, list(imports.iter_parsed(table, parser))


def messages(row) -> list[str]:
    return [e.message for e in row.errors]


# --- headers and mapping ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("ФИО", "full_name"),
        ("Ф.И.О.", "full_name"),
        ("ФИО обучающегося", "full_name"),
        ("Фамилия, имя, отчество", "full_name"),
        ("Фамилия", "last_name"),
        ("ИМЯ", "first_name"),
        ("Отчество", "patronymic"),
        ("Дата рождения", "birth_date"),
        ("Дата рождения (ДД.ММ.ГГГГ)", "birth_date"),
        ("Д.Р.", "birth_date"),
        ("Класс", "class_name"),
        ("Класс/группа", "class_name"),
        ("Группа", "class_name"),
        ("Пол", "gender"),
        ("Категория", "category"),
        ("Телефон", "phone"),
        ("Эл. почта", "email"),
        ("E-mail", "email"),
        ("Электронная почта", "email"),
        ("Должность", "position"),
        ("Предмет", "subject"),
        ("Внешний идентификатор", "external_id"),
        ("ID", "external_id"),
        ("№ личного дела", "external_id"),
        ("ФИО родителя", None),
        ("Классный руководитель", None),
        ("№ п/п", None),
        ("Примечание", None),
    ],
)
def test_headers_are_recognised(header, field):
    assert imports.match_header(header) == field


def test_header_row_is_found_below_a_title_and_blank_rows():
    data = xlsx_bytes(
        [
            ["Список обучающихся 7 «Б» класса"],
            [],
            ["№", "ФИО", "Дата рождения", "Класс"],
            [1, "Иванова Мария Петровна", "01.09.2012", "7 Б"],
        ],
        merge=["A1:D1"],
    )
    table, rows = parse_all(data)
    assert table.header_row == 3
    assert table.headers == ("№", "ФИО", "Дата рождения", "Класс")
    assert [(r.number, r.full_name, r.class_name) for r in rows] == [(4, "Иванова Мария Петровна", "7Б")]


def test_mapping_suggestion_prefers_three_name_columns():
    headers = ["ФИО", "Фамилия", "Имя", "Отчество", "Класс", "Класс"]
    assert imports.suggest_mapping(headers) == {"last_name": 1, "first_name": 2, "patronymic": 3, "class_name": 4}


def test_mapping_checks():
    headers = ["ФИО", "Фамилия", "Дата"]
    assert imports.check_mapping({"full_name": 0}, headers) == []
    assert "либо один столбец «ФИО»" in imports.check_mapping({"full_name": 0, "last_name": 1}, headers)[0]
    assert "в каком столбце ФИО" in imports.check_mapping({"birth_date": 2}, headers)[0]
    doubled = imports.check_mapping({"full_name": 0, "birth_date": 0}, headers)
    assert doubled == ["Столбец A «ФИО» выбран дважды: для «ФИО (в одном столбце)» и «Дата рождения»."]


def test_header_signature_ignores_case_and_punctuation_but_not_order():
    assert imports.header_signature(["ФИО", "Дата рождения"]) == imports.header_signature(["Ф.И.О.", "дата  рождения"])
    assert imports.header_signature(["ФИО", "Класс"]) != imports.header_signature(["Класс", "ФИО"])


# --- cells --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01.09.2012", dt.date(2012, 9, 1)),
        ("1.9.2012", dt.date(2012, 9, 1)),
        ("2012-09-01", dt.date(2012, 9, 1)),
        ("01/09/2012", dt.date(2012, 9, 1)),
        ("01-09-2012", dt.date(2012, 9, 1)),
        ("01.09.2012 г.", dt.date(2012, 9, 1)),
        ("1 сентября 2012 г.", dt.date(2012, 9, 1)),
        ("01.09.2012 0:00:00", dt.date(2012, 9, 1)),
        (excel_datetime(2012, 9, 1), dt.date(2012, 9, 1)),
        (dt.date(2012, 9, 1), dt.date(2012, 9, 1)),
        (41153, dt.date(2012, 9, 1)),  # an Excel serial number without a date format
        (41153.0, dt.date(2012, 9, 1)),
    ],
)
def test_dates(value, expected):
    assert imports.parse_date(value, today=TODAY) == (expected, "")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31.02.2010", 'Дата рождения "31.02.2010" — такой даты нет'),
        ("завтра", 'Дата рождения "завтра" не распознана: укажите её в виде ДД.ММ.ГГГГ'),
        ("01.09.12", 'Дата рождения "01.09.12": год нужен четырьмя цифрами (ДД.ММ.ГГГГ)'),
        ("01.09.2030", 'Дата рождения "01.09.2030" ещё не наступила'),
        ("01.09.1850", 'Дата рождения "01.09.1850" — проверьте год'),
        (2012, 'Дата рождения "2012" не распознана: укажите её в виде ДД.ММ.ГГГГ'),
    ],
)
def test_bad_dates_are_explained(value, message):
    assert imports.parse_date(value, today=TODAY) == (None, message)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7Б", "7Б"), ("7 Б", "7Б"), ("7 б", "7Б"), ("7-Б", "7Б"), ("7 «Б» класс", "7Б"), ("VII Б", "7Б"),
     (7, "7"), (11.0, "11"), ("ТМ-21", "ТМ-21"), ("ИС 22-1", "ИС 22-1"), ("", "")],
)  # fmt: skip
def test_classes(value, expected):
    assert imports.parse_class(value) == (expected, "")


@pytest.mark.parametrize("value", ["ХХ", "15А", "0", "!!!", "7Б" * 20])
def test_bad_classes_are_explained(value):
    result, message = imports.parse_class(value)
    assert result == ""
    assert message.startswith(f'Класс "{value}" не распознан')


@pytest.mark.parametrize(
    ("value", "expected"),
    [("м", "m"), ("М", "m"), ("муж", "m"), ("Мужской", "m"), ("ж", "f"), ("Ж", "f"), ("жен", "f"), ("ж.", "f")],
)
def test_gender_words(value, expected):
    assert imports.parse_gender(value) == (expected, "")


def test_unknown_gender_is_explained():
    assert imports.parse_gender("x") == ("", 'Пол "x" не распознан: укажите м/ж')


@pytest.mark.parametrize(("value", "code"), [(label, value) for value, label in Category.choices])
def test_category_labels_of_the_model_are_understood(value, code):
    assert imports.parse_category(value) == (code, "")


def test_category_words_are_the_models_codes():
    assert set(imports.CATEGORY_WORDS.values()) <= set(Category.values)
    assert set(imports.GENDER_WORDS.values()) == {"m", "f"}


@given(st.text(alphabet="абвгдежзийклмнопрстуфхцчшщьыэюяАБВЕЁИОУЯ ичвнаолыгкз", max_size=20))
def test_gender_from_patronymic_is_the_services_rule(patronymic):
    assert imports.gender_from_patronymic(patronymic) == services_gender(patronymic)


# --- rows --------------------------------------------------------------------------------------------
def _row(headers, values, mapping=None):
    mapping = imports.suggest_mapping(headers) if mapping is None else mapping
    return RowParser(mapping, headers, today=TODAY).parse(7, values)


@pytest.mark.parametrize(
    ("fio", "expected"),
    [
        ("Иванова Мария Петровна", ("Иванова", "Мария", "Петровна")),
        ("ИВАНОВА мария петровна", ("Иванова", "Мария", "Петровна")),
        ("  иванова   Мария  ", ("Иванова", "Мария", "")),
        ("Мамедов Эльдар Рашид оглы", ("Мамедов", "Эльдар", "Рашид оглы")),
        ("Петрова-Водкина Анна Ивановна", ("Петрова-Водкина", "Анна", "Ивановна")),
    ],
)
def test_full_name_in_one_column(fio, expected):
    row = _row(["ФИО", "Пол"], [fio, "ж"])
    assert (row.last_name, row.first_name, row.patronymic) == expected
    assert row.ok, row.errors


@pytest.mark.parametrize(
    ("fio", "message"),
    [
        ("Иванова", 'В ФИО "Иванова" нет имени: укажите фамилию, имя и отчество'),
        ("Иванова М. П.", 'ФИО "Иванова М. П." записано с инициалами: укажите полные имя и отчество'),
        ("Иванова М.П.", 'ФИО "Иванова М.П." записано с инициалами: укажите полные имя и отчество'),
        ("12 Мария", 'ФИО "12 Мария" содержит цифры — проверьте, тот ли это столбец'),
    ],
)
def test_bad_full_names_are_explained(fio, message):
    row = _row(["ФИО", "Пол"], [fio, "ж"])
    assert messages(row) == [message]
    assert row.errors[0].column == "A"
    assert row.errors[0].header == "ФИО"


def test_three_name_columns_and_missing_surname():
    headers = ["Фамилия", "Имя", "Отчество"]
    row = _row(headers, ["", "Мария", "Петровна"])
    assert messages(row) == ["Не указана фамилия"]
    assert str(row.errors[0]) == "Строка 7, столбец A «Фамилия»: Не указана фамилия"
    assert messages(_row(headers, ["Иванова", "", "Петровна"])) == ["Не указано имя"]


def test_gender_comes_from_the_column_or_the_patronymic():
    headers = ["ФИО", "Пол"]
    assert _row(headers, ["Петров Иван Сергеевич", ""]).gender == "m"
    assert _row(headers, ["Петрова Анна Сергеевна", None]).gender == "f"
    assert _row(headers, ["Петрова Анна Сергеевна", "м"]).gender == "m"  # the column wins
    row = _row(headers, ["Ли Анна", ""])
    assert messages(row) == ["Пол не указан, и по отчеству его не определить: укажите м/ж"]
    assert row.errors[0].column == "B"


def test_every_bad_cell_of_a_row_is_reported():
    headers = ["ФИО", "Дата рождения", "Класс", "Пол", "Эл. почта", "Телефон"]
    row = _row(headers, ["Иванова Мария Петровна", "31.02.2010", "ХХ", "x", "mail@", "abc"])
    assert {(e.column, e.field) for e in row.errors} == {
        ("B", "birth_date"),
        ("C", "class_name"),
        ("D", "gender"),
        ("E", "email"),
        ("F", "phone"),
    }
    assert 'Дата рождения "31.02.2010" — такой даты нет' in messages(row)
    assert 'Пол "x" не распознан: укажите м/ж' in messages(row)


def test_blank_rows_are_skipped_even_with_a_number_column():
    headers = ["№", "ФИО", "Класс"]
    parser = RowParser(imports.suggest_mapping(headers), headers, today=TODAY)
    assert parser.parse(5, (None, None, None)) is None
    assert parser.parse(5, (17, "  ", "")) is None  # only the unmapped «№» is filled
    assert parser.parse(5, ()) is None


def test_long_values_are_reported():
    row = _row(["ФИО", "Должность"], ["Иванова Мария Петровна", "з" * 201])
    assert messages(row) == ["Значение длиннее 200 знаков — сократите его"]


# --- XLSX specifics ---------------------------------------------------------------------------------
def test_excel_dates_text_dates_merged_cells_and_formulas():
    rows = [
        ["ФИО", "Дата рождения", "Класс", "Пол"],
        ["Иванова Мария Петровна", excel_datetime(2012, 9, 1), "7 Б", "ж"],
        ["Петров Иван Сергеевич", "15.03.2012", "7Б", None],
        ["Орлова Дарья Андреевна", "2012-05-20", None, "ж"],  # class merged from the row above
        ['=CONCATENATE("Смирнов ","Артём Олегович")', "01.01.2012", "7Б", "м"],  # cached value below
        ["Кузнецов Олег Павлович", "=DATE(2012,1,1)", "7Б", "м"],  # a formula saved without a value
        ["Белова Ольга Ивановна", "=1/0", "7Б", "ж"],
    ]
    data = xlsx_bytes(rows, merge=["C3:C4"], cached={"A5": "Смирнов Артём Олегович"})
    data = _with_error_value(data, "B7", "#DIV/0!")
    _table, parsed = parse_all(data)
    by_number = {r.number: r for r in parsed}
    assert by_number[2].birth_date == dt.date(2012, 9, 1)
    assert by_number[3].birth_date == dt.date(2012, 3, 15)
    assert by_number[3].gender == "m"
    assert by_number[4].class_name == ""  # the non-anchor cell of a merged range reads as empty
    assert by_number[4].ok
    assert by_number[5].full_name == "Смирнов Артём Олегович"
    assert by_number[5].ok
    assert messages(by_number[6]) == [
        "Формула без сохранённого значения: откройте файл в Excel, дождитесь пересчёта и сохраните"
    ]
    assert by_number[6].errors[0].column == "B"
    assert messages(by_number[7]) == ['В ячейке ошибка Excel "#DIV/0!" — исправьте формулу']


def _with_error_value(data: bytes, ref: str, error: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start = text.index(f'<c r="{ref}"')
                end = text.index("</c>", start) + 4
                text = text[:start] + f'<c r="{ref}" t="e"><f>1/0</f><v>{error}</v></c>' + text[end:]
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def test_the_first_sheet_with_a_header_is_read():
    workbook = Workbook()
    workbook.active.title = "Титул"
    workbook.active["A1"] = "Школа № 1"
    second = workbook.create_sheet("Список")
    second.append(["Фамилия", "Имя", "Отчество"])
    second.append(["Иванова", "Мария", "Петровна"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table, rows = parse_all(buffer.getvalue())
    assert table.sheet_name == "Список"
    assert rows[0].full_name == "Иванова Мария Петровна"


# --- CSV specifics -------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_encodings_and_delimiters(encoding, delimiter):
    rows = [
        ["Список 7Б"],
        [],
        ["ФИО", "Дата рождения", "Класс", "Телефон"],
        ["Иванова Мария Петровна", "01.09.2012", "7 Б", "+7 (900) 123-45-67, доб. 2"],
        ["Ёлкин Пётр Ильич", "1.2.2012", "7б", ""],
    ]
    table, parsed = parse_all(csv_bytes(rows, delimiter=delimiter, encoding=encoding), "список.csv")
    assert table.kind == "csv"
    assert table.delimiter == delimiter
    assert table.header_row == 3
    assert [(r.full_name, r.birth_date, r.class_name) for r in parsed] == [
        ("Иванова Мария Петровна", dt.date(2012, 9, 1), "7Б"),
        ("Ёлкин Пётр Ильич", dt.date(2012, 2, 1), "7Б"),
    ]
    assert parsed[0].phone == "+7 (900) 123-45-67, доб. 2"


def test_a_csv_renamed_to_xlsx_is_read_by_its_content():
    table, parsed = parse_all(csv_bytes([["ФИО", "Пол"], ["Иванова Мария", "ж"]]), "список.xlsx")
    assert table.kind == "csv"
    assert parsed[0].full_name == "Иванова Мария"


# --- file-level errors -----------------------------------------------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "пусто.xlsx", "Файл пустой"),
        (b"   \r\n\r\n", "пусто.csv", "Файл пустой"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "защищён.xlsx", "Файл защищён паролем"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100,
            "защищён.xlsx",
            "Файл защищён паролем: снимите защиту и сохраните заново",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), "старый.xls", "старого формата"),
        (PNG, "картинка.xlsx", "не является таблицей XLSX или CSV"),
        (b"%PDF-1.4 hello", "список.xlsx", "не является таблицей XLSX или CSV"),
        (b"PK\x03\x04" + b"\x00" * 100, "битый.xlsx", "повреждён"),
        (csv_bytes([["Список класса"], ["Иванова Мария"], ["Петров Иван"]]), "список.csv", "Не найдена строка"),
        (xlsx_bytes([["Просто текст"], ["Иванова Мария"]]), "список.xlsx", "Не найдена строка"),
        (xlsx_bytes([]), "пусто.xlsx", "Файл пустой"),
    ],
)
def test_file_level_errors_are_explained_in_russian(data, name, message):
    with pytest.raises(ImportFileError) as caught, open_table(io.BytesIO(data), name) as table:
        list(table.rows())
    assert message in caught.value.message


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ImportFileError, match="не является таблицей"):
        open_table(io.BytesIO(buffer.getvalue()), "документ.xlsx")


def test_an_opendocument_spreadsheet():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(ImportFileError, match="OpenDocument"):
        open_table(io.BytesIO(buffer.getvalue()), "список.ods")


def test_a_file_over_50_mb_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 1000)
    with pytest.raises(ImportFileError, match="больше 50 МБ"):
        open_table(io.BytesIO(b"x" * 1001), "большой.csv")


def test_a_zip_bomb_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(imports, "MAX_UNPACKED", 10_000)
    data = xlsx_bytes([["ФИО"], *[[f"Иванова Мария {'я' * 50}"] for _ in range(300)]])
    with pytest.raises(ImportFileError, match="больше 50 МБ"):
        open_table(io.BytesIO(data), "бомба.xlsx")


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    data = csv_bytes([["ФИО", "Пол"], *[[f"Иванова Мария{'а' * i}", "ж"] for i in range(5)]])
    with pytest.raises(ImportFileError, match="разделите список"):
        parse_all(data, "список.csv")


def test_a_truncated_xlsx_is_a_file_error_not_a_crash():
    data = xlsx_bytes([["ФИО"], *[[f"Иванова Мария {i}"] for i in range(200)]])
    with pytest.raises(ImportFileError):
        parse_all(data[: len(data) // 2])


# --- properties ------------------------------------------------------------------------------------------
FORMATS = [
    lambda d: f"{d:%d.%m.%Y}",
    lambda d: f"{d.day}.{d.month}.{d.year}",
    lambda d: f"{d:%Y-%m-%d}",
    lambda d: f"{d:%d/%m/%Y}",
    lambda d: f"{d:%d-%m-%Y}",
    lambda d: f"{d:%d.%m.%Y} г.",
    lambda d: f"{d.day} {imports.MONTHS_GENITIVE[d.month - 1]} {d.year}",
    lambda d: f" {d:%d . %m . %Y} ",
    lambda d: excel_datetime(d.year, d.month, d.day),
    lambda d: d,
    lambda d: (d - dt.date(1899, 12, 30)).days,
]


@given(st.dates(min_value=dt.date(TODAY.year - 110, 1, 1), max_value=TODAY), st.sampled_from(FORMATS))
def test_any_valid_date_in_any_supported_form_parses_back(day, form):
    value = form(day)
    assume(not isinstance(value, int) or value >= 10_000)  # serial numbers below 1927 are not taken as dates
    assert imports.parse_date(value, today=TODAY) == (day, "")


NAMES = st.sampled_from(["Иванова", "Петров", "Сидоренко", "Ким", "Ёлкина", "Мамедов", "Орлова-Белая"])
FIRST = st.sampled_from(["Мария", "Иван", "Пётр", "Анна", "Эльдар", "Алёна"])
PATRONYMIC = st.sampled_from(["Петровна", "Сергеевич", "Ильич", "Андреевна", ""])
RECORD = st.fixed_dictionaries(
    {
        "Фамилия": NAMES,
        "Имя": FIRST,
        "Отчество": PATRONYMIC,
        "Дата рождения": st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2019, 12, 31)).map(
            lambda d: f"{d:%d.%m.%Y}"
        ),
        "Класс": st.sampled_from(["7Б", "7 б", "11-А", "ТМ-21", ""]),
        "Пол": st.sampled_from(["м", "ж", "Ж", "муж", ""]),
        "Телефон": st.sampled_from(["+7 900 123-45-67", "", "8(4722)33-44-55"]),
        "Эл. почта": st.sampled_from(["a@b.ru", "", "Ivanova@School.RU"]),
        "Внешний идентификатор": st.sampled_from(["", "A-1", "0042"]),
    }
)


def _records(data: bytes, name: str):
    _table, rows = parse_all(data, name)
    keep = ("last_name", "first_name", "patronymic", "birth_date", "class_name", "gender", "phone", "email")
    return [(tuple(getattr(r, k) for k in keep), r.external_id, tuple(messages(r))) for r in rows]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RECORD, min_size=1, max_size=5), st.permutations(list(range(9))))
def test_any_column_order_gives_the_same_records(records, order):
    headers = list(records[0].keys())
    permuted = [headers[i] for i in order]
    original = [headers, *[[r[h] for h in headers] for r in records]]
    shuffled = [permuted, *[[r[h] for h in permuted] for r in records]]
    assert _records(csv_bytes(original), "a.csv") == _records(csv_bytes(shuffled), "b.csv")
    assert _records(xlsx_bytes(shuffled), "b.xlsx") == _records(csv_bytes(original), "a.csv")


@settings(max_examples=40, deadline=None)
@given(st.lists(RECORD, min_size=1, max_size=5))
def test_one_fio_column_is_the_same_as_three(records):
    split = [["Фамилия", "Имя", "Отчество", "Пол"]] + [
        [r["Фамилия"], r["Имя"], r["Отчество"], r["Пол"]] for r in records
    ]
    joined = [["ФИО", "Пол"]] + [[f"{r['Фамилия']} {r['Имя']} {r['Отчество']}", r["Пол"]] for r in records]
    left = [(r.full_name, r.gender, r.ok) for r in parse_all(csv_bytes(split), "a.csv")[1]]
    right = [(r.full_name, r.gender, r.ok) for r in parse_all(csv_bytes(joined), "b.csv")[1]]
    assert left == right


CELL = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=excel_datetime(1900, 3, 1), max_value=excel_datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.booleans(),
    st.just(imports.UNCACHED_FORMULA),
    st.sampled_from([imports.ExcelError("#N/A"), "#REF!", "7 Б", "ж", "31.02.2010", "Иванова Мария Петровна"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CELL, max_size=12), st.permutations(list(range(12))))
def test_random_cells_give_rows_or_row_errors_never_exceptions(values, order):
    headers = ["ФИО", "Фамилия", "Имя", "Отчество", "Дата рождения", "Класс", "Пол", "Категория", "Телефон",
               "Эл. почта", "Должность", "ID"]  # fmt: skip
    headers = [headers[i] for i in order]
    for mapping in (imports.suggest_mapping(headers), {"full_name": order.index(0), "gender": order.index(6)}):
        row = RowParser(mapping, headers, today=TODAY).parse(2, values)
        if row is not None:
            assert all(isinstance(e, imports.CellError) and e.message for e in row.errors)
            assert row.ok or row.errors


def _file_error_or_none(call) -> str | None:
    """None when the file was read, the Russian message of an ImportFileError; anything else propagates."""
    try:
        call()
    except ImportFileError as error:
        return error.message
    return None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["x.xlsx", "x.csv", "x"]))
def test_random_bytes_never_raise_anything_but_import_file_error(data, name):
    assert _file_error_or_none(lambda: parse_all(data, name)) != ""


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(min_size=1, max_size=400), st.integers(min_value=0, max_value=4000))
def test_damaged_xlsx_never_raises_anything_but_import_file_error(junk, position):
    data = bytearray(xlsx_bytes([["ФИО", "Класс"], ["Иванова Мария Петровна", "7Б"]]))
    position = min(position, len(data) - 1)
    data[position : position + len(junk)] = junk
    assert _file_error_or_none(lambda: parse_all(bytes(data), "x.xlsx")) != ""


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400), st.sampled_from([";", ",", "\t"]))
def test_random_text_csv_never_raises_anything_but_import_file_error(text, delimiter):
    data = ("ФИО" + delimiter + "Пол\r\n" + text).encode("utf-8")
    assert _file_error_or_none(lambda: parse_all(data, "x.csv")) != ""
