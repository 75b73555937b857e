"""Reads of monitoring: the scopes of the dashboards, the dashboards themselves, the personified
registry, process (satisfaction) and impact (entry → exit) monitoring.

Scope (people/access.py): staff (director, curator, working group) see their organisation; a municipal
coordinator their municipality and its organisations; a regional coordinator their region; anything
else is a 404. Every dashboard is a fixed number of SQL aggregates whatever the size of the scope
(tests/monitoring/test_queries.py counts them at N and 2N rows).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import (
    Avg,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Concat
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from nastavnik.mentorships.models import (
    Meeting,
    MeetingConfirmation,
    Mentorship,
    MentorshipMentee,
    MentorshipStatus,
    PlanItem,
)
from nastavnik.orgs.models import AcademicYear, Municipality, Organization, Region
from nastavnik.people.access import access_for, require
from nastavnik.people.models import Category, Person

from . import charts
from .indicators import (
    PARTICIPATING,
    Scope,
    compute,
    people_numbers_by_organization,
    satisfaction_by,
    share,
)
from .models import LOWER_IS_BETTER, Measurement, Parameter, Stage

STALE_DAYS = 30
PROBLEM_ROWS = 20


def require_staff(actor) -> None:
    require(access_for(actor).sees_registers, "Мониторинг доступен сотрудникам организации и координаторам.")


# --- scopes -------------------------------------------------------------------------------------------------
def organization_for(*, actor, pk: int) -> Organization:
    from nastavnik.orgs.selectors import organization_get_for

    organization = organization_get_for(actor=actor, pk=pk)
    access = access_for(actor)
    # a participant of the organisation (mentor, mentee, guardian) is not staff: not found
    if not (access.is_admin or access.is_coordinator or pk in access.staff_org_ids):
        from django.http import Http404

        raise Http404
    return organization


def municipalities_visible(actor) -> QuerySet[Municipality]:
    access = access_for(actor)
    if access.is_admin:
        return Municipality.objects.select_related("region")
    return Municipality.objects.filter(
        Q(region_id__in=access.region_ids) | Q(pk__in=access.municipality_ids)
    ).select_related("region")


def regions_visible(actor) -> QuerySet[Region]:
    access = access_for(actor)
    if access.is_admin:
        return Region.objects.all()
    return Region.objects.filter(pk__in=access.region_ids)


def municipality_for(*, actor, pk: int) -> Municipality:
    return get_object_or_404(municipalities_visible(actor), pk=pk)


def region_for(*, actor, pk: int) -> Region:
    return get_object_or_404(regions_visible(actor), pk=pk)


def academic_year(start_year: int) -> AcademicYear:
    return get_object_or_404(AcademicYear, start_year=start_year)


def scope_of(level: str, obj, year: AcademicYear, today: dt.date) -> Scope:
    return Scope(level=level, pk=obj.pk, academic_year=year, today=today)


def mentorship_url(pk: int) -> str:
    """The mentorship's page (drill-down to the pair)."""
    return reverse("mentorships:detail", args=[pk])


# --- dashboards -------------------------------------------------------------------------------------------
@dataclass
class Problems:
    stale: list
    stale_count: int
    overdue: list
    overdue_count: int
    unconfirmed: list
    unconfirmed_count: int


def year_months(year: AcademicYear, today: dt.date) -> list[str]:
    """«YYYY-MM» from September to the current month (or to August of a past year)."""
    months, day = [], year.start_date
    last = min(today, year.end_date)
    while day <= last:
        months.append(f"{day.year}-{day.month:02d}")
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months or [f"{year.start_date.year}-09"]


