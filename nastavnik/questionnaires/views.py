"""Pages of questionnaires: the list and the standard templates, the builder, campaigns (creation,
progress with reminders, results with charts and XLSX). The public answer page is in views_public."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nastavnik.core.text import plural_ru
from nastavnik.core.views_helpers import add_service_errors, int_or_none, paginate
from nastavnik.orgs.selectors import organization_get_for, organization_list_for
from nastavnik.people.access import access_for, require

from . import selectors, services
from .forms import (
    CampaignForm,
    NewQuestionnaireForm,
    QuestionForm,
    QuestionnaireForm,
    SectionForm,
    condition_initial,
)
from .models import Question, Questionnaire
from .xlsx import export_filename


# --- breadcrumbs and rights ---------------------------------------------------------------------
def org_crumbs(organization, *tail):
    return [
        ("Главная", reverse("home")),
        (organization.short_name, reverse("orgs:organization_detail", args=[organization.pk])),
        ("Анкеты", reverse("questionnaires:org", args=[organization.pk])),
        *tail,
    ]


def questionnaire_crumbs(questionnaire: Questionnaire, *tail):
    own = (questionnaire.title, reverse("questionnaires:detail", args=[questionnaire.pk]))
    if questionnaire.organization_id:
        return org_crumbs(questionnaire.organization, own, *tail)
    return [("Главная", reverse("home")), ("Анкеты", reverse("questionnaires:index")), own, *tail]


def campaign_crumbs(campaign, *tail):
    return org_crumbs(
        campaign.organization,
        (campaign.title, reverse("questionnaires:campaign", args=[campaign.pk])),
        *tail,
    )


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _error_message(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _sent_message(request, result: services.SendResult, *, reminder: bool) -> None:
    if result.emailed:
        verb = "Напоминание отправлено" if reminder else "Ссылки отправлены"
        messages.success(
            request,
            f"{verb} на почту: {result.emailed} {plural_ru(result.emailed, 'адресат', 'адресата', 'адресатов')}.",
        )
    if result.without_email:
        messages.warning(
            request,
            f"У {result.without_email} {plural_ru(result.without_email, 'участника', 'участников', 'участников')} "
            "нет электронной почты: передайте им ссылки из таблицы (через классного руководителя или мессенджер).",
        )
    if not result.emailed and not result.without_email:
        messages.info(request, "Отправлять некому: все ответили или срок ссылок истёк.")


# --- lists --------------------------------------------------------------------------------------
@login_required
def index(request):
    """Staff of one organisation go to its questionnaires; coordinators see their organisations and
    the templates of their municipality or region."""
    selectors.require_staff(request.user)
    access = access_for(request.user)
    if len(access.staff_org_ids) == 1 and not access.is_coordinator and not access.is_admin:
        return redirect("questionnaires:org", next(iter(access.staff_org_ids)))
    return _index_page(request)


def _index_page(request, *, status: int = 200):
    from nastavnik.people.selectors import areas_for_people_management

    municipalities, regions = areas_for_people_management(actor=request.user)
    return render(
        request,
        "questionnaires/index.html",
        {
            "organizations": organization_list_for(actor=request.user)[:200],
            "area_templates": selectors.questionnaire_list_for(actor=request.user).filter(organization__isnull=True),
            "areas": [(f"region:{r.pk}", r.name) for r in regions]
            + [(f"municipality:{m.pk}", m.name) for m in municipalities],
            "standard_templates": selectors.standard_templates(),
            "new_form": NewQuestionnaireForm(),
            "breadcrumbs": [("Главная", reverse("home")), ("Анкеты", None)],
        },
        status=status,
    )


@login_required
@require_POST
def area_create(request):
    """A coordinator's template for the municipality or region (organisations copy it)."""
    access = access_for(request.user)
    require(access.is_admin or access.is_coordinator, "Шаблоны муниципалитета и региона создают координаторы.")
    from nastavnik.orgs.selectors import municipality_list_for, region_list_for

    kind, _sep, pk = (request.POST.get("owner") or "").partition(":")
    scope = {}
    if kind == "region" and pk.isdigit():
        scope["region"] = region_list_for(actor=request.user).filter(pk=int(pk)).first()
    elif kind == "municipality" and pk.isdigit():
        scope["municipality"] = municipality_list_for(actor=request.user).filter(pk=int(pk)).first()
    if not any(scope.values()):
        messages.error(request, "Выберите муниципалитет или регион.")
        return _index_page(request)
    form = NewQuestionnaireForm(request.POST)
    form.is_valid()
    try:
        questionnaire = _create(request.user, form.cleaned_data, **scope)
    except ValidationError as error:
        _error_message(request, error)
        return _index_page(request)
    messages.success(request, "Шаблон создан: организации смогут сделать по нему свои анкеты.")
    return redirect("questionnaires:detail", questionnaire.pk)


