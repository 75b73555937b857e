"""The long-term mentor base (seed 000, roadmap 7.8) and the regional aggregated base (seed 004, stages 2 and 4).

A `BaseMentor` is one person kept in the base across academic years: built by `services.base_refresh`
from the completed mentorships (mentorships app) and the «long-term base» status of the mentor pool
(pools app), or added by the curator by hand with a reason. The history of a base mentor (every
mentorship over the years) is read live from the mentorships, not copied here.

A `MentorRequest` is a school's request for a mentor of another organisation of the municipality or
region («найти наставника рядом»): sent → accepted / declined / withdrawn.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from nastavnik.core.models import TimeStampedModel
from nastavnik.orgs.models import Municipality, Organization, Region
from nastavnik.people.models import Person
from nastavnik.programs.models import MentoringForm


class BaseStatus(models.TextChoices):
    ACTIVE = "active", "В базе"
    LEFT = "left", "Выбыл из базы"


class BaseOrigin(models.TextChoices):
    AUTO = "auto", "По итогам наставничества"
    MANUAL = "manual", "Добавлен куратором"


class BaseMentor(TimeStampedModel):
    """One mentor of the long-term base: home organisation, since which year, forms, competencies and
    topics, how many mentorships completed and with what mean rating (1–10, meeting ratings and pulses)."""

    person = models.OneToOneField(Person, verbose_name="наставник", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, verbose_name="регион", on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, related_name="+"
    )
    since_year = models.PositiveSmallIntegerField("в базе с (учебный год)")
    forms = models.ManyToManyField(MentoringForm, verbose_name="формы наставничества", blank=True, related_name="+")
    competencies = models.TextField("компетенции", blank=True)
    topics = models.JSONField("темы", default=list, blank=True)
    completed_count = models.PositiveSmallIntegerField("завершённых наставничеств", default=0)
    mentee_count = models.PositiveSmallIntegerField("наставляемых всего", default=0)
    mean_rating = models.DecimalField("средняя оценка (1–10)", max_digits=4, decimal_places=2, null=True, blank=True)
    note = models.TextField("заметка куратора", blank=True)
    status = models.CharField(
        "статус", max_length=10, choices=BaseStatus.choices, default=BaseStatus.ACTIVE, db_index=True
    )
    origin = models.CharField("как попал в базу", max_length=10, choices=BaseOrigin.choices, default=BaseOrigin.AUTO)
    reason = models.CharField("основание (добавлен или выбыл)", max_length=500, blank=True)
    available_elsewhere = models.BooleanField("готов наставлять в других организациях", default=False)
    show_consent_at = models.DateTimeField(
        "согласие показывать в региональной базе", null=True, blank=True, help_text="когда куратор его отметил"
    )
    search_key = models.CharField(max_length=2000, editable=False, db_index=True)
    refreshed_at = models.DateTimeField("обновлено по итогам", null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "наставник долгосрочной базы"
        verbose_name_plural = "долгосрочная база наставников"
        ordering = ["person__last_name", "person__first_name", "id"]
        indexes = [
            models.Index(fields=["region", "status", "available_elsewhere"], name="basementor_region_avail"),
            models.Index(fields=["organization", "status"], name="basementor_org_status"),
        ]

    def __str__(self):
        return f"{self.person} — долгосрочная база"

    @property
    def is_shown_elsewhere(self) -> bool:
        return self.status == BaseStatus.ACTIVE and self.available_elsewhere and self.show_consent_at is not None

    def get_additional_data(self):
        return {"person_id": self.person_id}


class RequestStatus(models.TextChoices):
    SENT = "sent", "Отправлен"
    ACCEPTED = "accepted", "Принят"
    DECLINED = "declined", "Отклонён"
    WITHDRAWN = "withdrawn", "Отозван"


class MentorRequest(TimeStampedModel):
    """A curator's request for a mentor of another organisation, decided by that organisation's curator."""

    mentor = models.ForeignKey(BaseMentor, verbose_name="наставник", on_delete=models.CASCADE, related_name="requests")
    from_organization = models.ForeignKey(
        Organization, verbose_name="кто просит", on_delete=models.PROTECT, related_name="+"
    )
    to_organization = models.ForeignKey(
        Organization, verbose_name="организация наставника", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, verbose_name="регион", on_delete=models.PROTECT, related_name="+")
    form = models.ForeignKey(MentoringForm, verbose_name="форма наставничества", on_delete=models.PROTECT)
    need = models.TextField("что нужно")
    period_start = models.DateField("с")
    period_end = models.DateField("по")
    comment = models.TextField("комментарий", blank=True)
    status = models.CharField(
        "состояние", max_length=10, choices=RequestStatus.choices, default=RequestStatus.SENT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="отправил", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="решение принял", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    decision_comment = models.TextField("комментарий к решению", blank=True)
    pool_entry = models.ForeignKey(
        "pools.MentorEntry", verbose_name="в базе наставников запросившей организации", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "запрос наставника"
        verbose_name_plural = "запросы наставников"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "from_organization", "form"],
                condition=Q(status="sent"),
                name="mentor_request_one_open",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="mentor_request_period"),
        ]

    def __str__(self):
        return f"Запрос наставника {self.mentor.person} для {self.from_organization}"

    def get_additional_data(self):
        return {"person_id": self.mentor.person_id}
