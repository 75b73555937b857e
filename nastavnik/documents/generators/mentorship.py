"""Documents of the pairs and groups (seed 000, roadmap 5.4 and stage 6; seed 002, forms № 1 and № 2):
the individual plan and the mentor's journal of one mentorship with the columns of seed 002 exactly, the
order assigning the pairs and groups of the year («закрепить за Ивановым Петром Алексеевичем …») and the
order on changing or ending one of them. Read through the mentorships app's selectors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from nastavnik.core.declension import Case, agree_with_gender
from nastavnik.core.text import date_ru

from ..text import fio, position_of, surname_initials, with_position
from .base import DocumentGenerator, OptionsForm, common_context, resolve, sample_common
from .layout import Sheet
from .orders import CONTROL, R145, OrderDocument

PLAN_HEADERS = (
    "Наименование компетенций, которые необходимо сформировать, развить",
    "Содержание деятельности",
    "Сроки",
    "Формат (очный/ дистанционный)",
    "Результат",
)
JOURNAL_HEADERS = (
    "Дата встречи",
    "Формат (очно/дистанционно) Форма встречи (индивидуальная/ групповая; диалог/обсуждение, экскурсия; "
    "публичная лекция / практическая работа)",
    "Цель (тема встречи)",
    "Содержание",
    "Результат",
    "Подпись",
)
FORMAT_WORDS = {"in_person": "очный", "remote": "дистанционный"}
JOURNAL_FORMAT = {"in_person": "очно", "remote": "дистанционно"}


def _mentorships(organization, academic_year):
    from nastavnik.mentorships.models import Mentorship

    return (
        Mentorship.objects.filter(organization=organization, academic_year=academic_year)
        .select_related("form", "mentor")
        .order_by("mentor__last_name", "mentor__first_name", "id")
    )


def _mentorship(organization, academic_year, pk):
    from nastavnik.mentorships.selectors import _members_prefetch

    qs = _mentorships(organization, academic_year).prefetch_related(_members_prefetch())
    return get_object_or_404(qs, pk=pk)


def _members(mentorship, *, current: bool = True):
    members = list(mentorship.members.all())
    return [m for m in members if m.left_on is None] if current else members


class MentorshipOptionsForm(OptionsForm):
    mentorship = forms.ModelChoiceField(label="Наставническая пара (группа)", queryset=None, empty_label="— выберите —")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["mentorship"]
        field.queryset = _mentorships(self.organization, self.academic_year)
        field.label_from_instance = lambda m: f"{m.mentor.full_name} — «{m.form.name}» ({m.get_status_display()})"


class PlanOptionsForm(MentorshipOptionsForm):
    has_number = False


class MentorshipDocument(DocumentGenerator):
    source = "mentorship"

    def _parts(self, actor, options):
        organization, academic_year = resolve(actor, options)
        return organization, academic_year, _mentorship(organization, academic_year, options.get("mentorship"))

    def _pair(self, mentorship) -> dict:
        mentees = _members(mentorship)
        return {
            "mentor": fio(mentorship.mentor),
            "mentor_position": position_of(mentorship.mentor),
            "mentees": ", ".join(fio(m.person) for m in mentees),
            "form": mentorship.form.name,
            "direction": mentorship.direction,
            "status": mentorship.get_status_display(),
        }


class IndividualPlanDocument(MentorshipDocument):
    identifier = "mentorship_plan"
    title_ru = "Индивидуальный план наставнической пары (группы)"
    kind_ru = "ИНДИВИДУАЛЬНЫЙ ПЛАН"
    options_form = PlanOptionsForm
    description = "Форма документа 002 (№ 1): компетенции, содержание, сроки, формат, результат."

    def build_context(self, *, actor, options: dict) -> dict:
        from nastavnik.mentorships.selectors import current_plan, plans_of

        organization, academic_year, mentorship = self._parts(actor, options)
        plan = current_plan(plans_of(mentorship))
        if plan is None:
            raise ValidationError(f"У пары наставника {mentorship.mentor.full_name} ещё нет индивидуального плана.")
        context = common_context(
            organization=organization,
            academic_year=academic_year,
            options=options,
            kind=self.kind_ru,
            title="Индивидуальный план (комплекс мероприятий) в рамках организации работы наставнической пары/группы",
        )
        order = ""
        if mentorship.order_number:
            order = f"Приказ № {mentorship.order_number}"
            if mentorship.order_date:
                order += f" от {mentorship.order_date:%d.%m.%Y} г."
        context.update(
            {
                "pair": self._pair(mentorship),
                "plan": {
                    "version": plan.number,
                    "status": plan.get_status_display(),
                    "goal": plan.goal,
                    "approved_at": date_ru(plan.approved_at.date()) if plan.approved_at else "",
                },
                "order": order,
                "headers": list(PLAN_HEADERS),
                "items": [
                    {
                        "competency": item.competency,
                        "activity": item.activity,
                        "deadline": f"{item.deadline:%d.%m.%Y}",
                        "format": FORMAT_WORDS.get(item.format, item.format),
                        "result": item.achieved_result or item.expected_result,
                    }
                    for item in plan.items.all()
                ],
                "subject": f"наставник {surname_initials(mentorship.mentor)}, версия {plan.number}",
            }
        )
        return context

    def sample_context(self) -> dict:
        context = sample_common(kind=self.kind_ru, title="Индивидуальный план (комплекс мероприятий)", number="1")
        context.update(
            {
                "pair": SAMPLE_PAIR,
                "plan": {"version": 1, "status": "Утверждён", "goal": "Повысить учебную мотивацию", "approved_at": ""},
                "order": "Приказ № 100-к от 22.09.2026 г.",
                "headers": list(PLAN_HEADERS),
                "items": [
                    {
                        "competency": "Навыки самоорганизации",
                        "activity": "Составление плана подготовки",
                        "deadline": "30.10.2026",
                        "format": "очный",
                        "result": "План составлен",
                    }
                ],
                "subject": "наставник Петрова А. С., версия 1",
            }
        )
        return context

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        sheet = Sheet(font_name=font_name, font_size=font_size, title=context["document"]["title"], landscape=True)
        sheet.organization(context["organization"]["name"])
        approval = ["Утверждаю", context["signatory"]["position"], "", context["signatory"]["name"]]
        sheet.approval([*approval, context["order"]] if context["order"] else approval)
        sheet.paragraph(context["document"]["title"], align="center", bold=True, indent=False, space_after=12)
        pair = context["pair"]
        for label, value in (
            ("Образовательная организация", context["organization"]["name"]),
            ("Форма наставничества", f"«{pair['form']}»"),
            ("ФИО наставника", pair["mentor"]),
            ("ФИО наставляемых", pair["mentees"]),
            (
                "Цель реализации целевой модели наставничества в данной наставнической паре/группе",
                context["plan"]["goal"],
            ),
        ):
            sheet.paragraph(f"{label}: {value}", align="left", indent=False, space_after=2)
        sheet.blank()
        rows = [(i["competency"], i["activity"], i["deadline"], i["format"], i["result"]) for i in context["items"]]
        sheet.table(context["headers"], rows, widths_mm=(62, 75, 30, 40, 60))
        return sheet.to_bytes()


class JournalDocument(MentorshipDocument):
    identifier = "mentorship_journal"
    title_ru = "Журнал наставника"
    kind_ru = "ЖУРНАЛ НАСТАВНИКА"
    options_form = PlanOptionsForm
    description = "Форма документа 002 (№ 2): дата, формат и форма встречи, цель, содержание, результат, подпись."

    def build_context(self, *, actor, options: dict) -> dict:
        from nastavnik.mentorships.selectors import journal_of

        organization, academic_year, mentorship = self._parts(actor, options)
        context = common_context(
            organization=organization, academic_year=academic_year, options=options, kind=self.kind_ru,
            title="Журнал наставника",
        )  # fmt: skip
        rows = []
        for entry in journal_of(mentorship):
            signed = "; ".join(
                f"{surname_initials(s.person)}, {s.signed_at:%d.%m.%Y}" for s in entry.signatures.all()
            )  # the mentees confirmed in the system
            rows.append(
                {
                    "date": f"{entry.date:%d.%m.%Y}",
                    "format": f"{JOURNAL_FORMAT.get(entry.format, entry.format)}; {entry.meeting_form.lower()}",
                    "topic": entry.topic,
                    "content": entry.content,
                    "result": entry.result,
                    "signature": f"подтверждено: {signed}" if signed else "",
                }
            )
        context.update(
            {
                "pair": self._pair(mentorship),
                "headers": list(JOURNAL_HEADERS),
                "entries": rows,
                "subject": f"наставник {surname_initials(mentorship.mentor)}, записей: {len(rows)}",
            }
        )
        return context

    def sample_context(self) -> dict:
        context = sample_common(kind=self.kind_ru, title="Журнал наставника", number="1")
        context.update(
            {
                "pair": SAMPLE_PAIR,
                "headers": list(JOURNAL_HEADERS),
                "entries": [
                    {
                        "date": "12.10.2026", "format": "очно; индивидуальная; диалог / обсуждение",
                        "topic": "Знакомство", "content": "Обсудили цели", "result": "Цели определены",
                        "signature": "подтверждено: Иванова М. П., 12.10.2026",
                    }
                ],
                "subject": "наставник Петрова А. С., записей: 1",
            }
        )  # fmt: skip
        return context

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        sheet = Sheet(font_name=font_name, font_size=font_size, title="Журнал наставника", landscape=True)
        sheet.organization(context["organization"]["name"])
        sheet.paragraph("Журнал наставника", align="center", bold=True, indent=False, space_after=12)
        pair = context["pair"]
        for label, value in (
            ("Ф. И. О. наставника", pair["mentor"]),
            ("Ф. И. О. наставляемого", pair["mentees"]),
            ("Форма наставничества", f"«{pair['form']}»"),
            ("Направление", pair["direction"] or "—"),
        ):
            sheet.paragraph(f"{label}: {value}", align="left", indent=False, space_after=2)
        sheet.blank()
        rows = [
            (e["date"], e["format"], e["topic"], e["content"], e["result"], e["signature"]) for e in context["entries"]
        ]
        sheet.table(context["headers"], rows, widths_mm=(24, 58, 40, 65, 45, 35))
        return sheet.to_bytes()


def _apposition(person, case: Case) -> str:
    """«Сидоровым Петром Ильичом, учителем русского языка и литературы,» — the position set off by commas
    on both sides inside a sentence; just the name when there is no position."""
    position = position_of(person, case)
    return f"{fio(person, case)}, {position}," if position else fio(person, case)


def _mentee_phrase(members) -> str:
    """«наставляемую Иванову Марию Петровну, обучающуюся 7 «Б» класса» / «наставляемых: …»."""
    people = [m.person for m in members]
    if len(people) == 1:
        person = people[0]
        noun = agree_with_gender("наставляемого", "наставляемую", person.gender or "f")
        return f"{noun} {with_position(person, Case.ACCUSATIVE)}"
    return "наставляемых: " + "; ".join(with_position(p, Case.ACCUSATIVE) for p in people)


class PairsOrder(OrderDocument):
    identifier = "order_pairs"
    title_ru = "Приказ о закреплении наставнических пар (групп)"
    kind_ru = "ПРИКАЗ"
    series = "order"
    source = "mentorship"
    description = "Все действующие и предложенные пары и группы года (дорожная карта, 5.4)."

    def build_context(self, *, actor, options: dict) -> dict:
        from nastavnik.mentorships.models import OPEN_STATUSES
        from nastavnik.mentorships.selectors import _members_prefetch

        organization, academic_year = resolve(actor, options)
        mentorships = list(
            _mentorships(organization, academic_year)
            .filter(status__in=OPEN_STATUSES)
            .prefetch_related(_members_prefetch())
        )
        if not mentorships:
            raise ValidationError(f"Наставнических пар и групп на {academic_year} ещё нет: сформируйте их в «Парах».")
        context = common_context(
            organization=organization, academic_year=academic_year, options=options, kind=self.kind_ru,
            title="О закреплении наставнических пар (групп)",
        )  # fmt: skip
        year = context["document"]["academic_year"]
        pairs = []
        for mentorship in mentorships:
            members = _members(mentorship)
            pairs.append(
                f"за {_apposition(mentorship.mentor, Case.INSTRUMENTAL)} — {_mentee_phrase(members)} "
                f"(форма наставничества «{mentorship.form.name}»)"
            )
        items = [
            {"text": f"Закрепить на {year} наставнические пары (группы):", "lines": [
                f"{n}) {text};" if n < len(pairs) else f"{n}) {text}." for n, text in enumerate(pairs, start=1)
            ]},
            {"text": "Наставникам совместно с наставляемыми в течение месяца составить индивидуальные планы и вести "
                     "журналы наставника."},
            {"text": "Куратору внедрения целевой модели наставничества обеспечить контроль работы пар (групп) "
                     "и мониторинг выполнения индивидуальных планов."},
            {"text": CONTROL},
        ]  # fmt: skip
        acquainted = []
        for mentorship in mentorships:
            acquainted.append(surname_initials(mentorship.mentor))
        context.update(
            {
                "preamble": f"В соответствии с {R145}, по итогам формирования наставнических пар и групп,",
                "items": items,
                "pairs": pairs,
                "acquainted": sorted(set(acquainted)),
                "subject": f"пар и групп: {len(mentorships)}",
            }
        )
        return context

    def sample_context(self) -> dict:
        context = sample_common(kind=self.kind_ru, title="О закреплении наставнических пар (групп)")
        pair = ("за Ивановым Петром Алексеевичем, учителем математики, — наставляемую Сидорову Марию Ивановну, "
                "обучающуюся 9 «А» класса (форма наставничества «Учитель – ученик»)")  # fmt: skip
        context.update(
            {
                "preamble": f"В соответствии с {R145}, по итогам формирования наставнических пар и групп,",
                "items": [
                    {"text": "Закрепить на 2026/2027 учебный год наставнические пары (группы):", "lines": [pair]}
                ],
                "pairs": [pair],
                "acquainted": ["Иванов П. А."],
                "subject": "пар и групп: 1",
            }
        )
        return context


class MentorshipChangeOrder(MentorshipDocument, OrderDocument):
    identifier = "order_mentorship_change"
    title_ru = "Приказ об изменении или прекращении наставничества"
    kind_ru = "ПРИКАЗ"
    series = "order"
    options_form = MentorshipOptionsForm
    description = "Для одной пары (группы): досрочное или плановое завершение, выход наставляемых из группы."

    def build_context(self, *, actor, options: dict) -> dict:
        organization, academic_year, mentorship = self._parts(actor, options)
        closed = not mentorship.is_open
        title = "О прекращении наставничества" if closed else "Об изменении состава наставнической группы"
        context = common_context(
            organization=organization, academic_year=academic_year, options=options, kind=self.kind_ru, title=title
        )
        left = [m for m in _members(mentorship, current=False) if m.left_on]
        if not closed and not left:
            raise ValidationError(
                f"Пара наставника {mentorship.mentor.full_name} действует без изменений: приказ об изменении "
                "оформляется, когда наставляемый выходит из группы или пара завершается."
            )
        mentor = _apposition(mentorship.mentor, Case.INSTRUMENTAL)
        items = []
        if closed:
            day = date_ru(mentorship.end_date) if mentorship.end_date else context["document"]["date"]
            reason = mentorship.get_end_reason_display().lower() if mentorship.end_reason else ""
            because = f" (основание: {reason})" if reason else ""
            members = _members(mentorship, current=False)
            items.append(
                {"text": f"Прекратить с {day} наставничество за {mentor} в отношении "
                         f"{'; '.join(with_position(m.person, Case.GENITIVE) for m in members)} "
                         f"(форма наставничества «{mentorship.form.name}»){because}."}
            )  # fmt: skip
            if mentorship.end_comment:
                items.append({"text": f"Учесть: {mentorship.end_comment.strip().rstrip('.')}."})
        else:
            for member in left:
                items.append(
                    {"text": f"Исключить с {date_ru(member.left_on)} из наставнической группы, закреплённой за "
                             f"{mentor.rstrip(',')}, {with_position(member.person, Case.ACCUSATIVE)}."}
                )  # fmt: skip
        items.append({"text": "Куратору внести изменения в базы наставников и наставляемых."})
        items.append({"text": CONTROL})
        context.update(
            {
                "preamble": f"В соответствии с {R145}, Положением о наставничестве,",
                "items": items,
                "acquainted": [surname_initials(mentorship.mentor)],
                "subject": f"наставник {surname_initials(mentorship.mentor)}",
            }
        )
        return context

    def sample_context(self) -> dict:
        context = sample_common(kind=self.kind_ru, title="О прекращении наставничества")
        context.update(
            {
                "preamble": f"В соответствии с {R145}, Положением о наставничестве,",
                "items": [{"text": "Прекратить с 30 мая 2027 г. наставничество за Ивановым Петром Алексеевичем."}],
                "acquainted": ["Иванов П. А."],
                "subject": "наставник Иванов П. А.",
            }
        )
        return context


SAMPLE_PAIR = {
    "mentor": "Петрова Анна Сергеевна",
    "mentor_position": "учитель математики",
    "mentees": "Иванова Мария Петровна",
    "form": "Учитель – ученик",
    "direction": "Подготовка к олимпиаде",
    "status": "Действует",
}
