"""Every generator's file reopened with python-docx / openpyxl: names in the case the sentence needs,
the date, the number, the layout after ГОСТ Р 7.0.97-2016 and the table columns exactly as the seeds."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from docx import Document
from docx.shared import Pt

from nastavnik.documents.generators import registry
from nastavnik.documents.generators.program import SEED000_HEADERS, SEED002_HEADERS
from nastavnik.documents.models import DocumentSettings
from nastavnik.pools.export import MENTEE_HEADERS, MENTOR_HEADERS

pytestmark = pytest.mark.django_db


def opened(content: bytes):
    return Document(io.BytesIO(content))


def paragraphs(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text.strip()]


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def render(cast, generator_id, options, actor="curator"):
    return registry.get(generator_id).render(actor=cast.user(actor), options=options)


def test_order_implementation_layout_and_grammar(cast, year, group, forms, approved_program, org_options):
    result = render(cast, "order_implementation", org_options(date=year.start_date.isoformat(), number="15-н"))
    assert result.filename == "Приказ о внедрении целевой модели наставничества № 15-н.docx"
    doc = opened(result.content)
    lines = paragraphs(doc)
    assert lines[0] == cast.school_a.name  # the organisation's name at the top
    assert lines[1] == "ПРИКАЗ"
    assert lines[2] == f"1 сентября {year.start_year} г.\t№ 15-н"
    assert lines[3] == "О внедрении целевой модели наставничества"
    text = all_text(doc)
    assert (
        "Назначить куратором внедрения целевой модели наставничества Петрову Анну Сергеевну, "
        "заместителя директора по учебно-воспитательной работе." in text
    )
    assert "Куратору Петровой А. С. обеспечить:" in text
    assert "формы наставничества: «Ученик – ученик», «Учитель – ученик»." in text
    assert f"в {year.start_year}/{year.start_year + 1} учебном году" in text
    assert "ПРИКАЗЫВАЮ:" in text
    assert "С приказом ознакомлены:" in text
    signature = doc.tables[0].rows[0].cells
    assert (signature[0].text, signature[1].text) == ("Директор", "Т. А. Павлова")
    acquainted = [row.cells[0].text for row in doc.tables[1].rows]
    assert acquainted == ["Павлова Т. А.", "Петрова А. С.", "Сидоров П. И."]
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin)
    assert tuple(round(m.mm) for m in margins) == (20, 10, 20, 20)
    normal = doc.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))


def test_order_uses_the_settings_of_the_organisation(cast, year, group, org_options):
    DocumentSettings.objects.create(
        organization=cast.school_a, font_name="PT Astra Serif", font_size=12, place="с. Ершово",
        text_name="МБОУ «Ершовская СОШ»", signatory_position="Исполняющий обязанности директора",
        signatory_name="Кузнецова Ольга Ивановна",
    )  # fmt: skip
    doc = opened(render(cast, "order_implementation", org_options(number="3-н")).content)
    text = all_text(doc)
    assert "с. Ершово" in paragraphs(doc)
    assert "Внедрить целевую модель наставничества обучающихся в МБОУ «Ершовская СОШ»" in text
    signature = doc.tables[0].rows[0].cells
    assert (signature[0].text, signature[1].text) == ("Исполняющий обязанности директора", "О. И. Кузнецова")
    assert doc.styles["Normal"].font.name == "PT Astra Serif"
    assert doc.styles["Normal"].font.size == Pt(12)


def test_order_needs_a_curator(cast, org_options):
    with pytest.raises(ValidationError, match="нет куратора"):
        render(cast, "order_implementation", org_options())


def test_order_working_group_lists_members_and_declines_the_curator(cast, year, group, org_options):
    doc = opened(render(cast, "order_working_group", org_options(number="16-н")).content)
    text = all_text(doc)
    assert "О назначении куратора и создании рабочей группы по внедрению целевой модели наставничества" in text
    assert (
        f"на {year.start_year}/{year.start_year + 1} учебный год Петрову Анну Сергеевну, заместителя директора по "
        "учебно-воспитательной работе." in text
    )
    assert "– Павлова Татьяна Александровна, директор — руководитель рабочей группы;" in text
    assert "– Петрова Анна Сергеевна, заместитель директора по учебно-воспитательной работе — куратор;" in text
    assert "– Сидоров Пётр Ильич, учитель русского языка и литературы — член рабочей группы." in text
    assert "– Петрова А. С. — координация работы." in text
    assert f"в срок до 1 октября {year.start_year} г." in text


def test_regulation_has_the_sections_of_the_methodology_and_the_forms(cast, year, approved_program, org_options):
    doc = opened(render(cast, "regulation", org_options()).content)
    lines = paragraphs(doc)
    headings = [line for line in lines if re.match(r"^\d\. ", line)]
    assert headings == [
        "1. Общие положения",
        "2. Цели и задачи наставничества",
        "3. Организационные основы наставничества",
        "4. Права и обязанности наставника",
        "5. Права и обязанности наставляемого",
        "6. Процесс формирования наставнических пар и групп",
        "7. Завершение наставничества",
        "8. Мониторинг и оценка результатов реализации программы наставничества",
    ]
    text = all_text(doc)
    assert "«Ученик – ученик»: наставник — " in text
    assert "«Учитель – ученик»: наставник — " in text
    assert "УТВЕРЖДЕНО" in lines


def test_regulation_names_the_order_that_approved_it(cast, year, group, issue):
    order = issue("order_implementation", date=year.start_date.isoformat()).document
    doc = opened(render(cast, "regulation", {"organization_id": cast.school_a.pk, "year": year.start_year}).content)
    assert f"от {year.start_date:%d.%m.%Y} № {order.number}" in paragraphs(doc)


def test_program_needs_an_approved_version(cast, org_options):
    from tests.access_cases.core import _program

    _program(cast)  # a draft only
    with pytest.raises(ValidationError, match="ещё не утверждена"):
        render(cast, "program", org_options())


def test_program_prints_every_step_of_the_constructor(cast, approved_program, org_options):
    from nastavnik.programs.models import ExpectedResult, NormativeAct, ProgramResource

    ExpectedResult.objects.create(
        program=approved_program, kind="quantitative", text="Выполнение планов", target_value=90, unit="%"
    )
    ExpectedResult.objects.create(program=approved_program, kind="qualitative", text="Рост мотивации")
    ProgramResource.objects.create(program=approved_program, kind="human", description="Куратор, 3 педагога")
    NormativeAct.objects.create(program=approved_program, level="federal", title="Федеральный закон № 273-ФЗ")
    doc = opened(render(cast, "program", org_options()).content)
    text = all_text(doc)
    for heading in ("1. Паспорт программы", "2. Проблема", "3. Цель программы", "4. Целевая аудитория",
                    "5. Ожидаемые результаты", "6. Реализаторы программы", "7. Ресурсы", "8. Нормативная база",
                    "9. Формы наставничества и сроки реализации"):  # fmt: skip
        assert heading in text
    assert "Программа наставничества «Вместе — к успеху»" in text
    assert "Выполнение планов" in text
    assert "90 %" in text
    assert "Куратор, 3 педагога" in text
    assert "Федеральный закон № 273-ФЗ (федеральный уровень)." in text
    assert "Формы наставничества: «Ученик – ученик», «Учитель – ученик»." in text


def test_roadmap_table_has_the_columns_of_seed_000(cast, roadmap, org_options):
    doc = opened(render(cast, "roadmap", org_options()).content)
    table = doc.tables[0]
    assert tuple(cell.text for cell in table.rows[0].cells) == SEED000_HEADERS
    assert SEED000_HEADERS == ("№ п/п", "Мероприятие", "Сроки", "Ответственные", "Результат")
    first_item = [cell.text for cell in table.rows[2].cells]
    assert first_item[0] == "1.1"
    assert first_item[1].startswith("Информирование педагогического сообщества")
    assert round(doc.sections[0].page_width.mm) == 297  # a wide table: landscape


def test_roadmap_table_has_the_columns_of_seed_002(cast, year):
    from nastavnik.programs import services as program_services

    program_services.roadmap_from_template(
        actor=cast.user("admin"), organization=cast.school_a, academic_year=year, template_code="seed002"
    )
    doc = opened(render(cast, "roadmap", {"organization_id": cast.school_a.pk, "year": year.start_year}).content)
    headers = tuple(cell.text for cell in doc.tables[0].rows[0].cells)
    assert headers == SEED002_HEADERS
    assert headers == ("Содержание", "Сроки", "Ожидаемый результат (вид документа)", "Показатели эффективности",
                       "Ответственный")  # fmt: skip


def test_protocol_of_a_meeting(cast, year, meeting, group, org_options):
    options = org_options(meeting=meeting.pk, secretary=group["member"].pk)
    result = render(cast, "protocol", options)
    doc = opened(result.content)
    lines = paragraphs(doc)
    assert lines[1:3] == ["ПРОТОКОЛ", "заседания рабочей группы по внедрению целевой модели наставничества"]
    assert lines[3] == f"7 сентября {year.start_year} г.\t№ 1"
    text = all_text(doc)
    assert "Председатель — Павлова Т. А." in text  # the head of the working group
    assert "Секретарь — Сидоров П. И." in text
    assert "Присутствовали: 2 (два) человека:" in text
    assert "– Петрова Анна Сергеевна, заместитель директора по учебно-воспитательной работе;" in text
    assert "1. О внедрении целевой модели наставничества." in lines
    assert "2. Утвердить дорожную карту." in lines
    assert "ПОВЕСТКА ДНЯ:" in lines
    assert "РЕШИЛИ:" in lines


def test_protocol_of_another_organisation_is_not_found(cast, year, org_options):
    from django.http import Http404

    from nastavnik.programs.models import WorkingGroupMeeting

    foreign = WorkingGroupMeeting.objects.create(
        organization=cast.school_b, academic_year=year, number=1, date=year.start_date, agenda="Чужое"
    )
    with pytest.raises(Http404):
        render(cast, "protocol", org_options(meeting=foreign.pk))


@pytest.mark.parametrize(
    ("_case", "subtitle", "opening", "signers"),
    [
        ("adult", "совершеннолетнего участника программы наставничества", "Я, Сидоров Пётр Ильич", 1),
        ("minor_14_17", "несовершеннолетнего в возрасте от 14 до 18 лет и его законного представителя",
         "Мы, Сидорова Мария Ивановна", 2),
        ("guardian_under_14", "законного представителя ребёнка, не достигшего 14 лет",
         "Я, Иванова Ольга Сергеевна, являясь законным представителем Ивановой Марии Петровны", 1),
    ],
)  # fmt: skip
def test_consent_in_three_variants_says_what_the_link_says(
    cast, teenager, org_options, _case, subtitle, opening, signers
):
    from nastavnik.consents.services import consent_text

    person = {"adult": cast.teacher_a, "minor_14_17": teenager, "guardian_under_14": cast.pupil_a}[_case]
    cast.teacher_a.birth_date = cast.teacher_a.birth_date or cast.pupil_a.birth_date.replace(year=1980)
    cast.teacher_a.save()
    doc = opened(render(cast, "consent", org_options(person=person.pk)).content)
    lines = paragraphs(doc)
    assert lines[0] == "Оператору:"
    assert subtitle in lines
    body = next(line for line in lines if line.startswith(("Я, ", "Мы, ")))
    assert body.startswith(opening)
    from nastavnik.consents.services import first_guardian, required_kind

    kind = required_kind(person)
    electronic = consent_text(person=person, kind=kind, guardian=first_guardian(person) if kind != "adult" else None)
    assert body == electronic.split("\n\n")[0]  # the same text as the one-time link page
    assert len([t for t in doc.tables if t.rows[0].cells[0].text.startswith("Подпись")]) == signers


def test_consent_needs_a_birth_date(cast, org_options):
    person = cast.teacher_a
    person.birth_date = None
    person.save()
    with pytest.raises(ValidationError, match="дату рождения"):
        render(cast, "consent", org_options(person=person.pk))


def test_certificate_of_a_mentor_in_the_dative(cast, year, mentor, approved_program, org_options):
    result = render(cast, "certificate", org_options(person=mentor.pk, role="mentor", number="7"))
    doc = opened(result.content)
    text = all_text(doc)
    assert "СЕРТИФИКАТ" in text
    assert "№ 7" in text
    assert "выдан Сидорову Петру Ильичу, учителю русского языка и литературы, в том, что он" in text
    assert "успешно участвовал" in text
    assert "в качестве наставника (форма наставничества «Учитель – ученик»)" in text
    assert "Сидоров Пётр Ильич" in result.filename


def test_letter_to_a_mentee_agrees_with_her_gender(cast, year, mentee, approved_program, org_options):
    doc = opened(render(cast, "letter", org_options(person=mentee.pk, role="mentee")).content)
    text = all_text(doc)
    assert "Уважаемая Мария Петровна!" in text
    assert "выражает благодарность Ивановой Марии Петровне, обучающейся 7 «Б» класса," in text
    assert "в качестве наставляемого" in text


def test_certificate_only_for_participants(cast, year, org_options):
    with pytest.raises(ValidationError, match="не участвовал"):
        render(cast, "certificate", org_options(person=cast.teacher_a.pk, role="mentor"))


@pytest.mark.parametrize(
    ("generator_id", "headers"), [("mentee_pool_xlsx", MENTEE_HEADERS), ("mentor_pool_xlsx", MENTOR_HEADERS)]
)
def test_pool_lists_xlsx(cast, year, mentor, mentee, org_options, generator_id, headers):
    result = render(cast, generator_id, org_options())
    book = openpyxl.load_workbook(io.BytesIO(result.content))
    sheet = book.active
    assert [c.value for c in sheet[2]] == list(headers)
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:{openpyxl.utils.get_column_letter(len(headers))}3"
    assert sheet.print_title_rows == "$2:$2"
    name = cast.pupil_a.full_name if generator_id == "mentee_pool_xlsx" else cast.teacher_a.full_name
    assert sheet["B3"].value == name
    assert sheet.column_dimensions["B"].width >= len(name)


def test_sample_contexts_have_the_shape_of_real_ones(
    cast, year, group, meeting, mentor, teenager, approved_program, roadmap, mentorship, org_options
):
    """A template written against the fields list (the sample) must fill with real data too."""
    options = {
        "protocol": {"meeting": meeting.pk},
        "consent": {"person": teenager.pk},
        "certificate": {"person": mentor.pk, "role": "mentor"},
        "letter": {"person": mentor.pk, "role": "mentor"},
        "mentorship_plan": {"mentorship": mentorship.pk},
        "mentorship_journal": {"mentorship": mentorship.pk},
    }

    def shape(value):
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items()}
        if isinstance(value, list):
            return [shape(value[0])] if value and isinstance(value[0], dict) else "list"
        return "value"

    from nastavnik.mentorships.models import Mentorship

    options["order_mentorship_change"] = {"mentorship": mentorship.pk}
    for generator in registry.GENERATORS.values():
        if generator.identifier == "order_mentorship_change":
            Mentorship.objects.filter(pk=mentorship.pk).update(status="completed", end_date=year.end_date)
        real = generator.build_context(
            actor=cast.user("curator"), options=org_options(**options.get(generator.identifier, {}))
        )
        sample = generator.sample_context()
        assert set(shape(sample)) == set(shape(real)), generator.identifier
        for key, value in shape(sample).items():
            if isinstance(value, dict):
                assert set(value) == set(shape(real)[key]), (generator.identifier, key)


# --- documents of pairs and groups (seed 002, forms № 1 and № 2; seed 000, roadmap 5.4) ---------------------
def test_individual_plan_has_the_columns_of_seed_002(cast, mentorship, org_options):
    doc = opened(render(cast, "mentorship_plan", org_options(mentorship=mentorship.pk)).content)
    headers = tuple(cell.text for cell in doc.tables[0].rows[0].cells)
    assert headers == (
        "Наименование компетенций, которые необходимо сформировать, развить",
        "Содержание деятельности",
        "Сроки",
        "Формат (очный/ дистанционный)",
        "Результат",
    )
    row = [cell.text for cell in doc.tables[0].rows[1].cells]
    deadline = f"20.12.{mentorship.academic_year.start_year}"
    assert row[:4] == ["Орфографическая грамотность", "Еженедельные занятия", deadline, "очный"]
    lines = paragraphs(doc)
    assert "ФИО наставника: Сидоров Пётр Ильич" in lines
    assert "ФИО наставляемых: Иванова Мария Петровна" in lines
    assert "Индивидуальный план (комплекс мероприятий) в рамках организации работы наставнической пары/группы" in lines


def test_journal_has_the_columns_of_seed_002(cast, mentorship, org_options):
    doc = opened(render(cast, "mentorship_journal", org_options(mentorship=mentorship.pk)).content)
    headers = tuple(cell.text for cell in doc.tables[0].rows[0].cells)
    assert headers == (
        "Дата встречи",
        "Формат (очно/дистанционно) Форма встречи (индивидуальная/ групповая; диалог/обсуждение, экскурсия; "
        "публичная лекция / практическая работа)",
        "Цель (тема встречи)",
        "Содержание",
        "Результат",
        "Подпись",
    )
    row = [cell.text for cell in doc.tables[0].rows[1].cells]
    assert row[0] == f"12.10.{mentorship.academic_year.start_year}"
    assert row[1] == "дистанционно; индивидуальная; диалог / обсуждение"
    assert row[5].startswith("подтверждено: Иванова М. П.")
    assert "Направление: Подготовка к олимпиаде по русскому языку" in paragraphs(doc)


def test_order_on_pairs_names_the_mentor_in_the_instrumental(cast, mentorship, org_options):
    doc = opened(render(cast, "order_pairs", org_options(number="20-н")).content)
    text = all_text(doc)
    assert "О закреплении наставнических пар (групп)" in text
    assert (
        "1) за Сидоровым Петром Ильичом, учителем русского языка и литературы, — наставляемую Иванову Марию "
        "Петровну, обучающуюся 7 «Б» класса (форма наставничества «Учитель – ученик»)." in text
    )


def test_order_on_ending_a_mentorship(cast, mentorship, org_options):
    from nastavnik.mentorships.models import Mentorship

    with pytest.raises(ValidationError, match="действует без изменений"):
        render(cast, "order_mentorship_change", org_options(mentorship=mentorship.pk))
    end = mentorship.academic_year.start_date.replace(year=mentorship.academic_year.start_year + 1, month=5, day=30)
    Mentorship.objects.filter(pk=mentorship.pk).update(status="ended_early", end_date=end, end_reason="moved")
    text = all_text(opened(render(cast, "order_mentorship_change", org_options(mentorship=mentorship.pk)).content))
    assert "О прекращении наставничества" in text
    assert (
        f"Прекратить с 30 мая {end.year} г. наставничество за Сидоровым Петром Ильичом, учителем русского языка и "
        "литературы, в отношении Ивановой Марии Петровны, обучающейся 7 «Б» класса (форма наставничества "
        "«Учитель – ученик») (основание: переезд)." in text
    )