def _moment(day: dt.date) -> dt.datetime:
    """Midnight of the day in the current time zone (an indexable range instead of `__date`)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _month_key(value) -> str:
    return f"{value.year}-{value.month:02d}"


def _month_starts(months: list[str]) -> list[dt.date]:
    """The first day of each «YYYY-MM» and of the month after the last."""
    starts = [dt.date(int(m[:4]), int(m[5:]), 1) for m in months]
    last = starts[-1]
    return [*starts, dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)]


def _held_meetings(scope: Scope, moments: list[dt.datetime]) -> QuerySet[Meeting]:
    """Held meetings of the scope's pairs of the year starting from the first to before the last moment."""
    return Meeting.objects.filter(
        scope.q("mentorship__"),
        mentorship__academic_year=scope.academic_year,
        status="held",
        starts_at__gte=moments[0],
        starts_at__lt=moments[-1],
    )


def _journal_entries(scope: Scope, days: list[dt.date]):
    """Journal entries of the scope's pairs of the year from the first of the days to before the last one
    (and not after the year's end)."""
    from nastavnik.mentorships.models import JournalEntry

    year = scope.academic_year
    return JournalEntry.objects.filter(
        scope.q("mentorship__"),
        mentorship__academic_year=year,
        date__gte=days[0],
        date__lt=min(days[-1], year.end_date + dt.timedelta(days=1)),
    )


def _per_month(field: str, bounds: list) -> dict:
    """One count per month, «m0», «m1»…: `field` in [bounds[i], bounds[i + 1]) — a range compared as stored, no
    date_trunc with a time zone conversion for each of the region's 250,000 meetings of the year."""
    return {
        f"m{i}": Count("pk", filter=Q(**{f"{field}__gte": bounds[i], f"{field}__lt": bounds[i + 1]}))
        for i in range(len(bounds) - 1)
    }


def activity_by_month(scope: Scope) -> tuple[list[str], list[int], list[int]]:
    """Meetings held and journal entries per month of the year (the months shown: September to the current
    one): two aggregates."""
    months = year_months(scope.academic_year, scope.today)
    days = _month_starts(months)
    moments = [_moment(day) for day in days]
    meetings = _held_meetings(scope, moments).aggregate(**_per_month("starts_at", moments))
    # by day, summed to months here (at most 366 rows): grouping by the column itself, no date_trunc either
    journal = _journal_entries(scope, days).order_by().values("date").annotate(n=Count("pk"))
    by_journal: dict[str, int] = {}
    for row in journal:
        key = _month_key(row["date"])
        by_journal[key] = by_journal.get(key, 0) + row["n"]
    return months, [meetings[f"m{i}"] or 0 for i in range(len(months))], [by_journal.get(m, 0) for m in months]


def activity_by_organization(scope: Scope) -> dict[int, tuple[dict[str, int], dict[str, int]]]:
    """{organization: ({«YYYY-MM»: meetings held}, {«YYYY-MM»: journal entries})} over the months of
    `activity_by_month` (months without any left out): two aggregates, one row per organisation each."""
    months = year_months(scope.academic_year, scope.today)
    days = _month_starts(months)
    moments = [_moment(day) for day in days]
    result: dict[int, tuple[dict, dict]] = {}
    queries = (
        (0, _held_meetings(scope, moments), _per_month("starts_at", moments)),
        (1, _journal_entries(scope, days), _per_month("date", days)),
    )
    for index, queryset, counts in queries:
        for row in queryset.order_by().values(org=F("mentorship__organization_id")).annotate(**counts):
            by_month = {month: row[f"m{i}"] for i, month in enumerate(months) if row[f"m{i}"]}
            result.setdefault(row["org"], ({}, {}))[index].update(by_month)
    return result


def mentorships_by_organization(scope: Scope) -> dict[int, int]:
    """{organization: its pairs of the year that count as participation}: one GROUP BY."""
    rows = (
        Mentorship.objects.filter(scope.q(), academic_year=scope.academic_year, status__in=PARTICIPATING)
        .order_by()
        .values("organization_id")
        .annotate(n=Count("pk"))
    )
    return {r["organization_id"]: r["n"] for r in rows}


