"""XLSX export of the pools (openpyxl): a bold frozen header with an autofilter and readable widths."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from nastavnik.core.text import date_ru

HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")
MAX_WIDTH = 60


def _workbook(title: str, subtitle: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    widths = [len(h) for h in headers]
    count = 0
    for row in rows:
        values = ["" if v is None else v for v in row]
        sheet.append(values)
        count += 1
        for index, value in enumerate(values):
            longest = max((len(line) for line in str(value).splitlines()), default=0)
            widths[index] = max(widths[index], longest)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), MAX_WIDTH)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    sheet.oddFooter.center.text = subtitle
    book.properties.title = f"{title}. {subtitle}"
    book.properties.creator = "Наставник"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MENTEE_HEADERS = (
    "№", "ФИО", "Класс (группа)", "Категория", "Форма наставничества", "Статус", "Запросы",
    "Запрос своими словами", "Формат", "Источник", "Согласие на обработку ПДн", "Сведения третьих лиц",
    "Статус изменён", "Основание",
)  # fmt: skip

MENTOR_HEADERS = (
    "№", "ФИО", "Категория", "Должность / место работы", "Форма наставничества", "Статус", "Компетенции",
    "Темы", "Наставляемых (сколько может взять)", "Когда свободен", "Формат", "Источник",
    "Средний балл (0–3)", "Оценочных листов", "Дата решения", "Обучение пройдено", "Согласие на обработку ПДн",
)  # fmt: skip


def _consent(entry) -> str:
    return "есть" if entry.has_consent else "нет"


def _changed(entry) -> str:
    return entry.status_changed_at.strftime("%d.%m.%Y") if entry.status_changed_at else ""


def mentee_pool_xlsx(entries, *, subtitle: str) -> bytes:
    rows = (
        (
            number,
            e.person.full_name,
            e.person.class_name,
            e.person.get_category_display(),
            e.form.name,
            e.get_status_display(),
            "; ".join(c.name for c in e.categories.all()),
            e.request_text,
            e.get_preferred_format_display(),
            " — ".join(p for p in (e.get_source_display(), e.source_note) if p),
            _consent(e),
            e.note_count,
            _changed(e),
            e.status_reason,
        )
        for number, e in enumerate(entries, start=1)
    )
    return _workbook("База наставляемых", subtitle, MENTEE_HEADERS, rows)


def mentor_pool_xlsx(entries, *, subtitle: str) -> bytes:
    rows = (
        (
            number,
            e.person.full_name,
            e.person.get_category_display(),
            ", ".join(p for p in (e.person.position, e.person.subject) if p),
            e.form.name,
            e.get_status_display(),
            e.competencies,
            "; ".join(e.topics),
            e.capacity,
            e.availability,
            e.get_preferred_format_display(),
            " — ".join(p for p in (e.get_source_display(), e.source_note) if p),
            round(float(e.score_avg), 2) if e.score_avg is not None else "",
            e.scorer_count,
            date_ru(e.decision_date),
            date_ru(e.trained_at),
            _consent(e),
        )
        for number, e in enumerate(entries, start=1)
    )
    return _workbook("База наставников", subtitle, MENTOR_HEADERS, rows)
