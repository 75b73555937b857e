"""Matching services: a run from the pools, the curator's edits, re-run with locks, approval, bad input,
rights, the background thread, and the municipal run confirmed by each organisation."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nastavnik.matching import engine, selectors, services
from nastavnik.matching.models import ForbiddenPair, MatchingRun, Proposal, RunStatus, Unmatched
from nastavnik.mentorships.models import Mentorship, MentorshipStatus
from nastavnik.people.models import Category
from nastavnik.pools.models import MenteeStatus

from .conftest import Pools, enable_forms


def _pairs(run, solver=None):
    return {
        (p.mentee_entry_id, p.mentor_entry_id) for p in Proposal.objects.filter(run=run, solver=solver or run.solver)
    }


# --- input ------------------------------------------------------------------------------------------------
def test_inputs_come_from_the_pools_with_requests_competencies_age_and_grade(cast, year, tp):
    mentor = tp.mentor("Сидорова", topics=["подготовка к ОГЭ по математике"], competencies="олимпиады; физика")
    mentee = tp.mentee("Петрова", request_text="Трудности с математикой", class_name="7Б")
    candidate = tp.mentee("Кандидатова", include=False)
    inputs = selectors.build_inputs(
        organizations=[cast.school_a], academic_year=year, form=tp.form, today=year.start_date
    )
    assert [m.id for m in inputs.mentees] == [mentee.pk]  # a candidate is not matched
    assert candidate.pk not in [m.id for m in inputs.mentees]
    [m] = inputs.mentees
    assert m.grade == 7
    assert "математика" in m.requests
    assert "низкие образовательные результаты" in m.requests
    [t] = inputs.mentors
    assert t.id == mentor.pk
    assert "математика" in t.competencies
    assert "физика" in t.competencies
    assert "подготовка к огэ по математике" in t.competencies
    score, parts = engine.score_pair(m, t, engine.Weights())
    assert score > 0
    assert any(p.code == "request" and "математика" in p.text for p in parts)


def test_grade_of_classes_and_student_groups():
    assert selectors.grade_of("7Б") == 7
    assert selectors.grade_of("11А") == 11
    assert selectors.grade_of("ТМ-21", "student") == 200
    assert selectors.grade_of("", "pupil") is None


def test_preferences_come_from_the_latest_preference_answer(cast, year, tp):
    from django.utils import timezone

    from nastavnik.questionnaires.models import Campaign, Invitation, Question, QuestionType, Response
    from nastavnik.questionnaires.services import questionnaire_create_from_template

    first = tp.mentor("Первая")
    second = tp.mentor("Вторая")
    mentee = tp.mentee("Выбирающая")
    questionnaire = questionnaire_create_from_template(
        actor=cast.user("admin"), organization=cast.school_a, template_code="preference_mentee"
    )
    question = Question.objects.get(questionnaire=questionnaire, qtype=QuestionType.PEOPLE)
    now = timezone.now()
    campaign = Campaign.objects.create(
        questionnaire=questionnaire, region=cast.region_a, municipality=cast.municipality_a,
        organization=cast.school_a, title="Предпочтения", audience_kind="list", audience="", deadline=now,
        mode="single_use",
    )  # fmt: skip
    invitation = Invitation.objects.create(
        campaign=campaign, person=mentee.person, subject=mentee.person, token="t1", expires_at=now
    )
    Response.objects.create(
        invitation=invitation, campaign=campaign, submitted_at=now,
        answers={str(question.pk): [second.person_id, first.person_id]},
    )  # fmt: skip
    inputs = selectors.build_inputs(organizations=[cast.school_a], academic_year=year, form=tp.form, today=now.date())
    [m] = inputs.mentees
    assert m.preferences == (second.pk, first.pk)
    run = tp.run()
    proposal = Proposal.objects.get(run=run, solver="optimal")
    assert proposal.mentor_entry_id == second.pk
    assert any(part["code"] == "preference" for part in proposal.parts)


# --- a run -------------------------------------------------------------------------------------------------
def test_run_saves_every_solver_with_explanations_and_the_snapshot(cast, year, tp):
    maths = tp.mentor("Математикова", topics=["математика"])
    tp.mentor("Историкова", topics=["история"])
    mentee = tp.mentee("Петрова", request_text="Трудности с математикой")
    run = tp.run()
    assert run.status == RunStatus.READY
    assert run.progress == 100
    assert set(run.results) == {"optimal", "stable", "greedy"}
    assert run.results["optimal"]["matched"] == 1
    assert run.mentee_count == 1
    assert run.mentor_count == 2
    for solver in ("stable", "greedy", "optimal"):
        services.run_choose_solver(actor=cast.user("curator"), run=run, solver=solver)
        assert _pairs(run, solver) == {(mentee.pk, maths.pk)}
    proposal = Proposal.objects.get(run=run, solver="optimal")
    assert any("математика" in part["text"] for part in proposal.parts)
    assert [a["mentor_id"] for a in proposal.alternatives] != [maths.pk]
    # reproducible: the stored snapshot gives the same result
    mentees, mentors, _ = selectors.inputs_from_snapshot(run.snapshot)
    again = engine.solve(mentees, mentors, weights=services.engine_weights(run), rules=services.engine_rules(run))
    assert {(p.mentee_id, p.mentor_id) for p in again.pairs} == _pairs(run)


def test_default_rules_of_peer_forms_need_an_age_gap(cast, year, pools_for):
    pp = pools_for("pupil_pupil")
    from nastavnik.core.text import years_before

    older = pp.mentor("Старшая", category=Category.PUPIL, class_name="9А", birth_date=years_before(year.start_date, 15))
    peer = pp.mentor(
        "Ровесница", category=Category.PUPIL, class_name="7А", birth_date=years_before(year.start_date, 13)
    )
    mentee = pp.mentee("Младшая", class_name="7Б", birth_date=years_before(year.start_date, 13))
    run = pp.run()
    assert run.rules["min_age_gap"] == 2
    assert _pairs(run) == {(mentee.pk, older.pk)}
    assert peer.pk not in {p.mentor_entry_id for p in Proposal.objects.filter(run=run)}


def test_forbidden_pair_is_never_proposed(cast, year, tp):
    mentor = tp.mentor("Единственная")
    mentee = tp.mentee("Родственница")
    services.forbidden_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, mentee=mentee.person,
        mentor=mentor.person, reason="родственники",
    )  # fmt: skip
    again = services.forbidden_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, mentee=mentee.person,
        mentor=mentor.person, reason="родственники",
    )  # fmt: skip
    assert ForbiddenPair.objects.count() == 1
    assert again.pk
    run = tp.run()
    assert run.status == RunStatus.READY
    assert not _pairs(run)
    [item] = Unmatched.objects.filter(run=run, solver="optimal")
    assert item.code
    assert item.text


# --- the curator's edits -------------------------------------------------------------------------------------
@pytest.fixture
def two_pairs(tp):
    maths = tp.mentor("Математикова", topics=["математика"])
    history = tp.mentor("Историкова", topics=["история"])
    a = tp.mentee("Алгебраева", request_text="Трудности с математикой")
    b = tp.mentee("Былинова", request_text="Интерес к истории", category_name="Выбор профессии")
    run = tp.run()
    assert _pairs(run) == {(a.pk, maths.pk), (b.pk, history.pk)}
    return run, maths, history, a, b


def test_lock_swap_remove_and_rerun_keeps_the_locks(cast, two_pairs, tp):
    run, maths, history, a, b = two_pairs
    curator = cast.user("curator")
    first = Proposal.objects.get(run=run, solver=run.solver, mentee_entry=a)
    second = Proposal.objects.get(run=run, solver=run.solver, mentee_entry=b)
    services.proposals_swap(actor=curator, first=first, second=second)
    assert _pairs(run) == {(a.pk, history.pk), (b.pk, maths.pk)}
    first.refresh_from_db()
    assert first.locked
    assert first.manual
    # re-run: a new run on the pools that keeps the swapped (locked) pairs
    new = services.run_rerun(actor=curator, run=run)
    assert new.pk != run.pk
    assert new.previous_id == run.pk
    assert new.number == run.number + 1
    assert _pairs(new) == {(a.pk, history.pk), (b.pk, maths.pk)}
    assert all(p.locked for p in Proposal.objects.filter(run=new, solver=new.solver))
    # remove one: it is unmatched with the reason, and a re-run does not propose it again
    removed = Proposal.objects.get(run=new, solver=new.solver, mentee_entry=a)
    services.proposal_lock(actor=curator, proposal=removed, locked=False)
    services.proposal_remove(actor=curator, proposal=removed)
    item = Unmatched.objects.get(run=new, solver=new.solver, mentee_entry=a)
    assert item.code == "removed"
    assert "убрана куратором" in item.text
    third = services.run_rerun(actor=curator, run=new)
    assert (a.pk, history.pk) not in _pairs(third)
    assert (b.pk, maths.pk) in _pairs(third)


def test_manual_assign_checks_rules_and_capacity(cast, two_pairs, tp):
    run, maths, history, a, b = two_pairs
    curator = cast.user("curator")
    with pytest.raises(ValidationError, match="все места заняты"):
        services.proposal_assign(actor=curator, run=run, mentee_entry_id=a.pk, mentor_entry_id=history.pk)
    services.proposal_remove(actor=curator, proposal=Proposal.objects.get(run=run, solver=run.solver, mentee_entry=b))
    proposal = services.proposal_assign(actor=curator, run=run, mentee_entry_id=a.pk, mentor_entry_id=history.pk)
    assert proposal.manual
    assert proposal.locked
    assert proposal.mentor_entry_id == history.pk
    assert _pairs(run) == {(a.pk, history.pk)}
    # b was removed from history: assigning it back is refused by the run's rules (excluded pair)
    with pytest.raises(ValidationError, match="не могут быть парой"):
        services.proposal_assign(actor=curator, run=run, mentee_entry_id=b.pk, mentor_entry_id=history.pk)
    proposal = services.proposal_assign(actor=curator, run=run, mentee_entry_id=b.pk, mentor_entry_id=maths.pk)
    assert not Unmatched.objects.filter(run=run, solver=run.solver, mentee_entry=b).exists()
    assert selectors.eligible_mentors(run, a.pk)


def test_choose_another_solver(cast, two_pairs):
    run, *_ = two_pairs
    services.run_choose_solver(actor=cast.user("curator"), run=run, solver="stable")
    run.refresh_from_db()
    assert run.solver == "stable"
    with pytest.raises(ValidationError):
        services.run_choose_solver(actor=cast.user("curator"), run=run, solver="random")


# --- approval --------------------------------------------------------------------------------------------------
def test_approval_creates_pairs_and_groups_once(cast, year, tp):
    group_mentor = tp.mentor("Групповая", capacity=2, topics=["математика"])
    pair_mentor = tp.mentor("Парная", topics=["история"])
    a = tp.mentee("Алгебраева")
    b = tp.mentee("Арифметикова")
    c = tp.mentee("Былинова", request_text="Интерес к истории")
    run = tp.run()
    assert _pairs(run) == {(a.pk, group_mentor.pk), (b.pk, group_mentor.pk), (c.pk, pair_mentor.pk)}
    director = cast.user("director")
    services.run_approve(actor=director, run=run, activate=True, order_number="15-н")
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    assert run.approved_by == director
    assert run.approved_at
    mentorships = list(Mentorship.objects.filter(source_ref=f"run:{run.pk}").order_by("pk"))
    assert len(mentorships) == 2
    group = next(m for m in mentorships if m.mentor_entry_id == group_mentor.pk)
    assert set(group.members.values_list("mentee_entry_id", flat=True)) == {a.pk, b.pk}
    assert all(m.status == MentorshipStatus.ACTIVE and m.source == "matching" for m in mentorships)
    a.refresh_from_db()
    assert a.status == MenteeStatus.IN_MENTORSHIP
    assert set(Proposal.objects.filter(run=run, solver=run.solver).values_list("mentorship_id", flat=True)) == {
        m.pk for m in mentorships
    }
    # twice: nothing new
    services.run_approve(actor=director, run=run, activate=True)
    assert Mentorship.objects.count() == 2
    # and a new run finds nobody left to match
    again = tp.run()
    assert again.status == RunStatus.FAILED
    assert "нет никого" in again.errors[0]


def test_approval_is_all_or_nothing_with_a_russian_message(cast, year, tp):
    from nastavnik.pools import services as pools

    mentor = tp.mentor("Одна")
    mentee = tp.mentee("Ушедшая")
    run = tp.run()
    pools.mentee_set_status(actor=cast.user("curator"), entry=mentee, status="left", reason="переезд")
    with pytest.raises(ValidationError) as error:
        services.run_approve(actor=cast.user("curator"), run=run)
    assert "не созданы" in " ".join(error.value.messages)
    run.refresh_from_db()
    assert run.status == RunStatus.READY
    assert not Mentorship.objects.exists()
    assert mentor.pk


def test_an_approved_run_is_not_edited(cast, two_pairs):
    run, *_ = two_pairs
    services.run_approve(actor=cast.user("curator"), run=run)
    proposal = Proposal.objects.filter(run=run, solver=run.solver).first()
    with pytest.raises(ValidationError, match="только в готовом"):
        services.proposal_lock(actor=cast.user("curator"), proposal=proposal, locked=True)
    with pytest.raises(ValidationError):
        services.run_rerun(actor=cast.user("curator"), run=run)


# --- bad input ---------------------------------------------------------------------------------------------------
def test_empty_pools_are_saved_as_an_error_in_russian(cast, year, tp):
    run = tp.run()
    assert run.pk
    assert run.status == RunStatus.FAILED
    assert any("нет никого" in e for e in run.errors)
    assert any("нет готовых наставников" in e for e in run.errors)


def test_all_mentors_full(cast, year, tp):
    from nastavnik.mentorships.services import mentorship_create

    mentor = tp.mentor("Занятая")
    first = tp.mentee("Первая")
    mentorship_create(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, form=tp.form,
        mentor_entry=mentor, mentee_entries=[first],
    )  # fmt: skip
    tp.mentee("Вторая")
    run = tp.run()
    assert run.status == RunStatus.FAILED
    assert any("места уже заняты" in e for e in run.errors)
    assert run.mentee_count == 1  # the mentee already in a (proposed) pair is not matched again


def test_mentee_without_eligible_mentor_gets_a_reason(cast, year, pools_for):
    from nastavnik.core.text import years_before

    pp = pools_for("pupil_pupil")
    pp.mentor("Ровесница", category=Category.PUPIL, class_name="7А", birth_date=years_before(year.start_date, 13))
    mentee = pp.mentee("Младшая", class_name="7Б", birth_date=years_before(year.start_date, 13))
    run = pp.run()
    assert run.status == RunStatus.READY
    item = Unmatched.objects.get(run=run, solver=run.solver, mentee_entry=mentee)
    assert item.text
    assert item.code != "removed"


def test_contradictory_locks_are_reported(cast, year, tp):
    mentor = tp.mentor("Одноместная")
    a, b = tp.mentee("Первая"), tp.mentee("Вторая")
    run = tp.run(locked=[(a.pk, mentor.pk), (b.pk, mentor.pk)])
    assert run.status == RunStatus.READY
    assert run.errors
    assert _pairs(run) == {(a.pk, mentor.pk)}
    assert Unmatched.objects.filter(run=run, solver=run.solver, mentee_entry=b).exists()


def test_weights_all_zero_warn_and_still_match(cast, year, tp):
    tp.mentor("Любая")
    tp.mentee("Любой")
    run = tp.run(weights=dict.fromkeys(services.WEIGHT_LABELS, 0))
    assert run.status == RunStatus.READY
    assert run.warnings
    assert run.results["optimal"]["matched"] == 1


def test_bad_weights_and_rules_are_refused_in_russian(cast, year, tp):
    with pytest.raises(ValidationError) as error:
        tp.run(weights={"request": -1})
    assert "от 0 до 10" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        tp.run(rules={"min_age_gap": "много"})
    assert not MatchingRun.objects.exists()


def test_engine_crash_is_saved_as_an_error(cast, year, tp, monkeypatch):
    tp.mentor("Любая")
    tp.mentee("Любой")

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "compare", boom)
    run = tp.run()
    assert run.status == RunStatus.FAILED
    assert run.errors == [services.CRASHED]


def test_form_outside_the_program_is_refused(cast, year, forms):
    from nastavnik.programs.models import MentoringForm

    other = MentoringForm.objects.get(code="employer_student")
    with pytest.raises(ValidationError, match="не выбрана в программе"):
        services.run_create(actor=cast.user("curator"), organization=cast.school_a, academic_year=year, form=other)


# --- rights --------------------------------------------------------------------------------------------------------
def test_read_only_roles_change_nothing(cast, two_pairs, year, tp):
    run, maths, _history, a, _b = two_pairs
    proposal = Proposal.objects.filter(run=run, solver=run.solver).first()
    for name in ("working_group", "mentor", "regional"):
        user = cast.user(name)
        with pytest.raises(PermissionDenied):
            tp.run(actor=user)
        with pytest.raises(PermissionDenied):
            services.proposal_lock(actor=user, proposal=proposal, locked=True)
        with pytest.raises(PermissionDenied):
            services.run_approve(actor=user, run=run)
        with pytest.raises(PermissionDenied):
            services.forbidden_add(
                actor=user, organization=cast.school_a, academic_year=year, mentee=a.person, mentor=maths.person,
                reason="конфликт",
            )  # fmt: skip
    assert MatchingRun.objects.count() == 1
    assert not Mentorship.objects.exists()
    assert not ForbiddenPair.objects.exists()


def test_runs_are_scoped(cast, two_pairs):
    from django.http import Http404

    run, *_ = two_pairs
    assert selectors.run_get_for(actor=cast.user("working_group"), pk=run.pk) == run
    assert selectors.run_get_for(actor=cast.user("regional"), pk=run.pk) == run
    for name in ("outsider", "outsider_regional"):
        with pytest.raises(Http404):
            selectors.run_get_for(actor=cast.user(name), pk=run.pk)
    with pytest.raises(PermissionDenied):
        selectors.run_get_for(actor=cast.user("mentee"), pk=run.pk)


# --- background ----------------------------------------------------------------------------------------------------
def test_large_runs_go_to_the_background_thread(cast, year, tp, monkeypatch, django_capture_on_commit_callbacks):
    tp.mentor("Любая")
    tp.mentee("Любой")
    started = []
    monkeypatch.setattr(services, "SYNC_LIMIT", 1)
    monkeypatch.setattr(
        services,
        "start_worker",
        lambda run_id: started.append(run_id) or services.run_job(run_id, close_connections=False),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = tp.run()
    assert run.status == RunStatus.RUNNING
    assert not started
    for callback in callbacks:
        callback()
    run.refresh_from_db()
    assert started == [run.pk]
    assert run.status == RunStatus.READY
    assert run.progress == 100


def test_a_stale_running_run_ends_as_an_error(cast, year, tp):
    import datetime as dt

    run = MatchingRun.objects.create(
        region=cast.region_a, municipality=cast.municipality_a, organization=cast.school_a, academic_year=year,
        form=tp.form, status=RunStatus.RUNNING,
    )  # fmt: skip
    MatchingRun.objects.filter(pk=run.pk).update(updated_at=run.updated_at - dt.timedelta(hours=1))
    run.refresh_from_db()
    services.run_mark_stale(run)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.errors == [services.STALE]


# --- municipal matching ----------------------------------------------------------------------------------------------
def test_municipal_run_over_two_schools_confirmed_by_each(cast, year, forms):
    from nastavnik.core.text import years_before
    from nastavnik.people.models import RoleKind
    from tests.factories import RoleFactory

    enable_forms(cast, cast.school_a2)
    form = forms["student_pupil"]
    sp = Pools(cast, year, form)
    student = sp.mentor(
        "Студентова", organization=cast.school_a2, category=Category.STUDENT, class_name="ТМ-31",
        birth_date=years_before(year.start_date, 18),
    )  # fmt: skip
    pupil = sp.mentee("Школьникова", class_name="6А", birth_date=years_before(year.start_date, 12))
    municipal = cast.user("municipal")
    with pytest.raises(ValidationError, match="хотя бы две"):
        services.run_create(
            actor=municipal, academic_year=year, form=form, organizations=[cast.school_a],
            municipality=cast.municipality_a,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.run_create(
            actor=cast.user("curator"), academic_year=year, form=form, organizations=[cast.school_a, cast.school_a2],
            municipality=cast.municipality_a,
        )  # fmt: skip
    run = services.run_create(
        actor=municipal, academic_year=year, form=form, organizations=[cast.school_a, cast.school_a2],
        municipality=cast.municipality_a,
    )  # fmt: skip
    assert run.organization is None
    assert run.status == RunStatus.READY
    assert _pairs(run) == {(pupil.pk, student.pk)}
    # the curator of school A sees the run and confirms its part; school A2 has no mentees
    assert selectors.run_get_for(actor=cast.user("curator"), pk=run.pk) == run
    with pytest.raises(ValidationError, match="каждая подтверждает"):
        services.run_approve(actor=municipal, run=run)
    with pytest.raises(PermissionDenied):
        services.run_confirm_part(actor=cast.user("working_group"), run=run, organization=cast.school_a)
    services.run_confirm_part(actor=cast.user("curator"), run=run, organization=cast.school_a)
    [mentorship] = Mentorship.objects.filter(source_ref=f"run:{run.pk}")
    assert mentorship.organization == cast.school_a
    assert mentorship.mentor_entry_id == student.pk
    run.refresh_from_db()
    assert run.status == RunStatus.READY  # school A2 has not confirmed yet
    director_a2 = RoleFactory(person=cast.teacher_a, kind=RoleKind.DIRECTOR, organization=cast.school_a2)
    assert director_a2
    from tests.factories import UserFactory

    user = UserFactory(username="director_a2")
    cast.teacher_a.user = user
    cast.teacher_a.save()
    services.run_confirm_part(actor=user, run=run, organization=cast.school_a2)
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    assert Mentorship.objects.count() == 1


def test_approving_one_run_supersedes_the_other_ready_runs_of_the_form(cast, year, tp, client):
    from django.urls import reverse

    tp.mentor("Парная", topics=["история"])
    tp.mentee("Былинова", request_text="Интерес к истории")
    older, newer = tp.run(), tp.run()
    services.run_approve(actor=cast.user("curator"), run=newer)
    older.refresh_from_db()
    assert older.status == RunStatus.SUPERSEDED
    with pytest.raises(ValidationError, match="только готовый"):
        services.run_approve(actor=cast.user("curator"), run=older)
    client.force_login(cast.user("curator"))
    page = client.get(reverse("matching:run_detail", args=[older.pk])).content.decode()
    assert "Заменён утверждённым подбором" in page
    assert "утверждён другой подбор этой формы" in page
    assert "Былинова" in page  # the pairs stay for comparison, read-only
    assert "Утвердить: создать" not in page
