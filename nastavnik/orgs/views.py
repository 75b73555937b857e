"""Pages of the organisation tree. Thin: scoped selector → form → one service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors, int_or_none, paginate
from nastavnik.people.access import access_for, require

from . import selectors, services
from .forms import (
    AcademicYearForm,
    AgreementForm,
    MunicipalityForm,
    OrganizationFilterForm,
    OrganizationForm,
    PartnerForm,
    RegionForm,
)
from .models import Region


def _crumbs(*items):
    return [("Главная", reverse("home")), *items]


def _registers_only(request):
    require(access_for(request.user).sees_registers, "Этот раздел доступен сотрудникам и координаторам.")


# --- regions ---------------------------------------------------------------------------
@login_required
def region_list(request):
    _registers_only(request)
    regions = selectors.region_list_for(actor=request.user)
    return render(
        request,
        "orgs/region_list.html",
        {
            "regions": regions,
            "can_create": access_for(request.user).can_edit_region(),
            "breadcrumbs": _crumbs(("Регионы", None)),
        },
    )


@login_required
def region_form(request, pk=None):
    region = selectors.region_get_for(actor=request.user, pk=pk) if pk else None
    require(access_for(request.user).can_edit_region(), "Регионы ведёт администратор платформы.")
    form = RegionForm(request.POST or None, instance=region)
    if request.method == "POST" and form.is_valid():
        try:
            region = services.region_save(actor=request.user, region=region, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Регион сохранён.")
            return redirect("orgs:region_detail", pk=region.pk)
    title = "Изменить регион" if region else "Новый регион"
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": _crumbs(("Регионы", reverse("orgs:region_list")), (title, None)),
        },
    )


@login_required
def region_detail(request, pk):
    _registers_only(request)
    region = selectors.region_get_for(actor=request.user, pk=pk)
    access = access_for(request.user)
    return render(
        request,
        "orgs/region_detail.html",
        {
            "region": region,
            "municipalities": selectors.municipality_list_for(actor=request.user, region=region),
            "can_edit": access.can_edit_region(),
            "can_add_municipality": access.can_edit_municipality(region_id=region.pk),
            "breadcrumbs": _crumbs(("Регионы", reverse("orgs:region_list")), (region.name, None)),
        },
    )


# --- municipalities --------------------------------------------------------------------
@login_required
def municipality_form(request, region_pk=None, pk=None):
    municipality = selectors.municipality_get_for(actor=request.user, pk=pk) if pk else None
    region: Region = municipality.region if municipality else selectors.region_get_for(actor=request.user, pk=region_pk)
    require(
        access_for(request.user).can_edit_municipality(region_id=region.pk),
        "Муниципалитеты ведёт региональный координатор.",
    )
    form = MunicipalityForm(request.POST or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            municipality = services.municipality_save(
                actor=request.user, region=region, municipality=municipality, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Муниципалитет сохранён.")
            return redirect("orgs:municipality_detail", pk=municipality.pk)
    title = "Изменить муниципалитет" if municipality else "Новый муниципалитет"
    crumbs = _crumbs(
        ("Регионы", reverse("orgs:region_list")),
        (region.name, reverse("orgs:region_detail", args=[region.pk])),
        (title, None),
    )
    return render(request, "orgs/form.html", {"form": form, "title": title, "breadcrumbs": crumbs})


@login_required
def municipality_detail(request, pk):
    _registers_only(request)
    municipality = selectors.municipality_get_for(actor=request.user, pk=pk)
    access = access_for(request.user)
    region = municipality.region
    return render(
        request,
        "orgs/municipality_detail.html",
        {
            "municipality": municipality,
            "organizations": selectors.organization_list_with_counts_for(
                actor=request.user, municipality_id=municipality.pk
            ),
            "can_edit": access.can_edit_municipality(region_id=region.pk),
            "can_add_organization": access.can_create_organization(
                municipality_id=municipality.pk, region_id=region.pk
            ),
            "breadcrumbs": _crumbs(
                ("Регионы", reverse("orgs:region_list")),
                (region.name, reverse("orgs:region_detail", args=[region.pk])),
                (municipality.name, None),
            ),
        },
    )


@login_required
@require_POST
def municipality_delete(request, pk):
    municipality = selectors.municipality_get_for(actor=request.user, pk=pk)
    try:
        services.municipality_delete(actor=request.user, municipality=municipality)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("orgs:municipality_detail", pk=pk)
    messages.success(request, "Муниципалитет удалён.")
    return redirect("orgs:region_detail", pk=municipality.region_id)


# --- organisations ---------------------------------------------------------------------
@login_required
def organization_list(request):
    _registers_only(request)
    municipalities = selectors.municipality_list_for(actor=request.user)
    filters = OrganizationFilterForm(request.GET or None, municipalities=municipalities)
    data = filters.cleaned_data if filters.is_valid() else {}
    organizations = selectors.organization_list_with_counts_for(
        actor=request.user,
        query=data.get("q") or "",
        kind=data.get("kind") or "",
        municipality_id=data["municipality"].pk if data.get("municipality") else None,
    )
    template = "orgs/organization_list.html#results" if request.htmx else "orgs/organization_list.html"
    return render(
        request,
        template,
        {
            "filters": filters,
            "page": paginate(request, organizations),
            "can_create": selectors.organizations_creatable_for(actor=request.user).exists(),
            "breadcrumbs": _crumbs(("Организации", None)),
        },
    )


@login_required
def organization_create(request):
    municipalities = selectors.organizations_creatable_for(actor=request.user)
    require(municipalities.exists(), "Организации добавляют координаторы муниципалитета или региона.")
    initial = {"municipality": int_or_none(request.GET.get("municipality"))}
    form = OrganizationForm(request.POST or None, initial=initial, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        municipality = data.pop("municipality")
        try:
            organization = services.organization_create(actor=request.user, municipality=municipality, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Организация «{organization.short_name}» добавлена.")
            return redirect("orgs:organization_detail", pk=organization.pk)
    crumbs = _crumbs(("Организации", reverse("orgs:organization_list")), ("Новая организация", None))
    return render(request, "orgs/form.html", {"form": form, "title": "Новая организация", "breadcrumbs": crumbs})


@login_required
def organization_detail(request, pk):
    organization = selectors.organization_get_for(actor=request.user, pk=pk)
    access = access_for(request.user)
    counts = selectors.organization_list_with_counts_for(actor=request.user).get(pk=pk)
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "organization": organization,
            "counts": counts,
            "partners": selectors.partner_list_for(actor=request.user, organization=organization),
            "can_edit": access.can_edit_organization(
                org_id=organization.pk,
                municipality_id=organization.municipality_id,
                region_id=organization.municipality.region_id,
            ),
            "can_delete": access.can_create_organization(
                municipality_id=organization.municipality_id, region_id=organization.municipality.region_id
            ),
            "sees_people": access.sees_registers,
            "breadcrumbs": _crumbs(("Организации", reverse("orgs:organization_list")), (organization.short_name, None)),
        },
    )


@login_required
def organization_edit(request, pk):
    organization = selectors.organization_get_for(actor=request.user, pk=pk)
    access = access_for(request.user)
    require(
        access.can_edit_organization(
            org_id=organization.pk,
            municipality_id=organization.municipality_id,
            region_id=organization.municipality.region_id,
        ),
        "Изменять сведения об организации могут её руководитель и координаторы.",
    )
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(actor=request.user, organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Сведения об организации сохранены.")
            return redirect("orgs:organization_detail", pk=organization.pk)
    crumbs = _crumbs(
        ("Организации", reverse("orgs:organization_list")),
        (organization.short_name, reverse("orgs:organization_detail", args=[pk])),
        ("Изменить", None),
    )
    return render(request, "orgs/form.html", {"form": form, "title": "Изменить организацию", "breadcrumbs": crumbs})


@login_required
@require_POST
def organization_delete(request, pk):
    organization = selectors.organization_get_for(actor=request.user, pk=pk)
    try:
        services.organization_delete(actor=request.user, organization=organization)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("orgs:organization_detail", pk=pk)
    messages.success(request, "Организация удалена.")
    return redirect("orgs:organization_list")


# --- partners --------------------------------------------------------------------------
def _partner_region(request, organizations):
    """The region a new partner belongs to: the user's (one region per partner)."""
    access = access_for(request.user)
    region_ids = set(access.region_ids) | set(access.org_region.values()) | set(access.municipality_region.values())
    if not region_ids and access.is_admin:
        first = organizations.first()
        region_ids = {first.municipality.region_id} if first else set()
    return selectors.region_list_for(actor=request.user).filter(pk__in=region_ids).first()


