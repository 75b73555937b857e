"""Writes of the documents app. Rules owned here:

- only the director and the curator of the organisation (and the platform admin) issue, regenerate,
  attach scans, change the settings and the templates (403 otherwise); the working group and the
  coordinators read the register; another organisation is a 404 (the selectors);
- every issued document is in the register with its number, date, author, the options and the data it
  was made from (a JSON snapshot of the context) and the file; the number is the organisation's own:
  a series per kind of document (all orders share one) and per academic year, formatted by the
  organisation's pattern («{n}-н» → «15-н»); a number typed by hand must be free in its series;
- regenerating makes a new version of the same entry (same number and date, today's data);
- a protocol takes the number of its meeting: issuing it again is a new version, not a second entry;
- the same form sent twice (a double click) is one document: the form carries a one-time key;
- an organisation's own template is checked on upload against demo data (a broken one is refused with
  a Russian message naming the problem); if it fails later, the built-in layout is used and the user
  is told why;
- batches (certificates for many persons) run in a background thread (as people.import_services
  runs imports) and give one ZIP; each document of a batch is in the register too.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, transaction
from django.db.models import Max
from django.utils import timezone

from nastavnik.core.text import search_key
from nastavnik.orgs.models import AcademicYear, Organization
from nastavnik.people.access import require

from . import selectors, templating
from .generators import registry
from .generators.base import RenderedFile, resolve
from .models import (
    BatchJob,
    BatchStatus,
    CustomTemplate,
    DocumentSettings,
    DocumentVersion,
    IssuedDocument,
)

logger = logging.getLogger(__name__)

NO_RIGHTS = "Документы формируют руководитель и куратор организации."
NO_SETTINGS_RIGHTS = "Настройки и шаблоны документов меняют руководитель и куратор организации."
SCAN_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}
SCAN_MAX_BYTES = 20 * 1024 * 1024
FONTS = ("Times New Roman", "PT Astra Serif", "PT Serif", "Liberation Serif", "Arial", "Calibri")
BATCH_MAX = 2000
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _require_write(actor, organization: Organization, message: str = NO_RIGHTS) -> None:
    require(selectors.rights_for(actor, organization).write, message)


def _log(actor, document: IssuedDocument, what: str, **data) -> None:
    LogEntry.objects.log_create(
        document,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        changes={"document": [what, f"{document.title} № {document.number}"]},
        additional_data={"document": what, "generator": document.generator_id, **data},
    )


# --- numbering ------------------------------------------------------------------------------------
def format_number(pattern: str, *, n: int, year: int) -> str:
    return pattern.replace("{n}", str(n)).replace("{year}", str(year))


def check_pattern(pattern: str, field: str) -> str:
    pattern = (pattern or "").strip()
    if "{n}" not in pattern:
        raise ValidationError({field: "В шаблоне номера должно быть {n} — место порядкового номера, например «{n}-н»."})
    unknown = [p for p in _PLACEHOLDER.findall(pattern) if p not in ("n", "year")]
    if unknown:
        raise ValidationError({field: f"Неизвестная подстановка {{{unknown[0]}}}: можно {{n}} и {{year}}."})
    return pattern


def _pattern_for(generator, settings: DocumentSettings) -> str:
    return settings.order_number_pattern if generator.number_series == "order" else settings.number_pattern


def _series_entries(organization, academic_year, series):
    return IssuedDocument.objects.filter(organization=organization, academic_year=academic_year, series=series)


def _next_number(generator, organization, academic_year) -> tuple[int, str]:
    entries = _series_entries(organization, academic_year, generator.number_series)
    n = (entries.aggregate(n=Max("sequence"))["n"] or 0) + 1
    pattern = _pattern_for(generator, selectors.settings_for(organization))
    while entries.filter(number=format_number(pattern, n=n, year=academic_year.start_year)).exists():
        n += 1
    return n, format_number(pattern, n=n, year=academic_year.start_year)


# --- rendering ---------------------------------------------------------------------------------------
@dataclass
class Rendered:
    file: RenderedFile
    context: dict
    template_name: str = ""
    warning: str = ""


def render_document(generator, *, actor, options: dict, organization: Organization) -> Rendered:
    """The document by the organisation's own template when it has one that works, else the built-in one."""
    context = generator.build_context(actor=actor, options=options)
    template = (
        selectors.active_template(organization=organization, generator_id=generator.identifier)
        if generator.custom_templates
        else None
    )
    if template is not None:
        try:
            with template.file.open("rb") as handle:
                content = templating.render_template(handle.read(), context)
            return Rendered(
                RenderedFile(generator.filename(context), generator.content_type, content), context, template.name
            )
        except (templating.TemplateProblem, OSError) as error:
            problem = " ".join(error.messages) if isinstance(error, ValidationError) else "файл шаблона не найден"
            warning = f"Шаблон «{template.name}» не сработал ({problem}) — документ сформирован по встроенному образцу."
            return Rendered(generator.render_context(context), context, "", warning)
    return Rendered(generator.render_context(context), context)


