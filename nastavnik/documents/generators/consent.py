"""Согласие на обработку персональных данных on paper, in the three variants of the consents app (adult;
minor 14–17 with the guardian; guardian of a child under 14). The text comes from
`consents.services.consent_text` — the same source as the one-time link page and the printable blank —
so the paper and the electronic consent say the same; the paper adds the lines 152-ФЗ (art. 9 p. 4)
requires to be filled in by hand (address, identity document) and the signatures."""

from __future__ import annotations

from nastavnik.consents.models import ConsentKind

from .. import selectors
from ..text import signature_name, surname_initials
from .base import DocumentGenerator, PersonOptionsForm, common_context, document_date, resolve, sample_common
from .layout import Sheet

SUBTITLES = {
    ConsentKind.ADULT: "совершеннолетнего участника программы наставничества",
    ConsentKind.MINOR_WITH_GUARDIAN: "несовершеннолетнего в возрасте от 14 до 18 лет и его законного представителя",
    ConsentKind.GUARDIAN_FOR_CHILD: "законного представителя ребёнка, не достигшего 14 лет",
}
IDENTITY_LINES = (
    "Адрес регистрации: ______________________________________________________________",
    "Документ, удостоверяющий личность: ________ серия ______ № __________, выдан "
    "«___» __________ ______ г. _______________________________________________",
)


class ConsentOptionsForm(PersonOptionsForm):
    def person_queryset(self):
        return selectors.people_of(organization=self.organization).exclude(birth_date__isnull=True)


class ConsentForm(DocumentGenerator):
    identifier = "consent"
    title_ru = "Согласие на обработку персональных данных"
    kind_ru = "СОГЛАСИЕ"
    source = "person"
    options_form = ConsentOptionsForm
    description = "Бланк для подписи: вариант по возрасту участника (18+; 14–17 вместе с законным "
    description += "представителем; до 14 — законный представитель), тот же текст, что и по ссылке."

    def build_context(self, *, actor, options: dict) -> dict:
        from nastavnik.consents.services import consent_text

        organization, academic_year = resolve(actor, options)
        person = selectors.person_of(organization=organization, pk=options.get("person"))
        kind, guardian = selectors.consent_parts(person)
        text = consent_text(person=person, kind=kind, guardian=guardian, on=document_date(options))
        context = common_context(
            organization=organization,
            academic_year=academic_year,
            options=options,
            kind=self.kind_ru,
            title="на обработку персональных данных",
        )
        signers = []
        if kind in (ConsentKind.ADULT, ConsentKind.MINOR_WITH_GUARDIAN):
            signers.append(
                {"role": "субъект персональных данных", "fio": person.full_name, "name": signature_name(person)}
            )
        if guardian is not None:
            signers.append(
                {"role": "законный представитель", "fio": guardian.full_name, "name": signature_name(guardian)}
            )
        context.update(
            {
                "variant": kind,
                "variant_title": SUBTITLES[kind],
                "person": {"fio": person.full_name, "short": surname_initials(person)},
                "guardian": {
                    "fio": guardian.full_name if guardian else "",
                    "short": surname_initials(guardian) if guardian else "",
                },
                "paragraphs": [p.strip() for p in text.split("\n\n") if p.strip()],
                "signers": signers,
                "subject": surname_initials(person),
            }
        )
        return context

    def sample_context(self) -> dict:
        context = sample_common(kind=self.kind_ru, title="на обработку персональных данных", number="7")
        context.update(
            {
                "variant": ConsentKind.ADULT.value,
                "variant_title": SUBTITLES[ConsentKind.ADULT],
                "person": {"fio": "Петрова Анна Сергеевна", "short": "Петрова А. С."},
                "guardian": {"fio": "", "short": ""},
                "paragraphs": [
                    "Я, Петрова Анна Сергеевна, 12.03.1985 года рождения, в соответствии со статьёй 9 Федерального "
                    "закона от 27.07.2006 № 152-ФЗ «О персональных данных» даю согласие оператору …",
                    "Дата: 1 сентября 2026 г.",
                ],
                "signers": [
                    {"role": "субъект персональных данных", "fio": "Петрова Анна Сергеевна", "name": "А. С. Петрова"}
                ],
                "subject": "Петрова А. С.",
            }
        )  # fmt: skip
        return context

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        sheet = Sheet(font_name=font_name, font_size=font_size, title="Согласие на обработку персональных данных")
        organization = context["organization"]
        lines = ["Оператору:", organization["name"]] + ([organization["address"]] if organization["address"] else [])
        for index, line in enumerate(lines):
            sheet.paragraph(line, align="left", indent=False, left_indent_mm=90, bold=index == 0)
        sheet.blank()
        sheet.paragraph("СОГЛАСИЕ", align="center", bold=True, indent=False)
        sheet.paragraph("на обработку персональных данных", align="center", bold=True, indent=False)
        sheet.paragraph(context["variant_title"], align="center", indent=False, italic=True, space_after=12)
        for paragraph in context["paragraphs"]:
            if paragraph.startswith("Дата:"):
                continue
            sheet.paragraph(paragraph, space_after=4)
        for signer in context["signers"]:
            sheet.paragraph(
                f"Сведения о подписывающем ({signer['role']}) — {signer['fio']}:",
                align="left", indent=False, space_before=8, keep_with_next=True,
            )  # fmt: skip
            for line in IDENTITY_LINES:
                sheet.paragraph(line, align="left", indent=False, size=max(font_size - 2, 10))
        sheet.paragraph(f"Дата: {context['document']['date']}", align="left", indent=False, space_before=12)
        for signer in context["signers"]:
            sheet.signature(f"Подпись ({signer['role']})", f"_____________ / {signer['name']}", space_before=14)
        return sheet.to_bytes()
