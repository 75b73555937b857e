"""XLSX lists with openpyxl in write-only mode (rows streamed, pretix's ListExporter shape): a title
row, a bold header row that is frozen, repeated on printed pages and carries the autofilter, widths
from the content, real dates as dates, A4 landscape fitted to the page width.

`list_xlsx(title=, subtitle=, headers=, rows=)` is what pools/export.py could call instead of its own
`_workbook` (same arguments plus typed cells)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")
THIN = Side(style="thin", color="A0A0A0")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MIN_WIDTH, MAX_WIDTH = 6, 60
SAMPLE = 500  # widths are measured on the first rows: a write-only sheet sets them before the rows


def _width(value) -> int:
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def list_xlsx(*, title: str, subtitle: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    rows = iter(rows)
    head = []
    for row in rows:
        head.append(["" if v is None else v for v in row])
        if len(head) >= SAMPLE:
            break
    widths = [len(h) for h in headers]
    for row in head:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], _width(value))

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.oddFooter.center.text = f"{subtitle} — стр. &P из &N"

    caption = WriteOnlyCell(sheet, value=f"{title}. {subtitle}")
    caption.font = Font(bold=True, size=12)
    sheet.append([caption])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(vertical="center", horizontal="center", wrap_text=True)
        header_cells.append(cell)
    sheet.append(header_cells)

    count = 0
    wrap = Alignment(vertical="top", wrap_text=True)

    def emit(values):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value="" if value is None else value)
            cell.alignment = wrap
            cell.border = BORDER
            if isinstance(value, dt.date):
                cell.number_format = "DD.MM.YYYY"
            cells.append(cell)
        sheet.append(cells)

    for row in head:
        emit(row)
        count += 1
    for row in rows:
        emit(row)
        count += 1
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{count + 2}"
    book.properties.title = f"{title}. {subtitle}"
    book.properties.creator = "Наставник"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
