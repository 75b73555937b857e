"""The certificate's DOCX (ГОСТ layout of documents/generators/awards.py, the name in the dative) lands in
the register of the curator's organisation; the register's own form cannot make one."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse

from nastavnik.certification import services
from nastavnik.core.declension import Case
from nastavnik.documents import services as document_services
from nastavnik.documents.generators import registry
from nastavnik.documents.models import IssuedDocument
from nastavnik.documents.text import fio

pytestmark = pytest.mark.django_db


def _text(version) -> str:
    with version.file.open("rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_certificate_docx_names_the_curator_in_the_dative(cast, scheme, meet, curator, tmp_path):
    cast.region_a.mentoring_centre = "Региональный наставнический центр Белгородской области"
    cast.region_a.save()
    meet.everything(curator, cast.school_a)
    certificate, _ = services.certificate_issue(actor=cast.user("regional"), scheme=scheme, person_pk=curator.pk)
    version = certificate.document.versions.get()
    text = _text(version)
    assert f"выдан {fio(curator, Case.DATIVE)}" in text
    assert fio(curator, Case.DATIVE).startswith("Казаковой ")
    assert "куратору программы наставничества" in text
    assert "сертификации кураторов наставничества Белгородской области" in text
    assert "Региональный наставнический центр Белгородской области" in text
    assert "№ 1" in text
    assert "Выполненные требования" in text
    assert "подтверждено 36 из 36 ч" in text
    assert "Лебедева" in text
    assert "Региональный координатор" in text
    assert version.filename.endswith(".docx")
    assert "Казакова" in version.filename
    with version.file.open("rb") as handle:
        (tmp_path / "certificate.docx").write_bytes(handle.read())


def test_regenerating_from_the_register_keeps_the_certificate(cast, scheme, meet, curator):
    meet.everything(curator, cast.school_a)
    certificate, _ = services.certificate_issue(actor=cast.user("regional"), scheme=scheme, person_pk=curator.pk)
    result = document_services.document_regenerate(actor=cast.user("curator"), document=certificate.document)
    assert result.version.version == 2
    assert f"выдан {fio(curator, Case.DATIVE)}" in _text(result.version)


def test_register_form_cannot_make_a_curator_certificate(client_for, cast, year):
    client = client_for("curator")
    url = reverse("documents:issue", args=[cast.school_a.pk, year.start_year, "curator_certificate"])
    response = client.post(url, {"date": year.start_date.isoformat()})
    assert response.status_code == 200
    assert "выдаёт региональный координатор" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_sample_has_the_shape_of_a_real_context(cast, scheme, meet, curator):
    meet.everything(curator, cast.school_a)
    certificate, _ = services.certificate_issue(actor=cast.user("regional"), scheme=scheme, person_pk=curator.pk)
    generator = registry.get("curator_certificate")
    real = generator.build_context(actor=cast.user("curator"), options=certificate.document.options)
    sample = generator.sample_context()
    assert set(real) == set(sample)
    for key, value in sample.items():
        if isinstance(value, dict):
            assert set(value) == set(real[key]), key


def test_sample_renders_for_the_templates_page():
    generator = registry.get("curator_certificate")
    rendered = generator.render_context(generator.sample_context())
    document = docx.Document(io.BytesIO(rendered.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "выдан Ивановой Марии Петровне" in text
    assert "Белгородской области" in text