def _store_version(document: IssuedDocument, rendered: Rendered, actor, version: int) -> DocumentVersion:
    item = DocumentVersion(
        document=document,
        version=version,
        filename=rendered.file.filename,
        content_type=rendered.file.content_type,
        size=len(rendered.file.content),
        context=rendered.context,
        template_name=rendered.template_name,
        created_by=actor,
    )
    suffix = Path(rendered.file.filename).suffix or ".docx"
    item.file.save(
        f"{document.generator_id}-{document.pk}-v{version}{suffix}", ContentFile(rendered.file.content), save=False
    )
    item.save()
    return item


@dataclass
class IssueResult:
    document: IssuedDocument
    version: DocumentVersion
    warning: str = ""
    repeated: bool = False  # the same form came twice: nothing new was made


def _clean_options(options: dict, organization: Organization, academic_year: AcademicYear) -> dict:
    cleaned = {k: v for k, v in options.items() if k != "request_key"}
    cleaned["organization_id"], cleaned["year"] = organization.pk, academic_year.start_year
    return cleaned


@transaction.atomic
def document_issue(*, actor, generator_id: str, options: dict) -> IssueResult:
    """Render a document, give it the next number of its series (or the one typed, or its meeting's),
    store the file and the data snapshot, and put it in the register."""
    generator = registry.get(generator_id)
    organization, academic_year = resolve(actor, options)
    _require_write(actor, organization)
    key = str(options.get("request_key") or "")[:64]
    repeated = selectors.issued_by_request_key(organization=organization, key=key)
    if repeated is not None:
        return IssueResult(repeated, repeated.versions.order_by("-version").first(), repeated=True)
    options = _clean_options(options, organization, academic_year)
    fixed_date = generator.fixed_date(actor=actor, options=options)
    if fixed_date is not None:
        options["date"] = fixed_date.isoformat()
    options["date"] = options.get("date") or timezone.localdate().isoformat()
    series = generator.number_series
    fixed = generator.fixed_number(actor=actor, options=options)
    typed = str(options.get("number") or "").strip()
    entries = _series_entries(organization, academic_year, series)
    sequence = (entries.aggregate(n=Max("sequence"))["n"] or 0) + 1
    if fixed is not None:
        existing = entries.filter(number=fixed).first()
        if existing is not None:
            existing.options = options
            existing.save(update_fields=["options", "updated_at"])
            return document_regenerate(actor=actor, document=existing)
        number = fixed
    elif typed:
        if entries.filter(number=typed).exists():
            taken = entries.get(number=typed)
            raise ValidationError(
                {"number": f"Номер {typed} уже есть в реестре: {taken.title} от {taken.date:%d.%m.%Y}."}
            )
        number = typed
    else:
        sequence, number = _next_number(generator, organization, academic_year)
    options["number"] = number
    rendered = render_document(generator, actor=actor, options=options, organization=organization)
    title = generator.title_ru
    subject = generator.subject(rendered.context)[:300]
    document = IssuedDocument(
        organization=organization,
        academic_year=academic_year,
        generator_id=generator.identifier,
        series=series,
        sequence=sequence,
        number=number,
        date=dt.date.fromisoformat(options["date"]),
        title=title,
        subject=subject,
        options=options,
        author=actor,
        request_key=key,
        search_key=search_key(number, title, subject, rendered.context["document"]["date"],
                              dt.date.fromisoformat(options["date"]).strftime("%d.%m.%Y")),
    )  # fmt: skip
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as error:
        raise ValidationError(
            {"number": f"Номер {number} только что занят другим документом: сформируйте ещё раз."}
        ) from error
    version = _store_version(document, rendered, actor, 1)
    _log(actor, document, "issued")
    return IssueResult(document, version, rendered.warning)


