"""The «Документы» pages of an organisation's year: every document with «Сформировать», the register
(search, versions, downloads, signed scans), the settings, own templates and batches. Thin: the
services write, the selectors read; rights are checked here before any input is read."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors, paginate
from nastavnik.people.access import access_for, require
from nastavnik.programs.views import year_crumbs

from . import pdf, selectors, services, templating
from .forms import BatchForm, RegisterFilterForm, ScanForm, SettingsForm, TemplateUploadForm
from .generators import registry
from .generators.base import XLSX, ZIP
from .models import BatchStatus
from .xlsx import list_xlsx


# --- shared -----------------------------------------------------------------------------------------
def _org_year(request, org_pk, year):
    return selectors.organization_year_for(actor=request.user, organization_pk=org_pk, start_year=year)


def _crumbs(organization, academic_year, *tail):
    url = reverse("documents:year", args=[organization.pk, academic_year.start_year])
    return year_crumbs(organization, academic_year, ("Документы", url if tail else None), *tail)


def _require_write(request, organization, message=services.NO_RIGHTS):
    require(selectors.rights_for(request.user, organization).write, message)


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _author(document) -> str:
    if document.author is None:
        return ""
    return document.author.get_full_name() or document.author.username


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- index and the year page ----------------------------------------------------------------------------
@login_required
def index(request):
    """Staff of one organisation go to its current year; coordinators choose the organisation."""
    from nastavnik.orgs.selectors import organization_list_for
    from nastavnik.orgs.services import academic_year_current

    selectors.require_staff(request.user)
    access = access_for(request.user)
    year = academic_year_current()
    if len(access.staff_org_ids) == 1 and not access.is_coordinator and not access.is_admin:
        return redirect("documents:year", next(iter(access.staff_org_ids)), year.start_year)
    return render(
        request,
        "documents/index.html",
        {
            "organizations": organization_list_for(actor=request.user).order_by("short_name")[:300],
            "year": year,
            "breadcrumbs": [("Главная", reverse("home")), ("Документы", None)],
        },
    )


GROUPS = (
    ("Подготовка: приказы и локальные акты", ("order_implementation", "order_working_group", "regulation")),
    ("Программа и дорожная карта", ("program", "roadmap")),
    ("Рабочая группа", ("protocol",)),
    ("Пары и группы", ("order_pairs", "order_mentorship_change", "mentorship_plan", "mentorship_journal")),
    ("Участники", ("consent", "certificate", "letter")),
    ("Списки XLSX", ("mentee_pool_xlsx", "mentor_pool_xlsx")),
    ("Итоги года", ("program_report", "regional_digest")),
)


@login_required
def year(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    filters = RegisterFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    register = selectors.register_for(
        organization=organization,
        academic_year=academic_year,
        query=data.get("q") or "",
        generator_id=data.get("kind") or "",
    )
    context = {
        "organization": organization,
        "academic_year": academic_year,
        "rights": selectors.rights_for(request.user, organization),
        "groups": [(title, [registry.GENERATORS[i] for i in ids]) for title, ids in GROUPS],
        "filters": filters,
        "page": paginate(request, register),
        "query_string": request.GET.urlencode(),
        "batches": selectors.batches_for(organization=organization, academic_year=academic_year),
        "settings": selectors.settings_for(organization),
        "pdf_available": pdf.available(),
        "breadcrumbs": _crumbs(organization, academic_year),
    }
    template = "documents/year.html#register" if request.htmx else "documents/year.html"
    return render(request, template, context)


@login_required
def register_export(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    rows = (
        (d.number, d.date, d.title, d.subject, d.current_version, _author(d), "есть" if d.scan else "нет")
        for d in selectors.register_for(organization=organization, academic_year=academic_year)
    )
    content = list_xlsx(
        title="Реестр документов",
        subtitle=f"{organization.short_name}, {academic_year}",
        headers=("Номер", "Дата", "Документ", "О ком / о чём", "Версия", "Сформировал", "Подписанный скан"),
        rows=rows,
    )
    return _attachment(content, f"Реестр документов {academic_year.start_year}.xlsx", XLSX)


# --- issuing ---------------------------------------------------------------------------------------------
@login_required
def issue(request, org_pk, year, generator_id):
    organization, academic_year = _org_year(request, org_pk, year)
    _require_write(request, organization)
    try:
        generator = registry.get(generator_id)
    except ValidationError as error:
        raise Http404(_errors(error)) from error
    form = generator.form(
        request.POST or None,
        organization=organization,
        academic_year=academic_year,
        initial={"request_key": uuid.uuid4().hex},
    )
    if request.method == "POST" and form.is_valid():
        options = {**form.options(), "organization_id": organization.pk, "year": academic_year.start_year}
        try:
            result = services.document_issue(actor=request.user, generator_id=generator_id, options=options)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if result.warning:
                messages.warning(request, result.warning)
            if result.repeated:
                messages.info(request, f"Этот документ уже сформирован: № {result.document.number}.")
            else:
                messages.success(
                    request, f"{result.document.title} № {result.document.number} сформирован и внесён в реестр."
                )
            return redirect("documents:document_detail", pk=result.document.pk)
    template = selectors.active_template(organization=organization, generator_id=generator_id)
    return render(
        request,
        "documents/issue.html",
        {
            "organization": organization,
            "academic_year": academic_year,
            "generator": generator,
            "form": form,
            "own_template": template if generator.custom_templates else None,
            "breadcrumbs": _crumbs(organization, academic_year, (generator.title_ru, None)),
        },
    )


# --- a register entry ------------------------------------------------------------------------------------
@login_required
def document_detail(request, pk):
    document = selectors.document_get_for(actor=request.user, pk=pk)
    generator = registry.GENERATORS.get(document.generator_id)
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "generator": generator,
            "organization": document.organization,
            "academic_year": document.academic_year,
            "versions": list(document.versions.all()),
            "rights": selectors.rights_for(request.user, document.organization),
            "scan_form": ScanForm(),
            "pdf_available": pdf.available(),
            "breadcrumbs": _crumbs(
                document.organization, document.academic_year, (f"{document.title} № {document.number}", None)
            ),
        },
    )


@login_required
@require_POST
def document_regenerate(request, pk):
    document = selectors.document_get_for(actor=request.user, pk=pk)
    _require_write(request, document.organization)
    try:
        result = services.document_regenerate(actor=request.user, document=document)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        if result.warning:
            messages.warning(request, result.warning)
        messages.success(request, f"Сформирована версия {result.version.version} с сегодняшними данными.")
    return redirect("documents:document_detail", pk=document.pk)


@login_required
@require_POST
def document_scan(request, pk):
    document = selectors.document_get_for(actor=request.user, pk=pk)
    _require_write(request, document.organization)
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Выберите файл скана.")
        return redirect("documents:document_detail", pk=document.pk)
    try:
        services.document_attach_scan(actor=request.user, document=document, scan=form.cleaned_data["scan"])
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, "Подписанный скан прикреплён к документу.")
    return redirect("documents:document_detail", pk=document.pk)


@login_required
def scan_download(request, pk):
    document = selectors.document_get_for(actor=request.user, pk=pk)
    if not document.scan:
        raise Http404("Скан ещё не прикреплён.")
    services.log_download(actor=request.user, document=document, version=0, file_format="scan")
    return FileResponse(document.scan.open("rb"), as_attachment=True, filename=document.scan_name or "скан")


@login_required
def version_download(request, pk):
    version = selectors.version_get_for(actor=request.user, pk=pk)
    services.log_download(actor=request.user, document=version.document, version=version.version, file_format="file")
    return FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.filename, content_type=version.content_type
    )


@login_required
def version_pdf(request, pk):
    version = selectors.version_get_for(actor=request.user, pk=pk)
    with version.file.open("rb") as handle:
        content = handle.read()
    try:
        filename, converted = pdf.to_pdf(content, version.filename)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("documents:document_detail", pk=version.document_id)
    services.log_download(actor=request.user, document=version.document, version=version.version, file_format="pdf")
    return _attachment(converted, filename, "application/pdf")


# --- settings and own templates --------------------------------------------------------------------------
@login_required
def settings_edit(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    _require_write(request, organization, services.NO_SETTINGS_RIGHTS)
    current = selectors.settings_for(organization)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_settings_save(actor=request.user, organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Настройки документов сохранены: они действуют для новых документов и версий.")
            return redirect("documents:year", organization.pk, academic_year.start_year)
    return render(
        request,
        "documents/settings.html",
        {
            "organization": organization,
            "academic_year": academic_year,
            "form": form,
            "breadcrumbs": _crumbs(organization, academic_year, ("Настройки документов", None)),
        },
    )


@login_required
def templates(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    _require_write(request, organization, services.NO_SETTINGS_RIGHTS)
    form = TemplateUploadForm(
        request.POST or None, request.FILES or None, initial={"generator_id": request.GET.get("generator")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_upload(
                actor=request.user,
                organization=organization,
                generator_id=form.cleaned_data["generator_id"],
                file=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Шаблон «{template.name}» проверен на демо-данных и используется.")
            return redirect(
                reverse("documents:templates", args=[organization.pk, academic_year.start_year])
                + f"?generator={template.generator_id}"
            )
    chosen = form["generator_id"].value() or next(iter(registry.GENERATORS))
    generator = registry.GENERATORS.get(chosen) or next(iter(registry.GENERATORS.values()))
    return render(
        request,
        "documents/templates.html",
        {
            "organization": organization,
            "academic_year": academic_year,
            "form": form,
            "generator": generator,
            "fields": templating.fields_of(generator.sample_context()),
            "templates": [
                (t, dict(registry.choices()).get(t.generator_id, t.generator_id))
                for t in selectors.templates_for(organization=organization)
            ],
            "titles": {g.identifier: g.title_ru for g in registry.GENERATORS.values() if g.custom_templates},
            "breadcrumbs": _crumbs(organization, academic_year, ("Свои шаблоны", None)),
        },
    )


@login_required
def template_sample(request, org_pk, year, generator_id):
    _org_year(request, org_pk, year)
    generator = registry.GENERATORS.get(generator_id)
    if generator is None or not generator.custom_templates:
        raise Http404("Нет такого документа.")
    return _attachment(
        templating.sample_template(generator), f"Шаблон — {generator.title_ru}.docx", generator.content_type
    )


@login_required
def template_preview(request, pk):
    template = selectors.template_get_for(actor=request.user, pk=pk)
    try:
        rendered = services.template_preview(actor=request.user, template=template)
    except (ValidationError, OSError) as error:
        text = _errors(error) if isinstance(error, ValidationError) else "файл шаблона не найден"
        messages.error(request, f"Предпросмотр не получился: {text}")
        from nastavnik.orgs.services import academic_year_current

        year = academic_year_current().start_year
        return redirect(reverse("documents:templates", args=[template.organization_id, year]))
    return _attachment(rendered.content, rendered.filename, rendered.content_type)


@login_required
@require_POST
def template_toggle(request, pk):
    template = selectors.template_get_for(actor=request.user, pk=pk)
    _require_write(request, template.organization, services.NO_SETTINGS_RIGHTS)
    template = services.template_set_active(actor=request.user, template=template, is_active=not template.is_active)
    if template.is_active:
        messages.success(request, f"Шаблон «{template.name}» снова используется.")
    else:
        messages.success(request, f"Шаблон «{template.name}» отключён: документ формируется по встроенному образцу.")
    return redirect(request.POST.get("next") or reverse("documents:index"))


# --- batches --------------------------------------------------------------------------------------------
@login_required
def batch(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    _require_write(request, organization)
    role = request.POST.get("role") or request.GET.get("role") or "mentor"
    role = role if role in ("mentor", "mentee") else "mentor"
    participants = selectors.program_participants(organization=organization, academic_year=academic_year, role=role)
    today = timezone.localdate()
    form = BatchForm(
        request.POST or None,
        participants=participants,
        initial={
            "role": role,
            "generator_id": request.GET.get("generator") or "certificate",
            "date": today if academic_year.contains(today) else academic_year.start_date,
            "people": [str(p.pk) for p in participants],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.batch_start(
                actor=request.user,
                organization=organization,
                academic_year=academic_year,
                generator_id=data["generator_id"],
                options={"role": data["role"], "date": data["date"].isoformat(), "reason": data["reason"]},
                person_ids=data["people"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("documents:batch_status", pk=job.pk)
    return render(
        request,
        "documents/batch.html",
        {
            "organization": organization,
            "academic_year": academic_year,
            "form": form,
            "role": role,
            "participants": participants,
            "breadcrumbs": _crumbs(organization, academic_year, ("Пакет документов", None)),
        },
    )


@login_required
def batch_status(request, pk):
    job = selectors.batch_get_for(actor=request.user, pk=pk)
    context = {
        "job": job,
        "title": registry.GENERATORS[job.generator_id].title_ru,
        "skipped": [line for line in job.message.splitlines() if line] if job.status == BatchStatus.DONE else [],
        "breadcrumbs": _crumbs(job.organization, job.academic_year, ("Пакет документов", None)),
    }
    template = "documents/batch_status.html#status" if request.htmx else "documents/batch_status.html"
    return render(request, template, context)


@login_required
def batch_download(request, pk):
    job = selectors.batch_get_for(actor=request.user, pk=pk)
    if job.status != BatchStatus.DONE or not job.archive:
        raise Http404("Архив ещё не готов.")
    title = registry.GENERATORS[job.generator_id].title_ru
    services.log_batch_download(actor=request.user, job=job)
    return FileResponse(
        job.archive.open("rb"), as_attachment=True, filename=f"{title} — {job.total} шт.zip", content_type=ZIP
    )
