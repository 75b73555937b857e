"""Events and their calendar, awards and the mentor's portfolio (seed 000, 7.1–7.2; seed 001). Thin:
services write, selectors read. Cases, news and public pages are in views_cases.py and views_public.py."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nastavnik.core.text import MONTHS_NOMINATIVE
from nastavnik.core.views_helpers import add_service_errors, error_text, stored_file_response
from nastavnik.orgs.models import AcademicYear, Organization
from nastavnik.orgs.selectors import organization_get_for, region_get_for
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.access import access_for, require
from nastavnik.programs.models import MentoringForm

from . import selectors, services
from .forms import DecisionForm, EventForm, MaterialForm, NominateForm
from .models import AwardStatus, EventKind, MaterialKind, Nomination


def form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts += [f"{label}: {e}" if label else e for e in errors]
    return " ".join(parts)


def _org_crumbs(organization, *tail):
    url = reverse("events:org_calendar", args=[organization.pk])
    return [("Главная", reverse("home")), (f"Мероприятия: {organization.short_name}", url if tail else None), *tail]


def _region_crumbs(region, *tail):
    url = reverse("events:region_calendar", args=[region.pk])
    return [("Главная", reverse("home")), (f"Мероприятия: {region.name}", url if tail else None), *tail]


def _event_crumbs(event, *tail):
    url = reverse("events:event_detail", args=[event.pk])
    item = (event.title, url if tail else None)
    if event.organization_id:
        return _org_crumbs(event.organization, item, *tail)
    return _region_crumbs(event.region, item, *tail)


# --- index and calendars ---------------------------------------------------------------------------------
@login_required
def index(request):
    """One organisation → its calendar; otherwise a choice of organisations and regions."""
    from nastavnik.orgs.selectors import organization_list_for, region_list_for

    access = access_for(request.user)
    orgs = list(organization_list_for(actor=request.user).order_by("short_name")[:300])
    if len(orgs) == 1 and not access.is_coordinator and not access.is_admin:
        return redirect("events:org_calendar", orgs[0].pk)
    return render(
        request,
        "events/index.html",
        {
            "organizations": orgs,
            "regions": region_list_for(actor=request.user),
            "breadcrumbs": [("Главная", reverse("home")), ("Мероприятия", None)],
        },
    )


def _month(request) -> tuple[int, int]:
    value = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in value.split("-"))
        dt.date(year, month, 1)
    except (TypeError, ValueError):
        today = timezone.localdate()
        return today.year, today.month
    return year, month


def _calendar_context(request, events_qs, **extra):
    year, month = _month(request)
    start, end = selectors.month_range(year, month)
    view = "list" if request.GET.get("view") == "list" else "month"
    if view == "list":
        now = timezone.now()
        events = list(events_qs.filter(starts_at__gte=now - dt.timedelta(days=1)))
        past = list(events_qs.filter(starts_at__lt=now - dt.timedelta(days=1)).order_by("-starts_at")[:20])
    else:
        events = list(events_qs.filter(starts_at__gte=start, starts_at__lt=end))
        past = []
    previous = dt.date(year, month, 1) - dt.timedelta(days=1)
    following = dt.date(year, month, 28) + dt.timedelta(days=5)
    return {
        "view": view,
        "events": events,
        "past_events": past,
        "weeks": selectors.month_grid(events, year, month) if view == "month" else [],
        "month_label": f"{MONTHS_NOMINATIVE[month - 1].capitalize()} {year}",
        "month_value": f"{year}-{month:02d}",
        "prev_month": f"{previous.year}-{previous.month:02d}",
        "next_month": f"{following.year}-{following.month:02d}",
        "weekdays": ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"],
        "today": timezone.localdate(),
        **extra,
    }


@login_required
def org_calendar(request, org_pk):
    organization = organization_get_for(actor=request.user, pk=org_pk)
    events = selectors.events_of_organization(actor=request.user, organization=organization)
    return render(
        request,
        "events/calendar.html",
        _calendar_context(
            request,
            events,
            organization=organization,
            title=f"Мероприятия: {organization.short_name}",
            can_create=services.can_manage_org(request.user, organization),
            create_url=reverse("events:event_create", args=[organization.pk]),
            calendar_url=reverse("events:org_calendar", args=[organization.pk]),
            year=academic_year_current(),
            breadcrumbs=_org_crumbs(organization),
        ),
    )


@login_required
def region_calendar(request, region_pk):
    region = region_get_for(actor=request.user, pk=region_pk)
    events = selectors.events_of_region(actor=request.user, region=region)
    access = access_for(request.user)
    from nastavnik.orgs.models import Municipality

    own_municipalities = Municipality.objects.filter(pk__in=access.municipality_ids, region=region).order_by("name")
    return render(
        request,
        "events/calendar.html",
        _calendar_context(
            request,
            events,
            region=region,
            own_municipalities=own_municipalities,
            title=f"Мероприятия: {region.name}",
            can_create=access.can_manage(org_id=None, municipality_id=None, region_id=region.pk),
            create_url=reverse("events:event_create_region", args=[region.pk]),
            calendar_url=reverse("events:region_calendar", args=[region.pk]),
            breadcrumbs=_region_crumbs(region),
        ),
    )


# --- events ----------------------------------------------------------------------------------------------
def _event_form(request, *, organization=None, municipality=None, region=None, event=None):
    if event is not None:
        organization, municipality, region = event.organization, event.municipality, event.region
    region_level = organization is None
    forms_qs = MentoringForm.objects.all()
    orgs = None
    if region_level:
        orgs = Organization.objects.filter(municipality__region=region).order_by("short_name")
        if municipality is not None:
            orgs = orgs.filter(municipality=municipality)
    initial = {"registration_open": True, "kind": EventKind.INFO if not region_level else EventKind.FORUM}
    if event is not None:
        initial = {
            "kind": event.kind, "title": event.title, "starts_at": event.local_start, "ends_at": event.local_end,
            "place": event.place, "description": event.description, "audience_roles": event.role_codes,
            "audience_forms": list(event.audience_forms.all()), "registration_open": event.registration_open,
            "capacity": event.capacity, "is_public": event.is_public,
            "audience_organizations": list(event.audience_organizations.all()),
        }  # fmt: skip
    form = EventForm(request.POST or None, initial=initial, forms_qs=forms_qs, organizations_qs=orgs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            event = services.event_save(
                actor=request.user,
                event=event,
                organization=organization,
                municipality=municipality,
                region=region,
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Мероприятие сохранено.")
            return redirect("events:event_detail", event.pk)
    if event is not None:
        crumbs = _event_crumbs(event, ("Изменить", None))
    elif organization is not None:
        crumbs = _org_crumbs(organization, ("Новое мероприятие", None))
    else:
        crumbs = _region_crumbs(region, ("Новое мероприятие", None))
    return render(
        request,
        "events/form_page.html",
        {"form": form, "title": event.title if event else "Новое мероприятие", "breadcrumbs": crumbs},
    )


@login_required
def event_create(request, org_pk):
    organization = organization_get_for(actor=request.user, pk=org_pk)
    require(services.can_manage_org(request.user, organization), services.NO_RIGHTS)
    return _event_form(request, organization=organization, region=organization.municipality.region)


@login_required
def event_create_region(request, region_pk):
    region = region_get_for(actor=request.user, pk=region_pk)
    require(
        access_for(request.user).can_manage(org_id=None, municipality_id=None, region_id=region.pk), services.NO_RIGHTS
    )
    return _event_form(request, region=region)


@login_required
def event_create_municipality(request, municipality_pk):
    from nastavnik.orgs.selectors import municipality_get_for

    municipality = municipality_get_for(actor=request.user, pk=municipality_pk)
    allowed = access_for(request.user).can_manage(
        org_id=None, municipality_id=municipality.pk, region_id=municipality.region_id
    )
    require(allowed, services.NO_RIGHTS)
    return _event_form(request, municipality=municipality, region=municipality.region)


@login_required
def event_edit(request, pk):
    event = selectors.event_get_for(actor=request.user, pk=pk)
    require(services.can_manage_owner(request.user, event), services.NO_RIGHTS)
    return _event_form(request, event=event)


@login_required
def event_detail(request, pk):
    event = selectors.event_get_for(actor=request.user, pk=pk)
    rights = selectors.event_rights(request.user, event)
    registrations = list(selectors.registrations_of(event)) if rights.manage or rights.register_others else []
    if not rights.manage:
        access = access_for(request.user)
        registrations = [r for r in registrations if r.person.organization_id in access.managed_org_ids]
    candidates = selectors.registration_candidates(actor=request.user, event=event) if rights.register_others else []
    materials = list(event.materials.all())
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "rights": rights,
            "registrations": registrations,
            "registered_count": event.registrations.count(),
            "attended_count": event.registrations.filter(attended=True).count(),
            "candidates": candidates[:500] if candidates else [],
            "materials": [m for m in materials if m.kind == MaterialKind.MATERIAL],
            "photos": [m for m in materials if m.kind == MaterialKind.PHOTO],
            "material_form": MaterialForm(),
            "awards": event.awards.select_related("mentor", "form").filter(status=AwardStatus.AWARDED),
            "breadcrumbs": _event_crumbs(event),
        },
    )


@login_required
@require_POST
def event_delete(request, pk):
    event = selectors.event_get_for(actor=request.user, pk=pk)
    require(services.can_manage_owner(request.user, event), services.NO_RIGHTS)
    back = (
        reverse("events:org_calendar", args=[event.organization_id])
        if event.organization_id
        else reverse("events:region_calendar", args=[event.region_id])
    )
    services.event_delete(actor=request.user, event=event)
    messages.success(request, "Мероприятие удалено.")
    return redirect(back)


@login_required
def event_register(request, pk):
    """A participant registers themselves (POST; a GET shows the event)."""
    event = selectors.event_get_for(actor=request.user, pk=pk)
    if request.method != "POST":
        return redirect("events:event_detail", event.pk)
    try:
        services.registration_add(actor=request.user, event=event)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Вы записаны на мероприятие.")
    return redirect("events:event_detail", event.pk)


@login_required
@require_POST
def event_register_others(request, pk):
    event = selectors.event_get_for(actor=request.user, pk=pk)
    rights = selectors.event_rights(request.user, event)
    require(rights.register_others, "Записывать участников могут организатор и кураторы организаций.")
    ids = [int(v) for v in request.POST.getlist("person") if v.isdigit()]
    people = {p.pk: p for p in selectors.registration_candidates(actor=request.user, event=event).filter(pk__in=ids)}
    added, errors = 0, []
    for pk_ in ids:
        person = people.get(pk_)
        if person is None:
            continue
        try:
            services.registration_add(actor=request.user, event=event, person=person)
            added += 1
        except ValidationError as error:
            errors.append(f"{person.full_name}: {error_text(error)}")
    if added:
        messages.success(request, f"Записано участников: {added}.")
    for text in errors:
        messages.error(request, text)
    if not added and not errors:
        messages.info(request, "Отметьте, кого записать.")
    return redirect("events:event_detail", event.pk)


@login_required
def registration_cancel(request, pk):
    registration = selectors.registration_get_for(actor=request.user, pk=pk)
    event = registration.event
    if request.method != "POST":
        return redirect("events:event_detail", event.pk)
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Запись отменена.")
    return redirect("events:event_detail", event.pk)


@login_required
@require_POST
def event_attendance(request, pk):
    event = selectors.event_get_for(actor=request.user, pk=pk)
    require(services.can_manage_owner(request.user, event), services.NO_RIGHTS)
    ids = [v for v in request.POST.getlist("attended") if v.isdigit()]
    try:
        count = services.attendance_save(actor=request.user, event=event, attended_ids=ids)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Посещение отмечено: присутствовали {count}.")
    return redirect("events:event_detail", event.pk)


@login_required
@require_POST
def material_add(request, pk):
    event = selectors.event_get_for(actor=request.user, pk=pk)
    require(services.can_manage_owner(request.user, event), services.NO_RIGHTS)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            material = services.material_add(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"Добавлено: «{material.title}».")
    return redirect("events:event_detail", event.pk)


@login_required
@require_POST
def material_delete(request, pk):
    material = selectors.material_get_for(actor=request.user, pk=pk)
    event = material.event
    require(services.can_manage_owner(request.user, event), services.NO_RIGHTS)
    services.material_delete(actor=request.user, material=material)
    messages.success(request, "Удалено.")
    return redirect("events:event_detail", event.pk)


@login_required
def material_download(request, pk):
    material = selectors.material_get_for(actor=request.user, pk=pk)
    return stored_file_response(material.file, as_attachment=material.kind != MaterialKind.PHOTO)


# --- awards ---------------------------------------------------------------------------------------------
def _award_org_year(request, org_pk, year):
    from django.shortcuts import get_object_or_404

    organization = organization_get_for(actor=request.user, pk=org_pk)
    require(access_for(request.user).sees_registers, "Награды видят сотрудники организации и координаторы.")
    return organization, get_object_or_404(AcademicYear, start_year=year)


def _award_crumbs(organization, academic_year, *tail):
    url = reverse("events:awards", args=[organization.pk, academic_year.start_year])
    return _org_crumbs(
        organization,
        (f"Награды, {academic_year.start_year}/{academic_year.start_year + 1}", url if tail else None),
        *tail,
    )


@login_required
def awards(request, org_pk, year):
    organization, academic_year = _award_org_year(request, org_pk, year)
    rows = list(selectors.awards_of(organization=organization, academic_year=academic_year))
    for award in rows:
        award.can_decide = services.can_decide_award(request.user, award) and award.status == AwardStatus.NOMINATED
    return render(
        request,
        "events/awards.html",
        {
            "organization": organization,
            "academic_year": academic_year,
            "awards": rows,
            "can_nominate": services.can_manage_org(request.user, organization),
            "decision_form": DecisionForm(),
            "breadcrumbs": _award_crumbs(organization, academic_year),
        },
    )


@login_required
def award_nominate(request, org_pk, year):
    organization, academic_year = _award_org_year(request, org_pk, year)
    require(services.can_manage_org(request.user, organization), services.NO_AWARD_RIGHTS)
    mentors, pairs = selectors.nomination_choices(organization=organization, academic_year=academic_year)
    events = selectors.events_of_organization(actor=request.user, organization=organization).filter(
        kind=EventKind.FINAL, academic_year=academic_year
    )
    form = NominateForm(
        request.POST or None,
        initial={"nomination": request.GET.get("nomination") or Nomination.BEST_MENTOR},
        mentors=mentors, pairs=pairs, forms_qs=MentoringForm.objects.all(), events=events,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.award_nominate(
                actor=request.user, organization=organization, academic_year=academic_year, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Выдвижение сохранено: решение примет рабочая группа или регион.")
            return redirect("events:awards", organization.pk, academic_year.start_year)
    return render(
        request,
        "events/form_page.html",
        {
            "form": form,
            "title": "Выдвинуть на награду",
            "intro": "Номинации «Лучший наставник» и «Лучшая наставническая пара» (документ 000, пункт 7.2; "
            "документ 001, этап «Завершение программы»), можно — по форме наставничества.",
            "breadcrumbs": _award_crumbs(organization, academic_year, ("Выдвинуть", None)),
        },
    )


@login_required
def award_decide(request, pk):
    award = selectors.award_get_for(actor=request.user, pk=pk)
    if request.method != "POST":
        return redirect("events:awards", award.organization_id, award.academic_year.start_year)
    require(services.can_decide_award(request.user, award), services.NO_DECISION_RIGHTS)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            services.award_decide(
                actor=request.user, award=award, awarded=form.cleaned_data["awarded"] == "yes",
                comment=form.cleaned_data["comment"],
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"Решение по номинации «{award.title}» сохранено.")
    return redirect("events:awards", award.organization_id, award.academic_year.start_year)


@login_required
@require_POST
def award_delete(request, pk):
    award = selectors.award_get_for(actor=request.user, pk=pk)
    require(services.can_manage_org(request.user, award.organization), services.NO_AWARD_RIGHTS)
    try:
        services.award_delete(actor=request.user, award=award)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Выдвижение удалено.")
    return redirect("events:awards", award.organization_id, award.academic_year.start_year)


@login_required
def my_portfolio(request):
    """The signed-in mentor's own portfolio (a link for the menu)."""
    person_id = access_for(request.user).person_id
    if person_id is None:
        raise Http404
    return redirect("events:portfolio", person_id)


@login_required
def portfolio(request, person_pk):
    data = selectors.portfolio_for(actor=request.user, person_pk=person_pk)
    crumbs = [("Главная", reverse("home")), (f"Портфолио: {data.person.full_name}", None)]
    return render(request, "events/portfolio.html", {"portfolio": data, "person": data.person, "breadcrumbs": crumbs})
