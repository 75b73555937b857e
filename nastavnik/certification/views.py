"""Curator certification (seed 004, stage 6): «Моя сертификация» for the curator, «Сертификация кураторов»
for the coordinator. Thin: services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors, error_text, int_or_none, stored_file_response
from nastavnik.orgs.models import AcademicYear, Municipality, Region
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.access import access_for, require

from . import selectors, services
from .forms import DecisionForm, RevokeForm, SchemeForm, TrainingForm

FILTERS = (
    ("", "Все"),
    ("ready", "Готовы к сертификации"),
    ("certified", "Сертифицированы"),
    ("not_ready", "Не выполнили требования"),
)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _year(value) -> AcademicYear:
    start = int_or_none(value)
    if start is None:
        return academic_year_current()
    return get_object_or_404(AcademicYear, start_year=start)


def _region_url(region_pk: int, year: int) -> str:
    return reverse("certification:region", args=[region_pk, year])


def _region_crumbs(region: Region, academic_year: AcademicYear, *tail):
    url = _region_url(region.pk, academic_year.start_year)
    return [("Главная", reverse("home")), (f"Сертификация кураторов: {region.name}", url if tail else None), *tail]


# --- entry ---------------------------------------------------------------------------------------------
@login_required
def index(request):
    """The coordinator → the region's page; anyone else → «Моя сертификация»."""
    access = access_for(request.user)
    year = academic_year_current().start_year
    region_ids = sorted(access.region_ids) or sorted(set(access.municipality_region.values()))
    if region_ids:
        return redirect("certification:region", region_ids[0], year)
    if access.is_admin:
        regions = Region.objects.order_by("name")
        return render(
            request,
            "certification/index.html",
            {"regions": regions, "year": year, "breadcrumbs": [("Главная", reverse("home")), ("Сертификация", None)]},
        )
    return redirect("certification:my")


# --- the curator ------------------------------------------------------------------------------------------
@login_required
def my(request):
    role = selectors.own_curator_role(request.user)
    academic_year = _year(request.GET.get("year"))
    context = {
        "role": role,
        "academic_year": academic_year,
        "breadcrumbs": [("Главная", reverse("home")), ("Моя сертификация", None)],
    }
    if role is not None:
        region = role.organization.municipality.region
        scheme = selectors.scheme_of(region=region, academic_year=academic_year)
        progress = None
        if scheme is not None:
            (progress,) = selectors.progress_for(scheme, [selectors.CuratorRow(role.person, role.organization)])
        trainings = list(selectors.trainings_of(person=role.person))
        for training in trainings:
            training.can_delete = services.can_delete_training(request.user, training)
        context.update(
            {
                "region": region,
                "scheme": scheme,
                "progress": progress,
                "trainings": trainings,
                "certificates": selectors.certificates_of(person=role.person),
                "training_form": TrainingForm(),
                "years": AcademicYear.objects.order_by("-start_year")[:6],
            }
        )
    return render(request, "certification/my.html", context)


@login_required
def training_add(request):
    require(selectors.own_curator_role(request.user) is not None, services.NO_TRAINING_RIGHTS)
    form = TrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            _training, created = services.training_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if created:
                messages.success(request, "Курс внесён и передан координатору на подтверждение.")
            else:
                messages.info(request, "Этот курс уже внесён.")
            return redirect("certification:my")
    return render(
        request,
        "certification/form_page.html",
        {
            "form": form,
            "title": "Обучение куратора",
            "intro": "Часы засчитываются после подтверждения координатором: приложите скан удостоверения.",
            "breadcrumbs": [
                ("Главная", reverse("home")),
                ("Моя сертификация", reverse("certification:my")),
                ("Новый курс", None),
            ],
        },
    )


@login_required
def training_scan(request, pk):
    training = selectors.training_get_for(actor=request.user, pk=pk)
    return stored_file_response(training.scan)


@login_required
@require_POST
def training_delete(request, pk):
    training = selectors.training_get_for(actor=request.user, pk=pk)
    require(services.can_delete_training(request.user, training), services.NO_TRAINING_RIGHTS)
    try:
        services.training_delete(actor=request.user, training=training)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Запись об обучении удалена.")
    return redirect("certification:my")


@login_required
def training_decide(request, pk):
    training = selectors.training_get_for(actor=request.user, pk=pk)
    back = _region_url(training.region_id, academic_year_current().start_year)
    if request.method != "POST":
        return redirect(back)
    require(selectors.can_decide_training(request.user, training), services.NO_DECIDE_RIGHTS)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Выберите решение: подтвердить или отклонить.")
    else:
        try:
            services.training_decide(
                actor=request.user,
                training=training,
                confirmed=form.cleaned_data["decision"] == "confirm",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"Решение по курсу «{training.title}» ({training.person.full_name}) сохранено.")
    return redirect(back)


