"""The individual plan: exactly the columns of seed 002; the mentor drafts, the mentee and guardian see and
comment, the curator approves; an approved plan changes only through a new version (versions kept);
completion %; optimistic locking with a Russian conflict message."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from nastavnik.mentorships import selectors, services
from nastavnik.mentorships.models import IndividualPlan, PlanComment, PlanItem, PlanStatus


def _item(cast, plan, competency="Читательская грамотность", actor="mentor"):
    plan.refresh_from_db()
    return services.plan_item_add(
        actor=cast.user(actor), plan=plan, competency=competency, activity="Чтение и обсуждение текстов",
        deadline=plan.mentorship.academic_year.end_date, format="in_person", expected_result="Понимает текст",
        lock_version=plan.lock_version,
    )  # fmt: skip


def _approved_plan(cast, mentorship, items=2):
    plan = services.plan_start(actor=cast.user("mentor"), mentorship=mentorship)
    for n in range(items):
        _item(cast, plan, competency=f"Компетенция {n + 1}")
    plan.refresh_from_db()
    services.plan_submit(actor=cast.user("mentor"), plan=plan, lock_version=plan.lock_version)
    plan.refresh_from_db()
    return services.plan_approve(actor=cast.user("curator"), plan=plan, lock_version=plan.lock_version)


def test_draft_submit_approve_and_new_version(cast, cast_pair):
    plan = services.plan_start(actor=cast.user("mentor"), mentorship=cast_pair)
    assert services.plan_start(actor=cast.user("mentor"), mentorship=cast_pair).pk == plan.pk  # no duplicate
    with pytest.raises(ValidationError, match="нет ни одного пункта"):
        services.plan_submit(actor=cast.user("mentor"), plan=plan, lock_version=plan.lock_version)
    _item(cast, plan)
    plan.refresh_from_db()
    with pytest.raises(PermissionDenied, match="утверждают куратор"):
        services.plan_approve(actor=cast.user("mentor"), plan=plan, lock_version=plan.lock_version)
    services.plan_submit(actor=cast.user("mentor"), plan=plan, lock_version=plan.lock_version)
    with pytest.raises(ValidationError, match="на утверждении"):
        _item(cast, plan, competency="Ещё")
    plan.refresh_from_db()
    services.plan_approve(actor=cast.user("curator"), plan=plan, lock_version=plan.lock_version)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    # editing an approved plan without a new version is refused
    with pytest.raises(ValidationError, match="только новой версией"):
        _item(cast, plan, competency="Без утверждения")
    item = plan.items.get()
    with pytest.raises(ValidationError, match="только новой версией"):
        services.plan_item_update(
            actor=cast.user("mentor"), item=item, competency="Другое", activity="x", deadline=item.deadline,
            format="remote", lock_version=plan.lock_version,
        )  # fmt: skip
    # progress of the plan in force needs no new version
    plan.refresh_from_db()
    services.plan_item_progress(
        actor=cast.user("mentor"), item=item, status="in_progress", progress=40, lock_version=plan.lock_version
    )
    # a change makes version 2 (a draft copying the items); version 1 stays in force until approval
    second = services.plan_start(actor=cast.user("mentor"), mentorship=cast_pair)
    assert (second.number, second.status, second.previous_id) == (2, PlanStatus.DRAFT, plan.pk)
    assert list(second.items.values_list("competency", flat=True)) == ["Читательская грамотность"]
    assert selectors.plan_completion(cast_pair) == 40
    _item(cast, second, competency="Новая компетенция")
    plan.refresh_from_db()
    services.plan_item_progress(
        actor=cast.user("mentor"), item=item, status="done", progress=0, lock_version=plan.lock_version
    )
    second.refresh_from_db()
    services.plan_approve(actor=cast.user("curator"), plan=second, lock_version=second.lock_version)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
    assert IndividualPlan.objects.filter(mentorship=cast_pair).count() == 2
    # the progress marked on version 1 meanwhile carried over; the new item counts as 0 %
    copied = second.items.get(competency="Читательская грамотность")
    assert (copied.status, copied.progress) == ("done", 100)
    assert selectors.plan_completion(cast_pair) == 50


def test_optimistic_lock_conflict(cast, cast_pair):
    plan = services.plan_start(actor=cast.user("mentor"), mentorship=cast_pair)
    opened = plan.lock_version  # two people opened the plan
    _item(cast, plan, actor="curator")
    with pytest.raises(ValidationError, match="план изменил кто-то другой"):
        services.plan_save_goal(actor=cast.user("mentor"), plan=plan, goal="Моя цель", lock_version=opened)
    plan.refresh_from_db()
    assert plan.goal == ""
    services.plan_save_goal(actor=cast.user("mentor"), plan=plan, goal="Моя цель", lock_version=plan.lock_version)
    plan.refresh_from_db()
    assert plan.goal == "Моя цель"


def test_conflict_message_on_page(cast, cast_pair, client_for):
    plan = services.plan_start(actor=cast.user("mentor"), mentorship=cast_pair)
    item = _item(cast, plan)
    plan.refresh_from_db()
    stale = plan.lock_version
    _item(cast, plan, competency="Чужая правка", actor="curator")
    client = client_for("mentor")
    data = {"competency": "Моя правка", "activity": "a", "deadline": item.deadline.isoformat(), "format": "remote",
            "expected_result": "", "lock_version": stale}  # fmt: skip
    response = client.post(reverse("mentorships:plan_item_edit", args=[item.pk]), data)
    assert response.status_code == 200
    assert "Пока вы редактировали, план изменил кто-то другой (Казакова" in response.content.decode()
    item.refresh_from_db()
    assert item.competency == "Читательская грамотность"


def test_page_shows_seed_columns_and_comments(cast, cast_pair, client_for):
    plan = _approved_plan(cast, cast_pair)
    for name in ("mentee", "guardian"):
        page = client_for(name).get(reverse("mentorships:plan", args=[cast_pair.pk])).content.decode()
        for column in (
            "Наименование компетенций, которые необходимо сформировать, развить", "Содержание деятельности",
            "Сроки", "Формат (очный/ дистанционный)", "Результат",
        ):  # fmt: skip
            assert column in page
        assert "Компетенция 1" in page
    url = reverse("mentorships:plan_comment", args=[plan.pk])
    client_for("guardian").post(url, {"text": "Спасибо, согласны"})
    client_for("guardian").post(url, {"text": "Спасибо, согласны"})  # double submission
    client_for("mentee").post(url, {"text": "Хочу больше практики"})
    assert list(PlanComment.objects.values_list("author_name", flat=True)) == [
        cast.parent_a.full_name,
        cast.user("mentee").person.full_name,
    ]
    assert client_for("working_group").post(url, {"text": "x"}).status_code == 403
    assert client_for("outsider").post(url, {"text": "x"}).status_code == 404
    assert PlanComment.objects.count() == 2
    # the mentee cannot edit the plan
    item = plan.items.first()
    response = client_for("mentee").post(
        reverse("mentorships:plan_item_progress", args=[item.pk]),
        {f"item{item.pk}-status": "done", f"item{item.pk}-progress": "100", f"item{item.pk}-lock_version": "0"},
    )
    assert response.status_code == 403
    assert PlanItem.objects.get(pk=item.pk).progress == 0


def test_completion_summary_for_kpis(cast, build):
    a = build.mentorship(build.mentor(build.cast.user("mentor").person), [build.mentee(cast.user("mentee").person)])
    plan = _approved_plan(cast, a, items=2)
    for item in plan.items.all():
        plan.refresh_from_db()
        services.plan_item_progress(
            actor=cast.user("mentor"), item=item, status="done", progress=100, lock_version=plan.lock_version
        )
    build.mentorship(build.mentor(last_name="Безплановая"), [build.mentee(last_name="Безплановый")])
    summary = selectors.plan_completion_summary(organization=cast.school_a, academic_year=build.year)
    assert summary == {"mentorships": 2, "with_plan": 1, "mean": 100, "done": 1, "threshold": 90}
