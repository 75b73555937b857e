"""The individual plan of a pair (seed 002, form № 1): versions, items, progress, comments, approval.
Every write carries the plan's `lock_version` (optimistic locking): a concurrent edit gets a Russian
conflict message instead of overwriting someone else's work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors, error_text, int_or_none
from nastavnik.people.access import require

from . import selectors, services
from .forms import CommentForm, PlanGoalForm, PlanItemForm, PlanProgressForm
from .models import PlanStatus
from .views import form_errors, mentorship_crumbs


def _plan_url(plan) -> str:
    return reverse("mentorships:plan", args=[plan.mentorship_id]) + f"?v={plan.number}"


def _crumbs(request, mentorship, *tail):
    plan_url = reverse("mentorships:plan", args=[mentorship.pk])
    return mentorship_crumbs(request, mentorship, ("Индивидуальный план", plan_url if tail else None), *tail)


@login_required
def plan(request, pk):
    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    rights = selectors.rights_for(request.user, mentorship)
    plans = selectors.plans_of(mentorship)
    in_force = selectors.current_plan(plans)
    pending = selectors.pending_plan(plans)
    wanted = int_or_none(request.GET.get("v"))
    shown = next((p for p in plans if p.number == wanted), None)
    if shown is None:
        shown = pending if pending is not None and (rights.work or rights.manage) else in_force
    items = list(shown.items.all()) if shown else []
    return render(
        request,
        "mentorships/plan.html",
        {
            "mentorship": mentorship,
            "members": list(mentorship.members.all()),
            "rights": rights,
            "plans": plans,
            "plan": shown,
            "in_force": in_force,
            "pending": pending,
            "items": items,
            "completion": selectors.completion_of_items(items) if shown else None,
            "goal_form": PlanGoalForm(initial={"goal": shown.goal, "lock_version": shown.lock_version})
            if shown
            else None,
            "comment_form": CommentForm(),
            "progress_forms": {
                i.pk: PlanProgressForm(
                    initial={
                        "status": i.status,
                        "progress": i.progress,
                        "achieved_result": i.achieved_result,
                        "lock_version": shown.lock_version,
                    },
                    prefix=f"item{i.pk}",
                )
                for i in items
            }
            if shown and shown.status in (PlanStatus.APPROVED, PlanStatus.DRAFT) and rights.work
            else {},
            "breadcrumbs": _crumbs(request, mentorship),
        },
    )


def _write(request, plan, action, success: str):
    """Run a service; a conflict or a rule gives its Russian message; back to the version's page."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, success)
    return redirect(_plan_url(plan))


@login_required
@require_POST
def plan_start(request, pk):
    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    require(selectors.rights_for(request.user, mentorship).work, services.NO_WORK_RIGHTS)
    try:
        new = services.plan_start(actor=request.user, mentorship=mentorship)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("mentorships:plan", mentorship.pk)
    if new.number > 1:
        messages.info(request, f"Создана версия {new.number}: внесите изменения и отправьте её на утверждение.")
    return redirect(_plan_url(new))


def _plan_for_work(request, pk):
    plan = selectors.plan_get_for(actor=request.user, pk=pk)
    require(selectors.rights_for(request.user, plan.mentorship).work, services.NO_WORK_RIGHTS)
    return plan


def _plan_for_approval(request, pk):
    plan = selectors.plan_get_for(actor=request.user, pk=pk)
    require(selectors.rights_for(request.user, plan.mentorship).manage, services.NO_APPROVE_RIGHTS)
    return plan


@login_required
@require_POST
def plan_goal(request, pk):
    plan = _plan_for_work(request, pk)
    form = PlanGoalForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_plan_url(plan))
    return _write(
        request,
        plan,
        lambda: services.plan_save_goal(actor=request.user, plan=plan, **form.cleaned_data),
        "Цель сохранена.",
    )


def _item_page(request, plan, form, title, *, item=None):
    return render(
        request,
        "components/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": "Колонки формы индивидуального плана (документ 002): компетенции, содержание деятельности, "
            "сроки, формат, результат.",
            "breadcrumbs": _crumbs(request, plan.mentorship, (title, None)),
        },
    )


@login_required
def plan_item_add(request, pk):
    plan = _plan_for_work(request, pk)
    form = PlanItemForm(request.POST or None, initial={"lock_version": plan.lock_version, "format": "in_person"})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Пункт добавлен в план.")
            return redirect(_plan_url(plan))
    return _item_page(request, plan, form, "Новый пункт плана")


@login_required
def plan_item_edit(request, pk):
    item = selectors.plan_item_get_for(actor=request.user, pk=pk)
    plan = item.plan
    require(selectors.rights_for(request.user, plan.mentorship).work, services.NO_WORK_RIGHTS)
    initial = {
        "competency": item.competency,
        "activity": item.activity,
        "deadline": item.deadline,
        "format": item.format,
        "expected_result": item.expected_result,
        "lock_version": plan.lock_version,
    }
    form = PlanItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Пункт плана сохранён.")
            return redirect(_plan_url(plan))
    return _item_page(request, plan, form, f"Пункт {item.position}", item=item)


@login_required
@require_POST
def plan_item_delete(request, pk):
    item = selectors.plan_item_get_for(actor=request.user, pk=pk)
    plan = item.plan
    require(selectors.rights_for(request.user, plan.mentorship).work, services.NO_WORK_RIGHTS)
    return _write(
        request,
        plan,
        lambda: services.plan_item_delete(actor=request.user, item=item, lock_version=request.POST.get("lock_version")),
        "Пункт удалён.",
    )


@login_required
@require_POST
def plan_item_progress(request, pk):
    item = selectors.plan_item_get_for(actor=request.user, pk=pk)
    plan = item.plan
    require(selectors.rights_for(request.user, plan.mentorship).work, services.NO_WORK_RIGHTS)
    form = PlanProgressForm(request.POST, prefix=f"item{item.pk}")
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_plan_url(plan))
    return _write(
        request,
        plan,
        lambda: services.plan_item_progress(actor=request.user, item=item, **form.cleaned_data),
        "Ход выполнения отмечен.",
    )


@login_required
@require_POST
def plan_submit(request, pk):
    plan = _plan_for_work(request, pk)
    return _write(
        request,
        plan,
        lambda: services.plan_submit(actor=request.user, plan=plan, lock_version=request.POST.get("lock_version")),
        "План отправлен куратору на утверждение.",
    )


@login_required
@require_POST
def plan_approve(request, pk):
    plan = _plan_for_approval(request, pk)
    return _write(
        request,
        plan,
        lambda: services.plan_approve(actor=request.user, plan=plan, lock_version=request.POST.get("lock_version")),
        f"Версия {plan.number} плана утверждена.",
    )


@login_required
@require_POST
def plan_return(request, pk):
    plan = _plan_for_approval(request, pk)
    return _write(
        request,
        plan,
        lambda: services.plan_return(
            actor=request.user,
            plan=plan,
            comment=request.POST.get("text", ""),
            lock_version=request.POST.get("lock_version"),
        ),
        "План возвращён наставнику на доработку.",
    )


@login_required
@require_POST
def plan_comment(request, pk):
    plan = selectors.plan_get_for(actor=request.user, pk=pk)
    require(selectors.rights_for(request.user, plan.mentorship).comment, "Комментируют участники пары и куратор.")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_plan_url(plan))
    return _write(
        request,
        plan,
        lambda: services.plan_comment(actor=request.user, plan=plan, text=form.cleaned_data["text"]),
        "Комментарий добавлен.",
    )
