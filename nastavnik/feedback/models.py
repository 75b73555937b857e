"""Feedback and care of the relationship (issue 7, item 5): the commitment agreement, the fit check
after the trial meeting with the re-match offer, the rating of each meeting, the relationship-quality
pulse, the curator's alert thresholds and the safety flag.

Everything hangs off `mentorships.Mentorship` and `mentorships.Meeting` (foreign keys from this
side, CASCADE: the pair's feedback goes with the pair). Participants see only what they submitted
themselves; the curator sees all of it. A safety flag is seen by the person who raised it and by
the organisation's curator and director only — never by the other side of the pair.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from nastavnik.core.models import TimeStampedModel
from nastavnik.mentorships.models import Meeting, Mentorship
from nastavnik.orgs.models import Organization
from nastavnik.people.models import Person

RATING_MIN, RATING_MAX = 1, 10
PULSE_FIRST_DAY, PULSE_EVERY_DAYS = 30, 60


def _rating(name):
    return models.PositiveSmallIntegerField(
        name, validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )


class Agreement(TimeStampedModel):
    """«Соглашение о сотрудничестве» at the start: drafted by the mentor; each mentee (or the
    guardian of a minor) accepts it. A change of the text after acceptance asks for it again
    (`version` grows, acceptances of older versions do not count)."""

    mentorship = models.OneToOneField(Mentorship, on_delete=models.CASCADE, related_name="agreement")
    goals = models.TextField("цели совместной работы")
    meeting_frequency = models.CharField("как часто встречаемся", max_length=300)
    contacts = models.TextField("как связаться друг с другом")
    version = models.PositiveSmallIntegerField("редакция", default=1)
    drafted_by = models.ForeignKey(
        Person, verbose_name="составил", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "соглашение о сотрудничестве"
        verbose_name_plural = "соглашения о сотрудничестве"

    def __str__(self):
        return f"Соглашение: {self.mentorship}"


class AgreementAcceptance(TimeStampedModel):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="acceptances")
    mentee = models.ForeignKey(Person, verbose_name="наставляемый", on_delete=models.CASCADE, related_name="+")
    accepted_by = models.ForeignKey(Person, verbose_name="принял", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveSmallIntegerField("редакция")
    accepted_at = models.DateTimeField("принято")

    class Meta:
        verbose_name = "принятие соглашения"
        verbose_name_plural = "принятия соглашений"
        ordering = ["accepted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "mentee"], name="agreement_acceptance_unique")]

    def __str__(self):
        return f"{self.accepted_by}: {self.accepted_at:%d.%m.%Y}"


class FitCheck(TimeStampedModel):
    """«Подходим ли мы друг другу?» after the trial meeting: one answer per side (the mentor, each
    mentee; a guardian may answer for a minor child)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="fit_checks")
    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="+")
    answered_by = models.ForeignKey(
        Person, verbose_name="ответил", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="внёс",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fits = models.BooleanField("подходим")
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "ответ «подходим ли мы друг другу»"
        verbose_name_plural = "ответы «подходим ли мы друг другу»"
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["mentorship", "person"], name="fit_check_unique")]

    def __str__(self):
        return f"{self.person}: {'да' if self.fits else 'нет'}"


class RematchStatus(models.TextChoices):
    OPEN = "open", "Ждёт решения куратора"
    KEPT = "kept", "Пара сохранена"
    REMATCH = "rematch", "Решено подобрать другую пару"


class RematchOffer(TimeStampedModel):
    """A «нет» in the fit check: the curator decides — keep the pair or end it and re-match."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="rematch_offers")
    fit_check = models.OneToOneField(FitCheck, on_delete=models.CASCADE, related_name="rematch_offer")
    status = models.CharField("решение", max_length=20, choices=RematchStatus.choices, default=RematchStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("решено", null=True, blank=True)
    note = models.TextField("комментарий куратора", blank=True)

    class Meta:
        verbose_name = "предложение подобрать другую пару"
        verbose_name_plural = "предложения подобрать другую пару"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Повторный подбор: {self.mentorship}"


class MeetingRating(TimeStampedModel):
    """A short rating (1–10) and a comment after a meeting: one per person per meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="ratings")
    person = models.ForeignKey(Person, verbose_name="оценил", on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="внёс",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rating = _rating("оценка")
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "оценка встречи"
        verbose_name_plural = "оценки встреч"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meeting_rating_unique"),
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX), name="meeting_rating_range"
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.rating}"


