"""Pages of people, roles, guardians and accounts, and the home page of each role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nastavnik.core.cycle import CYCLE_BY_MONTH
from nastavnik.core.text import MONTHS_PREPOSITIONAL
from nastavnik.core.views_helpers import add_service_errors, int_or_none, paginate
from nastavnik.orgs import selectors as org_selectors
from nastavnik.orgs.models import Municipality, Region
from nastavnik.orgs.services import academic_year_current

from . import selectors, services
from .access import access_for, require
from .forms import GuardianForm, PersonFilterForm, PersonForm, RoleForm
from .models import RoleKind


def _crumbs(*items):
    return [("Главная", reverse("home")), *items]


def _person_crumbs(person, *tail):
    return _crumbs(
        ("Участники", reverse("people:list")),
        (person.full_name, reverse("people:detail", args=[person.pk])),
        *tail,
    )


def _can_manage(user, person) -> bool:
    return access_for(user).can_manage_owner_of(person)


def _require_manage(user, person):
    require(_can_manage(user, person), services.NO_RIGHTS_PEOPLE)


# --- home ---------------------------------------------------------------------------------
@login_required
def home(request):
    access = access_for(request.user)
    today = timezone.localdate()
    desks = selectors.organization_desks_for(actor=request.user)
    participant_roles = list(selectors.participant_roles_for(actor=request.user))
    participant_org_ids = {r.organization_id for r in participant_roles}
    context = {
        "year": academic_year_current(today=today),
        "today": today,
        "desks": desks,
        "month_name": MONTHS_PREPOSITIONAL[today.month - 1],
        "month_tasks": CYCLE_BY_MONTH.get(today.month, []) if desks else [],
        "is_mentor": any(r.kind == RoleKind.MENTOR for r in participant_roles),
        "is_mentee": any(r.kind == RoleKind.MENTEE for r in participant_roles),
        "children": list(selectors.children_for(actor=request.user)),
        "curators": list(selectors.curators_of(organization_ids=participant_org_ids)) if participant_roles else [],
        "participant_roles": participant_roles,
        "access": access,
        "overdue_items": _overdue_items(request.user) if desks else [],
    }
    if participant_roles or context["children"]:
        # the home page sits above the apps: the participant's cabinet comes from mentorships
        from nastavnik.mentorships.selectors import cabinet_for

        context["cabinet"] = cabinet_for(request.user)
    if access.is_admin or access.is_coordinator:
        organizations = org_selectors.organization_list_with_counts_for(actor=request.user)
        context["coordinator_orgs"] = organizations[:50]
        context["coordinator_org_total"] = organizations.count()
    return render(request, "people/home.html", context)


def _with_consent(people):
    # Consents sit above people: the list shows each person's consent state (one subquery).
    from nastavnik.consents.selectors import annotate_consent

    return annotate_consent(people)


def _consent_state(person):
    from nastavnik.consents.selectors import consent_state

    return consent_state(person)


def _overdue_items(user):
    # The home page sits above the apps: it reads the roadmap of the programs app.
    from nastavnik.programs.selectors import overdue_items_for

    return overdue_items_for(actor=user)


# --- people list and card -------------------------------------------------------------------
@login_required
def person_list(request):
    access = access_for(request.user)
    require(access.sees_registers, "Список участников доступен сотрудникам и координаторам.")
    organizations = org_selectors.organization_list_for(actor=request.user)
    organization_id = int_or_none(request.GET.get("organization"))
    filters = PersonFilterForm(
        request.GET or None,
        organizations=organizations,
        class_names=selectors.class_names_for(actor=request.user, organization_id=organization_id),
    )
    data = filters.cleaned_data if filters.is_valid() else {}
    people = _with_consent(
        selectors.person_list_for(
            actor=request.user,
            query=data.get("q") or "",
            organization_id=data["organization"].pk if data.get("organization") else None,
            category=data.get("category") or "",
            class_name=data.get("class_name") or "",
            role_kind=data.get("role") or "",
            without_guardian=bool(data.get("without_guardian")),
        )
    )
    template = "people/person_list.html#results" if request.htmx else "people/person_list.html"
    return render(
        request,
        template,
        {
            "filters": filters,
            "page": paginate(request, people),
            "can_import": selectors.organizations_for_people_management(actor=request.user).exists(),
            "can_create": selectors.organizations_for_people_management(actor=request.user).exists()
            or any(qs.exists() for qs in selectors.areas_for_people_management(actor=request.user)),
            "breadcrumbs": _crumbs(("Участники", None)),
        },
    )


@login_required
def person_detail(request, pk):
    person = selectors.person_get_for(actor=request.user, pk=pk)
    access = access_for(request.user)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "consent": _consent_state(person) if access.sees_registers else None,
            "roles": selectors.person_roles(person=person),
            "guardians": selectors.person_guardians(person=person),
            "children": selectors.person_children(actor=request.user, person=person),
            "can_manage": _can_manage(request.user, person),
            "can_grant_roles": _can_manage(request.user, person) or access.is_coordinator,
            "sees_history": access.sees_registers,
            "breadcrumbs": _person_crumbs(person) if access.sees_registers else _crumbs((person.full_name, None)),
        },
    )


@login_required
def person_create(request):
    organizations = selectors.organizations_for_people_management(actor=request.user)
    municipalities, regions = selectors.areas_for_people_management(actor=request.user)
    require(organizations.exists() or municipalities.exists() or regions.exists(), services.NO_RIGHTS_PEOPLE)
    initial = {}
    if org_id := int_or_none(request.GET.get("organization")):
        initial["organization"] = org_id
        organization = organizations.filter(pk=org_id).first()
        if organization is not None:
            initial["category"] = services.default_category_for(organization)
    form = PersonForm(
        request.POST or None,
        organizations=organizations,
        municipalities=municipalities,
        regions=regions,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organization = data.pop("organization")
        scope = {"municipality": data.pop("municipality", None), "region": data.pop("region", None)}
        try:
            person = services.person_create(actor=request.user, organization=organization, **scope, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.full_name} — добавлен(а) в список участников.")
            if "add_another" in request.POST:
                query = f"?organization={organization.pk}" if organization else ""
                return redirect(f"{reverse('people:create')}{query}")
            return redirect("people:detail", pk=person.pk)
    crumbs = _crumbs(("Участники", reverse("people:list")), ("Новый участник", None))
    return render(
        request,
        "people/person_form.html",
        {"form": form, "title": "Новый участник", "breadcrumbs": crumbs, "is_new": True},
    )


@login_required
def person_edit(request, pk):
    person = selectors.person_get_for(actor=request.user, pk=pk)
    _require_manage(request.user, person)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Карточка участника сохранена.")
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "title": "Изменить карточку",
            "person": person,
            "breadcrumbs": _person_crumbs(person, ("Изменить", None)),
        },
    )


@login_required
def person_delete(request, pk):
    person = selectors.person_get_for(actor=request.user, pk=pk)
    _require_manage(request.user, person)
    if request.method == "POST":
        try:
            services.person_delete(actor=request.user, person=person)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("people:detail", pk=pk)
        messages.success(request, f"Карточка «{person.full_name}» удалена.")
        return redirect("people:list")
    return render(
        request,
        "people/person_delete.html",
        {"person": person, "breadcrumbs": _person_crumbs(person, ("Удаление", None))},
    )


@login_required
def person_history(request, pk):
    person = selectors.person_get_for(actor=request.user, pk=pk)
    require(access_for(request.user).sees_registers, "История изменений доступна сотрудникам и координаторам.")
    entries = selectors.person_history_for(actor=request.user, person=person)
    return render(
        request,
        "people/person_history.html",
        {
            "person": person,
            "page": paginate(request, entries, 50),
            "breadcrumbs": _person_crumbs(person, ("История", None)),
        },
    )


# --- roles -------------------------------------------------------------------------------------
def _role_form(request, person):
    access = access_for(request.user)
    organizations = org_selectors.organization_list_for(actor=request.user)
    if access.is_admin:
        municipalities, regions = Municipality.objects.all(), Region.objects.all()
    else:
        municipalities = Municipality.objects.filter(region_id__in=access.region_ids)
        regions = Region.objects.none()
    kinds = [
        kind
        for kind in RoleKind.values
        if kind != RoleKind.GUARDIAN and _may_grant_somewhere(access, kind, organizations, municipalities)
    ]
    initial = {"organization": person.organization_id}
    return RoleForm(
        request.POST or None,
        initial=initial,
        kinds=kinds,
        organizations=organizations,
        municipalities=municipalities,
        regions=regions,
    )


def _may_grant_somewhere(access, kind, organizations, municipalities) -> bool:
    if access.is_admin:
        return True
    if kind == RoleKind.MUNICIPAL_COORDINATOR:
        return bool(access.region_ids)
    if kind in (RoleKind.PLATFORM_ADMIN, RoleKind.REGIONAL_COORDINATOR):
        return False
    if kind == RoleKind.DIRECTOR:
        return access.is_coordinator
    return access.is_coordinator or bool(access.managed_org_ids)


@login_required
def role_add(request, pk):
    person = selectors.person_get_for(actor=request.user, pk=pk)
    form = _role_form(request, person)
    require(bool(form.fields["kind"].choices), "У вас нет прав назначать роли.")
    if request.method == "POST" and form.is_valid():
        try:
            role = services.role_grant(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Назначена роль «{role.get_kind_display()}» ({role.scope_name}).")
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/role_form.html",
        {"form": form, "person": person, "breadcrumbs": _person_crumbs(person, ("Назначить роль", None))},
    )


@login_required
@require_POST
def role_delete(request, pk, role_pk):
    person = selectors.person_get_for(actor=request.user, pk=pk)
    role = get_object_or_404(selectors.person_roles(person=person), pk=role_pk)
    try:
        services.role_revoke(actor=request.user, role=role)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Роль «{role.get_kind_display()}» снята.")
    return redirect("people:detail", pk=person.pk)


# --- guardians ----------------------------------------------------------------------------------
@login_required
def guardian_add(request, pk):
    child = selectors.person_get_for(actor=request.user, pk=pk)
    _require_manage(request.user, child)
    form = GuardianForm(
        request.POST or None, candidates=selectors.guardian_candidates_for(actor=request.user, child=child)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_link(actor=request.user, child=child, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Законный представитель указан.")
            return redirect("people:detail", pk=child.pk)
    return render(
        request,
        "people/guardian_form.html",
        {
            "form": form,
            "person": child,
            "breadcrumbs": _person_crumbs(child, ("Законный представитель", None)),
        },
    )


@login_required
@require_POST
def guardian_delete(request, pk, link_pk):
    child = selectors.person_get_for(actor=request.user, pk=pk)
    link = get_object_or_404(selectors.person_guardians(person=child), pk=link_pk)
    services.guardian_unlink(actor=request.user, link=link)
    messages.success(request, "Связь с законным представителем удалена.")
    return redirect("people:detail", pk=child.pk)


# --- accounts -----------------------------------------------------------------------------------
@login_required
@require_POST
def account_create(request, pk):
    person = selectors.person_get_for(actor=request.user, pk=pk)
    try:
        user, password = services.account_create(actor=request.user, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:detail", pk=pk)
    return render(
        request,
        "people/account_password.html",
        {
            "person": person,
            "username": user.username,
            "password": password,
            "breadcrumbs": _person_crumbs(person, ("Учётная запись", None)),
        },
    )


@login_required
@require_POST
def account_reset(request, pk):
    person = selectors.person_get_for(actor=request.user, pk=pk)
    try:
        password = services.account_reset_password(actor=request.user, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:detail", pk=pk)
    return render(
        request,
        "people/account_password.html",
        {
            "person": person,
            "username": person.user.username,
            "password": password,
            "breadcrumbs": _person_crumbs(person, ("Учётная запись", None)),
        },
    )
