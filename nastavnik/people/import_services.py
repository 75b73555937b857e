"""Import of participant lists: a preview that validates the whole file, then a run that writes it.

Rules owned here (the parser, people.imports, owns the reading of cells):
- only the director or curator of the organisation (or an admin) imports into it (403 otherwise);
- a person of the file is the same as one already in the organisation when the external id matches
  (if that column is imported), else when the ФИО (case and «ё» ignored) and the birth date match;
  such a person gets only the fields that differ, anything else is created — so the same file
  imported twice changes nothing;
- every row is checked before anything is written; while some rows are bad nothing is written,
  unless the user chose to skip them; the writing itself is one transaction, so a run that fails
  halfway leaves the list as it was;
- persons are filled exactly as people.services fills them (`person_prepare`), written in batches
  (bulk_create / bulk_update, which bypass django-auditlog's signals, so the audit entries are
  written here too, in bulk, with the job in `additional_data`).

How the run leaves the request: `import_start` marks the job pending and, once that is committed,
starts a daemon thread (`start_worker`) that calls `import_run`. There is no task queue in the project
yet, and a thread needs no extra process to deploy; the price is that a restart of the app server kills
a running import — its transaction rolls back, so nothing is half-written, and a job silent for
15 minutes is shown as interrupted and may be started again. The page polls the job every second.

Progress while the single transaction runs: outside it, the job row is updated as usual; inside it an
update through the same connection would stay invisible to the polling page until the commit, so on
PostgreSQL it goes through a second, autocommitting connection, and on SQLite (one writer at a time)
into the cache.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import JSONField, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from nastavnik.orgs.models import Organization, scope_of

from . import imports
from .access import access_for, require
from .imports import CellError, ImportFileError, ParsedRow
from .models import Category, ImportJob, ImportMapping, ImportStatus, Person
from .services import person_prepare

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
SAMPLE_ROWS = 200
STALE_AFTER = dt.timedelta(minutes=15)
KEEP_UNCONFIRMED = dt.timedelta(days=7)  # an uploaded list nobody imported is deleted after this
NO_RIGHTS_IMPORT = "Загружать списки участников могут руководитель и куратор организации."
TRACKED_FIELDS = (
    "last_name", "first_name", "patronymic", "gender", "birth_date", "category",
    "class_name", "position", "subject", "email", "phone", "external_id", "teaching_since",
)  # fmt: skip
DATE_FIELDS = frozenset({"birth_date", "teaching_since"})
FIELD_LABELS = {name: Person._meta.get_field(name).verbose_name for name in TRACKED_FIELDS}


def _require_import_rights(actor, organization: Organization) -> None:
    require(
        access_for(actor).can_manage(
            org_id=organization.pk,
            municipality_id=organization.municipality_id,
            region_id=organization.municipality.region_id,
        ),
        NO_RIGHTS_IMPORT,
    )


_GC_LOCK = threading.Lock()
_GC_STATE = {"users": 0, "threshold": gc.get_threshold()}


@contextlib.contextmanager
def _rare_gc():
    """Make the cyclic garbage collector run rarely while a file is read: an import keeps a few hundred
    thousand small objects alive (the keys of the rows seen) and makes no reference cycles, and walking
    those objects over and over took a fifth of a 100,000-row import. Process-wide, so counted."""
    with _GC_LOCK:
        if _GC_STATE["users"] == 0:
            _GC_STATE["threshold"] = gc.get_threshold()
            gc.set_threshold(100_000, 100, 100)
        _GC_STATE["users"] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_STATE["users"] -= 1
            if _GC_STATE["users"] == 0:
                gc.set_threshold(*_GC_STATE["threshold"])


# --- reads ------------------------------------------------------------------------------------
def organizations_for_import(*, actor) -> QuerySet[Organization]:
    access = access_for(actor)
    qs = Organization.objects.select_related("municipality").order_by("short_name")
    return qs if access.is_admin else qs.filter(pk__in=access.managed_org_ids)


def job_get_for(*, actor, pk: int) -> ImportJob:
    """A job of an organisation the user sees (404 otherwise); rights to act on it are checked apart."""
    visible = Organization.objects.filter(access_for(actor).organization_q())
    qs = ImportJob.objects.filter(organization__in=visible).select_related("organization__municipality", "created_by")
    return get_object_or_404(qs, pk=pk)


def jobs_for(*, actor, limit: int = 20) -> list[ImportJob]:
    organizations = organizations_for_import(actor=actor)
    return list(
        ImportJob.objects.filter(organization__in=organizations.values("pk"))
        .select_related("organization", "created_by")
        .defer("errors", "details")[:limit]
    )


def require_job_rights(*, actor, job: ImportJob) -> None:
    _require_import_rights(actor, job.organization)


# --- preview ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PreviewCell:
    text: str
    error: str = ""


@dataclass(frozen=True)
class PreviewRow:
    number: int
    cells: tuple[PreviewCell, ...]
    action: str  # create | update | same | error
    errors: tuple[CellError, ...] = ()


@dataclass
class Preview:
    file_name: str
    kind: str
    sheet_name: str
    header_row: int
    headers: tuple[str, ...]
    mapping: dict[str, int]
    suggested_mapping: dict[str, int]
    mapping_source: str  # remembered | suggested | chosen
    mapping_errors: list[str]
    rows: list[PreviewRow] = field(default_factory=list)
    complete: bool = True  # every row was read (not only the sample)
    total_rows: int = 0
    error_rows: int = 0
    error_count: int = 0
    errors: list[CellError] = field(default_factory=list)
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0

    @property
    def columns(self) -> list[tuple[int, str, str]]:
        return [(i, imports.column_letter(i), h) for i, h in enumerate(self.headers)]

    @property
    def can_import(self) -> bool:
        return not self.mapping_errors and self.total_rows > self.error_rows

    @property
    def is_clean(self) -> bool:
        return not self.mapping_errors and self.error_rows == 0 and self.total_rows > 0


def _mapping_for(organization, table, mapping) -> tuple[dict[str, int], dict[str, int], str]:
    """(mapping, suggestion, where the mapping comes from): the given one, else the one remembered for
    files with these headers, else the suggestion from the headers."""
    suggested = imports.suggest_mapping(table.headers)
    remembered = ImportMapping.objects.filter(
        organization=organization, signature=imports.header_signature(table.headers)
    ).first()
    remembered_mapping = imports.clean_mapping(remembered.mapping, table.column_count) if remembered else {}
    if mapping is not None:
        chosen = imports.clean_mapping(mapping, table.column_count)
    else:
        chosen = remembered_mapping or suggested
    if remembered_mapping and chosen == remembered_mapping:
        return chosen, suggested, "remembered"
    return chosen, suggested, "suggested" if chosen == suggested else "chosen"


def import_preview(
    *,
    actor,
    organization: Organization,
    uploaded_file,
    mapping: dict | None = None,
    default_category: str = "",
    file_name: str = "",
    sample_size: int = SAMPLE_ROWS,
    whole_file: bool = True,
) -> Preview:
    """Read the file, map its columns (the given mapping, else the one remembered for files of this
    shape, else the suggestion from the headers) and check every row, writing nothing. With
    `whole_file=False` only the sample rows are read (the page of a job already checked)."""
    _require_import_rights(actor, organization)
    default_category = default_category or _default_category(organization)
    file_name = file_name or getattr(uploaded_file, "name", "") or ""
    with _rare_gc(), imports.open_table(uploaded_file, file_name) as table:
        chosen, suggested, source = _mapping_for(organization, table, mapping)
        preview = Preview(
            file_name=table.name,
            kind=table.kind,
            sheet_name=table.sheet_name,
            header_row=table.header_row,
            headers=table.headers,
            mapping=chosen,
            suggested_mapping=suggested,
            mapping_source=source,
            mapping_errors=imports.check_mapping(chosen, table.headers),
        )
        if preview.mapping_errors:  # show the file as it is, so that the columns can be chosen
            preview.complete = False
            for number, values in table.rows():
                if any(imports.display_value(v) for v in values):
                    step = _Step(ParsedRow(number, tuple(values)), "")
                    preview.rows.append(_preview_row(step, table.column_count))
                    if len(preview.rows) >= sample_size:
                        break
            return preview
        planner = _Planner(organization, default_category, use_external_id="external_id" in chosen, materialize=False)
        parser = imports.RowParser(chosen, table.headers, today=timezone.localdate())
        width = table.column_count
        for steps in planner.plan(_batches(imports.iter_parsed(table, parser), BATCH_SIZE)):
            for step in steps:
                preview.total_rows += 1
                _count(preview, step)
                if len(preview.rows) < sample_size:
                    preview.rows.append(_preview_row(step, width))
            if not whole_file and len(preview.rows) >= sample_size:
                preview.complete = False
                break
    if preview.complete and preview.total_rows == 0:
        raise ImportFileError("Под строкой заголовков нет ни одной строки с данными.")
    return preview


def _count(preview: Preview, step: _Step) -> None:
    if step.errors:
        preview.error_rows += 1
        preview.error_count += len(step.errors)
        room = ImportJob.ERRORS_KEPT - len(preview.errors)
        if room > 0:
            preview.errors.extend(step.errors[:room])
    elif step.action == "create":
        preview.to_create += 1
    elif step.action == "update":
        preview.to_update += 1
    else:
        preview.unchanged += 1


def _preview_row(step: _Step, width: int) -> PreviewRow:
    messages: dict[str, list[str]] = defaultdict(list)
    for error in step.errors:
        messages[error.column].append(error.message)
    values = step.row.values
    cells = []
    for index in range(width):
        value = values[index] if index < len(values) else None
        letter = imports.column_letter(index)
        cells.append(PreviewCell(imports.display_value(value), "; ".join(messages.get(letter, []))))
    return PreviewRow(step.row.number, tuple(cells), step.action, step.errors)


def _default_category(organization: Organization) -> str:
    return Category.STUDENT if organization.kind == "college" else Category.PUPIL


# --- matching -----------------------------------------------------------------------------------
@dataclass
class _Step:
    row: ParsedRow
    action: str  # create | update | same | error
    pk: int | None = None
    person: Person | None = None  # updates only: the person with the new values
    values: dict | None = None  # creates in a run: the new person's columns
    changes: dict = field(default_factory=dict)  # field → (old, new)
    errors: tuple[CellError, ...] = ()

    @property
    def name(self) -> str:
        if self.person is not None:
            return self.person.full_name
        return self.row.full_name


@dataclass(frozen=True, slots=True)
class _Known:
    """A person already in the organisation, as far as matching needs to know."""

    pk: int
    fio_key: str
    birth_date: dt.date | None
    external_id: str


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_NEW_PERSON_RESET = tuple((name, None if name in DATE_FIELDS else "") for name in TRACKED_FIELDS)


class _Planner:
    """Decides, batch by batch, what each row does: create a person, update one, change nothing,
    or nothing because it is bad. Keeps the keys of the organisation's people (not the people) and
    of the rows already seen, to match and to catch the same person twice.

    `materialize`: also prepare the new persons' columns (a run); a preview only counts them, since
    the parser has already checked every rule that preparing checks."""

    def __init__(self, organization: Organization, default_category: str, *, use_external_id: bool, materialize: bool):
        self.organization = organization
        self.default_category = default_category
        self.use_external_id = use_external_id
        self.materialize = materialize
        self.by_fio: dict[str, list[_Known]] = defaultdict(list)
        self.by_ext: dict[str, list[_Known]] = defaultdict(list)
        known = Person.objects.filter(organization=organization).values_list(
            "pk", "fio_key", "birth_date", "external_id"
        )
        for item in known.iterator(chunk_size=5000):
            person = _Known(*item)
            self.by_fio[person.fio_key].append(person)
            if person.external_id:
                self.by_ext[person.external_id].append(person)
        self.rows_by_identity: dict[tuple, int] = {}
        self.rows_by_fio_date: dict[tuple, int] = {}
        self.rows_by_fio_key: dict[str, tuple[int, bool]] = {}  # fio → (first row, some row had no date nor id)
        self.rows_by_person: dict[int, int] = {}
        organization, municipality, region = scope_of(organization)
        self.scratch = Person(organization=organization, municipality=municipality, region=region)
        self.columns = [
            f.attname for f in Person._meta.concrete_fields if f.attname not in ("id", "created_at", "updated_at")
        ]

    def plan(self, batches: Iterable[list[ParsedRow]]) -> Iterator[list[_Step]]:
        for rows in batches:
            yield self._plan_batch(rows)

    def _plan_batch(self, rows: list[ParsedRow]) -> list[_Step]:
        steps = [self._match(row) if row.ok else _Step(row, "error", errors=row.errors) for row in rows]
        ids = [step.pk for step in steps if step.action == "match"]
        current = {}
        if ids:  # only what a comparison needs: most matched rows change nothing
            current = {
                values[0]: dict(zip(TRACKED_FIELDS, values[1:], strict=True))
                for values in Person.objects.filter(pk__in=ids).values_list("pk", *TRACKED_FIELDS)
            }
        steps = [self._build(step, current) if step.action in ("match", "new") else step for step in steps]
        changed = [step for step in steps if step.action == "changed"]
        if changed:
            people = Person.objects.in_bulk([step.pk for step in changed])
            steps = [self._update(step, people.get(step.pk)) if step.action == "changed" else step for step in steps]
        return steps

    def _error(self, row: ParsedRow, message: str, field_key: str = "") -> _Step:
        return _Step(row, "error", errors=(CellError(row.number, "", "", field_key, message),))

    def _match(self, row: ParsedRow) -> _Step:
        key, date = row.fio_key, row.birth_date
        ext = row.external_id if self.use_external_id else ""
        identity = ("ext", ext) if ext else ("fio", key, date)
        if (first := self.rows_by_identity.get(identity)) is not None:
            if ext:
                message = f'Повторяет строку {first}: тот же внешний идентификатор "{ext}"'
                return self._error(row, message, "external_id")
            return self._error(row, f"Повторяет строку {first}: тот же участник (ФИО и дата рождения совпадают)")
        if date and (first := self.rows_by_fio_date.get((key, date))) is not None:
            return self._error(row, f"Тот же человек, что в строке {first}: ФИО и дата рождения совпадают")
        loose = not ext and not date
        if (seen := self.rows_by_fio_key.get(key)) is not None and (loose or seen[1]):
            return self._error(
                row,
                f"Повторяет строку {seen[0]}: то же ФИО, а дата рождения не указана — укажите дату рождения "
                "или внешний идентификатор, чтобы различить участников",
                "birth_date",
            )
        person, how = None, ""
        if ext:
            found = self.by_ext.get(ext, [])
            if len(found) > 1:
                return self._error(row, f'В организации несколько участников с внешним идентификатором "{ext}"')
            if found:
                person, how = found[0], "ext"
        if person is None:
            found = self._same_name(row, self.by_fio.get(key, []))
            if len(found) > 1:
                return self._error(
                    row,
                    f"В организации несколько участников «{row.full_name}»"
                    + (" без даты рождения" if date else "")
                    + ": укажите дату рождения или внешний идентификатор, чтобы различить их",
                )
            if found:
                person, how = found[0], "fio"
                if ext and person.external_id and person.external_id != ext:
                    return self._error(
                        row,
                        f"{row.full_name} уже есть в организации с другим внешним идентификатором "
                        f'"{person.external_id}"',
                        "external_id",
                    )
        if person is not None:
            if (first := self.rows_by_person.get(person.pk)) is not None:
                return self._error(row, f"Этот участник уже встречается в строке {first}")
            moved = how == "ext" and date and (key, date) != (person.fio_key, person.birth_date)
            if moved and any(p.pk != person.pk and p.birth_date == date for p in self.by_fio.get(key, [])):
                return self._error(
                    row,
                    f"{row.full_name}, {date:%d.%m.%Y} г. р., уже есть в организации "
                    "под другим внешним идентификатором",
                )
            self.rows_by_person[person.pk] = row.number
        self.rows_by_identity[identity] = row.number
        if date:
            self.rows_by_fio_date[(key, date)] = row.number
        first_row, had_loose = self.rows_by_fio_key.get(key, (row.number, False))
        self.rows_by_fio_key[key] = (first_row, had_loose or loose)
        return _Step(row, "match", pk=person.pk) if person is not None else _Step(row, "new")

    @staticmethod
    def _same_name(row: ParsedRow, people: list[_Known]) -> list[_Known]:
        """People of the organisation who are this row's person by ФИО and birth date: the same date;
        when the row gives a date nobody with that ФИО has, the one with that ФИО and no date (it gets
        the date); when the row gives no date, everyone with that ФИО."""
        if row.birth_date is None:
            return people
        exact = [p for p in people if p.birth_date == row.birth_date]
        return exact or [p for p in people if p.birth_date is None]

    def _build(self, step: _Step, current: dict) -> _Step:
        row = step.row
        data = row.person_data()
        external_id = data.pop("external_id", "") if self.use_external_id else ""
        data.pop("external_id", None)
        if step.action == "new":
            if not self.materialize:
                return _Step(row, "create")
            person = self.scratch
            for name, empty in _NEW_PERSON_RESET:
                setattr(person, name, empty)
            data.setdefault("category", self.default_category)
            try:
                person_prepare(person, data)
            except ValidationError as error:
                return self._error(row, " ".join(error.messages))
            person.external_id = external_id
            return _Step(row, "create", values={name: getattr(person, name) for name in self.columns})
        values = current.get(step.pk)
        if values is None:
            return self._error(row, "Участник, с которым совпала строка, только что удалён: проверьте файл ещё раз")
        if values["gender"] and not row.gender_given:
            data.pop("gender", None)  # a guess from the patronymic never overrides a recorded gender
        if external_id:
            data["external_id"] = external_id
        if all(values[name] == value for name, value in data.items()):
            return _Step(row, "same", pk=step.pk)  # nothing the file gives differs: no need to prepare
        return _Step(row, "changed", pk=step.pk, values=data)

    def _update(self, step: _Step, person: Person | None) -> _Step:
        row, data = step.row, dict(step.values)
        if person is None:
            return self._error(row, "Участник, с которым совпала строка, только что удалён: проверьте файл ещё раз")
        external_id = data.pop("external_id", "")
        before = {name: getattr(person, name) for name in TRACKED_FIELDS}
        try:
            person_prepare(person, data)
        except ValidationError as error:
            return self._error(row, " ".join(error.messages))
        if external_id:
            person.external_id = external_id
        changes = {n: (before[n], getattr(person, n)) for n in TRACKED_FIELDS if before[n] != getattr(person, n)}
        return _Step(row, "update" if changes else "same", pk=step.pk, person=person, changes=changes)


# --- jobs -------------------------------------------------------------------------------------
def _store_preview(job: ImportJob, preview: Preview) -> None:
    job.file_kind = preview.kind
    job.headers = list(preview.headers)
    job.mapping = preview.mapping
    job.total_rows = preview.total_rows
    job.error_rows = preview.error_rows
    job.error_count = preview.error_count
    job.errors = [e.as_dict() for e in preview.errors]
    job.forecast = {"create": preview.to_create, "update": preview.to_update, "same": preview.unchanged}


def _storage_name(file_name: str) -> str:
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    suffix = suffix if suffix.isalnum() and len(suffix) <= 5 else "dat"
    return f"{uuid.uuid4().hex}.{suffix}"


def job_create(*, actor, organization: Organization, uploaded_file, default_category: str = "") -> ImportJob:
    """Check an uploaded file and keep it as a job waiting for the user's go-ahead.
    Raises ImportFileError (nothing is kept) when the file cannot be read."""
    _require_import_rights(actor, organization)
    default_category = default_category or _default_category(organization)
    if default_category not in Category.values:
        raise ValidationError({"default_category": "Выберите категорию участников из списка."})
    preview = import_preview(
        actor=actor, organization=organization, uploaded_file=uploaded_file, default_category=default_category
    )
    job = ImportJob(
        organization=organization,
        file_name=(preview.file_name or "список")[:255],
        default_category=default_category,
        created_by=actor,
    )
    _store_preview(job, preview)
    uploaded_file.seek(0)
    job.file.save(_storage_name(job.file_name), uploaded_file, save=False)
    job.save()
    _forget_old_files(organization)
    return job


def _forget_old_files(organization: Organization) -> None:
    """Uploaded lists hold personal data: those left unconfirmed for a week are deleted (the job and its
    report stay). An imported list is deleted as soon as the import is done."""
    old = ImportJob.objects.filter(
        organization=organization,
        status__in=[ImportStatus.NEW, ImportStatus.FAILED],
        updated_at__lt=timezone.now() - KEEP_UNCONFIRMED,
    ).exclude(file="")
    for job in old:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def job_preview(*, actor, job: ImportJob, whole_file: bool = False) -> Preview:
    """The preview page of a job: the sample rows (the counts and errors of the whole file are the job's)."""
    _require_import_rights(actor, job.organization)
    if not job.file:
        raise ImportFileError("Файл этого импорта уже удалён: загрузите список заново.")
    try:
        return import_preview(
            actor=actor,
            organization=job.organization,
            uploaded_file=job.file,
            mapping=job.mapping,
            default_category=job.default_category,
            file_name=job.file_name,
            whole_file=whole_file,
        )
    finally:
        job.file.close()


def _remember_mapping(*, actor, organization, headers, mapping) -> None:
    ImportMapping.objects.update_or_create(
        organization=organization,
        signature=imports.header_signature(headers),
        defaults={"headers": list(headers), "mapping": dict(mapping), "updated_by": actor},
    )


def job_remap(*, actor, job: ImportJob, mapping: dict) -> Preview:
    """Apply the columns the user chose: check the whole file again and remember the choice.
    (No transaction around the reading: on SQLite it would hold the write lock for as long.)"""
    _require_import_rights(actor, job.organization)
    if job.status not in (ImportStatus.NEW, ImportStatus.FAILED):
        raise ValidationError("Этот импорт уже запущен: сопоставление столбцов менять поздно.")
    job.mapping = mapping
    preview = job_preview(actor=actor, job=job, whole_file=True)
    _store_preview(job, preview)
    job.status = ImportStatus.NEW
    job.save()
    if not preview.mapping_errors:
        _remember_mapping(actor=actor, organization=job.organization, headers=preview.headers, mapping=preview.mapping)
    return preview


def job_is_stale(job: ImportJob) -> bool:
    """A job left pending or running for long without a sign of life (the server was restarted)."""
    if not job.is_active:
        return False
    last = max(job.updated_at, _cached_progress(job.pk).get("at") or job.updated_at)
    return timezone.now() - last > STALE_AFTER


@transaction.atomic
def import_start(*, actor, job: ImportJob, skip_bad_rows: bool) -> ImportJob:
    """The user's go-ahead: queue the run (it starts once this transaction commits)."""
    _require_import_rights(actor, job.organization)
    job = ImportJob.objects.select_for_update().select_related("organization__municipality").get(pk=job.pk)
    if job.is_active and not job_is_stale(job):
        raise ValidationError("Импорт этого файла уже идёт.")
    if job.status == ImportStatus.DONE:
        raise ValidationError("Этот файл уже импортирован. Чтобы повторить, загрузите его снова.")
    if not job.file:
        raise ValidationError("Файл этого импорта уже удалён: загрузите список заново.")
    problems = imports.check_mapping(job.mapping, job.headers)
    if problems:
        raise ValidationError(problems)
    if job.total_rows and job.error_rows >= job.total_rows:
        raise ValidationError("Во всех строках файла есть ошибки: импортировать нечего.")
    if job.error_rows and not skip_bad_rows:
        raise ValidationError(
            f"В файле есть строки с ошибками ({job.error_rows}). Исправьте файл и загрузите его снова "
            "или отметьте «пропустить строки с ошибками»."
        )
    if job.headers:
        _remember_mapping(actor=actor, organization=job.organization, headers=job.headers, mapping=job.mapping)
    job.status = ImportStatus.PENDING
    job.skip_bad_rows = skip_bad_rows
    job.processed_rows = 0
    job.message = ""
    job.save()
    transaction.on_commit(lambda: start_worker(job.pk))
    return job


def start_worker(job_id: int) -> threading.Thread:
    """Run the import in a daemon thread (see the module's docstring). Tests replace this with a direct call."""
    thread = threading.Thread(target=run_job, args=(job_id,), name=f"import-job-{job_id}", daemon=True)
    thread.start()
    return thread


def run_job(job_id: int, *, close_connections: bool = True) -> None:
    """The thread's body: run one job, whatever happens, and give back its database connections."""
    try:
        job = ImportJob.objects.select_related("organization__municipality", "created_by").get(pk=job_id)
        import_run(job=job, skip_bad_rows=job.skip_bad_rows)
    except Exception:
        logger.exception("import job %s crashed", job_id)
    finally:
        if close_connections:
            connections.close_all()


# --- the run ------------------------------------------------------------------------------------
class _Abort(Exception):
    """Rolls the import's transaction back."""


class _Progress:
    """Writes the job's progress so that the polling page sees it while the import's transaction is open."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.side = None

    def __call__(self, processed: int) -> None:
        now = timezone.now()
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job.pk).update(processed_rows=processed, updated_at=now)
        elif connection.vendor == "postgresql":
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET processed_rows = %s, updated_at = %s WHERE id = %s",
                    [processed, now, self.job.pk],
                )
        else:
            cache.set(_progress_key(self.job.pk), {"processed": processed, "at": now}, 24 * 3600)

    def close(self) -> None:
        cache.delete(_progress_key(self.job.pk))
        if self.side is not None:
            self.side.close()
            self.side = None


def _progress_key(job_id: int) -> str:
    return f"people:import-progress:{job_id}"


def _cached_progress(job_id: int) -> dict:
    return cache.get(_progress_key(job_id)) or {}


def job_progress(job: ImportJob) -> int:
    """Rows processed so far (from the job, or from the cache while SQLite holds the transaction)."""
    return max(job.processed_rows, _cached_progress(job.pk).get("processed", 0))


@dataclass
class _Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    processed: int = 0
    error_count: int = 0
    errors: list = field(default_factory=list)
    details: list = field(default_factory=list)
    aborted: bool = False


def import_run(*, job: ImportJob, skip_bad_rows: bool) -> ImportJob:
    """Write the job's file: every row checked, bad rows skipped only when asked, all in one transaction.
    Never raises for a problem of the file or the data: the job ends done or failed with a Russian message."""
    job.status = ImportStatus.RUNNING
    job.skip_bad_rows = skip_bad_rows
    job.started_at, job.finished_at = timezone.now(), None
    job.processed_rows = job.created_count = job.updated_count = job.unchanged_count = job.skipped_count = 0
    job.message = ""
    job.save()
    progress = _Progress(job)
    outcome = _Outcome()
    try:
        if not job.file:
            raise ImportFileError("Файл этого импорта уже удалён: загрузите список заново.")
        with transaction.atomic():
            _write(job, skip_bad_rows, outcome, progress)
            if outcome.aborted:
                raise _Abort
    except _Abort:
        _finish(job, outcome, ImportStatus.FAILED, _abort_message(outcome))
    except ImportFileError as error:
        _finish(job, outcome, ImportStatus.FAILED, f"{error.message} Ничего не записано.")
    except IntegrityError:
        logger.warning("import job %s: the list changed during the import", job.pk, exc_info=True)
        message = "Пока шёл импорт, список участников изменился. Ничего не записано: запустите импорт ещё раз."
        _finish(job, outcome, ImportStatus.FAILED, message)
    except Exception:
        logger.exception("import job %s failed", job.pk)
        message = "Импорт прервался из-за внутренней ошибки. Ничего не записано; сообщите администратору."
        _finish(job, outcome, ImportStatus.FAILED, message)
    else:
        _finish(job, outcome, ImportStatus.DONE, "")
        job.file.delete(save=False)  # the list holds personal data: it is not kept once imported
        job.save(update_fields=["file"])
    finally:
        progress.close()
        if job.file:
            job.file.close()
    return job


def _abort_message(outcome: _Outcome) -> str:
    return (
        f"В файле есть строки с ошибками ({outcome.skipped}). Ничего не записано: исправьте файл "
        "или запустите импорт с пропуском строк с ошибками."
    )


def _finish(job: ImportJob, outcome: _Outcome, status: str, message: str) -> None:
    done = status == ImportStatus.DONE
    job.status = status
    job.message = message
    job.processed_rows = outcome.processed
    job.created_count = outcome.created if done else 0
    job.updated_count = outcome.updated if done else 0
    job.unchanged_count = outcome.unchanged if done else 0
    job.skipped_count = outcome.skipped
    if outcome.processed or done:
        job.error_count = outcome.error_count
        job.errors = outcome.errors
        job.error_rows = outcome.skipped
    job.details = outcome.details if done else []
    job.finished_at = timezone.now()
    job.save()


def _write(job: ImportJob, skip_bad_rows: bool, outcome: _Outcome, progress: _Progress) -> None:
    organization = job.organization
    planner = _Planner(
        organization, job.default_category, use_external_id="external_id" in job.mapping, materialize=True
    )
    audit = _Audit(job)
    with _rare_gc(), imports.open_table(job.file, job.file_name) as table:
        mapping = imports.clean_mapping(job.mapping, table.column_count)
        problems = imports.check_mapping(mapping, table.headers)
        if problems:
            raise ImportFileError(" ".join(problems))
        parser = imports.RowParser(mapping, table.headers, today=timezone.localdate())
        for steps in planner.plan(_batches(imports.iter_parsed(table, parser), BATCH_SIZE)):
            bad = [s for s in steps if s.errors]
            for step in bad:
                outcome.skipped += 1
                outcome.error_count += len(step.errors)
                room = ImportJob.ERRORS_KEPT - len(outcome.errors)
                if room > 0:
                    outcome.errors.extend(e.as_dict() for e in step.errors[:room])
            if bad and not skip_bad_rows:
                outcome.aborted = True  # keep reading to report every bad row; the transaction rolls back
            if not outcome.aborted:
                _write_batch(steps, outcome, audit)
            outcome.processed += len(steps)
            progress(outcome.processed)


def _write_batch(steps: list[_Step], outcome: _Outcome, audit: _Audit) -> None:
    creates = [s for s in steps if s.action == "create"]
    updates = [s for s in steps if s.action == "update"]
    now = timezone.now()
    if creates:
        ids = _insert(Person, [{**s.values, "created_at": now, "updated_at": now} for s in creates], with_ids=True)
        for step, pk in zip(creates, ids, strict=True):
            step.pk = pk
    if updates:
        fields = {"fio_key", "search_key", "updated_at"}
        for step in updates:
            step.person.updated_at = now
            fields.update(step.changes)
        Person.objects.bulk_update([s.person for s in updates], sorted(fields), batch_size=BATCH_SIZE)
    audit.log(creates, updates, now)
    outcome.created += len(creates)
    outcome.updated += len(updates)
    outcome.unchanged += sum(1 for s in steps if s.action == "same")
    room = ImportJob.ERRORS_KEPT - len(outcome.details)
    for step in [*creates, *updates][: max(room, 0)]:
        outcome.details.append(
            {
                "row": step.row.number,
                "action": "created" if step.action == "create" else "updated",
                "person_id": step.pk,
                "name": step.name,
                "changes": [str(FIELD_LABELS[n]) for n in step.changes],
            }
        )


def _insert(model, rows: list[dict], *, with_ids: bool = False) -> list[int]:
    """Insert rows (attname → value) in one go; returns the new primary keys when asked.

    On PostgreSQL through COPY (Django's bulk_create sends each column as an array literal built in
    Python, several times slower for a 100,000-row list), with the keys taken from the sequence first;
    elsewhere through bulk_create."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH_SIZE)
        return [obj.pk for obj in created]
    from psycopg import sql

    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    defaults = [f.get_default() for f in fields]
    json_positions = [i for i, f in enumerate(fields) if isinstance(f, JSONField)]
    columns = [f.column for f in fields]
    ids: list[int] = []
    with connection.cursor() as cursor:
        if with_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = [item[0] for item in cursor.fetchall()]
            columns = [meta.pk.column, *columns]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        attnames = [f.attname for f in fields]
        with cursor.cursor.copy(statement) as copy:
            for index, row in enumerate(rows):
                values = [row.get(name, default) for name, default in zip(attnames, defaults, strict=True)]
                for position in json_positions:
                    value = values[position]
                    if value is not None and not isinstance(value, RawJson):
                        values[position] = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
                copy.write_row([ids[index], *values] if with_ids else values)
    return ids


class RawJson(str):
    """A JSON value already serialised (for `_insert`)."""


class _Audit:
    """django-auditlog entries for persons written in bulk (its signals do not see bulk writes)."""

    AUDITED = (
        "organization_id", "last_name", "first_name", "patronymic", "gender", "birth_date", "category",
        "class_name", "position", "subject", "email", "phone", "external_id", "teaching_since",
    )  # fmt: skip

    def __init__(self, job: ImportJob):
        self.job = job
        self.content_type_id = ContentType.objects.get_for_model(Person).pk
        extra = {"import_job_id": job.pk, "file": job.file_name}
        self.extra = RawJson(json.dumps(extra, ensure_ascii=False)) if connection.vendor == "postgresql" else extra
        self.raw_json = connection.vendor == "postgresql"

    @staticmethod
    def _text(value) -> str:
        return "None" if value is None else str(value)

    def _entry(self, pk: int, name: str, action: int, changes: dict, now) -> dict:
        return {
            "content_type_id": self.content_type_id,
            "object_pk": str(pk),
            "object_id": pk,
            "object_repr": name,
            "action": action,
            "changes_text": "",
            "changes": RawJson(json.dumps(changes, ensure_ascii=False)) if self.raw_json else changes,
            "actor_id": self.job.created_by_id,
            "timestamp": now,
            "additional_data": self.extra,
        }

    def log(self, creates: list[_Step], updates: list[_Step], now) -> None:
        entries = []
        for step in creates:
            changes = {}
            for name in self.AUDITED:
                value = step.values.get(name)
                if value not in ("", None):
                    changes[name.removesuffix("_id")] = ["None", self._text(value)]
            entries.append(self._entry(step.pk, step.name, LogEntry.Action.CREATE, changes, now))
        for step in updates:
            changes = {
                name: [self._text(old), self._text(new)]
                for name, (old, new) in step.changes.items()
                if name in self.AUDITED
            }
            if changes:
                entries.append(self._entry(step.pk, step.name, LogEntry.Action.UPDATE, changes, now))
        _insert(LogEntry, entries)
