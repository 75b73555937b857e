"""«Подбор пар» (seed 000, roadmap 5.1–5.3): runs, the curator's review with htmx, approval, forbidden
pairs, and the municipal/regional matching of forms that cross organisations. Thin: services write,
selectors read. Every action of the review answers an htmx request with the review partial."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors, int_or_none
from nastavnik.people.access import access_for, require
from nastavnik.pools import selectors as pool_selectors
from nastavnik.programs.models import MentoringForm
from nastavnik.programs.selectors import organization_year_for
from nastavnik.programs.views import year_crumbs

from . import engine, selectors, services
from .forms import ApproveForm, ForbiddenForm, RunForm
from .models import MatchingRun, RunStatus

REVIEW = "matching/run_detail.html#review"
ELIGIBLE_LIST_LIMIT = 60  # unmatched mentees with a «pick a mentor» list on the page


# --- shared ------------------------------------------------------------------------------------------
def _org_year(request, org_pk, year):
    return organization_year_for(actor=request.user, organization_pk=org_pk, start_year=year)


def matching_crumbs(organization, academic_year, *tail):
    url = reverse("matching:home", args=[organization.pk, academic_year.start_year])
    return year_crumbs(organization, academic_year, ("Подбор пар", url if tail else None), *tail)


def _run_crumbs(run: MatchingRun, *tail):
    label = f"Подбор № {run.number}"
    if run.organization_id:
        url = reverse("matching:run_detail", args=[run.pk])
        return matching_crumbs(run.organization, run.academic_year, (label, url if tail else None), *tail)
    area = reverse("matching:area_home", args=[run.region_id, run.academic_year.start_year])
    return [("Главная", reverse("home")), ("Общий подбор пар", area), (label, None), *tail]


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


def _forms_of_year(organization, academic_year):
    return pool_selectors.forms_of_year(organization=organization, academic_year=academic_year)


# --- index and the organisation's page -------------------------------------------------------------------
@login_required
def index(request):
    from nastavnik.orgs.selectors import organization_list_for
    from nastavnik.orgs.services import academic_year_current

    selectors.require_staff(request.user)
    access = access_for(request.user)
    year = academic_year_current()
    if len(access.staff_org_ids) == 1 and not access.is_coordinator and not access.is_admin:
        return redirect("matching:home", next(iter(access.staff_org_ids)), year.start_year)
    from nastavnik.orgs.models import Region

    regions = (
        Region.objects.filter(access.region_q()).order_by("name") if access.is_coordinator or access.is_admin else []
    )
    return render(
        request,
        "matching/index.html",
        {
            "organizations": organization_list_for(actor=request.user).order_by("short_name")[:300],
            "regions": regions,
            "year": year,
            "breadcrumbs": [("Главная", reverse("home")), ("Подбор пар", None)],
        },
    )


def _home_context(request, organization, academic_year, form=None):
    forms_qs = _forms_of_year(organization, academic_year)
    rights_manage = services.can_run_org(request.user, organization) and not services._year_closed(
        organization, academic_year
    )
    return {
        "organization": organization,
        "academic_year": academic_year,
        "can_manage": rights_manage,
        "form": form or RunForm(forms_qs=forms_qs),
        "no_forms": not forms_qs.exists(),
        "summary": pool_selectors.pool_summary(organization=organization, academic_year=academic_year),
        "runs": list(selectors.runs_of_year(organization=organization, academic_year=academic_year)[:50]),
        "forbidden_count": selectors.forbidden_pairs_for(
            organization=organization, academic_year=academic_year
        ).count(),
        "breadcrumbs": matching_crumbs(organization, academic_year),
    }


@login_required
def home(request, org_pk, year):
    """«Подбор пар» of an organisation's year: readiness of the pools, a new run, the runs so far."""
    organization, academic_year = _org_year(request, org_pk, year)
    form = None
    if request.method == "POST":
        require(services.can_run_org(request.user, organization), services.NO_RIGHTS)
        form = RunForm(request.POST, forms_qs=_forms_of_year(organization, academic_year))
        if form.is_valid():
            try:
                run = services.run_create(
                    actor=request.user,
                    organization=organization,
                    academic_year=academic_year,
                    form=form.cleaned_data["form"],
                    weights=form.weights(),
                    rules=form.rules(),
                    solver=form.cleaned_data["solver"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("matching:run_detail", run.pk)
    return render(request, "matching/home.html", _home_context(request, organization, academic_year, form))


# --- the review of a run -----------------------------------------------------------------------------------
def _review_context(request, run: MatchingRun, *, errors=(), notice: str = "") -> dict:
    services.run_mark_stale(run)
    can_manage = services.can_manage_run(request.user, run)
    if run.organization_id and services._year_closed(run.organization, run.academic_year):
        can_manage = False
    editable = can_manage and run.status == RunStatus.READY
    shown = (RunStatus.READY, RunStatus.APPROVED, RunStatus.SUPERSEDED)
    groups = selectors.proposal_groups(run) if run.status in shown else []
    unmatched = list(selectors.unmatched_of(run)) if groups or run.status == RunStatus.READY else []
    _mentee_labels, mentor_labels = selectors.labels_of(run)
    proposals = [p for g in groups for p in g.proposals]
    for item in [*proposals, *unmatched]:
        item.alternative_rows = [
            {**a, "label": mentor_labels.get(a["mentor_id"], f"№ {a['mentor_id']}")} for a in item.alternatives
        ]
    for item in unmatched:
        item.eligible = None
    if editable and len(unmatched) <= ELIGIBLE_LIST_LIMIT:
        for item in unmatched:
            item.eligible = [
                {"id": m.id, "label": m.label, "score": score, "free": m.capacity - taken}
                for m, score, taken in selectors.eligible_mentors(run, item.mentee_entry_id)
            ]
    parts = selectors.run_parts(run) if run.is_regional else []
    confirmable = [p for p in parts if p.confirmed_at is None and services.can_confirm_part(request.user, p)]
    return {
        "run": run,
        "summary": selectors.run_summary(run),
        "groups": groups,
        "proposals": proposals,
        # «поменять местами» starts with the first mentee and one of another mentor (a swap within a group
        # would change nothing)
        "swap_second": next((p.pk for p in proposals[1:] if p.mentor_entry_id != proposals[0].mentor_entry_id), None)
        if proposals
        else None,
        "unmatched": unmatched,
        # the solvers' figures are the engine's; after hand edits the curator also sees what the pairs give now
        "edited": any(p.manual or p.locked for p in proposals) or any(u.code == "removed" for u in unmatched),
        "current_total": {"matched": len(proposals), "total": round(sum(p.score for p in proposals), 2)},
        "parts": parts,
        "confirmable": confirmable,
        "can_manage": can_manage,
        "editable": editable,
        "solver_label": engine.SOLVER_LABELS.get(run.solver, run.solver),
        "weights": [
            (services.WEIGHT_LABELS[k], v) for k, v in (run.weights or {}).items() if k in services.WEIGHT_LABELS
        ],
        "rules": _rules_text(run),
        "approve_form": ApproveForm(),
        "action_errors": list(errors),
        "notice": notice,
    }


def _rules_text(run: MatchingRun) -> list[str]:
    rules = run.rules or {}
    lines = []
    if rules.get("min_age_gap"):
        lines.append(f"наставник старше не меньше чем на {rules['min_age_gap']} г.")
    if rules.get("min_grade_gap"):
        lines.append(f"наставник старше не меньше чем на {rules['min_grade_gap']} кл.")
    if rules.get("same_org"):
        lines.append("только из одной организации")
    if rules.get("same_municipality"):
        lines.append("только из одного муниципалитета")
    if rules.get("require_trained", True):
        lines.append("только прошедшие обучение наставники")
    if rules.get("excluded"):
        lines.append(f"убранные куратором пары не предлагаются ({len(rules['excluded'])})")
    return lines


@login_required
def run_detail(request, pk):
    run = selectors.run_get_for(actor=request.user, pk=pk)
    context = _review_context(request, run)
    context["breadcrumbs"] = _run_crumbs(run)
    if run.organization_id:
        context["organization"], context["academic_year"] = run.organization, run.academic_year
    return render(request, "matching/run_detail.html", context)


@login_required
def run_progress(request, pk):
    """Polled by the page while the run executes: the review partial (which stops polling once ready)."""
    run = selectors.run_get_for(actor=request.user, pk=pk)
    return render(request, REVIEW, _review_context(request, run))


def _review_response(request, run: MatchingRun, *, errors=(), notice: str = ""):
    if request.htmx:
        run.refresh_from_db()
        return render(request, REVIEW, _review_context(request, run, errors=errors, notice=notice))
    for error in errors:
        messages.error(request, error)
    if notice:
        messages.success(request, notice)
    return redirect("matching:run_detail", run.pk)


def _act(request, run: MatchingRun, action, notice: str):
    try:
        action()
    except ValidationError as error:
        return _review_response(request, run, errors=_errors(error))
    return _review_response(request, run, notice=notice)


@login_required
@require_POST
def run_choose(request, pk):
    run = selectors.run_get_for(actor=request.user, pk=pk)
    services.require_manage_run(request.user, run)
    solver = request.POST.get("solver", "")
    label = engine.SOLVER_LABELS.get(solver, solver)
    return _act(
        request, run, lambda: services.run_choose_solver(actor=request.user, run=run, solver=solver),
        f"Выбрано решение «{label}».",
    )  # fmt: skip


@login_required
@require_POST
def proposal_lock(request, pk):
    proposal = selectors.proposal_get_for(actor=request.user, pk=pk)
    services.require_manage_run(request.user, proposal.run)
    locked = request.POST.get("locked", "1") == "1"
    name = proposal.mentee_entry.person.full_name
    return _act(
        request, proposal.run, lambda: services.proposal_lock(actor=request.user, proposal=proposal, locked=locked),
        f"Пара {name} {'закреплена' if locked else 'откреплена'}.",
    )  # fmt: skip


@login_required
@require_POST
def proposal_remove(request, pk):
    proposal = selectors.proposal_get_for(actor=request.user, pk=pk)
    services.require_manage_run(request.user, proposal.run)
    name = proposal.mentee_entry.person.full_name
    return _act(
        request, proposal.run, lambda: services.proposal_remove(actor=request.user, proposal=proposal),
        f"Пара убрана: {name} — среди наставляемых без пары.",
    )  # fmt: skip


@login_required
@require_POST
def run_swap(request, pk):
    run = selectors.run_get_for(actor=request.user, pk=pk)
    services.require_manage_run(request.user, run)
    ids = [int_or_none(request.POST.get("first")), int_or_none(request.POST.get("second"))]
    found = {p.pk: p for p in selectors.proposals_of(run).filter(pk__in=[i for i in ids if i])}
    if len(found) != 2:
        return _review_response(request, run, errors=["Выберите двух наставляемых из разных пар."])
    first, second = found[ids[0]], found[ids[1]]
    return _act(
        request, run, lambda: services.proposals_swap(actor=request.user, first=first, second=second),
        f"{first.mentee_entry.person.full_name} и {second.mentee_entry.person.full_name} поменялись наставниками.",
    )  # fmt: skip


@login_required
@require_POST
def run_assign(request, pk):
    run = selectors.run_get_for(actor=request.user, pk=pk)
    services.require_manage_run(request.user, run)
    mentee_id, mentor_id = int_or_none(request.POST.get("mentee")), int_or_none(request.POST.get("mentor"))
    if not mentee_id or not mentor_id:
        return _review_response(request, run, errors=["Выберите наставника."])
    return _act(
        request, run,
        lambda: services.proposal_assign(actor=request.user, run=run, mentee_entry_id=mentee_id,
                                         mentor_entry_id=mentor_id),
        "Наставник назначен вручную, пара закреплена.",
    )  # fmt: skip


def _hx_redirect(request, url: str):
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_POST
def run_rerun(request, pk):
    run = selectors.run_get_for(actor=request.user, pk=pk)
    services.require_manage_run(request.user, run)
    try:
        new = services.run_rerun(actor=request.user, run=run)
    except ValidationError as error:
        return _review_response(request, run, errors=_errors(error))
    messages.success(request, f"Подбор № {new.number}: запущен заново, закреплённые пары сохранены.")
    return _hx_redirect(request, reverse("matching:run_detail", args=[new.pk]))


@login_required
@require_POST
def run_approve(request, pk):
    run = selectors.run_get_for(actor=request.user, pk=pk)
    services.require_manage_run(request.user, run)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _review_response(request, run, errors=[e for errs in form.errors.values() for e in errs])
    data = form.cleaned_data
    return _act(
        request, run,
        lambda: services.run_approve(
            actor=request.user, run=run, activate=data["activate"], start_date=data.get("start_date"),
            order_number=data.get("order_number") or "", order_date=data.get("order_date"),
        ),
        "Подбор утверждён: наставнические пары созданы.",
    )  # fmt: skip


@login_required
@require_POST
def run_confirm(request, pk):
    """An organisation's curator confirms its part of a municipal or regional run."""
    run = selectors.run_get_for(actor=request.user, pk=pk)
    part = (
        run.parts.select_related("organization__municipality")
        .filter(organization_id=int_or_none(request.POST.get("organization")) or 0)
        .first()
    )
    if part is None:
        parts = list(run.parts.select_related("organization__municipality"))
        mine = [p for p in parts if services.can_confirm_part(request.user, p)]
        require(bool(mine), services.NO_CONFIRM_RIGHTS)
        part = mine[0]
    require(services.can_confirm_part(request.user, part), services.NO_CONFIRM_RIGHTS)
    activate = request.POST.get("activate") == "on"
    return _act(
        request, run,
        lambda: services.run_confirm_part(actor=request.user, run=run, organization=part.organization,
                                          activate=activate),
        f"{part.organization.short_name}: часть подбора подтверждена, пары созданы.",
    )  # fmt: skip


@login_required
def run_compare(request, org_pk, year):
    """Two runs of the organisation side by side."""
    organization, academic_year = _org_year(request, org_pk, year)
    runs = selectors.runs_of_year(organization=organization, academic_year=academic_year)
    first = runs.filter(pk=int_or_none(request.GET.get("a")) or 0).first()
    second = runs.filter(pk=int_or_none(request.GET.get("b")) or 0).first()
    comparison = selectors.compare_runs(first, second) if first and second else None
    return render(
        request,
        "matching/compare.html",
        {
            "organization": organization,
            "academic_year": academic_year,
            "runs": runs[:50],
            "first": first,
            "second": second,
            "first_summary": selectors.run_summary(first) if first else [],
            "second_summary": selectors.run_summary(second) if second else [],
            "comparison": comparison,
            "breadcrumbs": matching_crumbs(organization, academic_year, ("Сравнение запусков", None)),
        },
    )


# --- forbidden pairs -------------------------------------------------------------------------------------
@login_required
def forbidden_list(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    mentees, mentors = selectors.forbidden_candidates(organization=organization, academic_year=academic_year)
    can_manage = services.can_run_org(request.user, organization) and not services._year_closed(
        organization, academic_year
    )
    form = ForbiddenForm(request.POST or None, mentees=mentees, mentors=mentors)
    if request.method == "POST":
        require(services.can_run_org(request.user, organization), services.NO_RIGHTS)
        if form.is_valid():
            try:
                pair = services.forbidden_add(
                    actor=request.user, organization=organization, academic_year=academic_year, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Запрещённая пара: {pair.mentee.full_name} — {pair.mentor.full_name}.")
                return redirect("matching:forbidden_list", organization.pk, academic_year.start_year)
    return render(
        request,
        "matching/forbidden_list.html",
        {
            "organization": organization,
            "academic_year": academic_year,
            "pairs": selectors.forbidden_pairs_for(organization=organization, academic_year=academic_year),
            "form": form,
            "can_manage": can_manage,
            "breadcrumbs": matching_crumbs(organization, academic_year, ("Запрещённые пары", None)),
        },
    )


@login_required
@require_POST
def forbidden_delete(request, pk):
    pair = selectors.forbidden_get_for(actor=request.user, pk=pk)
    require(services.can_run_org(request.user, pair.organization), services.NO_RIGHTS)
    try:
        services.forbidden_delete(actor=request.user, pair=pair)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Запрет снят.")
    return redirect("matching:forbidden_list", pair.organization_id, pair.academic_year.start_year)


# --- municipal and regional matching -----------------------------------------------------------------------
@login_required
def area_home(request, region_pk, year):
    """A coordinator's matching over several organisations (forms that cross organisations)."""
    from nastavnik.orgs.models import AcademicYear, Municipality, Organization, Region

    selectors.require_staff(request.user)
    access = access_for(request.user)
    region = get_object_or_404(Region.objects.filter(access.region_q()), pk=region_pk)
    academic_year = get_object_or_404(AcademicYear, start_year=year)
    municipalities = Municipality.objects.filter(region=region).filter(access.municipality_q()).order_by("name")
    municipality = None
    municipality_id = int_or_none(request.POST.get("municipality") or request.GET.get("municipality"))
    if municipality_id:
        municipality = get_object_or_404(municipalities, pk=municipality_id)
    organizations = Organization.objects.filter(municipality__region=region).filter(access.organization_q())
    if municipality is not None:
        organizations = organizations.filter(municipality=municipality)
    organizations = organizations.select_related("municipality").order_by("short_name")
    forms_qs = MentoringForm.objects.filter(code__in=selectors.CROSS_ORG_FORMS).order_by("sort_order", "name")
    can_run = services.can_run_area(request.user, region=region, municipality=municipality)
    form = RunForm(request.POST or None, forms_qs=forms_qs, organizations=organizations)
    if request.method == "POST":
        require(can_run, services.NO_AREA_RIGHTS)
        if form.is_valid():
            try:
                run = services.run_create(
                    actor=request.user,
                    academic_year=academic_year,
                    form=form.cleaned_data["form"],
                    organizations=list(form.cleaned_data["organizations"]),
                    region=region,
                    municipality=municipality,
                    weights=form.weights(),
                    rules=form.rules(),
                    solver=form.cleaned_data["solver"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("matching:run_detail", run.pk)
    return render(
        request,
        "matching/area_home.html",
        {
            "region": region,
            "academic_year": academic_year,
            "municipalities": municipalities,
            "municipality": municipality,
            "form": form,
            "can_run": can_run,
            "runs": selectors.area_runs(actor=request.user, region=region, academic_year=academic_year)[:50],
            "breadcrumbs": [("Главная", reverse("home")), ("Общий подбор пар", None)],
        },
    )
