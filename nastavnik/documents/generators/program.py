"""The program of mentoring from the approved version of the constructor (seed 004: every step) and the
roadmap of the year as a table (seed 000 «№ п/п, Мероприятие, Сроки, Ответственные» with the result;
seed 002 «Содержание, Сроки, Ожидаемый результат (вид документа), Показатели эффективности,
Ответственный»)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from nastavnik.core.text import date_ru

from .. import selectors
from ..text import surname_initials
from .base import DocumentGenerator, common_context, resolve, sample_common
from .layout import Sheet

RESOURCE_ORDER = ("human", "material", "financial", "informational")
ACT_ORDER = ("federal", "regional", "municipal", "local")


def _number(value) -> str:
    if value is None:
        return ""
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value}"
    return text.replace(".", ",")


class ProgramDocument(DocumentGenerator):
    identifier = "program"
    title_ru = "Программа наставничества"
    kind_ru = "ПРОГРАММА НАСТАВНИЧЕСТВА"
    source = "program"
    description = "Утверждённая версия программы из конструктора: все шаги (документ 004)."

    def build_context(self, *, actor, options: dict) -> dict:
        organization, academic_year = resolve(actor, options)
        program = selectors.program_in_force(organization=organization, academic_year=academic_year)
        if program is None or program.status != "approved":
            raise ValidationError(
                f"Программа наставничества на {academic_year} ещё не утверждена руководителем: документ "
                "формируется из утверждённой версии конструктора."
            )
        program = selectors.program_full(program)
        context = common_context(
            organization=organization,
            academic_year=academic_year,
            options=options,
            kind=self.kind_ru,
            title=program.title,
        )
        results = list(program.results.all())
        resources = sorted(program.resources.all(), key=lambda r: RESOURCE_ORDER.index(r.kind))
        acts = sorted(program.acts.all(), key=lambda a: ACT_ORDER.index(a.level))
        forms = [f"«{f.name}»" for f in program.forms.all()]
        period = ""
        if program.start_date and program.end_date:
            period = f"с {date_ru(program.start_date)} по {date_ru(program.end_date)}"
        context.update(
            {
                "program": {
                    "title": program.title,
                    "version": program.version,
                    "problem": program.problem,
                    "goal": program.goal,
                    "target_audience": program.target_audience,
                    "implementers": program.implementers,
                    "period": period,
                    "forms": forms,
                    "approved_at": date_ru(program.approved_at.date()) if program.approved_at else "",
                    "quantitative": [
                        {"text": r.text, "target": _number(r.target_value), "unit": r.unit}
                        for r in results
                        if r.kind == "quantitative"
                    ],
                    "qualitative": [r.text for r in results if r.kind == "qualitative"],
                    "resources": [{"kind": r.get_kind_display(), "text": r.description} for r in resources],
                    "acts": [{"level": a.get_level_display(), "text": a.title} for a in acts],
                },
                "subject": f"версия {program.version}",
            }
        )
        return context

    def sample_context(self) -> dict:
        context = sample_common(kind=self.kind_ru, title="Программа наставничества «Вместе — к успеху»", number="1")
        context.update(
            {
                "program": {
                    "title": "Программа наставничества «Вместе — к успеху»",
                    "version": 1,
                    "problem": "Низкая учебная мотивация части обучающихся 5–8 классов.",
                    "goal": "Охватить наставничеством не менее 10 % обучающихся к 31 мая.",
                    "target_audience": "Обучающиеся 5–8 классов; молодые педагоги.",
                    "implementers": "Куратор, рабочая группа, педагоги-наставники.",
                    "period": "с 1 сентября 2026 г. по 30 июня 2027 г.",
                    "forms": ["«Ученик – ученик»"],
                    "approved_at": "1 сентября 2026 г.",
                    "quantitative": [{"text": "Выполнение индивидуальных планов", "target": "90", "unit": "%"}],
                    "qualitative": ["Положительная динамика учебной мотивации"],
                    "resources": [{"kind": "Кадровые", "text": "Куратор, 3 члена рабочей группы"}],
                    "acts": [
                        {"level": "Федеральный", "text": "Распоряжение Минпросвещения России от 25.12.2019 № Р-145"}
                    ],
                },
                "subject": "версия 1",
            }
        )
        return context

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        sheet = Sheet(font_name=font_name, font_size=font_size, title=context["document"]["title"])
        program = context["program"]
        sheet.organization(context["organization"]["name"])
        sheet.approval(
            [
                "УТВЕРЖДАЮ",
                context["signatory"]["position"],
                f"____________ {context['signatory']['name']}",
                program["approved_at"] or "«___» __________ 20___ г.",
            ]
        )
        sheet.blank(4)
        sheet.kind(context["document"]["kind"])
        sheet.paragraph(program["title"], align="center", bold=True, indent=False, space_after=6)
        if context["document"]["academic_year_short"] not in program["title"]:
            sheet.paragraph(f"на {context['document']['academic_year']}", align="center", indent=False)
        sheet.blank(12)
        sheet.paragraph(
            f"{context['organization']['place']}, {context['document']['academic_year_short'][:4]}".strip(", "),
            align="center",
            indent=False,
        )
        sheet.page_break()
        sheet.heading("1. Паспорт программы", space_before=0)
        sheet.table(
            ("Раздел", "Содержание"),
            [
                ("Наименование программы", program["title"]),
                ("Проблема", program["problem"]),
                ("Цель", program["goal"]),
                ("Целевая аудитория", program["target_audience"]),
                ("Формы наставничества", ", ".join(program["forms"])),
                ("Реализаторы программы", program["implementers"]),
                ("Сроки реализации", program["period"]),
            ],
            widths_mm=(55, 125),
        )
        steps = (
            ("2. Проблема", program["problem"]),
            ("3. Цель программы", program["goal"]),
            ("4. Целевая аудитория", program["target_audience"]),
        )
        for title, text in steps:
            sheet.heading(title)
            sheet.text(text or "—")
        sheet.heading("5. Ожидаемые результаты")
        if program["quantitative"]:
            sheet.paragraph("Количественные результаты:", indent=False, align="left", bold=True)
            sheet.table(
                ("№", "Показатель", "Целевое значение"),
                [
                    (str(i), r["text"], f"{r['target']} {r['unit']}".strip())
                    for i, r in enumerate(program["quantitative"], start=1)
                ],
                widths_mm=(12, 123, 45),
            )
        if program["qualitative"]:
            sheet.paragraph("Качественные результаты:", indent=False, align="left", bold=True)
            for line in program["qualitative"]:
                sheet.paragraph(f"– {line}.".replace("..", "."), indent=False, align="left", left_indent_mm=12.5)
        sheet.heading("6. Реализаторы программы")
        sheet.text(program["implementers"] or "—")
        sheet.heading("7. Ресурсы")
        if program["resources"]:
            rows = [(r["kind"], r["text"]) for r in program["resources"]]
            sheet.table(("Вид ресурсов", "Имеющиеся и необходимые"), rows, widths_mm=(55, 125))
        sheet.heading("8. Нормативная база")
        for i, act in enumerate(program["acts"], start=1):
            sheet.paragraph(f"{i}. {act['text']} ({act['level'].lower()} уровень).")
        sheet.heading("9. Формы наставничества и сроки реализации")
        sheet.paragraph(f"Формы наставничества: {', '.join(program['forms']) or '—'}.")
        if program["period"]:
            sheet.paragraph(f"Сроки реализации программы: {program['period']}.")
        sheet.signature(context["signatory"]["position"], context["signatory"]["name"])
        return sheet.to_bytes()


SEED000_HEADERS = ("№ п/п", "Мероприятие", "Сроки", "Ответственные", "Результат")
SEED002_HEADERS = (
    "Содержание",
    "Сроки",
    "Ожидаемый результат (вид документа)",
    "Показатели эффективности",
    "Ответственный",
)
ROLE_LABELS = {"curator": "куратор", "director": "руководитель ОО", "working_group": "рабочая группа"}


class RoadmapDocument(DocumentGenerator):
    identifier = "roadmap"
    title_ru = "Дорожная карта"
    kind_ru = "ДОРОЖНАЯ КАРТА"
    source = "roadmap"
    description = "Таблица пунктов года: как в документе 000 (№, мероприятие, сроки, ответственные, результат) "
    description += "или в образце 002 (содержание, сроки, результат, показатели, ответственный)."

    def build_context(self, *, actor, options: dict) -> dict:
        organization, academic_year = resolve(actor, options)
        roadmap = selectors.roadmap_for(organization=organization, academic_year=academic_year)
        if roadmap is None or not roadmap.items.all():
            raise ValidationError(
                f"Дорожная карта на {academic_year} ещё не составлена: загрузите шаблон на странице «Дорожная карта»."
            )
        context = common_context(
            organization=organization,
            academic_year=academic_year,
            options=options,
            kind=self.kind_ru,
            title=roadmap.title,
        )
        style = "seed002" if roadmap.template_code == "seed002" else "seed000"
        sections, current = [], None
        for item in roadmap.items.all():
            if current is None or current["title"] != item.section:
                current = {"code": item.code.split(".")[0], "title": item.section, "items": []}
                sections.append(current)
            responsible = surname_initials(item.responsible) if item.responsible else ""
            role = ROLE_LABELS.get(item.responsible_role, item.responsible_role)
            current["items"].append(
                {
                    "code": item.code,
                    "content": item.content,
                    "deadline": item.deadline_text or f"до {item.due_date:%d.%m.%Y}",
                    "responsible": ", ".join(p for p in (responsible, role) if p),
                    "result": item.expected_result,
                    "indicators": item.indicators,
                    "status": item.get_status_display(),
                }
            )
        headers = SEED002_HEADERS if style == "seed002" else SEED000_HEADERS
        context.update({"style_code": style, "headers": list(headers), "sections": sections, "subject": ""})
        return context

    def sample_context(self) -> dict:
        context = sample_common(kind=self.kind_ru, title="Дорожная карта на 2026/2027 учебный год", number="1")
        context.update(
            {
                "style_code": "seed000",
                "headers": list(SEED000_HEADERS),
                "sections": [
                    {
                        "code": "1",
                        "title": "Подготовка условий для запуска программы наставничества",
                        "items": [
                            {
                                "code": "1.1",
                                "content": "Информирование педагогического сообщества",
                                "deadline": "до 30.09.2026",
                                "responsible": "Петрова А. С., куратор",
                                "result": "Определены необходимые ресурсы",
                                "indicators": "",
                                "status": "Выполнено",
                            }
                        ],
                    }
                ],
                "subject": "",
            }
        )
        return context

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        sheet = Sheet(font_name=font_name, font_size=font_size, title=context["document"]["title"], landscape=True)
        sheet.organization(context["organization"]["name"])
        sheet.approval(["УТВЕРЖДАЮ", context["signatory"]["position"], f"____________ {context['signatory']['name']}",
                        context["document"]["date"]])  # fmt: skip
        sheet.paragraph(context["document"]["title"], align="center", bold=True, indent=False, space_after=12)
        rows, bold = [], []
        seed002 = context["style_code"] == "seed002"
        for section in context["sections"]:
            bold.append(len(rows))
            if seed002:
                rows.append((section["title"], "", "", "", ""))
            else:
                rows.append((section["code"], section["title"], "", "", ""))
            for item in section["items"]:
                if seed002:
                    rows.append(
                        (item["content"], item["deadline"], item["result"], item["indicators"], item["responsible"])
                    )
                else:
                    rows.append((item["code"], item["content"], item["deadline"], item["responsible"], item["result"]))
        widths = (80, 35, 55, 62, 35) if seed002 else (16, 110, 40, 50, 51)
        table = sheet.table(context["headers"], rows, widths_mm=widths, bold_rows=[b + 0 for b in bold])
        for index in bold:
            row = table.rows[index + 1]
            start = 0 if seed002 else 1
            merged = row.cells[start].merge(row.cells[-1])
            text = merged.text.strip()
            for paragraph in merged.paragraphs[1:]:
                paragraph._p.getparent().remove(paragraph._p)
            merged.paragraphs[0].runs[0].text = text
            for run in merged.paragraphs[0].runs[1:]:
                run.text = ""
        return sheet.to_bytes()
