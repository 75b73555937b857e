"""The year's results of an organisation (issue 9, with the monitoring of issue 8): the report on the
implementation of the program of mentoring and the digest for the regional mentoring centre (seed 002:
«итоговый дайджест в РНЦ»).

Figures come from nastavnik.monitoring (the indicators, mentorships by form, meetings by month and the
dashboard's problem lists) for the organisation scope; awards, cases and events from nastavnik.events.
Names appear only for adults: a minor is never named in a report that leaves the organisation — a pair
without meetings is then shown by its form and a count only."""

from __future__ import annotations

import datetime as dt
import io

from django.db.models import Q
from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from nastavnik.core.text import date_ru

from .. import selectors
from ..text import capitalize_first, surname_initials
from .base import DocumentGenerator, common_context, document_date, resolve, sample_common
from .layout import Sheet

NAMED_PROBLEMS = 5
NEXT_YEAR_ITEMS = 8
FIXED_PLANS = (
    "В следующем учебном году планируется продолжить реализацию целевой модели наставничества: обновить базы "
    "наставников и наставляемых, сформировать новые наставнические пары и группы, провести обучение "
    "наставников, обеспечить диагностику участников не реже одного раза в квартал и выполнение "
    "индивидуальных планов не менее чем на 90 %."
)
NO_DATA = "нет данных"
EMPTY_CASE = {"title": "", "form": "", "topic": "", "summary": ""}


def _adult(person) -> bool:
    """Only an adult is named: a known age of 18 or more, or staff without a birth date."""
    if person is None:
        return False
    if person.birth_date is not None:
        return not person.is_minor
    return getattr(person, "category", "") not in ("pupil", "student")


def _scope(organization, academic_year, options):
    from nastavnik.monitoring.indicators import Scope

    day = min(max(document_date(options), academic_year.start_date), academic_year.end_date)
    day = min(day, max(timezone.localdate(), academic_year.start_date))
    return Scope(level="organization", pk=organization.pk, academic_year=academic_year, today=day)


def _indicators(scope) -> list[dict]:
    from nastavnik.monitoring.indicators import GREEN, NEUTRAL, compute

    rows = []
    for value in compute(scope):
        indicator = value.indicator
        if value.value is None:
            reached = "—"
        elif value.light == NEUTRAL:
            reached = "ориентир не установлен"
        else:
            reached = "да" if value.light == GREEN else "нет"
        rows.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "value": value.value_text,
                "detail": value.detail,
                "target": indicator.target_text,
                "reached": reached,
            }
        )
    return rows


def _forms(scope) -> list[dict]:
    from nastavnik.monitoring.selectors import mentorships_by_form

    return [
        {"name": r["form__name"], "active": r["active"], "completed": r["completed"], "total": r["total"]}
        for r in mentorships_by_form(scope)
    ]


def _participants(scope) -> int:
    from nastavnik.monitoring.indicators import involvement_ids
    from nastavnik.people.models import Person

    mentees, mentors = involvement_ids(scope)
    return Person.objects.filter(Q(pk__in=mentees) | Q(pk__in=mentors)).count()


def _problems(scope) -> dict:
    from nastavnik.monitoring.selectors import problems

    found = problems(scope)
    stale_named = sorted({f"{surname_initials(m.mentor)} — «{m.form.name}»" for m in found.stale if _adult(m.mentor)})[
        :NAMED_PROBLEMS
    ]
    overdue_named = sorted(
        {surname_initials(i.plan.mentorship.mentor) for i in found.overdue if _adult(i.plan.mentorship.mentor)}
    )[:NAMED_PROBLEMS]
    return {
        "stale_count": found.stale_count,
        "stale_mentors": stale_named,
        "overdue_count": found.overdue_count,
        "overdue_mentors": overdue_named,
        "unconfirmed_count": found.unconfirmed_count,
    }


def _achievements(organization, academic_year) -> dict:
    from nastavnik.events.models import AwardStatus, CaseStatus, PracticeCase
    from nastavnik.events.selectors import awards_of

    awards = [
        a for a in awards_of(organization=organization, academic_year=academic_year) if a.status == AwardStatus.AWARDED
    ]
    named = [
        f"{a.get_nomination_display()}"
        + (f" («{a.form.name}»)" if a.form_id else "")
        + f" — {surname_initials(a.mentor)}"
        for a in awards
        if _adult(a.mentor)
    ]
    cases = list(
        PracticeCase.objects.filter(organization=organization, academic_year=academic_year, status=CaseStatus.PUBLISHED)
        .select_related("form")
        .order_by("-published_at", "-id")
    )
    return {
        "awards_count": len(awards),
        "awards": named,
        "cases_count": len(cases),
        "cases": [
            {"title": c.title, "form": c.form.name, "topic": c.topic, "summary": _summary(c.results)} for c in cases
        ],
    }


