"""Mentorships of an organisation's year: list, create by hand (htmx pickers), detail, activate by the
order, end (complete or early, with the re-match offer), history. Thin: services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors, error_text, paginate
from nastavnik.people.access import access_for, require
from nastavnik.programs.selectors import organization_year_for
from nastavnik.programs.views import year_crumbs

from . import selectors, services
from .forms import ActivateForm, CommentForm, CreateForm, EndForm, FilterForm, MeetingForm, PlanEndForm


# --- shared -------------------------------------------------------------------------------------------------
def list_crumbs(organization, academic_year, *tail):
    url = reverse("mentorships:list", args=[organization.pk, academic_year.start_year])
    return year_crumbs(organization, academic_year, ("Наставнические пары и группы", url if tail else None), *tail)


def mentorship_crumbs(request, mentorship, *tail):
    """Staff see the organisation's path; participants come from their own page."""
    title = f"Наставник {mentorship.mentor.short_name}"
    url = reverse("mentorships:detail", args=[mentorship.pk]) if tail else None
    if access_for(request.user).sees_registers:
        return list_crumbs(mentorship.organization, mentorship.academic_year, (title, url), *tail)
    return [("Главная", reverse("home")), ("Моё наставничество", reverse("mentorships:my")), (title, url), *tail]


def form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts += [f"{label}: {error}" if label and name != "lock_version" else error for error in errors]
    return " ".join(parts)


def _org_year(request, org_pk, year):
    return organization_year_for(actor=request.user, organization_pk=org_pk, start_year=year)


def _require_org_manage(request, organization, academic_year):
    rights = selectors.org_rights(request.user, organization, academic_year)
    require(not rights["closed"], services.CLOSED_YEAR.format(year=str(academic_year).capitalize()))
    require(rights["can_manage"], services.NO_RIGHTS)


def _forms_of_year(organization, academic_year):
    from nastavnik.pools.selectors import forms_of_year

    return forms_of_year(organization=organization, academic_year=academic_year)


# --- index and list -----------------------------------------------------------------------------------------
@login_required
def index(request):
    from nastavnik.orgs.selectors import organization_list_for
    from nastavnik.orgs.services import academic_year_current

    access = access_for(request.user)
    if not access.sees_registers:
        return redirect("mentorships:my")
    year = academic_year_current()
    if len(access.staff_org_ids) == 1 and not access.is_coordinator and not access.is_admin:
        return redirect("mentorships:list", next(iter(access.staff_org_ids)), year.start_year)
    return render(
        request,
        "mentorships/index.html",
        {
            "organizations": organization_list_for(actor=request.user).order_by("short_name")[:300],
            "year": year,
            "breadcrumbs": [("Главная", reverse("home")), ("Наставнические пары и группы", None)],
        },
    )


