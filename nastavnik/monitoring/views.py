"""Monitoring pages: dashboards of an organisation, a municipality and a region with drill-down, the
personified registry with its streamed XLSX export, process monitoring (satisfaction) and impact
monitoring (entry → exit). Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nastavnik.core.text import date_ru
from nastavnik.core.views_helpers import add_service_errors, paginate
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.access import access_for, require

from . import export, figures, selectors, services, summary
from .forms import ImportForm, MeasurementForm, RegistryFilterForm
from .models import Parameter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVEL_TITLES = {"organization": "Организация", "municipality": "Муниципалитет", "region": "Регион"}


def _today():
    return timezone.localdate()


def _crumbs(level: str, obj, year, *tail) -> list:
    """Главная → регион → муниципалитет → организация (what the user may open) → …"""
    crumbs = [("Главная", reverse("home")), ("Мониторинг", reverse("monitoring:index"))]
    if level == "organization":
        municipality = obj.municipality
        crumbs.append(
            (municipality.region.name, reverse("monitoring:region", args=[municipality.region_id, year.start_year]))
        )
        crumbs.append((municipality.name, reverse("monitoring:municipality", args=[municipality.pk, year.start_year])))
        crumbs.append((obj.short_name, reverse("monitoring:organization", args=[obj.pk, year.start_year])))
    elif level == "municipality":
        crumbs.append((obj.region.name, reverse("monitoring:region", args=[obj.region_id, year.start_year])))
        crumbs.append((obj.name, reverse("monitoring:municipality", args=[obj.pk, year.start_year])))
    else:
        crumbs.append((obj.name, reverse("monitoring:region", args=[obj.pk, year.start_year])))
    return [*crumbs, *tail]


def _visible_crumbs(request, crumbs):
    """Drop the levels above the user's own (a curator does not open the region's dashboard)."""
    access = access_for(request.user)
    result = []
    for label, url in crumbs:
        if url and "/monitoring/region/" in url and not (access.is_admin or access.region_ids):
            continue
        if url and "/monitoring/municipality/" in url and not (access.is_admin or access.is_coordinator):
            continue
        result.append((label, url))
    return result


@login_required
def index(request):
    """Where the user's dashboard is: the region, the municipality or the organisation."""
    selectors.require_staff(request.user)
    access = access_for(request.user)
    year = academic_year_current()
    regions = list(selectors.regions_visible(request.user).order_by("name")[:100])
    municipalities = list(selectors.municipalities_visible(request.user).order_by("name")[:300])
    organizations = list(selectors.registry_organizations(request.user)[:300]) if not access.is_coordinator else []
    if not access.is_admin:
        if len(regions) == 1:
            return redirect("monitoring:region", regions[0].pk, year.start_year)
        if not regions and len(municipalities) == 1 and access.municipality_ids:
            return redirect("monitoring:municipality", municipalities[0].pk, year.start_year)
        if not access.is_coordinator and len(access.staff_org_ids) == 1:
            return redirect("monitoring:organization", next(iter(access.staff_org_ids)), year.start_year)
    return render(
        request,
        "monitoring/index.html",
        {
            "regions": regions,
            "municipalities": municipalities,
            "organizations": organizations,
            "year": year,
            "breadcrumbs": [("Главная", reverse("home")), ("Мониторинг", None)],
        },
    )


