"""Closing the year (issue 10, item 8): the checklist «Закрытие учебного года», the marks of the pairs that
continue, the closing by the curator or the director and the carry-over of the pairs to the next year."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from nastavnik.documents.models import IssuedDocument
from nastavnik.events import services as events
from nastavnik.mentorships import carryover
from nastavnik.mentorships import services as mentorships
from nastavnik.mentorships.models import (
    IndividualPlan,
    Mentorship,
    MentorshipSource,
    MentorshipStatus,
    PlanItemStatus,
    PlanStatus,
)
from nastavnik.monitoring.models import Measurement
from nastavnik.orgs.models import AcademicYear
from nastavnik.pools.models import MenteeEntry, MenteeStatus, MentorEntry, MentorStatus
from nastavnik.programs import selectors, services
from nastavnik.programs.models import OrganizationYear, Program
from tests.mentorships.conftest import Builder, today_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(cast):
    from nastavnik.orgs.services import academic_year_current

    return academic_year_current()


@pytest.fixture
def build(cast, year):
    from nastavnik.programs.models import MentoringForm
    from tests.access_cases.pools import _forms

    _forms(cast)
    return Builder(cast, year, MentoringForm.objects.get(code="teacher_pupil"))


def _checks(cast, year) -> dict:
    return {c.code: c for c in selectors.year_close_checklist(organization=cast.school_a, academic_year=year)}


def _close(cast, year, who="curator", **kwargs):
    return services.year_close(actor=cast.user(who), organization=cast.school_a, academic_year=year, **kwargs)


def _mark(cast, year, *pairs, who="curator"):
    return services.year_close_marks(
        actor=cast.user(who), organization=cast.school_a, academic_year=year, continue_ids=[p.pk for p in pairs]
    )


def _is_closed(cast, year) -> bool:
    return services.year_is_closed(organization=cast.school_a, academic_year=year)


def _plan_with_items(cast, pair):
    curator = cast.user("curator")
    plan = mentorships.plan_start(actor=curator, mentorship=pair)
    plan = mentorships.plan_save_goal(
        actor=curator, plan=plan, goal="Подготовка к олимпиаде", lock_version=plan.lock_version
    )
    deadline = pair.academic_year.start_date + dt.timedelta(days=200)
    done = mentorships.plan_item_add(
        actor=curator, plan=plan, competency="Счёт", activity="Тренировки", deadline=deadline, format="in_person",
        lock_version=plan.lock_version,
    )  # fmt: skip
    plan.refresh_from_db()
    mentorships.plan_item_add(
        actor=curator, plan=plan, competency="Олимпиадные задачи", activity="Разбор задач прошлых лет",
        deadline=deadline, format="remote", expected_result="Призёр муниципального этапа",
        lock_version=plan.lock_version,
    )  # fmt: skip
    done.status = PlanItemStatus.DONE  # the progress form needs an approved plan: set directly
    done.save(update_fields=["status"])
    return plan


# --- the checklist ------------------------------------------------------------------------------------
def test_checklist_of_an_empty_year_names_each_check_with_its_figure(cast, year):
    checks = _checks(cast, year)

    assert list(checks) == ["mentorships", "monitoring", "report", "cases", "ceremony"]
    assert checks["mentorships"].ok
    assert checks["mentorships"].blocking
    assert checks["mentorships"].figure == "всего 0: завершено 0, продолжаются 0, требуют решения 0"
    assert [c.code for c in checks.values() if c.advisory_pending] == ["monitoring", "report", "cases", "ceremony"]
    assert checks["report"].figure == "в реестре 0 отчётов"
    assert checks["report"].url == reverse(
        "documents:issue", args=[cast.school_a.pk, year.start_year, "program_report"]
    )


def test_an_active_pair_blocks_until_it_is_marked_or_completed(cast, year, build):
    pair = build.mentorship()
    second = build.mentorship(build.mentor(last_name="Вторая"), [build.mentee(last_name="Второй")])

    assert _checks(cast, year)["mentorships"].figure == "всего 2: завершено 0, продолжаются 0, требуют решения 2"
    assert not _checks(cast, year)["mentorships"].ok

    _mark(cast, year, pair)
    mentorships.mentorship_end(actor=cast.user("curator"), mentorship=second, reason="", early=False)

    check = _checks(cast, year)["mentorships"]
    assert check.ok
    assert check.figure == "всего 2: завершено 1, продолжаются 1, требуют решения 0"


def test_advisory_checks_turn_green_from_the_other_apps_data(cast, year, build):
    curator = cast.user("curator")
    person = build.mentee().person
    for stage in ("entry", "exit"):
        Measurement.objects.create(
            region=cast.region_a, municipality=cast.municipality_a, organization=cast.school_a, academic_year=year,
            person=person, parameter="self_esteem", stage=stage, value=5, measured_on=today_in(year),
        )  # fmt: skip
    IssuedDocument.objects.create(
        organization=cast.school_a, academic_year=year, generator_id="program_report", series="report", sequence=1,
        number="1", date=today_in(year), title="Отчёт о реализации программы наставничества",
    )  # fmt: skip
    case = events.case_save(
        actor=curator, organization=cast.school_a, academic_year=year, title="Кейс", form=build.form,
        topic="Математика", problem="Низкий балл", actions="Занятия", results="Балл вырос на 1,2",
    )  # fmt: skip
    events.case_submit(actor=curator, case=case)
    event = events.event_save(
        actor=curator, organization=cast.school_a, kind="final", title="Итоговое мероприятие",
        starts_at=timezone.now() - dt.timedelta(hours=2),
    )  # fmt: skip
    events.registration_add(actor=curator, event=event, person=person)
    events.attendance_save(actor=curator, event=event, attended_ids=[event.registrations.get().pk])

    checks = _checks(cast, year)

    assert all(c.ok for c in checks.values()), {c.code: c.figure for c in checks.values() if not c.ok}
    assert checks["monitoring"].figure == "измерено на входе 1, на выходе 1, без итогового измерения 0"
    assert checks["report"].figure == "в реестре 1 отчёт"
    assert checks["ceremony"].figure == "запланировано 1, проведено 1, отмечено присутствующих 1"


def test_monitoring_check_fails_when_someone_measured_on_entry_has_no_exit(cast, year, build):
    for person, stages in ((build.mentee().person, ("entry", "exit")), (cast.pupil_a, ("entry",))):
        for stage in stages:
            Measurement.objects.create(
                region=cast.region_a, municipality=cast.municipality_a, organization=cast.school_a,
                academic_year=year, person=person, parameter="anxiety", stage=stage, value=4,
                measured_on=today_in(year),
            )  # fmt: skip

    check = _checks(cast, year)["monitoring"]

    assert not check.ok
    assert check.figure == "измерено на входе 2, на выходе 1, без итогового измерения 1"


# --- closing: rules ----------------------------------------------------------------------------------
def test_closing_is_refused_while_a_pair_is_undecided_and_nothing_changes(cast, year, build):
    pair = build.mentorship()
    counts = (Program.objects.count(), Mentorship.objects.count(), AcademicYear.objects.count())

    with pytest.raises(ValidationError) as error:
        _close(cast, year, confirm=True)

    assert error.value.messages == [
        "Год нельзя закрыть: пары не завершены и не отмечены «продолжается в следующем году» (1) — наставники "
        f"{pair.mentor.full_name}. Завершите их или отметьте продолжение."
    ]
    assert not _is_closed(cast, year)
    assert (Program.objects.count(), Mentorship.objects.count(), AcademicYear.objects.count()) == counts


def test_advisory_items_need_the_confirmation(cast, year):
    with pytest.raises(ValidationError) as error:
        _close(cast, year)

    assert error.value.messages == [
        "Не выполнено: итоговый мониторинг влияния; отчёт о реализации программы; кейсы наставнической "
        "практики; итоговое мероприятие. Чтобы закрыть год несмотря на это, подтвердите закрытие."
    ]
    assert not _is_closed(cast, year)

    next_year = _close(cast, year, confirm=True)

    assert next_year.start_year == year.start_year + 1
    assert _is_closed(cast, year)


@pytest.mark.parametrize("who", ["curator", "director"])
def test_curator_or_director_closes(cast, year, who):
    _close(cast, year, who=who, confirm=True)

    state = OrganizationYear.objects.get(organization=cast.school_a, academic_year=year)
    assert state.closed_by == cast.user(who)


@pytest.mark.parametrize("who", ["working_group", "regional", "outsider"])
def test_others_may_not_close_or_mark(cast, year, build, who):
    pair = build.mentorship()

    with pytest.raises(PermissionDenied) as error:
        _close(cast, year, who=who, confirm=True)
    assert str(error.value) == "Закрывают учебный год руководитель и куратор организации."
    with pytest.raises(PermissionDenied):
        _mark(cast, year, pair, who=who)

    assert not _is_closed(cast, year)
    assert not Mentorship.objects.filter(continued_from=pair).exists()


def test_closing_twice_is_refused_and_creates_nothing(cast, year, build):
    pair = build.mentorship()
    _mark(cast, year, pair)
    _close(cast, year, confirm=True)
    counts = (Mentorship.objects.count(), MentorEntry.objects.count(), MenteeEntry.objects.count())

    with pytest.raises(PermissionDenied) as error:
        _close(cast, year, confirm=True)

    assert "закрыт: его данные доступны только для просмотра" in str(error.value)
    with pytest.raises(PermissionDenied):
        _mark(cast, year, pair)
    assert (Mentorship.objects.count(), MentorEntry.objects.count(), MenteeEntry.objects.count()) == counts


def test_only_active_pairs_of_the_year_can_be_marked(cast, year, build):
    proposed = build.mentorship(activate=False)

    with pytest.raises(ValidationError) as error:
        _mark(cast, year, proposed)
    assert error.value.messages == ["Продолжить в следующем году можно только действующие пары этого года."]
    with pytest.raises(ValidationError):
        services.year_close_marks(
            actor=cast.user("curator"), organization=cast.school_a, academic_year=year, continue_ids=["x"]
        )
    assert not Mentorship.objects.filter(continued_from=proposed).exists()


# --- marks and the carry-over ------------------------------------------------------------------------
def test_marking_proposes_the_continuation_and_marking_twice_creates_nothing(cast, year, build):
    mentor = build.mentor(capacity=2)
    pair = build.mentorship(mentor, [build.mentee(), build.mentee(last_name="Второй")])

    assert _mark(cast, year, pair) == (1, 0)
    assert _mark(cast, year, pair) == (0, 0)
    carryover.mark_continue(actor=cast.user("curator"), mentorship=pair)

    continuation = Mentorship.objects.get(continued_from=pair)
    assert continuation.academic_year.start_year == year.start_year + 1
    assert continuation.status == MentorshipStatus.PROPOSED
    assert continuation.source == MentorshipSource.CARRIED
    assert continuation.mentor_id == pair.mentor_id
    assert continuation.form_id == pair.form_id
    assert {m.person_id for m in continuation.members.all()} == {m.person_id for m in pair.members.all()}
    assert continuation.mentor_entry.academic_year == continuation.academic_year
    assert continuation.mentor_entry.status == MentorStatus.TRAINED
    assert MentorEntry.objects.filter(person=pair.mentor).count() == 2
    pair.refresh_from_db()
    assert pair.status == MentorshipStatus.ACTIVE  # the old pair works on until the year is closed


def test_unmarking_removes_the_proposal_and_its_pool_entries(cast, year, build):
    pair = build.mentorship()
    _mark(cast, year, pair)
    entries = (MentorEntry.objects.count(), MenteeEntry.objects.count())

    assert _mark(cast, year) == (0, 1)

    assert not Mentorship.objects.filter(continued_from=pair).exists()
    assert (MentorEntry.objects.count(), MenteeEntry.objects.count()) == (entries[0] - 1, entries[1] - 1)
    assert not _checks(cast, year)["mentorships"].ok


def test_closing_carries_the_marked_pair_and_completes_the_old_one(cast, year, build):
    pair = build.mentorship()
    pair.direction = "Олимпиадная математика"
    pair.save(update_fields=["direction"])
    _plan_with_items(cast, pair)
    other = build.mentorship(build.mentor(last_name="Другая"), [build.mentee(last_name="Другой")])
    mentorships.mentorship_end(actor=cast.user("curator"), mentorship=other, reason="", early=False)
    _mark(cast, year, pair)

    next_year = _close(cast, year, confirm=True)

    pair.refresh_from_db()
    assert pair.status == MentorshipStatus.COMPLETED
    assert pair.end_reason == "completed"
    assert pair.end_comment == "Продолжение в следующем учебном году."
    new = Mentorship.objects.get(continued_from=pair)
    assert new.academic_year == next_year
    assert new.status == MentorshipStatus.ACTIVE
    assert new.start_date == next_year.start_date
    assert new.direction == "Олимпиадная математика"
    assert not Mentorship.objects.filter(continued_from=other).exists()
    member = new.members.get()
    assert member.mentee_entry.academic_year == next_year
    assert member.mentee_entry.status == MenteeStatus.IN_MENTORSHIP
    assert new.mentor_entry.status == MentorStatus.ACTIVE
    plan = IndividualPlan.objects.get(mentorship=new)
    assert plan.status == PlanStatus.DRAFT
    assert plan.goal == "Подготовка к олимпиаде"
    items = list(plan.items.all())
    assert [i.competency for i in items] == ["Олимпиадные задачи"]  # the done item stays behind
    assert items[0].expected_result == "Призёр муниципального этапа"
    assert next_year.contains(items[0].deadline)
    assert _is_closed(cast, year)
    assert Program.objects.filter(organization=cast.school_a, academic_year=next_year).exists()


def test_carrying_over_twice_creates_nothing(cast, year, build):
    pair = build.mentorship()
    _plan_with_items(cast, pair)
    _mark(cast, year, pair)
    curator = cast.user("curator")

    first = carryover.carry_over(actor=curator, organization=cast.school_a, academic_year=year)
    counts = (Mentorship.objects.count(), IndividualPlan.objects.count(), MenteeEntry.objects.count())
    second = carryover.carry_over(actor=curator, organization=cast.school_a, academic_year=year)

    assert len(first) == 1
    assert second == []
    assert (Mentorship.objects.count(), IndividualPlan.objects.count(), MenteeEntry.objects.count()) == counts


def test_a_failing_carry_over_rolls_the_whole_closing_back(cast, year, build, monkeypatch):
    pair = build.mentorship()
    _mark(cast, year, pair)

    def broken(**kwargs):
        raise ValidationError("сбой")

    monkeypatch.setattr(mentorships, "mentorship_end", broken)
    with pytest.raises(ValidationError):
        _close(cast, year, confirm=True)

    assert not _is_closed(cast, year)
    assert Mentorship.objects.get(continued_from=pair).status == MentorshipStatus.PROPOSED
    pair.refresh_from_db()
    assert pair.status == MentorshipStatus.ACTIVE


# --- the pages -----------------------------------------------------------------------------------------
def _url(cast, year, name="programs:year_close"):
    return reverse(name, args=[cast.school_a.pk, year.start_year])


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_checklist_page_shows_figures_rules_links_and_the_pairs(client_for, cast, year, build):
    pair = build.mentorship()

    response = client_for("curator").get(_url(cast, year))

    assert response.status_code == 200
    text = _text(response)
    assert "Закрытие учебного года" in text
    assert "Всего 1: завершено 0, продолжаются 0, требуют решения 1." in text
    assert "мешает закрытию" in text
    assert "Правило: Есть измерения «на выходе»" in text
    assert f'value="{pair.pk}"' in text
    assert reverse("mentorships:detail", args=[pair.pk]) in text
    assert "Год пока нельзя закрыть" in text


def test_year_hub_links_to_the_checklist(client_for, cast, year):
    text = _text(client_for("curator").get(reverse("programs:year", args=[cast.school_a.pk, year.start_year])))

    assert _url(cast, year) in text
    assert "Закрыть год и перенести" not in text


def test_marks_and_closing_through_the_ui(client_for, cast, year, build):
    pair = build.mentorship()
    client = client_for("curator")

    response = client.post(_url(cast, year, "programs:year_close_marks"), {"continue": [pair.pk]}, follow=True)
    assert "Отмечено продолжение в следующем году: 1; отметка снята: 0." in _text(response)
    assert "checked" in _text(response)

    refused = client.post(_url(cast, year), follow=True)
    assert "Чтобы закрыть год несмотря на это, подтвердите закрытие." in _text(refused)
    assert not _is_closed(cast, year)

    response = client.post(_url(cast, year), {"confirm": "1"}, follow=True)
    next_url = reverse("programs:year", args=[cast.school_a.pk, year.start_year + 1])
    assert response.redirect_chain == [(next_url, 302)]
    assert "закрыт" in _text(response)
    assert _is_closed(cast, year)
    assert Mentorship.objects.get(continued_from=pair).status == MentorshipStatus.ACTIVE

    closed_page = _text(client.get(_url(cast, year)))
    assert "Учебный год закрыт" in closed_page
    assert "Закрыть учебный год" not in closed_page


def test_bad_marks_get_a_russian_message(client_for, cast, year, build):
    build.mentorship()

    response = client_for("curator").post(
        _url(cast, year, "programs:year_close_marks"), {"continue": ["abc"]}, follow=True
    )

    assert "Неверный список пар." in _text(response)
    assert not Mentorship.objects.filter(continued_from__isnull=False).exists()


def test_working_group_sees_the_checklist_but_gets_403_on_closing(client_for, cast, year):
    client = client_for("working_group")

    page = client.get(_url(cast, year))
    response = client.post(_url(cast, year), {"confirm": "1"})

    assert page.status_code == 200
    assert "Закрыть учебный год" not in _text(page)
    assert response.status_code == 403
    assert "руководитель и куратор организации" in response.content.decode()
    assert not _is_closed(cast, year)


def test_other_organisation_gets_404(client_for, cast, year):
    response = client_for("outsider").get(_url(cast, year))

    assert response.status_code == 404
