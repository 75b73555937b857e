"""The regional dashboard's figures: the counts of each organisation of a region that the dashboard adds up
(people and their involvement, plans, roadmap, pairs, problems, activity by month), computed from the data
for the whole region in one go and stored per organisation (`OrganizationFigures`).

Why: on a region of 1,000 organisations and 200,000 people the same aggregates computed at each request
take 1.5–2 s of SQL (`make bench`), while a coordinator reads the region's dashboard many times a day and
its figures move slowly. The dashboard reads the stored figures while they are fresh — computed today and
less than MONITORING_FIGURES_MINUTES ago — and shows when they were computed; otherwise it computes live,
as the municipal and organisation dashboards always do, and a refresh starts in the background. The lists
of «Что требует внимания» (the first rows) stay live. `manage.py refresh_figures` refreshes every region
(from cron or `--loop`), the button «Пересчитать сейчас» one region.

The figures are the regional scope's: a person of an organisation counts as involved when they are in a
pair of any organisation of the region (the municipal dashboard counts its municipality's pairs only, so
it does not use them).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count, F
from django.utils import timezone

from nastavnik.orgs.models import AcademicYear, Organization, Region
from nastavnik.people.access import access_for, require

from . import indicators
from .indicators import PEOPLE_COUNTS, Scope
from .models import OrganizationFigures

logger = logging.getLogger(__name__)

COUNTS = ("plans", "plans_completion", "plans_done", "roadmap_due", "roadmap_on_time", "mentorships", "stale",
          "overdue", "unconfirmed")  # fmt: skip


def fresh_for() -> dt.timedelta:
    return dt.timedelta(minutes=settings.MONITORING_FIGURES_MINUTES)


# --- reads ------------------------------------------------------------------------------------------------------
@dataclass
class RegionFigures:
    """The stored figures of a region's organisations for a year, with the moment of the oldest."""

    computed_at: dt.datetime
    rows: list[OrganizationFigures]

    def _sum(self, name: str) -> float:
        return sum(getattr(row, name) for row in self.rows)

    @property
    def people_by_org(self) -> dict[int, dict]:
        return {row.organization_id: {name: row.people.get(name, 0) for name in PEOPLE_COUNTS} for row in self.rows}

    @property
    def stale_by_org(self) -> dict[int, int]:
        return {row.organization_id: row.stale for row in self.rows if row.stale}

    @property
    def mentorships_by_org(self) -> dict[int, int]:
        return {row.organization_id: row.mentorships for row in self.rows}

    @property
    def plan_numbers(self) -> dict:
        plans = int(self._sum("plans"))
        avg = self._sum("plans_completion") / plans if plans else None
        return {"avg": avg, "plans": plans, "done": int(self._sum("plans_done"))}

    @property
    def roadmap_numbers(self) -> dict:
        return {"due": int(self._sum("roadmap_due")), "on_time": int(self._sum("roadmap_on_time"))}

    @property
    def overdue(self) -> int:
        return int(self._sum("overdue"))

    @property
    def unconfirmed(self) -> int:
        return int(self._sum("unconfirmed"))

    def by_month(self, months: list[str]) -> tuple[list[int], list[int]]:
        meetings = [sum(row.meetings_by_month.get(m, 0) for row in self.rows) for m in months]
        journal = [sum(row.journal_by_month.get(m, 0) for row in self.rows) for m in months]
        return meetings, journal

    def aging(self, now: dt.datetime | None = None) -> bool:
        """Past half of its life: worth refreshing in the background while it is still shown."""
        return (now or timezone.now()) - self.computed_at > fresh_for() / 2


def current(scope: Scope, *, now: dt.datetime | None = None) -> RegionFigures | None:
    """The region's stored figures for the scope's year when they can stand for live ones: every organisation
    of the region has them, computed for the scope's day and less than `fresh_for()` ago. Else None."""
    if scope.level != "region":
        return None
    rows = list(OrganizationFigures.objects.filter(region_id=scope.pk, academic_year=scope.academic_year))
    if not rows:
        return None
    now = now or timezone.now()
    oldest = min(row.computed_at for row in rows)
    if now - oldest > fresh_for() or any(row.computed_for != scope.today for row in rows):
        return None
    if Organization.objects.filter(scope.org_q()).count() != len(rows):
        return None  # an organisation was added or moved since
    return RegionFigures(computed_at=oldest, rows=rows)


