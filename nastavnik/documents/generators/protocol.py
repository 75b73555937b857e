"""Протокол заседания рабочей группы: the meeting's number and date, who was present, the agenda and the
decisions, signed by the chair (the head of the working group, or else the curator) and the secretary."""

from __future__ import annotations

import re

from django import forms
from docx.shared import Pt

from nastavnik.core.declension import Case
from nastavnik.core.text import date_ru, plural_ru

from .. import selectors
from ..text import number_words, surname_initials, with_position
from .base import DocumentGenerator, OptionsForm, common_context, resolve, sample_common
from .layout import Sheet


class ProtocolOptionsForm(OptionsForm):
    has_number = False
    meeting = forms.ModelChoiceField(label="Заседание", queryset=None, empty_label="— выберите заседание —")
    secretary = forms.ModelChoiceField(
        label="Секретарь", queryset=None, required=False, empty_label="— без секретаря —",
        help_text="Из членов рабочей группы года",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["date"]  # the meeting's date
        meetings = selectors.group_meetings(organization=self.organization, academic_year=self.academic_year)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"Протокол № {m.number} от {date_ru(m.date)}"
        members = selectors.group_members(organization=self.organization, academic_year=self.academic_year)
        people = selectors.people_of(organization=self.organization).filter(pk__in=[m.person_id for m in members])
        self.fields["secretary"].queryset = people


def _lines(text: str) -> list[str]:
    """«1. О …\n2. Об …» → ["О …", "Об …"]: the numbering is the document's."""
    lines = [line.strip() for line in (text or "").replace("\r", "").split("\n") if line.strip()]
    return [re.sub(r"^\d+[.)]\s*", "", line) for line in lines]


class MeetingProtocol(DocumentGenerator):
    identifier = "protocol"
    title_ru = "Протокол заседания рабочей группы"
    kind_ru = "ПРОТОКОЛ"
    source = "meeting"
    series = "protocol"
    options_form = ProtocolOptionsForm
    description = "Заседание рабочей группы: номер, дата, присутствовали, повестка, решения."

    def _meeting(self, actor, options):
        organization, academic_year = resolve(actor, options)
        meeting = selectors.group_meeting_of(
            organization=organization, academic_year=academic_year, pk=options.get("meeting")
        )
        return organization, academic_year, meeting

    def fixed_number(self, *, actor, options: dict) -> str | None:
        return str(self._meeting(actor, options)[2].number)

    def fixed_date(self, *, actor, options: dict):
        return self._meeting(actor, options)[2].date

    def build_context(self, *, actor, options: dict) -> dict:
        organization, academic_year, meeting = self._meeting(actor, options)
        options = {**options, "date": meeting.date.isoformat(), "number": str(meeting.number)}
        context = common_context(
            organization=organization,
            academic_year=academic_year,
            options=options,
            kind=self.kind_ru,
            title="заседания рабочей группы по внедрению целевой модели наставничества",
        )
        members = {
            m.person_id: m for m in selectors.group_members(organization=organization, academic_year=academic_year)
        }
        attendees = sorted(meeting.attendees.all(), key=lambda p: (p.last_name, p.first_name))
        chair_member = next((m for m in members.values() if m.position == "head"), None) or next(
            (m for m in members.values() if m.position == "curator"), None
        )
        chair = chair_member.person if chair_member else None
        secretary = None
        if options.get("secretary"):
            secretary = selectors.person_of(organization=organization, pk=options["secretary"])
        count = len(attendees)
        people = plural_ru(count, "человек", "человека", "человек")
        context.update(
            {
                "meeting": {
                    "number": str(meeting.number),
                    "date": date_ru(meeting.date),
                    "agenda": _lines(meeting.agenda),
                    "decisions": _lines(meeting.decisions),
                },
                "chair": surname_initials(chair) if chair else "",
                "chair_signature": chair.short_name if chair else "",
                "secretary": surname_initials(secretary) if secretary else "",
                "secretary_signature": secretary.short_name if secretary else "",
                "present_count": f"{count} ({number_words(count)}) {people}",
                "present": [with_position(p, Case.NOMINATIVE) for p in attendees],
                "subject": f"№ {meeting.number} от {meeting.date:%d.%m.%Y}",
            }
        )
        return context

    def sample_context(self) -> dict:
        context = sample_common(
            kind=self.kind_ru, title="заседания рабочей группы по внедрению целевой модели наставничества", number="1"
        )
        context.update(
            {
                "meeting": {
                    "number": "1",
                    "date": "7 сентября 2026 г.",
                    "agenda": ["О внедрении целевой модели наставничества в 2026/2027 учебном году."],
                    "decisions": ["Принять к сведению информацию куратора."],
                },
                "chair": "Петрова А. С.",
                "chair_signature": "А. С. Петрова",
                "secretary": "Смирнова Е. В.",
                "secretary_signature": "Е. В. Смирнова",
                "present_count": "3 (три) человека",
                "present": ["Петрова Анна Сергеевна, заместитель директора по учебно-воспитательной работе"],
                "subject": "№ 1 от 07.09.2026",
            }
        )
        return context

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        sheet = Sheet(font_name=font_name, font_size=font_size, title="Протокол заседания рабочей группы")
        sheet.organization(context["organization"]["name"])
        p = sheet.paragraph(context["document"]["kind"], align="center", bold=True, indent=False)
        for run in p.runs:
            run.font.size = Pt(font_size + 2)
        sheet.paragraph(context["document"]["title"], align="center", bold=True, indent=False, space_after=12)
        sheet.date_number(context["meeting"]["date"], context["meeting"]["number"])
        sheet.place(context["organization"]["place"])
        sheet.blank()
        if context["chair"]:
            sheet.paragraph(f"Председатель — {context['chair']}", align="left", indent=False)
        if context["secretary"]:
            sheet.paragraph(f"Секретарь — {context['secretary']}", align="left", indent=False)
        sheet.paragraph(f"Присутствовали: {context['present_count']}:", align="left", indent=False, space_before=6)
        for index, line in enumerate(context["present"]):
            end = ";" if index < len(context["present"]) - 1 else "."
            sheet.paragraph(f"– {line}{end}", align="left", indent=False, left_indent_mm=12.5)
        sheet.heading("ПОВЕСТКА ДНЯ:")
        sheet.numbered(context["meeting"]["agenda"])
        if context["meeting"]["decisions"]:
            sheet.heading("РЕШИЛИ:")
            sheet.numbered(context["meeting"]["decisions"])
        sheet.signature("Председатель", context["chair_signature"])
        if context["secretary_signature"]:
            sheet.signature("Секретарь", context["secretary_signature"], space_before=12)
        return sheet.to_bytes()
