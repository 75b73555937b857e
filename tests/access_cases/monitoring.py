"""URL cases of the monitoring app (dashboards, registry, process and impact monitoring)."""

from __future__ import annotations

from django.utils import timezone

from nastavnik.monitoring import services
from nastavnik.orgs.services import academic_year_current

from .base import Case
from .core import _org_year, _year


def _measurement(cast):
    from nastavnik.monitoring.models import Measurement

    measurement = Measurement.objects.filter(organization=cast.school_a).first()
    year = academic_year_current()
    return measurement or services.measurement_save(
        actor=cast.user("admin"), organization=cast.school_a, academic_year=year, person=cast.pupil_a,
        parameter="grades", stage="entry", value="3,5", measured_on=year.start_date,
        today=max(year.start_date, timezone.localdate()),
    )  # fmt: skip


def _org_level(cast):
    return {"level": "organization", "pk": cast.school_a.pk}


CASES: dict[str, Case] = {
    "monitoring:index": Case(listing=True),
    "monitoring:region": Case(kwargs=lambda c: {"pk": c.region_a.pk, "year": _year(c)}),
    "monitoring:region_refresh": Case(
        kwargs=lambda c: {"pk": c.region_a.pk, "year": _year(c)}, write=True, post_only=True
    ),
    "monitoring:municipality": Case(kwargs=lambda c: {"pk": c.municipality_a.pk, "year": _year(c)}),
    "monitoring:organization": Case(kwargs=_org_year),
    "monitoring:satisfaction": Case(kwargs=lambda c: {"level": "organization", "pk": c.school_a.pk, "year": _year(c)}),
    "monitoring:impact": Case(kwargs=_org_year),
    "monitoring:measurement_add": Case(kwargs=_org_year, write=True),
    "monitoring:impact_import": Case(kwargs=_org_year, write=True),
    "monitoring:from_diagnostics": Case(kwargs=_org_year, write=True),
    "monitoring:impact_template": Case(kwargs=_org_year),
    "monitoring:measurement_delete": Case(kwargs=lambda c: {"pk": _measurement(c).pk}, write=True),
    "monitoring:registry": Case(kwargs=_org_level),
    "monitoring:registry_export": Case(kwargs=_org_level),
}


# --- the area's annual summary (a region's coordinator only) ------------------------------------------------
def _region_year(cast) -> dict:
    return {"level": "region", "pk": cast.region_a.pk, "year": _year(cast)}


def _summary(cast) -> dict:
    from nastavnik.monitoring.models import AreaSummary

    summary = AreaSummary.objects.filter(region=cast.region_a).first() or AreaSummary.objects.create(
        level="region", region=cast.region_a, academic_year=academic_year_current(), status="failed",
        message="Проверка доступа",
    )  # fmt: skip
    return {**_region_year(cast), "summary_pk": summary.pk}


CASES.update(
    {
        "monitoring:summary": Case(kwargs=_region_year, write=True),
        "monitoring:summary_status": Case(kwargs=_summary),
        "monitoring:summary_download": Case(kwargs=_summary),
    }
)
