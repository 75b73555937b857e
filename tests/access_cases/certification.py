"""URL cases of curator certification (seed 004, stage 6)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.certification.models import CertificationScheme, CuratorCertificate, CuratorTraining, TrainingStatus
from nastavnik.orgs.services import academic_year_current

from .base import Case


def _scheme(cast) -> CertificationScheme:
    scheme, _ = CertificationScheme.objects.get_or_create(
        region=cast.region_a, academic_year=academic_year_current(), defaults={"min_hours": 36}
    )
    return scheme


def _training(cast) -> CuratorTraining:
    person = cast.user("curator").person
    training = CuratorTraining.objects.filter(person=person).first()
    return training or CuratorTraining.objects.create(
        person=person,
        organization=cast.school_a,
        region=cast.region_a,
        title="Куратор программы наставничества",
        provider="РНЦ",
        hours=36,
        date=timezone.localdate() - dt.timedelta(days=10),
        status=TrainingStatus.PENDING,
    )


def _certificate(cast) -> CuratorCertificate:
    person = cast.user("curator").person
    certificate = CuratorCertificate.objects.filter(person=person).first()
    return certificate or CuratorCertificate.objects.create(
        scheme=_scheme(cast), person=person, organization=cast.school_a, number="1", issued_at=timezone.now()
    )


def _region_year(cast) -> dict:
    return {"region_pk": cast.region_a.pk, "year": academic_year_current().start_year}


CASES = {
    "certification:index": Case(listing=True),
    "certification:my": Case(listing=True),
    "certification:training_add": Case(write=True),
    "certification:training_scan": Case(kwargs=lambda cast: {"pk": _training(cast).pk}),
    "certification:training_delete": Case(kwargs=lambda cast: {"pk": _training(cast).pk}, write=True),
    "certification:training_decide": Case(kwargs=lambda cast: {"pk": _training(cast).pk}, write=True),
    "certification:region": Case(kwargs=_region_year),
    "certification:scheme_edit": Case(kwargs=_region_year, write=True),
    "certification:issue": Case(
        kwargs=lambda cast: {"scheme_pk": _scheme(cast).pk, "person_pk": cast.user("curator").person.pk}, write=True
    ),
    "certification:revoke": Case(kwargs=lambda cast: {"pk": _certificate(cast).pk}, write=True),
}
