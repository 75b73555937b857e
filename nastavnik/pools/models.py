"""The mentee pool (seed 000, roadmap 2.1–2.3), the mentor pool with the selection criteria of
seed 001 (roadmap 3.3–3.4, 4.1–4.2) and the training of mentors (roadmap 4.3–4.4), per organisation,
academic year and form of mentoring. The long-term mentor base (roadmap 7.8) is a status of the
mentor pool.

A pool entry is one person in one form of mentoring in one academic year; its status moves only
through the services (pools/services.py), which also hold the consent gate: a person without a
valid consent to the processing of personal data stays a candidate and is never matched.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from nastavnik.core.models import TimeStampedModel
from nastavnik.orgs.models import Region
from nastavnik.people.models import Person
from nastavnik.programs.models import MentoringForm, ScopedModel

# --- the selection criteria of seed 001 («Важные критерии отбора наставника») ---------------------
# Seed 001 lists them as eight bullets with «развитые компетенции, навыки коммуникации» on one line;
# they are two different things to evaluate, so the score sheet has nine rows.
CRITERIA = (
    ("desire", "Желание участвовать в программе"),
    ("experience", "Профессиональный опыт"),
    ("competencies", "Развитые профессиональные компетенции"),
    ("communication", "Навыки коммуникации"),
    ("time", "Ресурс времени"),
    ("positive_experience", "Положительный жизненный и профессиональный опыт"),
    ("fit", "Соответствие запросам наставляемых"),
    ("civic", "Активная гражданская позиция"),
    ("motivation", "Мотивация"),
)
CRITERION_CODES = tuple(code for code, _name in CRITERIA)
CRITERION_NAMES = dict(CRITERIA)

# The scale of the score sheet: 0–3, the usual scale of expert evaluation sheets in schools — it
# asks «is the quality there and how clearly», which members of a working group answer alike;
# a 1–5 scale spreads the same judgement over more steps that different evaluators read differently.
SCORE_MIN, SCORE_MAX = 0, 3
SCORE_SCALE = (
    (0, "0 — не проявляется"),
    (1, "1 — проявляется слабо"),
    (2, "2 — проявляется достаточно"),
    (3, "3 — ярко выражено"),
)


class Format(models.TextChoices):
    IN_PERSON = "in_person", "Очно"
    REMOTE = "remote", "Дистанционно"
    ANY = "any", "Любой"


class Source(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", "Анкета"
    NOMINATION = "nomination", "Выдвижение (рекомендация)"
    THIRD_PARTY = "third_party", "Сведения третьих лиц"
    SELF = "self", "Личное обращение"
    OUTSIDE = "outside", "Наставник другой организации (региональная база)"


class MenteeStatus(models.TextChoices):
    CANDIDATE = "candidate", "Кандидат"
    INCLUDED = "included", "Включён в базу"
    IN_MENTORSHIP = "in_mentorship", "В наставнической паре (группе)"
    COMPLETED = "completed", "Завершил программу"
    LEFT = "left", "Выбыл"


class MentorStatus(models.TextChoices):
    CANDIDATE = "candidate", "Кандидат"
    APPROVED = "approved", "Одобрен"
    TRAINED = "trained", "Прошёл обучение"
    ACTIVE = "active", "Работает с наставляемыми"
    LONG_TERM = "long_term", "Долгосрочная база"
    DECLINED = "declined", "Не прошёл отбор"
    LEFT = "left", "Выбыл"


class AuthorRole(models.TextChoices):
    TEACHER = "teacher", "Учитель"
    CLASS_TEACHER = "class_teacher", "Классный руководитель (куратор группы)"
    PSYCHOLOGIST = "psychologist", "Педагог-психолог"
    SOCIAL_WORKER = "social_worker", "Социальный педагог"
    PARENT = "parent", "Родитель (законный представитель)"
    OTHER = "other", "Другое"


class RequestCategory(TimeStampedModel):
    """A kind of mentee request («низкие образовательные результаты», «адаптация»…): the platform's
    defaults (no region) and a region's own additions, edited by admins and regional coordinators."""

    region = models.ForeignKey(
        Region, verbose_name="регион", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField("название", max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    is_active = models.BooleanField("используется", default=True)
    sort_order = models.PositiveSmallIntegerField("порядок", default=100)

    class Meta:
        verbose_name = "категория запроса"
        verbose_name_plural = "категории запросов наставляемых"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"], condition=Q(region__isnull=True), name="request_category_unique_default"
            ),
            models.UniqueConstraint(
                fields=["region", "name_key"],
                condition=Q(region__isnull=False),
                name="request_category_unique_in_region",
            ),
        ]

    def __str__(self):
        return self.name


class PoolEntry(ScopedModel):
    """One person in one form of mentoring in one academic year of an organisation."""

    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(MentoringForm, verbose_name="форма наставничества", on_delete=models.PROTECT)
    preferred_format = models.CharField(
        "предпочтительный формат", max_length=20, choices=Format.choices, default=Format.ANY
    )
    source = models.CharField("источник", max_length=20, choices=Source.choices, default=Source.QUESTIONNAIRE)
    source_note = models.CharField(
        "откуда сведения", max_length=300, blank=True, help_text="Например: анкета от 12.10, выдвинут методсоветом"
    )
    status_changed_at = models.DateTimeField("статус изменён", null=True, blank=True)
    status_reason = models.CharField("основание изменения статуса", max_length=500, blank=True)

    class Meta:
        abstract = True

    def get_additional_data(self):
        return {"person_id": self.person_id}


