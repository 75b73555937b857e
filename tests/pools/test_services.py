"""The pools' rules (seed 000, roadmap 2.x–4.x and 7.8; seed 001, the selection criteria): the status
machines, the consent gate, the score sheet before approval, «trained» from attendance, leaving the
pools on revocation of consent, what matching may read, the XLSX export and the catalogue."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from nastavnik.people.models import Role, RoleKind
from nastavnik.pools import export, selectors, services
from nastavnik.pools.models import (
    CRITERION_CODES,
    CriterionScore,
    MenteeEntry,
    MenteeStatus,
    MentorEntry,
    MentorStatus,
    RequestCategory,
)
from nastavnik.programs import services as program_services
from nastavnik.programs.models import MentoringForm

from .conftest import give_consent

ALL_TWOS = dict.fromkeys(CRITERION_CODES, (2, ""))


def _category(name="Низкие образовательные результаты"):
    return RequestCategory.objects.get(region=None, name=name)


def _mentee(cast, year, person, form, **data):
    data.setdefault("categories", [_category()])
    return services.mentee_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=person, form=form, **data
    )


def _mentor(cast, year, person, form, **data):
    return services.mentor_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=person, form=form, **data
    )


def _approved(cast, year, person, form, *, today=None):
    give_consent(person)
    entry = _mentor(cast, year, person, form)
    services.score_sheet_save(actor=cast.user("working_group"), entry=entry, scores=ALL_TWOS)
    today = today or timezone.localdate()
    return services.mentor_decide(
        actor=cast.user("curator"), entry=entry, approve=True, date=max(year.start_date, today), today=today
    )


def _today_in(year) -> dt.date:
    return max(year.start_date, timezone.localdate())


# --- catalogue ------------------------------------------------------------------------------------------
def test_default_request_categories_are_loaded(db):
    names = set(RequestCategory.objects.filter(region=None).values_list("name", flat=True))
    assert {
        "Низкие образовательные результаты",
        "Адаптация в новом коллективе",
        "Одарённость / подготовка к олимпиадам",
        "Выбор профессии",
        "Социальная активность",
        "Трудности в общении",
        "Адаптация молодого педагога",
        "Профессиональное развитие",
    } <= names
    assert services.request_categories_sync() == len(names)  # idempotent
    assert RequestCategory.objects.filter(region=None).count() == len(names)


def test_regional_coordinator_extends_the_catalogue_of_the_region_only(cast):
    category = services.category_save(actor=cast.user("regional"), region=cast.region_a, name="Сельская  школа")
    assert category.name == "Сельская школа"
    with pytest.raises(ValidationError, match="уже есть"):
        services.category_save(actor=cast.user("regional"), region=cast.region_a, name="выбор ПРОФЕССИИ")
    with pytest.raises(PermissionDenied):
        services.category_save(actor=cast.user("regional"), region=cast.region_b, name="Чужой регион")
    with pytest.raises(PermissionDenied):
        services.category_save(actor=cast.user("regional"), name="Общая категория")
    with pytest.raises(PermissionDenied):
        services.category_save(actor=cast.user("curator"), region=cast.region_a, name="Куратор не ведёт каталог")
    services.category_save(actor=cast.user("regional"), category=category, name="Сельская школа", is_active=False)
    assert category not in selectors.categories_for_region(cast.region_a.pk)
    assert _category() in selectors.categories_for_region(cast.region_a.pk)


# --- mentee pool ------------------------------------------------------------------------------------------
def test_mentee_status_machine_with_consent_gate(cast, year, teacher_pupil, make_pupil):
    """Roadmap 2.1–2.3: candidate → included → in a mentorship → completed; consent first."""
    pupil = make_pupil()
    entry = _mentee(cast, year, pupil, teacher_pupil, request_text="Не успевает по алгебре")
    assert entry.status == MenteeStatus.CANDIDATE
    with pytest.raises(ValidationError) as error:
        services.mentee_set_status(actor=cast.user("curator"), entry=entry, status=MenteeStatus.INCLUDED)
    assert "нет действующего согласия на обработку персональных данных" in error.value.messages[0]
    assert "Учениковой" in error.value.messages[0]  # the person is named (genitive)
    entry.refresh_from_db()
    assert entry.status == MenteeStatus.CANDIDATE

    give_consent(pupil)
    services.mentee_set_status(actor=cast.user("curator"), entry=entry, status=MenteeStatus.INCLUDED)
    assert entry.status == MenteeStatus.INCLUDED
    assert Role.objects.filter(person=pupil, kind=RoleKind.MENTEE, organization=cast.school_a).exists()
    with pytest.raises(ValidationError, match="нельзя перевести"):
        services.mentee_set_status(actor=cast.user("curator"), entry=entry, status=MenteeStatus.COMPLETED)
    services.mentee_set_status(actor=cast.user("curator"), entry=entry, status=MenteeStatus.IN_MENTORSHIP)
    services.mentee_set_status(actor=cast.user("curator"), entry=entry, status=MenteeStatus.COMPLETED)
    services.mentee_set_status(actor=cast.user("curator"), entry=entry, status=MenteeStatus.IN_MENTORSHIP)  # a fix
    with pytest.raises(ValidationError, match="выбывает"):
        services.mentee_set_status(actor=cast.user("curator"), entry=entry, status=MenteeStatus.LEFT)
    assert MenteeEntry.objects.get(pk=entry.pk).status == MenteeStatus.IN_MENTORSHIP
    services.mentee_set_status(
        actor=cast.user("curator"), entry=entry, status=MenteeStatus.LEFT, reason="Перевёлся в другую школу"
    )
    assert entry.status_reason == "Перевёлся в другую школу"


def test_inclusion_needs_a_request(cast, year, teacher_pupil, make_pupil):
    pupil = make_pupil()
    give_consent(pupil)
    entry = _mentee(cast, year, pupil, teacher_pupil, categories=[])
    with pytest.raises(ValidationError, match="укажите запрос"):
        services.mentee_set_status(actor=cast.user("curator"), entry=entry, status=MenteeStatus.INCLUDED)


def test_mentee_entry_is_unique_per_person_form_and_year_and_fits_the_form(cast, year, forms, make_pupil, make_teacher):
    pupil = make_pupil()
    _mentee(cast, year, pupil, forms["teacher_pupil"])
    with pytest.raises(ValidationError, match="уже в базе наставляемых"):
        _mentee(cast, year, pupil, forms["teacher_pupil"])
    _mentee(cast, year, pupil, forms["pupil_pupil"])  # another form is another entry
    with pytest.raises(ValidationError) as error:
        _mentee(cast, year, make_teacher(), forms["pupil_pupil"])
    assert "не может быть наставляемым" in str(error.value)
    other_form = MentoringForm.objects.get(code="employer_pupil")
    other_pupil = make_pupil(last_name="Другая")
    with pytest.raises(ValidationError, match="не входит в программу"):
        _mentee(cast, year, other_pupil, other_form)
    with pytest.raises(ValidationError, match="её участников"):
        _mentee(cast, year, cast.person_b, forms["teacher_pupil"])


def test_only_managers_write_the_pools(cast, year, teacher_pupil, make_pupil):
    for name in ("working_group", "regional", "mentor", "outsider"):
        with pytest.raises(PermissionDenied):
            services.mentee_add(
                actor=cast.user(name),
                organization=cast.school_a,
                academic_year=year,
                person=make_pupil(last_name=f"П{name}"),
                form=teacher_pupil,
            )
    entry = services.mentee_add(
        actor=cast.user("director"),
        organization=cast.school_a,
        academic_year=year,
        person=make_pupil(),
        form=teacher_pupil,
    )
    assert entry.region == cast.region_a
    assert entry.municipality == cast.municipality_a


def test_third_party_notes_keep_who_wrote_them(cast, year, teacher_pupil, make_pupil):
    entry = _mentee(cast, year, make_pupil(), teacher_pupil)
    note = services.note_add(
        actor=cast.user("curator"),
        entry=entry,
        author_role="psychologist",
        author_name="Орлова Е. В.",
        text="Высокая тревожность на контрольных",
        date=_today_in(year) - dt.timedelta(days=0),
        today=_today_in(year),
    )
    assert note.author == "Орлова Е. В."
    assert note.recorded_by == cast.user("curator")
    note = services.note_add(
        actor=cast.user("curator"),
        entry=entry,
        author_role="class_teacher",
        author_person=cast.teacher_a,
        text="Пропускает уроки",
        date=_today_in(year),
        today=_today_in(year),
    )
    assert note.author == cast.teacher_a.full_name
    with pytest.raises(ValidationError, match="автора"):
        services.note_add(
            actor=cast.user("curator"), entry=entry, author_role="teacher", text="Без автора", date=_today_in(year)
        )
    with pytest.raises(ValidationError, match="позже сегодняшнего"):
        services.note_add(
            actor=cast.user("curator"),
            entry=entry,
            author_role="parent",
            author_name="Мама",
            text="Из будущего",
            date=timezone.localdate() + dt.timedelta(days=3),
        )


# --- mentor pool: score sheet and decision ------------------------------------------------------------
def test_approval_needs_a_complete_score_sheet_and_a_consent(cast, year, teacher_pupil, make_teacher):
    """Seed 001: the nine criteria; seed 000 roadmap 4.1–4.2: the working group evaluates."""
    teacher = make_teacher()
    entry = _mentor(cast, year, teacher, teacher_pupil, topics="математика, подготовка к ОГЭ; математика")
    assert entry.topics == ["математика", "подготовка к ОГЭ"]
    today = _today_in(year)
    with pytest.raises(ValidationError) as error:
        services.mentor_decide(actor=cast.user("curator"), entry=entry, approve=True, date=today, today=today)
    assert "Сначала заполните оценочный лист по критериям отбора" in error.value.messages[0]

    partial = dict.fromkeys(CRITERION_CODES[:5], (3, ""))
    with pytest.raises(ValidationError) as error:
        services.score_sheet_save(actor=cast.user("working_group"), entry=entry, scores=partial)
    assert "Оцените критерий «Мотивация»" in str(error.value)
    with pytest.raises(ValidationError, match="от 0 до 3"):
        services.score_sheet_save(
            actor=cast.user("working_group"), entry=entry, scores={**ALL_TWOS, "motivation": (5, "")}
        )
    assert not CriterionScore.objects.filter(entry=entry).exists()

    services.score_sheet_save(
        actor=cast.user("working_group"), entry=entry, scores={**ALL_TWOS, "desire": (3, "очень хочет")}
    )
    assert CriterionScore.objects.filter(entry=entry).count() == 9
    with pytest.raises(ValidationError) as error:
        services.mentor_decide(actor=cast.user("curator"), entry=entry, approve=True, date=today, today=today)
    assert "согласия" in error.value.messages[0]

    give_consent(teacher)
    with pytest.raises(PermissionDenied):
        services.mentor_decide(actor=cast.user("working_group"), entry=entry, approve=True, date=today, today=today)
    services.mentor_decide(actor=cast.user("curator"), entry=entry, approve=True, date=today, today=today)
    entry.refresh_from_db()
    assert entry.status == MentorStatus.APPROVED
    assert (entry.decision_date, entry.decided_by) == (today, cast.user("curator"))
    assert Role.objects.filter(person=teacher, kind=RoleKind.MENTOR, organization=cast.school_a).exists()
    with pytest.raises(ValidationError, match="Решение по кандидатуре уже принято"):
        services.score_sheet_save(actor=cast.user("working_group"), entry=entry, scores=ALL_TWOS)


def test_score_sheets_are_per_evaluator_and_replaced_on_refill(cast, year, teacher_pupil, make_teacher):
    entry = _mentor(cast, year, make_teacher(), teacher_pupil)
    services.score_sheet_save(actor=cast.user("working_group"), entry=entry, scores=ALL_TWOS)
    services.score_sheet_save(actor=cast.user("working_group"), entry=entry, scores={**ALL_TWOS, "fit": (0, "")})
    services.score_sheet_save(actor=cast.user("curator"), entry=entry, scores=dict.fromkeys(CRITERION_CODES, (3, "")))
    assert CriterionScore.objects.filter(entry=entry).count() == 18
    sheets = selectors.score_sheets(entry, actor=cast.user("working_group"))
    assert sheets.complete_sheets == 2
    assert sheets.mine["fit"] == (0, "")
    fit = next(row for row in sheets.rows if row[0] == "fit")
    assert fit[3] == 1.5
    for name in ("mentor", "mentee", "regional", "outsider"):
        with pytest.raises(PermissionDenied):
            services.score_sheet_save(actor=cast.user(name), entry=entry, scores=ALL_TWOS)


def test_decline_needs_a_reason_and_can_be_reconsidered(cast, year, teacher_pupil, make_teacher):
    entry = _mentor(cast, year, make_teacher(), teacher_pupil)
    today = _today_in(year)
    with pytest.raises(ValidationError, match="причину отказа"):
        services.mentor_decide(actor=cast.user("curator"), entry=entry, approve=False, date=today, today=today)
    services.mentor_decide(
        actor=cast.user("curator"), entry=entry, approve=False, date=today, comment="Нет времени", today=today
    )
    assert entry.status == MentorStatus.DECLINED
    assert entry.decision_comment == "Нет времени"
    services.mentor_set_status(actor=cast.user("curator"), entry=entry, status=MentorStatus.CANDIDATE)
    entry.refresh_from_db()
    assert entry.status == MentorStatus.CANDIDATE
    assert entry.decision_date is None
    assert not entry.decision_comment
    with pytest.raises(ValidationError, match="позже сегодняшнего"):
        services.mentor_decide(
            actor=cast.user("curator"), entry=entry, approve=False, date=today + dt.timedelta(days=1), comment="x",
            today=today,
        )  # fmt: skip


def test_mentor_status_machine(cast, year, teacher_pupil, make_teacher):
    """Candidate → approved → trained (by attendance) → active → long-term base (roadmap 7.8)."""
    entry = _approved(cast, year, make_teacher(), teacher_pupil)
    with pytest.raises(ValidationError, match="ставится сам"):
        services.mentor_set_status(actor=cast.user("curator"), entry=entry, status=MentorStatus.TRAINED)
    with pytest.raises(ValidationError, match="не прошёл обучение"):
        services.mentor_set_status(actor=cast.user("curator"), entry=entry, status=MentorStatus.ACTIVE)
    with pytest.raises(ValidationError, match="решение по кандидату"):
        services.mentor_set_status(actor=cast.user("curator"), entry=entry, status=MentorStatus.DECLINED)
    training = services.training_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, title="Школа наставника",
        date=_today_in(year),
    )  # fmt: skip
    services.attendance_save(actor=cast.user("curator"), training=training, attended_ids=[entry.pk])
    entry.refresh_from_db()
    assert entry.status == MentorStatus.TRAINED
    for status in (MentorStatus.ACTIVE, MentorStatus.LONG_TERM, MentorStatus.ACTIVE, MentorStatus.TRAINED):
        services.mentor_set_status(actor=cast.user("curator"), entry=entry, status=status)
        assert entry.status == status
    with pytest.raises(ValidationError, match="выбывает"):
        services.mentor_set_status(actor=cast.user("curator"), entry=entry, status=MentorStatus.LEFT)
    services.mentor_set_status(actor=cast.user("curator"), entry=entry, status=MentorStatus.LEFT, reason="Уволился")
    with pytest.raises(ValidationError, match="нельзя перевести"):
        services.mentor_set_status(actor=cast.user("curator"), entry=entry, status=MentorStatus.ACTIVE)


def test_capacity_is_positive(cast, year, teacher_pupil, make_teacher):
    with pytest.raises(ValidationError, match="от 1 до 30"):
        _mentor(cast, year, make_teacher(), teacher_pupil, capacity=0)
    entry = _mentor(cast, year, make_teacher(last_name="Вторая"), teacher_pupil, capacity="3")
    services.mentor_update(
        actor=cast.user("curator"), entry=entry, competencies="ОГЭ", topics=["алгебра"], capacity=2, availability="вт"
    )
    entry.refresh_from_db()
    assert (entry.capacity, entry.topics, entry.availability) == (2, ["алгебра"], "вт")


# --- training --------------------------------------------------------------------------------------------
def test_attendance_makes_approved_mentors_trained(cast, year, teacher_pupil, make_teacher):
    """Roadmap 4.4: an approved mentor becomes «trained» when the attendance is marked; a candidate who
    attended becomes «trained» on approval; unticking takes it back."""
    today = _today_in(year)
    approved = _approved(cast, year, make_teacher(last_name="Одобренная"), teacher_pupil)
    candidate_person = make_teacher(last_name="Кандидатова")
    candidate = _mentor(cast, year, candidate_person, teacher_pupil)
    training = services.training_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, title="Школа наставника",
        date=today, program="1. Роль наставника.\n2. Индивидуальный план.", trainer="РНЦ",
    )  # fmt: skip
    counts = services.attendance_save(
        actor=cast.user("curator"), training=training, attended_ids=[approved.pk, candidate.pk]
    )
    assert counts == {"attended": 2, "trained": 1, "untrained": 0}
    approved.refresh_from_db()
    candidate.refresh_from_db()
    assert approved.status == MentorStatus.TRAINED
    assert approved.trained_at == today
    assert candidate.status == MentorStatus.CANDIDATE
    assert candidate.trained_at == today

    give_consent(candidate_person)
    services.score_sheet_save(actor=cast.user("working_group"), entry=candidate, scores=ALL_TWOS)
    services.mentor_decide(actor=cast.user("curator"), entry=candidate, approve=True, date=today, today=today)
    assert candidate.status == MentorStatus.TRAINED

    counts = services.attendance_save(actor=cast.user("curator"), training=training, attended_ids=[candidate.pk])
    assert counts["untrained"] == 1
    approved.refresh_from_db()
    assert approved.status == MentorStatus.APPROVED
    assert approved.trained_at is None
    with pytest.raises(PermissionDenied):
        services.attendance_save(actor=cast.user("working_group"), training=training, attended_ids=[approved.pk])


def test_attendance_is_not_marked_before_the_training(cast, year, teacher_pupil, make_teacher):
    entry = _approved(cast, year, make_teacher(), teacher_pupil)
    future = min(year.end_date, timezone.localdate() + dt.timedelta(days=10))
    if future <= timezone.localdate():
        pytest.skip("the last days of the academic year")
    training = services.training_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, title="Будущее", date=future
    )
    with pytest.raises(ValidationError, match="в день обучения или после него"):
        services.attendance_save(actor=cast.user("curator"), training=training, attended_ids=[entry.pk])
    with pytest.raises(ValidationError, match="в пределах учебного года"):
        services.training_save(
            actor=cast.user("curator"), organization=cast.school_a, academic_year=year, title="Вне года",
            date=year.end_date + dt.timedelta(days=1),
        )  # fmt: skip


def test_training_materials_need_a_file_or_a_link(cast, year):
    training = services.training_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, title="Школа", date=_today_in(year)
    )
    with pytest.raises(ValidationError, match="файл или укажите ссылку"):
        services.material_add(actor=cast.user("curator"), training=training, title="Пусто")
    material = services.material_add(actor=cast.user("curator"), training=training, url="https://example.ru/a.pdf")
    assert material.title == "https://example.ru/a.pdf"


# --- revocation of consent -------------------------------------------------------------------------------
def test_pools_leave_for_takes_the_person_out_of_both_pools(cast, year, forms, make_teacher, make_pupil):
    teacher = make_teacher()
    give_consent(teacher)
    mentor = _approved(cast, year, teacher, forms["teacher_pupil"])
    mentee = _mentee(cast, year, teacher, forms["teacher_teacher"])
    services.mentee_set_status(actor=cast.user("curator"), entry=mentee, status=MenteeStatus.INCLUDED)
    other = _mentee(cast, year, make_pupil(), forms["teacher_pupil"])
    reason = "Отзыв согласия на обработку персональных данных: заявление от 01.12"
    assert services.pools_leave_for(person=teacher, reason=reason) == 2
    mentor.refresh_from_db()
    mentee.refresh_from_db()
    other.refresh_from_db()
    assert (mentor.status, mentee.status) == (MentorStatus.LEFT, MenteeStatus.LEFT)
    assert mentor.status_reason == reason == mentee.status_reason
    assert other.status == MenteeStatus.CANDIDATE
    assert services.pools_leave_for(person=teacher, reason=reason) == 0


# --- what matching reads -----------------------------------------------------------------------------------
def test_matchable_selectors_only_give_ready_people_with_consent(cast, year, teacher_pupil, make_teacher, make_pupil):
    today = _today_in(year)
    trained = _approved(cast, year, make_teacher(last_name="Обученная"), teacher_pupil)
    approved_only = _approved(cast, year, make_teacher(last_name="Необученная"), teacher_pupil)
    _mentor(cast, year, make_teacher(last_name="Кандидатская"), teacher_pupil)
    revoked = _approved(cast, year, make_teacher(last_name="Отозвавшая"), teacher_pupil)
    training = services.training_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, title="Школа", date=today
    )
    services.attendance_save(actor=cast.user("curator"), training=training, attended_ids=[trained.pk, revoked.pk])
    revoked.person.consents.update(revoked_at=timezone.now())  # revoked, but the entry was not moved

    included = _mentee(cast, year, make_pupil(last_name="Включённая"), teacher_pupil)
    give_consent(included.person)
    services.mentee_set_status(actor=cast.user("curator"), entry=included, status=MenteeStatus.INCLUDED)
    _mentee(cast, year, make_pupil(last_name="Кандидатова"), teacher_pupil)
    no_consent = _mentee(cast, year, make_pupil(last_name="Безсогласная"), teacher_pupil)
    MenteeEntry.objects.filter(pk=no_consent.pk).update(status=MenteeStatus.INCLUDED)  # e.g. consent lost later

    scope = {"organization": cast.school_a, "academic_year": year, "form": teacher_pupil}
    assert list(selectors.matchable_mentors(**scope)) == [trained]
    assert approved_only not in selectors.matchable_mentors(**scope)
    trained.refresh_from_db()
    services.mentor_set_status(actor=cast.user("curator"), entry=trained, status=MentorStatus.ACTIVE)
    assert list(selectors.matchable_mentors(**scope)) == [trained]
    assert list(selectors.matchable_mentees(**scope)) == [included]
    assert list(selectors.matchable_mentors(cast.school_a, year, teacher_pupil)) == [trained]  # positional too

    summary = selectors.pool_summary(organization=cast.school_a, academic_year=year)
    assert (summary.mentors_ready, summary.mentees_ready, summary.capacity_ready) == (1, 1, 1)
    assert summary.mentees_without_consent == 2
    assert summary.mentors_without_consent == 2
    row = next(r for r in summary.forms if r.form == teacher_pupil)
    assert (row.mentors, row.mentors_ready, row.mentees, row.mentees_ready) == (4, 1, 3, 1)


# --- export -------------------------------------------------------------------------------------------------
def test_xlsx_export_of_both_pools(cast, year, teacher_pupil, make_teacher, make_pupil):
    pupil = make_pupil(last_name="Экспортова", class_name="7Б")
    give_consent(pupil)
    _mentee(cast, year, pupil, teacher_pupil, request_text="Подготовка к олимпиаде\nпо математике")
    _mentee(cast, year, make_pupil(last_name="Безсогласия"), teacher_pupil)
    mentor = _approved(cast, year, make_teacher(last_name="Наставникова"), teacher_pupil)
    services.mentor_update(
        actor=cast.user("curator"), entry=mentor, competencies="ОГЭ", topics=["алгебра", "геометрия"], capacity=3
    )

    entries = selectors.mentee_pool_for(organization=cast.school_a, academic_year=year)
    book = load_workbook(io.BytesIO(export.mentee_pool_xlsx(entries, subtitle="Школа")))
    sheet = book.active
    assert sheet.title == "База наставляемых"
    assert [c.value for c in sheet[1]][:3] == ["№", "ФИО", "Класс (группа)"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:N3"
    assert sheet.column_dimensions["B"].width > 20
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[pupil.full_name][2] == "7Б"
    assert rows[pupil.full_name][6] == "Низкие образовательные результаты"
    assert rows[pupil.full_name][10] == "есть"
    assert next(r for name, r in rows.items() if name.startswith("Безсогласия"))[10] == "нет"

    entries = selectors.mentor_pool_for(organization=cast.school_a, academic_year=year)
    sheet = load_workbook(io.BytesIO(export.mentor_pool_xlsx(entries, subtitle="Школа"))).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["ФИО"] == mentor.person.full_name
    assert row["Темы"] == "алгебра; геометрия"
    assert row["Наставляемых (сколько может взять)"] == 3
    assert row["Средний балл (0–3)"] == 2
    assert row["Статус"] == "Одобрен"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}2"


def test_export_is_in_the_audit_log(cast, year):
    services.log_export(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, pool="mentees", rows=5
    )
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).get()
    assert entry.actor == cast.user("curator")
    assert entry.additional_data == {"export": "mentees", "academic_year": year.start_year, "rows": 5}


# --- closed year -------------------------------------------------------------------------------------------
def test_a_closed_year_is_read_only(cast, year, teacher_pupil, make_pupil):
    entry = _mentee(cast, year, make_pupil(), teacher_pupil)
    program_services.year_rollover(actor=cast.user("director"), organization=cast.school_a, academic_year=year)
    with pytest.raises(PermissionDenied, match="закрыт"):
        services.mentee_update(actor=cast.user("curator"), entry=entry, categories=[], request_text="x")
    assert not MentorEntry.objects.exists()
