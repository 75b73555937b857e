"""Writes of curator certification. Rules owned here:

- the regional coordinator (or the platform admin) sets the requirements of a year for the region;
  they may be changed until the first certificate of the scheme is issued;
- a curator enters their own trainings (course, provider, hours, date, a scan); the coordinator of the
  region or of the curator's municipality confirms or rejects them (a reason is required); only
  confirmed hours count; a confirmed record is no longer edited or deleted;
- the regional coordinator issues a certificate only when every requirement is met (else a Russian
  reason naming what is missing); issuing twice gives the same certificate; it is revoked with a
  reason and may be issued again afterwards; the DOCX lands in the register of the curator's
  organisation (series «curator_certificate»).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from nastavnik.core.declension import agree_with_gender
from nastavnik.core.text import normalize_spaces
from nastavnik.orgs.models import AcademicYear, Region
from nastavnik.people.access import access_for, require

from . import selectors
from .models import CaseRequirement, CertificationScheme, CuratorCertificate, CuratorTraining, TrainingStatus

NO_SCHEME_RIGHTS = "Требования сертификации кураторов устанавливает региональный координатор."
NO_ISSUE_RIGHTS = "Сертификаты кураторам выдаёт и отзывает региональный координатор."
NO_TRAINING_RIGHTS = "Сведения об обучении вносит сам куратор организации."
NO_DECIDE_RIGHTS = "Обучение куратора подтверждает координатор региона или муниципалитета."
SCAN_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}
SCAN_MAX_BYTES = 20 * 1024 * 1024
GENERATOR_ID = "curator_certificate"


# --- the scheme ---------------------------------------------------------------------------------------------
@transaction.atomic
def scheme_save(
    *,
    actor,
    region: Region,
    academic_year: AcademicYear,
    min_hours: int,
    require_program_year: bool,
    report_deadline: dt.date | None = None,
    case_status: str = "",
    trainings_from: dt.date | None = None,
) -> CertificationScheme:
    require(selectors.can_define(actor, region), NO_SCHEME_RIGHTS)
    scheme = CertificationScheme.objects.select_for_update().filter(region=region, academic_year=academic_year).first()
    if scheme is not None and selectors.has_certificates(scheme):
        raise ValidationError("Сертификаты по этим требованиям уже выдавались: требования года больше не меняются.")
    errors = {}
    if min_hours is None or not 0 <= int(min_hours) <= 2000:
        errors["min_hours"] = "Укажите число часов от 0 до 2000."
    if case_status not in CaseRequirement.values:
        errors["case_status"] = "Выберите требование к кейсу из списка."
    if report_deadline and not academic_year.contains(report_deadline):
        errors["report_deadline"] = f"Срок сдачи отчёта должен быть в пределах {academic_year}."
    if trainings_from and trainings_from > academic_year.end_date:
        errors["trainings_from"] = "Курсы не могут учитываться с даты после конца учебного года."
    if not (min_hours or require_program_year or report_deadline or case_status) and "min_hours" not in errors:
        errors["min_hours"] = "Выберите хотя бы одно требование сертификации."
    if errors:
        raise ValidationError(errors)
    if scheme is None:
        scheme = CertificationScheme(region=region, academic_year=academic_year, created_by=actor)
    scheme.min_hours = int(min_hours)
    scheme.require_program_year = bool(require_program_year)
    scheme.report_deadline = report_deadline
    scheme.case_status = case_status
    scheme.trainings_from = trainings_from
    scheme.updated_by = actor
    try:
        with transaction.atomic():
            scheme.save()
    except IntegrityError as error:  # the same form sent twice at once
        raise ValidationError("Требования этого года только что сохранены: откройте страницу ещё раз.") from error
    return scheme


# --- trainings --------------------------------------------------------------------------------------------
def _check_scan(scan) -> None:
    if scan is None:
        return
    if Path(scan.name or "").suffix.lower() not in SCAN_TYPES:
        raise ValidationError({"scan": "Загрузите скан в формате PDF, JPG или PNG."})
    if scan.size > SCAN_MAX_BYTES:
        raise ValidationError({"scan": "Файл больше 20 МБ."})


@transaction.atomic
def training_add(
    *, actor, title: str, provider: str, hours: int, date: dt.date, scan=None
) -> tuple[CuratorTraining, bool]:
    """The signed-in curator's own training; the same course (title, provider, date) twice is one record."""
    role = selectors.own_curator_role(actor)
    require(role is not None, NO_TRAINING_RIGHTS)
    title, provider = normalize_spaces(title or ""), normalize_spaces(provider or "")
    errors = {}
    if not title:
        errors["title"] = "Укажите название курса."
    if not provider:
        errors["provider"] = "Укажите, кто проводил обучение."
    if hours is None or not 1 <= int(hours) <= 1000:
        errors["hours"] = "Укажите число часов от 1 до 1000."
    if date is None:
        errors["date"] = "Укажите дату окончания обучения."
    elif date > timezone.localdate():
        errors["date"] = "Дата окончания обучения не может быть в будущем."
    if errors:
        raise ValidationError(errors)
    _check_scan(scan)
    existing = CuratorTraining.objects.filter(person=role.person, title=title, provider=provider, date=date).first()
    if existing is not None:
        return existing, False
    training = CuratorTraining(
        person=role.person,
        organization=role.organization,
        region_id=role.organization.municipality.region_id,
        title=title[:300],
        provider=provider[:300],
        hours=int(hours),
        date=date,
        entered_by=actor,
    )
    if scan is not None:
        training.scan_name = Path(scan.name).name[:255]
        training.scan.save(f"training-{role.person.pk}{Path(scan.name).suffix.lower()}", scan, save=False)
    try:
        with transaction.atomic():
            training.save()
    except IntegrityError:
        return CuratorTraining.objects.get(person=role.person, title=title, provider=provider, date=date), False
    return training, True


