"""The program constructor (seed 004) and the catalogue of forms of mentoring."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors
from nastavnik.people.access import access_for, require

from . import hints, selectors, services
from .forms import (
    ActFormSet,
    AreaProgramForm,
    AudienceStepForm,
    DurationStepForm,
    FormsStepForm,
    GoalStepForm,
    ImplementersStepForm,
    ProblemStepForm,
    ProgramCreateForm,
    ResourcesStepForm,
    ResultFormSet,
)
from .models import MentoringForm, Program


def year_crumbs(organization, academic_year, *tail):
    return [
        ("Главная", reverse("home")),
        (organization.short_name, reverse("orgs:organization_detail", args=[organization.pk])),
        (
            f"Наставничество: {academic_year.start_year}/{academic_year.start_year + 1}",
            reverse("programs:year", args=[organization.pk, academic_year.start_year]),
        ),
        *tail,
    ]


def program_crumbs(program: Program, *tail):
    if program.organization_id:
        return year_crumbs(
            program.organization,
            program.academic_year,
            (f"Программа, версия {program.version}", reverse("programs:program_detail", args=[program.pk])),
            *tail,
        )
    return [("Главная", reverse("home")), ("Программы", reverse("programs:index")), (program.title, None), *tail]


def _can_manage(user, program) -> bool:
    return access_for(user).can_manage_owner_of(program)


# --- index and catalogue ------------------------------------------------------------------------
@login_required
def index(request):
    """Staff of one organisation go to its current year; coordinators see all programs in scope."""
    access = access_for(request.user)
    selectors.require_staff(request.user)
    from nastavnik.orgs.services import academic_year_current

    year = academic_year_current()
    if len(access.staff_org_ids) == 1 and not access.is_coordinator and not access.is_admin:
        return redirect("programs:year", next(iter(access.staff_org_ids)), year.start_year)
    municipalities, regions = _areas(request.user)
    return render(
        request,
        "programs/index.html",
        {
            "area_form": AreaProgramForm(municipalities=municipalities, regions=regions)
            if municipalities or regions
            else None,
            "programs": selectors.program_list_for(actor=request.user)[:200],
            "year": year,
            "organizations": _organizations(request.user),
            "breadcrumbs": [("Главная", reverse("home")), ("Программы наставничества", None)],
        },
    )


def _areas(user):
    """Municipalities and regions whose own programs the user runs (coordinators, admin)."""
    from nastavnik.orgs.models import Municipality, Region

    access = access_for(user)
    if access.is_admin:
        return list(Municipality.objects.all()), list(Region.objects.all())
    municipalities = Municipality.objects.filter(pk__in=access.municipality_ids) | Municipality.objects.filter(
        region_id__in=access.region_ids
    )
    return list(municipalities), list(Region.objects.filter(pk__in=access.region_ids))


@login_required
@require_POST
def area_program_create(request):
    selectors.require_staff(request.user)
    municipalities, regions = _areas(request.user)
    require(bool(municipalities or regions), "Программы муниципалитета или региона создают координаторы.")
    form = AreaProgramForm(request.POST, municipalities=municipalities, regions=regions)
    if not form.is_valid():
        messages.error(request, "Укажите название и чья это программа.")
        return redirect("programs:index")
    scope = form.cleaned_data["scope"]
    owner = (
        {"region": next(r for r in regions if f"r{r.pk}" == scope)}
        if scope.startswith("r")
        else {"municipality": next(m for m in municipalities if f"m{m.pk}" == scope)}
    )
    try:
        program = services.program_create(actor=request.user, title=form.cleaned_data["title"], **owner)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programs:index")
    messages.success(request, "Черновик программы создан. Заполните шаги конструктора.")
    return redirect("programs:program_step", program.pk, "problem")


def _organizations(user):
    from nastavnik.orgs.selectors import organization_list_for

    return organization_list_for(actor=user)[:200]


@login_required
def form_list(request):
    return render(
        request,
        "programs/form_list.html",
        {
            "forms": selectors.mentoring_form_list(),
            "breadcrumbs": [("Главная", reverse("home")), ("Формы наставничества", None)],
        },
    )


@login_required
def form_detail(request, pk):
    form = get_object_or_404(MentoringForm, pk=pk)
    return render(
        request,
        "programs/form_detail.html",
        {
            "form": form,
            "breadcrumbs": [
                ("Главная", reverse("home")),
                ("Формы наставничества", reverse("programs:form_list")),
                (form.name, None),
            ],
        },
    )


# --- program ------------------------------------------------------------------------------------
@login_required
@require_POST
def program_create(request, org_pk, year):
    organization, academic_year = selectors.organization_year_for(
        actor=request.user, organization_pk=org_pk, start_year=year
    )
    form = ProgramCreateForm(request.POST)
    title = form.cleaned_data["title"] if form.is_valid() else ""
    program = services.program_create(
        actor=request.user, organization=organization, academic_year=academic_year, title=title
    )
    messages.success(request, "Черновик программы создан. Заполните шаги конструктора — можно прерваться и вернуться.")
    return redirect("programs:program_step", program.pk, "problem")


@login_required
def program_detail(request, pk):
    selectors.require_staff(request.user)
    program = selectors.program_get_for(actor=request.user, pk=pk)
    access = access_for(request.user)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "missing": services.program_missing_parts(program) if program.is_editable else [],
            "smart": services.smart_warnings(program.goal),
            "can_manage": _can_manage(request.user, program),
            "can_approve": access.can_approve(
                org_id=program.organization_id, municipality_id=program.municipality_id, region_id=program.region_id
            ),
            "next_draft": selectors.draft_of(program),
            "steps": services.STEPS,
            "breadcrumbs": program_crumbs(program),
        },
    )


STEP_FORMS = {
    "problem": ProblemStepForm,
    "goal": GoalStepForm,
    "audience": AudienceStepForm,
    "implementers": ImplementersStepForm,
    "duration": DurationStepForm,
}


def _step_initial(program: Program, step: str):
    if step == "problem":
        return {"title": program.title, "problem": program.problem}
    if step == "goal":
        return {"goal": program.goal}
    if step == "audience":
        return {"target_audience": program.target_audience}
    if step == "implementers":
        return {"implementers": program.implementers}
    if step == "duration":
        return {"start_date": program.start_date, "end_date": program.end_date}
    if step == "results":
        return [
            {"kind": r.kind, "text": r.text, "target_value": r.target_value, "unit": r.unit}
            for r in program.results.all()
        ]
    if step == "resources":
        return {r.kind: r.description for r in program.resources.all()}
    if step == "normative":
        return [{"level": a.level, "title": a.title} for a in program.acts.all()]
    if step == "forms":
        return {"forms": list(program.forms.all())}
    return None


def _bind_step(step: str, data, program: Program):
    initial = _step_initial(program, step)
    if step == "results":
        return ResultFormSet(data, initial=initial, prefix="results")
    if step == "normative":
        return ActFormSet(data, initial=initial, prefix="acts")
    if step == "resources":
        return ResourcesStepForm(data, initial=initial)
    if step == "forms":
        return FormsStepForm(data, initial=initial)
    return STEP_FORMS[step](data, initial=initial)


def _step_data(step: str, form) -> dict:
    if step == "results":
        return {
            "results": [
                {
                    "kind": f.cleaned_data["kind"],
                    "text": f.cleaned_data["text"].strip(),
                    "target_value": f.cleaned_data.get("target_value"),  # 0 is a target too
                    "unit": f.cleaned_data.get("unit") or "",
                }
                for f in form.forms
                if f.cleaned_data and f.cleaned_data.get("text") and not f.cleaned_data.get("DELETE")
            ]
        }
    if step == "normative":
        return {
            "acts": [
                {"level": f.cleaned_data["level"], "title": f.cleaned_data["title"].strip()}
                for f in form.forms
                if f.cleaned_data and f.cleaned_data.get("title") and not f.cleaned_data.get("DELETE")
            ]
        }
    if step == "resources":
        return {"resources": form.cleaned_data}
    return form.cleaned_data


@login_required
def program_step(request, pk, step):
    selectors.require_staff(request.user)
    program = selectors.program_get_for(actor=request.user, pk=pk)
    if step not in services.STEP_CODES:
        raise Http404
    require(_can_manage(request.user, program), services.NO_RIGHTS)
    require(
        program.is_editable,
        f"Версия {program.version} утверждена и не изменяется: чтобы внести изменения, создайте новую версию.",
    )
    analysis = (
        selectors.analysis_for(organization=program.organization, academic_year=program.academic_year)
        if program.organization_id
        else None
    )
    form = _bind_step(step, request.POST or None, program)
    if request.method == "GET" and step == "problem" and request.GET.get("from_analysis") and analysis:
        form = ProblemStepForm(initial={"title": program.title, "problem": analysis.conclusions})
    if request.method == "GET" and step == "audience" and request.GET.get("from_analysis") and analysis:
        form = AudienceStepForm(initial={"target_audience": services.analysis_target_audience(analysis)})
    if request.method == "POST" and form.is_valid():
        try:
            services.program_save_step(actor=request.user, program=program, step=step, data=_step_data(step, form))
        except ValidationError as error:
            if hasattr(form, "add_error"):
                add_service_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
        else:
            index = services.STEP_CODES.index(step)
            if "next" in request.POST and index + 1 < len(services.STEP_CODES):
                return redirect("programs:program_step", program.pk, services.STEP_CODES[index + 1])
            if "next" in request.POST:
                messages.success(
                    request, "Все шаги пройдены. Проверьте программу и передайте руководителю на утверждение."
                )
                return redirect("programs:program_detail", program.pk)
            messages.success(request, "Сохранено.")
            return redirect("programs:program_step", program.pk, step)
    index = services.STEP_CODES.index(step)
    return render(
        request,
        "programs/program_step.html",
        {
            "program": program,
            "step": step,
            "step_title": services.STEP_TITLES[step],
            "step_number": index + 1,
            "steps": services.STEPS,
            "previous_step": services.STEP_CODES[index - 1] if index else None,
            "form": form,
            "hints": hints,
            "analysis": analysis,
            "smart": services.smart_warnings(program.goal) if step == "goal" else [],
            "all_forms": selectors.mentoring_form_list() if step == "forms" else [],
            "selected_forms": _selected_forms(request, program) if step == "forms" else set(),
            "breadcrumbs": program_crumbs(program, (services.STEP_TITLES[step], None)),
        },
    )


def _selected_forms(request, program) -> set[int]:
    if request.method == "POST":
        return {int(v) for v in request.POST.getlist("forms") if v.isdigit()}
    return set(program.forms.values_list("pk", flat=True))


@login_required
@require_POST
def smart_check(request):
    """htmx: the SMART warnings for the goal being typed."""
    return render(
        request,
        "programs/program_step.html#smart",
        {"smart": services.smart_warnings(request.POST.get("goal", "")), "hints": hints},
    )


@login_required
@require_POST
def program_approve(request, pk):
    selectors.require_staff(request.user)
    program = selectors.program_get_for(actor=request.user, pk=pk)
    try:
        services.program_approve(actor=request.user, program=program)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Программа утверждена (версия {program.version}).")
    return redirect("programs:program_detail", program.pk)


@login_required
@require_POST
def program_new_version(request, pk):
    selectors.require_staff(request.user)
    program = selectors.program_get_for(actor=request.user, pk=pk)
    try:
        draft = services.program_new_version(actor=request.user, program=program)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programs:program_detail", program.pk)
    messages.success(
        request, f"Создана версия {draft.version} (черновик). Утверждённая версия действует до её утверждения."
    )
    return redirect("programs:program_step", draft.pk, "problem")