@transaction.atomic
def document_issue_decided(
    *, actor, generator_id: str, organization: Organization, academic_year: AcademicYear, options: dict, day: dt.date
) -> IssuedDocument:
    """A document the region decides on for an organisation (the curator's certificate): put in that
    organisation's register with its series' next number, rendered and stored as `document_issue` does.
    The caller has checked the actor's right to decide (document_issue lets only the organisation's own
    director and curator issue)."""
    generator = registry.get(generator_id)
    options = {**_clean_options(options, organization, academic_year), "date": day.isoformat()}
    sequence, number = _next_number(generator, organization, academic_year)
    options["number"] = number
    rendered = render_document(generator, actor=actor, options=options, organization=organization)
    subject = generator.subject(rendered.context)[:300]
    document = IssuedDocument.objects.create(
        organization=organization,
        academic_year=academic_year,
        generator_id=generator.identifier,
        series=generator.number_series,
        sequence=sequence,
        number=number,
        date=day,
        title=generator.title_ru,
        subject=subject,
        options=options,
        author=actor,
        search_key=search_key(number, generator.title_ru, subject, rendered.context["document"]["date"],
                              day.strftime("%d.%m.%Y")),
    )  # fmt: skip
    _store_version(document, rendered, actor, 1)
    _log(actor, document, "issued")
    return document


@transaction.atomic
def document_regenerate(*, actor, document: IssuedDocument) -> IssueResult:
    """A new version of the same register entry: the same number and date, the data as it is today."""
    _require_write(actor, document.organization)
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    generator = registry.get(document.generator_id)
    rendered = render_document(generator, actor=actor, options=document.options, organization=document.organization)
    document.current_version += 1
    document.subject = generator.subject(rendered.context)[:300]
    document.save(update_fields=["current_version", "subject", "updated_at"])
    version = _store_version(document, rendered, actor, document.current_version)
    _log(actor, document, "regenerated", version=document.current_version)
    return IssueResult(document, version, rendered.warning)


@transaction.atomic
def document_attach_scan(*, actor, document: IssuedDocument, scan) -> IssuedDocument:
    """The signed paper copy (PDF or a photo), replacing an earlier scan."""
    _require_write(actor, document.organization)
    if scan is None:
        raise ValidationError({"scan": "Выберите файл скана."})
    suffix = Path(scan.name).suffix.lower()
    if suffix not in SCAN_TYPES:
        raise ValidationError({"scan": "Скан принимается в PDF, JPG или PNG."})
    if scan.size > SCAN_MAX_BYTES:
        raise ValidationError({"scan": "Файл скана больше 20 МБ."})
    document.scan.save(f"scan-{document.pk}{suffix}", scan, save=False)
    document.scan_name = Path(scan.name).name[:255]
    document.scan_uploaded_at = timezone.now()
    document.scan_uploaded_by = actor
    document.save()
    _log(actor, document, "scan_attached")
    return document


def log_download(*, actor, document: IssuedDocument, version: int, file_format: str) -> None:
    """Every download of a document (they carry personal data) is in the audit log (152-ФЗ)."""
    _log(actor, document, "downloaded", version=version, format=file_format)


