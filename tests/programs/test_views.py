"""Pages of the preparation stage as people use them: the program constructor from the first step
to approval and a new version, the year hub, the roadmap (table, timeline, htmx status), the
working group and its protocols, the analysis, the rollover, the home page, the catalogue of forms
and the partner's agreements. Cross-cutting 404/403 checks live in tests/test_access_matrix.py."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from nastavnik.orgs.models import AcademicYear, PartnerAgreement
from nastavnik.orgs.services import academic_year_current
from nastavnik.programs import services
from nastavnik.programs.models import (
    ExpectedResult,
    InitialAnalysis,
    ItemStatus,
    MentoringForm,
    OrganizationYear,
    Program,
    ProgramStatus,
    Roadmap,
    RoadmapItem,
    WorkingGroupMeeting,
    WorkingGroupMember,
)

HX = {"HTTP_HX_REQUEST": "true"}
MISSING_ALERT = "Для утверждения не заполнено"
TITLE = "Молодые педагоги остаются в школе"
GOAL = "Увеличить долю молодых педагогов, оставшихся в школе, на 25 % к 31 мая"


def _content(response) -> str:
    return response.content.decode()


def _year() -> AcademicYear:
    return academic_year_current()


def _org_year(cast) -> list:
    return [cast.school_a.pk, _year().start_year]


def _step_url(program, step) -> str:
    return reverse("programs:program_step", args=[program.pk, step])


def _program(cast, title="Программа наставничества") -> Program:
    return services.program_create(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=_year(), title=title
    )


def _roadmap(cast, template="seed000") -> Roadmap:
    return services.roadmap_from_template(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=_year(), template_code=template
    )


def _management(prefix, total, initial=0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _results_post(*rows) -> dict:
    data = _management("results", len(rows) + 1)
    for index, row in enumerate(rows):
        data |= {f"results-{index}-{key}": value for key, value in row.items()}
    return data


def _step_posts(cast) -> list[tuple[str, dict]]:
    sy = _year().start_year
    program_acts = [
        ("federal", "Распоряжение Минпросвещения России от 25.12.2019 № Р-145"),
        ("federal", "Федеральный закон от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации»"),
        ("federal", "Федеральный закон от 27.07.2006 № 152-ФЗ «О персональных данных»"),
        ("local", "Положение о наставничестве в Ершовской СОШ"),
    ]
    acts = _management("acts", 5, initial=3)
    for index, (level, title) in enumerate(program_acts):
        acts |= {f"acts-{index}-level": level, f"acts-{index}-title": title}
    forms = MentoringForm.objects.filter(code__in=["teacher_teacher", "student_pupil"])
    return [
        ("problem", {"title": TITLE, "problem": "Треть молодых учителей уходит из школы за два года."}),
        ("goal", {"goal": GOAL}),
        ("audience", {"target_audience": "Молодые педагоги со стажем до 3 лет"}),
        (
            "results",
            _results_post(
                {"kind": "quantitative", "text": "Доля оставшихся педагогов", "target_value": "25", "unit": "%"},
                {"kind": "qualitative", "text": "Рост удовлетворённости молодых педагогов", "target_value": ""},
            ),
        ),
        ("implementers", {"implementers": "Куратор и рабочая группа школы"}),
        (
            "resources",
            {
                "human": "Пять опытных педагогов",
                "material": "Кабинет для встреч",
                "financial": "",
                "informational": "Страница на сайте школы",
            },
        ),
        ("normative", acts),
        ("forms", {"forms": [str(f.pk) for f in forms]}),
        ("duration", {"start_date": dt.date(sy, 9, 15).isoformat(), "end_date": dt.date(sy + 1, 5, 31).isoformat()}),
    ]


# --- the constructor, start to finish --------------------------------------------------------------
def test_constructor_from_first_step_to_approval_and_new_version(client_for, cast):
    client = client_for("curator")
    year = _year()

    response = client.post(
        reverse("programs:program_create", args=_org_year(cast)), {"title": "Программа наставничества"}
    )

    program = Program.objects.get(organization=cast.school_a)
    assert (program.status, program.version, program.academic_year) == (ProgramStatus.DRAFT, 1, year)
    assert response.status_code == 302
    assert response["Location"] == _step_url(program, "problem")

    posts = _step_posts(cast)
    for index, (step, data) in enumerate(posts):
        response = client.post(_step_url(program, step), {**data, "next": "1"})
        assert response.status_code == 302, (step, _content(response))
        if index + 1 < len(posts):
            assert response["Location"] == _step_url(program, posts[index + 1][0]), step
        else:
            assert response["Location"] == reverse("programs:program_detail", args=[program.pk])

    program.refresh_from_db()
    assert program.title == TITLE
    assert program.goal == GOAL
    assert program.last_step == "duration"
    assert sorted(program.results.values_list("kind", "target_value")) == [
        ("qualitative", None),
        ("quantitative", Decimal("25.00")),
    ]
    assert dict(program.resources.values_list("kind", "description")) == {
        "human": "Пять опытных педагогов",
        "material": "Кабинет для встреч",
        "informational": "Страница на сайте школы",
    }
    assert program.acts.count() == 4
    assert sorted(program.forms.values_list("code", flat=True)) == ["student_pupil", "teacher_teacher"]
    assert (program.start_date, program.end_date) == (
        dt.date(year.start_year, 9, 15),
        dt.date(year.start_year + 1, 5, 31),
    )

    detail = client.get(reverse("programs:program_detail", args=[program.pk]))
    assert detail.context["missing"] == []
    assert MISSING_ALERT not in _content(detail)
    assert "Положение о наставничестве в Ершовской СОШ" in _content(detail)

    response = client_for("director").post(reverse("programs:program_approve", args=[program.pk]))
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.status == ProgramStatus.APPROVED
    assert program.approved_by == cast.user("director")

    client = client_for("curator")
    response = client.get(_step_url(program, "goal"))
    assert response.status_code == 403
    assert "новую версию" in _content(response)

    response = client.post(reverse("programs:program_new_version", args=[program.pk]))
    draft = Program.objects.get(previous=program)
    assert (draft.status, draft.version, draft.title, draft.goal) == (ProgramStatus.DRAFT, 2, TITLE, GOAL)
    assert response.status_code == 302
    assert response["Location"] == _step_url(draft, "problem")
    assert client.get(_step_url(draft, "goal")).status_code == 200


def test_half_done_program_is_resumed_from_the_year_hub(client_for, cast):
    program = _program(cast)
    client = client_for("curator")
    response = client.post(_step_url(program, "goal"), {"goal": GOAL})  # «Сохранить», not «далее»
    assert response.status_code == 302
    assert response["Location"] == _step_url(program, "goal")

    content = _content(client.get(reverse("programs:year", args=_org_year(cast))))

    assert "Продолжить в конструкторе" in content
    assert f'href="{_step_url(program, "goal")}"' in content
    assert f'href="{_step_url(program, "problem")}"' not in content
    assert "Осталось заполнить: Проблема, Целевая аудитория" in content


def test_approving_an_incomplete_program_names_the_missing_parts(client_for, cast):
    program = _program(cast)

    response = client_for("director").post(reverse("programs:program_approve", args=[program.pk]), follow=True)

    content = _content(response)
    assert response.redirect_chain == [(reverse("programs:program_detail", args=[program.pk]), 302)]
    assert (
        "Нельзя утвердить программу: не заполнено — Проблема; Цель; Целевая аудитория; Ожидаемые результаты "
        "(нужен хотя бы один количественный с целевым значением); Реализаторы; Ресурсы; Формы наставничества."
    ) in content
    assert MISSING_ALERT in content
    program.refresh_from_db()
    assert (program.status, program.approved_at) == (ProgramStatus.DRAFT, None)


def test_results_step_refuses_a_quantitative_row_without_target(client_for, cast):
    program = _program(cast)

    row = {"kind": "quantitative", "text": "Число наставнических пар", "target_value": ""}

    response = client_for("curator").post(_step_url(program, "results"), {**_results_post(row), "next": "1"})

    assert response.status_code == 200
    assert "У количественного результата укажите целевое значение." in _content(response)
    assert ExpectedResult.objects.count() == 0
    program.refresh_from_db()
    assert program.last_step == ""


def test_results_step_keeps_a_zero_target(client_for, cast):
    program = _program(cast)

    response = client_for("curator").post(
        _step_url(program, "results"),
        _results_post(
            {"kind": "quantitative", "text": "Число правонарушений обучающихся", "target_value": "0", "unit": "случаев"}
        ),
    )

    assert response.status_code == 302
    assert list(program.results.values_list("text", "target_value")) == [
        ("Число правонарушений обучающихся", Decimal("0.00"))
    ]


def test_smart_check_returns_a_fragment_with_warnings(client_for, cast):
    response = client_for("curator").post(
        reverse("programs:smart_check"), {"goal": "Улучшить работу с молодыми педагогами"}, **HX
    )

    content = _content(response)
    assert response.status_code == 200
    assert "M — измеримость" in content
    assert "T — срок" in content
    assert "<html" not in content
    assert "alert-warning" in content


def test_smart_check_of_a_good_goal_says_so(client_for, cast):
    content = _content(client_for("curator").post(reverse("programs:smart_check"), {"goal": GOAL}, **HX))

    assert "В цели есть число и срок." in content
    assert "M — измеримость" not in content
    assert "T — срок" not in content


# --- roadmap -----------------------------------------------------------------------------------------
def test_roadmap_is_loaded_from_a_template_and_shown(client_for, cast):
    client = client_for("curator")
    url = reverse("programs:roadmap", args=_org_year(cast))

    content = _content(client.get(url))
    assert "Загрузить дорожную карту" in content
    assert 'value="seed000"' in content
    assert 'value="seed002"' in content
    assert 'value="seed004"' in content

    response = client.post(reverse("programs:roadmap_load", args=_org_year(cast)), {"template": "seed000"})
    assert response.status_code == 302
    assert response["Location"] == url
    roadmap = Roadmap.objects.get(organization=cast.school_a, academic_year=_year())
    assert (roadmap.template_code, roadmap.items.count()) == ("seed000", 35)

    response = client.get(url, follow=False)
    content = _content(response)
    assert '<td class="text-nowrap">1.1</td>' in content
    assert '<td class="text-nowrap">7.8</td>' in content
    assert "Загрузить дорожную карту" not in content
    assert response.context["summary"].total == 35


def test_roadmap_load_message_counts_the_items(client_for, cast):
    response = client_for("curator").post(
        reverse("programs:roadmap_load", args=_org_year(cast)), {"template": "seed004"}, follow=True
    )

    assert f"Дорожная карта загружена: 7 пунктов с датами на {_year()}." in _content(response)


def test_roadmap_timeline_has_a_row_per_item(client_for, cast):
    _roadmap(cast)

    response = client_for("curator").get(reverse("programs:roadmap_timeline", args=_org_year(cast)))

    content = _content(response)
    assert len(response.context["rows"]) == 35
    assert content.count('<td class="timeline-item"><span class="task-code">') == 35
    assert '<span class="task-code">4.4</span>' in content


def test_item_status_done_without_evidence_returns_the_row_with_an_error(client_for, cast):
    item = _roadmap(cast).items.get(code="1.1")

    response = client_for("curator").post(reverse("programs:item_status", args=[item.pk]), {"status": "done"}, **HX)

    content = _content(response)
    assert response.status_code == 200
    assert content.strip().startswith(f'<tr id="item-{item.pk}"')
    assert "Чтобы отметить выполнение, приложите подтверждение: файл, ссылку или документ." in content
    assert "<html" not in content
    item.refresh_from_db()
    assert (item.status, item.done_at) == (ItemStatus.PLANNED, None)


def test_item_status_done_with_evidence(client_for, cast):
    item = _roadmap(cast).items.get(code="1.1")

    response = client_for("curator").post(
        reverse("programs:item_status", args=[item.pk]),
        {"status": "done", "evidence_text": "Протокол педсовета № 1"},
        **HX,
    )

    content = _content(response)
    assert response.status_code == 200
    assert "Протокол педсовета № 1" in content
    assert "table-success" in content
    assert "приложите подтверждение" not in content
    item.refresh_from_db()
    assert (item.status, item.done_at, item.evidence_text) == (
        ItemStatus.DONE,
        timezone.localdate(),
        "Протокол педсовета № 1",
    )


def test_item_status_without_htmx_redirects_with_a_message(client_for, cast):
    item = _roadmap(cast).items.get(code="1.1")

    response = client_for("curator").post(
        reverse("programs:item_status", args=[item.pk]), {"status": "in_progress"}, follow=True
    )

    assert response.redirect_chain == [(reverse("programs:roadmap", args=_org_year(cast)), 302)]
    assert "Статус пункта 1.1: выполняется." in _content(response)
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS


# --- working group and protocols ---------------------------------------------------------------------
def test_working_group_page_lists_members_and_a_meeting_gets_protocol_number_one(client_for, cast):
    year = _year()
    response = client_for("director").post(
        reverse("programs:group_member_add", args=_org_year(cast)),
        {
            "person": cast.teacher_a.pk,
            "position": "curator",
            "duties": "Ведёт базу наставников",
            "start_date": year.start_date.isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:group", args=_org_year(cast))

    client = client_for("curator")
    content = _content(client.get(reverse("programs:group", args=_org_year(cast))))
    assert "Сидоров Пётр Ильич" in content
    assert "Ведёт базу наставников" in content
    assert "Куратор" in content
    assert "Куратор и рабочая группа ещё не назначены." not in content

    response = client.post(
        reverse("programs:meeting_create", args=_org_year(cast)),
        {
            "date": (year.start_date + dt.timedelta(days=4)).isoformat(),
            "agenda": "О создании базы наставников",
            "decisions": "Поручить куратору собрать анкеты",
            "attendees": [str(cast.teacher_a.pk)],
        },
        follow=True,
    )

    meeting = WorkingGroupMeeting.objects.get(organization=cast.school_a)
    assert meeting.number == 1
    assert response.redirect_chain == [(reverse("programs:meeting_detail", args=[meeting.pk]), 302)]
    content = _content(response)
    assert "Протокол № 1" in content
    assert "О создании базы наставников" in content
    assert "Поручить куратору собрать анкеты" in content
    assert cast.teacher_a.short_name in content


def test_group_member_form_shows_the_service_error(client_for, cast):
    start = _year().start_date - dt.timedelta(days=1)

    response = client_for("director").post(
        reverse("programs:group_member_add", args=_org_year(cast)),
        {"person": cast.teacher_a.pk, "position": "member", "start_date": start.isoformat()},
    )

    assert response.status_code == 200
    assert "Дата должна быть в пределах учебного года" in _content(response)
    assert WorkingGroupMember.objects.count() == 0


# --- analysis → constructor -----------------------------------------------------------------------
def test_analysis_conclusions_prefill_the_problem_step(client_for, cast):
    client = client_for("curator")
    conclusions = "Треть молодых педагогов уходит из школы в первые два года"

    response = client.post(
        reverse("programs:analysis", args=_org_year(cast)),
        {
            "need_young_teachers": "Адаптация в коллективе",
            "need_pupils": "",
            "existing_practice": "Школа молодого педагога",
            "resources": "",
            "risks": "",
            "conclusions": conclusions,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("programs:year", args=_org_year(cast))
    analysis = InitialAnalysis.objects.get(organization=cast.school_a)
    assert analysis.needs == {"young_teachers": "Адаптация в коллективе"}
    assert analysis.conclusions == conclusions
    assert analysis.existing_practice == "Школа молодого педагога"

    program = _program(cast)
    textarea = re.compile(r'<textarea name="problem"[^>]*>\s*' + re.escape(conclusions) + r"</textarea>")
    plain = client.get(_step_url(program, "problem"))
    assert not textarea.search(_content(plain))
    assert "Перенести выводы анализа" in _content(plain)

    prefilled = client.get(_step_url(program, "problem") + "?from_analysis=1")

    assert prefilled.context["form"].initial["problem"] == conclusions
    assert textarea.search(_content(prefilled))
    program.refresh_from_db()
    assert program.problem == ""  # only pre-filled: saved when the step is saved


# --- the year rollover --------------------------------------------------------------------------------
def test_year_rollover_through_the_ui(client_for, cast):
    program = _program(cast, title="Программа «Первые шаги»")
    _roadmap(cast, template="seed004")
    year = _year()

    response = client_for("director").post(reverse("programs:year_rollover", args=_org_year(cast)), follow=True)

    next_url = reverse("programs:year", args=[cast.school_a.pk, year.start_year + 1])
    assert response.redirect_chain == [(next_url, 302)]
    content = _content(response)
    copy = Program.objects.get(organization=cast.school_a, academic_year__start_year=year.start_year + 1)
    assert copy.pk != program.pk
    assert escape(copy.title) in content
    assert reverse("programs:program_detail", args=[copy.pk]) in content
    assert "Учебный год закрыт" not in content
    assert OrganizationYear.objects.get(organization=cast.school_a, academic_year=year).closed_at is not None

    old = _content(client_for("director").get(reverse("programs:year", args=_org_year(cast))))
    assert "Учебный год закрыт" in old
    assert "Закрыть год и перенести" not in old
    assert "Продолжить в конструкторе" not in old


def test_working_group_may_not_roll_the_year_over_through_the_ui(client_for, cast):
    _program(cast)

    response = client_for("working_group").post(reverse("programs:year_rollover", args=_org_year(cast)))

    assert response.status_code == 403
    assert not OrganizationYear.objects.filter(closed_at__isnull=False).exists()
    assert Program.objects.count() == 1


# --- home page --------------------------------------------------------------------------------------
def _past_day() -> tuple[AcademicYear, dt.date]:
    """A year whose roadmap is open and a day of it that has passed (the previous year on 1 September)."""
    today = timezone.localdate()
    year = _year()
    if today > year.start_date:
        return year, year.start_date
    previous, _ = AcademicYear.objects.get_or_create(start_year=year.start_year - 1)
    return previous, previous.start_date


def test_home_page_lists_an_overdue_roadmap_item(client_for, cast):
    year, past = _past_day()
    roadmap = services.roadmap_from_template(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, template_code="seed000"
    )
    actor = cast.user("curator")
    overdue = services.roadmap_item_save(
        actor=actor,
        roadmap=roadmap,
        item=roadmap.items.get(code="1.1"),
        content="Педсовет о запуске наставничества",
        start_date=past,
        due_date=past,
    )
    done = services.roadmap_item_save(
        actor=actor,
        roadmap=roadmap,
        item=roadmap.items.get(code="1.2"),
        content="Родительское собрание о наставничестве",
        start_date=past,
        due_date=past,
    )
    services.roadmap_item_set_status(actor=actor, item=done, status="done", evidence_text="Протокол собрания")

    content = _content(client_for("curator").get(reverse("home")))

    assert "Просрочено по дорожной карте" in content
    assert "Педсовет о запуске наставничества" in content
    assert f"#item-{overdue.pk}" in content
    assert "Родительское собрание о наставничестве" not in content


def test_home_page_without_overdue_items_has_no_overdue_card(client_for, cast):
    _roadmap(cast)
    RoadmapItem.objects.update(status=ItemStatus.DONE, evidence_text="Приказ")

    content = _content(client_for("curator").get(reverse("home")))

    assert "Просрочено по дорожной карте" not in content


# --- catalogue of forms ---------------------------------------------------------------------------
def test_forms_catalogue_lists_all_seven_forms(client_for, cast):
    response = client_for("mentor").get(reverse("programs:form_list"))

    content = _content(response)
    forms = list(MentoringForm.objects.all())
    assert len(forms) == 7
    assert len(response.context["forms"]) == 7
    for form in forms:
        assert f"«{escape(form.name)}»" in content, form.code
        assert reverse("programs:form_detail", args=[form.pk]) in content, form.code


@pytest.mark.parametrize("code", ["teacher_teacher", "employer_pupil"])
def test_form_page_shows_its_documents_and_work_formats(client_for, cast, code):
    form = MentoringForm.objects.get(code=code)
    assert form.documents
    assert form.work_formats

    content = _content(client_for("curator").get(reverse("programs:form_detail", args=[form.pk])))

    assert f"Форма наставничества «{escape(form.name)}»" in content
    for document in form.documents:
        assert f"<li>{escape(document)}</li>" in content, document
    for work_format in form.work_formats:
        assert f"<li>{escape(work_format)}</li>" in content, work_format


# --- partner agreements ----------------------------------------------------------------------------
def test_curator_adds_an_agreement_and_sees_it_on_the_partner_page(client_for, cast):
    partner = cast.partner_a  # a curator sees the partners of their own organisation
    assert not PartnerAgreement.objects.exists()
    client = client_for("curator")
    url = reverse("orgs:agreement_create", args=[partner.pk])
    assert client.get(url).status_code == 200
    start = _year().start_date

    response = client.post(
        url,
        {
            "organization": cast.school_a.pk,
            "number": "15",
            "subject": "Профориентационные экскурсии на производство",
            "start_date": start.isoformat(),
            "end_date": "",
            "contact": "Иванов Иван Иванович",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:partner_detail", args=[partner.pk])
    agreement = PartnerAgreement.objects.get(partner=partner)
    assert (agreement.organization, agreement.number, agreement.end_date) == (cast.school_a, "15", None)
    assert list(partner.organizations.all()) == [cast.school_a]
    content = _content(client.get(reverse("orgs:partner_detail", args=[partner.pk])))
    assert "Профориентационные экскурсии на производство" in content
    assert f"Соглашение № 15 от {start:%d.%m.%Y}" in content
    assert "бессрочно" in content
    assert "Ершовская СОШ" in content
    assert "Соглашений пока нет." not in content


def test_regional_coordinator_builds_the_region_own_program(client_for, cast):
    from nastavnik.programs.models import Program

    client = client_for("regional")
    index = client.get(reverse("programs:index")).content.decode()
    assert "Программа муниципалитета или региона" in index
    response = client.post(
        reverse("programs:area_program_create"),
        {"title": "Региональная программа наставничества", "scope": f"r{cast.region_a.pk}"},
    )
    program = Program.objects.get(title="Региональная программа наставничества")
    assert response.status_code == 302
    assert (program.organization, program.municipality, program.region) == (None, None, cast.region_a)
    assert client.get(reverse("programs:program_step", args=[program.pk, "goal"])).status_code == 200
    foreign = client.post(reverse("programs:area_program_create"), {"title": "Чужая", "scope": f"r{cast.region_b.pk}"})
    assert foreign.status_code == 302
    assert not Program.objects.filter(title="Чужая").exists()
