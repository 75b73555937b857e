"""The interface of a document generator (pretix's exporter shape, STYLE.md §13.6).

A generator is made from a kind of object (an organisation's year, a program, a working-group
meeting, a person…) named in `options` by ids only. `build_context(actor=, options=)` reads through
the selectors and returns a plain dict of Russian strings (names already declined, dates already
«1 сентября 2026 г.»): the built-in layout draws it with `layout.Sheet`, and an organisation's own
docxtpl template gets exactly the same dict, so `{{ document.number }}` works in both.
`render(actor=, options=)` gives a `RenderedFile(filename, content_type, content)`.

Options always hold `organization_id`, `year` (the start year), and, once the service has assigned
them, `date` (ISO) and `number`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from nastavnik.core.declension import Case
from nastavnik.core.forms import DateInput, StyledFormMixin
from nastavnik.core.text import date_ru

from .. import selectors
from ..text import capitalize_first, fio, official_short_name, position_of, signature_name

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
PDF = "application/pdf"

SOURCES = {
    "organization_year": "организация и учебный год",
    "program": "утверждённая программа наставничества",
    "roadmap": "дорожная карта года",
    "working_group": "рабочая группа года",
    "meeting": "заседание рабочей группы",
    "person": "участник",
    "pool": "база наставников или наставляемых",
    "mentorship": "наставническая пара (группа)",
}


@dataclass(frozen=True)
class RenderedFile:
    filename: str
    content_type: str
    content: bytes


# --- options forms ------------------------------------------------------------------------------------
class OptionsForm(StyledFormMixin, forms.Form):
    """Date and number of a document; generators add what the document is made from."""

    date = forms.DateField(label="Дата документа", widget=DateInput())
    number = forms.CharField(
        label="Номер",
        required=False,
        max_length=60,
        help_text="Пусто — следующий номер по порядку. Впишите номер, если он уже присвоен в журнале регистрации.",
    )
    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    has_number = True

    def __init__(self, *args, organization, academic_year, **kwargs):
        self.organization = organization
        self.academic_year = academic_year
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["date"].initial = today if academic_year.contains(today) else academic_year.start_date
        if not self.has_number:
            del self.fields["number"]

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value and not (
            self.academic_year.start_date - dt.timedelta(days=92) <= value <= self.academic_year.end_date
        ):
            raise ValidationError(
                f"Дата документа должна относиться к {self.academic_year}: "
                f"с {date_ru(self.academic_year.start_date)} по {date_ru(self.academic_year.end_date)}."
            )
        return value

    def options(self) -> dict:
        """The cleaned data as JSON: ids, ISO dates, strings."""
        data = {}
        for name, value in self.cleaned_data.items():
            if hasattr(value, "pk"):
                value = value.pk
            elif isinstance(value, dt.date):
                value = value.isoformat()
            data[name] = value
        return data


class PersonOptionsForm(OptionsForm):
    person = forms.ModelChoiceField(label="Участник", queryset=None, empty_label="— выберите —")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = self.person_queryset()

    def person_queryset(self):
        return selectors.people_of(organization=self.organization)


# --- the generator -----------------------------------------------------------------------------------------
class DocumentGenerator:
    identifier: ClassVar[str]
    title_ru: ClassVar[str]
    kind_ru: ClassVar[str] = ""  # «ПРИКАЗ», «ПРОТОКОЛ»…
    file_format: ClassVar[str] = "docx"
    source: ClassVar[str] = "organization_year"
    description: ClassVar[str] = ""
    series: ClassVar[str] = ""  # numbering series; "" — the generator's own
    options_form: ClassVar[type[OptionsForm]] = OptionsForm
    batch_role: ClassVar[str] = ""  # "mentor"/"mentee": may be made for many persons at once
    custom_templates: ClassVar[bool] = True

    @property
    def number_series(self) -> str:
        return self.series or self.identifier

    @property
    def content_type(self) -> str:
        return XLSX if self.file_format == "xlsx" else DOCX

    @property
    def source_label(self) -> str:
        return SOURCES[self.source]

    def form(self, data=None, *, organization, academic_year, initial=None) -> OptionsForm:
        return self.options_form(data, organization=organization, academic_year=academic_year, initial=initial)

    # Some documents take their number from their source (a protocol has the meeting's number).
    def fixed_number(self, *, actor, options: dict) -> str | None:
        return None

    def fixed_date(self, *, actor, options: dict) -> dt.date | None:
        return None

    def check(self, *, actor, options: dict) -> None:
        """Raise a Russian ValidationError when the document cannot be made yet (nothing approved…)."""
        self.build_context(actor=actor, options=options)

    def build_context(self, *, actor, options: dict) -> dict:
        raise NotImplementedError

    def sample_context(self) -> dict:
        """The same shape as build_context with demo values: the fields list and the preview of templates."""
        raise NotImplementedError

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        """The built-in layout."""
        raise NotImplementedError

    def filename(self, context: dict) -> str:
        number = context.get("document", {}).get("number", "")
        stem = f"{self.title_ru} № {number}" if number else self.title_ru
        return safe_filename(stem) + "." + self.file_format

    def subject(self, context: dict) -> str:
        """What the register shows beside the title: the person, the meeting…"""
        return context.get("subject", "")

    def render(self, *, actor, options: dict) -> RenderedFile:
        context = self.build_context(actor=actor, options=options)
        return self.render_context(context)

    def render_context(
        self, context: dict, *, font_name: str | None = None, font_size: int | None = None
    ) -> RenderedFile:
        style = context.get("style", {})
        content = self.draw(
            context,
            font_name=font_name or style.get("font_name", "Times New Roman"),
            font_size=font_size or style.get("font_size", 14),
        )
        return RenderedFile(self.filename(context), self.content_type, content)


def safe_filename(stem: str) -> str:
    stem = re.sub(r'[\\:*?"<>|«»]+', "", stem.replace("/", "-"))
    return re.sub(r"\s+", " ", stem).strip()[:150] or "документ"


# --- the parts every document shares ------------------------------------------------------------------
def resolve(actor, options: dict):
    """The organisation and year of the options, scoped by the user (404 outside their scope)."""
    try:
        org_pk, year = int(options["organization_id"]), int(options["year"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError("Не указаны организация и учебный год документа.") from error
    return selectors.organization_year_for(actor=actor, organization_pk=org_pk, start_year=year)


def document_date(options: dict) -> dt.date:
    value = options.get("date")
    if isinstance(value, dt.date):
        return value
    if value:
        return dt.date.fromisoformat(value)
    return timezone.localdate()


def common_context(*, organization, academic_year, options: dict, kind: str, title: str, heading: str = "") -> dict:
    """Organisation, document (kind, title, date, number), place, signatory and style."""
    settings = selectors.settings_for(organization)
    day = document_date(options)
    director = selectors.director_of(organization)
    if settings.signatory_name.strip():
        parts = settings.signatory_name.split()
        last, first, patronymic = [*parts, "", "", ""][:3]
        signatory_name = " ".join(f"{p[0]}." for p in (first, patronymic) if p) + f" {last}"
        signatory_full = settings.signatory_name.strip()
    elif director is not None:
        signatory_name, signatory_full = signature_name(director), fio(director)
    else:
        signatory_name, signatory_full = "", ""
    position = settings.signatory_position.strip()
    if not position:
        position = capitalize_first(position_of(director)) if director is not None and director.position else "Директор"
    place = settings.place.strip()
    return {
        "organization": {
            "name": organization.name,
            "short_name": organization.short_name,
            "address": organization.address,
            "place": place,
            "text_name": settings.text_name.strip() or official_short_name(organization.name, organization.short_name),
        },
        "document": {
            "kind": kind,
            "title": title,
            "heading": heading or title,
            "number": str(options.get("number") or ""),
            "date": date_ru(day),
            "date_short": day.strftime("%d.%m.%Y"),
            "academic_year": f"{academic_year.start_year}/{academic_year.start_year + 1} учебный год",
            "academic_year_short": f"{academic_year.start_year}/{academic_year.start_year + 1}",
        },
        "signatory": {"position": position, "name": signatory_name.strip(), "full_name": signatory_full},
        "style": {"font_name": settings.font_name, "font_size": settings.font_size},
    }


def sample_common(*, kind: str, title: str, number: str = "15-н", heading: str = "") -> dict:
    return {
        "organization": {
            "name": "Муниципальное бюджетное общеобразовательное учреждение "
            "«Ершовская средняя общеобразовательная школа»",
            "short_name": "МБОУ «Ершовская СОШ»",
            "address": "309950, Белгородская область, Валуйский округ, с. Ершово, ул. Школьная, д. 1",
            "place": "с. Ершово",
            "text_name": "МБОУ «Ершовская СОШ»",
        },
        "document": {
            "kind": kind,
            "title": title,
            "heading": heading or title,
            "number": number,
            "date": "1 сентября 2026 г.",
            "date_short": "01.09.2026",
            "academic_year": "2026/2027 учебный год",
            "academic_year_short": "2026/2027",
        },
        "signatory": {"position": "Директор", "name": "Т. А. Балтина", "full_name": "Балтина Татьяна Александровна"},
        "style": {"font_name": "Times New Roman", "font_size": 14},
    }


def person_context(person, *, cases=(Case.NOMINATIVE, Case.GENITIVE, Case.DATIVE, Case.ACCUSATIVE, Case.INSTRUMENTAL)):
    """A person for templates: the name in every case used, the signature form and the position."""
    from ..text import surname_initials

    data = {
        "fio": fio(person),
        "signature": signature_name(person),
        "short": surname_initials(person),
        "position": position_of(person),
        "gender": person.gender or "",
    }
    names = {Case.GENITIVE: "gen", Case.DATIVE: "dat", Case.ACCUSATIVE: "acc", Case.INSTRUMENTAL: "ins"}
    for case in cases:
        if case in names:
            data[f"fio_{names[case]}"] = fio(person, case)
            data[f"position_{names[case]}"] = position_of(person, case)
    return data


def draw_header(sheet, context: dict, *, with_number: bool = True) -> None:
    """Organisation, kind, date and number, place, title — the top of every order and protocol."""
    sheet.organization(context["organization"]["name"])
    sheet.kind(context["document"]["kind"])
    if with_number:
        sheet.date_number(context["document"]["date"], context["document"]["number"])
    sheet.place(context["organization"]["place"])
    sheet.title(context["document"]["heading"])


def draw_signature(sheet, context: dict) -> None:
    sheet.signature(context["signatory"]["position"], context["signatory"]["name"])
