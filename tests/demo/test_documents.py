"""The demo's documents (nastavnik/demo/documents.py) on the demo region: each organisation's register
holds its orders, положение, roadmap, program, protocols, a consent and certificates, numbered by its
own pattern; running it again changes nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from docx import Document

from nastavnik.core.declension import Case, decline_fio
from nastavnik.demo.documents import build_documents
from nastavnik.documents.models import DocumentSettings, IssuedDocument
from nastavnik.orgs.models import Organization
from nastavnik.orgs.services import academic_year_current
from nastavnik.programs.models import WorkingGroupMember

pytestmark = pytest.mark.xdist_group("demo")


def _fingerprint():
    return sorted(IssuedDocument.objects.values_list("organization__short_name", "generator_id", "number", "date"))


def test_demo_documents_for_every_organisation():
    today = timezone.localdate()
    year = academic_year_current(today=today)
    admin = get_user_model().objects.get(username="admin")
    organizations = list(
        Organization.objects.filter(short_name__in=["Валуйский колледж", "Гимназия № 9", "Ершовская СОШ"])
    )
    assert len(organizations) == 3
    first = _fingerprint()
    school = Organization.objects.get(short_name="Ершовская СОШ")
    kinds = set(IssuedDocument.objects.filter(organization=school).values_list("generator_id", flat=True))
    assert {"order_working_group", "order_implementation", "regulation", "roadmap", "program", "protocol",
            "consent", "certificate"} <= kinds  # fmt: skip
    orders = IssuedDocument.objects.filter(organization=school, series="order").order_by("sequence")
    assert [o.number for o in orders] == ["1-н", "2-н"]
    assert DocumentSettings.objects.get(organization=school).place == "с. Ершово"
    college = Organization.objects.get(short_name="Валуйский колледж")
    assert IssuedDocument.objects.get(organization=college, generator_id="order_working_group").number == "1-од"
    order = IssuedDocument.objects.get(organization=school, generator_id="order_implementation")
    with order.versions.get().file.open("rb") as handle:
        text = "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)
    assert "с. Ершово" in text
    curator = WorkingGroupMember.objects.get(organization=school, academic_year=year, position="curator").person
    accusative = decline_fio(curator.last_name, curator.first_name, curator.patronymic, case=Case.ACCUSATIVE)
    assert accusative != curator.full_name
    assert f"Назначить куратором внедрения целевой модели наставничества {accusative}" in text
    # the same on a second run
    for organization in organizations:
        build_documents(admin=admin, organization=organization, academic_year=year, today=today)
    assert _fingerprint() == first
