"""The long-term mentor base of an organisation, «найти наставника рядом», requests between organisations and
the aggregated base of a region. Thin: services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors, error_text, int_or_none, paginate
from nastavnik.orgs.models import AcademicYear
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.access import access_for, require
from nastavnik.programs.models import MentoringForm

from . import export, selectors, services
from .forms import AddForm, BaseFilterForm, DecideForm, EditForm, NearbyForm, ReasonForm, RegionFilterForm, RequestForm
from .models import RequestStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _home():
    return ("Главная", reverse("home"))


def _org_crumbs(organization, *tail):
    url = reverse("mentorbase:org_base", args=[organization.pk])
    return [_home(), (f"Долгосрочная база наставников: {organization.short_name}", url if tail else None), *tail]


def _forms_for(organization):
    from nastavnik.programs.selectors import enabled_forms

    forms_qs = enabled_forms(organization=organization, academic_year=academic_year_current())
    return forms_qs if forms_qs.exists() else MentoringForm.objects.all()


# --- entry ---------------------------------------------------------------------------------------------
@login_required
def index(request):
    """The coordinator → the region's aggregated base; the organisation's staff → its long-term base."""
    region = selectors.coordinator_region(request.user)
    if region is not None:
        return redirect("mentorbase:region", region.pk)
    organization = selectors.staff_organizations(request.user).order_by("short_name", "pk").first()
    if organization is not None:
        return redirect("mentorbase:org_base", organization.pk)
    if access_for(request.user).is_admin:
        from nastavnik.orgs.models import Region

        region = Region.objects.order_by("name").first()
        if region is not None:
            return redirect("mentorbase:region", region.pk)
    raise Http404


# --- an organisation's long-term base -----------------------------------------------------------------------
@login_required
def org_base(request, org_pk):
    organization = selectors.organization_for(actor=request.user, pk=org_pk)
    filters = BaseFilterForm(request.GET or None, forms_qs=MentoringForm.objects.all())
    data = filters.cleaned_data if filters.is_valid() else {}
    status = data.get("status", "active") if request.GET else "active"
    mentors = selectors.base_of(
        organization=organization,
        query=data.get("q") or "",
        form_id=data["form"].pk if data.get("form") else None,
        status=status,
    )
    can_manage = services.can_manage_base(request.user, organization)
    return render(
        request,
        "mentorbase/org_base.html",
        {
            "organization": organization,
            "filters": filters,
            "page": paginate(request, mentors),
            "can_manage": can_manage,
            "is_staff": organization.pk in access_for(request.user).staff_org_ids or access_for(request.user).is_admin,
            "threshold": services.RATING_THRESHOLD,
            "inbox": selectors.requests_of(organization=organization)["incoming"] if can_manage else [],
            "breadcrumbs": _org_crumbs(organization),
        },
    )


@login_required
@require_POST
def refresh(request, org_pk):
    organization = selectors.organization_for(actor=request.user, pk=org_pk)
    require(services.can_manage_base(request.user, organization), services.NO_RIGHTS)
    result = services.base_refresh(actor=request.user, organization=organization)
    messages.success(request, result.message)
    return redirect("mentorbase:org_base", organization.pk)


@login_required
def add(request, org_pk):
    organization = selectors.organization_for(actor=request.user, pk=org_pk)
    require(services.can_manage_base(request.user, organization), services.NO_RIGHTS)
    form = AddForm(request.POST or None, people=selectors.people_to_add(organization=organization))
    if request.method == "POST" and form.is_valid():
        try:
            mentor = services.base_add(actor=request.user, organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{mentor.person.full_name} — в долгосрочной базе наставников.")
            return redirect("mentorbase:detail", mentor.pk)
    return render(
        request,
        "components/form_page.html",
        {
            "form": form,
            "title": "Добавить наставника в долгосрочную базу",
            "intro": "Обычно база пополняется сама по итогам завершённых наставничеств; вручную — с основанием.",
            "breadcrumbs": _org_crumbs(organization, ("Добавить наставника", None)),
        },
    )


# --- a base mentor -------------------------------------------------------------------------------------------
@login_required
def detail(request, pk):
    mentor = selectors.base_mentor_get_for(actor=request.user, pk=pk)
    full = selectors.sees_full_card(request.user, mentor)
    access = access_for(request.user)
    own_orgs = [o for o in selectors.staff_organizations(request.user) if o.pk != mentor.organization_id]
    can_request = mentor.is_shown_elsewhere and any(services.can_manage_base(request.user, o) for o in own_orgs)
    crumbs = (
        _org_crumbs(mentor.organization, (mentor.person.full_name, None))
        if full
        else [_home(), ("Найти наставника", None), (mentor.person.full_name, None)]
    )
    return render(
        request,
        "mentorbase/detail.html",
        {
            "mentor": mentor,
            "full": full,
            "history": selectors.history_of(mentor),
            "can_manage": services.can_manage_base(request.user, mentor.organization),
            "is_home_staff": access.is_admin or mentor.organization_id in access.staff_org_ids,
            "request_orgs": [o for o in own_orgs if services.can_manage_base(request.user, o)] if can_request else [],
            "edit_form": EditForm(initial={"note": mentor.note, "available_elsewhere": mentor.available_elsewhere}),
            "remove_form": ReasonForm(),
            "breadcrumbs": crumbs,
        },
    )


@login_required
def edit(request, pk):
    mentor = selectors.base_mentor_get_for(actor=request.user, pk=pk)
    require(services.can_manage_base(request.user, mentor.organization), services.NO_RIGHTS)
    form = EditForm(
        request.POST or None, initial={"note": mentor.note, "available_elsewhere": mentor.available_elsewhere}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.base_update(actor=request.user, mentor=mentor, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Карточка наставника сохранена.")
            return redirect("mentorbase:detail", mentor.pk)
    return render(
        request,
        "components/form_page.html",
        {
            "form": form,
            "title": f"{mentor.person.full_name}: заметка и готовность наставлять в других организациях",
            "breadcrumbs": _org_crumbs(
                mentor.organization,
                (mentor.person.full_name, reverse("mentorbase:detail", args=[mentor.pk])),
                ("Изменить", None),
            ),
        },
    )


@login_required
@require_POST
def remove(request, pk):
    mentor = selectors.base_mentor_get_for(actor=request.user, pk=pk)
    require(services.can_manage_base(request.user, mentor.organization), services.NO_RIGHTS)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите, почему наставник выбывает из базы.")
    else:
        try:
            services.base_remove(actor=request.user, mentor=mentor, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"{mentor.person.full_name} выбыл(а) из долгосрочной базы.")
    return redirect("mentorbase:detail", mentor.pk)


# --- «найти наставника рядом» ---------------------------------------------------------------------------------
@login_required
def find(request, org_pk):
    organization = selectors.organization_for(actor=request.user, pk=org_pk)
    access = access_for(request.user)
    if not (access.is_admin or organization.pk in access.staff_org_ids):
        raise Http404  # coordinators use the aggregated base; this page is the organisation's own search
    filters = NearbyForm(request.GET or None, forms_qs=MentoringForm.objects.all())
    data = filters.cleaned_data if filters.is_valid() else {}
    scope = data.get("scope") or "municipality"
    mentors = selectors.nearby_for(
        organization=organization,
        scope=scope,
        query=data.get("q") or "",
        form_id=data["form"].pk if data.get("form") else None,
    )
    page = paginate(request, mentors)
    widen = scope == "municipality" and not page.paginator.count
    return render(
        request,
        "mentorbase/find.html",
        {
            "organization": organization,
            "filters": filters,
            "page": page,
            "scope": scope,
            "widen": widen,
            "query_string": request.GET.urlencode(),
            "can_request": services.can_manage_base(request.user, organization),
            "breadcrumbs": [_home(), (f"Найти наставника: {organization.short_name}", None)],
        },
    )


@login_required
def request_new(request, org_pk, pk):
    organization = selectors.organization_for(actor=request.user, pk=org_pk)
    mentor = selectors.base_mentor_get_for(actor=request.user, pk=pk)
    require(services.can_manage_base(request.user, organization), services.NO_REQUEST_RIGHTS)
    today = timezone.localdate()
    year = academic_year_current()
    form = RequestForm(
        request.POST or None,
        forms_qs=_forms_for(organization),
        initial={"period_start": today, "period_end": year.end_date.replace(month=5, day=31)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_send(
                actor=request.user, mentor=mentor, from_organization=organization, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Запрос отправлен куратору организации «{mentor.organization.short_name}». "
                "Когда его примут, здесь откроются контакты наставника.",
            )
            return redirect("mentorbase:request_detail", created.pk)
    return render(
        request,
        "mentorbase/request_form.html",
        {
            "form": form,
            "mentor": mentor,
            "organization": organization,
            "breadcrumbs": [
                _home(),
                (f"Найти наставника: {organization.short_name}", reverse("mentorbase:find", args=[organization.pk])),
                (f"Запрос: {mentor.person.full_name}", None),
            ],
        },
    )


@login_required
def requests(request, org_pk):
    organization = selectors.organization_for(actor=request.user, pk=org_pk)
    lists = selectors.requests_of(organization=organization)
    return render(
        request,
        "mentorbase/requests.html",
        {
            "organization": organization,
            **lists,
            "can_manage": services.can_manage_base(request.user, organization),
            "breadcrumbs": [_home(), (f"Запросы наставников: {organization.short_name}", None)],
        },
    )


@login_required
def request_detail(request, pk):
    mentor_request = selectors.request_get_for(actor=request.user, pk=pk)
    contacts = selectors.contacts_visible(request.user, mentor_request)
    if contacts:
        services.log_contacts_read(actor=request.user, request=mentor_request)
    access = access_for(request.user)
    own = (
        mentor_request.from_organization
        if mentor_request.from_organization_id in access.staff_org_ids
        else mentor_request.to_organization
    )
    return render(
        request,
        "mentorbase/request_detail.html",
        {
            "req": mentor_request,
            "contacts": contacts,
            "can_decide": mentor_request.status == RequestStatus.SENT
            and services.can_manage_base(request.user, mentor_request.to_organization),
            "can_withdraw": mentor_request.status == RequestStatus.SENT
            and services.can_manage_base(request.user, mentor_request.from_organization),
            "can_to_pool": contacts
            and mentor_request.pool_entry_id is None
            and services.can_manage_base(request.user, mentor_request.from_organization),
            "decide_form": DecideForm(),
            "breadcrumbs": [
                _home(),
                (f"Запросы наставников: {own.short_name}", reverse("mentorbase:requests", args=[own.pk])),
                (f"Запрос № {mentor_request.pk}", None),
            ],
        },
    )


@login_required
def request_decide(request, pk):
    mentor_request = selectors.request_get_for(actor=request.user, pk=pk)
    require(services.can_manage_base(request.user, mentor_request.to_organization), services.NO_DECIDE_RIGHTS)
    if request.method != "POST":
        return redirect("mentorbase:request_detail", mentor_request.pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Выберите решение: принять или отклонить.")
    else:
        try:
            services.request_decide(
                actor=request.user,
                request=mentor_request,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            accepted = form.cleaned_data["decision"] == "accept"
            messages.success(
                request, "Запрос принят: коллега увидит контакты наставника." if accepted else "Запрос отклонён."
            )
    return redirect("mentorbase:request_detail", mentor_request.pk)


@login_required
@require_POST
def request_withdraw(request, pk):
    mentor_request = selectors.request_get_for(actor=request.user, pk=pk)
    require(services.can_manage_base(request.user, mentor_request.from_organization), services.NO_REQUEST_RIGHTS)
    try:
        services.request_withdraw(actor=request.user, request=mentor_request)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Запрос отозван.")
    return redirect("mentorbase:request_detail", mentor_request.pk)


@login_required
@require_POST
def request_to_pool(request, pk):
    mentor_request = selectors.request_get_for(actor=request.user, pk=pk)
    require(services.can_manage_base(request.user, mentor_request.from_organization), services.NO_REQUEST_RIGHTS)
    try:
        entry = services.request_to_pool(actor=request.user, request=mentor_request)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            f"{entry.person.full_name} — в вашей базе наставников формы «{entry.form.name}» ({entry.academic_year}), "
            "статус «Одобрен»: его можно включить в пару.",
        )
    return redirect("mentorbase:request_detail", mentor_request.pk)


# --- the aggregated base of a region ---------------------------------------------------------------------------
def _region_data(request, region):
    municipality_ids = selectors.coordinator_municipalities(request.user, region)
    municipalities = selectors.municipalities_of(region, municipality_ids)
    filters = RegionFilterForm(request.GET or None, forms_qs=MentoringForm.objects.all(), municipalities=municipalities)
    data = filters.cleaned_data if filters.is_valid() else {}
    params = {
        "municipality_id": data["municipality"].pk if data.get("municipality") else None,
        "kind": data.get("kind") or "",
    }
    mentors = selectors.region_base(
        region=region,
        municipality_ids=municipality_ids,
        query=data.get("q") or "",
        form_id=data["form"].pk if data.get("form") else None,
        **params,
    )
    return municipality_ids, filters, params, mentors


@login_required
def region(request, region_pk):
    region = selectors.region_for(actor=request.user, pk=region_pk)
    municipality_ids, filters, params, mentors = _region_data(request, region)
    start = int_or_none(request.GET.get("year"))
    academic_year = get_object_or_404(AcademicYear, start_year=start) if start is not None else academic_year_current()
    summary = selectors.region_summary(
        region=region, academic_year=academic_year, municipality_ids=municipality_ids, **params
    )
    return render(
        request,
        "mentorbase/region.html",
        {
            "region": region,
            "filters": filters,
            "summary": summary,
            "academic_year": academic_year,
            "years": AcademicYear.objects.order_by("-start_year")[:6],
            "page": paginate(request, mentors),
            "query_string": request.GET.urlencode(),
            "can_refresh": True,  # coordinator_municipalities let only coordinators this far
            "breadcrumbs": [_home(), (f"Сводная база наставников: {region.name}", None)],
        },
    )


@login_required
def region_export(request, region_pk):
    region = selectors.region_for(actor=request.user, pk=region_pk)
    _municipality_ids, _filters, _params, mentors = _region_data(request, region)
    mentors = list(mentors)
    content = export.region_base_xlsx(mentors, subtitle=f"{region.name}, {timezone.localdate():%d.%m.%Y}")
    services.log_export(actor=request.user, region=region, rows=len(mentors))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mentorbase-{region.pk}.xlsx"'
    return response


@login_required
@require_POST
def region_refresh(request, region_pk):
    region = selectors.region_for(actor=request.user, pk=region_pk)
    municipality_ids = selectors.coordinator_municipalities(request.user, region)
    if municipality_ids is None:
        result = services.base_refresh(actor=request.user, region=region)
    else:
        # a municipal coordinator refreshes the organisations of the own municipality
        from nastavnik.orgs.models import Organization

        result = services.RefreshResult()
        for organization in Organization.objects.filter(municipality_id__in=municipality_ids):
            part = services.base_refresh(actor=request.user, organization=organization)
            for attr in ("added", "updated", "left", "unchanged"):
                setattr(result, attr, getattr(result, attr) + getattr(part, attr))
    messages.success(request, result.message)
    return redirect("mentorbase:region", region.pk)
