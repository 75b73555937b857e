"""XLSX of a campaign: «Ответы» (one row per response, one column per question) and «Сводка» (the
per-question summary). openpyxl in write-only mode, so thousands of rows stay cheap; the header is
bold, frozen and filtered. Whatever a respondent typed is written as text (never as a formula) with
the characters XLSX cannot hold removed."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import answers as answer_rules
from . import selectors
from .models import Campaign, QuestionType

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
FIXED_COLUMNS = (("№", 6), ("Кто ответил", 32), ("О ком (ребёнок)", 32), ("Класс / группа", 12), ("Дата ответа", 18))
MAX_WIDTH = 60


def _clean(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", answer_rules.sanitize(value))
    return value


def _cell(sheet, value, *, bold=False, wrap=False):
    cell = WriteOnlyCell(sheet, value=_clean(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # a text starting with «=» stays text
    if bold:
        cell.font = BOLD
    if wrap:
        cell.alignment = WRAP
    return cell


def _header(sheet, titles: list[str], widths: list[int], rows: int) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{max(rows, 1) + 1}"
    sheet.append([_cell(sheet, title, bold=True, wrap=True) for title in titles])


def campaign_workbook(campaign: Campaign) -> bytes:
    from .services import questions_of

    questions = questions_of(campaign.questionnaire)
    responses = list(selectors.responses_for(campaign))
    people_ids = {
        v
        for r in responses
        for q in questions
        if q.qtype == QuestionType.PEOPLE
        for v in ((r.answers or {}).get(str(q.pk)) or [])
        if isinstance(v, int)
    }
    names = selectors.people_names(people_ids) if people_ids else {}

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Ответы")
    titles = [title for title, _width in FIXED_COLUMNS] + [q.text for q in questions]
    widths = [width for _title, width in FIXED_COLUMNS] + [min(MAX_WIDTH, max(14, len(q.text) // 2)) for q in questions]
    _header(sheet, titles, widths, len(responses))
    for number, response in enumerate(responses, start=1):
        respondent, subject, class_name = selectors.respondent_label(response.invitation)
        submitted = timezone.localtime(response.submitted_at).replace(tzinfo=None)
        row = [number, respondent, subject, class_name, submitted]
        answers = response.answers or {}
        for question in questions:
            value = answers.get(str(question.pk))
            if question.qtype in (QuestionType.SCALE, QuestionType.NUMBER) and isinstance(value, int | float):
                row.append(value)
            else:
                row.append(answer_rules.answer_text(question, value, names))
        cells = [_cell(sheet, value) for value in row]
        cells[4].number_format = "DD.MM.YYYY HH:MM"
        sheet.append(cells)

    _total, results = selectors.campaign_results(campaign)
    summary = book.create_sheet("Сводка")
    summary_rows = sum(max(1, len(r.options)) for r in results)
    _header(
        summary,
        ["Вопрос", "Ответили", "Вариант", "Количество", "Доля, %", "Среднее"],
        [60, 11, 50, 12, 10, 10],
        summary_rows,
    )
    for result in results:
        average = result.average if result.average is not None else ""
        if result.options:
            for option in result.options:
                summary.append(
                    [
                        _cell(summary, result.question.text, wrap=True),
                        _cell(summary, result.answered),
                        _cell(summary, option.label),
                        _cell(summary, option.count),
                        _cell(summary, option.percent),
                        _cell(summary, average),
                    ]
                )
        else:
            extra = ""
            if result.minimum is not None:
                extra = f"от {result.minimum} до {result.maximum}"
            summary.append(
                [
                    _cell(summary, result.question.text, wrap=True),
                    _cell(summary, result.answered),
                    _cell(summary, extra),
                    _cell(summary, ""),
                    _cell(summary, ""),
                    _cell(summary, average),
                ]
            )
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def export_filename(campaign: Campaign) -> str:
    day = timezone.localdate()
    return f"answers-{campaign.pk}-{day:%Y%m%d}.xlsx"
