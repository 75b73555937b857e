"""The «Документы» pages: the curator issues from the UI, the working group reads, another organisation
gets 404, read-only roles get 403 on every write and nothing changes; search, scans, settings, own
templates, batches with progress, PDF when LibreOffice is there."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nastavnik.documents import pdf, services
from nastavnik.documents.models import BatchJob, CustomTemplate, DocumentSettings, DocumentVersion, IssuedDocument

from .test_services import docx_with

pytestmark = pytest.mark.django_db


def year_url(cast, year, name="documents:year", **kwargs):
    return reverse(name, kwargs={"org_pk": cast.school_a.pk, "year": year.start_year, **kwargs})


def snapshot():
    return (IssuedDocument.objects.count(), DocumentVersion.objects.count(), CustomTemplate.objects.count(),
            DocumentSettings.objects.count(), BatchJob.objects.count())  # fmt: skip


def test_curator_issues_an_order_from_the_page(client_for, cast, year, group):
    client = client_for("curator")
    page = client.get(year_url(cast, year))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Приказ о внедрении целевой модели наставничества" in content
    assert "Сформировать" in content
    form_page = client.get(year_url(cast, year, "documents:issue", generator_id="order_implementation"))
    assert form_page.status_code == 200
    key = form_page.context["form"]["request_key"].value()
    response = client.post(
        year_url(cast, year, "documents:issue", generator_id="order_implementation"),
        {"date": year.start_date.isoformat(), "number": "", "request_key": key},
    )
    document = IssuedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:document_detail", args=[document.pk])
    detail = client.get(response["Location"])
    assert "Приказ о внедрении целевой модели наставничества № 1-н" in detail.content.decode()
    download = client.get(reverse("documents:version_download", args=[document.versions.get().pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    # a double click: the same key is the same document
    client.post(year_url(cast, year, "documents:issue", generator_id="order_implementation"),
                {"date": year.start_date.isoformat(), "number": "", "request_key": key})  # fmt: skip
    assert IssuedDocument.objects.count() == 1


def test_a_document_that_cannot_be_made_yet_shows_why(client_for, cast, year):
    response = client_for("curator").post(
        year_url(cast, year, "documents:issue", generator_id="order_implementation"),
        {"date": year.start_date.isoformat()},
    )
    assert response.status_code == 200
    assert "нет куратора" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_a_taken_number_is_a_form_error(client_for, cast, year, group, issue):
    issue("order_implementation", number="7-н")
    response = client_for("curator").post(
        year_url(cast, year, "documents:issue", generator_id="order_working_group"),
        {"date": year.start_date.isoformat(), "number": "7-н"},
    )
    assert response.status_code == 200
    assert "Номер 7-н уже есть в реестре" in response.content.decode()


def test_working_group_reads_the_register_and_downloads(client_for, cast, year, group, issue):
    document = issue("order_implementation").document
    client = client_for("working_group")
    page = client.get(year_url(cast, year)).content.decode()
    assert "1-н" in page
    assert "Сформировать" not in page
    assert client.get(reverse("documents:document_detail", args=[document.pk])).status_code == 200
    assert client.get(reverse("documents:version_download", args=[document.versions.get().pk])).status_code == 200


@pytest.mark.parametrize("stranger", ["outsider", "outsider_regional"])
def test_another_organisation_gets_404(client_for, cast, year, group, issue, stranger):
    document = issue("order_implementation").document
    client = client_for(stranger)
    before = snapshot()
    urls = [
        year_url(cast, year),
        year_url(cast, year, "documents:issue", generator_id="order_implementation"),
        reverse("documents:document_detail", args=[document.pk]),
        reverse("documents:version_download", args=[document.versions.get().pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("documents:document_regenerate", args=[document.pk])).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("reader", ["working_group", "mentor", "guardian"])
def test_read_only_roles_get_403_on_writes_and_nothing_changes(client_for, cast, year, group, issue, reader):
    document = issue("order_implementation").document
    client = client_for(reader)
    before = snapshot()
    writes = [
        (
            year_url(cast, year, "documents:issue", generator_id="order_implementation"),
            {"date": year.start_date.isoformat()},
        ),
        (year_url(cast, year, "documents:settings"), {"font_name": "Arial", "font_size": 12}),
        (year_url(cast, year, "documents:templates"), {"generator_id": "regulation"}),
        (year_url(cast, year, "documents:batch"), {"generator_id": "certificate", "role": "mentor"}),
        (reverse("documents:document_regenerate", args=[document.pk]), {}),
        (reverse("documents:document_scan", args=[document.pk]), {"scan": SimpleUploadedFile("s.pdf", b"%PDF")}),
    ]
    for url, data in writes:
        status = client.post(url, data).status_code
        assert status == 403 if reader == "working_group" else status in (403, 404), (url, status)
    assert snapshot() == before
    document.refresh_from_db()
    assert (document.current_version, bool(document.scan)) == (1, False)


def test_register_search_by_number_name_and_date_with_htmx(client_for, cast, year, group, meeting, mentor, issue):
    issue("order_implementation", date=year.start_date.isoformat())
    issue("certificate", person=mentor.pk, role="mentor")
    issue("protocol", meeting=meeting.pk)
    client = client_for("curator")

    def found(query, **headers):
        response = client.get(year_url(cast, year), {"q": query}, **headers)
        return [d.title for d in response.context["page"].object_list], response

    assert found("1-н")[0] == ["Приказ о внедрении целевой модели наставничества"]
    assert found("сидоров")[0] == ["Сертификат участника программы наставничества"]
    assert found(f"{meeting.date:%d.%m.%Y}")[0] == ["Протокол заседания рабочей группы"]
    titles, response = found("протокол", HTTP_HX_REQUEST="true")
    assert titles == ["Протокол заседания рабочей группы"]
    assert "<html" not in response.content.decode()  # only the register partial


def test_scan_upload_and_download(client_for, cast, year, group, issue):
    document = issue("order_implementation").document
    client = client_for("curator")
    response = client.post(
        reverse("documents:document_scan", args=[document.pk]),
        {"scan": SimpleUploadedFile("подписан.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 302
    download = client.get(reverse("documents:scan_download", args=[document.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    url = reverse("documents:document_scan", args=[document.pk])
    bad = client.post(url, {"scan": SimpleUploadedFile("x.exe", b"MZ")}, follow=True)
    assert "PDF, JPG или PNG" in bad.content.decode()


def test_settings_page(client_for, cast, year):
    client = client_for("director")
    data = {
        "font_name": "Times New Roman", "font_size": 14, "text_name": "МБОУ «Ершовская СОШ»", "place": "с. Ершово",
        "order_number_pattern": "{n}", "number_pattern": "{n}", "signatory_position": "", "signatory_name": "",
    }  # fmt: skip
    response = client.post(year_url(cast, year, "documents:settings"), {**data, "order_number_pattern": "н"})
    assert response.status_code == 200
    assert "должно быть {n}" in response.content.decode()
    assert not DocumentSettings.objects.exists()
    response = client.post(year_url(cast, year, "documents:settings"), {**data, "order_number_pattern": "{n}-од"})
    assert response.status_code == 302
    assert DocumentSettings.objects.get().order_number_pattern == "{n}-од"


def test_own_templates_page_shows_fields_and_explains_a_broken_template(client_for, cast, year):
    client = client_for("curator")
    page = client.get(year_url(cast, year, "documents:templates"), {"generator": "order_working_group"})
    content = page.content.decode()
    assert "{{ document.number }}" in content
    assert "{% for item in members %}" in content
    broken = client.post(
        year_url(cast, year, "documents:templates"),
        {"generator_id": "order_implementation", "name": "",
         "file": SimpleUploadedFile("бланк.docx", docx_with("{{ document.nomer }}"))},
    )  # fmt: skip
    assert broken.status_code == 200
    assert "неизвестное поле «nomer»" in broken.content.decode()
    assert not CustomTemplate.objects.exists()
    good = client.post(
        year_url(cast, year, "documents:templates"),
        {"generator_id": "order_implementation", "name": "Наш бланк",
         "file": SimpleUploadedFile("бланк.docx", docx_with("№ {{ document.number }}"))},
    )  # fmt: skip
    assert good.status_code == 302
    template = CustomTemplate.objects.get()
    preview = client.get(reverse("documents:template_preview", args=[template.pk]))
    assert preview.status_code == 200
    sample = client.get(year_url(cast, year, "documents:template_sample", generator_id="regulation"))
    assert sample.status_code == 200
    off = client.post(reverse("documents:template_toggle", args=[template.pk]), {"next": "/"})
    assert off.status_code == 302
    template.refresh_from_db()
    assert not template.is_active


def test_batch_from_the_page_with_progress_and_zip(
    client_for, cast, year, mentor, mentee, approved_program, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "start_worker", lambda job_id: services.run_batch(job_id, close_connections=False))
    client = client_for("curator")
    page = client.get(year_url(cast, year, "documents:batch"), {"role": "mentee"})
    assert cast.pupil_a.full_name in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            year_url(cast, year, "documents:batch"),
            {"generator_id": "letter", "role": "mentee", "date": year.start_date.isoformat(), "reason": "",
             "people": [str(mentee.pk)]},
        )  # fmt: skip
    job = BatchJob.objects.get()
    assert response["Location"] == reverse("documents:batch_status", args=[job.pk])
    status = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "Скачать ZIP" in status
    assert "<html" not in status
    archive = client.get(reverse("documents:batch_download", args=[job.pk]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert names == ["Благодарственное письмо № 1 Иванова Мария Петровна.docx"]


def test_register_export_xlsx(client_for, cast, year, group, issue):
    import openpyxl

    issue("order_implementation")
    response = client_for("working_group").get(year_url(cast, year, "documents:register_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]] == ["Номер", "Дата", "Документ", "О ком / о чём", "Версия", "Сформировал",
                                           "Подписанный скан"]  # fmt: skip
    assert sheet["A3"].value == "1-н"


@pytest.mark.skipif(not pdf.available(), reason="LibreOffice (soffice) не установлен")
def test_pdf_when_libreoffice_is_installed(client_for, cast, year, group, issue):
    version = issue("order_implementation").version
    response = client_for("curator").get(reverse("documents:version_pdf", args=[version.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
