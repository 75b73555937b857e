"""Training of mentors (seed 000, roadmap 4.3–4.4): events with a program, materials and attendance;
a mentor whose attendance is marked becomes «trained»."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nastavnik.core.text import plural_ru
from nastavnik.core.views_helpers import add_service_errors

from . import selectors, services
from .forms import MaterialForm, TrainingForm
from .views import _form_errors, _list_crumbs, _org_year, _require_manage, context_for


def _crumbs(organization, academic_year, *tail):
    return _list_crumbs(organization, academic_year, "training_list", "Обучение наставников", *tail)


def _training_crumbs(training, *tail):
    url = reverse("pools:training_detail", args=[training.pk])
    return _crumbs(training.organization, training.academic_year, (training.title, url if tail else None), *tail)


@login_required
def training_list(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    return render(
        request,
        "pools/training_list.html",
        context_for(
            request,
            organization,
            academic_year,
            trainings=selectors.training_list(organization=organization, academic_year=academic_year),
            breadcrumbs=_crumbs(organization, academic_year),
        ),
    )


@login_required
def training_form(request, org_pk=None, year=None, pk=None):
    training = selectors.training_get_for(actor=request.user, pk=pk) if pk else None
    if training is not None:
        organization, academic_year = training.organization, training.academic_year
    else:
        organization, academic_year = _org_year(request, org_pk, year)
    _require_manage(request, organization, academic_year)
    initial = None
    if training is not None:
        initial = {name: getattr(training, name) for name in ("title", "date", "place", "trainer", "program")}
    form = TrainingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_save(
                actor=request.user,
                organization=organization,
                academic_year=academic_year,
                training=training,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Обучение сохранено. Добавьте материалы и отметьте посещение.")
            return redirect("pools:training_detail", training.pk)
    title = training.title if training else "Новое обучение наставников"
    crumbs = (
        _training_crumbs(training, ("Изменить", None))
        if training
        else _crumbs(organization, academic_year, ("Новое", None))
    )
    return render(
        request,
        "pools/form_page.html",
        context_for(request, organization, academic_year, form=form, title=title, breadcrumbs=crumbs),
    )


@login_required
def training_detail(request, pk):
    training = selectors.training_get_for(actor=request.user, pk=pk)
    checklist = list(selectors.attendance_checklist(training))
    return render(
        request,
        "pools/training_detail.html",
        context_for(
            request,
            training.organization,
            training.academic_year,
            training=training,
            checklist=checklist,
            attended=sum(1 for m in checklist if m.attended_here),
            material_form=MaterialForm(),
            breadcrumbs=_training_crumbs(training),
        ),
    )


@login_required
@require_POST
def training_attendance(request, pk):
    training = selectors.training_get_for(actor=request.user, pk=pk)
    _require_manage(request, training.organization, training.academic_year)
    ids = [value for value in request.POST.getlist("attended") if value.isdigit()]
    try:
        counts = services.attendance_save(actor=request.user, training=training, attended_ids=ids)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        people = plural_ru(counts["attended"], "человек", "человека", "человек")
        text = f"Посещение отмечено: {counts['attended']} {people}."
        if counts["trained"]:
            text += f" Прошли обучение (статус «Прошёл обучение»): {counts['trained']}."
        if counts["untrained"]:
            text += f" Снят статус «Прошёл обучение»: {counts['untrained']}."
        messages.success(request, text)
    return redirect("pools:training_detail", training.pk)


@login_required
@require_POST
def material_add(request, pk):
    training = selectors.training_get_for(actor=request.user, pk=pk)
    _require_manage(request, training.organization, training.academic_year)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("pools:training_detail", training.pk)
    try:
        material = services.material_add(actor=request.user, training=training, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Материал «{material.title}» добавлен.")
    return redirect("pools:training_detail", training.pk)


@login_required
@require_POST
def material_delete(request, pk):
    material = selectors.material_get_for(actor=request.user, pk=pk)
    training = material.training
    _require_manage(request, training.organization, training.academic_year)
    services.material_delete(actor=request.user, material=material)
    messages.success(request, "Материал удалён.")
    return redirect("pools:training_detail", training.pk)


@login_required
def material_download(request, pk):
    """Materials are served through the app (access checked), not from the public media folder."""
    from nastavnik.core.views_helpers import stored_file_response

    return stored_file_response(selectors.material_get_for(actor=request.user, pk=pk).file)
