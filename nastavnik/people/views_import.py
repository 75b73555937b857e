"""Pages of the import of participant lists: upload → columns and preview → run → progress → report.

Only the director and curator of an organisation (or an admin) import into it: others get 403, and a
job of an organisation the user does not see is a 404. The run happens in the background (see
people.import_services); the progress page polls the job every second with htmx.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nastavnik.core.forms import StyledFormMixin
from nastavnik.core.views_helpers import add_service_errors, int_or_none

from . import import_services, imports
from .access import require
from .imports import ImportFileError
from .models import Category, ImportJob, ImportStatus

ACCEPTED = ".xlsx,.xlsm,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"


# --- forms ------------------------------------------------------------------------------------
class ImportUploadForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label="Организация", queryset=None)
    file = forms.FileField(
        label="Файл со списком",
        help_text="Excel (.xlsx) или CSV, до 50 МБ. Строка заголовков может быть не первой; ФИО — в одном столбце "
        "или в трёх.",
        widget=forms.FileInput(attrs={"accept": ACCEPTED}),
        error_messages={"empty": imports.MSG_EMPTY, "required": "Выберите файл со списком."},
    )
    default_category = forms.ChoiceField(
        label="Кто в списке",
        choices=Category.choices,
        help_text="Для строк без столбца «Категория».",
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if organizations.count() == 1:
            self.fields["organization"].initial = organizations.first().pk

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > imports.MAX_BYTES:
            raise forms.ValidationError(imports.MSG_TOO_BIG)
        return uploaded


class MappingForm(StyledFormMixin, forms.Form):
    """One select per field: which column of the file holds it."""

    def __init__(self, *args, headers, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— не загружать —")] + [
            (str(i), f"{imports.column_letter(i)}: {header or '(без заголовка)'}") for i, header in enumerate(headers)
        ]
        for spec in imports.FIELDS:
            self.fields[spec.key] = forms.ChoiceField(
                label=spec.label,
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            if spec.key in mapping:
                self.fields[spec.key].initial = str(mapping[spec.key])

    def mapping(self) -> dict[str, int]:
        return {key: int(value) for key, value in self.cleaned_data.items() if value not in ("", None)}


class RunForm(StyledFormMixin, forms.Form):
    skip_bad_rows = forms.BooleanField(label="Пропустить строки с ошибками", required=False)


# --- helpers ----------------------------------------------------------------------------------
def _crumbs(*items):
    return [("Главная", reverse("home")), ("Участники", reverse("people:list")), *items]


def _job_for(request, pk) -> ImportJob:
    job = import_services.job_get_for(actor=request.user, pk=pk)
    import_services.require_job_rights(actor=request.user, job=job)
    return job


def _job_crumbs(job, *tail):
    return _crumbs(("Импорт списка", reverse("people:import_upload")), (job.file_name, None), *tail)


# --- pages ------------------------------------------------------------------------------------
@login_required
def import_upload(request):
    organizations = import_services.organizations_for_import(actor=request.user)
    require(organizations.exists(), import_services.NO_RIGHTS_IMPORT)
    initial = {}
    if org_id := int_or_none(request.GET.get("organization")):
        organization = organizations.filter(pk=org_id).first()
        if organization is not None:
            initial = {"organization": organization.pk, "default_category": _category_for(organization)}
    elif organizations.count() == 1:
        initial = {"default_category": _category_for(organizations.first())}
    form = ImportUploadForm(request.POST or None, request.FILES or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_services.job_create(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                uploaded_file=form.cleaned_data["file"],
                default_category=form.cleaned_data["default_category"],
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("people:import_preview", pk=job.pk)
    return render(
        request,
        "people/import_upload.html",
        {
            "form": form,
            "jobs": import_services.jobs_for(actor=request.user),
            "fields": imports.FIELDS,
            "breadcrumbs": _crumbs(("Импорт списка", None)),
        },
    )


def _category_for(organization) -> str:
    return Category.STUDENT if organization.kind == "college" else Category.PUPIL


@login_required
def import_preview(request, pk):
    job = _job_for(request, pk)
    if job.is_active and not import_services.job_is_stale(job):
        return redirect("people:import_status", pk=job.pk)
    if job.status == ImportStatus.DONE:
        return redirect("people:import_report", pk=job.pk)
    preview, file_error = None, ""
    if request.method == "POST":
        form = MappingForm(request.POST, headers=job.headers, mapping=job.mapping)
        if form.is_valid():
            try:
                preview = import_services.job_remap(actor=request.user, job=job, mapping=form.mapping())
            except ImportFileError as error:
                messages.error(request, error.message)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                if preview.mapping_errors:
                    messages.warning(request, " ".join(preview.mapping_errors))
                else:
                    messages.success(request, "Сопоставление столбцов применено и запомнено для таких файлов.")
            return redirect("people:import_preview", pk=job.pk)
    try:
        preview = import_services.job_preview(actor=request.user, job=job)
    except ImportFileError as error:
        file_error = error.message
    return render(
        request,
        "people/import_preview.html",
        {
            "job": job,
            "preview": preview,
            "file_error": file_error,
            "mapping_form": MappingForm(headers=job.headers, mapping=job.mapping),
            "run_form": RunForm(initial={"skip_bad_rows": job.skip_bad_rows}),
            "errors": job.errors,
            "errors_left_out": max(job.error_count - len(job.errors), 0),
            "breadcrumbs": _job_crumbs(job),
        },
    )


@login_required
@require_POST
def import_run(request, pk):
    job = _job_for(request, pk)
    form = RunForm(request.POST)
    skip = form.is_valid() and form.cleaned_data["skip_bad_rows"]
    try:
        import_services.import_start(actor=request.user, job=job, skip_bad_rows=skip)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:import_preview", pk=job.pk)
    return redirect("people:import_status", pk=job.pk)


@login_required
def import_status(request, pk):
    job = _job_for(request, pk)
    context = {
        "job": job,
        "processed": import_services.job_progress(job),
        "stale": import_services.job_is_stale(job),
        "breadcrumbs": _job_crumbs(job, ("Ход импорта", None)),
    }
    total = job.total_rows or 1
    context["percent"] = 100 if job.status == ImportStatus.DONE else min(99, context["processed"] * 100 // total)
    template = "people/import_status.html#status" if request.htmx else "people/import_status.html"
    return render(request, template, context)


@login_required
def import_report(request, pk):
    job = _job_for(request, pk)
    if job.is_active and not import_services.job_is_stale(job):
        return redirect("people:import_status", pk=job.pk)
    return render(
        request,
        "people/import_report.html",
        {
            "job": job,
            "details": job.details,
            "details_left_out": max(job.created_count + job.updated_count - len(job.details), 0),
            "errors": job.errors,
            "errors_left_out": max(job.error_count - len(job.errors), 0),
            "breadcrumbs": _job_crumbs(job, ("Отчёт", None)),
        },
    )
