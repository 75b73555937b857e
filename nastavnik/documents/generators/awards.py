"""Сертификат and благодарственное письмо for a mentor or a mentee of the year (seed 000, roadmap 7.2:
«награждение лучших наставников»): one per person, or many at once in the background (services.batch_*).
The name and the position stand in the dative: «выдан Петровой Анне Сергеевне, учителю математики»."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from nastavnik.core.declension import Case, agree_with_gender

from .. import selectors
from ..text import fio, position_of, signature_name, surname_initials
from .base import DocumentGenerator, OptionsForm, common_context, resolve, sample_common
from .layout import Sheet

ROLES = (("mentor", "наставник"), ("mentee", "наставляемый"))
ROLE_INSTRUMENTAL = {"mentor": "наставника", "mentee": "наставляемого"}  # «в качестве наставника»


class AwardOptionsForm(OptionsForm):
    role = forms.ChoiceField(label="Кому", choices=ROLES, initial="mentor")
    person = forms.ModelChoiceField(
        label="Участник",
        queryset=None,
        empty_label="— выберите —",
        help_text="Наставники, прошедшие обучение или работающие с наставляемыми, и наставляемые в парах",
    )
    reason = forms.CharField(
        label="За что (необязательно)",
        required=False,
        max_length=300,
        help_text="Например: за высокие результаты наставляемых. Пусто — общая формулировка",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [
            p.pk
            for role in ("mentor", "mentee")
            for p in selectors.program_participants(
                organization=self.organization, academic_year=self.academic_year, role=role
            )
        ]
        self.fields["person"].queryset = selectors.people_of(organization=self.organization).filter(pk__in=ids)


class AwardDocument(DocumentGenerator):
    source = "person"
    options_form = AwardOptionsForm
    batch_role = "mentor"

    def _parts(self, actor, options):
        organization, academic_year = resolve(actor, options)
        person = selectors.person_of(organization=organization, pk=options.get("person"))
        role = options.get("role") or "mentor"
        if role not in dict(ROLES):
            raise ValidationError("Укажите, кому документ: наставнику или наставляемому.")
        forms_ = selectors.participation_of(person=person, academic_year=academic_year, role=role)
        if not forms_:
            took = agree_with_gender("участвовал", "участвовала", person.gender or "f")
            raise ValidationError(
                f"{person.full_name} не {took} в программе наставничества {academic_year.start_year}/"
                f"{academic_year.start_year + 1} учебного года в качестве {ROLE_INSTRUMENTAL[role]}."
            )
        program = selectors.program_in_force(organization=organization, academic_year=academic_year)
        return organization, academic_year, person, role, forms_, program

    def build_context(self, *, actor, options: dict) -> dict:
        organization, academic_year, person, role, forms_, program = self._parts(actor, options)
        context = common_context(
            organization=organization,
            academic_year=academic_year,
            options=options,
            kind=self.kind_ru,
            title=self.title_ru,
        )
        gender = person.gender or "f"
        forms_text = ", ".join(f"«{name}»" for name in forms_)
        context.update(
            {
                "person": {
                    "fio": fio(person),
                    "fio_dat": fio(person, Case.DATIVE),
                    "position_dat": position_of(person, Case.DATIVE),
                    "signature": signature_name(person),
                    "address": f"{agree_with_gender('Уважаемый', 'Уважаемая', gender)} "
                    f"{' '.join(p for p in (person.first_name, person.patronymic) if p)}!",
                    "pronoun": agree_with_gender("он", "она", gender),
                    "took_part": agree_with_gender("участвовал", "участвовала", gender),
                },
                "role": role,
                "role_text": ROLE_INSTRUMENTAL[role],
                "forms": forms_text,
                "program_title": program.title if program else "",
                "reason": (options.get("reason") or "").strip().rstrip("."),
                "subject": f"{surname_initials(person)}, {dict(ROLES)[role]}",
            }
        )
        context["text"] = self.text(context)
        return context

    def sample_context(self) -> dict:
        context = sample_common(kind=self.kind_ru, title=self.title_ru, number="7")
        context.update(
            {
                "person": {
                    "fio": "Петрова Анна Сергеевна",
                    "fio_dat": "Петровой Анне Сергеевне",
                    "position_dat": "учителю математики",
                    "signature": "А. С. Петрова",
                    "address": "Уважаемая Анна Сергеевна!",
                    "pronoun": "она",
                    "took_part": "участвовала",
                },
                "role": "mentor",
                "role_text": "наставника",
                "forms": "«Учитель – ученик»",
                "program_title": "Программа наставничества «Вместе — к успеху»",
                "reason": "",
                "subject": "Петрова А. С., наставник",
            }
        )
        context["text"] = self.text(context)
        return context

    def text(self, context: dict) -> str:
        raise NotImplementedError

    def _program_part(self, context: dict) -> str:
        title = context["program_title"]
        name = context["organization"]["text_name"]
        return f"в программе наставничества {name}" + (f" «{title.strip('«»')}»" if title and "«" not in title else "")

    def filename(self, context: dict) -> str:
        from .base import safe_filename

        return safe_filename(f"{self.title_ru} № {context['document']['number']} {context['person']['fio']}") + ".docx"


class Certificate(AwardDocument):
    identifier = "certificate"
    title_ru = "Сертификат участника программы наставничества"
    kind_ru = "СЕРТИФИКАТ"
    series = "certificate"
    description = "Наставнику или наставляемому; по одному или пакетом для всех (ZIP)."

    def text(self, context: dict) -> str:
        person = context["person"]
        who = f"{person['fio_dat']}, {person['position_dat']}," if person["position_dat"] else f"{person['fio_dat']}"
        reason = f" {context['reason']}." if context["reason"] else ""
        return (
            f"выдан {who} в том, что {person['pronoun']} в {context['document']['academic_year_short']} учебном году "
            f"успешно {person['took_part']} {self._program_part(context)} в качестве {context['role_text']} "
            f"(форма наставничества {context['forms']}).{reason}"
        )

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        sheet = Sheet(font_name=font_name, font_size=font_size, title=self.title_ru)
        sheet.organization(context["organization"]["name"])
        sheet.blank(3)
        p = sheet.paragraph("СЕРТИФИКАТ", align="center", bold=True, indent=False, size=font_size + 14)
        p.paragraph_format.space_after = 0
        sheet.paragraph(f"№ {context['document']['number']}", align="center", indent=False, space_after=18)
        sheet.paragraph(context["text"], align="center", indent=False, size=font_size + 2, space_after=24)
        sheet.blank(4)
        sheet.signature(context["signatory"]["position"], context["signatory"]["name"])
        sheet.paragraph(
            f"{context['organization']['place']}, {context['document']['date']}".strip(", "),
            align="center", indent=False, space_before=36,
        )  # fmt: skip
        return sheet.to_bytes()


class ThankYouLetter(AwardDocument):
    identifier = "letter"
    title_ru = "Благодарственное письмо"
    kind_ru = "БЛАГОДАРСТВЕННОЕ ПИСЬМО"
    series = "letter"
    description = "Наставнику или наставляемому по итогам года; по одному или пакетом (ZIP)."

    def text(self, context: dict) -> str:
        person = context["person"]
        who = f"{person['fio_dat']}, {person['position_dat']}," if person["position_dat"] else f"{person['fio_dat']}"
        if context["reason"]:
            reason = context["reason"]
        elif context["role"] == "mentor":
            reason = "за добросовестный труд, передачу опыта и поддержку наставляемых"
        else:
            reason = "за активность, целеустремлённость и успехи, достигнутые вместе с наставником"
        program = self._program_part(context).replace("в программе", "в ходе программы", 1)
        return (
            f"Администрация {context['organization']['text_name']} выражает благодарность {who} {reason} "
            f"в {context['document']['academic_year_short']} учебном году {program} "
            f"в качестве {context['role_text']} (форма наставничества {context['forms']})."
        )

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        sheet = Sheet(font_name=font_name, font_size=font_size, title=self.title_ru)
        sheet.organization(context["organization"]["name"])
        sheet.blank(3)
        sheet.paragraph("БЛАГОДАРСТВЕННОЕ", align="center", bold=True, indent=False, size=font_size + 10)
        sheet.paragraph("ПИСЬМО", align="center", bold=True, indent=False, size=font_size + 10, space_after=24)
        sheet.paragraph(context["person"]["address"], align="center", bold=True, indent=False, size=font_size + 2,
                        space_after=12)  # fmt: skip
        sheet.paragraph(context["text"], size=font_size + 1, space_after=24)
        sheet.blank(4)
        sheet.signature(context["signatory"]["position"], context["signatory"]["name"])
        sheet.paragraph(
            f"{context['organization']['place']}, {context['document']['date']}".strip(", "),
            align="center", indent=False, space_before=36,
        )  # fmt: skip
        return sheet.to_bytes()
