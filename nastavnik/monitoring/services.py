"""Writes of monitoring: impact measurements (by hand, from an XLSX file, from the diagnostics
questionnaires) and the audit-log record of every export of the personified registry.

Only the director and the curator of the organisation (or the coordinator / admin who may manage it)
write; the working group and participants read. Importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction

from nastavnik.core.text import normalize_spaces, search_key
from nastavnik.orgs.models import AcademicYear, Organization
from nastavnik.people.access import access_for, require
from nastavnik.people.models import Person

from .models import Measurement, MeasurementSource, Parameter, Stage, parameter_range

NO_RIGHTS = "Измерения мониторинга влияния вносят руководитель и куратор организации."
IMPORT_HEADERS = ("ФИО", "Дата рождения", "Параметр", "Этап", "Значение", "Дата измерения")
STAGE_WORDS = {"вход": Stage.ENTRY, "на входе": Stage.ENTRY, "входная": Stage.ENTRY, "до": Stage.ENTRY,
               "выход": Stage.EXIT, "на выходе": Stage.EXIT, "итоговая": Stage.EXIT, "после": Stage.EXIT}  # fmt: skip
MAX_IMPORT_ROWS = 20000
# diagnostics questionnaire sections (questionnaires/templates_data.py DIAGNOSTIC_SECTIONS) → parameter
DIAGNOSTIC_PREFIXES = {
    "self_esteem_": Parameter.SELF_ESTEEM,
    "anxiety_": Parameter.ANXIETY,
    "motivation_": Parameter.MOTIVATION,
}
DIAGNOSTIC_STAGES = {"diagnostics_before": Stage.ENTRY, "diagnostics_after": Stage.EXIT}


def can_manage(user, organization: Organization) -> bool:
    return access_for(user).can_manage(
        org_id=organization.pk,
        municipality_id=organization.municipality_id,
        region_id=organization.municipality.region_id,
    )


def _scope(organization: Organization) -> dict:
    return {
        "organization": organization,
        "municipality_id": organization.municipality_id,
        "region_id": organization.municipality.region_id,
    }


def _parameter_label(code: str) -> str:
    return Parameter(code).label


def check_value(parameter: str, value) -> Decimal:
    low, high = parameter_range(parameter)
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": "Введите число, например 4,5."}) from None
    if not number.is_finite() or number < low or number > high:
        raise ValidationError({"value": f"«{_parameter_label(parameter)}»: значение от {low} до {high}."})
    return number.quantize(Decimal("0.01"))


def _check_date(day: dt.date, academic_year: AcademicYear, today: dt.date) -> None:
    if not academic_year.contains(day):
        raise ValidationError({"measured_on": f"Дата измерения должна быть в пределах {academic_year}а."})
    if day > today:
        raise ValidationError({"measured_on": "Дата измерения не может быть в будущем."})


def _save(*, actor, organization, academic_year, person, parameter, stage, value, measured_on, source) -> tuple:
    measurement, created = Measurement.objects.get_or_create(
        person=person, academic_year=academic_year, parameter=parameter, stage=stage,
        defaults={"value": value, "measured_on": measured_on, "source": source, "recorded_by": actor,
                  **_scope(organization)},
    )  # fmt: skip
    if created:
        return measurement, "created"
    if measurement.value == value and measurement.measured_on == measured_on:
        return measurement, "unchanged"
    measurement.value, measurement.measured_on, measurement.source, measurement.recorded_by = (
        value, measured_on, source, actor,
    )  # fmt: skip
    measurement.save(update_fields=["value", "measured_on", "source", "recorded_by", "updated_at"])
    return measurement, "updated"


@transaction.atomic
def measurement_save(
    *, actor, organization: Organization, academic_year: AcademicYear, person: Person, parameter: str, stage: str,
    value, measured_on: dt.date, today: dt.date | None = None,
) -> Measurement:  # fmt: skip
    """Record (or correct) one value; the same person, parameter and stage of the year is one row."""
    from django.utils import timezone

    require(can_manage(actor, organization), NO_RIGHTS)
    if person.organization_id != organization.pk:
        raise ValidationError({"person": "Участник не из этой организации."})
    if parameter not in Parameter.values:
        raise ValidationError({"parameter": "Выберите параметр из списка."})
    if stage not in Stage.values:
        raise ValidationError({"stage": "Выберите этап: на входе или на выходе."})
    number = check_value(parameter, value)
    _check_date(measured_on, academic_year, today or timezone.localdate())
    measurement, _state = _save(
        actor=actor, organization=organization, academic_year=academic_year, person=person, parameter=parameter,
        stage=stage, value=number, measured_on=measured_on, source=MeasurementSource.MANUAL,
    )  # fmt: skip
    return measurement


@transaction.atomic
def measurement_delete(*, actor, measurement: Measurement) -> None:
    require(can_manage(actor, measurement.organization), NO_RIGHTS)
    measurement.delete()


# --- import from XLSX ---------------------------------------------------------------------------------------
@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _cell_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = normalize_spaces(str(value or ""))
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


PARAMETER_WORDS = (
    {search_key(label.split(" (")[0].split(",")[0]): code for code, label in Parameter.choices}
    | {search_key(label): code for code, label in Parameter.choices}
    | {code: code for code in Parameter.values}
)


def _find_header(rows: list[tuple]) -> int | None:
    wanted = {search_key(h) for h in IMPORT_HEADERS}
    for index, row in enumerate(rows[:10]):
        cells = {search_key(str(c or "")) for c in row}
        if {search_key("ФИО"), search_key("Параметр"), search_key("Значение")} <= cells and len(cells & wanted) >= 4:
            return index
    return None


def parse_import(file, *, organization: Organization, academic_year: AcademicYear, today: dt.date) -> tuple[list, list]:
    """Read and check the whole file before anything is written: ([(person, parameter, stage, value, date)],
    [«Строка N, столбец «…»: …»])."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not an XLSX
        return [], ["Не удалось прочитать файл: загрузите таблицу Excel в формате .xlsx."]
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True, max_row=MAX_IMPORT_ROWS + 11))
    book.close()
    header_index = _find_header(rows)
    if header_index is None:
        return [], [f"Не найдена строка заголовков: нужны столбцы {', '.join('«' + h + '»' for h in IMPORT_HEADERS)}."]
    header = [search_key(str(c or "")) for c in rows[header_index]]
    col = {h: header.index(search_key(h)) for h in IMPORT_HEADERS if search_key(h) in header}
    missing = [h for h in IMPORT_HEADERS if h not in col and h != "Дата рождения"]
    if missing:
        return [], [f"В файле нет столбца {', '.join('«' + h + '»' for h in missing)}."]
    data_rows = rows[header_index + 1 :]
    if len(data_rows) > MAX_IMPORT_ROWS:
        return [], [f"В файле больше {MAX_IMPORT_ROWS} строк: разделите его на части."]
    people: dict[str, list] = defaultdict(list)
    for pk, fio_key, birth in Person.objects.filter(organization=organization).values_list(
        "pk", "fio_key", "birth_date"
    ):
        people[fio_key].append((pk, birth))
    parsed, errors, seen = [], [], {}

    def cell(row, name):
        index = col.get(name)
        return row[index] if index is not None and index < len(row) else None

    for number, row in enumerate(data_rows, start=header_index + 2):
        if not any(c not in (None, "") for c in row):
            continue
        row_errors = []
        fio = normalize_spaces(str(cell(row, "ФИО") or ""))
        birth_raw = cell(row, "Дата рождения")
        birth = _cell_date(birth_raw) if birth_raw not in (None, "") else None
        if birth_raw not in (None, "") and birth is None:
            row_errors.append("столбец «Дата рождения»: дата в формате ДД.ММ.ГГГГ")
        person_id = None
        if not fio:
            row_errors.append("столбец «ФИО»: не заполнен")
        else:
            found = people.get(search_key(fio), [])
            if birth:
                found = [p for p in found if p[1] == birth]
            if not found:
                row_errors.append(f"столбец «ФИО»: «{fio}» нет среди участников организации")
            elif len(found) > 1:
                row_errors.append(f"столбец «ФИО»: несколько участников «{fio}» — укажите дату рождения")
            else:
                person_id = found[0][0]
        parameter = PARAMETER_WORDS.get(search_key(str(cell(row, "Параметр") or "")))
        if parameter is None:
            row_errors.append(
                "столбец «Параметр»: один из " + ", ".join(f"«{label.split(' (')[0]}»" for label in Parameter.labels)
            )
        stage = STAGE_WORDS.get(search_key(str(cell(row, "Этап") or "")))
        if stage is None:
            row_errors.append("столбец «Этап»: «на входе» или «на выходе»")
        value = None
        if parameter is not None:
            try:
                value = check_value(parameter, cell(row, "Значение"))
            except ValidationError as error:
                row_errors.append(f"столбец «Значение»: {' '.join(error.messages)}")
        measured_on = _cell_date(cell(row, "Дата измерения"))
        if measured_on is None:
            row_errors.append("столбец «Дата измерения»: дата в формате ДД.ММ.ГГГГ")
        else:
            try:
                _check_date(measured_on, academic_year, today)
            except ValidationError as error:
                row_errors.append(f"столбец «Дата измерения»: {' '.join(error.messages)}")
        key = (person_id, parameter, stage)
        if not row_errors and key in seen:
            row_errors.append(f"повторяет строку {seen[key]} (тот же участник, параметр и этап)")
        if row_errors:
            errors.extend(f"Строка {number}, {message}." for message in row_errors)
            continue
        seen[key] = number
        parsed.append((person_id, parameter, stage, value, measured_on))
    if not parsed and not errors:
        errors.append("В файле нет строк с данными.")
    return parsed, errors


