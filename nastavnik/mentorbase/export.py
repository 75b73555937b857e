"""XLSX export of the region's aggregated mentor base (openpyxl, the pools' workbook style): adults only,
no phone, e-mail or birth date."""

from __future__ import annotations

from nastavnik.pools.export import _workbook

HEADERS = (
    "№", "ФИО", "Должность, предмет", "Организация", "Муниципалитет", "Формы наставничества", "Компетенции",
    "Темы", "В базе с", "Завершённых наставничеств", "Наставляемых всего", "Средняя оценка (1–10)",
    "Готов наставлять в других организациях",
)  # fmt: skip


def region_base_xlsx(mentors, *, subtitle: str) -> bytes:
    rows = (
        (
            number,
            m.person.full_name,
            ", ".join(p for p in (m.person.position, m.person.subject) if p),
            m.organization.short_name,
            m.municipality.name,
            "; ".join(f.name for f in m.forms.all()),
            m.competencies,
            "; ".join(m.topics),
            f"{m.since_year}/{m.since_year + 1}",
            m.completed_count,
            m.mentee_count,
            float(m.mean_rating) if m.mean_rating is not None else "",
            "да" if m.is_shown_elsewhere else "нет",
        )
        for number, m in enumerate(mentors, start=1)
    )
    return _workbook("База наставников", subtitle, HEADERS, rows)
