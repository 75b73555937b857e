"""The case library with moderation (seed 000, 7.5–7.6; seed 004, stage 7), publication consents,
the settings of the public page and news (seed 002, «специальные рубрики»)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors, error_text, int_or_none, paginate, stored_file_response
from nastavnik.orgs.selectors import organization_get_for
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.access import access_for, require
from nastavnik.programs.models import MentoringForm

from . import selectors, services
from .forms import (
    CaseFilterForm,
    CaseForm,
    CaseMaterialForm,
    ConsentForm,
    ImageForm,
    ModerateForm,
    PublicationForm,
    PublicPageForm,
)
from .models import CaseStatus, PublicPage
from .views import _org_crumbs, form_errors


def _library_crumbs(*tail):
    return [
        ("Главная", reverse("home")),
        ("Библиотека кейсов", reverse("events:case_library") if tail else None),
        *tail,
    ]


def _case_crumbs(case, *tail):
    url = reverse("events:case_detail", args=[case.pk])
    return _library_crumbs((case.title, url if tail else None), *tail)


# --- the library --------------------------------------------------------------------------------------------
@login_required
def case_library(request):
    form = CaseFilterForm(request.GET or None, forms_qs=MentoringForm.objects.all())
    filters = form.cleaned_data if form.is_valid() else {}
    cases = selectors.case_library(
        actor=request.user,
        form_id=filters["form"].pk if filters.get("form") else None,
        topic=filters.get("topic", ""),
        org_kind=filters.get("org_kind", ""),
        status=filters.get("status", ""),
        query=filters.get("q", ""),
    )
    access = access_for(request.user)
    from nastavnik.orgs.models import Organization

    writable = Organization.objects.filter(pk__in=access.managed_org_ids).order_by("short_name")
    if not writable and access.person_id:
        from nastavnik.mentorships.models import Mentorship, MentorshipStatus

        writable = Organization.objects.filter(
            pk__in=Mentorship.objects.filter(mentor_id=access.person_id, status=MentorshipStatus.COMPLETED).values(
                "organization_id"
            )
        )
    return render(
        request,
        "events/case_library.html",
        {
            "filter_form": form,
            "page": paginate(request, cases),
            "writable_orgs": writable,
            "breadcrumbs": _library_crumbs(),
        },
    )


@login_required
def case_create(request, org_pk):
    organization = organization_get_for(actor=request.user, pk=org_pk)
    mentorships = selectors.completed_mentorships_for_case(actor=request.user, organization=organization)
    mentorship_pk = int_or_none(request.GET.get("mentorship") or request.POST.get("mentorship"))
    mentorship = get_object_or_404(mentorships, pk=mentorship_pk) if mentorship_pk else None
    if mentorship is None:
        require(services.can_manage_org(request.user, organization), services.NO_CASE_RIGHTS)
    else:
        require(services.can_write_case_from(request.user, mentorship), services.NO_CASE_RIGHTS)
    initial = selectors.case_prefill(mentorship) if mentorship else None
    form = CaseForm(request.POST or None, initial=initial, forms_qs=MentoringForm.objects.all())
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_save(
                actor=request.user, organization=organization, academic_year=academic_year_current(),
                mentorship=mentorship, **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Кейс сохранён как черновик. Проверьте текст и отправьте на проверку.")
            return redirect("events:case_detail", case.pk)
    return render(
        request,
        "events/case_form.html",
        {
            "form": form,
            "organization": organization,
            "mentorships": mentorships,
            "mentorship": mentorship,
            "title": "Новый кейс",
            "breadcrumbs": _library_crumbs(("Новый кейс", None)),
        },
    )


@login_required
def case_edit(request, pk):
    case = selectors.case_get_for(actor=request.user, pk=pk)
    require(
        services.can_edit_case(request.user, case), "Кейс на проверке в регионе или опубликован: изменить его нельзя."
    )
    initial = {f: getattr(case, f) for f in ("title", "form", "topic", "problem", "actions", "results")}
    form = CaseForm(request.POST or None, initial=initial, forms_qs=MentoringForm.objects.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.case_save(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Кейс сохранён.")
            return redirect("events:case_detail", case.pk)
    return render(
        request,
        "events/case_form.html",
        {"form": form, "case": case, "title": case.title, "breadcrumbs": _case_crumbs(case, ("Изменить", None))},
    )


@login_required
def case_detail(request, pk):
    case = selectors.case_get_for(actor=request.user, pk=pk)
    can_edit = services.can_edit_case(request.user, case)
    can_moderate = services.can_moderate_case(request.user, case)
    can_consent = services.can_manage_owner(request.user, case)
    return render(
        request,
        "events/case_detail.html",
        {
            "case": case,
            "can_edit": can_edit,
            "can_submit": can_edit and case.status == CaseStatus.DRAFT,
            "can_moderate": can_moderate,
            "can_consent": can_consent,
            "can_delete": can_consent
            or access_for(request.user).covers_area(region_id=case.region_id)
            or (case.status == CaseStatus.DRAFT and case.author_id == request.user.pk),
            "minors": selectors.minors_of_case(case) if (can_edit or can_moderate or can_consent) else [],
            "moderate_form": ModerateForm(),
            "material_form": CaseMaterialForm(),
            "consent_form": ConsentForm(),
            "breadcrumbs": _case_crumbs(case),
        },
    )


@login_required
@require_POST
def case_submit(request, pk):
    case = selectors.case_get_for(actor=request.user, pk=pk)
    require(services.can_edit_case(request.user, case), "Отправить на проверку может автор или куратор.")
    try:
        case = services.case_submit(actor=request.user, case=case)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Кейс отправлен: {case.get_status_display().lower()}.")
    return redirect("events:case_detail", case.pk)


@login_required
@require_POST
def case_moderate(request, pk):
    case = selectors.case_get_for(actor=request.user, pk=pk)
    require(services.can_moderate_case(request.user, case), "Этот шаг проверки выполняют куратор, затем регион.")
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("events:case_detail", case.pk)
    try:
        case = services.case_moderate(actor=request.user, case=case, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Статус кейса: {case.get_status_display().lower()}.")
    return redirect("events:case_detail", case.pk)


@login_required
@require_POST
def case_delete(request, pk):
    case = selectors.case_get_for(actor=request.user, pk=pk)
    services.case_delete(actor=request.user, case=case)
    messages.success(request, "Кейс удалён.")
    return redirect("events:case_library")


@login_required
@require_POST
def case_material_add(request, pk):
    case = selectors.case_get_for(actor=request.user, pk=pk)
    require(services.can_edit_case(request.user, case), "Материалы добавляют, пока кейс не отправлен в регион.")
    form = CaseMaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            services.case_material_add(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Материал добавлен.")
    return redirect("events:case_detail", case.pk)


@login_required
@require_POST
def case_material_delete(request, pk):
    material = selectors.case_material_get_for(actor=request.user, pk=pk)
    services.case_material_delete(actor=request.user, material=material)
    messages.success(request, "Материал удалён.")
    return redirect("events:case_detail", material.case_id)


@login_required
def case_material_download(request, pk):
    return stored_file_response(selectors.case_material_get_for(actor=request.user, pk=pk).file)


@login_required
@require_POST
def case_consent(request, pk):
    """Record the publication consent of a minor the case names (the legal representative signs)."""
    case = selectors.case_get_for(actor=request.user, pk=pk)
    require(services.can_manage_owner(request.user, case), services.NO_PAGE_RIGHTS)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("events:case_detail", case.pk)
    named = {person.pk: person for person, _ok in selectors.minors_of_case(case)}
    person = named.get(form.cleaned_data["person"])
    if person is None:
        raise Http404
    try:
        services.publication_consent_record(
            actor=request.user, person=person, signer_name=form.cleaned_data["signer_name"],
            given_on=form.cleaned_data["given_on"],
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Согласие на публикацию ({person.short_name}) внесено.")
    return redirect("events:case_detail", case.pk)


@login_required
@require_POST
def consent_revoke(request, pk):
    consent = selectors.consent_get_for(actor=request.user, pk=pk)
    require(services.can_manage_org(request.user, consent.organization), services.NO_PAGE_RIGHTS)
    hidden = services.publication_consent_revoke(actor=request.user, consent=consent)
    messages.success(request, f"Согласие на публикацию отозвано. Снято с открытых страниц: {hidden}.")
    return redirect(request.POST.get("next") or reverse("events:case_library"))


# --- the public page settings and news ------------------------------------------------------------------------
def _manage_org(request, org_pk):
    organization = organization_get_for(actor=request.user, pk=org_pk)
    require(access_for(request.user).sees_registers, "Раздел доступен сотрудникам организации и координаторам.")
    return organization


@login_required
def public_settings(request, org_pk):
    organization = _manage_org(request, org_pk)
    require(services.can_manage_org(request.user, organization), services.NO_PAGE_RIGHTS)
    page = PublicPage.objects.filter(organization=organization).first()
    initial = (
        {name: getattr(page, name) for name in (*services.PAGE_TOGGLES, "intro")}
        if page
        else dict.fromkeys(services.PAGE_TOGGLES, True) | {"enabled": False}
    )
    form = PublicPageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.public_page_save(actor=request.user, organization=organization, **form.cleaned_data)
        messages.success(request, "Настройки открытой страницы сохранены.")
        return redirect("events:public_settings", organization.pk)
    return render(
        request,
        "events/form_page.html",
        {
            "form": form,
            "title": "Открытая страница организации",
            "intro": "Страница без входа: только то, что вы отметили. Персональные данные несовершеннолетних не "
            "публикуются без согласия на публикацию.",
            "public_url": reverse("events:public_org", args=[organization.pk]) if page and page.enabled else "",
            "breadcrumbs": _org_crumbs(organization, ("Открытая страница", None)),
        },
    )


def _news_crumbs(organization, *tail):
    url = reverse("events:news_list", args=[organization.pk])
    return _org_crumbs(organization, ("Новости", url if tail else None), *tail)


@login_required
def news_list(request, org_pk):
    organization = _manage_org(request, org_pk)
    return render(
        request,
        "events/news_list.html",
        {
            "organization": organization,
            "items": selectors.publications_of(organization=organization),
            "can_manage": services.can_manage_org(request.user, organization),
            "breadcrumbs": _news_crumbs(organization),
        },
    )


def _publication_form(request, organization, publication=None):
    events = selectors.events_of_organization(actor=request.user, organization=organization)
    cases = selectors.case_library(actor=request.user).filter(organization=organization)
    initial = {"rubric": "Наставничество"}
    if publication is not None:
        initial = {f: getattr(publication, f) for f in ("title", "rubric", "text", "event", "case")}
    elif request.GET.get("case"):
        initial["case"] = int_or_none(request.GET["case"])
    elif request.GET.get("event"):
        initial["event"] = int_or_none(request.GET["event"])
    form = PublicationForm(request.POST or None, initial=initial, events=events, cases=cases)
    if request.method == "POST" and form.is_valid():
        try:
            publication = services.publication_save(
                actor=request.user, organization=organization, publication=publication, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Публикация сохранена.")
            return redirect("events:news_detail", publication.pk)
    title = publication.title if publication else "Новая публикация"
    return render(
        request,
        "events/form_page.html",
        {"form": form, "title": title, "breadcrumbs": _news_crumbs(organization, (title, None))},
    )


@login_required
def news_create(request, org_pk):
    organization = _manage_org(request, org_pk)
    require(services.can_manage_org(request.user, organization), services.NO_PAGE_RIGHTS)
    return _publication_form(request, organization)


@login_required
def news_edit(request, pk):
    publication = selectors.publication_get_for(actor=request.user, pk=pk)
    require(services.can_manage_org(request.user, publication.organization), services.NO_PAGE_RIGHTS)
    return _publication_form(request, publication.organization, publication)


@login_required
def news_detail(request, pk):
    publication = selectors.publication_get_for(actor=request.user, pk=pk)
    return render(
        request,
        "events/news_detail.html",
        {
            "item": publication,
            "can_manage": services.can_manage_org(request.user, publication.organization),
            "image_form": ImageForm(),
            "breadcrumbs": _news_crumbs(publication.organization, (publication.title, None)),
        },
    )


@login_required
@require_POST
def news_publish(request, pk):
    publication = selectors.publication_get_for(actor=request.user, pk=pk)
    require(services.can_manage_org(request.user, publication.organization), services.NO_PAGE_RIGHTS)
    publish = request.POST.get("publish") != "0"
    try:
        services.publication_publish(actor=request.user, publication=publication, publish=publish)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Опубликовано." if publish else "Снято с публикации.")
    return redirect("events:news_detail", publication.pk)


@login_required
@require_POST
def news_delete(request, pk):
    publication = selectors.publication_get_for(actor=request.user, pk=pk)
    organization = publication.organization
    require(services.can_manage_org(request.user, organization), services.NO_PAGE_RIGHTS)
    services.publication_delete(actor=request.user, publication=publication)
    messages.success(request, "Публикация удалена.")
    return redirect("events:news_list", organization.pk)


@login_required
@require_POST
def news_image_add(request, pk):
    publication = selectors.publication_get_for(actor=request.user, pk=pk)
    require(services.can_manage_org(request.user, publication.organization), services.NO_PAGE_RIGHTS)
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            services.publication_image_add(actor=request.user, publication=publication, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Изображение добавлено.")
    return redirect("events:news_detail", publication.pk)


@login_required
def news_export(request, pk):
    publication = selectors.publication_get_for(actor=request.user, pk=pk)
    response = HttpResponse(selectors.publication_zip(publication), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="publication-{publication.pk}.zip"'
    return response
