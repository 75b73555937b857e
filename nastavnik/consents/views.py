"""Consent pages: the person's consents (staff), the organisation's overview, and the public
one-time link page where a person or a representative gives the consent without an account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors, paginate
from nastavnik.orgs.selectors import organization_get_for
from nastavnik.people.access import access_for, require
from nastavnik.people.selectors import person_get_for

from . import selectors, services
from .forms import GiveForm, RevokeForm, ScanForm
from .models import Consent, ConsentKind


def _crumbs(person, *tail):
    return [
        ("Главная", reverse("home")),
        ("Участники", reverse("people:list")),
        (person.full_name, reverse("people:detail", args=[person.pk])),
        *tail,
    ]


def _staff_person(request, pk):
    require(access_for(request.user).sees_registers, "Согласия доступны сотрудникам организации.")
    return person_get_for(actor=request.user, pk=pk)


def _can_manage(user, person) -> bool:
    return access_for(user).can_manage_owner_of(person)


@login_required
def person_consents(request, pk):
    person = _staff_person(request, pk)
    state = selectors.consent_state(person)
    link = (
        request.build_absolute_uri(reverse("consents:give", args=[state.open_request.token]))
        if state.open_request
        else ""
    )
    return render(
        request,
        "consents/person.html",
        {
            "person": person,
            "state": state,
            "link": link,
            "can_manage": _can_manage(request.user, person),
            "scan_form": ScanForm(initial={"given_on": timezone.localdate()}),
            "revoke_form": RevokeForm(),
            "breadcrumbs": _crumbs(person, ("Согласие на обработку ПДн", None)),
        },
    )


@login_required
@require_POST
def request_create(request, pk):
    person = _staff_person(request, pk)
    try:
        services.consent_request_create(actor=request.user, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Ссылка создана: передайте её участнику или законному представителю.")
    return redirect("consents:person", person.pk)


@login_required
def blank(request, pk):
    """The printable paper form with the consent text, to be signed and scanned."""
    person = _staff_person(request, pk)
    try:
        kind = services.required_kind(person)
        guardian = services.first_guardian(person) if kind != ConsentKind.ADULT else None
        text = services.consent_text(person=person, kind=kind, guardian=guardian)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("consents:person", person.pk)
    return render(request, "consents/blank.html", {"person": person, "text": text, "guardian": guardian, "kind": kind})


@login_required
def scan_upload(request, pk):
    person = _staff_person(request, pk)
    require(_can_manage(request.user, person), services.NO_RIGHTS)
    form = ScanForm(request.POST or None, request.FILES or None, initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record_scan(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Согласие (скан) сохранено.")
            return redirect("consents:person", person.pk)
    return render(
        request,
        "consents/scan.html",
        {"person": person, "form": form, "breadcrumbs": _crumbs(person, ("Скан согласия", None))},
    )


@login_required
def scan_download(request, pk):
    """A signed consent is a child's personal data: served through the app with the access check,
    never from the public media folder."""
    from nastavnik.core.views_helpers import stored_file_response

    require(access_for(request.user).sees_registers, "Согласия доступны сотрудникам организации.")
    consent = get_object_or_404(Consent.objects.select_related("person"), pk=pk)
    person_get_for(actor=request.user, pk=consent.person_id)  # another organisation's consent: 404
    response = stored_file_response(consent.scan)
    services.log_scan_download(actor=request.user, consent=consent)
    return response


@login_required
@require_POST
def revoke(request, pk):
    require(access_for(request.user).sees_registers, "Согласия доступны сотрудникам организации.")
    consent = get_object_or_404(Consent.objects.select_related("person"), pk=pk)
    person_get_for(actor=request.user, pk=consent.person_id)  # another organisation's consent: 404
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        effects = services.consent_revoke(actor=request.user, consent=consent, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Согласие отозвано. Записей в базах закрыто: {effects['pools']}, "
            f"ответов обезличено: {effects['answers']}.",
        )
    return redirect("consents:person", consent.person_id)


@login_required
def organization_overview(request, org_pk):
    require(access_for(request.user).sees_registers, "Согласия доступны сотрудникам организации.")
    organization = organization_get_for(actor=request.user, pk=org_pk)
    status = request.GET.get("status", "")
    people = selectors.organization_people_with_consent(organization=organization, status=status)
    return render(
        request,
        "consents/organization.html",
        {
            "organization": organization,
            "summary": selectors.organization_consent_summary(organization=organization),
            "page": paginate(request, people),
            "status": status,
            "breadcrumbs": [
                ("Главная", reverse("home")),
                (organization.short_name, reverse("orgs:organization_detail", args=[organization.pk])),
                ("Согласия на обработку ПДн", None),
            ],
        },
    )


def give(request, token):
    """Public: the one-time link page (no account needed, works on a phone)."""
    consent_request = selectors.request_by_token(token)
    now = timezone.now()
    if consent_request is None or not consent_request.is_open_on(now):
        return render(request, "consents/give_closed.html", {"consent_request": consent_request}, status=410)
    form = GiveForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_give(
                token=token,
                agree=form.cleaned_data["agree"],
                minor_agrees=form.cleaned_data["minor_agrees"],
                ip_address=request.META.get("REMOTE_ADDR"),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return render(request, "consents/give_done.html", {"consent_request": consent_request})
    text = services.consent_text(
        person=consent_request.person, kind=consent_request.kind, guardian=consent_request.guardian
    )
    return render(
        request,
        "consents/give.html",
        {"consent_request": consent_request, "text": text, "form": form, "error": error, "kinds": ConsentKind},
    )