def log_batch_download(*, actor, job: BatchJob) -> None:
    LogEntry.objects.log_create(
        job.organization,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        changes={"export": [job.generator_id, f"пакет из {job.total} документов"]},
        additional_data={"export": "documents_batch", "batch": job.pk, "rows": job.total},
    )


# --- settings -------------------------------------------------------------------------------------
@transaction.atomic
def document_settings_save(
    *,
    actor,
    organization: Organization,
    font_name: str,
    font_size: int,
    place: str,
    text_name: str,
    order_number_pattern: str,
    number_pattern: str,
    signatory_position: str = "",
    signatory_name: str = "",
) -> DocumentSettings:
    _require_write(actor, organization, NO_SETTINGS_RIGHTS)
    if font_name not in FONTS:
        raise ValidationError({"font_name": "Выберите шрифт из списка."})
    if not 10 <= int(font_size) <= 16:
        raise ValidationError({"font_size": "Размер шрифта — от 10 до 16 пт (ГОСТ Р 7.0.97-2016 советует 12–14)."})
    name = " ".join((signatory_name or "").split())
    if name and len(name.split()) < 2:
        raise ValidationError({"signatory_name": "Укажите фамилию, имя и отчество подписывающего полностью."})
    settings = selectors.settings_for(organization)
    settings.font_name, settings.font_size = font_name, int(font_size)
    settings.place = " ".join((place or "").split())
    settings.text_name = " ".join((text_name or "").split())
    settings.order_number_pattern = check_pattern(order_number_pattern, "order_number_pattern")
    settings.number_pattern = check_pattern(number_pattern, "number_pattern")
    settings.signatory_position = " ".join((signatory_position or "").split())
    settings.signatory_name = name
    settings.updated_by = actor
    settings.save()
    return settings


# --- own templates ---------------------------------------------------------------------------------
@transaction.atomic
def template_upload(*, actor, organization: Organization, generator_id: str, file, name: str = "") -> CustomTemplate:
    """Check the .docx against the generator's demo data and make it the one in use for that document."""
    _require_write(actor, organization, NO_SETTINGS_RIGHTS)
    generator = registry.get(generator_id)
    if not generator.custom_templates:
        raise ValidationError({"generator_id": "Для этого документа свой шаблон не предусмотрен (это таблица XLSX)."})
    if file is None:
        raise ValidationError({"file": "Выберите файл шаблона .docx."})
    if not file.name.lower().endswith(".docx"):
        raise ValidationError({"file": "Шаблон принимается в формате .docx (Word 2007 и новее)."})
    content = file.read()
    try:
        templating.check_template(content, generator.sample_context())
    except templating.TemplateProblem as problem:
        raise ValidationError({"file": problem.messages}) from problem
    CustomTemplate.objects.filter(organization=organization, generator_id=generator_id, is_active=True).update(
        is_active=False
    )
    template = CustomTemplate(
        organization=organization,
        generator_id=generator_id,
        name=(name or "").strip()[:200] or Path(file.name).stem[:200],
        uploaded_by=actor,
    )
    template.file.save(f"{organization.pk}-{generator_id}.docx", ContentFile(content), save=False)
    template.save()
    return template


@transaction.atomic
def template_set_active(*, actor, template: CustomTemplate, is_active: bool) -> CustomTemplate:
    _require_write(actor, template.organization, NO_SETTINGS_RIGHTS)
    if is_active:
        CustomTemplate.objects.filter(
            organization=template.organization, generator_id=template.generator_id, is_active=True
        ).exclude(pk=template.pk).update(is_active=False)
    template.is_active = is_active
    template.save(update_fields=["is_active", "updated_at"])
    return template


def template_preview(*, actor, template: CustomTemplate) -> RenderedFile:
    """The template filled with demo data (nothing is written)."""
    generator = registry.get(template.generator_id)
    with template.file.open("rb") as handle:
        content = templating.render_template(handle.read(), generator.sample_context())
    return RenderedFile(f"Предпросмотр — {template.name}.docx", generator.content_type, content)


