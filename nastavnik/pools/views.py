"""The mentee and mentor pools of an organisation's year (seed 000, roadmap 2.x–4.x, 7.8; seed 001),
their XLSX export and the catalogue of mentee requests. Thin: services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nastavnik.core.text import plural_ru
from nastavnik.core.views_helpers import add_service_errors, error_text, paginate
from nastavnik.people.access import access_for, require
from nastavnik.programs.selectors import organization_year_for
from nastavnik.programs.views import year_crumbs

from . import export, selectors, services
from .forms import (
    CategoryForm,
    DecisionForm,
    FillFromCampaignForm,
    MenteeAddForm,
    MenteeEditForm,
    MenteeFilterForm,
    MentorAddForm,
    MentorEditForm,
    MentorFilterForm,
    NoteForm,
    ScoreSheetForm,
    StatusForm,
)
from .models import MenteeStatus, MentorStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- shared -----------------------------------------------------------------------------------------
def pool_crumbs(organization, academic_year, *tail):
    url = reverse("pools:overview", args=[organization.pk, academic_year.start_year])
    return year_crumbs(organization, academic_year, ("Базы наставников и наставляемых", url if tail else None), *tail)


def _list_crumbs(organization, academic_year, name: str, label: str, *tail):
    url = reverse(f"pools:{name}", args=[organization.pk, academic_year.start_year])
    return pool_crumbs(organization, academic_year, (label, url if tail else None), *tail)


def context_for(request, organization, academic_year, **extra):
    rights = selectors.rights_for(request.user, organization, academic_year)
    return {
        "organization": organization,
        "academic_year": academic_year,
        "rights": rights,
        "can_manage": rights.manage,
        "can_score": rights.score,
        "closed": rights.closed,
        **extra,
    }


def _org_year(request, org_pk, year):
    return organization_year_for(actor=request.user, organization_pk=org_pk, start_year=year)


def _require_manage(request, organization, academic_year):
    rights = selectors.rights_for(request.user, organization, academic_year)
    require(not rights.closed, services.CLOSED_YEAR.format(year=str(academic_year).capitalize()))
    require(rights.manage, services.NO_RIGHTS)


def _form_errors(form) -> str:
    """Errors of a small inline form as one message, each with the label of its field."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts += [f"{label}: {error}" if label else error for error in errors]
    return " ".join(parts)


def _moves(table, status_enum, current: str) -> list[tuple[str, str]]:
    return [(s.value, s.label) for s in status_enum if s.value in table[current]]


# --- index and overview ---------------------------------------------------------------------------------
@login_required
def index(request):
    """Staff of one organisation go to its current year; coordinators choose the organisation."""
    from nastavnik.orgs.selectors import organization_list_for
    from nastavnik.orgs.services import academic_year_current

    selectors.require_staff(request.user)
    access = access_for(request.user)
    year = academic_year_current()
    if len(access.staff_org_ids) == 1 and not access.is_coordinator and not access.is_admin:
        return redirect("pools:overview", next(iter(access.staff_org_ids)), year.start_year)
    return render(
        request,
        "pools/index.html",
        {
            "organizations": organization_list_for(actor=request.user).order_by("short_name")[:300],
            "year": year,
            "breadcrumbs": [("Главная", reverse("home")), ("Базы наставников и наставляемых", None)],
        },
    )


