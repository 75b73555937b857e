"""The catalogue of forms and roadmap templates (seeds 000, 002, 004) and the constructor hints (seed 004).

Pure data: no database."""

from __future__ import annotations

import dataclasses
import re

import pytest

from nastavnik.programs import hints
from nastavnik.programs.catalogue import (
    ACADEMIC_MONTHS,
    CATEGORIES,
    MENTORING_FORMS,
    RESPONSIBLE_ROLES,
    ROADMAP_TEMPLATES,
    SEED000_SECTIONS,
    form_by_code,
    template_by_code,
)

HYPHEN_BREAK = re.compile(r"[а-яё]- [а-яё]", re.IGNORECASE)


def _strings(value):
    """Every string inside a dataclass / tuple / str, recursively."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for element in value:
            yield from _strings(element)


def _hint_strings():
    for name in dir(hints):
        if name.isupper():
            yield from _strings(getattr(hints, name))


def _all_strings():
    yield from _strings(MENTORING_FORMS)
    yield from _strings(ROADMAP_TEMPLATES)
    yield from _strings(SEED000_SECTIONS)
    yield from _hint_strings()


def _academic(month):
    return ACADEMIC_MONTHS.index(month)


# --- forms (seed 002, table of mentoring forms) ----------------------------------------------


def test_seven_forms_with_unique_codes_and_exact_names():
    assert {form.code: form.name for form in MENTORING_FORMS} == {
        "pupil_pupil": "Ученик – ученик",
        "student_student": "Студент – студент",
        "teacher_teacher": "Учитель – учитель",
        "student_pupil": "Студент – ученик",
        "employer_pupil": "Работодатель – ученик",
        "teacher_pupil": "Учитель – ученик",
        "employer_student": "Работодатель – студент",
    }
    assert len(MENTORING_FORMS) == 7


def test_form_categories_are_allowed():
    for form in MENTORING_FORMS:
        assert form.mentor_categories, form.code
        assert form.mentee_categories, form.code
        assert set(form.mentor_categories) <= set(CATEGORIES), form.code
        assert set(form.mentee_categories) <= set(CATEGORIES), form.code


def test_pupil_pupil_and_student_student_share_one_row_of_the_table():
    pupils, students = form_by_code("pupil_pupil"), form_by_code("student_student")
    assert pupils.documents == students.documents
    assert pupils.work_formats == students.work_formats


@pytest.mark.parametrize("form", MENTORING_FORMS, ids=lambda form: form.code)
def test_each_form_is_filled_in(form):
    assert len(form.documents) >= 3
    assert len(form.work_formats) >= 3
    assert len(form.typical_requests) >= 3
    assert len(set(form.documents)) == len(form.documents)
    assert len(set(form.work_formats)) == len(form.work_formats)
    assert form.mentor_description.endswith(".")
    assert form.mentee_description.endswith(".")
    assert form.source.startswith("002")


def test_forms_that_are_not_rows_of_the_table_say_where_they_borrow_from():
    assert "Учитель – учитель" in form_by_code("teacher_pupil").source
    assert "Ученик – ученик" in form_by_code("teacher_pupil").source
    assert "Работодатель – ученик" in form_by_code("employer_student").source
    assert form_by_code("employer_student").documents == form_by_code("employer_pupil").documents


def test_form_texts_exactly_as_in_the_seed():
    # 002, table of forms: cells broken across lines and pages are whole again.
    assert "Волонтерская (добровольческая) деятельность" in form_by_code("pupil_pupil").work_formats
    assert "Образовательные практики «Дети – детям»" in form_by_code("pupil_pupil").work_formats
    assert "Форумная кампания Росмолодежи" in form_by_code("teacher_teacher").work_formats
    assert (
        "Дорожные карты / программы / планы по повышению уровня профессиональных компетенций педагогических работников"
        in form_by_code("teacher_teacher").documents
    )
    assert "Программы/планы межведомственного взаимодействия" in form_by_code("employer_pupil").documents
    assert form_by_code("employer_pupil").work_formats[-1] == "Гранты"
    assert "Экскурсии на место обучения наставника" in form_by_code("student_pupil").work_formats


def test_form_by_code_unknown():
    with pytest.raises(KeyError):
        form_by_code("parent_pupil")


# --- roadmap templates --------------------------------------------------------------------------


def test_templates_and_lookup():
    assert [template.code for template in ROADMAP_TEMPLATES] == ["seed000", "seed002", "seed004"]
    assert template_by_code("seed002") is ROADMAP_TEMPLATES[1]
    with pytest.raises(KeyError):
        template_by_code("seed003")


def test_seed000_has_items_1_1_to_7_8_in_seven_sections():
    template = template_by_code("seed000")
    counts = {1: 4, 2: 3, 3: 4, 4: 4, 5: 4, 6: 8, 7: 8}
    expected = [f"{stage}.{n}" for stage, count in counts.items() for n in range(1, count + 1)]
    assert [item.code for item in template.items] == expected
    assert len(template.sections) == 7
    assert template.sections[0] == "Подготовка условий для запуска программы наставничества"
    assert template.sections[-1] == "Завершение наставничества"
    for item in template.items:
        assert item.section == template.sections[int(item.code.split(".")[0]) - 1]
        assert item.deadline_text == ""
        assert item.indicators == ""


def test_seed000_texts_exactly_as_in_the_seed():
    items = {item.code: item for item in template_by_code("seed000").items}
    assert items["5.4"].content == (
        "Информирование участников о сложившихся парах/группах. "
        "Закрепление пар/групп распоряжением руководителя образовательной организации"
    )
    assert items["5.4"].responsible_role == "director"
    assert items["5.2"].content == (
        "Проведение анкетирования на предмет предпочитаемого наставника/наставляемого после завершения "
        "групповой встречи"
    )
    assert items["7.8"].content == "Формирование долгосрочной базы наставников"
    assert items["7.8"].end_month == 6
    assert items["2.3"].expected_result == (
        "Сформирована база наставляемых с перечнем запросов, необходимая для подбора кандидатов в наставники на "
        "следующем этапе"
    )
    # The months follow the seed's 7-stage algorithm: start in September, finish in June.
    assert items["1.1"].start_month == 9
    assert (items["4.4"].start_month, items["4.4"].end_month) == (12, 1)
    assert (items["6.4"].start_month, items["6.4"].end_month) == (2, 5)
    assert {items[code].responsible_role for code in ("6.1", "6.2", "6.3", "6.4", "6.6")} == {"mentor"}


def test_seed002_sections_and_items():
    template = template_by_code("seed002")
    assert template.sections == (
        "Организационно-методическое сопровождение деятельности",
        "Программно-методическое сопровождение деятельности",
        "Аналитическое сопровождение деятельности, мониторинг",
        "Информационное сопровождение деятельности",
        "Управление реализацией целевой модели наставничества на уровне образовательной организации",
    )
    assert len(template.items) >= 25
    assert [item.section for item in template.items] == sorted(
        (item.section for item in template.items), key=template.sections.index
    )
    for item in template.items:
        number, position = item.code.split(".")
        assert item.section == template.sections[int(number) - 1]
        assert int(position) >= 1
        assert item.responsible_role in {"director", "curator"}
        assert "дд.мм" not in item.deadline_text
        assert "мм.гггг" not in item.deadline_text
        assert item.expected_result
    assert len({item.code for item in template.items}) == len(template.items)


def test_seed002_texts_exactly_as_in_the_seed():
    items = {item.content: item for item in template_by_code("seed002").items}
    plans = items["Реализация индивидуальных планов"]
    assert "не менее чем на 90%" in plans.expected_result + plans.indicators
    assert plans.deadline_text == "В течение всего периода"
    assert (plans.start_month, plans.end_month) == (9, 6)

    mentors = items[
        "Формирование базы наставников из числа обучающихся, педагогов, представителей родительской общественности, "
        "выпускников, партнеров и т. д."
    ]
    assert mentors.deadline_text == "В течение всего периода реализации ЦМН"
    assert "не менее 10% от общего количества членов каждой целевой группы" in mentors.indicators

    agreements = items["Заключение соглашений с организациями-партнерами по внедрению целевой модели наставничества"]
    assert agreements.responsible_role == "director"
    assert agreements.deadline_text == ""

    diagnostics = next(item for item in items.values() if item.content.startswith("Организация диагностики"))
    assert diagnostics.deadline_text == "1 раз в квартал"
    training = next(item for item in items.values() if item.content.startswith("Организация обучения"))
    assert training.deadline_text == "По отдельному графику"
    consents = next(item for item in items.values() if item.content.startswith("Оформление согласий"))
    assert "100% участников" in consents.expected_result
    assert "не достигших 14-летнего возраста" in consents.content


def test_seed004_seven_stages():
    template = template_by_code("seed004")
    assert [item.code for item in template.items] == ["1", "2", "3", "4", "5", "6", "7"]
    assert template.sections == tuple(f"{n} этап" for n in range(1, 8))
    assert {item.responsible_role for item in template.items} == {"curator"}
    assert template.items[0].start_month == 9
    assert template.items[-1].end_month == 6
    assert "Сертификация кураторов" in template.items[5].content
    starts = [_academic(item.start_month) for item in template.items]
    assert starts == sorted(starts)


@pytest.mark.parametrize("template", ROADMAP_TEMPLATES, ids=lambda template: template.code)
def test_months_and_roles(template):
    for item in template.items:
        assert 1 <= item.start_month <= 12, item.code
        assert 1 <= item.end_month <= 12, item.code
        assert _academic(item.start_month) <= _academic(item.end_month), item.code
        assert item.responsible_role in RESPONSIBLE_ROLES, item.code
        assert item.content, item.code
        assert item.section in template.sections, item.code


# --- hints (seed 004) ------------------------------------------------------------------------------


def test_smart():
    assert [letter for letter, *_ in hints.SMART] == ["S", "M", "A", "R", "T"]
    assert [word for _, word, *_ in hints.SMART] == ["Specific", "Measurable", "Achievable", "Relevant", "Time bound"]
    assert hints.SMART[0][2] == "Конкретность и ясность"
    assert hints.SMART_EXAMPLE.endswith("на 25 %")


def test_constructor_examples():
    assert len(hints.PROBLEM_EXAMPLES) == 4
    assert all(
        "процент" in example and "…" not in example and ".." not in example for example in hints.PROBLEM_EXAMPLES
    )
    assert hints.PROBLEM_EXAMPLES[0].startswith("(высокий) процент (какой) выпускников уезжают из региона")
    assert len(hints.EXPECTED_RESULTS_QUANTITATIVE_EXAMPLES) == 8
    assert all(line.startswith("количество") for line in hints.EXPECTED_RESULTS_QUANTITATIVE_EXAMPLES)
    assert hints.EXPECTED_RESULTS_QUALITATIVE_EXAMPLES
    assert [code for code, _ in hints.RESOURCE_KINDS] == ["human", "material", "financial", "informational"]
    assert hints.TARGET_AUDIENCE_PROMPT == "Кому нужна эта программа?"


def test_normative_base():
    titles = [title for _, title in hints.NORMATIVE_BASE_DEFAULT]
    assert any("№ Р-145" in title for title in titles)
    assert any("№ 273-ФЗ" in title for title in titles)
    assert any("№ 152-ФЗ" in title for title in titles)
    assert {level for level, _ in hints.NORMATIVE_BASE_DEFAULT} == {"federal"}
    assert "№ 557 от 30 июня 2020 года" in hints.NORMATIVE_BASE_REGIONAL_EXAMPLE
    assert hints.NORMATIVE_BASE_REGIONAL_EXAMPLE.endswith("расположенных на территории Республики Алтай»")


# --- clean texts ---------------------------------------------------------------------------------


def test_no_pdf_or_html_artefacts():
    for text in _all_strings():
        assert "<p>" not in text, text
        assert "</p>" not in text, text
        assert "<b>" not in text, text
        assert not HYPHEN_BREAK.search(text), text
        assert "  " not in text, text
        assert text == text.strip(), text
        assert "⁷" not in text, text
