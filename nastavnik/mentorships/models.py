"""The work of pairs (seed 000, stage 6; the forms of seed 002): mentorships (a pair or a group: one
mentor, one or more mentees), their meetings, the individual plan with its versions and the mentor's
journal.

Statuses move only through the services (mentorships/services.py). A mentorship copies the scope
columns (region, municipality, organisation, academic year) of its organisation, so every access
filter is one column; meetings, plans and journal entries hang off the mentorship. The feedback and
reminders of other apps hang off `Mentorship` and `Meeting` too (foreign keys from their side).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from nastavnik.core.models import TimeStampedModel
from nastavnik.people.models import Person
from nastavnik.pools.models import MenteeEntry, MentorEntry
from nastavnik.programs.models import MentoringForm, ScopedModel


class MentorshipStatus(models.TextChoices):
    PROPOSED = "proposed", "Предложена"
    ACTIVE = "active", "Действует"
    COMPLETED = "completed", "Завершена"
    ENDED_EARLY = "ended_early", "Завершена досрочно"


OPEN_STATUSES = (MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE)
CLOSED_STATUSES = (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY)


class EndReason(models.TextChoices):
    COMPLETED = "completed", "Программа выполнена"
    MOVED = "moved", "Переезд"
    CONFLICT = "conflict", "Конфликт"
    GOAL_REACHED_EARLY = "goal_reached_early", "Цель достигнута досрочно"
    OWN_WISH = "own_wish", "По собственному желанию"
    OTHER = "other", "Иное"


EARLY_END_REASONS = (
    EndReason.MOVED,
    EndReason.CONFLICT,
    EndReason.GOAL_REACHED_EARLY,
    EndReason.OWN_WISH,
    EndReason.OTHER,
)


class MentorshipSource(models.TextChoices):
    MANUAL = "manual", "Вручную (куратор)"
    MATCHING = "matching", "Подбор пар"
    SELF = "self", "Самостоятельный выбор"
    CARRIED = "carried", "Продолжение с прошлого учебного года"


class Mentorship(ScopedModel):
    """A mentoring pair or group of one organisation in one form and academic year."""

    form = models.ForeignKey(MentoringForm, verbose_name="форма наставничества", on_delete=models.PROTECT)
    mentor = models.ForeignKey(
        Person, verbose_name="наставник", on_delete=models.PROTECT, related_name="mentorships_as_mentor"
    )
    mentor_entry = models.ForeignKey(
        MentorEntry, verbose_name="запись базы наставников", on_delete=models.PROTECT, related_name="mentorships"
    )
    status = models.CharField(
        "статус", max_length=20, choices=MentorshipStatus.choices, default=MentorshipStatus.PROPOSED, db_index=True
    )
    direction = models.CharField("направление", max_length=300, blank=True)
    start_date = models.DateField("начало работы", null=True, blank=True)
    end_date = models.DateField("окончание работы", null=True, blank=True)
    end_reason = models.CharField("причина завершения", max_length=30, choices=EndReason.choices, blank=True)
    end_comment = models.TextField("комментарий к завершению", blank=True)
    order_number = models.CharField("номер приказа о закреплении", max_length=50, blank=True)
    order_date = models.DateField("дата приказа", null=True, blank=True)
    source = models.CharField(
        "как сформирована", max_length=20, choices=MentorshipSource.choices, default=MentorshipSource.MANUAL
    )
    source_ref = models.CharField("ссылка на источник", max_length=200, blank=True)
    # Sorted ids of the mentee entries at creation: the same mentor with the same mentees is one mentorship.
    mentees_key = models.CharField(max_length=500, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="создал", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    status_changed_at = models.DateTimeField("статус изменён", null=True, blank=True)
    # Ending is planned before it happens (issue 7.5): the final meeting and the final feedback are set up,
    # the pair is completed once the final meeting took place (or the curator ends it at once).
    planned_end_date = models.DateField("планируемое окончание", null=True, blank=True)
    planned_end_reason = models.CharField(
        "причина планируемого завершения", max_length=30, choices=EndReason.choices, blank=True
    )
    # A pair that goes on into the next academic year is copied there when the year is closed (issue 10.8).
    continued_from = models.ForeignKey(
        "self", verbose_name="продолжение пары", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="continuations",
    )  # fmt: skip

    class Meta:
        verbose_name = "наставническая пара (группа)"
        verbose_name_plural = "наставнические пары и группы"
        ordering = ["mentor__last_name", "mentor__first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="mentorship_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["mentor_entry", "mentees_key"],
                condition=Q(status__in=["proposed", "active"]),
                name="mentorship_open_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "academic_year", "status"], name="mentorship_org_year_status"),
        ]

    def __str__(self):
        return f"Наставник {self.mentor} («{self.form.name}»)"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_group(self) -> bool:
        return "," in self.mentees_key

    def get_additional_data(self):
        return {"person_id": self.mentor_id, "mentorship_id": self.pk}


class MentorshipMentee(TimeStampedModel):
    """A mentee of a pair or group, with the dates they joined and left."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, verbose_name="наставляемый", on_delete=models.PROTECT, related_name="mentorships_as_mentee"
    )
    mentee_entry = models.ForeignKey(
        MenteeEntry, verbose_name="запись базы наставляемых", on_delete=models.PROTECT, related_name="mentorships"
    )
    joined_on = models.DateField("в паре с", null=True, blank=True)
    left_on = models.DateField("вышел из пары", null=True, blank=True)

    class Meta:
        verbose_name = "наставляемый пары (группы)"
        verbose_name_plural = "наставляемые пар и групп"
        ordering = ["person__last_name", "person__first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "mentee_entry"], name="mentorship_mentee_unique"),
        ]

    def __str__(self):
        return str(self.person)

    def get_additional_data(self):
        return {"person_id": self.person_id, "mentorship_id": self.mentorship_id}