# --- the coordinator ------------------------------------------------------------------------------------
@login_required
def region(request, region_pk, year):
    region = selectors.region_for(actor=request.user, pk=region_pk)
    academic_year = get_object_or_404(AcademicYear, start_year=year)
    municipality_ids = selectors.coordinator_municipalities(request.user, region)
    municipalities = Municipality.objects.filter(region=region).order_by("name")
    if municipality_ids is not None:
        municipalities = municipalities.filter(pk__in=municipality_ids)
    chosen = int_or_none(request.GET.get("municipality"))
    if chosen and municipalities.filter(pk=chosen).exists():
        municipality_ids = {chosen}
    scheme = selectors.scheme_of(region=region, academic_year=academic_year)
    rows = selectors.curators_of(region=region, municipality_ids=municipality_ids)
    progress = selectors.progress_for(scheme, rows) if scheme is not None else []
    status = request.GET.get("status", "")
    counts = {
        "all": len(progress),
        "ready": sum(1 for p in progress if p.ready and not p.certificate),
        "certified": sum(1 for p in progress if p.certificate),
    }
    if status == "ready":
        progress = [p for p in progress if p.ready and not p.certificate]
    elif status == "certified":
        progress = [p for p in progress if p.certificate]
    elif status == "not_ready":
        progress = [p for p in progress if not p.ready and not p.certificate]
    can_define = selectors.can_define(request.user, region)
    return render(
        request,
        "certification/region.html",
        {
            "region": region,
            "academic_year": academic_year,
            "scheme": scheme,
            "progress": progress,
            "counts": counts,
            "status": status,
            "filters": FILTERS,
            "municipalities": municipalities,
            "chosen": chosen,
            "can_define": can_define,
            "scheme_locked": scheme is not None and selectors.has_certificates(scheme),
            "trainings": selectors.trainings_to_decide(region=region, municipality_ids=municipality_ids),
            "years": AcademicYear.objects.order_by("-start_year")[:6],
            "breadcrumbs": _region_crumbs(region, academic_year),
        },
    )


@login_required
def scheme_edit(request, region_pk, year):
    region = selectors.region_for(actor=request.user, pk=region_pk)
    academic_year = get_object_or_404(AcademicYear, start_year=year)
    require(selectors.can_define(request.user, region), services.NO_SCHEME_RIGHTS)
    scheme = selectors.scheme_of(region=region, academic_year=academic_year)
    initial = {}
    if scheme is not None:
        initial = {
            "min_hours": scheme.min_hours,
            "trainings_from": scheme.trainings_from,
            "require_program_year": scheme.require_program_year,
            "report_deadline": scheme.report_deadline,
            "case_status": scheme.case_status,
        }
    form = SchemeForm(request.POST or None, initial=initial or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_save(actor=request.user, region=region, academic_year=academic_year, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Требования сертификации кураторов на {academic_year} сохранены.")
            return redirect("certification:region", region.pk, academic_year.start_year)
    locked = scheme is not None and selectors.has_certificates(scheme)
    return render(
        request,
        "certification/form_page.html",
        {
            "form": form,
            "locked": locked,
            "title": f"Требования сертификации кураторов: {academic_year}",
            "intro": "Каждое требование проверяется по данным системы. После выдачи первого сертификата "
            "требования года не меняются.",
            "breadcrumbs": _region_crumbs(region, academic_year, ("Требования", None)),
        },
    )


@login_required
def issue(request, scheme_pk, person_pk):
    scheme = selectors.scheme_get_for(actor=request.user, pk=scheme_pk)
    back = _region_url(scheme.region_id, scheme.academic_year.start_year)
    if request.method != "POST":
        return redirect(back)
    require(selectors.can_define(request.user, scheme.region), services.NO_ISSUE_RIGHTS)
    try:
        certificate, created = services.certificate_issue(actor=request.user, scheme=scheme, person_pk=person_pk)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if created:
            messages.success(
                request,
                f"Сертификат № {certificate.number} выдан: {certificate.person.full_name}. "
                "Документ внесён в реестр организации куратора.",
            )
        else:
            messages.info(request, f"Сертификат уже выдан: № {certificate.number}.")
    return redirect(back)


@login_required
def revoke(request, pk):
    certificate = selectors.certificate_get_for(actor=request.user, pk=pk)
    back = _region_url(certificate.scheme.region_id, certificate.scheme.academic_year.start_year)
    if request.method != "POST":
        return redirect(back)
    require(selectors.can_define(request.user, certificate.scheme.region), services.NO_ISSUE_RIGHTS)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите причину отзыва сертификата.")
    else:
        try:
            services.certificate_revoke(actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"Сертификат № {certificate.number} отозван.")
    return redirect(back)
