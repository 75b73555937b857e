"""Certification of curators (seed 004, stage 6 «Сертификация кураторов»).

The regional coordinator sets the requirements of a year for the region (`CertificationScheme`);
every requirement is computed live from the data of other apps (selectors.progress_for), never typed:

- training hours: the sum of the curator's confirmed `CuratorTraining` records dated from
  `trainings_from` (default: the start of the academic year) to the end of the year;
- a completed program year: the organisation's academic year is closed (programs.OrganizationYear),
  or its program of the year is approved and at least one mentorship of the year is completed (its
  work done, or ended early because the goal was reached);
- reports on time: a «Отчёт о реализации программы» (program_report) or a «Дайджест» (regional_digest)
  of the year in the organisation's documents register, entered no later than `report_deadline`;
- a case: a practice case of the organisation for the year, at least sent for review (or published).

A certificate (`CuratorCertificate`) is issued once per curator per scheme, with a DOCX in the
register of the curator's organisation; it can be revoked with a reason (and issued again later)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from nastavnik.core.models import TimeStampedModel
from nastavnik.orgs.models import AcademicYear, Organization, Region
from nastavnik.people.models import Person


class CaseRequirement(models.TextChoices):
    NONE = "", "Не требуется"
    SUBMITTED = "submitted", "Кейс отправлен на проверку (или опубликован)"
    PUBLISHED = "published", "Кейс опубликован в библиотеке кейсов"


class CertificationScheme(TimeStampedModel):
    region = models.ForeignKey(Region, verbose_name="регион", on_delete=models.CASCADE, related_name="+")
    academic_year = models.ForeignKey(AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT)
    min_hours = models.PositiveSmallIntegerField(
        "часов обучения, не менее", default=36, help_text="0 — обучение не требуется"
    )
    trainings_from = models.DateField(
        "учитывать курсы с", null=True, blank=True, help_text="Пусто — с начала учебного года"
    )
    require_program_year = models.BooleanField(
        "завершённый год программы",
        default=True,
        help_text="Учебный год организации закрыт, или программа утверждена и завершена хотя бы одна пара",
    )
    report_deadline = models.DateField(
        "отчёт сдан не позднее",
        null=True,
        blank=True,
        help_text="Отчёт о реализации программы или дайджест в реестре документов; пусто — не требуется",
    )
    case_status = models.CharField(
        "кейс практики", max_length=20, choices=CaseRequirement.choices, default=CaseRequirement.SUBMITTED, blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "требования сертификации кураторов"
        verbose_name_plural = "требования сертификации кураторов"
        ordering = ["-academic_year__start_year", "region__name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "academic_year"], name="certification_scheme_region_year")
        ]

    def __str__(self):
        return f"Сертификация кураторов: {self.region}, {self.academic_year}"

    @property
    def training_start(self):
        return self.trainings_from or self.academic_year.start_date


class TrainingStatus(models.TextChoices):
    PENDING = "pending", "На подтверждении"
    CONFIRMED = "confirmed", "Подтверждено"
    REJECTED = "rejected", "Отклонено"


class CuratorTraining(TimeStampedModel):
    """A course the curator took (entered by the curator, confirmed by the coordinator)."""

    person = models.ForeignKey(Person, verbose_name="куратор", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(Region, verbose_name="регион", on_delete=models.CASCADE, related_name="+")
    title = models.CharField("название курса", max_length=300)
    provider = models.CharField("кто проводил", max_length=300)
    hours = models.PositiveSmallIntegerField("часов")
    date = models.DateField("дата окончания")
    scan = models.FileField("скан документа", upload_to="certification/trainings/%Y/", blank=True)
    scan_name = models.CharField("имя файла", max_length=255, blank=True)
    status = models.CharField(
        "статус", max_length=20, choices=TrainingStatus.choices, default=TrainingStatus.PENDING, db_index=True
    )
    reject_reason = models.CharField("причина отказа", max_length=500, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)

    class Meta:
        verbose_name = "обучение куратора"
        verbose_name_plural = "обучение кураторов"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "title", "provider", "date"], name="curator_training_unique")
        ]
        indexes = [models.Index(fields=["person", "status", "date"], name="curator_training_person")]

    def __str__(self):
        return f"{self.title} ({self.hours} ч)"


class CuratorCertificate(TimeStampedModel):
    scheme = models.ForeignKey(
        CertificationScheme, verbose_name="требования", on_delete=models.PROTECT, related_name="certificates"
    )
    person = models.ForeignKey(Person, verbose_name="куратор", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.PROTECT)
    document = models.ForeignKey(
        "documents.IssuedDocument", verbose_name="документ", null=True, blank=True, on_delete=models.SET_NULL
    )
    number = models.CharField("номер", max_length=60, blank=True)
    summary = models.JSONField("выполненные требования", default=list, blank=True)  # [[название, показатель], …]
    issued_at = models.DateTimeField("выдан")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField("отозван", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField("причина отзыва", max_length=500, blank=True)

    class Meta:
        verbose_name = "сертификат куратора"
        verbose_name_plural = "сертификаты кураторов"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "person"], condition=Q(revoked_at__isnull=True), name="curator_certificate_once"
            )
        ]

    def __str__(self):
        return f"Сертификат куратора № {self.number}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