# --- meetings (seed 000, stage 6.1–6.7) ---------------------------------------------------------------------
class MeetingKind(models.TextChoices):
    ORGANIZATIONAL = "organizational", "Организационная"
    TRIAL = "trial", "Пробная"
    PLANNING = "planning", "Планирующая"
    REGULAR = "regular", "Регулярная"
    FINAL = "final", "Итоговая"


class WorkFormat(models.TextChoices):
    IN_PERSON = "in_person", "Очно"
    REMOTE = "remote", "Дистанционно"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Запланирована"
    HELD = "held", "Состоялась"
    CANCELLED = "cancelled", "Отменена"


class Meeting(TimeStampedModel):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField("вид встречи", max_length=20, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    starts_at = models.DateTimeField("начало")
    ends_at = models.DateTimeField("окончание")
    format = models.CharField("формат", max_length=20, choices=WorkFormat.choices, default=WorkFormat.IN_PERSON)
    place = models.CharField("место", max_length=300, blank=True)
    link = models.URLField("ссылка на встречу", max_length=500, blank=True)
    topic = models.CharField("тема", max_length=300)
    status = models.CharField(
        "статус", max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED, db_index=True
    )
    cancel_reason = models.CharField("причина отмены", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "встреча"
        verbose_name_plural = "встречи"
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
        ]
        indexes = [models.Index(fields=["mentorship", "starts_at"], name="meeting_mentorship_start")]

    def __str__(self):
        return f"{self.get_kind_display()} встреча: {self.topic}"

    def get_additional_data(self):
        return {"mentorship_id": self.mentorship_id}

    @property
    def is_past(self) -> bool:
        from django.utils import timezone

        return self.starts_at <= timezone.now()

    @property
    def status_label(self) -> str:
        """«Запланирована» is for what is ahead: a past meeting no mentee confirmed is «не подтверждена»."""
        if self.status == MeetingStatus.PLANNED and self.is_past:
            return "Прошла, не подтверждена"
        return self.get_status_display()


class MeetingConfirmation(TimeStampedModel):
    """A mentee confirms that the meeting took place (who, when)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="confirmations")
    person = models.ForeignKey(Person, verbose_name="подтвердил", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "подтверждение встречи"
        verbose_name_plural = "подтверждения встреч"
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="meeting_confirmation_unique")]

    def __str__(self):
        return f"{self.person}: {self.created_at:%d.%m.%Y %H:%M}"

    def get_additional_data(self):
        return {"person_id": self.person_id}


class CalendarFeed(TimeStampedModel):
    """A person's secret iCalendar feed address (no login)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="mentorship_calendar")
    token = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "календарь встреч"
        verbose_name_plural = "календари встреч"

    def __str__(self):
        return f"Календарь: {self.person}"


# --- the individual plan (seed 002, form № 1) ---------------------------------------------------------------
class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Черновик"
    SUBMITTED = "submitted", "На утверждении"
    APPROVED = "approved", "Утверждён"
    SUPERSEDED = "superseded", "Заменён новой версией"


class IndividualPlan(TimeStampedModel):
    """One version of a mentorship's individual plan. An approved version is read-only; a change makes
    the next version (a draft copying the items) that needs approval again. `lock_version` grows with
    every write of the plan or its items: the optimistic lock of the edit forms."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveSmallIntegerField("версия", default=1)
    previous = models.OneToOneField(
        "self", verbose_name="предыдущая версия", null=True, blank=True, on_delete=models.SET_NULL, related_name="next"
    )
    status = models.CharField("статус", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    goal = models.TextField("цель работы пары (группы)", blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="последним изменил", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    submitted_at = models.DateTimeField("отправлен на утверждение", null=True, blank=True)
    approved_at = models.DateTimeField("утверждён", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "индивидуальный план"
        verbose_name_plural = "индивидуальные планы"
        ordering = ["mentorship", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "number"], name="plan_version_unique"),
            models.UniqueConstraint(
                fields=["mentorship"], condition=Q(status__in=["draft", "submitted"]), name="plan_one_draft"
            ),
        ]

    def __str__(self):
        return f"Индивидуальный план, версия {self.number}"

    def get_additional_data(self):
        return {"mentorship_id": self.mentorship_id}

    @property
    def is_editable(self) -> bool:
        return self.status == PlanStatus.DRAFT


class PlanItemStatus(models.TextChoices):
    PLANNED = "planned", "Запланировано"
    IN_PROGRESS = "in_progress", "Выполняется"
    DONE = "done", "Выполнено"
    CANCELLED = "cancelled", "Отменено"


class PlanItem(TimeStampedModel):
    """A row of the plan, exactly the columns of seed 002, plus the status and progress of the item."""

    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("№", default=1)
    competency = models.TextField("наименование компетенций, которые необходимо сформировать, развить")
    activity = models.TextField("содержание деятельности")
    deadline = models.DateField("сроки")
    format = models.CharField("формат", max_length=20, choices=WorkFormat.choices, default=WorkFormat.IN_PERSON)
    expected_result = models.TextField("ожидаемый результат", blank=True)
    achieved_result = models.TextField("достигнутый результат", blank=True)
    status = models.CharField("статус", max_length=20, choices=PlanItemStatus.choices, default=PlanItemStatus.PLANNED)
    progress = models.PositiveSmallIntegerField(
        "выполнено, %", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    source_item = models.ForeignKey(
        "self", verbose_name="пункт предыдущей версии", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "пункт индивидуального плана"
        verbose_name_plural = "пункты индивидуальных планов"
        ordering = ["plan", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="plan_item_progress_range"),
        ]
        indexes = [models.Index(fields=["plan", "status", "progress"], name="plan_item_plan_status_progress")]

    def __str__(self):
        return self.competency[:80]

    def get_additional_data(self):
        return {"mentorship_id": self.plan.mentorship_id}


class PlanComment(TimeStampedModel):
    """A comment of the mentee, guardian, mentor or curator on a plan version."""

    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField("автор", max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("комментарий")

    class Meta:
        verbose_name = "комментарий к плану"
        verbose_name_plural = "комментарии к планам"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author_name}: {self.text[:60]}"


# --- the mentor's journal (seed 002, form № 2) --------------------------------------------------------------
class Participation(models.TextChoices):
    INDIVIDUAL = "individual", "Индивидуальная"
    GROUP = "group", "Групповая"


class Activity(models.TextChoices):
    DIALOGUE = "dialogue", "Диалог / обсуждение"
    EXCURSION = "excursion", "Экскурсия"
    LECTURE = "lecture", "Публичная лекция"
    PRACTICE = "practice", "Практическая работа"
    OTHER = "other", "Другое"


class JournalEntry(TimeStampedModel):
    """A row of the mentor's journal with the columns of seed 002: дата встречи, формат, форма встречи,
    цель (тема встречи), содержание, результат, подпись — the signature is the mentees' confirmation in
    the system (JournalSignature: who, when)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="journal")
    meeting = models.OneToOneField(
        Meeting, verbose_name="встреча", null=True, blank=True, on_delete=models.SET_NULL, related_name="journal_entry"
    )
    date = models.DateField("дата встречи")
    format = models.CharField("формат", max_length=20, choices=WorkFormat.choices, default=WorkFormat.IN_PERSON)
    participation = models.CharField(
        "форма встречи: индивидуальная / групповая", max_length=20, choices=Participation.choices,
        default=Participation.INDIVIDUAL,
    )  # fmt: skip
    activity = models.CharField("форма встречи", max_length=20, choices=Activity.choices, default=Activity.DIALOGUE)
    topic = models.CharField("цель (тема встречи)", max_length=300)
    content = models.TextField("содержание")
    result = models.TextField("результат", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "запись журнала наставника"
        verbose_name_plural = "журнал наставника"
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["mentorship", "date"], name="journal_mentorship_date")]

    def __str__(self):
        return f"{self.date:%d.%m.%Y}: {self.topic}"

    def get_additional_data(self):
        return {"mentorship_id": self.mentorship_id}

    @property
    def meeting_form(self) -> str:
        return f"{self.get_participation_display()}; {self.get_activity_display().lower()}"


class JournalSignature(TimeStampedModel):
    """«Подпись»: a mentee confirmed the journal entry in the system."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="signatures")
    person = models.ForeignKey(Person, verbose_name="подписал", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField("подписано")

    class Meta:
        verbose_name = "подпись в журнале"
        verbose_name_plural = "подписи в журнале"
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["entry", "person"], name="journal_signature_unique")]

    def __str__(self):
        return f"{self.person}: {self.signed_at:%d.%m.%Y %H:%M}"

    def get_additional_data(self):
        return {"person_id": self.person_id}
