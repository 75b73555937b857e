"""The demo's certification: one curator certified, one ready, one missing hours; the same on every run."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nastavnik.certification import selectors
from nastavnik.certification.models import CertificationScheme, CuratorCertificate, CuratorTraining
from nastavnik.demo.certification import build_certification
from nastavnik.documents.models import IssuedDocument
from nastavnik.orgs.models import Region
from nastavnik.orgs.services import academic_year_current

pytestmark = pytest.mark.xdist_group("demo")


def test_demo_certification(django_user_model):
    region = Region.objects.get(code="31")
    admin = django_user_model.objects.get(username="admin")
    year = academic_year_current()
    states = build_certification(region, admin=admin, academic_year=year, today=timezone.localdate())
    assert states == {"college": "certified", "school": "ready", "gymnasium": "missing_hours"}
    scheme = CertificationScheme.objects.get(region=region, academic_year=year)
    progress = {p.organization.kind: p for p in selectors.progress_for(scheme, selectors.curators_of(region=region))}
    assert progress["college"].certificate is not None
    assert progress["school"].ready
    assert progress["school"].certificate is None
    assert [r.code for r in progress["gymnasium"].unmet] == ["hours"]
    assert progress["gymnasium"].pending_hours == 12
    document = progress["college"].certificate.document
    assert document.generator_id == "curator_certificate"
    assert document.organization.kind == "college"
    counts = (CuratorTraining.objects.count(), CuratorCertificate.objects.count(), IssuedDocument.objects.count())
    assert build_certification(region, admin=admin, academic_year=year, today=timezone.localdate()) == states
    assert (
        CuratorTraining.objects.count(),
        CuratorCertificate.objects.count(),
        IssuedDocument.objects.count(),
    ) == counts
