"""Сертификат куратора наставничества (seed 004, stage 6 «Сертификация кураторов»): issued by the regional
coordinator once the curator met every requirement of the region's scheme for the year. Made only from a
certificate of nastavnik.certification (its services put it into the register of the curator's
organisation); the name and the position stand in the dative: «выдан Ивановой Марии Петровне, куратору
программы наставничества МБОУ «Ершовская СОШ»»."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from nastavnik.core.declension import Case, agree_with_gender, decline_phrase

from ..text import capitalize_first, fio, position_of, signature_name, surname_initials
from .base import DocumentGenerator, OptionsForm, common_context, resolve, safe_filename, sample_common
from .layout import Sheet

ONLY_FROM_CERTIFICATION = (
    "Сертификат куратора выдаёт региональный координатор на странице «Сертификация кураторов», "
    "когда выполнены все требования: здесь его не сформировать."
)


class CuratorCertificateOptionsForm(OptionsForm):
    """The register's «сформировать» form refuses: the certificate is the region's decision."""

    has_number = False

    def clean(self):
        raise ValidationError(ONLY_FROM_CERTIFICATION)


class CuratorCertificateDocument(DocumentGenerator):
    identifier = "curator_certificate"
    title_ru = "Сертификат куратора программы наставничества"
    kind_ru = "СЕРТИФИКАТ"
    source = "person"
    series = "curator_certificate"
    options_form = CuratorCertificateOptionsForm
    custom_templates = True
    description = "Выдаёт региональный координатор на странице «Сертификация кураторов» (документ 004, этап 6)."

    def build_context(self, *, actor, options: dict) -> dict:
        from nastavnik.certification import selectors as certification_selectors

        organization, academic_year = resolve(actor, options)
        certificate = certification_selectors.certificate_for_document(
            organization=organization, pk=options.get("certificate")
        )
        if certificate is not None and certificate.scheme.academic_year_id != academic_year.pk:
            certificate = None
        if certificate is not None:
            person, region = certificate.person, certificate.scheme.region
            summary, issuer = certificate.summary, certificate.issued_by
        else:  # a preview (the fields list of templates): the organisation's curator, nothing fulfilled yet
            person = certification_selectors.curator_of_organization(organization=organization)
            if person is None:
                raise ValidationError(ONLY_FROM_CERTIFICATION)
            region, summary, issuer = organization.municipality.region, [], None
        context = common_context(
            organization=organization, academic_year=academic_year, options=options,
            kind=self.kind_ru, title=self.title_ru,
        )  # fmt: skip
        issuer = getattr(issuer, "person", None) if issuer is not None else None
        if issuer is not None:
            position = capitalize_first(position_of(issuer)) or "Региональный координатор"
            context["signatory"] = {"position": position, "name": signature_name(issuer), "full_name": fio(issuer)}
        gender = person.gender or "f"
        context.update(
            {
                "issuer": region.mentoring_centre.strip() or region.name,
                "region": {"name": region.name, "name_gen": decline_phrase(region.name, Case.GENITIVE)},
                "person": {
                    "fio": fio(person),
                    "fio_dat": fio(person, Case.DATIVE),
                    "position_dat": position_of(person, Case.DATIVE),
                    "signature": signature_name(person),
                    "pronoun": agree_with_gender("он", "она", gender),
                    "fulfilled": agree_with_gender("выполнил", "выполнила", gender),
                },
                "requirements": [{"title": t, "figure": f} for t, f in summary],
                "subject": f"{surname_initials(person)}, куратор",
            }
        )
        context["text"] = self.text(context)
        return context

    def sample_context(self) -> dict:
        context = sample_common(kind=self.kind_ru, title=self.title_ru, number="3")
        context.update(
            {
                "issuer": "Региональный наставнический центр Белгородской области",
                "region": {"name": "Белгородская область", "name_gen": "Белгородской области"},
                "person": {
                    "fio": "Иванова Мария Петровна",
                    "fio_dat": "Ивановой Марии Петровне",
                    "position_dat": "заместителю директора по воспитательной работе",
                    "signature": "М. П. Иванова",
                    "pronoun": "она",
                    "fulfilled": "выполнила",
                },
                "requirements": [
                    {"title": "Обучение: не менее 36 ч", "figure": "подтверждено 72 ч"},
                    {"title": "Завершённый год программы", "figure": "учебный год организации закрыт"},
                ],
                "subject": "Иванова М. П., куратор",
            }
        )
        context["signatory"] = {
            "position": "Региональный координатор",
            "name": "И. Н. Лебедева",
            "full_name": "Лебедева Ирина Николаевна",
        }
        context["text"] = self.text(context)
        return context

    def text(self, context: dict) -> str:
        person = context["person"]
        position = f", {person['position_dat']}" if person["position_dat"] else ""
        return (
            f"выдан {person['fio_dat']}{position}, куратору программы наставничества "
            f"{context['organization']['text_name']}, в том, что {person['pronoun']} в "
            f"{context['document']['academic_year_short']} учебном году {person['fulfilled']} требования "
            f"сертификации кураторов наставничества {context['region']['name_gen']}."
        )

    def draw(self, context: dict, *, font_name: str, font_size: int) -> bytes:
        sheet = Sheet(font_name=font_name, font_size=font_size, title=self.title_ru)
        sheet.organization(context["issuer"])
        sheet.blank(2)
        p = sheet.paragraph("СЕРТИФИКАТ", align="center", bold=True, indent=False, size=font_size + 14)
        p.paragraph_format.space_after = 0
        sheet.paragraph("куратора программы наставничества", align="center", bold=True, indent=False,
                        size=font_size + 2)  # fmt: skip
        sheet.paragraph(f"№ {context['document']['number']}", align="center", indent=False, space_after=18)
        sheet.paragraph(context["text"], align="center", indent=False, size=font_size + 2, space_after=18)
        if context["requirements"]:
            sheet.paragraph("Выполненные требования:", indent=False, bold=True, space_after=6)
            last = len(context["requirements"]) - 1
            for index, item in enumerate(context["requirements"]):
                end = "." if index == last else ";"
                sheet.paragraph(f"— {item['title']} ({item['figure']}){end}", align="left", indent=False,
                                left_indent_mm=5)  # fmt: skip
        sheet.blank(3)
        sheet.signature(context["signatory"]["position"], context["signatory"]["name"])
        sheet.paragraph(
            f"{context['organization']['place']}, {context['document']['date']}".strip(", "),
            align="center", indent=False, space_before=36,
        )  # fmt: skip
        return sheet.to_bytes()

    def filename(self, context: dict) -> str:
        return safe_filename(f"{self.title_ru} № {context['document']['number']} {context['person']['fio']}") + ".docx"