@login_required
def overview(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    return render(
        request,
        "pools/overview.html",
        context_for(
            request,
            organization,
            academic_year,
            summary=selectors.pool_summary(organization=organization, academic_year=academic_year),
            trainings=list(selectors.training_list(organization=organization, academic_year=academic_year)[:5]),
            breadcrumbs=pool_crumbs(organization, academic_year),
        ),
    )


# --- the two pools share their list and export pages ---------------------------------------------------------
POOL_TITLES = {"mentee": "База наставляемых", "mentor": "База наставников"}
POOL_XLSX = {"mentee": export.mentee_pool_xlsx, "mentor": export.mentor_pool_xlsx}


def _pool_list(request, organization, academic_year, pool: str, filters, entries):
    template = f"pools/{pool}_list.html#results" if request.htmx else f"pools/{pool}_list.html"
    return render(
        request,
        template,
        context_for(
            request,
            organization,
            academic_year,
            filters=filters,
            page=paginate(request, entries),
            summary=selectors.pool_summary(organization=organization, academic_year=academic_year),
            query_string=request.GET.urlencode(),
            breadcrumbs=_list_crumbs(organization, academic_year, f"{pool}_list", POOL_TITLES[pool]),
        ),
    )


def _pool_export(request, organization, academic_year, pool: str, entries):
    entries = list(entries)
    content = POOL_XLSX[pool](entries, subtitle=f"{organization.short_name}, {academic_year}")
    services.log_export(
        actor=request.user, organization=organization, academic_year=academic_year, pool=f"{pool}s", rows=len(entries)
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{pool}s-{organization.pk}-{academic_year.start_year}.xlsx"'
    )
    return response


# --- mentee pool ------------------------------------------------------------------------------------------
def _mentee_filters(request, organization, academic_year):
    filters = MenteeFilterForm(
        request.GET or None,
        forms_qs=selectors.forms_of_year(organization=organization, academic_year=academic_year),
        categories=selectors.categories_for_region(organization.municipality.region_id),
        class_names=selectors.mentee_class_names(organization=organization, academic_year=academic_year),
    )
    data = filters.cleaned_data if filters.is_valid() else {}
    entries = selectors.mentee_pool_for(
        organization=organization,
        academic_year=academic_year,
        form_id=data["form"].pk if data.get("form") else None,
        status=data.get("status") or "",
        category_id=data["category"].pk if data.get("category") else None,
        class_name=data.get("class_name") or "",
        query=data.get("q") or "",
    )
    return filters, entries


@login_required
def mentee_list(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    filters, entries = _mentee_filters(request, organization, academic_year)
    return _pool_list(request, organization, academic_year, "mentee", filters, entries)


@login_required
def mentee_export(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    _filters, entries = _mentee_filters(request, organization, academic_year)
    return _pool_export(request, organization, academic_year, "mentee", entries)


@login_required
def mentee_add(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    _require_manage(request, organization, academic_year)
    forms_qs = selectors.forms_of_year(organization=organization, academic_year=academic_year)
    form = MenteeAddForm(
        request.POST or None,
        people=selectors.pool_candidates(organization=organization, academic_year=academic_year, as_mentor=False),
        forms_qs=forms_qs,
        categories=selectors.categories_for_region(organization.municipality.region_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.mentee_add(
                actor=request.user, organization=organization, academic_year=academic_year, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{entry.person.full_name} — кандидат в базу наставляемых.")
            return redirect("pools:mentee_detail", entry.pk)
    return render(
        request,
        "pools/form_page.html",
        context_for(
            request,
            organization,
            academic_year,
            form=form,
            title="Добавить в базу наставляемых",
            intro="Кандидат из анкеты, по рекомендации или по сведениям третьих лиц (дорожная карта, 2.1–2.3). "
            "Включить в базу можно, когда получено согласие на обработку персональных данных.",
            no_forms=not forms_qs.exists(),
            breadcrumbs=_list_crumbs(
                organization, academic_year, "mentee_list", "База наставляемых", ("Добавить", None)
            ),
        ),
    )


def _mentee_crumbs(entry, *tail):
    return _list_crumbs(
        entry.organization,
        entry.academic_year,
        "mentee_list",
        "База наставляемых",
        (entry.person.full_name, reverse("pools:mentee_detail", args=[entry.pk]) if tail else None),
        *tail,
    )


@login_required
def mentee_detail(request, pk):
    entry = selectors.mentee_entry_get_for(actor=request.user, pk=pk)
    organization, academic_year = entry.organization, entry.academic_year
    moves = _moves(services.MENTEE_MOVES, MenteeStatus, entry.status)
    return render(
        request,
        "pools/mentee_detail.html",
        context_for(
            request,
            organization,
            academic_year,
            entry=entry,
            moves=moves,
            status_form=StatusForm(statuses=MenteeStatus),
            note_form=NoteForm(
                authors=selectors.staff_authors(organization=organization),
                initial={"date": timezone.localdate()},
            ),
            breadcrumbs=_mentee_crumbs(entry),
        ),
    )


@login_required
def mentee_edit(request, pk):
    entry = selectors.mentee_entry_get_for(actor=request.user, pk=pk)
    _require_manage(request, entry.organization, entry.academic_year)
    initial = {
        "categories": list(entry.categories.all()),
        "request_text": entry.request_text,
        "preferred_format": entry.preferred_format,
        "source": entry.source,
        "source_note": entry.source_note,
    }
    form = MenteeEditForm(
        request.POST or None,
        initial=initial,
        categories=selectors.categories_for_region(entry.organization.municipality.region_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.mentee_update(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Запрос наставляемого сохранён.")
            return redirect("pools:mentee_detail", entry.pk)
    return render(
        request,
        "pools/form_page.html",
        context_for(
            request,
            entry.organization,
            entry.academic_year,
            form=form,
            title=f"Запрос: {entry.person.full_name}",
            breadcrumbs=_mentee_crumbs(entry, ("Запрос", None)),
        ),
    )


@login_required
@require_POST
def mentee_status(request, pk):
    entry = selectors.mentee_entry_get_for(actor=request.user, pk=pk)
    _require_manage(request, entry.organization, entry.academic_year)
    form = StatusForm(request.POST, statuses=MenteeStatus)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("pools:mentee_detail", entry.pk)
    try:
        services.mentee_set_status(actor=request.user, entry=entry, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Статус: {entry.get_status_display().lower()}.")
    return redirect("pools:mentee_detail", entry.pk)


@login_required
@require_POST
def note_add(request, pk):
    entry = selectors.mentee_entry_get_for(actor=request.user, pk=pk)
    _require_manage(request, entry.organization, entry.academic_year)
    form = NoteForm(request.POST, authors=selectors.staff_authors(organization=entry.organization))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("pools:mentee_detail", entry.pk)
    try:
        services.note_add(actor=request.user, entry=entry, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Сведения третьих лиц добавлены.")
    return redirect("pools:mentee_detail", entry.pk)


@login_required
@require_POST
def note_delete(request, pk):
    note = selectors.note_get_for(actor=request.user, pk=pk)
    entry = note.entry
    _require_manage(request, entry.organization, entry.academic_year)
    services.note_delete(actor=request.user, note=note)
    messages.success(request, "Сведения удалены.")
    return redirect("pools:mentee_detail", entry.pk)


# --- mentor pool ------------------------------------------------------------------------------------------
def _mentor_filters(request, organization, academic_year):
    filters = MentorFilterForm(
        request.GET or None,
        forms_qs=selectors.forms_of_year(organization=organization, academic_year=academic_year),
    )
    data = filters.cleaned_data if filters.is_valid() else {}
    entries = selectors.mentor_pool_for(
        organization=organization,
        academic_year=academic_year,
        form_id=data["form"].pk if data.get("form") else None,
        status=data.get("status") or "",
        query=data.get("q") or "",
    )
    return filters, entries


@login_required
def mentor_list(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    filters, entries = _mentor_filters(request, organization, academic_year)
    return _pool_list(request, organization, academic_year, "mentor", filters, entries)


@login_required
def mentor_export(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    _filters, entries = _mentor_filters(request, organization, academic_year)
    return _pool_export(request, organization, academic_year, "mentor", entries)


@login_required
def mentor_add(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    _require_manage(request, organization, academic_year)
    forms_qs = selectors.forms_of_year(organization=organization, academic_year=academic_year)
    form = MentorAddForm(
        request.POST or None,
        people=selectors.pool_candidates(organization=organization, academic_year=academic_year, as_mentor=True),
        forms_qs=forms_qs,
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.mentor_add(
                actor=request.user, organization=organization, academic_year=academic_year, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{entry.person.full_name} — кандидат в наставники. Рабочая группа заполняет оценочный лист."
            )
            return redirect("pools:mentor_detail", entry.pk)
    return render(
        request,
        "pools/form_page.html",
        context_for(
            request,
            organization,
            academic_year,
            form=form,
            title="Добавить кандидата в наставники",
            intro="Из анкеты потенциальных наставников или по выдвижению (дорожная карта, 3.3–3.4). "
            "Наставниками бывают не только педагоги: обучающиеся, родители, выпускники, работодатели.",
            no_forms=not forms_qs.exists(),
            breadcrumbs=_list_crumbs(
                organization, academic_year, "mentor_list", "База наставников", ("Добавить", None)
            ),
        ),
    )


def _mentor_crumbs(entry, *tail):
    return _list_crumbs(
        entry.organization,
        entry.academic_year,
        "mentor_list",
        "База наставников",
        (entry.person.full_name, reverse("pools:mentor_detail", args=[entry.pk]) if tail else None),
        *tail,
    )


@login_required
def mentor_detail(request, pk):
    entry = selectors.mentor_entry_get_for(actor=request.user, pk=pk)
    organization, academic_year = entry.organization, entry.academic_year
    sheets = selectors.score_sheets(entry, actor=request.user)
    moves = _moves(services.MENTOR_MOVES, MentorStatus, entry.status)
    return render(
        request,
        "pools/mentor_detail.html",
        context_for(
            request,
            organization,
            academic_year,
            entry=entry,
            sheets=sheets,
            moves=moves,
            trainings=selectors.mentor_trainings(entry),
            decision_form=DecisionForm(initial={"date": timezone.localdate(), "decision": "approve"}),
            breadcrumbs=_mentor_crumbs(entry),
        ),
    )


@login_required
def mentor_edit(request, pk):
    entry = selectors.mentor_entry_get_for(actor=request.user, pk=pk)
    _require_manage(request, entry.organization, entry.academic_year)
    initial = {
        "competencies": entry.competencies,
        "topics": "\n".join(entry.topics),
        "capacity": entry.capacity,
        "availability": entry.availability,
        "preferred_format": entry.preferred_format,
        "source": entry.source,
        "source_note": entry.source_note,
    }
    form = MentorEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_update(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Сведения о наставнике сохранены.")
            return redirect("pools:mentor_detail", entry.pk)
    return render(
        request,
        "pools/form_page.html",
        context_for(
            request,
            entry.organization,
            entry.academic_year,
            form=form,
            title=f"Компетенции и возможности: {entry.person.full_name}",
            breadcrumbs=_mentor_crumbs(entry, ("Компетенции и возможности", None)),
        ),
    )


@login_required
def mentor_score(request, pk):
    """The score sheet (seed 001 criteria): a separate page and URL, since the working group may
    write here and nowhere else."""
    entry = selectors.mentor_entry_get_for(actor=request.user, pk=pk)
    organization, academic_year = entry.organization, entry.academic_year
    rights = selectors.rights_for(request.user, organization, academic_year)
    sheets = selectors.score_sheets(entry, actor=request.user)
    initial = {}
    for code, (score, comment) in sheets.mine.items():
        initial[f"score_{code}"], initial[f"comment_{code}"] = score, comment
    form = ScoreSheetForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(rights.score, services.NO_SCORE_RIGHTS)
        if form.is_valid():
            try:
                services.score_sheet_save(actor=request.user, entry=entry, scores=form.scores())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Оценочный лист сохранён: {entry.person.full_name}.")
                return redirect("pools:mentor_detail", entry.pk)
    return render(
        request,
        "pools/score_sheet.html",
        context_for(
            request,
            organization,
            academic_year,
            entry=entry,
            form=form,
            sheets=sheets,
            editable=rights.score and entry.status == MentorStatus.CANDIDATE,
            breadcrumbs=_mentor_crumbs(entry, ("Оценочный лист", None)),
        ),
    )


@login_required
@require_POST
def mentor_decision(request, pk):
    entry = selectors.mentor_entry_get_for(actor=request.user, pk=pk)
    _require_manage(request, entry.organization, entry.academic_year)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("pools:mentor_detail", entry.pk)
    data = form.cleaned_data
    try:
        services.mentor_decide(
            actor=request.user,
            entry=entry,
            approve=data["decision"] == "approve",
            date=data["date"],
            comment=data.get("comment") or "",
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Решение принято: {entry.get_status_display().lower()}.")
    return redirect("pools:mentor_detail", entry.pk)


@login_required
@require_POST
def mentor_status(request, pk):
    entry = selectors.mentor_entry_get_for(actor=request.user, pk=pk)
    _require_manage(request, entry.organization, entry.academic_year)
    form = StatusForm(request.POST, statuses=MentorStatus)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("pools:mentor_detail", entry.pk)
    try:
        services.mentor_set_status(actor=request.user, entry=entry, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Статус: {entry.get_status_display().lower()}.")
    return redirect("pools:mentor_detail", entry.pk)


# --- catalogue of requests ------------------------------------------------------------------------------
def _category_crumbs(*tail):
    url = reverse("pools:category_list")
    return [("Главная", reverse("home")), ("Каталог запросов наставляемых", url if tail else None), *tail]


@login_required
def category_list(request):
    categories = selectors.category_list_for(actor=request.user)
    regions = selectors.editable_regions_for(actor=request.user)
    access = access_for(request.user)
    can_edit = access.is_admin or regions.exists()
    form = CategoryForm(request.POST or None, regions=regions, allow_default=access.is_admin)
    if request.method == "POST":
        require(can_edit, services.NO_CATEGORY_RIGHTS)
        if form.is_valid():
            try:
                category = services.category_save(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Категория «{category.name}» добавлена в каталог.")
                return redirect("pools:category_list")
    return render(
        request,
        "pools/category_list.html",
        {
            "categories": categories,
            "form": form,
            "can_edit": can_edit,
            "editable_region_ids": set(regions.values_list("pk", flat=True)),
            "is_admin": access.is_admin,
            "breadcrumbs": _category_crumbs(),
        },
    )


@login_required
def category_edit(request, pk):
    category = selectors.category_get_for(actor=request.user, pk=pk)
    require(services.can_edit_categories(request.user, category.region), services.NO_CATEGORY_RIGHTS)
    form = CategoryForm(
        request.POST or None,
        regions=selectors.editable_regions_for(actor=request.user),
        allow_default=True,
        edit=True,
        initial={"name": category.name, "sort_order": category.sort_order, "is_active": category.is_active},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(actor=request.user, category=category, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Категория сохранена.")
            return redirect("pools:category_list")
    return render(
        request,
        "pools/form_page.html",
        {
            "form": form,
            "title": f"Категория запроса «{category.name}»",
            "intro": "Категорию, которая уже используется, лучше не удалять, а снять отметку «Используется»: "
            "старые записи сохранят её, а в новых её не будет.",
            "breadcrumbs": _category_crumbs((category.name, None)),
        },
    )


# --- from questionnaire answers (seed 000, roadmap 2.1 and 3.3) -----------------------------------------------
@login_required
def fill_from_campaign(request, campaign_pk):
    """«Добавить ответивших в базу»: everyone a request or mentor questionnaire campaign is about goes
    into the pool of the chosen form with what they answered."""
    from nastavnik.orgs.services import academic_year_current
    from nastavnik.questionnaires.selectors import campaign_get_for, campaign_progress

    campaign = campaign_get_for(actor=request.user, pk=campaign_pk)
    organization, academic_year = campaign.organization, academic_year_current()
    kind = campaign.questionnaire.kind
    if kind not in services.FILL_KINDS:
        raise Http404
    as_mentor = services.FILL_KINDS[kind]
    pool = "mentor" if as_mentor else "mentee"
    forms_of_year = selectors.forms_of_year(organization=organization, academic_year=academic_year)
    form = FillFromCampaignForm(request.POST or None, forms=forms_of_year, as_mentor=as_mentor)
    if request.method == "POST":
        _require_manage(request, organization, academic_year)
        if form.is_valid():
            try:
                result = services.pool_fill_from_campaign(
                    actor=request.user,
                    campaign=campaign,
                    form=form.cleaned_data["form"],
                    academic_year=academic_year,
                    include_with_consent=form.cleaned_data.get("include_with_consent", False),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                _fill_messages(request, result, as_mentor=as_mentor)
                return redirect(f"pools:{pool}_list", organization.pk, academic_year.start_year)
    return render(
        request,
        "pools/fill_from_campaign.html",
        context_for(
            request,
            organization,
            academic_year,
            form=form,
            campaign=campaign,
            pool=pool,
            progress=campaign_progress(campaign),
            breadcrumbs=_list_crumbs(
                organization, academic_year, f"{pool}_list", POOL_TITLES[pool], ("Добавить по анкете", None)
            ),
        ),
    )


def _fill_messages(request, result, *, as_mentor: bool) -> None:
    def names(items):
        return ", ".join(items[:15]) + (f" и ещё {len(items) - 15}" if len(items) > 15 else "")

    who = ("кандидат в наставники", "кандидата в наставники", "кандидатов в наставники") if as_mentor else (
        "кандидат в наставляемые", "кандидата в наставляемые", "кандидатов в наставляемые"
    )  # fmt: skip
    if result.added:
        messages.success(request, f"Добавлено {len(result.added)} {plural_ru(len(result.added), *who)}.")
    else:
        messages.info(request, "Новых людей в базе нет: все ответившие уже в ней.")
    if result.included:
        messages.success(request, f"Сразу включены в базу (есть согласие): {names(result.included)}.")
    if result.already:
        messages.info(request, f"Уже были в базе: {names(result.already)}.")
    if result.skipped:
        messages.warning(request, "Не добавлены: " + "; ".join(result.skipped[:15]) + ".")