def _create(user, data: dict, **scope) -> Questionnaire:
    if data.get("template"):
        return services.questionnaire_create_from_template(actor=user, template_code=data["template"], **scope)
    return services.questionnaire_create(
        actor=user, title=data.get("title") or "", kind=data.get("kind") or "other", **scope
    )


@login_required
def org_home(request, org_pk):
    organization = organization_get_for(actor=request.user, pk=org_pk)
    selectors.require_staff(request.user)
    access = access_for(request.user)
    can_manage = access.can_manage(
        org_id=organization.pk, municipality_id=organization.municipality_id, region_id=organization.region_id
    )
    return render(
        request,
        "questionnaires/org.html",
        {
            "organization": organization,
            "questionnaires": selectors.questionnaire_list_for(actor=request.user, organization=organization),
            "area_templates": selectors.area_templates_for(actor=request.user, organization=organization),
            "standard_templates": selectors.standard_templates(),
            "campaigns": selectors.campaign_list_for(actor=request.user, organization=organization)[:50],
            "can_manage": can_manage,
            "new_form": NewQuestionnaireForm(),
            "breadcrumbs": [*org_crumbs(organization)[:-1], ("Анкеты", None)],
        },
    )


@login_required
@require_POST
def questionnaire_create(request, org_pk):
    organization = organization_get_for(actor=request.user, pk=org_pk)
    selectors.require_staff(request.user)
    form = NewQuestionnaireForm(request.POST)
    form.is_valid()
    try:
        questionnaire = _create(request.user, form.cleaned_data, organization=organization)
    except ValidationError as error:
        _error_message(request, error)
        return redirect("questionnaires:org", organization.pk)
    messages.success(request, "Анкета создана: проверьте вопросы и при необходимости измените их.")
    return redirect("questionnaires:detail", questionnaire.pk)


# --- the builder --------------------------------------------------------------------------------
def _builder_context(request, questionnaire: Questionnaire) -> dict:
    locked = services.questionnaire_is_locked(questionnaire)
    return {
        "questionnaire": questionnaire,
        "sections": selectors.builder_sections(questionnaire),
        "can_manage": services.can_manage(request.user, questionnaire),
        "locked": locked,
        "section_form": SectionForm(),
    }


@login_required
def questionnaire_detail(request, pk):
    questionnaire = selectors.questionnaire_get_for(actor=request.user, pk=pk)
    context = _builder_context(request, questionnaire)
    access = access_for(request.user)
    copy_targets = []
    if questionnaire.organization_id is None:
        copy_targets = [o for o in organization_list_for(actor=request.user) if o.pk in access.managed_org_ids]
    return render(
        request,
        "questionnaires/builder.html",
        {
            **context,
            "campaigns": selectors.campaign_list_for(actor=request.user, questionnaire=questionnaire)[:20]
            if questionnaire.organization_id
            else [],
            "copy_targets": copy_targets,
            "breadcrumbs": [*questionnaire_crumbs(questionnaire)[:-1], (questionnaire.title, None)],
        },
    )