@login_required
def mentorship_list(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    filters = FilterForm(request.GET or None, forms_qs=_forms_of_year(organization, academic_year))
    data = filters.cleaned_data if filters.is_valid() else {}
    mentorships = selectors.mentorship_list_for(
        organization=organization,
        academic_year=academic_year,
        form_id=data["form"].pk if data.get("form") else None,
        status=data.get("status") or "",
    )
    template = "mentorships/list.html#results" if request.htmx else "mentorships/list.html"
    return render(
        request,
        template,
        {
            "organization": organization,
            "academic_year": academic_year,
            **selectors.org_rights(request.user, organization, academic_year),
            "filters": filters,
            "page": paginate(request, mentorships),
            "counts": selectors.status_counts(organization=organization, academic_year=academic_year),
            "plans": selectors.plan_completion_summary(organization=organization, academic_year=academic_year),
            "breadcrumbs": list_crumbs(organization, academic_year),
        },
    )


# --- create by hand -----------------------------------------------------------------------------------------
@login_required
def mentorship_create(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    _require_org_manage(request, organization, academic_year)
    forms_qs = _forms_of_year(organization, academic_year)
    source = request.POST if request.method == "POST" else request.GET
    chosen = forms_qs.filter(pk=source.get("form")).first() if source.get("form", "").isdigit() else None
    mentors = selectors.eligible_mentors(organization=organization, academic_year=academic_year, form=chosen)
    mentees = selectors.eligible_mentees(organization=organization, academic_year=academic_year, form=chosen)
    if chosen is None:
        mentors, mentees = mentors.none(), mentees.none()
    form = CreateForm(
        request.POST if request.method == "POST" else None,
        initial={"form": chosen},
        forms_qs=forms_qs,
        mentors_qs=mentors,
        mentees_qs=mentees,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mentorship = services.mentorship_create(
                actor=request.user,
                organization=organization,
                academic_year=academic_year,
                form=data["form"],
                mentor_entry=data["mentor_entry"],
                mentee_entries=list(data["mentee_entries"]),
                activate=data["activate"],
                start_date=data["start_date"],
                order_number=data["order_number"],
                order_date=data["order_date"],
                source="manual",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Пара сохранена: {mentorship.get_status_display().lower()}.")
            return redirect("mentorships:detail", mentorship.pk)
    context = {
        "organization": organization,
        "academic_year": academic_year,
        "form": form,
        "chosen": chosen,
        "no_forms": not forms_qs.exists(),
        "breadcrumbs": list_crumbs(organization, academic_year, ("Новая пара или группа", None)),
    }
    if request.htmx and request.method == "GET":
        return render(request, "mentorships/create.html#pickers", context)
    return render(request, "mentorships/create.html", context)


# --- detail, activate, end, history -------------------------------------------------------------------------
@login_required
def mentorship_detail(request, pk):
    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    rights = selectors.rights_for(request.user, mentorship)
    plans = selectors.plans_of(mentorship)
    plan = selectors.current_plan(plans)
    meetings = list(selectors.meetings_of(mentorship))
    return render(
        request,
        "mentorships/detail.html",
        {
            "mentorship": mentorship,
            "rights": rights,
            "members": list(mentorship.members.all()),
            "meetings": meetings,
            "plan": plan,
            "pending_plan": selectors.pending_plan(plans),
            "completion": selectors.completion_of_items(plan.items.all()) if plan else None,
            "journal_count": selectors.journal_of(mentorship).count(),
            "activate_form": ActivateForm(),
            "end_form": EndForm(),
            "plan_end_form": PlanEndForm(),
            "meeting_form": MeetingForm(),
            "comment_form": CommentForm(),
            "sees_registers": access_for(request.user).sees_registers,
            "breadcrumbs": mentorship_crumbs(request, mentorship),
        },
    )


def _require_manage(request, mentorship):
    rights = selectors.rights_for(request.user, mentorship)
    require(
        not services.year_is_closed(mentorship.organization, mentorship.academic_year),
        services.CLOSED_YEAR.format(year=str(mentorship.academic_year).capitalize()),
    )
    require(rights.manage, services.NO_RIGHTS)


@login_required
@require_POST
def mentorship_activate(request, pk):
    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    _require_manage(request, mentorship)
    form = ActivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("mentorships:detail", mentorship.pk)
    try:
        services.mentorship_activate(actor=request.user, mentorship=mentorship, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Пара закреплена: работа идёт.")
    return redirect("mentorships:detail", mentorship.pk)


@login_required
@require_POST
def mentorship_end(request, pk):
    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    _require_manage(request, mentorship)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("mentorships:detail", mentorship.pk)
    data = form.cleaned_data
    try:
        services.mentorship_end(
            actor=request.user,
            mentorship=mentorship,
            reason=data["reason"],
            comment=data["comment"],
            end_date=data["end_date"],
            early=data["early"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        mentorship.refresh_from_db()
        messages.success(request, f"Пара {mentorship.get_status_display().lower()}.")
    return redirect("mentorships:detail", mentorship.pk)


# --- the planned ending: the final meeting and the final feedback first -------------------------------------
@login_required
def mentorship_plan_end(request, pk):
    """The curator plans the ending: the reason from the list and the final meeting."""
    import datetime as dt

    from django.utils import timezone

    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    _require_manage(request, mentorship)
    form = PlanEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def aware(time):
            return timezone.make_aware(dt.datetime.combine(data["date"], time))

        try:
            services.mentorship_plan_end(
                actor=request.user,
                mentorship=mentorship,
                reason=data["reason"],
                starts_at=aware(data["start_time"]),
                ends_at=aware(data["end_time"]),
                format=data["format"],
                place=data["place"],
                link=data["link"],
                topic=data["topic"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Завершение запланировано: итоговая встреча назначена, участникам отправлена просьба об итоговой "
                "обратной связи.",
            )
            return redirect("mentorships:detail", mentorship.pk)
    return render(
        request,
        "components/form_page.html",
        {
            "form": form,
            "title": "Запланировать завершение",
            "submit_label": "Запланировать",
            "intro": "Пара завершится, когда наставляемый подтвердит итоговую встречу (или когда вы нажмёте "
            "«Завершить сейчас»). Наставник, наставляемые и законные представители несовершеннолетних получат "
            "просьбу об итоговой обратной связи.",
            "breadcrumbs": mentorship_crumbs(request, mentorship, ("Запланировать завершение", None)),
        },
    )


@login_required
@require_POST
def mentorship_cancel_planned_end(request, pk):
    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    _require_manage(request, mentorship)
    try:
        services.mentorship_cancel_planned_end(actor=request.user, mentorship=mentorship)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Запланированное завершение отменено: пара продолжает работу.")
    return redirect("mentorships:detail", mentorship.pk)


@login_required
@require_POST
def mentorship_complete_planned(request, pk):
    """«Завершить сейчас»: with the planned reason, today."""
    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    _require_manage(request, mentorship)
    try:
        mentorship = services.mentorship_complete_planned(actor=request.user, mentorship=mentorship)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Пара {mentorship.get_status_display().lower()}.")
    return redirect("mentorships:detail", mentorship.pk)


@login_required
def mentorship_history(request, pk):
    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    rights = selectors.rights_for(request.user, mentorship)
    require(access_for(request.user).sees_registers or rights.is_mentor, "Историю изменений видят сотрудники.")
    return render(
        request,
        "mentorships/history.html",
        {
            "mentorship": mentorship,
            "page": paginate(request, selectors.mentorship_history(mentorship)),
            "breadcrumbs": mentorship_crumbs(request, mentorship, ("История изменений", None)),
        },
    )


# --- the participant's own page (the cabinets) --------------------------------------------------------------
@login_required
def my(request):
    """The mentor's, mentee's and guardian's page: the same partials the home page includes."""
    return render(
        request,
        "mentorships/my.html",
        {
            "cabinet": selectors.cabinet_for(request.user),
            "breadcrumbs": [("Главная", reverse("home")), ("Моё наставничество", None)],
        },
    )