# --- batches ------------------------------------------------------------------------------------------
@transaction.atomic
def batch_start(
    *, actor, organization: Organization, academic_year: AcademicYear, generator_id: str, options: dict, person_ids
) -> BatchJob:
    """Queue documents of one kind for many persons (the thread starts once this transaction commits)."""
    _require_write(actor, organization)
    generator = registry.get(generator_id)
    if not generator.batch_role:
        raise ValidationError("Этот документ формируется по одному.")
    person_ids = sorted({int(pk) for pk in person_ids})
    if not person_ids:
        raise ValidationError({"people": "Выберите хотя бы одного участника."})
    if len(person_ids) > BATCH_MAX:
        raise ValidationError({"people": f"За один раз — не больше {BATCH_MAX} документов."})
    known = set(selectors.people_of(organization=organization).filter(pk__in=person_ids).values_list("pk", flat=True))
    if known != set(person_ids):
        raise ValidationError({"people": "Среди выбранных есть участники другой организации."})
    job = BatchJob.objects.create(
        organization=organization,
        academic_year=academic_year,
        generator_id=generator_id,
        options={k: v for k, v in options.items() if k not in ("person", "request_key", "number")},
        person_ids=person_ids,
        total=len(person_ids),
        created_by=actor,
    )
    transaction.on_commit(lambda: start_worker(job.pk))
    return job


def start_worker(job_id: int) -> threading.Thread:
    """Run the batch in a daemon thread (no task queue in the project; see people.import_services).
    Tests replace this with a direct call."""
    thread = threading.Thread(target=run_batch, args=(job_id,), name=f"documents-batch-{job_id}", daemon=True)
    thread.start()
    return thread


def run_batch(job_id: int, *, close_connections: bool = True) -> BatchJob:
    """Issue every document of the batch (each in its own transaction, so progress is visible and a
    restart loses nothing made so far; the one-time key per person makes a re-run skip them) and zip them."""
    job = BatchJob.objects.select_related("organization__municipality", "academic_year", "created_by").get(pk=job_id)
    try:
        BatchJob.objects.filter(pk=job.pk).update(status=BatchStatus.RUNNING, updated_at=timezone.now())
        generator = registry.get(job.generator_id)
        buffer = io.BytesIO()
        skipped: list[str] = []
        names: set[str] = set()
        with selectors.memo(), zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for index, person_id in enumerate(job.person_ids, start=1):
                options = {
                    **job.options,
                    "organization_id": job.organization_id,
                    "year": job.academic_year.start_year,
                    "person": person_id,
                    "request_key": f"batch-{job.pk}-{person_id}",
                }
                try:
                    result = document_issue(actor=job.created_by, generator_id=generator.identifier, options=options)
                    with result.version.file.open("rb") as handle:
                        name = _unique(result.version.filename, names)
                        archive.writestr(name, handle.read())
                except ValidationError as error:
                    skipped.append(" ".join(error.messages))
                BatchJob.objects.filter(pk=job.pk).update(processed=index, updated_at=timezone.now())
        job.refresh_from_db()
        job.archive.save(f"batch-{job.pk}.zip", ContentFile(buffer.getvalue()), save=False)
        job.status = BatchStatus.DONE
        job.message = "\n".join(skipped)
        job.finished_at = timezone.now()
        job.save()
    except Exception as error:
        logger.exception("documents batch %s failed", job_id)
        BatchJob.objects.filter(pk=job_id).update(
            status=BatchStatus.FAILED, message=f"Пакет не сформирован: {error}", finished_at=timezone.now()
        )
    finally:
        if close_connections:
            connections.close_all()
    return BatchJob.objects.get(pk=job_id)


def _unique(name: str, taken: set[str]) -> str:
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{stem} ({n}){suffix}"
        n += 1
    taken.add(candidate)
    return candidate
