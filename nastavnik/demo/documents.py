"""The demo's documents (issue 9), built through the documents services after the preparation stage and
the pools: each organisation gets its document settings (place, name in the text, numbering) and a
register that a careful secretary would have by now — the order on implementing the model, the order on
the curator and the working group, the положение, the program (if approved), the roadmap, a protocol
for every meeting, a paper consent and certificates for two mentors. Dates are counted from
1 September of the demo year; the same on every run."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

from nastavnik.documents import selectors, services

PLACE = re.compile(r"\b((?:г|с|пос|п|х|д)\.\s*[А-ЯЁ][А-ЯЁа-яё-]+)")
ORDER_PATTERNS = {"college": "{n}-од", "gymnasium": "{n}-о", "school": "{n}-н"}


def place_of(address: str) -> str:
    """«309990, Белгородская область, Валуйский округ, с. Ершово, ул. Школьная, д. 5» → «с. Ершово»;
    a city without «г.» before it in the address gets nothing (the curator fills it in)."""
    match = PLACE.search(address or "")
    return match.group(1).replace(".", ". ").replace(".  ", ". ") if match else ""


def _issue(admin, organization, academic_year, generator_id, day: dt.date, **options):
    try:
        return services.document_issue(
            actor=admin,
            generator_id=generator_id,
            options={
                "organization_id": organization.pk,
                "year": academic_year.start_year,
                "date": day.isoformat(),
                "request_key": f"demo-{organization.pk}-{academic_year.start_year}-{generator_id}-"
                + "-".join(f"{k}{v}" for k, v in sorted(options.items())),
                **options,
            },
        ).document
    except ValidationError:
        return None  # not ready in this organisation (no approved program, no roadmap…): the page says why


def build_documents(*, admin, organization, academic_year, today: dt.date) -> list:
    start = academic_year.start_date
    services.document_settings_save(
        actor=admin,
        organization=organization,
        font_name="Times New Roman",
        font_size=14,
        place=place_of(organization.address),
        text_name="",
        order_number_pattern=ORDER_PATTERNS.get(organization.kind, "{n}-н"),
        number_pattern="{n}",
    )
    made = [
        _issue(admin, organization, academic_year, "order_working_group", start),
        _issue(admin, organization, academic_year, "order_implementation", start + dt.timedelta(days=1)),
        _issue(admin, organization, academic_year, "regulation", start + dt.timedelta(days=1)),
        _issue(admin, organization, academic_year, "roadmap", start + dt.timedelta(days=1)),
    ]
    program = selectors.program_in_force(organization=organization, academic_year=academic_year)
    if program is not None and program.approved_at is not None:
        made.append(_issue(admin, organization, academic_year, "program", min(program.approved_at.date(), today)))
    for meeting in selectors.group_meetings(organization=organization, academic_year=academic_year):
        if meeting.date <= today:
            made.append(_issue(admin, organization, academic_year, "protocol", meeting.date, meeting=meeting.pk))
    mentors = selectors.program_participants(organization=organization, academic_year=academic_year, role="mentor")
    for person in mentors[:2]:
        made.append(
            _issue(admin, organization, academic_year, "certificate", min(today, academic_year.end_date),
                   person=person.pk, role="mentor")
        )  # fmt: skip
    adults = selectors.people_of(organization=organization).filter(category="staff").exclude(birth_date__isnull=True)
    first = adults.first()
    if first is not None:
        made.append(_issue(admin, organization, academic_year, "consent", start, person=first.pk))
    return [document for document in made if document is not None]
