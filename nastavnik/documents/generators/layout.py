"""The page of an organisational and administrative document after ГОСТ Р 7.0.97-2016, built with
python-docx: A4, margins 20 (left) / 10 (right) / 20 (top) / 20 (bottom) mm, the organisation's font
(Times New Roman 14 by default), the organisation's name at the top, the kind of document, the date
and number on one line, the place, the title to the text, the text, the signature block (position on
the left, «А. С. Петрова» on the right) and «С приказом ознакомлены:» where it applies.

Every document of the package is drawn through `Sheet`, so the layout is the same everywhere."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

A4_WIDTH, A4_HEIGHT = Mm(210), Mm(297)
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = Mm(20), Mm(10), Mm(20), Mm(20)
TEXT_WIDTH = A4_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 180 mm
FIRST_LINE_INDENT = Mm(12.5)


@lru_cache(maxsize=1)
def _slim_template() -> bytes:
    """python-docx's default template without what official documents never use: its styles.xml and
    stylesWithEffects.xml (440 KB each, hundreds of Word styles), the thumbnail and customXml. Opening
    and saving every document gets ten times faster (≈5 ms instead of ≈45 ms each), which is what
    makes 500 certificates fit in the batch target; the styles kept are the ones Sheet uses."""
    doc = Document()
    styles = doc.styles.element
    keep = {"Normal", "Table Grid", "Normal Table", "Default Paragraph Font", "No List"}
    for style in list(styles.findall(qn("w:style"))):
        name = style.find(qn("w:name"))
        if name is None or name.get(qn("w:val")) not in keep:
            styles.remove(style)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    for rel in list(doc.part.rels.values()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            doc.part.drop_rel(rel.rId)
    package_rels = doc.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[rel_id]
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _set_run_fonts(element, font_name: str) -> None:
    """Cyrillic text is drawn with the hAnsi/cs fonts: set all four, and the language to Russian."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font_name)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "ru-RU")
    lang.set(qn("w:eastAsia"), "ru-RU")