@transaction.atomic
def measurements_import(
    *, actor, organization: Organization, academic_year: AcademicYear, file, today: dt.date | None = None
) -> ImportResult:
    """Nothing is written unless every row is valid; the same file twice changes nothing."""
    from django.utils import timezone

    require(can_manage(actor, organization), NO_RIGHTS)
    parsed, errors = parse_import(
        file, organization=organization, academic_year=academic_year, today=today or timezone.localdate()
    )
    if errors:
        raise ValidationError(errors)
    result = ImportResult()
    people = Person.objects.in_bulk([row[0] for row in parsed])
    for person_id, parameter, stage, value, measured_on in parsed:
        _m, state = _save(
            actor=actor, organization=organization, academic_year=academic_year, person=people[person_id],
            parameter=parameter, stage=stage, value=value, measured_on=measured_on, source=MeasurementSource.IMPORT,
        )  # fmt: skip
        setattr(result, state, getattr(result, state) + 1)
    return result


def import_template_xlsx() -> bytes:
    """An empty file with the expected columns and one example row."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Измерения"
    sheet.append(list(IMPORT_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["Иванова Мария Петровна", "12.03.2013", "Успеваемость", "на входе", 3.4, "15.09.2026"])
    for letter, width in zip("ABCDEF", (34, 16, 36, 12, 10, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- from the diagnostics questionnaires ----------------------------------------------------------------------
@transaction.atomic
def measurements_from_diagnostics(*, actor, organization: Organization, academic_year: AcademicYear) -> ImportResult:
    """Each answered diagnostics questionnaire (before → entry, after → exit) of the organisation's year:
    the mean of each section's 1–10 items becomes the person's self-esteem, anxiety and motivation."""
    from nastavnik.questionnaires.models import Campaign
    from nastavnik.questionnaires.selectors import campaign_answers_by_code

    require(can_manage(actor, organization), NO_RIGHTS)
    campaigns = Campaign.objects.filter(
        organization=organization,
        questionnaire__template_code__in=list(DIAGNOSTIC_STAGES),
        created_at__date__gte=academic_year.start_date,
        created_at__date__lte=academic_year.end_date,
    ).select_related("questionnaire")
    result = ImportResult()
    people = {p.pk: p for p in Person.objects.filter(organization=organization)}
    for campaign in campaigns:
        stage = DIAGNOSTIC_STAGES[campaign.questionnaire.template_code]
        for answers in campaign_answers_by_code(campaign):
            person = people.get(answers.subject_id)
            if person is None:
                continue
            for prefix, parameter in DIAGNOSTIC_PREFIXES.items():
                values = [v for k, v in answers.values.items() if k.startswith(prefix) and isinstance(v, int | float)]
                if not values:
                    continue
                value = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"))
                day = answers.submitted_at.date()
                if not academic_year.contains(day):
                    continue
                _m, state = _save(
                    actor=actor, organization=organization, academic_year=academic_year, person=person,
                    parameter=parameter, stage=stage, value=value, measured_on=day,
                    source=MeasurementSource.DIAGNOSTICS,
                )  # fmt: skip
                setattr(result, state, getattr(result, state) + 1)
    return result


# --- export of the registry -------------------------------------------------------------------------------------
def log_export(*, actor, target, academic_year: AcademicYear | None, what: str, rows: int, filters: dict) -> None:
    """Every export of personal data is in the audit log (DESIGN.md, 152-ФЗ)."""
    year = academic_year.start_year if academic_year else "все годы"
    LogEntry.objects.log_create(
        target,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        changes={"export": [what, f"{year}: {rows} записей"]},
        additional_data={"export": what, "academic_year": year, "rows": rows, "filters": filters},
    )
