"""Services and selectors of the preparation stage: the program constructor and its versions, the
working group and its protocols, the roadmap, the initial-state analysis, the year rollover, and
the partner agreements the «работодатель–…» forms rely on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from nastavnik.orgs import services as org_services
from nastavnik.orgs.models import AcademicYear, PartnerAgreement
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Role, RoleKind
from nastavnik.programs import hints, selectors, services
from nastavnik.programs.models import (
    InitialAnalysis,
    ItemStatus,
    MentoringForm,
    NormativeAct,
    OrganizationYear,
    Program,
    ProgramStatus,
    Roadmap,
    RoadmapItem,
    WorkingGroupMeeting,
    WorkingGroupMember,
)

from ..factories import PartnerFactory

T = services.STEP_TITLES
RESULTS_MISSING = "Ожидаемые результаты (нужен хотя бы один количественный с целевым значением)"
ALL_MISSING = [
    T["problem"],
    T["goal"],
    T["audience"],
    RESULTS_MISSING,
    T["implementers"],
    T["resources"],
    T["normative"],
    T["forms"],
    T["duration"],
]
SMART_GOAL = "Увеличить долю молодых педагогов, оставшихся в школе, на 25 % к 31 мая"
WARN_M = "M — измеримость: в цели нет числа (количество или процент, которого нужно достичь)."
WARN_T = "T — срок: в цели не указано, к какому сроку будет получен результат."

SEED000_CODES = [
    *(f"1.{n}" for n in range(1, 5)),
    *(f"2.{n}" for n in range(1, 4)),
    *(f"3.{n}" for n in range(1, 5)),
    *(f"4.{n}" for n in range(1, 5)),
    *(f"5.{n}" for n in range(1, 5)),
    *(f"6.{n}" for n in range(1, 9)),
    *(f"7.{n}" for n in range(1, 9)),
]
SEED002_SECTIONS = [
    "Организационно-методическое сопровождение деятельности",
    "Программно-методическое сопровождение деятельности",
    "Аналитическое сопровождение деятельности, мониторинг",
    "Информационное сопровождение деятельности",
    "Управление реализацией целевой модели наставничества на уровне образовательной организации",
]


def _year() -> AcademicYear:
    return academic_year_current()


def _sy() -> int:
    return _year().start_year


def _forms(*codes):
    return list(MentoringForm.objects.filter(code__in=codes).order_by("code"))


def _program(cast, actor="curator", title="Программа наставничества Ершовской СОШ") -> Program:
    return services.program_create(
        actor=cast.user(actor), organization=cast.school_a, academic_year=_year(), title=title
    )


def _steps() -> dict[str, dict]:
    sy = _sy()
    return {
        "problem": {
            "title": "Молодые  педагоги остаются в школе",
            "problem": "  Треть молодых учителей уходит из школы после первых двух лет работы.  ",
        },
        "goal": {"goal": SMART_GOAL},
        "audience": {"target_audience": "Молодые педагоги со стажем до 3 лет"},
        "results": {
            "results": [
                {
                    "kind": "quantitative",
                    "text": "Доля молодых педагогов, оставшихся в школе",
                    "target_value": Decimal("25"),
                    "unit": "%",
                },
                {
                    "kind": "qualitative",
                    "text": "Рост удовлетворённости молодых педагогов работой",
                    "target_value": None,
                    "unit": "",
                },
            ]
        },
        "implementers": {"implementers": "Куратор и рабочая группа школы"},
        "resources": {
            "resources": {
                "human": " Пять опытных педагогов-наставников ",
                "material": "Кабинет для встреч",
                "financial": "   ",
                "informational": "Страница на сайте школы",
            }
        },
        "normative": {
            "acts": [
                {"level": "federal", "title": "Распоряжение Минпросвещения России от 25.12.2019 № Р-145"},
                {"level": "local", "title": "Положение о наставничестве в Ершовской СОШ"},
            ]
        },
        "forms": {"forms": _forms("teacher_teacher", "student_pupil")},
        "duration": {"start_date": dt.date(sy, 9, 15), "end_date": dt.date(sy + 1, 5, 31)},
    }


def _fill(cast, program, actor="curator", skip=()) -> Program:
    for step, data in _steps().items():
        if step not in skip:
            services.program_save_step(actor=cast.user(actor), program=program, step=step, data=data)
    program.refresh_from_db()
    return program


def _approved(cast) -> Program:
    program = _fill(cast, _program(cast))
    return services.program_approve(actor=cast.user("director"), program=program)


def _results(program):
    return sorted((r.kind, r.text, r.target_value, r.unit) for r in program.results.all())


def _resources(program):
    return {r.kind: r.description for r in program.resources.all()}


def _acts(program):
    return [(a.level, a.title) for a in program.acts.order_by("id")]


def _form_codes(program):
    return sorted(program.forms.values_list("code", flat=True))


def _close(organization, academic_year):
    OrganizationYear.objects.update_or_create(
        organization=organization, academic_year=academic_year, defaults={"closed_at": timezone.now()}
    )


def _roadmap(cast, template="seed000", actor="curator") -> Roadmap:
    return services.roadmap_from_template(
        actor=cast.user(actor), organization=cast.school_a, academic_year=_year(), template_code=template
    )


def _item(roadmap, code) -> RoadmapItem:
    return roadmap.items.get(code=code)


def _appoint(cast, person=None, position="curator", actor="director", **extra):
    return services.group_member_add(
        actor=cast.user(actor),
        organization=cast.school_a,
        academic_year=_year(),
        person=person or cast.teacher_a,
        position=position,
        start_date=extra.pop("start_date", _year().start_date),
        **extra,
    )


# --- program_create ----------------------------------------------------------------------------
def test_program_create_makes_a_draft_with_the_federal_base(cast):
    program = _program(cast, title="  Программа   наставничества  ")

    program.refresh_from_db()
    assert program.status == ProgramStatus.DRAFT
    assert program.version == 1
    assert program.title == "Программа наставничества"
    assert (program.organization, program.municipality, program.region) == (
        cast.school_a,
        cast.municipality_a,
        cast.region_a,
    )
    acts = _acts(program)
    assert [level for level, _title in acts] == ["federal", "federal", "federal"]
    assert "Р-145" in acts[0][1]
    assert "273-ФЗ" in acts[1][1]
    assert "152-ФЗ" in acts[2][1]


def test_program_create_sets_default_dates_inside_the_year(cast):
    program = _program(cast)

    year = _year()
    assert program.start_date == dt.date(year.start_year, 9, 1)
    assert program.end_date == dt.date(year.start_year + 1, 6, 30)
    assert year.contains(program.start_date)
    assert year.contains(program.end_date)


def test_program_create_refuses_a_closed_year(cast):
    _close(cast.school_a, _year())

    with pytest.raises(PermissionDenied) as error:
        _program(cast)

    assert "закрыт" in str(error.value)
    assert Program.objects.count() == 0
    assert NormativeAct.objects.count() == 0


# --- program_save_step --------------------------------------------------------------------------
def test_problem_step_saves_title_and_problem(cast):
    program = _program(cast)

    services.program_save_step(actor=cast.user("curator"), program=program, step="problem", data=_steps()["problem"])

    program.refresh_from_db()
    assert program.title == "Молодые педагоги остаются в школе"
    assert program.problem == "Треть молодых учителей уходит из школы после первых двух лет работы."
    assert program.last_step == "problem"


def test_problem_step_keeps_title_when_blank(cast):
    program = _program(cast, title="Старое название")

    services.program_save_step(
        actor=cast.user("curator"), program=program, step="problem", data={"title": "  ", "problem": "Текст"}
    )

    program.refresh_from_db()
    assert program.title == "Старое название"
    assert program.problem == "Текст"


@pytest.mark.parametrize(
    ("step", "field", "value"),
    [
        ("goal", "goal", SMART_GOAL),
        ("audience", "target_audience", "Молодые педагоги со стажем до 3 лет"),
        ("implementers", "implementers", "Куратор и рабочая группа школы"),
    ],
)
def test_text_steps_save_their_field(cast, step, field, value):
    program = _program(cast)

    services.program_save_step(actor=cast.user("curator"), program=program, step=step, data={field: f"  {value} "})

    program.refresh_from_db()
    assert getattr(program, field) == value
    assert program.last_step == step


def test_results_step_stores_quantitative_and_qualitative_rows(cast):
    program = _program(cast)

    services.program_save_step(actor=cast.user("curator"), program=program, step="results", data=_steps()["results"])

    assert _results(program) == [
        ("qualitative", "Рост удовлетворённости молодых педагогов работой", None, ""),
        ("quantitative", "Доля молодых педагогов, оставшихся в школе", Decimal("25.00"), "%"),
    ]


def test_results_step_replaces_previous_rows(cast):
    program = _program(cast)
    services.program_save_step(actor=cast.user("curator"), program=program, step="results", data=_steps()["results"])

    new_rows = [{"kind": "quantitative", "text": "Число наставнических пар", "target_value": Decimal("12"), "unit": ""}]
    services.program_save_step(actor=cast.user("curator"), program=program, step="results", data={"results": new_rows})

    assert _results(program) == [("quantitative", "Число наставнических пар", Decimal("12.00"), "")]


def test_resources_step_stores_non_empty_kinds(cast):
    program = _program(cast)

    services.program_save_step(
        actor=cast.user("curator"), program=program, step="resources", data=_steps()["resources"]
    )

    assert _resources(program) == {
        "human": "Пять опытных педагогов-наставников",
        "material": "Кабинет для встреч",
        "informational": "Страница на сайте школы",
    }
    program.refresh_from_db()
    assert program.last_step == "resources"


def test_normative_step_replaces_the_acts(cast):
    program = _program(cast)

    services.program_save_step(
        actor=cast.user("curator"), program=program, step="normative", data=_steps()["normative"]
    )

    assert _acts(program) == [
        ("federal", "Распоряжение Минпросвещения России от 25.12.2019 № Р-145"),
        ("local", "Положение о наставничестве в Ершовской СОШ"),
    ]


def test_forms_step_sets_the_forms(cast):
    program = _program(cast)

    services.program_save_step(actor=cast.user("curator"), program=program, step="forms", data=_steps()["forms"])
    assert _form_codes(program) == ["student_pupil", "teacher_teacher"]

    services.program_save_step(
        actor=cast.user("curator"), program=program, step="forms", data={"forms": _forms("employer_pupil")}
    )
    assert _form_codes(program) == ["employer_pupil"]


def test_duration_step_saves_dates(cast):
    program = _program(cast)
    sy = _sy()

    services.program_save_step(actor=cast.user("curator"), program=program, step="duration", data=_steps()["duration"])

    program.refresh_from_db()
    assert (program.start_date, program.end_date) == (dt.date(sy, 9, 15), dt.date(sy + 1, 5, 31))
    assert program.last_step == "duration"


def test_unknown_step_is_refused(cast):
    program = _program(cast)

    with pytest.raises(ValidationError) as error:
        services.program_save_step(actor=cast.user("curator"), program=program, step="budget", data={"goal": "x"})

    assert error.value.messages == ["Неизвестный шаг конструктора."]
    program.refresh_from_db()
    assert program.last_step == ""
    assert program.goal == ""


@pytest.mark.parametrize("start", [(0, 8, 31), (1, 9, 1)])
def test_duration_start_outside_the_year_is_refused(cast, start):
    program = _program(cast)
    sy = _sy()
    start_date = dt.date(sy + start[0], start[1], start[2])

    with pytest.raises(ValidationError) as error:
        services.program_save_step(
            actor=cast.user("curator"),
            program=program,
            step="duration",
            data={"start_date": start_date, "end_date": dt.date(sy + 2, 6, 30)},
        )

    assert set(error.value.message_dict) == {"start_date"}
    assert "в пределах учебного года" in error.value.message_dict["start_date"][0]
    program.refresh_from_db()
    assert (program.start_date, program.end_date) == (dt.date(sy, 9, 1), dt.date(sy + 1, 6, 30))
    assert program.last_step == ""


def test_duration_end_before_start_is_refused(cast):
    program = _program(cast)
    sy = _sy()

    with pytest.raises(ValidationError) as error:
        services.program_save_step(
            actor=cast.user("curator"),
            program=program,
            step="duration",
            data={"start_date": dt.date(sy, 10, 1), "end_date": dt.date(sy, 9, 30)},
        )

    assert error.value.message_dict == {"end_date": ["Окончание раньше начала."]}
    program.refresh_from_db()
    assert (program.start_date, program.end_date) == (dt.date(sy, 9, 1), dt.date(sy + 1, 6, 30))


def test_working_group_member_may_not_save_a_step(cast):
    program = _program(cast)

    with pytest.raises(PermissionDenied):
        services.program_save_step(actor=cast.user("working_group"), program=program, step="goal", data={"goal": "x"})

    program.refresh_from_db()
    assert program.goal == ""


# --- program_missing_parts ----------------------------------------------------------------------
def test_missing_parts_of_a_fresh_program(cast):
    program = _program(cast)
    services.program_save_step(actor=cast.user("curator"), program=program, step="normative", data={"acts": []})
    services.program_save_step(
        actor=cast.user("curator"),
        program=program,
        step="duration",
        data={"start_date": None, "end_date": None},
    )

    assert services.program_missing_parts(program) == ALL_MISSING


def test_missing_parts_of_a_new_program_has_the_prefilled_base_and_dates(cast):
    program = _program(cast)

    assert services.program_missing_parts(program) == [
        T["problem"],
        T["goal"],
        T["audience"],
        RESULTS_MISSING,
        T["implementers"],
        T["resources"],
        T["forms"],
    ]


def test_complete_program_has_no_missing_parts(cast):
    program = _fill(cast, _program(cast))

    assert services.program_missing_parts(program) == []


EMPTY_STEP = {
    "problem": {"title": "Программа", "problem": "  "},
    "goal": {"goal": ""},
    "audience": {"target_audience": " "},
    "results": {"results": []},
    "implementers": {"implementers": ""},
    "resources": {"resources": {"human": " ", "material": ""}},
    "normative": {"acts": []},
    "forms": {"forms": []},
    "duration": {"start_date": None, "end_date": None},
}


@pytest.mark.parametrize("step", services.STEP_CODES)
def test_each_emptied_part_is_named(cast, step):
    program = _fill(cast, _program(cast))

    services.program_save_step(actor=cast.user("curator"), program=program, step=step, data=EMPTY_STEP[step])

    expected = RESULTS_MISSING if step == "results" else T[step]
    assert services.program_missing_parts(program) == [expected]


def test_quantitative_result_without_target_does_not_count(cast):
    program = _fill(cast, _program(cast))
    rows = [
        {"kind": "quantitative", "text": "Число наставнических пар", "target_value": None, "unit": "пар"},
        {"kind": "qualitative", "text": "Рост удовлетворённости", "target_value": None, "unit": ""},
    ]
    services.program_save_step(actor=cast.user("curator"), program=program, step="results", data={"results": rows})

    assert services.program_missing_parts(program) == [RESULTS_MISSING]


def test_qualitative_result_with_a_number_does_not_count(cast):
    program = _fill(cast, _program(cast))
    rows = [{"kind": "qualitative", "text": "Удовлетворённость", "target_value": Decimal("80"), "unit": "%"}]
    services.program_save_step(actor=cast.user("curator"), program=program, step="results", data={"results": rows})

    assert services.program_missing_parts(program) == [RESULTS_MISSING]


# --- program_approve ---------------------------------------------------------------------------
def test_curator_may_not_approve(cast):
    program = _fill(cast, _program(cast))

    with pytest.raises(PermissionDenied) as error:
        services.program_approve(actor=cast.user("curator"), program=program)

    assert str(error.value) == "Утверждает программу руководитель организации."
    program.refresh_from_db()
    assert (program.status, program.approved_at, program.approved_by) == (ProgramStatus.DRAFT, None, None)


def test_director_may_not_approve_an_incomplete_program(cast):
    program = _program(cast)
    services.program_save_step(actor=cast.user("curator"), program=program, step="goal", data={"goal": SMART_GOAL})

    with pytest.raises(ValidationError) as error:
        services.program_approve(actor=cast.user("director"), program=program)

    assert error.value.messages == [
        "Нельзя утвердить программу: не заполнено — Проблема; Целевая аудитория; "
        f"{RESULTS_MISSING}; Реализаторы; Ресурсы; Формы наставничества."
    ]
    program.refresh_from_db()
    assert (program.status, program.approved_at, program.approved_by) == (ProgramStatus.DRAFT, None, None)


def test_director_approves_a_complete_program(cast):
    program = _fill(cast, _program(cast))
    before = timezone.now()

    services.program_approve(actor=cast.user("director"), program=program)

    program.refresh_from_db()
    assert program.status == ProgramStatus.APPROVED
    assert program.approved_by == cast.user("director")
    assert before <= program.approved_at <= timezone.now()
    assert program.is_editable is False


def test_approving_twice_is_refused(cast):
    program = _approved(cast)
    program.refresh_from_db()
    approved_at = program.approved_at

    with pytest.raises(ValidationError) as error:
        services.program_approve(actor=cast.user("director"), program=program)

    assert error.value.messages == ["Утвердить можно только черновик."]
    program.refresh_from_db()
    assert (program.status, program.approved_at) == (ProgramStatus.APPROVED, approved_at)


def test_approved_program_is_read_only(cast):
    program = _approved(cast)

    with pytest.raises(PermissionDenied) as error:
        services.program_save_step(
            actor=cast.user("curator"), program=program, step="goal", data={"goal": "Другая цель"}
        )

    assert "новую версию" in str(error.value)
    assert "Версия 1" in str(error.value)
    program.refresh_from_db()
    assert program.goal == SMART_GOAL
    assert program.last_step == "duration"


# --- program_new_version -----------------------------------------------------------------------
def test_new_version_copies_everything_into_a_draft(cast):
    approved = _approved(cast)

    draft = services.program_new_version(actor=cast.user("curator"), program=approved)

    draft.refresh_from_db()
    approved.refresh_from_db()
    assert draft.pk != approved.pk
    assert (draft.status, draft.version, draft.previous) == (ProgramStatus.DRAFT, 2, approved)
    assert (draft.approved_at, draft.approved_by, draft.last_step) == (None, None, "")
    for field in ("title", "problem", "goal", "target_audience", "implementers", "start_date", "end_date"):
        assert getattr(draft, field) == getattr(approved, field), field
    assert draft.title == "Молодые педагоги остаются в школе"
    assert draft.academic_year == approved.academic_year
    assert draft.organization == cast.school_a
    assert _form_codes(draft) == ["student_pupil", "teacher_teacher"]
    assert _results(draft) == _results(approved)
    assert len(_results(draft)) == 2
    assert _resources(draft) == _resources(approved)
    assert len(_resources(draft)) == 3
    assert _acts(draft) == _acts(approved)
    assert len(_acts(draft)) == 2
    # the approved version stays in force, untouched
    assert approved.status == ProgramStatus.APPROVED
    assert len(_results(approved)) == 2


def test_new_version_is_idempotent(cast):
    approved = _approved(cast)
    draft = services.program_new_version(actor=cast.user("curator"), program=approved)
    count = Program.objects.count()

    again = services.program_new_version(actor=cast.user("director"), program=approved)

    assert again.pk == draft.pk
    assert Program.objects.count() == count == 2


def test_approving_the_new_version_supersedes_the_old_one(cast):
    approved = _approved(cast)
    draft = services.program_new_version(actor=cast.user("curator"), program=approved)
    services.program_save_step(
        actor=cast.user("curator"),
        program=draft,
        step="goal",
        data={"goal": "Увеличить долю молодых педагогов на 30 % к концу года"},
    )

    services.program_approve(actor=cast.user("director"), program=draft)

    approved.refresh_from_db()
    draft.refresh_from_db()
    assert approved.status == ProgramStatus.SUPERSEDED
    assert draft.status == ProgramStatus.APPROVED
    assert approved.goal == SMART_GOAL
    assert selectors.current_program(organization=cast.school_a, academic_year=_year()) == draft


def test_new_version_of_a_draft_is_refused(cast):
    program = _program(cast)

    with pytest.raises(ValidationError) as error:
        services.program_new_version(actor=cast.user("curator"), program=program)

    assert error.value.messages == ["Новую версию создают из утверждённой программы; черновик можно изменять."]
    assert Program.objects.count() == 1


# --- smart_warnings ------------------------------------------------------------------------------
@pytest.mark.parametrize("goal", ["", "   \n "])
def test_smart_empty_goal(goal):
    assert services.smart_warnings(goal) == ["Цель не сформулирована."]


def test_smart_goal_without_digits_warns_about_m():
    assert services.smart_warnings("Увеличить долю молодых педагогов, оставшихся в школе, к концу года") == [WARN_M]


def test_smart_goal_without_deadline_warns_about_t():
    assert services.smart_warnings("Увеличить долю молодых педагогов, оставшихся в школе, на 25 %") == [WARN_T]


def test_smart_vague_goal_warns_about_both():
    assert services.smart_warnings("Улучшить работу с молодыми педагогами") == [WARN_M, WARN_T]


def test_smart_example_of_the_seed_has_no_warnings():
    assert services.smart_warnings(hints.SMART_EXAMPLE) == []


def test_smart_goal_with_number_and_date_has_no_warnings():
    assert services.smart_warnings(SMART_GOAL) == []


@given(st.text(max_size=60), st.integers(min_value=0, max_value=10**6))
def test_smart_any_number_satisfies_m(text, number):
    assert WARN_M not in services.smart_warnings(f"{text} {number}")


@pytest.mark.parametrize("month", [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8])
def test_month_date_stays_inside_the_academic_year(month):
    year = AcademicYear(start_year=2026)

    first = services.month_date(year, month, last=False)
    last = services.month_date(year, month, last=True)

    assert (first.month, last.month, first.day) == (month, month, 1)
    assert first.year == (2026 if month >= 9 else 2027)
    assert (last + dt.timedelta(days=1)).day == 1
    assert year.contains(first)
    assert year.contains(last)


# --- working group -------------------------------------------------------------------------------
def test_director_appoints_a_curator_and_gives_the_role(cast):
    assert not Role.objects.filter(person=cast.teacher_a, kind=RoleKind.CURATOR).exists()

    member = _appoint(cast, duties="  Ведёт  базу наставников ")

    member.refresh_from_db()
    assert (member.organization, member.academic_year, member.person) == (cast.school_a, _year(), cast.teacher_a)
    assert member.position == "curator"
    assert member.duties == "Ведёт базу наставников"
    assert member.start_date == _year().start_date
    role = Role.objects.get(person=cast.teacher_a, kind=RoleKind.CURATOR)
    assert role.organization == cast.school_a
    assert role.start_date == _year().start_date


def test_curator_may_not_appoint_a_curator(cast):
    with pytest.raises(PermissionDenied):
        _appoint(cast, actor="curator")

    assert WorkingGroupMember.objects.count() == 0
    assert not Role.objects.filter(person=cast.teacher_a).exists()


def test_curator_adds_a_member(cast):
    member = _appoint(cast, position="member", actor="curator")

    assert member.position == "member"
    assert list(WorkingGroupMember.objects.values_list("person", flat=True)) == [cast.teacher_a.pk]
    assert Role.objects.filter(person=cast.teacher_a, kind=RoleKind.WORKING_GROUP, organization=cast.school_a).exists()


def test_person_of_another_organisation_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        _appoint(cast, person=cast.person_b, position="member", actor="curator")

    assert error.value.message_dict == {"person": ["В рабочую группу включают участников этой организации."]}
    assert WorkingGroupMember.objects.count() == 0
    assert not Role.objects.filter(person=cast.person_b).exists()


def test_same_person_twice_in_a_year_is_refused(cast):
    _appoint(cast, position="member", actor="curator")

    with pytest.raises(ValidationError) as error:
        _appoint(cast, position="curator", actor="director")

    assert error.value.messages == ["Сидоров Пётр Ильич уже в рабочей группе этого года."]
    assert list(WorkingGroupMember.objects.values_list("position", flat=True)) == ["member"]
    assert not Role.objects.filter(person=cast.teacher_a, kind=RoleKind.CURATOR).exists()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [((0, 8, 31), None, "start_date"), ((0, 9, 1), (1, 9, 1), "end_date")],
)
def test_group_dates_outside_the_year_are_refused(cast, start, end, field):
    sy = _sy()
    start_date = dt.date(sy + start[0], start[1], start[2])
    end_date = dt.date(sy + end[0], end[1], end[2]) if end else None

    with pytest.raises(ValidationError) as error:
        _appoint(cast, position="member", actor="curator", start_date=start_date, end_date=end_date)

    assert set(error.value.message_dict) == {field}
    assert WorkingGroupMember.objects.count() == 0


def test_group_end_before_start_is_refused(cast):
    sy = _sy()

    with pytest.raises(ValidationError) as error:
        _appoint(cast, position="member", start_date=dt.date(sy, 10, 1), end_date=dt.date(sy, 9, 30))

    assert error.value.message_dict == {"end_date": ["Окончание раньше начала."]}
    assert WorkingGroupMember.objects.count() == 0


def test_director_removes_a_member(cast):
    member = _appoint(cast, position="member")

    services.group_member_remove(actor=cast.user("director"), member=member)

    assert WorkingGroupMember.objects.count() == 0


def test_curator_may_not_remove_a_member(cast):
    member = _appoint(cast, position="member")

    with pytest.raises(PermissionDenied):
        services.group_member_remove(actor=cast.user("curator"), member=member)

    assert list(WorkingGroupMember.objects.values_list("pk", flat=True)) == [member.pk]


# --- meetings --------------------------------------------------------------------------------
def _meeting(cast, day, agenda="О внедрении целевой модели наставничества", **extra):
    return services.group_meeting_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=_year(), date=day, agenda=agenda, **extra
    )


def test_meetings_are_numbered_within_the_year(cast):
    sy = _sy()
    _appoint(cast)

    first = _meeting(cast, dt.date(sy, 9, 5), attendees=[cast.teacher_a], decisions=" Утвердить план ")
    second = _meeting(cast, dt.date(sy, 10, 5))
    third = _meeting(cast, dt.date(sy, 11, 5))

    assert [first.number, second.number, third.number] == [1, 2, 3]
    first.refresh_from_db()
    assert first.decisions == "Утвердить план"
    assert list(first.attendees.all()) == [cast.teacher_a]
    # the next year starts its own numbering
    next_year, _ = AcademicYear.objects.get_or_create(start_year=sy + 1)
    other = services.group_meeting_save(
        actor=cast.user("curator"),
        organization=cast.school_a,
        academic_year=next_year,
        date=dt.date(sy + 1, 9, 5),
        agenda="Новый год",
    )
    assert other.number == 1


def test_meeting_edit_keeps_its_number(cast):
    sy = _sy()
    meeting = _meeting(cast, dt.date(sy, 9, 5))
    _meeting(cast, dt.date(sy, 10, 5))

    edited = _meeting(cast, dt.date(sy, 9, 6), agenda="Исправленная повестка", meeting=meeting)

    edited.refresh_from_db()
    assert (edited.number, edited.date, edited.agenda) == (1, dt.date(sy, 9, 6), "Исправленная повестка")
    assert WorkingGroupMeeting.objects.count() == 2


def test_meeting_without_agenda_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        _meeting(cast, dt.date(_sy(), 9, 5), agenda="   ")

    assert error.value.message_dict == {"agenda": ["Укажите повестку заседания."]}
    assert WorkingGroupMeeting.objects.count() == 0


def test_meeting_outside_the_year_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        _meeting(cast, dt.date(_sy() + 1, 9, 1))

    assert set(error.value.message_dict) == {"date"}
    assert WorkingGroupMeeting.objects.count() == 0


# --- roadmap_from_template ----------------------------------------------------------------------
def test_seed000_roadmap_has_35_items_in_order(cast):
    roadmap = _roadmap(cast)

    items = list(roadmap.items.order_by("sort_order"))
    assert len(items) == 35
    assert [i.code for i in items] == SEED000_CODES
    assert [i.sort_order for i in items] == list(range(1, 36))
    assert roadmap.template_code == "seed000"
    assert roadmap.title == f"Дорожная карта внедрения целевой модели наставничества на {_year()}"
    assert (roadmap.organization, roadmap.municipality, roadmap.region) == (
        cast.school_a,
        cast.municipality_a,
        cast.region_a,
    )
    assert all(i.status == ItemStatus.PLANNED for i in items)


def test_seed000_dates_fall_on_real_months(cast):
    roadmap = _roadmap(cast)
    sy = _sy()

    first, last = _item(roadmap, "1.1"), _item(roadmap, "7.8")
    assert (first.start_date, first.due_date) == (dt.date(sy, 9, 1), dt.date(sy, 9, 30))
    assert (last.start_date, last.due_date) == (dt.date(sy + 1, 6, 1), dt.date(sy + 1, 6, 30))
    across = _item(roadmap, "4.4")  # December → January
    assert (across.start_date, across.due_date) == (dt.date(sy, 12, 1), dt.date(sy + 1, 1, 31))
    assert all(_year().contains(i.start_date) and _year().contains(i.due_date) for i in roadmap.items.all())


def test_seed000_takes_responsible_people_from_the_working_group(cast):
    _appoint(cast)  # the teacher is the curator of the working group

    roadmap = _roadmap(cast)

    curator_items = list(roadmap.items.filter(responsible_role="curator"))
    assert len(curator_items) == 21
    assert {i.responsible for i in curator_items} == {cast.teacher_a}
    assert _item(roadmap, "5.4").responsible == cast.user("director").person
    assert _item(roadmap, "6.1").responsible is None  # mentors are chosen later


def test_seed000_without_a_working_group_leaves_curator_items_unassigned(cast):
    roadmap = _roadmap(cast)

    assert set(roadmap.items.filter(responsible_role="curator").values_list("responsible", flat=True)) == {None}


def test_loading_a_second_roadmap_is_refused(cast):
    _roadmap(cast)

    with pytest.raises(ValidationError) as error:
        _roadmap(cast, template="seed002")

    assert error.value.messages == [
        "Дорожная карта на этот учебный год уже есть: её пункты можно изменять и дополнять."
    ]
    assert Roadmap.objects.count() == 1
    assert RoadmapItem.objects.count() == 35


def test_unknown_template_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        _roadmap(cast, template="seed999")

    assert error.value.messages == ["Неизвестный шаблон дорожной карты."]
    assert Roadmap.objects.count() == 0


def test_seed002_loads_with_its_five_sections(cast):
    roadmap = _roadmap(cast, template="seed002")

    items = list(roadmap.items.order_by("sort_order"))
    sections = list(dict.fromkeys(i.section for i in items))
    assert sections == SEED002_SECTIONS
    assert roadmap.template_code == "seed002"
    for item in items:
        number = int(item.code.split(".")[0])
        assert item.section == SEED002_SECTIONS[number - 1]
        assert item.due_date >= item.start_date


# --- roadmap_item_save -------------------------------------------------------------------------
def test_new_item_is_appended(cast):
    roadmap = _roadmap(cast, template="seed004")
    sy = _sy()

    item = services.roadmap_item_save(
        actor=cast.user("curator"),
        roadmap=roadmap,
        code="8",
        content="  Итоговый педсовет  ",
        start_date=dt.date(sy + 1, 6, 1),
        due_date=dt.date(sy + 1, 6, 20),
        responsible=cast.teacher_a,
    )

    item.refresh_from_db()
    assert roadmap.items.count() == 8
    assert item.sort_order == 8
    assert (item.code, item.content, item.responsible) == ("8", "Итоговый педсовет", cast.teacher_a)
    assert list(roadmap.items.order_by("sort_order").values_list("code", flat=True))[-1] == "8"


def test_item_due_before_start_is_refused(cast):
    roadmap = _roadmap(cast, template="seed004")
    sy = _sy()

    with pytest.raises(ValidationError) as error:
        services.roadmap_item_save(
            actor=cast.user("curator"),
            roadmap=roadmap,
            content="Педсовет",
            start_date=dt.date(sy, 10, 10),
            due_date=dt.date(sy, 10, 9),
        )

    assert error.value.message_dict == {"due_date": ["Срок раньше начала."]}
    assert roadmap.items.count() == 7


@pytest.mark.parametrize(
    ("start", "due", "fields"),
    [((0, 8, 31), (0, 9, 30), {"start_date"}), ((1, 8, 1), (1, 9, 1), {"due_date"})],
)
def test_item_dates_outside_the_year_are_refused(cast, start, due, fields):
    roadmap = _roadmap(cast)
    item = _item(roadmap, "1.1")
    sy = _sy()

    with pytest.raises(ValidationError) as error:
        services.roadmap_item_save(
            actor=cast.user("curator"),
            roadmap=roadmap,
            item=item,
            start_date=dt.date(sy + start[0], start[1], start[2]),
            due_date=dt.date(sy + due[0], due[1], due[2]),
        )

    assert set(error.value.message_dict) == fields
    item.refresh_from_db()
    assert (item.start_date, item.due_date) == (dt.date(sy, 9, 1), dt.date(sy, 9, 30))


def test_item_responsible_of_another_organisation_is_refused(cast):
    roadmap = _roadmap(cast)
    item = _item(roadmap, "1.1")

    with pytest.raises(ValidationError) as error:
        services.roadmap_item_save(actor=cast.user("curator"), roadmap=roadmap, item=item, responsible=cast.person_b)

    assert error.value.message_dict == {"responsible": ["Ответственный должен быть из этой организации."]}
    item.refresh_from_db()
    assert item.responsible is None


# --- roadmap_item_set_status ---------------------------------------------------------------------
def test_done_without_evidence_is_refused(cast):
    item = _item(_roadmap(cast), "1.1")

    with pytest.raises(ValidationError) as error:
        services.roadmap_item_set_status(actor=cast.user("curator"), item=item, status="done", evidence_text="  ")

    assert set(error.value.message_dict) == {"evidence_text"}
    item.refresh_from_db()
    assert (item.status, item.done_at, item.evidence_text) == (ItemStatus.PLANNED, None, "")


def test_done_with_evidence_sets_done_at(cast):
    item = _item(_roadmap(cast), "1.1")
    day = dt.date(_sy(), 9, 20)

    services.roadmap_item_set_status(
        actor=cast.user("curator"), item=item, status="done", evidence_text=" Протокол педсовета № 1 ", today=day
    )

    item.refresh_from_db()
    assert (item.status, item.done_at, item.evidence_text) == (ItemStatus.DONE, day, "Протокол педсовета № 1")


def test_done_without_today_uses_the_local_date(cast):
    item = _item(_roadmap(cast), "1.1")

    services.roadmap_item_set_status(
        actor=cast.user("curator"), item=item, status="done", evidence_url="https://school.example.ru/order-1"
    )

    item.refresh_from_db()
    assert (item.status, item.done_at) == (ItemStatus.DONE, timezone.localdate())
    assert item.evidence_url == "https://school.example.ru/order-1"


def test_back_to_planned_clears_done_at(cast):
    item = _item(_roadmap(cast), "1.1")
    services.roadmap_item_set_status(
        actor=cast.user("curator"), item=item, status="done", evidence_text="Приказ", today=dt.date(_sy(), 9, 20)
    )

    services.roadmap_item_set_status(actor=cast.user("curator"), item=item, status="planned")

    item.refresh_from_db()
    assert (item.status, item.done_at) == (ItemStatus.PLANNED, None)
    assert item.evidence_text == "Приказ"


def test_unknown_status_is_refused(cast):
    item = _item(_roadmap(cast), "1.1")

    with pytest.raises(ValidationError) as error:
        services.roadmap_item_set_status(actor=cast.user("curator"), item=item, status="cancelled", evidence_text="x")

    assert error.value.message_dict == {"status": ["Неизвестный статус."]}
    item.refresh_from_db()
    assert (item.status, item.evidence_text) == (ItemStatus.PLANNED, "")


# --- selectors: summary, timeline, overdue -----------------------------------------------------------
def test_roadmap_summary_counts(cast):
    roadmap = _roadmap(cast)
    sy = _sy()
    services.roadmap_item_set_status(
        actor=cast.user("curator"), item=_item(roadmap, "1.1"), status="done", evidence_text="Приказ"
    )
    services.roadmap_item_set_status(actor=cast.user("curator"), item=_item(roadmap, "2.1"), status="in_progress")
    services.roadmap_item_set_status(actor=cast.user("curator"), item=_item(roadmap, "3.1"), status="in_progress")

    summary = selectors.roadmap_summary(roadmap, today=dt.date(sy, 11, 1))

    # due before 1 November: 1.1–1.4 (30 September), 2.1–2.2 (31 October); 1.1 is done
    assert (summary.total, summary.done, summary.in_progress, summary.overdue) == (35, 1, 2, 5)
    assert summary.done_percent == 3
    assert selectors.roadmap_summary(roadmap, today=dt.date(sy, 9, 1)).overdue == 0


def test_roadmap_summary_of_an_empty_roadmap(cast):
    roadmap = _roadmap(cast, template="seed004")
    roadmap.items.all().delete()

    summary = selectors.roadmap_summary(roadmap)

    assert (summary.total, summary.done, summary.in_progress, summary.overdue) == (0, 0, 0, 0)
    assert summary.done_percent is None


def test_roadmap_timeline_rows_fill_ten_months(cast):
    roadmap = _roadmap(cast)

    rows = selectors.roadmap_timeline(roadmap, today=dt.date(_sy(), 9, 1))

    assert len(rows) == 35
    assert all(row.before + row.span + row.after == 10 for row in rows)
    by_code = {row.item.code: row for row in rows}
    assert (by_code["1.1"].before, by_code["1.1"].span, by_code["1.1"].after) == (0, 1, 9)
    assert (by_code["4.4"].before, by_code["4.4"].span, by_code["4.4"].after) == (3, 2, 5)
    assert (by_code["7.8"].before, by_code["7.8"].span, by_code["7.8"].after) == (9, 1, 0)
    assert not any(row.overdue for row in rows)


def test_roadmap_timeline_item_from_november_to_january(cast):
    roadmap = _roadmap(cast, template="seed004")
    sy = _sy()
    item = services.roadmap_item_save(
        actor=cast.user("curator"),
        roadmap=roadmap,
        content="Обучение наставников",
        start_date=dt.date(sy, 11, 1),
        due_date=dt.date(sy + 1, 1, 31),
    )

    rows = selectors.roadmap_timeline(roadmap, today=dt.date(sy + 1, 2, 1))

    row = next(r for r in rows if r.item.pk == item.pk)
    assert (row.before, row.span, row.after) == (2, 3, 5)
    assert row.overdue is True
    assert all(r.before + r.span + r.after == 10 for r in rows)


def test_roadmap_timeline_clips_summer_items_to_june(cast):
    roadmap = _roadmap(cast, template="seed004")
    sy = _sy()
    item = services.roadmap_item_save(
        actor=cast.user("curator"),
        roadmap=roadmap,
        content="Летняя смена",
        start_date=dt.date(sy + 1, 7, 1),
        due_date=dt.date(sy + 1, 8, 31),
    )

    row = next(r for r in selectors.roadmap_timeline(roadmap) if r.item.pk == item.pk)

    assert (row.before, row.span, row.after) == (9, 1, 0)


def test_overdue_items_are_the_open_items_of_own_organisations(cast):
    roadmap = _roadmap(cast)
    sy = _sy()
    services.roadmap_item_set_status(
        actor=cast.user("curator"), item=_item(roadmap, "1.1"), status="done", evidence_text="Приказ"
    )
    services.roadmap_item_set_status(actor=cast.user("curator"), item=_item(roadmap, "2.1"), status="in_progress")
    services.roadmap_from_template(
        actor=cast.user("outsider"), organization=cast.school_b, academic_year=_year(), template_code="seed000"
    )
    today = dt.date(sy, 11, 1)

    items = selectors.overdue_items_for(actor=cast.user("curator"), today=today)

    assert [i.code for i in items] == ["1.2", "1.3", "1.4", "2.1", "2.2"]
    assert {i.roadmap.organization for i in items} == {cast.school_a}
    assert [i.code for i in selectors.overdue_items_for(actor=cast.user("curator"), today=today, limit=2)] == [
        "1.2",
        "1.3",
    ]
    assert selectors.overdue_items_for(actor=cast.user("mentor"), today=today) == []


def test_overdue_items_of_a_closed_year_are_not_shown(cast):
    _roadmap(cast)
    _close(cast.school_a, _year())

    assert selectors.overdue_items_for(actor=cast.user("director"), today=dt.date(_sy(), 11, 1)) == []


def test_overdue_items_of_the_open_year_are_not_hidden_by_a_closed_year(cast):
    sy = _sy()
    last_year, _ = AcademicYear.objects.get_or_create(start_year=sy - 1)
    services.roadmap_from_template(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=last_year, template_code="seed000"
    )
    # last year's 35 items were never marked done; the rollover closes the year and copies the roadmap
    services.year_rollover(actor=cast.user("director"), organization=cast.school_a, academic_year=last_year)

    items = selectors.overdue_items_for(actor=cast.user("curator"), today=dt.date(sy, 11, 1))

    assert [i.code for i in items] == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2"]
    assert {i.roadmap.academic_year.start_year for i in items} == {sy}


# --- analysis ------------------------------------------------------------------------------------
def _analysis(cast, needs, actor="curator", **extra):
    return services.analysis_save(
        actor=cast.user(actor), organization=cast.school_a, academic_year=_year(), needs=needs, **extra
    )


def test_analysis_keeps_known_groups_with_text(cast):
    analysis = _analysis(
        cast,
        {
            "pupils": "  помощь в подготовке к олимпиадам ",
            "teachers": "   ",
            "aliens": "неизвестная группа",
            "young_teachers": "адаптация в коллективе",
        },
        conclusions="  Нужна программа для молодых педагогов  ",
        risks=" Нехватка времени ",
    )

    analysis.refresh_from_db()
    assert analysis.needs == {"pupils": "помощь в подготовке к олимпиадам", "young_teachers": "адаптация в коллективе"}
    assert analysis.conclusions == "Нужна программа для молодых педагогов"
    assert analysis.risks == "Нехватка времени"
    assert (analysis.organization, analysis.municipality, analysis.region) == (
        cast.school_a,
        cast.municipality_a,
        cast.region_a,
    )
    assert services.analysis_target_audience(analysis) == (
        "обучающиеся (школа): помощь в подготовке к олимпиадам; "
        "молодые педагоги (стаж до 3 лет): адаптация в коллективе"
    )


def test_analysis_is_one_per_year_and_is_updated(cast):
    first = _analysis(cast, {"pupils": "олимпиады"})

    second = _analysis(cast, {"parents": "вовлечение родителей"}, actor="director")

    assert second.pk == first.pk
    assert InitialAnalysis.objects.count() == 1
    second.refresh_from_db()
    assert second.needs == {"parents": "вовлечение родителей"}


def test_working_group_may_not_save_the_analysis(cast):
    with pytest.raises(PermissionDenied):
        _analysis(cast, {"pupils": "олимпиады"}, actor="working_group")

    assert InitialAnalysis.objects.count() == 0


_ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def test_analysis_target_audience_follows_the_order_of_the_groups(cast):
    analysis = _analysis(
        cast,
        {"pupils": "олимпиады", "students": "практика", "teachers": "новые методики", "parents": "вовлечение"},
    )
    analysis.refresh_from_db()

    assert services.analysis_target_audience(analysis) == (
        "обучающиеся (школа): олимпиады; студенты: практика; педагоги: новые методики; родители: вовлечение"
    )


# --- year rollover -------------------------------------------------------------------------------
@pytest.fixture
def prepared_year(cast):
    """School A's year in full: an approved program with a newer draft, a working group, a roadmap
    with some progress and an analysis."""
    sy = _sy()
    approved = _approved(cast)
    draft = services.program_new_version(actor=cast.user("curator"), program=approved)
    services.program_save_step(
        actor=cast.user("curator"), program=draft, step="goal", data={"goal": "Черновик новой цели на 30 % к маю"}
    )
    services.program_save_step(
        actor=cast.user("curator"), program=draft, step="forms", data={"forms": _forms("pupil_pupil")}
    )
    _appoint(cast, end_date=dt.date(sy + 1, 6, 30), duties="Куратор программы")
    _appoint(cast, person=cast.user("working_group").person, position="member", actor="curator")
    roadmap = _roadmap(cast)
    services.roadmap_item_set_status(
        actor=cast.user("curator"), item=_item(roadmap, "1.1"), status="done", evidence_text="Приказ № 5"
    )
    services.roadmap_item_set_status(actor=cast.user("curator"), item=_item(roadmap, "2.1"), status="in_progress")
    _analysis(cast, {"pupils": "олимпиады"})
    return {"approved": approved, "draft": draft, "roadmap": roadmap}


def test_year_rollover_copies_the_year_and_closes_it(cast, prepared_year):
    year = _year()
    sy = year.start_year
    approved = prepared_year["approved"]

    next_year = services.year_rollover(actor=cast.user("director"), organization=cast.school_a, academic_year=year)

    assert next_year.start_year == sy + 1
    assert AcademicYear.objects.filter(start_year=sy + 1).count() == 1
    # the program in force (the approved one, not the newer draft) becomes next year's draft v1
    copies = list(Program.objects.filter(organization=cast.school_a, academic_year=next_year))
    assert len(copies) == 1
    copy = copies[0]
    assert (copy.status, copy.version, copy.previous, copy.approved_at) == (ProgramStatus.DRAFT, 1, None, None)
    assert copy.title == approved.title
    assert copy.goal == SMART_GOAL
    assert (copy.start_date, copy.end_date) == (dt.date(sy + 1, 9, 15), dt.date(sy + 2, 5, 31))
    assert _form_codes(copy) == ["student_pupil", "teacher_teacher"]
    assert _results(copy) == _results(approved)
    assert _resources(copy) == _resources(approved)
    assert _acts(copy) == _acts(approved)
    # the working group, from 1 September of the next year
    members = {
        m.person: m for m in WorkingGroupMember.objects.filter(organization=cast.school_a, academic_year=next_year)
    }
    assert set(members) == {cast.teacher_a, cast.user("working_group").person}
    curator = members[cast.teacher_a]
    assert (curator.position, curator.duties, curator.start_date, curator.end_date) == (
        "curator",
        "Куратор программы",
        dt.date(sy + 1, 9, 1),
        dt.date(sy + 2, 6, 30),
    )
    assert members[cast.user("working_group").person].start_date == dt.date(sy + 1, 9, 1)
    # the roadmap, a year later and all planned
    old_items = {i.code: i for i in prepared_year["roadmap"].items.all()}
    new_roadmap = Roadmap.objects.get(organization=cast.school_a, academic_year=next_year)
    assert new_roadmap.template_code == "seed000"
    new_items = list(new_roadmap.items.order_by("sort_order"))
    assert [i.code for i in new_items] == SEED000_CODES
    for item in new_items:
        old = old_items[item.code]
        assert item.start_date == old.start_date.replace(year=old.start_date.year + 1), item.code
        assert item.due_date.month == old.due_date.month, item.code
        assert item.due_date.year == old.due_date.year + 1, item.code
        assert (item.status, item.done_at, item.evidence_text) == (ItemStatus.PLANNED, None, ""), item.code
        assert item.responsible == old.responsible, item.code
    assert new_items[0].due_date == dt.date(sy + 1, 9, 30)
    # this year is closed, the next one is open
    state = OrganizationYear.objects.get(organization=cast.school_a, academic_year=year)
    assert state.closed_at is not None
    assert state.closed_by == cast.user("director")
    assert services.year_is_closed(organization=cast.school_a, academic_year=year)
    assert not services.year_is_closed(organization=cast.school_a, academic_year=next_year)
    # the old year is untouched
    assert Program.objects.filter(academic_year=year).count() == 2
    assert _item(prepared_year["roadmap"], "1.1").status == ItemStatus.DONE


def test_closed_year_is_read_only_for_everybody(cast, prepared_year):
    year = _year()
    sy = year.start_year
    services.year_rollover(actor=cast.user("director"), organization=cast.school_a, academic_year=year)
    draft = prepared_year["draft"]
    roadmap = prepared_year["roadmap"]
    item = _item(roadmap, "1.2")
    content = item.content
    closed = f"{str(year).capitalize()} закрыт: его данные доступны только для просмотра и отчётов."

    with pytest.raises(PermissionDenied) as error:
        services.program_save_step(actor=cast.user("curator"), program=draft, step="goal", data={"goal": "Новая"})
    assert str(error.value) == closed
    with pytest.raises(PermissionDenied) as error:
        services.roadmap_item_save(actor=cast.user("director"), roadmap=roadmap, item=item, content="Другое")
    assert str(error.value) == closed
    with pytest.raises(PermissionDenied) as error:
        services.group_member_add(
            actor=cast.user("director"),
            organization=cast.school_a,
            academic_year=year,
            person=cast.user("mentor").person,
            position="member",
            start_date=dt.date(sy, 10, 1),
        )
    assert str(error.value) == closed
    with pytest.raises(PermissionDenied) as error:
        _analysis(cast, {"parents": "собрания"}, actor="director")
    assert str(error.value) == closed
    with pytest.raises(PermissionDenied):
        services.roadmap_item_set_status(actor=cast.user("curator"), item=item, status="done", evidence_text="x")
    with pytest.raises(PermissionDenied):
        services.program_approve(actor=cast.user("director"), program=draft)

    draft.refresh_from_db()
    item.refresh_from_db()
    assert (draft.goal, draft.status) == ("Черновик новой цели на 30 % к маю", ProgramStatus.DRAFT)
    assert (item.content, item.status, item.evidence_text) == (content, ItemStatus.PLANNED, "")
    assert not WorkingGroupMember.objects.filter(person=cast.user("mentor").person).exists()
    assert InitialAnalysis.objects.get().needs == {"pupils": "олимпиады"}


def test_year_rollover_twice_is_refused(cast, prepared_year):
    year = _year()
    services.year_rollover(actor=cast.user("director"), organization=cast.school_a, academic_year=year)
    counts = (Program.objects.count(), Roadmap.objects.count(), WorkingGroupMember.objects.count())

    with pytest.raises(PermissionDenied):
        services.year_rollover(actor=cast.user("director"), organization=cast.school_a, academic_year=year)

    assert (Program.objects.count(), Roadmap.objects.count(), WorkingGroupMember.objects.count()) == counts


def test_working_group_may_not_roll_the_year_over(cast, prepared_year):
    year = _year()
    counts = (AcademicYear.objects.count(), Program.objects.count(), Roadmap.objects.count())

    with pytest.raises(PermissionDenied) as error:
        services.year_rollover(actor=cast.user("working_group"), organization=cast.school_a, academic_year=year)

    assert str(error.value) == "Закрывают учебный год руководитель и куратор организации."
    assert (AcademicYear.objects.count(), Program.objects.count(), Roadmap.objects.count()) == counts
    assert not services.year_is_closed(organization=cast.school_a, academic_year=year)


def test_year_rollover_of_a_draft_program_copies_the_draft(cast):
    program = _fill(cast, _program(cast), skip={"forms"})

    next_year = services.year_rollover(actor=cast.user("director"), organization=cast.school_a, academic_year=_year())

    copy = Program.objects.get(academic_year=next_year)
    assert (copy.status, copy.version, copy.title) == (ProgramStatus.DRAFT, 1, program.title)
    assert _form_codes(copy) == []
    assert not Roadmap.objects.filter(academic_year=next_year).exists()


# --- enabled_forms -------------------------------------------------------------------------------
def test_enabled_forms_without_a_program_is_empty(cast):
    assert list(selectors.enabled_forms(organization=cast.school_a, academic_year=_year())) == []


def test_enabled_forms_of_a_draft(cast):
    program = _program(cast)
    services.program_save_step(
        actor=cast.user("curator"), program=program, step="forms", data={"forms": _forms("pupil_pupil")}
    )

    forms = selectors.enabled_forms(organization=cast.school_a, academic_year=_year())

    assert sorted(f.code for f in forms) == ["pupil_pupil"]


def test_enabled_forms_of_the_approved_program_not_of_its_new_draft(cast):
    approved = _approved(cast)
    draft = services.program_new_version(actor=cast.user("curator"), program=approved)
    services.program_save_step(
        actor=cast.user("curator"), program=draft, step="forms", data={"forms": _forms("employer_student")}
    )

    forms = selectors.enabled_forms(organization=cast.school_a, academic_year=_year())

    assert sorted(f.code for f in forms) == ["student_pupil", "teacher_teacher"]
    assert list(selectors.enabled_forms(organization=cast.school_b, academic_year=_year())) == []


# --- partner agreements ----------------------------------------------------------------------------
def _agreement(cast, partner, actor="curator", **data):
    data.setdefault("subject", "  Профориентационные   экскурсии на предприятие ")
    data.setdefault("start_date", _year().start_date)
    return org_services.agreement_create(actor=cast.user(actor), partner=partner, organization=cast.school_a, **data)


def test_curator_records_an_agreement_and_links_the_partner(cast):
    partner = PartnerFactory(region=cast.region_a, name="ООО «Валуйский хлеб»")
    assert not partner.organizations.exists()
    sy = _sy()

    agreement = _agreement(cast, partner, number=" 15 ", end_date=dt.date(sy + 1, 8, 31), contact="Иванов И. И.")

    agreement.refresh_from_db()
    assert (agreement.partner, agreement.organization) == (partner, cast.school_a)
    assert (agreement.number, agreement.subject) == ("15", "Профориентационные экскурсии на предприятие")
    assert (agreement.start_date, agreement.end_date) == (dt.date(sy, 9, 1), dt.date(sy + 1, 8, 31))
    assert agreement.contact == "Иванов И. И."
    assert list(partner.organizations.all()) == [cast.school_a]


def test_agreement_with_a_partner_of_another_region_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        _agreement(cast, cast.partner_b)

    assert error.value.messages == ["Соглашение заключается с партнёром своего региона."]
    assert PartnerAgreement.objects.count() == 0
    assert list(cast.partner_b.organizations.all()) == [cast.school_b]


def test_agreement_ending_before_it_starts_is_refused(cast):
    sy = _sy()

    with pytest.raises(ValidationError) as error:
        _agreement(cast, cast.partner_a, start_date=dt.date(sy, 10, 1), end_date=dt.date(sy, 9, 1))

    assert error.value.message_dict == {"end_date": ["Окончание раньше начала."]}
    assert PartnerAgreement.objects.count() == 0


def test_working_group_may_not_record_an_agreement(cast):
    partner = PartnerFactory(region=cast.region_a)

    with pytest.raises(PermissionDenied):
        _agreement(cast, partner, actor="working_group")

    assert PartnerAgreement.objects.count() == 0
    assert not partner.organizations.exists()