# --- the computation: a fixed number of grouped aggregates over the region -------------------------------------
def compute(scope: Scope) -> dict[int, dict]:
    """{organization id: the fields of OrganizationFigures} for every organisation of the region: the same
    aggregates as the live dashboard's, grouped by organisation."""
    from . import selectors

    people = indicators.people_numbers_by_organization(scope)
    plans = indicators.plans_by_organization(scope)
    roadmap = _per_org(indicators.roadmap_items_due(scope), "roadmap__organization_id", indicators.roadmap_counts())
    mentorships = selectors.mentorships_by_organization(scope)
    stale = selectors.stale_by_organization(scope)
    count = {"n": Count("pk")}
    overdue = _per_org(selectors.overdue_plan_items(scope), "plan__mentorship__organization_id", count)
    unconfirmed = _per_org(selectors.unconfirmed_meetings(scope), "mentorship__organization_id", count)
    activity = selectors.activity_by_organization(scope)
    no_people = dict.fromkeys(PEOPLE_COUNTS, 0)
    no_plans = {"plans": 0, "plans_completion": 0.0, "plans_done": 0}
    result = {}
    for pk in Organization.objects.filter(scope.org_q()).values_list("pk", flat=True):
        meetings, journal = activity.get(pk, ({}, {}))
        result[pk] = {
            "people": people.get(pk, no_people),
            **plans.get(pk, no_plans),
            "roadmap_due": roadmap.get(pk, {}).get("due", 0),
            "roadmap_on_time": roadmap.get(pk, {}).get("on_time", 0),
            "mentorships": mentorships.get(pk, 0),
            "stale": stale.get(pk, 0),
            "overdue": overdue.get(pk, {}).get("n", 0),
            "unconfirmed": unconfirmed.get(pk, {}).get("n", 0),
            "meetings_by_month": meetings,
            "journal_by_month": journal,
        }
    return result


def _per_org(queryset, org_field: str, aggregates: dict) -> dict[int, dict]:
    rows = queryset.order_by().values(org=F(org_field)).annotate(**aggregates)
    return {row.pop("org"): row for row in rows}


# --- writes -----------------------------------------------------------------------------------------------------
def refresh(region: Region, academic_year: AcademicYear, *, today: dt.date | None = None) -> int:
    """Compute the figures of every organisation of the region for the year and store them (replacing the
    previous ones in one transaction; an organisation that left the region loses its row). Idempotent:
    the same data give the same rows. Returns the number of organisations."""
    from .selectors import analytic_queries

    today = today or timezone.localdate()
    scope = Scope(level="region", pk=region.pk, academic_year=academic_year, today=today)
    with analytic_queries():
        by_org = compute(scope)
    now = timezone.now()
    rows = [
        OrganizationFigures(
            organization_id=pk,
            academic_year=academic_year,
            region=region,
            computed_at=now,
            computed_for=today,
            **fields,
        )
        for pk, fields in by_org.items()
    ]
    with transaction.atomic():
        OrganizationFigures.objects.filter(region=region, academic_year=academic_year).exclude(
            organization__in=Organization.objects.filter(scope.org_q())
        ).delete()
        OrganizationFigures.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["organization", "academic_year"],
            update_fields=["region", "computed_at", "computed_for", "people", *COUNTS, "meetings_by_month",
                           "journal_by_month"],
        )  # fmt: skip
    return len(rows)


def can_refresh(actor, region: Region) -> bool:
    """The region's coordinators (and the administrator)."""
    return access_for(actor).covers_area(region_id=region.pk)


def refresh_now(*, actor, region: Region, academic_year: AcademicYear) -> int:
    """«Пересчитать сейчас» on the regional dashboard: `refresh` for the region's coordinator."""
    require(can_refresh(actor, region), "Пересчитывать показатели региона может его координатор.")
    return refresh(region, academic_year)


_running: set[tuple[int, int]] = set()
_running_lock = threading.Lock()


def refresh_in_background(region: Region, academic_year: AcademicYear) -> bool:
    """Start a refresh of the region's figures in a daemon thread unless one is running in this process
    (no task queue in the project; see summary.start_worker). Off when MONITORING_FIGURES_BACKGROUND is
    False (the tests, which call `refresh` themselves). Returns whether a refresh started."""
    if not settings.MONITORING_FIGURES_BACKGROUND:
        return False
    key = (region.pk, academic_year.pk)
    with _running_lock:
        if key in _running:
            return False
        _running.add(key)

    def work():
        try:
            refresh(region, academic_year)
        except Exception:
            logger.exception("figures of region %s, year %s failed", region.pk, academic_year.pk)
        finally:
            with _running_lock:
                _running.discard(key)
            connections.close_all()

    threading.Thread(target=work, name=f"figures-{region.pk}-{academic_year.pk}", daemon=True).start()
    return True