def _builder_reply(request, questionnaire: Questionnaire, anchor: str = ""):
    """htmx: the re-rendered list of sections; otherwise back to the builder page."""
    if request.htmx:
        return render(request, "questionnaires/builder.html#sections", _builder_context(request, questionnaire))
    url = reverse("questionnaires:detail", args=[questionnaire.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _require_manage(request, questionnaire) -> None:
    require(services.can_manage(request.user, questionnaire), services.NO_RIGHTS)


@login_required
def questionnaire_edit(request, pk):
    questionnaire = selectors.questionnaire_get_for(actor=request.user, pk=pk)
    _require_manage(request, questionnaire)
    form = QuestionnaireForm(
        request.POST or None,
        initial={
            "title": questionnaire.title,
            "kind": questionnaire.kind,
            "intro": questionnaire.intro,
            "is_template": questionnaire.is_template,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_update(actor=request.user, questionnaire=questionnaire, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Сохранено.")
            return redirect("questionnaires:detail", questionnaire.pk)
    return render(
        request,
        "components/form_page.html",
        {
            "form": form,
            "title": "Название и вступление",
            "breadcrumbs": questionnaire_crumbs(questionnaire, ("Название и вступление", None)),
        },
    )


@login_required
@require_POST
def questionnaire_delete(request, pk):
    questionnaire = selectors.questionnaire_get_for(actor=request.user, pk=pk)
    _require_manage(request, questionnaire)
    organization = questionnaire.organization
    try:
        services.questionnaire_delete(actor=request.user, questionnaire=questionnaire)
    except ValidationError as error:
        _error_message(request, error)
        return redirect("questionnaires:detail", questionnaire.pk)
    messages.success(request, f"Анкета «{questionnaire.title}» удалена.")
    return redirect("questionnaires:org", organization.pk) if organization else redirect("questionnaires:index")


@login_required
@require_POST
def questionnaire_copy(request, pk):
    """A copy in the same organisation, or (a template of the municipality or region) in the chosen one."""
    source = selectors.questionnaire_get_for(actor=request.user, pk=pk)
    scope = {}
    org_pk = int_or_none(request.POST.get("organization"))
    if source.organization_id is None and org_pk:
        scope["organization"] = organization_get_for(actor=request.user, pk=org_pk)
    try:
        copy = services.questionnaire_copy(actor=request.user, source=source, **scope)
    except ValidationError as error:
        _error_message(request, error)
        return redirect("questionnaires:detail", source.pk)
    messages.success(request, "Копия создана: её можно изменять и рассылать.")
    return redirect("questionnaires:detail", copy.pk)


@login_required
def preview(request, pk):
    """The questionnaire as a respondent sees it (every question, conditions noted)."""
    from .views_public import form_sections

    questionnaire = selectors.questionnaire_get_for(actor=request.user, pk=pk)
    questions = services.questions_of(questionnaire)
    offered = services.offered_people(questions, questionnaire.organization_id)
    return render(
        request,
        "questionnaires/preview.html",
        {
            "questionnaire": questionnaire,
            "sections": form_sections(questions, {}, {}, {q.pk for q in questions}, offered),
            "breadcrumbs": questionnaire_crumbs(questionnaire, ("Как увидит отвечающий", None)),
        },
    )


# --- sections -----------------------------------------------------------------------------------
@login_required
def section_create(request, pk):
    questionnaire = selectors.questionnaire_get_for(actor=request.user, pk=pk)
    _require_manage(request, questionnaire)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            section = services.section_add(actor=request.user, questionnaire=questionnaire, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Раздел «{section.title}» добавлен.")
            return redirect(reverse("questionnaires:detail", args=[questionnaire.pk]) + f"#section-{section.pk}")
    return render(
        request,
        "components/form_page.html",
        {
            "form": form,
            "title": "Новый раздел",
            "breadcrumbs": questionnaire_crumbs(questionnaire, ("Новый раздел", None)),
        },
    )


@login_required
def section_edit(request, pk):
    section = selectors.section_get_for(actor=request.user, pk=pk)
    questionnaire = section.questionnaire
    _require_manage(request, questionnaire)
    form = SectionForm(request.POST or None, initial={"title": section.title, "description": section.description})
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(actor=request.user, section=section, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Раздел сохранён.")
            return redirect(reverse("questionnaires:detail", args=[questionnaire.pk]) + f"#section-{section.pk}")
    return render(
        request,
        "components/form_page.html",
        {
            "form": form,
            "title": "Раздел анкеты",
            "delete_url": reverse("questionnaires:section_delete", args=[section.pk]),
            "delete_label": "Удалить раздел с его вопросами",
            "breadcrumbs": questionnaire_crumbs(questionnaire, (section.title, None)),
        },
    )


@login_required
@require_POST
def section_delete(request, pk):
    section = selectors.section_get_for(actor=request.user, pk=pk)
    questionnaire = section.questionnaire
    _require_manage(request, questionnaire)
    try:
        services.section_delete(actor=request.user, section=section)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, f"Раздел «{section.title}» удалён.")
    return redirect("questionnaires:detail", questionnaire.pk)


@login_required
@require_POST
def section_move(request, pk):
    section = selectors.section_get_for(actor=request.user, pk=pk)
    _require_manage(request, section.questionnaire)
    try:
        services.section_move(actor=request.user, section=section, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        _error_message(request, error)
    return _builder_reply(request, section.questionnaire, f"section-{section.pk}")


# --- questions ----------------------------------------------------------------------------------
def _question_form(request, questionnaire, *, question: Question | None, section=None):
    initial = {"section": section, "required": True}
    if question is not None:
        initial = {
            "text": question.text,
            "help_text": question.help_text,
            "qtype": question.qtype,
            "required": question.required,
            "section": question.section,
            "options": "\n".join(question.options),
            "max_choices": question.max_choices,
            "scale_min_label": question.scale_min_label,
            "scale_max_label": question.scale_max_label,
            "min_value": question.min_value,
            "max_value": question.max_value,
            "people_source": question.people_source,
            "condition": condition_initial(question),
        }
    return QuestionForm(
        request.POST or None,
        initial=initial,
        sections=questionnaire.sections.order_by("sort_order", "id"),
        conditions=selectors.condition_choices(questionnaire, before=question),
        locked=question is not None and services.questionnaire_is_locked(questionnaire),
    )


def _question_page(request, questionnaire, form, *, title, question=None):
    return render(
        request,
        "questionnaires/question_form.html",
        {
            "form": form,
            "title": title,
            "question": question,
            "questionnaire": questionnaire,
            "locked": services.questionnaire_is_locked(questionnaire),
            "breadcrumbs": questionnaire_crumbs(questionnaire, (title, None)),
        },
    )


@login_required
def question_create(request, pk):
    section = selectors.section_get_for(actor=request.user, pk=pk)
    questionnaire = section.questionnaire
    _require_manage(request, questionnaire)
    form = _question_form(request, questionnaire, question=None, section=section)
    if request.method == "POST" and form.is_valid():
        questions = {q.pk: q for q in questionnaire.questions.all()}
        data = form.service_data(questions)
        target = data.pop("section")
        try:
            question = services.question_add(actor=request.user, section=target, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Вопрос добавлен.")
            if "another" in request.POST:
                return redirect("questionnaires:question_create", target.pk)
            return redirect(reverse("questionnaires:detail", args=[questionnaire.pk]) + f"#question-{question.pk}")
    return _question_page(request, questionnaire, form, title="Новый вопрос")


@login_required
def question_edit(request, pk):
    question = selectors.question_get_for(actor=request.user, pk=pk)
    questionnaire = question.questionnaire
    _require_manage(request, questionnaire)
    form = _question_form(request, questionnaire, question=question)
    if request.method == "POST" and form.is_valid():
        questions = {q.pk: q for q in questionnaire.questions.all()}
        try:
            services.question_update(actor=request.user, question=question, **form.service_data(questions))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Вопрос сохранён.")
            return redirect(reverse("questionnaires:detail", args=[questionnaire.pk]) + f"#question-{question.pk}")
    return _question_page(request, questionnaire, form, title="Вопрос", question=question)


@login_required
@require_POST
def question_delete(request, pk):
    question = selectors.question_get_for(actor=request.user, pk=pk)
    questionnaire = question.questionnaire
    _require_manage(request, questionnaire)
    try:
        services.question_delete(actor=request.user, question=question)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, "Вопрос удалён.")
    return _builder_reply(request, questionnaire)


@login_required
@require_POST
def question_move(request, pk):
    question = selectors.question_get_for(actor=request.user, pk=pk)
    _require_manage(request, question.questionnaire)
    try:
        services.question_move(actor=request.user, question=question, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        _error_message(request, error)
    return _builder_reply(request, question.questionnaire, f"question-{question.pk}")


# --- campaigns ----------------------------------------------------------------------------------
def _pool_choices(organization):
    from nastavnik.orgs.services import academic_year_current
    from nastavnik.pools.selectors import pool_audiences

    return pool_audiences(organization=organization, academic_year=academic_year_current())


@login_required
def campaign_create(request, pk):
    questionnaire = selectors.questionnaire_get_for(actor=request.user, pk=pk)
    _require_manage(request, questionnaire)
    organization = questionnaire.organization
    if organization is None:
        raise Http404  # templates of a municipality or region are copied, not sent
    today = timezone.localdate()
    people = selectors.audience_people(organization)
    form = CampaignForm(
        request.POST or None,
        classes=selectors.class_names_of(organization),
        people=people,
        pools=_pool_choices(organization),
        initial={"deadline": today + dt.timedelta(days=14), "title": questionnaire.title},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        send_now = data.pop("send_now")
        try:
            result = services.campaign_create(actor=request.user, questionnaire=questionnaire, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            campaign = result.campaign
            links = plural_ru(result.created, "персональная ссылка", "персональные ссылки", "персональных ссылок")
            messages.success(request, f"Создано {result.created} {links}.")
            if result.skipped:
                messages.warning(
                    request,
                    "Нет законного представителя — ссылка не создана: "
                    + ", ".join(result.skipped[:20])
                    + (f" и ещё {len(result.skipped) - 20}" if len(result.skipped) > 20 else "")
                    + ". Добавьте представителей в карточках участников.",
                )
            if send_now:
                sent = services.invitations_send(actor=request.user, campaign=campaign, base_url=_base_url(request))
                _sent_message(request, sent, reminder=False)
            return redirect("questionnaires:campaign", campaign.pk)
    return render(
        request,
        "questionnaires/campaign_form.html",
        {
            "form": form,
            "questionnaire": questionnaire,
            "people": people,
            "selected_ids": set(request.POST.getlist("person_ids")),
            "breadcrumbs": questionnaire_crumbs(questionnaire, ("Разослать", None)),
        },
    )


@login_required
def campaign_detail(request, pk):
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    status = request.GET.get("status", "all")
    if status not in selectors.PROGRESS_FILTERS:
        status = "all"
    can_manage = services.can_manage(request.user, campaign)
    page = paginate(request, selectors.campaign_invitations(campaign, status=status), per_page=50)
    now = timezone.now()
    rows = []
    for invitation in page:
        respondent, about, class_name = selectors.respondent_label(invitation)
        rows.append(
            {
                "invitation": invitation,
                "respondent": respondent,
                "about": about,
                "class_name": class_name,
                "email": invitation.person.email if invitation.person else "",
                "expired": not invitation.answered_at and invitation.expires_at <= now,
                "link": request.build_absolute_uri(services.answer_path(invitation)) if can_manage else "",
            }
        )
    return render(
        request,
        "questionnaires/campaign.html",
        {
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign, now=now),
            "page": page,
            "rows": rows,
            "status": status,
            "filters": selectors.PROGRESS_FILTERS,
            "can_manage": can_manage,
            "is_open": campaign.deadline > now,
            "breadcrumbs": [*campaign_crumbs(campaign)[:-1], (campaign.title, None)],
        },
    )


@login_required
@require_POST
def campaign_send(request, pk):
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    require(services.can_manage(request.user, campaign), services.NO_RIGHTS)
    result = services.invitations_send(actor=request.user, campaign=campaign, base_url=_base_url(request))
    _sent_message(request, result, reminder=False)
    return redirect("questionnaires:campaign", campaign.pk)


@login_required
@require_POST
def campaign_remind(request, pk):
    """«Напомнить ещё раз»: everybody who has not answered, or one person (`invitation`)."""
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    require(services.can_manage(request.user, campaign), services.NO_RIGHTS)
    one = int_or_none(request.POST.get("invitation"))
    result = services.invitation_remind(
        actor=request.user,
        campaign=campaign,
        base_url=_base_url(request),
        invitation_ids=[one] if one else None,
    )
    _sent_message(request, result, reminder=True)
    return redirect(reverse("questionnaires:campaign", args=[campaign.pk]) + "?status=pending")


@login_required
def campaign_results(request, pk):
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    view = "people" if request.GET.get("view") == "people" else "summary"
    context = {
        "campaign": campaign,
        "view": view,
        "progress": selectors.campaign_progress(campaign),
        "breadcrumbs": campaign_crumbs(campaign, ("Результаты", None)),
    }
    if view == "people":
        page = paginate(request, selectors.responses_for(campaign), per_page=20)
        context |= {"page": page, "people": selectors.person_answers(campaign, page)}
    else:
        total, results = selectors.campaign_results(campaign)
        context |= {"total": total, "results": results}
    return render(request, "questionnaires/results.html", context)


@login_required
def campaign_export(request, pk):
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    content = services.campaign_export(actor=request.user, campaign=campaign)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(campaign)}"'
    response["Cache-Control"] = "no-store"
    return response