def mentorships_by_form(scope: Scope) -> list[dict]:
    rows = (
        Mentorship.objects.filter(scope.q(), academic_year=scope.academic_year)
        .order_by()
        .values("form_id", "form__name", "form__sort_order")
        .annotate(
            total=Count("pk"),
            active=Count("pk", filter=Q(status=MentorshipStatus.ACTIVE)),
            completed=Count("pk", filter=Q(status=MentorshipStatus.COMPLETED)),
            proposed=Count("pk", filter=Q(status=MentorshipStatus.PROPOSED)),
            ended_early=Count("pk", filter=Q(status=MentorshipStatus.ENDED_EARLY)),
        )
        .order_by("form__sort_order", "form__name")
    )
    return list(rows)


def _stale_q(scope: Scope) -> Q:
    cutoff = scope.today - dt.timedelta(days=STALE_DAYS)
    recent_meeting = Meeting.objects.filter(mentorship_id=OuterRef("pk"), status="held", starts_at__gte=_moment(cutoff))
    from nastavnik.mentorships.models import JournalEntry

    recent_journal = JournalEntry.objects.filter(mentorship_id=OuterRef("pk"), date__gte=cutoff)
    return (
        Q(status=MentorshipStatus.ACTIVE)
        & (Q(start_date__isnull=True) | Q(start_date__lte=cutoff))
        & ~Exists(recent_meeting)
        & ~Exists(recent_journal)
    )


def stale_mentorships(scope: Scope) -> QuerySet[Mentorship]:
    """Active pairs without a held meeting or a journal entry in the last 30 days."""
    last_meeting = (
        Meeting.objects.filter(mentorship_id=OuterRef("pk"), status="held")
        .order_by()
        .values("mentorship_id")
        .annotate(m=Max("starts_at"))
        .values("m")
    )
    return (
        Mentorship.objects.filter(scope.q(), academic_year=scope.academic_year)
        .filter(_stale_q(scope))
        .annotate(last_meeting=Subquery(last_meeting))
        .select_related("mentor", "form", "organization")
        .order_by("organization__short_name", "mentor__last_name", "pk")
    )


def stale_by_organization(scope: Scope) -> dict[int, int]:
    """{organization id: its stale pairs}: one GROUP BY (the organisation table and the count of the list)."""
    rows = (
        Mentorship.objects.filter(scope.q(), academic_year=scope.academic_year)
        .filter(_stale_q(scope))
        .order_by()
        .values("organization_id")
        .annotate(n=Count("pk"))
    )
    return {r["organization_id"]: r["n"] for r in rows}


def overdue_plan_items(scope: Scope) -> QuerySet[PlanItem]:
    # ties of a deadline by pair, then item: the pair's id in the sort key also makes PostgreSQL join first
    # and sort the scope's few thousand items, instead of walking the region's open items of every year in
    # deadline order and looking up each one's plan and pair (48,000 lookups for 20 rows, 0.2–0.5 s)
    return (
        PlanItem.objects.filter(
            scope.q("plan__mentorship__"),
            plan__mentorship__academic_year=scope.academic_year,
            plan__mentorship__status=MentorshipStatus.ACTIVE,
            plan__status="approved",
            deadline__lt=scope.today,
        )
        .exclude(status__in=("done", "cancelled"))
        .select_related("plan__mentorship__mentor", "plan__mentorship__organization")
        .order_by("deadline", "plan__mentorship_id", "pk")
    )


def unconfirmed_meetings(scope: Scope) -> QuerySet[Meeting]:
    """Meetings of the last 30 days of active pairs, not cancelled and not confirmed by any mentee."""
    now = _moment(scope.today)
    confirmed = MeetingConfirmation.objects.filter(meeting_id=OuterRef("pk"))
    return (
        Meeting.objects.filter(
            scope.q("mentorship__"),
            mentorship__academic_year=scope.academic_year,
            mentorship__status=MentorshipStatus.ACTIVE,
            starts_at__lt=now,
            starts_at__gte=_moment(scope.today - dt.timedelta(days=STALE_DAYS)),
        )
        .exclude(status="cancelled")
        .filter(~Exists(confirmed))
        .select_related("mentorship__mentor", "mentorship__organization")
        .order_by("-starts_at", "pk")
    )