def _summary(text: str, limit: int = 600) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—-")
    return cut + "…"


def _events(actor, organization, academic_year, scope) -> list[dict]:
    from nastavnik.events.selectors import events_of_organization

    start = timezone.make_aware(dt.datetime.combine(academic_year.start_date, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(scope.today + dt.timedelta(days=1), dt.time.min))
    events = events_of_organization(actor=actor, organization=organization).filter(
        starts_at__gte=start, starts_at__lt=end
    )
    return [
        {"date": date_ru(timezone.localtime(e.starts_at).date()), "title": e.title, "kind": _event_kind(e)}
        for e in events
    ]


def _event_kind(event) -> str:
    """The kind to name after the title: without its own explanation in brackets («Итоговое мероприятие
    (торжественное завершение)» → «Итоговое мероприятие»: no brackets inside brackets), and nothing when
    the title already says it («Информационная встреча о программе…»)."""
    kind = event.get_kind_display().split(" (")[0]
    return "" if kind.casefold() in event.title.casefold() else kind


def _next_year(organization, academic_year) -> list[str]:
    roadmap = selectors.roadmap_for(organization=organization, academic_year=academic_year)
    if roadmap is None:
        return []
    items = [i for i in roadmap.items.all() if i.status != "done"]
    return [" ".join(i.content.split()).rstrip(".;") for i in items[:NEXT_YEAR_ITEMS]]


def _curators(organization, academic_year) -> list[dict]:
    members = selectors.group_members(organization=organization, academic_year=academic_year)
    people = [m.person for m in members if m.position == "curator"]
    if not people:
        from nastavnik.events.models import PublicPage
        from nastavnik.events.selectors import public_curators

        people = public_curators(PublicPage(organization=organization, show_curator=True))
    return [
        {
            "name": " ".join(p for p in (person.last_name, person.first_name, person.patronymic) if p),
            "position": (person.position or "куратор").strip(),
            "phone": person.phone,
            "email": person.email,
        }
        for person in people
    ]


def _program(organization, academic_year) -> dict:
    program = selectors.program_in_force(organization=organization, academic_year=academic_year)
    if program is None:
        return {"title": "", "goal": "", "status": "программа наставничества на учебный год не разработана"}
    status = "утверждена" if program.status == "approved" else "не утверждена руководителем"
    return {"title": program.title, "goal": program.goal, "status": status}


def _chart(scope) -> dict:
    from nastavnik.monitoring.selectors import activity_by_month

    months, meetings, journal = activity_by_month(scope)
    return {"months": months, "meetings": meetings, "journal": journal, "meetings_total": sum(meetings)}


def _chart_png(chart: dict) -> bytes:
    from nastavnik.monitoring import charts

    return charts.activity_trend(chart["months"], chart["meetings"], chart["journal"], fmt="png")


def _mentors_word(names: list[str]) -> str:
    return "наставник" if len(names) == 1 else "наставники"


def _forms_rows(forms: list[dict]) -> list[list[str]]:
    rows = [[f["name"], str(f["active"]), str(f["completed"]), str(f["total"])] for f in forms]
    rows.append(
        [
            "Итого",
            str(sum(f["active"] for f in forms)),
            str(sum(f["completed"] for f in forms)),
            str(sum(f["total"] for f in forms)),
        ]
    )
    return rows


FORM_HEADERS = ("Форма наставничества", "Действуют", "Завершены", "Всего за год")
INDICATOR_HEADERS = ("Показатель", "Значение", "Целевое значение", "Достигнут")


class YearReport(DocumentGenerator):
    identifier = "program_report"
    title_ru = "Отчёт о реализации программы наставничества"
    kind_ru = "ОТЧЁТ"
    series = "report"
    description = (
        "Итоги учебного года: показатели мониторинга, пары по формам, встречи по месяцам, достижения, "
        "проблемы и планы (документ 000, этап 7)."
    )

    def build_context(self, *, actor, options: dict) -> dict:
        organization, academic_year = resolve(actor, options)
        scope = _scope(organization, academic_year, options)
        context = common_context(
            organization=organization,
            academic_year=academic_year,
            options=options,
            kind=self.kind_ru,
            title="о реализации программы наставничества",
            heading=f"о реализации программы наставничества в {academic_year.start_year}/"
            f"{academic_year.start_year + 1} учебном году",
        )
        context.update(
            {
                "program": _program(organization, academic_year),
                "indicators": _indicators(scope),
                "forms": _forms(scope),
                "chart": _chart(scope),
                "achievements": _achievements(organization, academic_year),
                "problems": _problems(scope),
                "next_year": _next_year(organization, academic_year),
                "subject": context["document"]["academic_year"],
            }
        )
        return context

    def sample_context(self) -> dict:
        context = sample_common(
            kind=self.kind_ru,
            title="о реализации программы наставничества",
            number="1",
            heading="о реализации программы наставничества в 2026/2027 учебном году",
        )
        context.update(
            {
                "program": {
                    "title": "Программа наставничества «Вместе — к успеху»",
                    "goal": "Охватить наставничеством не менее 10 % обучающихся к 31 мая.",
                    "status": "утверждена",
                },
                "indicators": [
                    {
                        "code": "coverage_pupils",
                        "name": "Охват обучающихся наставничеством",
                        "value": "12,5 %",
                        "detail": "25 из 200",
                        "target": "≥ 10 %",
                        "reached": "да",
                    }
                ],
                "forms": [{"name": "Учитель – ученик", "active": 3, "completed": 2, "total": 5}],
                "chart": {"months": ["2026-09"], "meetings": [4], "journal": [3], "meetings_total": 4},
                "achievements": {
                    "awards_count": 1,
                    "awards": ["Лучший наставник — Сидоров П. И."],
                    "cases_count": 1,
                    "cases": [
                        {
                            "title": "Олимпиада без страха",
                            "form": "Учитель – ученик",
                            "topic": "подготовка к олимпиаде",
                            "summary": "Трое из пяти наставляемых стали призёрами муниципального этапа.",
                        }
                    ],
                },
                "problems": {
                    "stale_count": 1,
                    "stale_mentors": ["Сидоров П. И. — «Учитель – ученик»"],
                    "overdue_count": 2,
                    "overdue_mentors": ["Сидоров П. И."],
                    "unconfirmed_count": 0,
                },
                "next_year": ["Формирование баз наставников и наставляемых"],
                "subject": "2026/2027 учебный год",
            }
        )
        return context

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        sheet = Sheet(font_name=font_name, font_size=font_size, title=self.title_ru)
        org, document = context["organization"], context["document"]
        sheet.organization(org["name"])
        sheet.kind(document["kind"])
        sheet.paragraph(document["heading"], align="center", bold=True, indent=False, space_after=6)
        sheet.paragraph(document["date"], align="left", indent=False)
        sheet.place(org["place"])

        program = context["program"]
        sheet.heading("1. Общие сведения")
        sheet.paragraph(f"Организация: {org['name']}.")
        if program["title"]:
            title = program["title"]
            if not title.lower().startswith("программа"):
                title = f"Программа наставничества «{title.strip('«»')}»"
            sheet.paragraph(f"Реализуемая программа: {title} ({program['status']}).")
            if program["goal"]:
                sheet.paragraph(f"Цель программы: {program['goal'].rstrip('.')}.")
        else:
            sheet.paragraph(capitalize_first(program["status"]) + ".")

        sheet.heading("2. Показатели эффективности")
        sheet.table(
            INDICATOR_HEADERS,
            [
                [r["name"], r["value"] + (f"\n({r['detail']})" if r["detail"] else ""), r["target"], r["reached"]]
                for r in context["indicators"]
            ],
            widths_mm=(72, 46, 36, 26),
        )

        sheet.heading("3. Наставнические пары и группы")
        forms = context["forms"]
        if forms:
            sheet.table(FORM_HEADERS, _forms_rows(forms), widths_mm=(80, 30, 30, 40), bold_rows=(len(forms),))
        else:
            sheet.paragraph("Наставнические пары и группы в учебном году не сформированы.")

        chart = context["chart"]
        sheet.heading("4. Встречи наставников и наставляемых")
        sheet.paragraph(
            f"За учебный год проведено встреч: {chart['meetings_total']}. Распределение встреч и записей "
            "журнала наставника по месяцам:"
        )
        sheet.doc.add_picture(io.BytesIO(_chart_png(chart)), width=Mm(170))
        sheet.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

        achievements = context["achievements"]
        sheet.heading("5. Достижения")
        if achievements["awards"]:
            sheet.paragraph(f"Награды по итогам года ({achievements['awards_count']}):", keep_with_next=True)
            for line in achievements["awards"]:
                sheet.paragraph(f"– {line};", indent=False, left_indent_mm=12.5, align="left")
        else:
            sheet.paragraph(f"Награды по итогам года: {achievements['awards_count']}.")
        if achievements["cases"]:
            sheet.paragraph(f"Опубликованные кейсы наставнической практики ({achievements['cases_count']}):")
            for case in achievements["cases"]:
                sheet.paragraph(
                    f"– «{case['title']}» (форма «{case['form']}»);", indent=False, left_indent_mm=12.5, align="left"
                )
        else:
            sheet.paragraph("Опубликованных кейсов наставнической практики нет.")

        problems = context["problems"]
        sheet.heading("6. Проблемы")
        stale = f"Действующих пар без встреч и записей журнала более 30 дней: {problems['stale_count']}"
        if problems["stale_mentors"]:
            stale += f" ({_mentors_word(problems['stale_mentors'])}: {', '.join(problems['stale_mentors'])})"
        sheet.paragraph(stale + ".")
        overdue = f"Просроченных пунктов индивидуальных планов: {problems['overdue_count']}"
        if problems["overdue_mentors"]:
            overdue += f" ({_mentors_word(problems['overdue_mentors'])}: {', '.join(problems['overdue_mentors'])})"
        sheet.paragraph(overdue + ".")
        sheet.paragraph(f"Встреч последних 30 дней, не подтверждённых наставляемыми: {problems['unconfirmed_count']}.")

        sheet.heading("7. Планы на следующий учебный год")
        if context["next_year"]:
            sheet.paragraph("Продолжить работу по невыполненным пунктам дорожной карты:", keep_with_next=True)
            items = context["next_year"]
            for index, item in enumerate(items):
                end = ";" if index < len(items) - 1 else "."
                sheet.paragraph(
                    f"– {item[:1].lower() + item[1:]}{end}", indent=False, left_indent_mm=12.5, align="left"
                )
        else:
            sheet.paragraph(FIXED_PLANS)

        sheet.signature(context["signatory"]["position"], context["signatory"]["name"])
        return sheet.to_bytes()


class RegionalDigest(DocumentGenerator):
    identifier = "regional_digest"
    title_ru = "Дайджест для регионального наставнического центра"
    kind_ru = "ДАЙДЖЕСТ"
    series = "report"
    description = (
        "Итоговый дайджест в РНЦ: ключевые цифры года, лучшая практика, мероприятия, контакты куратора (документ 002)."
    )

    def build_context(self, *, actor, options: dict) -> dict:
        organization, academic_year = resolve(actor, options)
        scope = _scope(organization, academic_year, options)
        context = common_context(
            organization=organization,
            academic_year=academic_year,
            options=options,
            kind=self.kind_ru,
            title="итоги реализации целевой модели наставничества",
            heading=f"Итоги реализации целевой модели наставничества в {academic_year.start_year}/"
            f"{academic_year.start_year + 1} учебном году",
        )
        indicators = {r["code"]: r for r in _indicators(scope)}
        coverage_code = "coverage_students" if organization.kind == "college" else "coverage_pupils"
        if indicators[coverage_code]["value"] == "нет данных" and coverage_code == "coverage_pupils":
            coverage_code = (
                "coverage_students" if indicators["coverage_students"]["value"] != "нет данных" else coverage_code
            )
        forms = _forms(scope)
        achievements = _achievements(organization, academic_year)
        best = (
            achievements["cases"][0] if achievements["cases"] else {"title": "", "form": "", "topic": "", "summary": ""}
        )
        context.update(
            {
                "figures": {
                    "participants": _participants(scope),
                    "pairs": sum(f["active"] + f["completed"] for f in forms),
                    "coverage": indicators[coverage_code]["value"],
                    "coverage_name": indicators[coverage_code]["name"],
                    "consents": indicators["consents"]["value"],
                    "plans_done": indicators["plans_done"]["value"],
                },
                "forms": forms,
                "best_practice": best,
                "events": _events(actor, organization, academic_year, scope),
                "curators": _curators(organization, academic_year),
                "subject": context["document"]["academic_year"],
            }
        )
        return context

    def sample_context(self) -> dict:
        context = sample_common(
            kind=self.kind_ru,
            title="итоги реализации целевой модели наставничества",
            number="1",
            heading="Итоги реализации целевой модели наставничества в 2026/2027 учебном году",
        )
        context.update(
            {
                "figures": {
                    "participants": 48,
                    "pairs": 20,
                    "coverage": "12,5 %",
                    "coverage_name": "Охват обучающихся наставничеством",
                    "consents": "100 %",
                    "plans_done": "91,2 %",
                },
                "forms": [{"name": "Учитель – ученик", "active": 3, "completed": 2, "total": 5}],
                "best_practice": {
                    "title": "Олимпиада без страха",
                    "form": "Учитель – ученик",
                    "topic": "подготовка к олимпиаде",
                    "summary": "Трое из пяти наставляемых стали призёрами муниципального этапа.",
                },
                "events": [{"date": "15 октября 2026 г.", "title": "Школа наставника", "kind": "Обучение"}],
                "curators": [
                    {
                        "name": "Петрова Анна Сергеевна",
                        "position": "заместитель директора по учебно-воспитательной работе",
                        "phone": "+7 (47236) 3-12-45",
                        "email": "petrova@example.ru",
                    }
                ],
                "subject": "2026/2027 учебный год",
            }
        )
        return context

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        sheet = Sheet(font_name=font_name, font_size=font_size, title=self.title_ru)
        org, document = context["organization"], context["document"]
        sheet.organization(org["name"])
        sheet.kind(document["kind"])
        sheet.paragraph(document["heading"], align="center", bold=True, indent=False)
        sheet.paragraph("для регионального наставнического центра", align="center", indent=False, space_after=6)
        sheet.paragraph(document["date"], align="left", indent=False)

        figures = context["figures"]
        sheet.heading("Ключевые цифры")
        sheet.table(
            ("Показатель", "Значение"),
            [
                ["Участников наставнических пар и групп (наставников и наставляемых)", str(figures["participants"])],
                ["Действующих и завершённых пар (групп)", str(figures["pairs"])],
                [figures["coverage_name"], figures["coverage"]],
                ["Согласия на обработку персональных данных", figures["consents"]],
                ["Выполнение индивидуальных планов", figures["plans_done"]],
            ],
            widths_mm=(130, 50),
        )
        forms = [f for f in context["forms"] if f["active"] + f["completed"]]
        if forms:
            sheet.paragraph("Пары и группы по формам наставничества:", keep_with_next=True)
            for index, f in enumerate(forms):
                end = ";" if index < len(forms) - 1 else "."
                sheet.paragraph(
                    f"– «{f['name']}»: действуют — {f['active']}, завершены — {f['completed']}{end}",
                    indent=False,
                    left_indent_mm=12.5,
                    align="left",
                )

        best = context["best_practice"]
        sheet.heading("Лучшая практика")
        if best["title"]:
            sheet.paragraph(f"«{best['title']}» (форма «{best['form']}», тема: {best['topic']}).")
            if best["summary"]:
                sheet.paragraph(best["summary"])
        else:
            sheet.paragraph("Кейсы наставнической практики в учебном году не опубликованы.")

        events = context["events"]
        sheet.heading("Проведённые мероприятия")
        if events:
            for index, e in enumerate(events):
                end = ";" if index < len(events) - 1 else "."
                kind = f" ({e['kind'].lower()})" if e["kind"] else ""
                sheet.paragraph(f"– {e['date']} — {e['title']}{kind}{end}", indent=False, align="left")
        else:
            sheet.paragraph("Мероприятий в учебном году не проводилось.")

        sheet.heading("Контакты куратора")
        if context["curators"]:
            for c in context["curators"]:
                contacts = ", ".join(x for x in (f"тел. {c['phone']}" if c["phone"] else "", c["email"]) if x)
                line = f"{c['name']}, {c['position']}" + (f"; {contacts}" if contacts else "")
                sheet.paragraph(line + ".", indent=False, align="left")
        else:
            sheet.paragraph("Куратор не назначен.", indent=False, align="left")

        sheet.signature(context["signatory"]["position"], context["signatory"]["name"])
        return sheet.to_bytes()
