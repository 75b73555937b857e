"""XLSX lists of the pools (seed 000, roadmap 2.3 and 3.4: «Формирование базы наставляемых / наставников»):
the columns of pools/export.py, written by documents/xlsx.py (frozen header, autofilter, widths, print
setup), numbered and kept in the register like every other document."""

from __future__ import annotations

import datetime as dt
import re

from nastavnik.pools.export import MENTEE_HEADERS, MENTOR_HEADERS

from .. import selectors
from ..xlsx import list_xlsx
from .base import DocumentGenerator, OptionsForm, common_context, resolve, sample_common


class ListOptionsForm(OptionsForm):
    has_number = False


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _typed(value):
    """The snapshot keeps dates as ISO strings (JSON): the sheet gets real dates back."""
    if isinstance(value, str) and _ISO_DATE.match(value):
        return dt.date.fromisoformat(value)
    return value


def _consent(entry) -> str:
    return "есть" if entry.has_consent else "нет"


class PoolList(DocumentGenerator):
    file_format = "xlsx"
    source = "pool"
    options_form = ListOptionsForm
    custom_templates = False
    pool = ""
    headers: tuple[str, ...] = ()

    def build_context(self, *, actor, options: dict) -> dict:
        organization, academic_year = resolve(actor, options)
        context = common_context(
            organization=organization, academic_year=academic_year, options=options, kind="", title=self.title_ru
        )
        context.update(
            {
                "headers": list(self.headers),
                "rows": self.rows(organization, academic_year),
                "subtitle": f"{organization.short_name}, {context['document']['academic_year']}",
            }
        )
        context["subject"] = f"записей: {len(context['rows'])}"
        return context

    def rows(self, organization, academic_year) -> list[list]:
        raise NotImplementedError

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        rows = ([_typed(v) for v in row] for row in context["rows"])
        return list_xlsx(title=self.title_ru, subtitle=context["subtitle"], headers=context["headers"], rows=rows)

    def sample_context(self) -> dict:
        context = sample_common(kind="", title=self.title_ru, number="1")
        context.update({"headers": list(self.headers), "rows": [], "subtitle": "Ершовская СОШ", "subject": ""})
        return context

    def filename(self, context: dict) -> str:
        from .base import safe_filename

        return safe_filename(f"{self.title_ru} {context['subtitle']}") + ".xlsx"


class MenteePoolList(PoolList):
    identifier = "mentee_pool_xlsx"
    title_ru = "База наставляемых"
    description = "Список XLSX: все записи базы наставляемых года с запросами, согласиями и статусами."
    headers = MENTEE_HEADERS

    def rows(self, organization, academic_year) -> list[list]:
        entries = selectors.mentee_pool(organization=organization, academic_year=academic_year)
        return [
            [
                number,
                e.person.full_name,
                e.person.class_name,
                e.person.get_category_display(),
                e.form.name,
                e.get_status_display(),
                "; ".join(c.name for c in e.categories.all()),
                e.request_text,
                e.get_preferred_format_display(),
                " — ".join(p for p in (e.get_source_display(), e.source_note) if p),
                _consent(e),
                e.note_count,
                e.status_changed_at.date().isoformat() if e.status_changed_at else "",
                e.status_reason,
            ]
            for number, e in enumerate(entries, start=1)
        ]


class MentorPoolList(PoolList):
    identifier = "mentor_pool_xlsx"
    title_ru = "База наставников"
    description = "Список XLSX: все записи базы наставников года с баллами по критериям, обучением и согласиями."
    headers = MENTOR_HEADERS

    def rows(self, organization, academic_year) -> list[list]:
        entries = selectors.mentor_pool(organization=organization, academic_year=academic_year)
        return [
            [
                number,
                e.person.full_name,
                e.person.get_category_display(),
                ", ".join(p for p in (e.person.position, e.person.subject) if p),
                e.form.name,
                e.get_status_display(),
                e.competencies,
                "; ".join(e.topics),
                e.capacity,
                e.availability,
                e.get_preferred_format_display(),
                " — ".join(p for p in (e.get_source_display(), e.source_note) if p),
                round(float(e.score_avg), 2) if e.score_avg is not None else "",
                e.scorer_count,
                e.decision_date.isoformat() if e.decision_date else "",
                e.trained_at.isoformat() if e.trained_at else "",
                _consent(e),
            ]
            for number, e in enumerate(entries, start=1)
        ]
