"""The register: numbering per series and year by the organisation's pattern, versions, one-time keys,
scans, settings, own templates (checked, used, falling back) and batches."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404
from docx import Document

from nastavnik.documents import services
from nastavnik.documents.models import BatchStatus, CustomTemplate, DocumentVersion, IssuedDocument

pytestmark = pytest.mark.django_db


def docx_with(*lines: str) -> bytes:
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def text_of(version: DocumentVersion) -> str:
    with version.file.open("rb") as handle:
        doc = Document(io.BytesIO(handle.read()))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


def test_orders_share_one_series_numbered_by_the_pattern(cast, year, group, issue):
    first = issue("order_implementation").document
    second = issue("order_working_group").document
    regulation = issue("regulation").document
    assert (first.number, second.number, regulation.number) == ("1-н", "2-н", "1")
    assert (first.series, second.series, regulation.series) == ("order", "order", "regulation")
    assert first.author == cast.user("curator")


def test_the_pattern_is_an_organisation_setting(cast, year, group, issue):
    issue("order_implementation")
    services.document_settings_save(
        actor=cast.user("director"), organization=cast.school_a, font_name="Times New Roman", font_size=14,
        place="с. Ершово", text_name="", order_number_pattern="{n}/{year}-од", number_pattern="{n}",
    )  # fmt: skip
    assert issue("order_working_group").document.number == f"2/{year.start_year}-од"


def test_a_typed_number_must_be_free_and_the_next_one_skips_it(cast, group, issue):
    issue("order_implementation", number="5-н")
    with pytest.raises(ValidationError, match="Номер 5-н уже есть в реестре: Приказ о внедрении"):
        issue("order_working_group", number="5-н")
    assert IssuedDocument.objects.count() == 1
    assert issue("order_working_group").document.number == "2-н"


def test_issue_stores_the_file_the_options_and_the_data_it_was_made_from(cast, year, group, issue):
    result = issue("order_implementation", date=year.start_date.isoformat())
    document, version = result.document, result.version
    assert document.date == year.start_date
    assert document.options["number"] == "1-н"
    assert version.version == 1
    assert version.context["document"]["number"] == "1-н"
    assert version.context["document"]["date"] == f"1 сентября {year.start_year} г."
    assert "Петрову Анну Сергеевну" in text_of(version)
    assert version.filename.endswith(".docx")


def test_the_same_form_twice_is_one_document(cast, group, issue):
    first = issue("order_implementation", request_key="k-1")
    again = issue("order_implementation", request_key="k-1")
    assert again.repeated
    assert again.document == first.document
    assert IssuedDocument.objects.count() == 1


def test_regenerate_is_a_new_version_with_todays_data(cast, group, issue):
    document = issue("order_implementation").document
    curator = group["curator"]
    curator.position = "заместитель директора по воспитательной работе"
    curator.save()
    result = services.document_regenerate(actor=cast.user("director"), document=document)
    document.refresh_from_db()
    assert (result.version.version, document.current_version, document.number) == (2, 2, "1-н")
    assert "заместителя директора по воспитательной работе" in text_of(result.version)
    assert "заместителя директора по учебно-воспитательной работе" in text_of(document.versions.get(version=1))


def test_a_protocol_takes_its_meetings_number_and_issuing_again_adds_a_version(cast, meeting, issue):
    first = issue("protocol", meeting=meeting.pk).document
    again = issue("protocol", meeting=meeting.pk).document
    assert first == again
    assert first.number == str(meeting.number)
    assert first.date == meeting.date
    assert IssuedDocument.objects.count() == 1
    assert first.versions.count() == 2


@pytest.mark.parametrize("reader", ["working_group", "regional"])
def test_readers_cannot_issue_and_nothing_is_written(cast, group, issue, reader):
    with pytest.raises(PermissionDenied):
        issue("order_implementation", actor=reader)
    assert not IssuedDocument.objects.exists()


def test_another_organisation_is_not_found(cast, group, issue):
    with pytest.raises(Http404):
        issue("order_implementation", actor="outsider")
    assert not IssuedDocument.objects.exists()


def test_scan_of_the_signed_copy(cast, group, issue):
    document = issue("order_implementation").document
    with pytest.raises(ValidationError, match="PDF, JPG или PNG"):
        services.document_attach_scan(
            actor=cast.user("curator"), document=document, scan=ContentFile(b"x", name="a.exe")
        )
    services.document_attach_scan(
        actor=cast.user("curator"), document=document, scan=ContentFile(b"%PDF-1.4", name="приказ 1-н.pdf")
    )
    document.refresh_from_db()
    assert document.scan_name == "приказ 1-н.pdf"
    assert document.scan_uploaded_by == cast.user("curator")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("order_number_pattern", "н-15", "должно быть {n}"),
        ("number_pattern", "{n}-{month}", "Неизвестная подстановка {month}"),
        ("font_size", 30, "от 10 до 16"),
        ("font_name", "Comic Sans MS", "из списка"),
        ("signatory_name", "Петрова", "полностью"),
    ],
)
def test_settings_are_checked(cast, field, value, message):
    data = {
        "font_name": "Times New Roman", "font_size": 14, "place": "", "text_name": "",
        "order_number_pattern": "{n}-н", "number_pattern": "{n}", field: value,
    }  # fmt: skip
    with pytest.raises(ValidationError, match=message.replace("{", r"\{").replace("}", r"\}")):
        services.document_settings_save(actor=cast.user("curator"), organization=cast.school_a, **data)


def test_settings_are_written_by_the_director_and_curator_only(cast):
    data = {"font_name": "Arial", "font_size": 12, "place": "", "text_name": "", "order_number_pattern": "{n}",
            "number_pattern": "{n}"}  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.document_settings_save(actor=cast.user("working_group"), organization=cast.school_a, **data)
    saved = services.document_settings_save(actor=cast.user("director"), organization=cast.school_a, **data)
    assert (saved.font_name, saved.font_size) == ("Arial", 12)


# --- own templates ------------------------------------------------------------------------------------
def upload(cast, content: bytes, generator_id="order_implementation", name="бланк.docx"):
    return services.template_upload(
        actor=cast.user("curator"), organization=cast.school_a, generator_id=generator_id,
        file=ContentFile(content, name=name),
    )  # fmt: skip


def test_own_template_is_used_for_the_next_document(cast, group, issue):
    lines = (
        "НАШ БЛАНК {{ organization.text_name }}",
        "Приказ № {{ document.number }} от {{ document.date }}",
        "{% for item in items %}{{ loop.index }}) {{ item.text }}{% endfor %}",
    )
    upload(cast, docx_with(*lines))
    result = issue("order_implementation")
    text = text_of(result.version)
    assert "НАШ БЛАНК МБОУ «Школа № " in text
    assert "Приказ № 1-н от " in text
    assert "Петрову Анну Сергеевну" in text
    assert result.version.template_name == "бланк"
    assert result.warning == ""


@pytest.mark.parametrize(
    ("_case", "lines", "message"),
    [
        ("syntax", ("№ {{ document.number }", ), "ошибка в записи полей"),
        ("unknown top field", ("{{ organisation.name }}",), "«organisation»"),
        ("unknown inner field", ("{{ document.nomer }}",), "«nomer»"),
        ("no fields", ("Просто текст",), "нет ни одного поля"),
    ],
)  # fmt: skip
def test_a_broken_template_is_refused_with_a_russian_message_naming_the_problem(cast, _case, lines, message):
    with pytest.raises(ValidationError) as error:
        upload(cast, docx_with(*lines))
    assert message in " ".join(error.value.messages)
    assert not CustomTemplate.objects.exists()


def test_not_a_docx_is_refused(cast):
    with pytest.raises(ValidationError, match=r"не файл \.docx"):
        upload(cast, b"plain text", name="бланк.docx")
    with pytest.raises(ValidationError, match=r"формате \.docx"):
        upload(cast, b"plain text", name="бланк.doc")


def test_a_template_that_fails_later_falls_back_to_the_built_in_layout(cast, group, issue):
    template = upload(cast, docx_with("{{ document.number }}"))
    template.file.save("broken.docx", ContentFile(b"not a zip any more"), save=True)
    result = issue("order_implementation")
    assert "не сработал" in result.warning
    assert "встроенному образцу" in result.warning
    assert result.version.template_name == ""
    assert "ПРИКАЗЫВАЮ:" in text_of(result.version)


def test_template_preview_fills_demo_data_and_writes_nothing(cast):
    template = upload(cast, docx_with("№ {{ document.number }} — {{ curator.fio_acc }}"))
    rendered = services.template_preview(actor=cast.user("working_group"), template=template)
    text = "\n".join(p.text for p in Document(io.BytesIO(rendered.content)).paragraphs)
    assert text == "№ 15-н — Петрову Анну Сергеевну"
    assert not IssuedDocument.objects.exists()


def test_only_one_template_per_document_is_in_use(cast):
    first = upload(cast, docx_with("{{ document.number }}"))
    second = upload(cast, docx_with("{{ document.date }}"))
    first.refresh_from_db()
    assert (first.is_active, second.is_active) == (False, True)


# --- batches ---------------------------------------------------------------------------------------------
def test_batch_of_certificates_gives_one_zip_and_every_one_is_in_the_register(
    cast, year, mentor, approved_program, monkeypatch
):
    from tests.factories import PersonFactory

    second = PersonFactory(organization=cast.school_a, last_name="Кузнецов", first_name="Илья", patronymic="Петрович",
                           gender="m", position="учитель", subject="физика")  # fmt: skip
    from nastavnik.pools.models import MentorEntry

    entry = MentorEntry.objects.get(person=mentor)
    MentorEntry.objects.create(
        organization=cast.school_a, municipality=cast.municipality_a, region=cast.region_a, academic_year=year,
        person=second, form=entry.form, status="long_term",
    )  # fmt: skip
    outsider = PersonFactory(
        organization=cast.school_a, last_name="Посторонний", first_name="Иван", patronymic="Ильич", gender="m"
    )
    started = []
    monkeypatch.setattr(services, "start_worker", lambda job_id: started.append(job_id))
    with pytest.raises(ValidationError, match="другой организации"):
        services.batch_start(
            actor=cast.user("curator"), organization=cast.school_a, academic_year=year,
            generator_id="certificate", options={"role": "mentor"}, person_ids=[cast.person_b.pk],
        )  # fmt: skip
    from django.db import transaction

    with transaction.atomic():
        job = services.batch_start(
            actor=cast.user("curator"), organization=cast.school_a, academic_year=year, generator_id="certificate",
            options={"role": "mentor", "date": year.start_date.isoformat()},
            person_ids=[mentor.pk, second.pk, outsider.pk],
        )  # fmt: skip
    job = services.run_batch(job.pk, close_connections=False)
    assert job.status == BatchStatus.DONE
    assert (job.processed, job.total) == (3, 3)
    assert "Посторонний Иван Ильич не участвовал" in job.message
    with job.archive.open("rb") as handle:
        names = sorted(zipfile.ZipFile(io.BytesIO(handle.read())).namelist())
    assert names == [
        "Сертификат участника программы наставничества № 1 Сидоров Пётр Ильич.docx",
        "Сертификат участника программы наставничества № 2 Кузнецов Илья Петрович.docx",
    ]
    assert IssuedDocument.objects.filter(generator_id="certificate").count() == 2
    # a re-run (after a restart) makes nothing twice
    services.run_batch(job.pk, close_connections=False)
    assert IssuedDocument.objects.filter(generator_id="certificate").count() == 2