def _dashboard(request, level: str, obj, year):
    scope = selectors.scope_of(level, obj, year, _today())
    stored = None
    if level == "region":
        # the region's stored figures while fresh (figures.py); missing or getting old: refreshed in the
        # background, and computed live meanwhile when they are not fresh any more
        stored = figures.current(scope)
        if stored is None or stored.aging():
            figures.refresh_in_background(obj, year)
    context = selectors.dashboard(scope, sort=request.GET.get("sort", "coverage"), figures=stored)
    for row in context["problems"].stale:
        row.url = selectors.mentorship_url(row.pk)
    context.update(
        level=level,
        obj=obj,
        academic_year=year,
        today=scope.today,
        stale_days=selectors.STALE_DAYS,
        breadcrumbs=_visible_crumbs(request, _crumbs(level, obj, year)),
        level_title=LEVEL_TITLES[level],
        can_manage=level == "organization" and services.can_manage(request.user, obj),
        can_refresh=level == "region" and figures.can_refresh(request.user, obj),
        figures_minutes=int(figures.fresh_for().total_seconds() // 60),
    )
    return render(request, "monitoring/dashboard.html", context)


@login_required
def organization(request, org_pk, year):
    return _dashboard(
        request,
        "organization",
        selectors.organization_for(actor=request.user, pk=org_pk),
        selectors.academic_year(year),
    )


@login_required
def municipality(request, pk, year):
    return _dashboard(
        request, "municipality", selectors.municipality_for(actor=request.user, pk=pk), selectors.academic_year(year)
    )


@login_required
def region(request, pk, year):
    return _dashboard(request, "region", selectors.region_for(actor=request.user, pk=pk), selectors.academic_year(year))


@login_required
@require_POST
def region_refresh(request, pk, year):
    """«Пересчитать сейчас»: the region's coordinator recomputes its stored figures (a few seconds on 1,000
    organisations) and is back on the dashboard, which then shows them."""
    # another region: 404; a curator or a municipal coordinator inside the region: 403 (as the summary)
    region = summary.area_for(actor=request.user, level="region", pk=pk)
    academic_year = selectors.academic_year(year)
    count = figures.refresh_now(actor=request.user, region=region, academic_year=academic_year)
    messages.success(request, f"Показатели пересчитаны: организаций — {count}.")
    return redirect("monitoring:region", region.pk, academic_year.start_year)


def _level_object(request, level: str, pk: int):
    if level == "organization":
        return selectors.organization_for(actor=request.user, pk=pk)
    if level == "municipality":
        return selectors.municipality_for(actor=request.user, pk=pk)
    if level == "region":
        return selectors.region_for(actor=request.user, pk=pk)
    raise Http404


# --- process monitoring ----------------------------------------------------------------------------------------
@login_required
def satisfaction(request, level, pk, year):
    obj = _level_object(request, level, pk)
    academic_year = selectors.academic_year(year)
    scope = selectors.scope_of(level, obj, academic_year, _today())
    return render(
        request,
        "monitoring/satisfaction.html",
        {
            "report": selectors.satisfaction_report(scope),
            "level": level,
            "obj": obj,
            "academic_year": academic_year,
            "breadcrumbs": _visible_crumbs(
                request, _crumbs(level, obj, academic_year, ("Удовлетворённость участием", None))
            ),
        },
    )


# --- impact monitoring ------------------------------------------------------------------------------------------
def _org_year(request, org_pk, year):
    return selectors.organization_for(actor=request.user, pk=org_pk), selectors.academic_year(year)


@login_required
def impact(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    scope = selectors.scope_of("organization", organization, academic_year, _today())
    summary = selectors.impact_summary(scope)
    parameter = request.GET.get("parameter", "")
    parameter = parameter if parameter in Parameter.values else ""
    return render(
        request,
        "monitoring/impact.html",
        {
            "organization": organization,
            "academic_year": academic_year,
            "summary": summary,
            "chart": selectors.impact_chart(summary),
            "page": paginate(request, selectors.impact_people(scope, parameter=parameter)),
            "parameters": Parameter.choices,
            "parameter": parameter,
            "can_manage": services.can_manage(request.user, organization),
            "breadcrumbs": _visible_crumbs(
                request, _crumbs("organization", organization, academic_year, ("Мониторинг влияния", None))
            ),
        },
    )


def _require_manage(request, organization):
    require(services.can_manage(request.user, organization), services.NO_RIGHTS)


def _impact_url(organization, academic_year):
    return reverse("monitoring:impact", args=[organization.pk, academic_year.start_year])


@login_required
def measurement_add(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    _require_manage(request, organization)
    form = MeasurementForm(request.POST or None, people=selectors.measurable_people(organization))
    if request.method == "POST" and form.is_valid():
        try:
            measurement = services.measurement_save(
                actor=request.user, organization=organization, academic_year=academic_year, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Записано: {measurement}.")
            return redirect(_impact_url(organization, academic_year))
    return render(
        request,
        "monitoring/form_page.html",
        {
            "form": form,
            "title": "Измерение для мониторинга влияния",
            "submit": "Сохранить",
            "cancel_url": _impact_url(organization, academic_year),
            "breadcrumbs": _visible_crumbs(
                request,
                _crumbs(
                    "organization",
                    organization,
                    academic_year,
                    ("Мониторинг влияния", _impact_url(organization, academic_year)),
                    ("Новое измерение", None),
                ),
            ),
        },
    )


@login_required
@require_POST
def measurement_delete(request, pk):
    measurement = selectors.measurement_get_for(actor=request.user, pk=pk)
    services.measurement_delete(actor=request.user, measurement=measurement)
    messages.success(request, "Измерение удалено.")
    return redirect(_impact_url(measurement.organization, measurement.academic_year))


@login_required
def impact_import(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    _require_manage(request, organization)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.measurements_import(
                actor=request.user,
                organization=organization,
                academic_year=academic_year,
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                f"Файл загружен: добавлено {result.created}, изменено {result.updated}, "
                f"без изменений {result.unchanged}.",
            )
            return redirect(_impact_url(organization, academic_year))
    return render(
        request,
        "monitoring/impact_import.html",
        {
            "form": form,
            "errors": errors[:200],
            "error_count": len(errors),
            "organization": organization,
            "academic_year": academic_year,
            "breadcrumbs": _visible_crumbs(
                request,
                _crumbs(
                    "organization",
                    organization,
                    academic_year,
                    ("Мониторинг влияния", _impact_url(organization, academic_year)),
                    ("Загрузка из файла", None),
                ),
            ),
        },
        status=400 if errors else 200,
    )


@login_required
def impact_template(request, org_pk, year):
    _org_year(request, org_pk, year)
    response = HttpResponse(services.import_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''impact_template.xlsx"
    return response


@login_required
@require_POST
def from_diagnostics(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    _require_manage(request, organization)
    result = services.measurements_from_diagnostics(
        actor=request.user, organization=organization, academic_year=academic_year
    )
    if result.total:
        messages.success(
            request,
            f"Из диагностических анкет: добавлено {result.created}, изменено {result.updated}, "
            f"без изменений {result.unchanged}.",
        )
    else:
        messages.info(request, "Ответов на диагностические анкеты этого года пока нет.")
    return redirect(_impact_url(organization, academic_year))


# --- the personified registry -----------------------------------------------------------------------------------
def _registry(request, level, pk):
    obj = _level_object(request, level, pk)
    year_param = request.GET.get("year", "")
    if year_param == "all":
        academic_year = None
    elif year_param.isdigit():
        academic_year = selectors.academic_year(int(year_param))
    else:
        academic_year = academic_year_current()
    organizations = selectors.registry_organizations(request.user).filter(
        selectors.scope_of(level, obj, academic_year, _today()).org_q()
    )
    form = RegistryFilterForm(request.GET or None, organizations=organizations)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.RegistryFilters(
        academic_year=academic_year,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        form_id=data["form"].pk if data.get("form") else None,
        status=data.get("status", ""),
        organization_id=data["organization"].pk if data.get("organization") else None,
        category=data.get("category", ""),
        role=data.get("role", ""),
        scope_level=level,
        scope_pk=obj.pk,
    )
    return obj, form, filters, selectors.registry_rows(actor=request.user, filters=filters)


@login_required
def registry(request, level, pk):
    obj, form, filters, rows = _registry(request, level, pk)
    page = paginate(request, rows, 50)
    page.rows = [[*export.row_values(page.start_index() + i, row), selectors.mentorship_url(row[2])]
                 for i, row in enumerate(page.object_list)]  # fmt: skip
    return render(
        request,
        "monitoring/registry.html",
        {
            "form": form,
            "page": page,
            "academic_year": filters.academic_year,
            "years": selectors.registry_years(),
            "export_query": request.GET.urlencode(),
            "level": level,
            "obj": obj,
            "breadcrumbs": _visible_crumbs(
                request,
                _crumbs(
                    level, obj, filters.academic_year or academic_year_current(), ("Персонифицированный учёт", None)
                ),
            ),
        },
    )


@login_required
def registry_export(request, level, pk):
    """The registry with the page's filters as XLSX: written row by row into a temporary file (export.py,
    ~10 s for a region's 200,000 rows), then sent with its length. Filters that do not validate export
    nothing: back to the page, which shows what is wrong."""
    obj, form, filters, rows = _registry(request, level, pk)
    if form.is_bound and not form.is_valid():
        messages.error(request, "Выгрузка не сформирована: исправьте условия отбора.")
        return redirect(f"{reverse('monitoring:registry', args=[level, pk])}?{request.GET.urlencode()}")
    subtitle = str(filters.academic_year) if filters.academic_year else "все учебные годы"
    if filters.date_from or filters.date_to:
        subtitle += f", период {date_ru(filters.date_from) or '…'} — {date_ru(filters.date_to) or '…'}"
    handle, count = export.write_registry(
        rows.iterator(chunk_size=2000), title="Реестр участников программы наставничества", subtitle=subtitle
    )
    services.log_export(
        actor=request.user,
        target=obj,
        academic_year=filters.academic_year,
        what="registry",
        rows=count,
        filters=dict(request.GET.items()),
    )
    suffix = filters.academic_year.start_year if filters.academic_year else "vse_gody"
    name = f"reestr_nastavnichestva_{suffix}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)
