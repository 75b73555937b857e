"""Orders of the preparation stage (seed 000, stage 1; roadmap 1.x): the order on implementing the target
model of mentoring and the order appointing the curator and creating the working group."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from nastavnik.core.declension import Case
from nastavnik.core.text import date_ru

from .. import selectors
from ..text import surname_initials, with_position
from .base import DocumentGenerator, common_context, draw_header, draw_signature, person_context, resolve, sample_common
from .layout import Sheet

R145 = (
    "распоряжением Министерства просвещения Российской Федерации от 25 декабря 2019 г. № Р-145 "
    "«Об утверждении методологии (целевой модели) наставничества обучающихся для организаций, осуществляющих "
    "образовательную деятельность по общеобразовательным, дополнительным общеобразовательным и программам "
    "среднего профессионального образования, в том числе с применением лучших практик обмена опытом между "
    "обучающимися»"
)
ORDER_WORD = "ПРИКАЗЫВАЮ:"
ACQUAINTED = "С приказом ознакомлены:"
CONTROL = "Контроль за исполнением настоящего приказа оставляю за собой."


def _members(organization, academic_year):
    members = selectors.group_members(organization=organization, academic_year=academic_year)
    order = {"head": 0, "curator": 1, "member": 2}
    return sorted(members, key=lambda m: (order.get(m.position, 3), m.person.last_name, m.person.first_name))


def _curator(members):
    return next((m for m in members if m.position == "curator"), None)


def _require_curator(curator, academic_year) -> None:
    if curator is None:
        raise ValidationError(
            f"В рабочей группе на {academic_year} нет куратора: руководитель назначает его на странице "
            "«Рабочая группа» (Наставничество → год → Рабочая группа)."
        )


class OrderDocument(DocumentGenerator):
    kind_ru = "ПРИКАЗ"
    series = "order"

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        sheet = Sheet(font_name=font_name, font_size=font_size, title=context["document"]["title"])
        draw_header(sheet, context)
        sheet.paragraph(context["preamble"])
        sheet.paragraph(ORDER_WORD, align="left", indent=False, bold=True, space_before=6, space_after=6)
        for number, item in enumerate(context["items"], start=1):
            sheet.paragraph(f"{number}. {item['text']}")
            for line in item.get("lines", []):
                sheet.paragraph(line, left_indent_mm=12.5, indent=False, align="left")
        draw_signature(sheet, context)
        sheet.acquaintance(ACQUAINTED, context["acquainted"])
        return sheet.to_bytes()


class OrderImplementation(OrderDocument):
    identifier = "order_implementation"
    title_ru = "Приказ о внедрении целевой модели наставничества"
    description = "Внедрение модели, положение, дорожная карта, куратор, формы наставничества (документ 000, этап 1)."

    def build_context(self, *, actor, options: dict) -> dict:
        organization, academic_year = resolve(actor, options)
        context = common_context(
            organization=organization,
            academic_year=academic_year,
            options=options,
            kind=self.kind_ru,
            title="О внедрении целевой модели наставничества",
        )
        members = _members(organization, academic_year)
        curator = _curator(members)
        _require_curator(curator, academic_year)
        forms = [f"«{f.name}»" for f in selectors.enabled_forms(organization=organization, academic_year=academic_year)]
        year_prep = f"{academic_year.start_year}/{academic_year.start_year + 1} учебном году"
        name = context["organization"]["text_name"]
        items = [
            {"text": f"Внедрить целевую модель наставничества обучающихся в {name} в {year_prep}."},
            {"text": f"Утвердить Положение о наставничестве в {name} (приложение 1)."},
            {
                "text": "Утвердить дорожную карту внедрения целевой модели наставничества на "
                f"{context['document']['academic_year']} (приложение 2)."
            },
            {
                "text": "Назначить куратором внедрения целевой модели наставничества "
                f"{with_position(curator.person, Case.ACCUSATIVE)}."
            },
        ]
        if forms:
            items.append({"text": f"Реализовать в {year_prep} следующие формы наставничества: {', '.join(forms)}."})
        items += [
            {
                "text": f"Куратору {surname_initials(curator.person, Case.DATIVE)} обеспечить:",
                "lines": [
                    "– информирование педагогов, обучающихся и родителей о программе наставничества;",
                    "– формирование баз наставников и наставляемых, сбор согласий на обработку персональных данных "
                    "(для обучающихся до 14 лет — от законных представителей);",
                    "– формирование наставнических пар и групп и контроль выполнения индивидуальных планов;",
                    "– мониторинг реализации программы наставничества и отчёт о ней по итогам учебного года.",
                ],
            },
            {"text": CONTROL},
        ]
        context.update(
            {
                "preamble": f"В соответствии с {R145}, в целях повышения качества образования и развития "
                "системы наставничества,",
                "items": items,
                "curator": person_context(curator.person),
                "forms": forms,
                "acquainted": [surname_initials(m.person) for m in members],
                "subject": f"куратор — {surname_initials(curator.person)}",
            }
        )
        return context

    def sample_context(self) -> dict:
        context = sample_common(kind=self.kind_ru, title="О внедрении целевой модели наставничества")
        context.update(
            {
                "preamble": f"В соответствии с {R145}, в целях повышения качества образования и развития "
                "системы наставничества,",
                "items": [
                    {"text": "Внедрить целевую модель наставничества обучающихся в МБОУ «Ершовская СОШ» "
                     "в 2026/2027 учебном году."},
                    {"text": "Назначить куратором внедрения целевой модели наставничества Петрову Анну Сергеевну, "
                     "заместителя директора по учебно-воспитательной работе.", "lines": []},
                ],
                "curator": SAMPLE_PERSON,
                "forms": ["«Ученик – ученик»", "«Учитель – ученик»"],
                "acquainted": ["Петрова А. С.", "Смирнова Е. В."],
                "subject": "куратор — Петрова А. С.",
            }
        )  # fmt: skip
        return context


class OrderWorkingGroup(OrderDocument):
    identifier = "order_working_group"
    title_ru = "Приказ о назначении куратора и создании рабочей группы"
    source = "working_group"
    description = "Из состава рабочей группы года: куратор, руководитель и члены группы (документ 000, этап 1)."

    def build_context(self, *, actor, options: dict) -> dict:
        organization, academic_year = resolve(actor, options)
        context = common_context(
            organization=organization,
            academic_year=academic_year,
            options=options,
            kind=self.kind_ru,
            title="О назначении куратора и создании рабочей группы по внедрению целевой модели наставничества",
        )
        members = _members(organization, academic_year)
        curator = _curator(members)
        _require_curator(curator, academic_year)
        name = context["organization"]["text_name"]
        year = context["document"]["academic_year"]
        roles = {"head": "руководитель рабочей группы", "curator": "куратор", "member": "член рабочей группы"}
        lines = []
        for index, member in enumerate(members):
            end = ";" if index < len(members) - 1 else "."
            lines.append(f"– {with_position(member.person, Case.NOMINATIVE)} — {roles.get(member.position, '')}{end}")
        duties = [f"– {surname_initials(m.person)} — {m.duties.rstrip('.;')};" for m in members if m.duties]
        if duties:
            duties[-1] = duties[-1][:-1] + "."
        start = academic_year.start_year
        items = [
            {
                "text": f"Назначить куратором внедрения целевой модели наставничества в {name} на {year} "
                f"{with_position(curator.person, Case.ACCUSATIVE)}."
            },
            {"text": "Создать рабочую группу по внедрению целевой модели наставничества в составе:", "lines": lines},
            {
                "text": "Рабочей группе:",
                "lines": [
                    f"– в срок до {date_ru(academic_year.start_date.replace(month=10, day=1))} разработать "
                    f"дорожную карту внедрения целевой модели наставничества на {year};",
                    f"– в срок до {date_ru(academic_year.start_date.replace(month=11, day=30))} разработать "
                    "программу наставничества и представить её на утверждение;",
                    f"– до 1 июня {start + 1} г. провести мониторинг реализации программы наставничества.",
                ],
            },
        ]
        if duties:
            items.append({"text": "Распределить обязанности членов рабочей группы:", "lines": duties})
        items.append({"text": CONTROL})
        context.update(
            {
                "preamble": f"В соответствии с {R145}, в целях организации работы по внедрению целевой модели "
                "наставничества,",
                "items": items,
                "curator": person_context(curator.person),
                "members": [
                    {**person_context(m.person), "role": roles.get(m.position, ""), "duties": m.duties} for m in members
                ],
                "acquainted": [surname_initials(m.person) for m in members],
                "subject": f"куратор — {surname_initials(curator.person)}, членов группы: {len(members)}",
            }
        )
        return context

    def sample_context(self) -> dict:
        context = sample_common(
            kind=self.kind_ru,
            title="О назначении куратора и создании рабочей группы по внедрению целевой модели наставничества",
        )
        context.update(
            {
                "preamble": f"В соответствии с {R145}, в целях организации работы по внедрению целевой модели "
                "наставничества",
                "items": [
                    {"text": "Назначить куратором внедрения целевой модели наставничества в МБОУ «Ершовская СОШ» "
                     "на 2026/2027 учебный год Петрову Анну Сергеевну, заместителя директора по "
                     "учебно-воспитательной работе."},
                ],
                "curator": SAMPLE_PERSON,
                "members": [{**SAMPLE_PERSON, "role": "куратор", "duties": "координация работы"}],
                "acquainted": ["Петрова А. С."],
                "subject": "куратор — Петрова А. С., членов группы: 1",
            }
        )  # fmt: skip
        return context


SAMPLE_PERSON = {
    "fio": "Петрова Анна Сергеевна",
    "signature": "А. С. Петрова",
    "short": "Петрова А. С.",
    "position": "заместитель директора по учебно-воспитательной работе",
    "gender": "f",
    "fio_gen": "Петровой Анны Сергеевны",
    "position_gen": "заместителя директора по учебно-воспитательной работе",
    "fio_dat": "Петровой Анне Сергеевне",
    "position_dat": "заместителю директора по учебно-воспитательной работе",
    "fio_acc": "Петрову Анну Сергеевну",
    "position_acc": "заместителя директора по учебно-воспитательной работе",
    "fio_ins": "Петровой Анной Сергеевной",
    "position_ins": "заместителем директора по учебно-воспитательной работе",
}