def _first_rows_and_count(queryset: QuerySet) -> tuple[list, int]:
    """The first PROBLEM_ROWS rows and the number of all: one query, the count a window over the whole set
    (`COUNT(*) OVER ()`, computed before the LIMIT) — the set is read once, not once for the list and
    again for its count."""
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[:PROBLEM_ROWS])
    return rows, rows[0].total_rows if rows else 0


def problems(
    scope: Scope, *, stale_by_org: dict[int, int] | None = None, counts: tuple[int, int] | None = None
) -> Problems:
    """The three lists of «Что требует внимания» with their counts: the overdue items and (on an
    organisation's dashboard) the stale pairs in one query each, the list and its count together; the count
    of the stale pairs from `stale_by_org`, the per-organisation counts, when the caller has them (the
    municipal and regional dashboards); the unconfirmed meetings in two. `counts` — (overdue, unconfirmed)
    when the caller has them (the region's stored figures): then only the first rows are read."""
    unconfirmed_qs = unconfirmed_meetings(scope)
    if counts is not None:
        overdue = list(overdue_plan_items(scope)[:PROBLEM_ROWS])
        unconfirmed = list(unconfirmed_qs[:PROBLEM_ROWS])
        overdue_count, unconfirmed_count = counts
    else:
        overdue, overdue_count = _first_rows_and_count(overdue_plan_items(scope))
        # the newest 20 come from the index on the start in order; the window would join all 120,000 meetings
        # of the region's last month to their pair, mentor and organisation first (2 s): a count of its own
        unconfirmed, unconfirmed_count = list(unconfirmed_qs[:PROBLEM_ROWS]), unconfirmed_qs.count()
    if stale_by_org is None:
        stale, stale_count = _first_rows_and_count(stale_mentorships(scope))
    else:
        stale, stale_count = list(stale_mentorships(scope)[:PROBLEM_ROWS]), sum(stale_by_org.values())
    return Problems(
        stale=stale,
        stale_count=stale_count,
        overdue=overdue,
        overdue_count=overdue_count,
        unconfirmed=unconfirmed,
        unconfirmed_count=unconfirmed_count,
    )


def expected_results(scope: Scope) -> list:
    """The quantitative expected results of the organisation's approved program (seed 004 constructor)."""
    from nastavnik.programs.models import ExpectedResult

    if scope.level != "organization":
        return []
    return list(
        ExpectedResult.objects.filter(
            program__organization_id=scope.pk,
            program__academic_year=scope.academic_year,
            program__status="approved",
            kind="quantitative",
            target_value__isnull=False,
        ).order_by("pk")
    )


ORG_SORTS = {
    "coverage": ("coverage", False),
    "-coverage": ("coverage", True),
    "name": ("name", False),
    "mentorships": ("mentorships", True),
    "stale": ("stale", True),
    "learners": ("learners", True),
}


