"""Consents to the processing of personal data (152-ФЗ).

Who signs depends on the age of the person on the day: under 14 — the legal representative;
14–17 — the minor together with the representative; 18 and over — the person. A consent is
given electronically through a one-time link (the text shown, date, IP, browser recorded) or as
a scan of the signed paper form. Revocation keeps the fact and the date."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from nastavnik.core.models import TimeStampedModel
from nastavnik.orgs.models import Organization
from nastavnik.people.models import Person


class ConsentKind(models.TextChoices):
    ADULT = "adult", "Совершеннолетний участник"
    MINOR_WITH_GUARDIAN = "minor_14_17", "Несовершеннолетний 14–17 лет с законным представителем"
    GUARDIAN_FOR_CHILD = "guardian_under_14", "Законный представитель ребёнка до 14 лет"


class ConsentMethod(models.TextChoices):
    ELECTRONIC = "electronic", "Электронно (по ссылке)"
    SCAN = "scan", "Скан подписанного бланка"


def kind_for_age(age: int | None) -> str | None:
    if age is None:
        return None
    if age < 14:
        return ConsentKind.GUARDIAN_FOR_CHILD
    if age < 18:
        return ConsentKind.MINOR_WITH_GUARDIAN
    return ConsentKind.ADULT


class Consent(TimeStampedModel):
    person = models.ForeignKey(Person, verbose_name="субъект данных", on_delete=models.CASCADE, related_name="consents")
    organization = models.ForeignKey(Organization, verbose_name="оператор", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("вид согласия", max_length=20, choices=ConsentKind.choices)
    method = models.CharField("способ", max_length=20, choices=ConsentMethod.choices)
    signer_name = models.CharField("подписант", max_length=300)
    guardian = models.ForeignKey(
        Person,
        verbose_name="законный представитель",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField("текст согласия")
    given_at = models.DateTimeField("дано")
    ip_address = models.GenericIPAddressField("IP-адрес", null=True, blank=True)
    user_agent = models.CharField("браузер", max_length=400, blank=True)
    scan = models.FileField("скан", upload_to="consents/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField("отозвано", null=True, blank=True)
    revocation_reason = models.CharField("основание отзыва", max_length=300, blank=True)

    class Meta:
        verbose_name = "согласие на обработку персональных данных"
        verbose_name_plural = "согласия на обработку персональных данных"
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["person", "revoked_at"], name="consent_person_valid")]

    def __str__(self):
        return f"Согласие {self.person} от {self.given_at:%d.%m.%Y}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    def get_additional_data(self):
        return {"person_id": self.person_id}


class ConsentRequest(TimeStampedModel):
    """A one-time link for an electronic consent (sent to the person or their representative)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consent_requests")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    guardian = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField("действует до")
    used_at = models.DateTimeField("использована", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "ссылка на согласие"
        verbose_name_plural = "ссылки на согласия"
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(used_at__isnull=True), name="one_open_consent_request"
            )
        ]

    def __str__(self):
        return f"Ссылка на согласие: {self.person}"

    def is_open_on(self, moment: dt.datetime) -> bool:
        return self.used_at is None and self.expires_at > moment