class Sheet:
    """A document being drawn. Methods add blocks top to bottom; `to_bytes()` gives the .docx."""

    def __init__(
        self, *, font_name: str = "Times New Roman", font_size: int = 14, title: str = "", landscape: bool = False
    ):
        self.font_name = font_name
        self.font_size = font_size
        self.doc = Document(io.BytesIO(_slim_template()))
        section = self.doc.sections[0]
        if landscape:
            section.page_width, section.page_height = A4_HEIGHT, A4_WIDTH
            section.orientation = WD_ORIENT.LANDSCAPE
            self.text_width = A4_HEIGHT - MARGIN_LEFT - MARGIN_RIGHT
        else:
            section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
            section.orientation = WD_ORIENT.PORTRAIT
            self.text_width = TEXT_WIDTH
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        normal = self.doc.styles["Normal"]
        normal.font.name = font_name
        normal.font.size = Pt(font_size)
        _set_run_fonts(normal.element, font_name)
        fmt = normal.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing = 1.0
        props = self.doc.core_properties
        props.title = title
        props.author = "Наставник"
        props.language = "ru-RU"
        # python-docx's default template carries an empty first paragraph: start from a clean body.
        body = self.doc.element.body
        for paragraph in list(body.iterchildren(qn("w:p"))):
            body.remove(paragraph)

    # --- primitives ----------------------------------------------------------------------
    def paragraph(
        self,
        text: str = "",
        *,
        align: str = "justify",
        bold: bool = False,
        italic: bool = False,
        indent: bool = True,
        size: int | None = None,
        space_before: int = 0,
        space_after: int = 0,
        left_indent_mm: float = 0,
        keep_with_next: bool = False,
        caps: bool = False,
    ):
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        if indent and align == "justify":
            fmt.first_line_indent = FIRST_LINE_INDENT
        if left_indent_mm:
            fmt.left_indent = Mm(left_indent_mm)
        fmt.space_before = Pt(space_before)
        fmt.space_after = Pt(space_after)
        fmt.keep_with_next = keep_with_next
        if text:
            self._runs(p, text, bold=bold, italic=italic, size=size, caps=caps)
        return p

    def _runs(self, p, text: str, *, bold=False, italic=False, size=None, caps=False):
        for index, line in enumerate(text.split("\n")):
            if index:
                p.add_run().add_break(WD_BREAK.LINE)
            run = p.add_run(line)
            # Only what differs from the style: setting False would still write <w:b w:val="0"/> on every run.
            if bold:
                run.bold = True
            if italic:
                run.italic = True
            if caps:
                run.font.all_caps = True
            if size:
                run.font.size = Pt(size)
        return p

    def blank(self, lines: int = 1) -> None:
        for _ in range(lines):
            self.doc.add_paragraph()

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # --- the blocks of ГОСТ Р 7.0.97-2016 -----------------------------------------------------
    def organization(self, name: str, *, address: str = "") -> None:
        """Наименование организации — по центру, полужирным, над видом документа."""
        self.paragraph(name, align="center", bold=True, indent=False)
        if address:
            self.paragraph(address, align="center", indent=False, size=max(self.font_size - 4, 9))
        self.paragraph(space_after=6, indent=False)

    def kind(self, text: str) -> None:
        """Вид документа: «ПРИКАЗ», «ПРОТОКОЛ», «ПОЛОЖЕНИЕ»."""
        p = self.paragraph(text, align="center", bold=True, indent=False, space_after=12)
        for run in p.runs:
            run.font.size = Pt(self.font_size + 2)

    def date_number(self, date: str, number: str) -> None:
        """«1 сентября 2026 г.» у левого поля, «№ 15-н» у правого."""
        p = self.paragraph(align="left", indent=False)
        p.paragraph_format.tab_stops.add_tab_stop(self.text_width, WD_TAB_ALIGNMENT.RIGHT)
        p.add_run(f"{date}\t№ {number}")

    def place(self, text: str) -> None:
        if text:
            self.paragraph(text, align="center", indent=False, space_before=6)

    def title(self, text: str) -> None:
        """Заголовок к тексту: полужирный, от левого поля, не шире половины строки для коротких."""
        self.paragraph(text, align="left", bold=True, indent=False, space_before=12, space_after=12)

    def heading(self, text: str, *, space_before: int = 12) -> None:
        self.paragraph(
            text, align="center", bold=True, indent=False, space_before=space_before, space_after=6, keep_with_next=True
        )

    def text(self, text: str) -> None:
        """Paragraphs of running text, split on blank lines or line breaks."""
        for chunk in [c.strip() for c in text.replace("\r", "").split("\n") if c.strip()]:
            self.paragraph(chunk)

    def numbered(self, items: Sequence[str], *, start: int = 1, prefix: str = "") -> None:
        for number, item in enumerate(items, start=start):
            self.paragraph(f"{prefix}{number}. {item}")

    def approval(self, lines: Sequence[str]) -> None:
        """«УТВЕРЖДЕНО приказом …» or «УТВЕРЖДАЮ» in the right part of the page."""
        left = (self.text_width - Mm(80)) / Mm(1)
        for index, line in enumerate(lines):
            self.paragraph(line, align="left", indent=False, left_indent_mm=left, bold=index == 0)
        self.paragraph(space_after=12, indent=False)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths_mm: Sequence[float] | None = None,
        size: int | None = None,
        bold_rows: Sequence[int] = (),
    ):
        """A grid table; its text is one size smaller through the «Текст таблицы» paragraph style (one
        style reference per cell instead of a font size on every run: a 50-row roadmap draws 3× faster)."""
        style = self._table_style(size or max(self.font_size - 2, 10))
        table = self.doc.add_table(rows=len(rows) + 1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        bold = set(bold_rows)
        style_id = style.style_id  # set by id: the name lookup walks every style for every cell
        trs = table._tbl.tr_lst
        for index, (tr, values) in enumerate(zip(trs, [headers, *rows], strict=True)):
            for tc, value in zip(tr.tc_lst, values, strict=True):
                p = _Cell(tc, table).paragraphs[0]
                p._p.get_or_add_pPr().style = style_id
                if index == 0:
                    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
                self._runs(p, str(value), bold=index == 0 or index - 1 in bold)
        _repeat_header(table.rows[0])
        if widths_mm:
            _widths(table, widths_mm)
        self.paragraph(space_after=6, indent=False)
        return table

    def _table_style(self, size: int):
        name = f"Текст таблицы {size}"
        try:
            return self.doc.styles[name]
        except KeyError:
            style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = self.doc.styles["Normal"]
            style.font.size = Pt(size)
            return style

    def _cell_text(self, cell, text: str, *, bold=False, size=None, align="left"):
        p = cell.paragraphs[0]
        p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else WD_ALIGN_PARAGRAPH.LEFT
        self._runs(p, text, bold=bold, size=size)

    def signature(self, position: str, name: str, *, space_before: int = 24) -> None:
        """Подпись: должность слева (может быть в несколько строк), «А. С. Петрова» справа."""
        table = self.doc.add_table(rows=1, cols=2)
        left, right = table.rows[0].cells
        _widths(table, (120, 60))
        self._cell_text(left, position)
        left.paragraphs[0].paragraph_format.space_before = Pt(space_before)
        p = right.paragraphs[0]
        p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.space_before = Pt(space_before)
        self._runs(p, name)
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

        right.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM

    def acquaintance(self, heading: str, names: Sequence[str]) -> None:
        """«С приказом ознакомлены:» — ФИО, подпись, дата — for each person named in the order."""
        if not names:
            return
        self.paragraph(heading, align="left", indent=False, space_before=18, space_after=6, keep_with_next=True)
        table = self.doc.add_table(rows=0, cols=3)
        for name in names:
            cells = table.add_row().cells
            self._cell_text(cells[0], name)
            self._cell_text(cells[1], "________________")
            self._cell_text(cells[2], "«___» ____________ 20___ г.")
            for cell in cells:
                cell.paragraphs[0].paragraph_format.space_before = Pt(6)
        _widths(table, (70, 45, 65))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def _widths(table, widths_mm) -> None:
    """Column widths that Word and LibreOffice both keep: the grid and every cell, autofit off."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths_mm, strict=True):
            tc.width = Mm(width)


def _repeat_header(row) -> None:
    """The header row of a table repeats on every page."""
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)
