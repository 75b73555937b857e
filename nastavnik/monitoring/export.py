"""The personified registry as XLSX, written row by row (openpyxl write_only) into a temporary file
that the view streams: the rows come from `.iterator(chunk_size=2000)` over a values query, so memory
stays flat whatever the number of participants."""

from __future__ import annotations

import tempfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from nastavnik.mentorships.models import MentorshipStatus
from nastavnik.people.models import Category

HEADERS = (
    ("№", 7), ("Организация", 30), ("Муниципалитет", 24), ("Фамилия", 18), ("Имя", 14), ("Отчество", 18),
    ("Роль", 14), ("Категория", 24), ("Класс (группа)", 12), ("Форма наставничества", 26), ("Наставник", 32),
    ("Пара (группа), №", 12), ("Дата начала", 12), ("Дата окончания", 14), ("Статус", 22),
)  # fmt: skip
ROLE_LABELS = {"mentor": "Наставник", "mentee": "Наставляемый"}
STATUS_LABELS = dict(MentorshipStatus.choices)
CATEGORY_LABELS = dict(Category.choices)
HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")


def status_label(role: str, status: str, left) -> str:
    if role == "mentee" and left is not None and status not in ("completed", "ended_early"):
        return "Вышел из пары"
    return STATUS_LABELS.get(status, status)


def row_values(number: int, row: tuple) -> list:
    (org, municipality, mentorship, role, last, first, patronymic, category, class_name, form, mentor, start, end,
     status, left, _org_id, _person) = row  # fmt: skip
    finished = left if role == "mentee" and left else end
    return [
        number, org, municipality or "", last, first, patronymic, ROLE_LABELS.get(role, role),
        CATEGORY_LABELS.get(category, category), class_name, form, mentor.strip(), mentorship,
        start, finished, status_label(role, status, left),
    ]  # fmt: skip


def write_registry(rows, *, title: str, subtitle: str) -> tuple[tempfile._TemporaryFileWrapper, int]:
    """Write the rows into a temporary .xlsx; returns (the open file at position 0, number of rows)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Реестр")
    for index, (_name, width) in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for name, _width in HEADERS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    date_format = "DD.MM.YYYY"
    for count, row in enumerate(rows, start=1):
        values = row_values(count, row)
        cells = []
        for index, value in enumerate(values):
            if index in (12, 13) and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = date_format
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{count + 1}"
    book.properties.title = f"{title}. {subtitle}"
    book.properties.creator = "Наставник"
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - streamed and closed by the response
    book.save(handle)
    handle.flush()
    handle.seek(0)
    return handle, count