class MenteeEntry(PoolEntry):
    status = models.CharField(
        "статус", max_length=20, choices=MenteeStatus.choices, default=MenteeStatus.CANDIDATE, db_index=True
    )
    categories = models.ManyToManyField(RequestCategory, verbose_name="запросы", blank=True, related_name="+")
    request_text = models.TextField("запрос своими словами", blank=True)

    class Meta:
        verbose_name = "запись базы наставляемых"
        verbose_name_plural = "база наставляемых"
        ordering = ["person__last_name", "person__first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "form", "academic_year"], name="mentee_entry_unique"),
        ]
        indexes = [models.Index(fields=["organization", "academic_year", "status"], name="mentee_org_year_status")]

    def __str__(self):
        return f"{self.person} — наставляемый, «{self.form.name}»"


class ThirdPartyNote(TimeStampedModel):
    """Information about a mentee's request from a teacher, class teacher, psychologist, social
    worker or parent (seed 000, roadmap 2.2), with who wrote it."""

    entry = models.ForeignKey(MenteeEntry, on_delete=models.CASCADE, related_name="notes")
    author_person = models.ForeignKey(
        Person, verbose_name="автор", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField("автор (ФИО)", max_length=300, blank=True)
    author_role = models.CharField("кто сообщает", max_length=20, choices=AuthorRole.choices)
    text = models.TextField("сведения")
    date = models.DateField("дата")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "сведения третьих лиц"
        verbose_name_plural = "сведения третьих лиц"
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.get_author_role_display()}: {self.text[:60]}"

    @property
    def author(self) -> str:
        if self.author_person_id:
            return self.author_person.full_name
        return self.author_name

    def get_additional_data(self):
        return {"person_id": self.entry.person_id}


class MentorEntry(PoolEntry):
    status = models.CharField(
        "статус", max_length=20, choices=MentorStatus.choices, default=MentorStatus.CANDIDATE, db_index=True
    )
    competencies = models.TextField("компетенции", blank=True)
    topics = models.JSONField("темы, с которыми может помочь", default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        "сколько наставляемых может взять", default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    availability = models.CharField("когда свободен", max_length=300, blank=True)
    decision_date = models.DateField("дата решения", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="решение принял",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_comment = models.CharField("комментарий к решению", max_length=500, blank=True)
    trained_at = models.DateField("обучение пройдено", null=True, blank=True)

    class Meta:
        verbose_name = "запись базы наставников"
        verbose_name_plural = "база наставников"
        ordering = ["person__last_name", "person__first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "form", "academic_year"], name="mentor_entry_unique"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="mentor_capacity_positive"),
        ]
        indexes = [models.Index(fields=["organization", "academic_year", "status"], name="mentor_org_year_status")]

    def __str__(self):
        return f"{self.person} — наставник, «{self.form.name}»"


class CriterionScore(TimeStampedModel):
    """One row of a working-group member's score sheet for a mentor candidate (seed 001)."""

    entry = models.ForeignKey(MentorEntry, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField("критерий", max_length=30, choices=CRITERIA)
    score = models.PositiveSmallIntegerField(
        "балл", validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    comment = models.CharField("комментарий", max_length=500, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="оценил", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scorer_name = models.CharField("оценил (ФИО)", max_length=300)

    class Meta:
        verbose_name = "оценка по критерию"
        verbose_name_plural = "оценочные листы"
        ordering = ["entry", "scored_by", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "criterion", "scored_by"], name="criterion_score_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX), name="criterion_score_in_scale"
            ),
        ]

    def __str__(self):
        return f"{self.get_criterion_display()}: {self.score}"

    def get_additional_data(self):
        return {"person_id": self.entry.person_id}


class Training(ScopedModel):
    """A training event for mentors (seed 000, roadmap 4.3–4.4)."""

    title = models.CharField("тема", max_length=300)
    program = models.TextField("программа обучения", blank=True)
    date = models.DateField("дата")
    place = models.CharField("место", max_length=300, blank=True)
    trainer = models.CharField("кто проводит", max_length=300, blank=True, help_text="Эксперт, организация")

    class Meta:
        verbose_name = "обучение наставников"
        verbose_name_plural = "обучение наставников"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.title} ({self.date:%d.%m.%Y})"


class TrainingMaterial(TimeStampedModel):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField("название", max_length=300)
    file = models.FileField("файл", upload_to="trainings/%Y/", blank=True)
    url = models.URLField("ссылка", blank=True)

    class Meta:
        verbose_name = "материал обучения"
        verbose_name_plural = "материалы обучения"
        ordering = ["id"]

    def __str__(self):
        return self.title


class TrainingAttendance(TimeStampedModel):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendance")
    mentor = models.ForeignKey(MentorEntry, on_delete=models.CASCADE, related_name="attendance")
    attended = models.BooleanField("присутствовал", default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "посещение обучения"
        verbose_name_plural = "посещение обучения"
        constraints = [models.UniqueConstraint(fields=["training", "mentor"], name="training_attendance_unique")]

    def __str__(self):
        return f"{self.mentor.person}: {'был' if self.attended else 'не был'}"

    def get_additional_data(self):
        return {"person_id": self.mentor.person_id}