@login_required
def partner_list(request):
    _registers_only(request)
    partners = selectors.partner_list_for(actor=request.user, query=request.GET.get("q", ""))
    template = "orgs/partner_list.html#results" if request.htmx else "orgs/partner_list.html"
    return render(
        request,
        template,
        {
            "page": paginate(request, partners),
            "query": request.GET.get("q", ""),
            "breadcrumbs": _crumbs(("Партнёры", None)),
        },
    )


@login_required
def partner_form(request, pk=None):
    _registers_only(request)
    partner = selectors.partner_get_for(actor=request.user, pk=pk) if pk else None
    access = access_for(request.user)
    organizations = selectors.organization_list_for(actor=request.user)
    if partner is not None:
        region = partner.region
        org_ids = set(partner.organizations.values_list("pk", flat=True))
        require(
            access.can_edit_partner(region_id=region.pk, org_ids=org_ids),
            "Партнёров ведут руководитель, куратор или координаторы.",
        )
    else:
        region = _partner_region(request, organizations)
        require(
            region is not None and (access.is_admin or access.region_ids or access.managed_org_ids),
            "Партнёров ведут руководитель, куратор или координаторы.",
        )
    organizations = organizations.filter(municipality__region=region)
    initial = {"organizations": list(access.managed_org_ids)} if partner is None else None
    form = PartnerForm(request.POST or None, instance=partner, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = list(data.pop("organizations"))
        try:
            partner = services.partner_save(
                actor=request.user, region=region, partner=partner, organizations=chosen, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Партнёр сохранён.")
            return redirect("orgs:partner_detail", pk=partner.pk)
    title = "Изменить партнёра" if partner else "Новый партнёр"
    crumbs = _crumbs(("Партнёры", reverse("orgs:partner_list")), (title, None))
    return render(request, "orgs/form.html", {"form": form, "title": title, "breadcrumbs": crumbs})


@login_required
def partner_detail(request, pk):
    _registers_only(request)
    partner = selectors.partner_get_for(actor=request.user, pk=pk)
    org_ids = {o.pk for o in partner.organizations.all()}
    access = access_for(request.user)
    agreements = list(selectors.agreements_of(actor=request.user, partner=partner))
    return render(
        request,
        "orgs/partner_detail.html",
        {
            "partner": partner,
            "agreements": agreements,
            "deletable_agreements": {
                a.pk for a in agreements if access.is_admin or a.organization_id in access.managed_org_ids
            },
            "can_add_agreement": bool(access.managed_org_ids) or access.is_admin,
            "can_edit": access.can_edit_partner(region_id=partner.region_id, org_ids=org_ids),
            "breadcrumbs": _crumbs(("Партнёры", reverse("orgs:partner_list")), (partner.name, None)),
        },
    )


@login_required
@require_POST
def partner_delete(request, pk):
    partner = selectors.partner_get_for(actor=request.user, pk=pk)
    try:
        services.partner_delete(actor=request.user, partner=partner)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("orgs:partner_detail", pk=pk)
    messages.success(request, "Партнёр удалён.")
    return redirect("orgs:partner_list")


# --- academic years --------------------------------------------------------------------
@login_required
def year_list(request):
    current = services.academic_year_current()
    form = AcademicYearForm(request.POST or None, initial={"start_year": current.start_year + 1})
    can_create = access_for(request.user).is_admin
    if request.method == "POST":
        require(can_create, "Учебные годы ведёт администратор платформы.")
        if form.is_valid():
            try:
                year = services.academic_year_create(actor=request.user, start_year=form.cleaned_data["start_year"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Добавлен {year}.")
                return redirect("orgs:year_list")
    return render(
        request,
        "orgs/year_list.html",
        {
            "years": selectors.academic_year_list(),
            "current": current,
            "form": form,
            "can_create": can_create,
            "breadcrumbs": _crumbs(("Учебные годы", None)),
        },
    )


@login_required
def agreement_create(request, pk):
    _registers_only(request)
    partner = selectors.partner_get_for(actor=request.user, pk=pk)
    access = access_for(request.user)
    organizations = selectors.organization_list_for(actor=request.user).filter(municipality__region=partner.region)
    if not access.is_admin:
        organizations = organizations.filter(pk__in=access.managed_org_ids)
    require(organizations.exists(), "Соглашения с партнёрами вносят руководитель и куратор организации.")
    form = AgreementForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.agreement_create(actor=request.user, partner=partner, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Соглашение с партнёром добавлено.")
            return redirect("orgs:partner_detail", pk=partner.pk)
    crumbs = _crumbs(
        ("Партнёры", reverse("orgs:partner_list")),
        (partner.name, reverse("orgs:partner_detail", args=[partner.pk])),
        ("Соглашение", None),
    )
    return render(request, "orgs/form.html", {"form": form, "title": "Новое соглашение", "breadcrumbs": crumbs})


@login_required
@require_POST
def agreement_delete(request, pk):
    agreement = selectors.agreement_get_for(actor=request.user, pk=pk)
    services.agreement_delete(actor=request.user, agreement=agreement)
    messages.success(request, "Соглашение удалено.")
    return redirect("orgs:partner_detail", pk=agreement.partner_id)