def organization_table(
    scope: Scope,
    *,
    sort: str = "coverage",
    people_by_org: dict[int, dict] | None = None,
    stale_by_org: dict[int, int] | None = None,
    mentorships_by_org: dict[int, int] | None = None,
) -> list[dict]:
    """Each organisation of a municipality or region with its coverage of learners, staff, mentorships
    and stale pairs: the people counts per organisation (`people_numbers_by_organization`) and the stale
    pairs per organisation (`stale_by_organization`) — or given: the dashboard has them for the indicators
    and the problem list too — and two more queries, merged by organisation id."""
    if people_by_org is None:
        people_by_org = people_numbers_by_organization(scope)
    if stale_by_org is None:
        stale_by_org = stale_by_organization(scope)
    by_people = {
        pk: {
            "learners": p["pupils"] + p["students"],
            "learners_in": p["pupils_in"] + p["students_in"],
            "staff": p["staff"],
            "staff_in": p["staff_in"],
        }
        for pk, p in people_by_org.items()
    }
    by_mentorships = mentorships_by_organization(scope) if mentorships_by_org is None else mentorships_by_org
    by_stale = stale_by_org
    orgs = Organization.objects.filter(scope.org_q()).values_list(
        "pk", "short_name", "municipality_id", "municipality__name"
    )
    rows = []
    for pk, name, municipality_id, municipality_name in orgs:
        p = by_people.get(pk, {})
        rows.append(
            {
                "pk": pk,
                "name": name,
                "municipality_id": municipality_id,
                "municipality": municipality_name,
                "learners": p.get("learners", 0),
                "learners_in": p.get("learners_in", 0),
                "coverage": share(p.get("learners_in", 0), p.get("learners", 0)),
                "staff_coverage": share(p.get("staff_in", 0), p.get("staff", 0)),
                "mentorships": by_mentorships.get(pk, 0),
                "stale": by_stale.get(pk, 0),
            }
        )
    key, reverse_ = ORG_SORTS.get(sort, ORG_SORTS["coverage"])
    if key == "name":
        rows.sort(key=lambda r: r["name"].casefold())
    else:
        # «нет данных» last whatever the direction
        present = sorted((r for r in rows if r[key] is not None), key=lambda r: (r[key], r["name"]), reverse=reverse_)
        rows = present + [r for r in rows if r[key] is None]
    return rows


def municipality_table(
    org_rows: list[dict], fields: tuple[str, ...] = ("learners", "learners_in", "mentorships", "stale")
) -> list[dict]:
    """The organisations' rows summed per municipality (no query): `fields` summed, the coverage of the sums."""
    totals: dict[int, dict] = {}
    for row in org_rows:
        total = totals.setdefault(
            row["municipality_id"],
            {"pk": row["municipality_id"], "name": row["municipality"], "organizations": 0, **dict.fromkeys(fields, 0)},
        )
        total["organizations"] += 1
        for field in fields:
            total[field] += row[field]
    rows = list(totals.values())
    for row in rows:
        row["coverage"] = share(row["learners_in"], row["learners"])
    return sorted(rows, key=lambda r: r["name"])


