"""URL cases of the import of participant lists (people.views_import)."""

from __future__ import annotations

from nastavnik.people.models import Category, ImportJob

from .base import Case


def _job(cast):
    """A checked file of school A waiting for the curator's go-ahead (its file already removed)."""
    job = ImportJob.objects.filter(organization=cast.school_a).first()
    return job or ImportJob.objects.create(
        organization=cast.school_a,
        file_name="список 7 класса.xlsx",
        file_kind="xlsx",
        default_category=Category.PUPIL,
        headers=["ФИО", "Дата рождения", "Класс"],
        mapping={"full_name": 0, "birth_date": 1, "class_name": 2},
        total_rows=3,
        created_by=cast.user("curator"),
    )


def _job_kwargs(cast):
    return {"pk": _job(cast).pk}


CASES: dict[str, Case] = {
    "people:import_upload": Case(listing=True, write=True),
    "people:import_preview": Case(kwargs=_job_kwargs, write=True),
    "people:import_run": Case(kwargs=_job_kwargs, write=True),
    "people:import_status": Case(kwargs=_job_kwargs),
    "people:import_report": Case(kwargs=_job_kwargs),
}
