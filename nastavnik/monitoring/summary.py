"""The annual summary of a region or a municipality over all its organisations (issue 8: «сводный отчёт
региона по всем организациям», ≤ 60 s with progress for the region of 1,000 organisations).

`summary_start` checks the rights (the coordinator of that region or municipality, or the platform admin)
and queues an `AreaSummary`; a daemon thread (`start_worker` → `run_summary`, the shape of
documents.services.start_worker / run_batch; tests replace `start_worker` with a direct call) builds the
DOCX stage by stage — «Показатели», «Организации», «Диаграммы», «Документ» — and stores it.

`build_summary` is the builder alone (no model row): the benchmark times it on a read-only database.
Figures: `selectors.dashboard(scope, with_chart=False)` for the area (indicators, pairs by form,
problems, the organisation table) and three aggregates of this module for each organisation
(participants, plan completion) — a fixed number of SQL queries whatever the size of the area.
The document is drawn with the documents' `Sheet` (ГОСТ Р 7.0.97-2016 layout of the other documents)
and names no participant: only organisations and counts (the coordinator signs it)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from nastavnik.core.text import date_ru, plural_ru
from nastavnik.mentorships.models import Mentorship, MentorshipMentee, MentorshipStatus
from nastavnik.orgs.models import AcademicYear
from nastavnik.people.access import access_for, require

from . import charts, indicators, selectors
from .indicators import percent_text
from .models import AreaSummary, SummaryLevel, SummaryStatus

logger = logging.getLogger(__name__)

NO_RIGHTS = "Сводный отчёт формирует координатор региона или муниципалитета."
FAILED_MESSAGE = (
    "Сводный отчёт не сформирован из-за внутренней ошибки. Попробуйте сформировать его ещё раз; "
    "если ошибка повторится, сообщите администратору платформы."
)
STALE_MESSAGE = "Формирование прервано (сервер был перезапущен). Сформируйте отчёт заново."
STALE_AFTER = dt.timedelta(minutes=15)
HISTORY = 10
LOWEST = 10
NO_DATA = "нет данных"
_DIGITS = re.compile(r"(\d+)")
_LONG_NUMBER = re.compile(r"(?<![\d,])\d{4,}(?![\d,])")
PARTICIPATING = (MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED)  # pairs of the year that count
STAGES = ("Показатели", "Организации", "Диаграммы", "Документ")
TITLE = "Сводный отчёт о реализации целевой модели наставничества"
KEY_INDICATORS = (
    "coverage_pupils", "coverage_pupils_10_18", "coverage_students", "coverage_staff", "consents", "plans_done",
    "satisfaction",
)  # fmt: skip

PAIRS = ("наставническая пара (группа)", "наставнические пары (группы)", "наставнических пар (групп)")
NO_PAIRS = ("организация без наставнических пар", "организации без наставнических пар",
            "организаций без наставнических пар")  # fmt: skip
STALE = ("действующая пара без встреч более 30 дней", "действующие пары без встреч более 30 дней",
         "действующих пар без встреч более 30 дней")  # fmt: skip
OVERDUE = ("просроченный пункт индивидуальных планов", "просроченных пункта индивидуальных планов",
           "просроченных пунктов индивидуальных планов")  # fmt: skip

Progress = Callable[[int, str], None]


# --- rights and reads ---------------------------------------------------------------------------------------
def can_summarize(actor, level: str, obj) -> bool:
    access = access_for(actor)
    if level == SummaryLevel.REGION:
        return access.covers_area(region_id=obj.pk)
    return access.covers_area(region_id=obj.region_id, municipality_id=obj.pk)


def is_inside(actor, level: str, pk: int) -> bool:
    """Staff of an organisation of the area, or the coordinator of a municipality of the region: they may
    know the area but not make its summary (403 rather than 404)."""
    access = access_for(actor)
    if level == SummaryLevel.REGION:
        return any(access.org_region.get(o) == pk for o in access.staff_org_ids) or any(
            access.municipality_region.get(m) == pk for m in access.municipality_ids
        )
    if level == SummaryLevel.MUNICIPALITY:
        return any(access.org_municipality.get(o) == pk for o in access.staff_org_ids)
    return False


def area_for(*, actor, level: str, pk: int):
    """The region or municipality, scoped as the dashboards are (another area: 404); a user inside the area
    who is not its coordinator: 403."""
    if level not in SummaryLevel.values:
        raise Http404
    try:
        if level == SummaryLevel.REGION:
            obj = selectors.region_for(actor=actor, pk=pk)
        else:
            obj = selectors.municipality_for(actor=actor, pk=pk)
    except Http404:
        require(not is_inside(actor, level, pk), NO_RIGHTS)
        raise
    require(can_summarize(actor, level, obj), NO_RIGHTS)
    return obj


def _area_q(level: str, obj) -> dict:
    if level == SummaryLevel.REGION:
        return {"level": level, "region_id": obj.pk, "municipality__isnull": True}
    return {"level": level, "municipality_id": obj.pk}


def summaries_of(*, level: str, obj, academic_year: AcademicYear, limit: int = HISTORY) -> list[AreaSummary]:
    """The last summaries of the area and year, newest first (the caller resolved the area with area_for)."""
    qs = AreaSummary.objects.filter(**_area_q(level, obj), academic_year=academic_year).select_related(
        "academic_year", "requested_by__person"
    )
    return list(qs.order_by("-created_at", "-id")[:limit])


def summary_get(*, level: str, obj, pk: int) -> AreaSummary:
    try:
        return AreaSummary.objects.select_related("academic_year").get(pk=pk, **_area_q(level, obj))
    except AreaSummary.DoesNotExist as error:
        raise Http404 from error


def is_stale(summary: AreaSummary, now: dt.datetime | None = None) -> bool:
    """Pending or running without a sign of life for 15 minutes: the thread is gone (a restart)."""
    return summary.is_active and summary.updated_at < (now or timezone.now()) - STALE_AFTER


# --- writes -------------------------------------------------------------------------------------------------------
@transaction.atomic
def summary_start(*, actor, level: str, obj, academic_year: AcademicYear) -> AreaSummary:
    """Queue the summary of the area and year (the thread starts once this transaction commits). While one
    is pending or running for the same area and year, that one is returned: a double click makes one."""
    if level not in SummaryLevel.values:
        raise ValidationError("Сводный отчёт формируется для региона или муниципалитета.")
    require(can_summarize(actor, level, obj), NO_RIGHTS)
    # one request at a time per area: the area's row is the lock (a no-op on SQLite, whose writes are serial)
    type(obj).objects.select_for_update().filter(pk=obj.pk).first()
    now = timezone.now()
    active = AreaSummary.objects.filter(
        **_area_q(level, obj), academic_year=academic_year, status__in=(SummaryStatus.PENDING, SummaryStatus.RUNNING)
    )
    for summary in active.order_by("-created_at", "-id"):
        if not is_stale(summary, now):
            return summary
        AreaSummary.objects.filter(pk=summary.pk).update(
            status=SummaryStatus.FAILED, message=STALE_MESSAGE, finished_at=now, updated_at=now
        )
    summary = AreaSummary.objects.create(
        level=level,
        region_id=obj.pk if level == SummaryLevel.REGION else obj.region_id,
        municipality_id=obj.pk if level == SummaryLevel.MUNICIPALITY else None,
        academic_year=academic_year,
        requested_by=actor,
        stage="В очереди",
    )
    summary.is_new = True  # the view tells «started» from «already running»
    transaction.on_commit(lambda: start_worker(summary.pk))
    return summary


def start_worker(summary_id: int) -> threading.Thread:
    """Build the summary in a daemon thread (no task queue in the project; see documents.services).
    Tests replace this with a direct call of `run_summary`."""
    thread = threading.Thread(target=run_summary, args=(summary_id,), name=f"area-summary-{summary_id}", daemon=True)
    thread.start()
    return thread


def _report(summary_id: int, percent: int, stage: str) -> None:
    AreaSummary.objects.filter(pk=summary_id).update(progress=percent, stage=stage, updated_at=timezone.now())


def run_summary(summary_id: int, *, close_connections: bool = True) -> AreaSummary:
    """Build and store the DOCX; any error is kept as a Russian message (status «Ошибка»), never raised."""
    summary = AreaSummary.objects.select_related("region", "municipality__region", "academic_year", "requested_by").get(
        pk=summary_id
    )
    try:
        AreaSummary.objects.filter(pk=summary_id).update(
            status=SummaryStatus.RUNNING, progress=1, stage=STAGES[0], updated_at=timezone.now()
        )
        content = build_summary(
            level=summary.level,
            obj=summary.area,
            academic_year=summary.academic_year,
            signer=summary.requested_by,
            progress=lambda percent, stage: _report(summary_id, percent, stage),
        )
        summary.refresh_from_db()
        summary.file.save(storage_name(summary), ContentFile(content), save=False)
        summary.status = SummaryStatus.DONE
        summary.progress = 100
        summary.stage = "Готово"
        summary.message = ""
        summary.finished_at = timezone.now()
        summary.save()
    except Exception:
        logger.exception("area summary %s failed", summary_id)
        AreaSummary.objects.filter(pk=summary_id).update(
            status=SummaryStatus.FAILED, message=FAILED_MESSAGE, finished_at=timezone.now(), updated_at=timezone.now()
        )
    finally:
        if close_connections:
            connections.close_all()
    return AreaSummary.objects.get(pk=summary_id)


def storage_name(summary: AreaSummary) -> str:
    area = summary.municipality_id if summary.level == SummaryLevel.MUNICIPALITY else summary.region_id
    return f"svodnyj-otchet-{summary.level}-{area}-{summary.academic_year.start_year}-{summary.pk}.docx"


def download_name(summary: AreaSummary) -> str:
    from nastavnik.documents.generators.base import safe_filename

    year = summary.academic_year.start_year
    day = timezone.localtime(summary.finished_at or summary.created_at).date().strftime("%d.%m.%Y")
    return safe_filename(f"Сводный отчёт — {summary.area.name} — {year}-{year + 1} — {day}") + ".docx"


# --- figures ------------------------------------------------------------------------------------------------------
def report_day(academic_year: AcademicYear, today: dt.date | None = None) -> dt.date:
    """Today, within the academic year (a past year is seen on its last day)."""
    day = today or timezone.localdate()
    return min(max(day, academic_year.start_date), academic_year.end_date)


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _participant_pairs(scope):
    """(organisation, person) of every mentor and mentee of the participating pairs of the year: a UNION,
    so a person counts once per organisation whatever the number of their pairs."""
    year = scope.academic_year
    mentees = (
        MentorshipMentee.objects.filter(
            scope.q("mentorship__"), mentorship__academic_year=year, mentorship__status__in=PARTICIPATING
        )
        .order_by()
        .annotate(o=F("mentorship__organization_id"), p=F("person_id"))
        .values_list("o", "p")
    )
    mentors = (
        Mentorship.objects.filter(scope.q(), academic_year=year, status__in=PARTICIPATING)
        .order_by()
        .annotate(o=F("organization_id"), p=F("mentor_id"))
        .values_list("o", "p")
    )
    return mentees.union(mentors).query.sql_with_params()


def participants_by_organization(scope) -> tuple[dict[int, int], int]:
    """Participants (mentors and mentees) of the year's pairs per organisation, and of the whole area."""
    sql, params = _participant_pairs(scope)
    by_org = dict(_rows(f"SELECT t.o, COUNT(*) FROM ({sql}) t GROUP BY t.o", params))
    ((total,),) = _rows(f"SELECT COUNT(DISTINCT t.p) FROM ({sql}) t", params)
    return by_org, int(total or 0)