class Pulse(TimeStampedModel):
    """The relationship-quality pulse: day 30 of the mentorship, then every 60 days (number 1, 2, …)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="pulses")
    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="+")
    answered_by = models.ForeignKey(
        Person, verbose_name="ответил", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="внёс",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField("номер опроса")
    due_date = models.DateField("срок")
    score = _rating("качество отношений")
    comment = models.TextField("что можно улучшить", blank=True)

    class Meta:
        verbose_name = "пульс отношений"
        verbose_name_plural = "пульс отношений"
        ordering = ["mentorship", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "person", "number"], name="pulse_unique"),
            models.CheckConstraint(condition=Q(score__gte=RATING_MIN, score__lte=RATING_MAX), name="pulse_score_range"),
        ]

    def __str__(self):
        return f"Пульс {self.number}: {self.person} — {self.score}"


class AlertSettings(TimeStampedModel):
    """The curator's alert thresholds of one organisation (no row = the defaults)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    low_rating = models.PositiveSmallIntegerField(
        "низкая оценка — не выше", default=4, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    missed_in_a_row = models.PositiveSmallIntegerField(
        "пропущенных встреч подряд", default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    inactive_days = models.PositiveSmallIntegerField(
        "дней без активности", default=30, validators=[MinValueValidator(7), MaxValueValidator(365)]
    )

    class Meta:
        verbose_name = "пороги сигналов куратору"
        verbose_name_plural = "пороги сигналов куратору"

    def __str__(self):
        return f"Пороги: {self.organization}"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Новое"
    ACKNOWLEDGED = "acknowledged", "Принято куратором"
    CLOSED = "closed", "Закрыто"


class SafetyFlag(TimeStampedModel):
    """A concern raised privately to the curator by a mentee, a guardian or the mentor of a pair."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="safety_flags")
    raised_by = models.ForeignKey(Person, verbose_name="сообщил", on_delete=models.CASCADE, related_name="+")
    raised_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("что беспокоит")
    status = models.CharField(
        "статус", max_length=20, choices=FlagStatus.choices, default=FlagStatus.OPEN, db_index=True
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField("принято", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("закрыто", null=True, blank=True)
    closing_note = models.TextField("что сделано", blank=True)

    class Meta:
        verbose_name = "сообщение о безопасности"
        verbose_name_plural = "сообщения о безопасности"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Сообщение о безопасности № {self.pk}"


class FinalRole(models.TextChoices):
    MENTOR = "mentor", "Наставник"
    MENTEE = "mentee", "Наставляемый"


class FinalFeedback(TimeStampedModel):
    """The final feedback when a pair's ending is planned (issue 7.5): one answer per person (the mentor,
    each mentee; a guardian may answer for a minor child) per mentorship. The mentees' `goal_reached`
    is what a satisfaction picture reads."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="final_feedback")
    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="+")
    role = models.CharField("сторона", max_length=10, choices=FinalRole.choices)
    answered_by = models.ForeignKey(
        Person, verbose_name="ответил", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="внёс", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    goal_reached = _rating("насколько достигнута цель")
    most_useful = models.TextField("что было самым полезным", blank=True)
    to_improve = models.TextField("что улучшить", blank=True)
    wants_continue = models.BooleanField("хочет продолжить")
    wants_to_mentor = models.BooleanField("хочет стать наставником", null=True, blank=True)
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "итоговая обратная связь"
        verbose_name_plural = "итоговая обратная связь"
        ordering = ["mentorship", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "person"], name="final_feedback_unique"),
            models.CheckConstraint(
                condition=Q(goal_reached__gte=RATING_MIN, goal_reached__lte=RATING_MAX), name="final_feedback_range"
            ),
        ]

    def __str__(self):
        return f"Итоговая обратная связь: {self.person} — {self.goal_reached}"