def can_delete_training(user, training: CuratorTraining) -> bool:
    access = access_for(user)
    own = access.person_id is not None and training.person_id == access.person_id
    return training.status != TrainingStatus.CONFIRMED and (own or access.is_admin)


@transaction.atomic
def training_delete(*, actor, training: CuratorTraining) -> None:
    access = access_for(actor)
    require(access.is_admin or training.person_id == access.person_id, NO_TRAINING_RIGHTS)
    training = CuratorTraining.objects.select_for_update().get(pk=training.pk)
    if training.status == TrainingStatus.CONFIRMED:
        raise ValidationError("Подтверждённое обучение не удаляют: оно учтено в сертификации.")
    if training.scan:
        training.scan.delete(save=False)
    training.delete()


@transaction.atomic
def training_decide(*, actor, training: CuratorTraining, confirmed: bool, reason: str = "") -> CuratorTraining:
    require(selectors.can_decide_training(actor, training), NO_DECIDE_RIGHTS)
    training = CuratorTraining.objects.select_for_update().get(pk=training.pk)
    reason = normalize_spaces(reason or "")
    if not confirmed and not reason:
        raise ValidationError({"reason": "Укажите причину, по которой обучение не подтверждено."})
    training.status = TrainingStatus.CONFIRMED if confirmed else TrainingStatus.REJECTED
    training.reject_reason = "" if confirmed else reason[:500]
    training.decided_by = actor
    training.decided_at = timezone.now()
    training.save(update_fields=["status", "reject_reason", "decided_by", "decided_at", "updated_at"])
    if confirmed:
        _notify(training.person, title=f"Обучение подтверждено: «{training.title}», {training.hours} ч")
    else:
        _notify(training.person, title=f"Обучение не подтверждено: «{training.title}»", text=f"Причина: {reason}")
    return training


def _notify(person, *, title: str, text: str = "") -> None:
    from django.urls import reverse

    from nastavnik.notifications import services as notifications

    from .apps import KIND_DECISION

    notifications.notify(person=person, kind=KIND_DECISION, title=title, text=text, url=reverse("certification:my"))


# --- certificates -----------------------------------------------------------------------------------------
def _issue_document(*, actor, certificate: CuratorCertificate, day: dt.date):
    """The DOCX of the certificate in the register of the curator's organisation (the region decided:
    certificate_issue checked the rights)."""
    from nastavnik.documents import services as document_services

    return document_services.document_issue_decided(
        actor=actor,
        generator_id=GENERATOR_ID,
        organization=certificate.organization,
        academic_year=certificate.scheme.academic_year,
        options={"certificate": certificate.pk},
        day=day,
    )


def _certificate_day(academic_year: AcademicYear) -> dt.date:
    today = timezone.localdate()
    return min(max(today, academic_year.start_date), academic_year.end_date)


@transaction.atomic
def certificate_issue(*, actor, scheme: CertificationScheme, person_pk: int) -> tuple[CuratorCertificate, bool]:
    """(certificate, created): the same request twice returns the certificate already issued."""
    require(selectors.can_define(actor, scheme.region), NO_ISSUE_RIGHTS)
    scheme = CertificationScheme.objects.select_for_update().select_related("region", "academic_year").get(pk=scheme.pk)
    row = selectors.curator_row(scheme=scheme, person_pk=person_pk)
    existing = CuratorCertificate.objects.filter(scheme=scheme, person=row.person, revoked_at__isnull=True).first()
    if existing is not None:
        return existing, False
    (progress,) = selectors.progress_for(scheme, [row])
    if not progress.ready:
        missing = "; ".join(f"{r.title.lower()} — {r.figure}" for r in progress.unmet)
        done = agree_with_gender("выполнил", "выполнила", row.person.gender or "f")
        raise ValidationError(f"Сертификат нельзя выдать: {row.person.full_name} {done} не все требования ({missing}).")
    certificate = CuratorCertificate.objects.create(
        scheme=scheme,
        person=row.person,
        organization=row.organization,
        summary=[[r.title, r.figure] for r in progress.requirements],
        issued_at=timezone.now(),
        issued_by=actor,
    )
    document = _issue_document(actor=actor, certificate=certificate, day=_certificate_day(scheme.academic_year))
    certificate.document = document
    certificate.number = document.number
    certificate.save(update_fields=["document", "number", "updated_at"])
    _notify(
        row.person,
        title=f"Выдан сертификат куратора № {certificate.number}",
        text="Сертификат записан в реестр документов вашей организации.",
    )
    return certificate, True


@transaction.atomic
def certificate_revoke(*, actor, certificate: CuratorCertificate, reason: str) -> CuratorCertificate:
    require(selectors.can_define(actor, certificate.scheme.region), NO_ISSUE_RIGHTS)
    certificate = CuratorCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        return certificate
    reason = normalize_spaces(reason or "")
    if not reason:
        raise ValidationError({"reason": "Укажите причину отзыва сертификата."})
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoke_reason = reason[:500]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    _notify(certificate.person, title=f"Сертификат куратора № {certificate.number} отозван", text=f"Причина: {reason}")
    return certificate