@contextlib.contextmanager
def analytic_queries():
    """PostgreSQL's JIT compiler starts on the estimated cost of a query, and the region's aggregates
    are «expensive» enough for it: compiling took 1–2 s of a 0.5 s query. Off for the dashboard's
    queries (SET LOCAL: for this transaction only)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def dashboard(scope: Scope, *, sort: str = "coverage", with_chart: bool = True, figures=None) -> dict:
    """The dashboard of the scope. `figures` — the region's stored figures (figures.current), which then
    stand for the aggregates they hold; the lists of problems, the forms and the rest stay live."""
    with analytic_queries():
        return _dashboard(scope, sort=sort, with_chart=with_chart, figures=figures)


def _dashboard(scope: Scope, *, sort: str, with_chart: bool, figures) -> dict:
    forms = mentorships_by_form(scope)
    mentorships_by_org = None
    if figures is not None:
        months = year_months(scope.academic_year, scope.today)
        meetings, journal = figures.by_month(months)
        people_by_org, stale_by_org = figures.people_by_org, figures.stale_by_org
        mentorships_by_org = figures.mentorships_by_org
        indicator_values = compute(
            scope, people_by_org=people_by_org, plans=figures.plan_numbers, roadmap=figures.roadmap_numbers
        )
        problem_lists = problems(scope, stale_by_org=stale_by_org, counts=(figures.overdue, figures.unconfirmed))
    else:
        months, meetings, journal = activity_by_month(scope)
        # a municipality or a region: one scan of the people for the indicators and the organisation table,
        # one count of the stale pairs per organisation for the table and the problem list
        grouped = scope.level != "organization"
        people_by_org = people_numbers_by_organization(scope) if grouped else None
        stale_by_org = stale_by_organization(scope) if grouped else None
        indicator_values = compute(scope, people_by_org=people_by_org)
        problem_lists = problems(scope, stale_by_org=stale_by_org)
    context = {
        "indicators": indicator_values,
        "forms": forms,
        "months": months,
        "meetings_by_month": meetings,
        "journal_by_month": journal,
        "problems": problem_lists,
        "expected_results": expected_results(scope),
        "mentorship_total": sum(f["total"] for f in forms),
        "figures": figures,
    }
    if with_chart:
        context["trend_chart"] = charts.data_uri(charts.activity_trend(months, meetings, journal))
    if scope.level != "organization":
        context["organizations"] = organization_table(
            scope,
            sort=sort,
            people_by_org=people_by_org,
            stale_by_org=stale_by_org,
            mentorships_by_org=mentorships_by_org,
        )
        context["sort"] = sort if sort in ORG_SORTS else "coverage"
        if scope.level == "region":
            context["municipalities"] = municipality_table(context["organizations"])
    return context


# --- process monitoring (stage 1): satisfaction ---------------------------------------------------------------
def satisfaction_report(scope: Scope) -> dict:
    from nastavnik.programs.models import MentoringForm

    by_month = {k: (a, n) for k, a, n in satisfaction_by(scope, "month")}
    months = year_months(scope.academic_year, scope.today)
    by_kind = satisfaction_by(scope, "questionnaire")
    by_form = satisfaction_by(scope, "form")
    form_names = dict(MentoringForm.objects.filter(pk__in=[k for k, _a, _n in by_form]).values_list("pk", "name"))
    by_mentorship = satisfaction_by(scope, "mentorship")
    mentorships = {
        m.pk: m
        for m in Mentorship.objects.filter(pk__in=[k for k, _a, _n in by_mentorship]).select_related(
            "mentor", "form", "organization"
        )
    }
    by_org = satisfaction_by(scope, "organization") if scope.level != "organization" else []
    org_names = dict(Organization.objects.filter(pk__in=[k for k, _a, _n in by_org]).values_list("pk", "short_name"))
    averages = [by_month.get(m, (None, 0))[0] for m in months]
    return {
        "months": [(m, *by_month.get(m, (None, 0))) for m in months],
        "chart": charts.data_uri(charts.satisfaction_trend(months, averages)) if any(averages) else "",
        "by_kind": [("Наставляемые" if k == "satisfaction_mentee" else "Наставники", a, n) for k, a, n in by_kind],
        "by_form": sorted(((form_names.get(k, "—"), a, n) for k, a, n in by_form), key=lambda r: r[0]),
        "by_mentorship": sorted(
            ((mentorships[k], a, n, mentorship_url(k)) for k, a, n in by_mentorship if k in mentorships),
            key=lambda r: r[1] or 0,
        ),
        "by_organization": sorted(((org_names.get(k, "—"), a, n) for k, a, n in by_org), key=lambda r: r[1] or 0),
    }


# --- impact monitoring (stage 2) ----------------------------------------------------------------------------------
def participant_ids_q(scope: Scope, prefix: str = "person_id") -> Q:
    """Mentees of the participating mentorships of the year."""
    members = MentorshipMentee.objects.filter(
        mentorship__academic_year=scope.academic_year, mentorship__status__in=PARTICIPATING
    ).values("person_id")
    return Q(**{f"{prefix}__in": members})


def impact_summary(scope: Scope) -> list[dict]:
    """Per parameter: mentees with both values, mean entry, mean exit, mean change, share improved; and
    the same for comparable non-participants — people of the same classes (groups) who are not mentees.
    Two GROUP BY queries over the pairs (entry, exit) joined in SQL by subquery."""
    exit_value = Measurement.objects.filter(
        person_id=OuterRef("person_id"), academic_year=scope.academic_year, parameter=OuterRef("parameter"),
        stage=Stage.EXIT,
    ).values("value")[:1]  # fmt: skip
    entries = (
        Measurement.objects.filter(scope.q(), academic_year=scope.academic_year, stage=Stage.ENTRY)
        .annotate(exit=Subquery(exit_value))
        .filter(exit__isnull=False)
    )
    mentee_classes = (
        Person.objects.filter(participant_ids_q(scope, "pk"), scope.q()).exclude(class_name="").values("class_name")
    )
    improved_up = Q(exit__gt=F("value"))
    improved_down = Q(exit__lt=F("value"))

    def grouped(qs):
        rows = (
            qs.order_by()
            .values("parameter")
            .annotate(
                n=Count("pk"),
                before=Avg("value"),
                after=Avg("exit"),
                up=Count("pk", filter=improved_up),
                down=Count("pk", filter=improved_down),
            )
        )
        return {r["parameter"]: r for r in rows}

    mentees = grouped(entries.filter(participant_ids_q(scope)))
    comparison = grouped(entries.exclude(participant_ids_q(scope)).filter(person__class_name__in=mentee_classes))
    result = []
    for code, label in Parameter.choices:
        m, c = mentees.get(code), comparison.get(code)
        if not m and not c:
            continue
        result.append({"code": code, "label": label, "mentees": _impact_row(code, m), "others": _impact_row(code, c)})
    return result


def _impact_row(code: str, row: dict | None) -> dict | None:
    if not row:
        return None
    before, after = float(row["before"]), float(row["after"])
    improved = row["down"] if code in LOWER_IS_BETTER else row["up"]
    return {
        "n": row["n"],
        "before": round(before, 2),
        "after": round(after, 2),
        "change": round(after - before, 2),
        "improved": improved,
        "improved_share": share(improved, row["n"]),
    }


def impact_people(scope: Scope, *, parameter: str = "") -> QuerySet[Measurement]:
    """Entry measurements of the scope with the exit value beside (per person)."""
    exit_value = Measurement.objects.filter(
        person_id=OuterRef("person_id"), academic_year=scope.academic_year, parameter=OuterRef("parameter"),
        stage=Stage.EXIT,
    ).values("value")[:1]  # fmt: skip
    qs = Measurement.objects.filter(scope.q(), academic_year=scope.academic_year, stage=Stage.ENTRY)
    if parameter:
        qs = qs.filter(parameter=parameter)
    mentee = MentorshipMentee.objects.filter(
        person_id=OuterRef("person_id"), mentorship__academic_year=scope.academic_year,
        mentorship__status__in=PARTICIPATING,
    )  # fmt: skip
    return (
        qs.annotate(exit=Subquery(exit_value), is_mentee=Exists(mentee))
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "parameter", "pk")
    )


def impact_chart(summary: list[dict]) -> str:
    rows = [r for r in summary if r["mentees"]]
    if not rows:
        return ""
    labels = [r["label"].split(" (")[0].split(",")[0] for r in rows]
    content = charts.impact_bars(labels, [r["mentees"]["before"] for r in rows], [r["mentees"]["after"] for r in rows])
    return charts.data_uri(content)


def measurable_people(organization: Organization) -> QuerySet[Person]:
    return (
        Person.objects.filter(organization=organization)
        .exclude(category=Category.PARENT)
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def measurement_get_for(*, actor, pk: int) -> Measurement:
    access = access_for(actor)
    require_staff(actor)
    return get_object_or_404(Measurement.objects.filter(access.scoped_q()).select_related("person"), pk=pk)


# --- the personified registry (seed 002: «Реестр учёта … участвующих в программе наставничества») -------------
REGISTRY_FIELDS = (
    "r_org", "r_municipality", "r_mentorship", "r_role", "r_last", "r_first", "r_patronymic", "r_category",
    "r_class", "r_form", "r_mentor", "r_start", "r_end", "r_status", "r_left", "r_org_id", "r_person",
)  # fmt: skip


@dataclass(frozen=True)
class RegistryFilters:
    academic_year: AcademicYear | None  # None: every year (a period across years)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    form_id: int | None = None
    status: str = ""
    organization_id: int | None = None
    municipality_id: int | None = None
    category: str = ""
    role: str = ""
    scope_level: str = ""  # organization | municipality | region: the page's scope
    scope_pk: int | None = None


def _registry_mentorships(actor, filters: RegistryFilters) -> QuerySet[Mentorship]:
    require_staff(actor)
    qs = Mentorship.objects.filter(access_for(actor).scoped_q())
    if filters.academic_year is not None:
        qs = qs.filter(academic_year=filters.academic_year)
    if filters.scope_level:
        qs = qs.filter(**{f"{filters.scope_level}_id": filters.scope_pk})
    if filters.organization_id:
        qs = qs.filter(organization_id=filters.organization_id)
    if filters.municipality_id:
        qs = qs.filter(municipality_id=filters.municipality_id)
    if filters.form_id:
        qs = qs.filter(form_id=filters.form_id)
    qs = qs.filter(status=filters.status) if filters.status else qs.exclude(status=MentorshipStatus.PROPOSED)
    # the period: the pair worked at some time within it
    if filters.date_to:
        qs = qs.filter(Q(start_date__isnull=True) | Q(start_date__lte=filters.date_to))
    if filters.date_from:
        qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=filters.date_from))
    return qs


def registry_rows(*, actor, filters: RegistryFilters):
    """One row per participant of a mentorship (the mentor, each mentee): a UNION of two value queries,
    ordered by organisation, mentorship, role, name — paginated on the page, streamed to XLSX."""
    mentorships = _registry_mentorships(actor, filters)
    text = CharField()
    mentors = mentorships.annotate(
        r_org=F("organization__short_name"), r_municipality=F("municipality__name"), r_mentorship=F("pk"),
        r_role=Value("mentor", output_field=text), r_last=F("mentor__last_name"), r_first=F("mentor__first_name"),
        r_patronymic=F("mentor__patronymic"), r_category=F("mentor__category"), r_class=F("mentor__class_name"),
        r_form=F("form__name"), r_mentor=Value("", output_field=text), r_start=F("start_date"), r_end=F("end_date"),
        r_status=F("status"), r_left=F("end_date"), r_org_id=F("organization_id"), r_person=F("mentor_id"),
    )  # fmt: skip
    members = MentorshipMentee.objects.filter(mentorship__in=mentorships.values("pk")).annotate(
        r_org=F("mentorship__organization__short_name"), r_municipality=F("mentorship__municipality__name"),
        r_mentorship=F("mentorship_id"), r_role=Value("mentee", output_field=text), r_last=F("person__last_name"),
        r_first=F("person__first_name"), r_patronymic=F("person__patronymic"), r_category=F("person__category"),
        r_class=F("person__class_name"), r_form=F("mentorship__form__name"),
        r_mentor=Concat(
            "mentorship__mentor__last_name", Value(" "), "mentorship__mentor__first_name", Value(" "),
            "mentorship__mentor__patronymic", output_field=text,
        ), r_start=Coalesce("joined_on", "mentorship__start_date"),
        r_end=F("mentorship__end_date"), r_status=F("mentorship__status"), r_left=F("left_on"),
        r_org_id=F("mentorship__organization_id"), r_person=F("person_id"),
    )  # fmt: skip
    if filters.category:
        mentors = mentors.filter(mentor__category=filters.category)
        members = members.filter(person__category=filters.category)
    parts = []
    if filters.role in ("", "mentor"):
        parts.append(mentors.order_by().values_list(*REGISTRY_FIELDS))
    if filters.role in ("", "mentee"):
        parts.append(members.order_by().values_list(*REGISTRY_FIELDS))
    qs = parts[0] if len(parts) == 1 else parts[0].union(parts[1], all=True)
    return qs.order_by("r_org", "r_mentorship", "r_role", "r_last", "r_first", "r_person")


def registry_years() -> list[AcademicYear]:
    return list(AcademicYear.objects.order_by("-start_year")[:10])


def registry_organizations(actor) -> QuerySet[Organization]:
    return Organization.objects.filter(access_for(actor).organization_q()).order_by("short_name")