def number_text(value: int) -> str:
    """«1 000»: thousands with a no-break space."""
    return f"{value:,}".replace(",", "\u00a0")


def natural(name: str) -> tuple:
    """«Школа № 9» before «Школа № 10»: the numbers in a name compared as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(name.casefold()))


def spaced_numbers(text: str) -> str:
    """«48583 из 124800» → «48 583 из 124 800» (the indicators' details)."""
    return _LONG_NUMBER.sub(lambda m: number_text(int(m.group())), text)


@dataclass
class Area:
    level: str
    obj: object
    academic_year: AcademicYear

    @property
    def name(self) -> str:
        return self.obj.name

    @property
    def region(self):
        return self.obj if self.level == SummaryLevel.REGION else self.obj.region

    @property
    def of_area(self) -> str:
        """«региона» / «муниципалитета»: the genitive the sentences need."""
        return "региона" if self.level == SummaryLevel.REGION else "муниципалитета"

    @property
    def in_area(self) -> str:
        return "в регионе" if self.level == SummaryLevel.REGION else "в муниципалитете"


def summary_context(
    *, level: str, obj, academic_year: AcademicYear, signer=None, today: dt.date | None = None,
    progress: Progress | None = None,
) -> dict:  # fmt: skip
    """Everything the document shows, as plain values (no drawing): the tests read it too."""
    report = progress or (lambda percent, stage: None)
    area = Area(level, obj, academic_year)
    day = report_day(academic_year, today)
    scope = selectors.scope_of(level, obj, academic_year, day)

    report(5, STAGES[0])
    dashboard = selectors.dashboard(scope, with_chart=False)
    values = list(dashboard["indicators"])

    report(40, STAGES[1])
    participants, participants_total = participants_by_organization(scope)
    plans = indicators.plans_by_organization(scope)
    organizations = []
    for row in dashboard.get("organizations") or selectors.organization_table(scope):
        plan = plans.get(row["pk"], {"plans": 0, "plans_completion": 0.0})
        plan_sum, plan_count = plan["plans_completion"], plan["plans"]
        organizations.append(
            {
                "pk": row["pk"],
                "name": row["name"],
                "municipality_id": row["municipality_id"],
                "municipality": row["municipality"],
                "participants": participants.get(row["pk"], 0),
                "pairs": row["mentorships"],
                "learners": row["learners"],
                "learners_in": row["learners_in"],
                "coverage": row["coverage"],
                "plan_sum": plan_sum,
                "plans": plan_count,
                "plans_done": round(plan_sum / plan_count, 1) if plan_count else None,
                "stale": row["stale"],
            }
        )
    by_name = sorted(organizations, key=lambda r: (natural(r["municipality"]), natural(r["name"]), r["pk"]))
    municipalities = _municipalities(by_name) if level == SummaryLevel.REGION else []
    with_data = [r for r in organizations if r["coverage"] is not None]
    lowest = sorted(with_data, key=lambda r: (r["coverage"], natural(r["name"])))[:LOWEST]
    forms = [
        {"name": f["form__name"], "active": f["active"], "completed": f["completed"], "total": f["total"]}
        for f in dashboard["forms"]
    ]
    problems = dashboard["problems"]

    report(65, STAGES[2])
    months = dashboard["months"]
    chart_activity = charts.activity_trend(
        months, dashboard["meetings_by_month"], dashboard["journal_by_month"], fmt="png"
    )
    shown_forms = [f for f in forms if f["active"] + f["completed"]]
    chart_forms = (
        charts.forms_bars([f"«{f['name']}»" for f in shown_forms], [f["active"] + f["completed"] for f in shown_forms],
                          fmt="png")
        if shown_forms else b""
    )  # fmt: skip

    report(80, STAGES[3])
    return {
        "area": area,
        "date": date_ru(timezone.localdate()),
        "day": day,
        "year_text": f"{academic_year.start_year}/{academic_year.start_year + 1}",
        "indicators": values,
        "by_code": {v.indicator.code: v for v in values},
        "organizations_total": len(organizations),
        "organizations_with_pairs": sum(1 for r in organizations if r["pairs"]),
        "participants": participants_total,
        "pairs": sum(f["active"] + f["completed"] for f in forms),
        "pairs_active": sum(f["active"] for f in forms),
        "pairs_completed": sum(f["completed"] for f in forms),
        "forms": forms,
        "organizations": by_name,
        "municipalities": municipalities,
        "lowest": lowest,
        "without_learners": len(organizations) - len(with_data),
        "problems": {
            "stale": problems.stale_count,
            "overdue": problems.overdue_count,
            "unconfirmed": problems.unconfirmed_count,
            "without_pairs": sum(1 for r in organizations if not r["pairs"]),
        },
        "meetings_total": sum(dashboard["meetings_by_month"]),
        "journal_total": sum(dashboard["journal_by_month"]),
        "chart_activity": chart_activity,
        "chart_forms": chart_forms,
        "signatory": signatory(level, signer),
    }


def _municipalities(org_rows: list[dict]) -> list[dict]:
    fields = ("participants", "pairs", "learners", "learners_in", "plan_sum", "plans")
    rows = sorted(selectors.municipality_table(org_rows, fields), key=lambda r: natural(r["name"]))
    for row in rows:
        row["plans_done"] = round(row["plan_sum"] / row["plans"], 1) if row["plans"] else None
    return rows


def signatory(level: str, user) -> dict:
    """The coordinator who asked for the summary: the position from their card, «А. С. Петрова»."""
    from nastavnik.documents.text import capitalize_first, signature_name

    default = "Региональный координатор" if level == SummaryLevel.REGION else "Муниципальный координатор"
    person = getattr(user, "person", None) if user is not None else None
    if person is None:
        return {"position": default, "name": ""}
    position = capitalize_first(person.position.strip()) if person.position.strip() else default
    return {"position": position, "name": signature_name(person)}


# --- the Russian sentences -------------------------------------------------------------------------------------
def _count(n: int, one: str, few: str, many: str) -> str:
    return f"{number_text(n)} {plural_ru(n, one, few, many)}"


def _nb(text: str) -> str:
    """«≥ 10 %», «7,1 из 10» kept on one line."""
    return text.replace(" ", "\u00a0")


def conclusions(context: dict) -> list[str]:
    """The conclusions, generated from the figures."""
    area, year = context["area"], context["year_text"]
    total, with_pairs = context["organizations_total"], context["organizations_with_pairs"]
    if not total:
        return [f"В {year} учебном году {area.in_area} нет образовательных организаций: нет данных для выводов."]
    lines = []
    if not context["pairs"]:
        lines.append(
            f"В {year} учебном году наставнические пары и группы в организациях {area.of_area} не сформированы: "
            "показатели эффективности — нет данных."
        )
    else:
        orgs = (
            f"во всех {_count(total, 'организации', 'организациях', 'организациях')} {area.of_area}"
            if with_pairs == total and total > 1
            else f"в {number_text(with_pairs)} {plural_ru(with_pairs, 'организации', 'организациях', 'организациях')} "
            f"из {_count(total, 'организации', 'организаций', 'организаций')} {area.of_area}"
        )
        pairs, people = context["pairs"], context["participants"]
        formed = plural_ru(pairs, "сформирована", "сформированы", "сформировано")
        take = plural_ru(people, "участвует", "участвуют", "участвуют")
        lines.append(
            f"В {year} учебном году целевая модель наставничества реализуется {orgs}: {formed} "
            f"{_count(pairs, *PAIRS)}"
            f", в них {take} {_count(people, 'человек', 'человека', 'человек')}."
        )
    reached, missed, unknown = [], [], []
    for code in KEY_INDICATORS:
        value = context["by_code"].get(code)
        if value is None:
            continue
        name = value.indicator.name[:1].lower() + value.indicator.name[1:]
        if value.value is None:
            unknown.append(name)
        elif value.indicator.target is None:
            continue
        elif value.light == "green":
            reached.append(f"{name}\u00a0— {_nb(value.value_text)} (ориентир {_nb(value.indicator.target_text)})")
        else:
            missed.append(f"{name}\u00a0— {_nb(value.value_text)} (ориентир {_nb(value.indicator.target_text)})")
    if reached:
        lines.append("Достигнуты ориентиры: " + "; ".join(reached) + ".")
    if missed:
        lines.append("Не достигнуты ориентиры: " + "; ".join(missed) + ".")
    if unknown:
        lines.append("Нет данных: " + "; ".join(unknown) + ".")
    problems = context["problems"]
    attention = []
    if problems["without_pairs"] and context["pairs"]:
        attention.append(_count(problems["without_pairs"], *NO_PAIRS))
    if problems["stale"]:
        attention.append(_count(problems["stale"], *STALE))
    if problems["overdue"]:
        attention.append(_count(problems["overdue"], *OVERDUE))
    if attention:
        lines.append("Требуют внимания: " + ", ".join(attention) + ".")
    elif context["pairs"]:
        lines.append("Пар без встреч и просроченных пунктов индивидуальных планов нет.")
    return lines


# --- the document ----------------------------------------------------------------------------------------------
def build_summary(
    *, level: str, obj, academic_year: AcademicYear, signer=None, today: dt.date | None = None,
    progress: Progress | None = None,
) -> bytes:  # fmt: skip
    context = summary_context(
        level=level, obj=obj, academic_year=academic_year, signer=signer, today=today, progress=progress
    )
    return draw(context)


INDICATOR_HEADERS = ("Показатель", "Значение", "Целевое значение", "Достигнут")
TABLE_SIZE = 11  # the tables of the text: one size smaller than the default 12
LONG_TABLE_SIZE = 10  # the per-municipality and per-organisation tables (up to 1,000 rows)
FORM_HEADERS = ("Форма наставничества", "Действуют", "Завершены", "Всего за год")


def _reached(value) -> str:
    if value.value is None:
        return "—"
    if value.indicator.target is None:
        return "—"  # «ориентир не установлен» is in the column before
    return "да" if value.light == "green" else "нет"


def draw(context: dict) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    from nastavnik.documents.generators.layout import Sheet

    area: Area = context["area"]
    region = area.region
    sheet = Sheet(title=TITLE)
    # the region's summary comes from its mentoring centre (РНЦ), a municipality's from the municipality
    if area.level == SummaryLevel.REGION:
        sheet.organization(region.mentoring_centre.strip() or region.name)
    else:
        sheet.organization(area.name)
    sheet.kind("СВОДНЫЙ ОТЧЁТ")
    sheet.paragraph(
        f"о реализации целевой модели наставничества в {context['year_text']} учебном году",
        align="center", bold=True, indent=False, space_after=6,
    )  # fmt: skip
    where = (
        f"Регион: {area.name}" if area.level == SummaryLevel.REGION else f"Муниципалитет: {area.name} ({region.name})"
    )
    sheet.paragraph(where + ".", align="center", indent=False)
    sheet.paragraph(context["date"], align="left", indent=False, space_before=6)
    sheet.paragraph(
        f"Данные мониторинга на {date_ru(context['day'])} по всем образовательным организациям {area.of_area}.",
        space_before=6,
    )

    # 1. key figures
    sheet.heading("1. Ключевые цифры")
    sheet.table(
        ("Показатель", "Значение"),
        [
            ["Образовательных организаций", number_text(context["organizations_total"])],
            ["Из них с наставническими парами (группами) этого года", number_text(context["organizations_with_pairs"])],
            [
                "Участников наставнических пар и групп (наставников и наставляемых)",
                number_text(context["participants"]),
            ],
            ["Действующих и завершённых пар (групп)", number_text(context["pairs"])],
            ["Встреч наставников и наставляемых проведено", number_text(context["meetings_total"])],
        ],
        widths_mm=(130, 50),
    )
    forms = [f for f in context["forms"] if f["active"] + f["completed"]]
    if forms:
        sheet.paragraph("Пары и группы по формам наставничества:", align="left", keep_with_next=True)
        rows = [[f"«{f['name']}»", number_text(f["active"]), number_text(f["completed"]),
                 number_text(f["active"] + f["completed"])] for f in forms]  # fmt: skip
        rows.append(["Итого", number_text(context["pairs_active"]), number_text(context["pairs_completed"]),
                     number_text(context["pairs"])])  # fmt: skip
        sheet.table(FORM_HEADERS, rows, widths_mm=(78, 34, 34, 34), size=TABLE_SIZE, bold_rows=(len(rows) - 1,))
    else:
        sheet.paragraph("Наставнические пары и группы в учебном году не сформированы — нет данных по формам.")

    # 2. indicators
    sheet.heading("2. Показатели эффективности")
    sheet.table(
        INDICATOR_HEADERS,
        [
            [
                v.indicator.name,
                v.value_text + (f"\n({spaced_numbers(v.detail)})" if v.detail else ""),
                v.indicator.target_text,
                _reached(v),
            ]
            for v in context["indicators"]
        ],
        widths_mm=(70, 44, 38, 28),
        size=TABLE_SIZE,
    )

    # 3. municipalities and organisations
    section = 3
    if area.level == SummaryLevel.REGION:
        sheet.heading(f"{section}. Муниципалитеты")
        if context["municipalities"]:
            sheet.table(
                ("Муниципалитет", "Организаций", "Участников", "Пар (групп)", "Охват обучающихся",
                 "Выполнение планов"),
                [[m["name"], number_text(m["organizations"]), number_text(m["participants"]), number_text(m["pairs"]),
                  percent_text(m["coverage"]), percent_text(m["plans_done"])] for m in context["municipalities"]],
                widths_mm=(56, 26, 24, 20, 27, 27), size=LONG_TABLE_SIZE,
            )  # fmt: skip
        else:
            sheet.paragraph(f"В регионе нет муниципалитетов с организациями — {NO_DATA}.")
        section += 1
    sheet.heading(f"{section}. Образовательные организации")
    _organizations_table(sheet, context)
    section += 1

    # 4. the lowest coverage and the problems
    sheet.heading(f"{section}. Организации с наименьшим охватом и проблемы")
    if context["lowest"]:
        sheet.paragraph(
            f"Организации с наименьшим охватом обучающихся наставничеством ({len(context['lowest'])}):",
            align="left", keep_with_next=True,
        )  # fmt: skip
        sheet.table(
            ("№", "Организация", "Муниципалитет", "Обучающихся", "Охвачено", "Охват"),
            [[str(i), r["name"], r["municipality"], number_text(r["learners"]), number_text(r["learners_in"]),
              percent_text(r["coverage"])] for i, r in enumerate(context["lowest"], start=1)],
            widths_mm=(10, 58, 44, 28, 22, 18), size=LONG_TABLE_SIZE,
        )  # fmt: skip
    else:
        sheet.paragraph(f"Охват обучающихся по организациям: {NO_DATA}.")
    problems = context["problems"]
    lines = [
        f"организаций без наставнических пар (групп) этого года — {number_text(problems['without_pairs'])}",
        f"действующих пар без встреч и записей журнала более 30 дней — {number_text(problems['stale'])}",
        f"просроченных пунктов индивидуальных планов — {number_text(problems['overdue'])}",
        f"встреч последних 30 дней, не подтверждённых наставляемыми, — {number_text(problems['unconfirmed'])}",
    ]
    if context["without_learners"] and context["organizations_total"]:
        lines.insert(0, f"организаций без данных об обучающихся (охват не рассчитывается) — "
                        f"{number_text(context['without_learners'])}")  # fmt: skip
    sheet.paragraph("Проблемы по данным мониторинга:", align="left", keep_with_next=True, space_before=6)
    for index, line in enumerate(lines):
        end = ";" if index < len(lines) - 1 else "."
        sheet.paragraph(f"– {line}{end}", indent=False, left_indent_mm=12.5, align="left")
    section += 1

    # 5. charts
    sheet.heading(f"{section}. Диаграммы")
    sheet.paragraph(
        f"Встречи наставников и наставляемых и записи журнала наставника по месяцам (за учебный год проведено "
        f"встреч: {number_text(context['meetings_total'])}, записей журнала: {number_text(context['journal_total'])}):",
        align="left", keep_with_next=True,
    )  # fmt: skip
    sheet.doc.add_picture(io.BytesIO(context["chart_activity"]), width=Mm(170))
    sheet.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if context["chart_forms"]:
        sheet.paragraph("Действующие и завершённые пары (группы) по формам наставничества:", align="left",
                        keep_with_next=True, space_before=6)  # fmt: skip
        sheet.doc.add_picture(io.BytesIO(context["chart_forms"]), width=Mm(150))
        sheet.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    section += 1

    # 6. conclusions and the signature
    sheet.heading(f"{section}. Выводы")
    for line in conclusions(context):
        sheet.paragraph(line)
    sheet.signature(context["signatory"]["position"], context["signatory"]["name"])
    return sheet.to_bytes()


ORG_HEADERS = ("№", "Организация", "Участников", "Пар (групп)", "Охват обучающихся", "Выполнение планов")
ORG_WIDTHS = (12, 70, 24, 20, 27, 27)


def _organizations_table(sheet, context: dict) -> None:
    """One row per organisation (for a region under a bold row of its municipality, merged across)."""
    rows_data = context["organizations"]
    if not rows_data:
        sheet.paragraph(f"Образовательных организаций нет — {NO_DATA}.")
        return
    rows, group_rows = [], []
    current = None
    for number, r in enumerate(rows_data, start=1):
        if context["area"].level == SummaryLevel.REGION and r["municipality_id"] != current:
            current = r["municipality_id"]
            group_rows.append(len(rows))
            rows.append([r["municipality"], "", "", "", "", ""])
        rows.append([str(number), r["name"], number_text(r["participants"]), number_text(r["pairs"]),
                     percent_text(r["coverage"]), percent_text(r["plans_done"])])  # fmt: skip
    table = sheet.table(ORG_HEADERS, rows, widths_mm=ORG_WIDTHS, size=LONG_TABLE_SIZE, bold_rows=group_rows)
    trs = table._tbl.tr_lst
    for index in group_rows:
        _merge_row(trs[index + 1])


def _merge_row(tr) -> None:
    """Merge a row's cells into its first (gridSpan), keeping the first cell's text: cheaper than
    python-docx's Cell.merge, which walks the whole table for each row."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    cells = tr.tc_lst
    first, rest = cells[0], cells[1:]
    width = sum(tc.width or 0 for tc in cells)
    for tc in rest:
        tr.remove(tc)
    tcpr = first.get_or_add_tcPr()
    span = OxmlElement("w:gridSpan")
    span.set(qn("w:val"), str(len(cells)))
    tcpr.append(span)
    if width:
        first.width = width
