"""Matching runs (seed 000, roadmap 5.1–5.3: forming the pairs after the group meeting and the
preference questionnaire), their proposals and the curator's forbidden pairs.

A run is one call of the engine (matching/engine.py) on a snapshot of the pools of one form of
mentoring: the snapshot, the weights and the rules are stored as JSON so that the run can be
reproduced and compared with another. Every solver's result is stored (proposals and unmatched
mentees carry the solver), the curator chooses one and edits it (lock, remove, swap, assign by hand),
re-runs (a new run that keeps the locks) and approves: approval creates the mentorships through
nastavnik.mentorships.services. An organisation's run has `organization`; a municipal or regional
run (forms that cross organisations) has organization=None and one RunPart per organisation, which
its curator confirms.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from nastavnik.core.models import TimeStampedModel
from nastavnik.orgs.models import Organization
from nastavnik.people.models import Person
from nastavnik.pools.models import MenteeEntry, MentorEntry
from nastavnik.programs.models import MentoringForm, ScopedModel


class RowJSONField(models.JSONField):
    """A JSONField that PostgreSQL's bulk_create inserts with VALUES, not UNNEST: Django 5.2's UNNEST path
    sends the JSON of every row inside a text array, which psycopg escapes in Python character by
    character (40 s for 10,000 proposals); a field with `get_placeholder` opts out of it."""

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class RunStatus(models.TextChoices):
    DRAFT = "draft", "Черновик"
    RUNNING = "running", "Выполняется"
    READY = "ready", "Готов"
    APPROVED = "approved", "Утверждён"
    SUPERSEDED = "superseded", "Заменён утверждённым подбором"
    FAILED = "failed", "Ошибка"


class Solver(models.TextChoices):
    OPTIMAL = "optimal", "Оптимальное"
    STABLE = "stable", "Устойчивое"
    GREEDY = "greedy", "Жадное (лучший балл первым)"


class MatchingRun(ScopedModel):
    form = models.ForeignKey(MentoringForm, verbose_name="форма наставничества", on_delete=models.PROTECT)
    number = models.PositiveIntegerField("номер", default=1)
    solver = models.CharField("выбранное решение", max_length=20, choices=Solver.choices, default=Solver.OPTIMAL)
    weights = models.JSONField("веса", default=dict)
    rules = models.JSONField("правила", default=dict)
    snapshot = models.JSONField("входные данные", default=dict, blank=True)
    status = models.CharField("статус", max_length=20, choices=RunStatus.choices, default=RunStatus.DRAFT)
    progress = models.PositiveSmallIntegerField("выполнено, %", default=0)
    errors = models.JSONField("ошибки", default=list, blank=True)
    warnings = models.JSONField("предупреждения", default=list, blank=True)
    results = models.JSONField("итоги решений", default=dict, blank=True)
    mentee_count = models.PositiveIntegerField("наставляемых", default=0)
    mentor_count = models.PositiveIntegerField("наставников", default=0)
    previous = models.ForeignKey(
        "self", verbose_name="повтор запуска", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="запустил", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    started_at = models.DateTimeField("начат", null=True, blank=True)
    finished_at = models.DateTimeField("закончен", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="утвердил", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField("утверждён", null=True, blank=True)
    activate = models.BooleanField("пары закреплены приказом при утверждении", default=False)

    class Meta:
        verbose_name = "запуск подбора пар"
        verbose_name_plural = "запуски подбора пар"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "academic_year", "form"], name="matching_run_org_year")]

    def __str__(self):
        return f"Подбор пар № {self.number}, «{self.form.name}»"

    @property
    def is_regional(self) -> bool:
        return self.organization_id is None

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.DRAFT, RunStatus.RUNNING)

    @property
    def is_editable(self) -> bool:
        return self.status == RunStatus.READY


class RunPart(TimeStampedModel):
    """An organisation's part of a municipal or regional run: its curator confirms it."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="parts")
    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    confirmed_at = models.DateTimeField("подтверждено", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="подтвердил", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "часть подбора организации"
        verbose_name_plural = "части подбора организаций"
        ordering = ["organization__short_name", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "organization"], name="run_part_unique")]

    def __str__(self):
        return f"{self.organization}: {'подтверждено' if self.confirmed_at else 'ждёт подтверждения'}"


class Proposal(TimeStampedModel):
    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="proposals")
    solver = models.CharField("решение", max_length=20, choices=Solver.choices)
    mentee_entry = models.ForeignKey(
        MenteeEntry, verbose_name="наставляемый", on_delete=models.CASCADE, related_name="+"
    )
    mentor_entry = models.ForeignKey(MentorEntry, verbose_name="наставник", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField("балл", default=0)
    parts = RowJSONField("из чего сложился балл", default=list, blank=True)
    alternatives = RowJSONField("другие подходящие наставники", default=list, blank=True)
    locked = models.BooleanField("закреплена куратором", default=False)
    manual = models.BooleanField("назначена вручную", default=False)
    mentorship_id = models.PositiveIntegerField("наставническая пара", null=True, blank=True)

    class Meta:
        verbose_name = "предложенная пара"
        verbose_name_plural = "предложенные пары"
        ordering = ["mentor_entry__person__last_name", "mentor_entry_id", "mentee_entry__person__last_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "solver", "mentee_entry"], name="proposal_one_per_mentee"),
        ]
        indexes = [models.Index(fields=["run", "solver"], name="proposal_run_solver")]

    def __str__(self):
        return f"{self.mentor_entry_id} → {self.mentee_entry_id} ({self.score})"

    def get_additional_data(self):
        return {"run_id": self.run_id}


class Unmatched(TimeStampedModel):
    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="unmatched")
    solver = models.CharField("решение", max_length=20, choices=Solver.choices)
    mentee_entry = models.ForeignKey(
        MenteeEntry, verbose_name="наставляемый", on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField("причина (код)", max_length=40)
    text = models.CharField("причина", max_length=500)
    alternatives = RowJSONField("подходящие наставники", default=list, blank=True)

    class Meta:
        verbose_name = "наставляемый без пары"
        verbose_name_plural = "наставляемые без пары"
        ordering = ["mentee_entry__person__last_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "solver", "mentee_entry"], name="unmatched_one_per_mentee"),
        ]

    def __str__(self):
        return f"{self.mentee_entry_id}: {self.text}"


class ForbiddenPair(ScopedModel):
    """Two people who must not be a pair (relatives, a conflict): entered by the curator."""

    mentee = models.ForeignKey(Person, verbose_name="наставляемый", on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Person, verbose_name="наставник", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("причина", max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="внёс", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "запрещённая пара"
        verbose_name_plural = "запрещённые пары"
        ordering = ["mentee__last_name", "mentor__last_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "academic_year", "mentee", "mentor"],
                condition=Q(organization__isnull=False),
                name="forbidden_pair_unique",
            ),
        ]

    def __str__(self):
        return f"{self.mentee} — {self.mentor}: {self.reason}"

    def get_additional_data(self):
        return {"person_id": self.mentee_id}


# --- self-match (issue 6, item 4) ------------------------------------------------------------------------
class SelfMatchWindow(ScopedModel):
    """The curator's switch of the self-match mode for one form of one organisation's year: mentees (or
    the guardians of minors) choose mentors themselves, mentors answer, the curator confirms."""

    form = models.ForeignKey(MentoringForm, verbose_name="форма наставничества", on_delete=models.PROTECT)
    enabled = models.BooleanField("самостоятельный выбор включён", default=False)
    max_requests = models.PositiveSmallIntegerField("запросов у одного наставляемого, не больше", default=3)
    answer_days = models.PositiveSmallIntegerField("срок ответа наставника, дней", default=7)
    opens_on = models.DateField("выбор открыт с", null=True, blank=True)
    closes_on = models.DateField("выбор открыт по", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="изменил", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "самостоятельный выбор наставника"
        verbose_name_plural = "самостоятельный выбор наставника"
        ordering = ["form__sort_order", "form__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "academic_year", "form"], name="selfmatch_window_unique"),
        ]

    def __str__(self):
        return f"Самостоятельный выбор: «{self.form.name}» ({'включён' if self.enabled else 'выключен'})"


class SelfRequestStatus(models.TextChoices):
    PENDING = "pending", "Ждёт ответа наставника"
    ACCEPTED = "accepted", "Наставник согласен, ждёт подтверждения куратора"
    CONFIRMED = "confirmed", "Пара создана"
    DECLINED = "declined", "Наставник отказался"
    WITHDRAWN = "withdrawn", "Отозван"
    EXPIRED = "expired", "Истёк"
    REJECTED = "rejected", "Куратор не подтвердил пару"


SELF_REQUEST_OPEN = (SelfRequestStatus.PENDING, SelfRequestStatus.ACCEPTED)
SELF_REQUEST_LIVE = (*SELF_REQUEST_OPEN, SelfRequestStatus.CONFIRMED)


class SelfMatchRequest(TimeStampedModel):
    """A mentee's request to one mentor in the self-match mode."""

    window = models.ForeignKey(SelfMatchWindow, on_delete=models.CASCADE, related_name="requests")
    mentee_entry = models.ForeignKey(
        MenteeEntry, verbose_name="наставляемый", on_delete=models.CASCADE, related_name="+"
    )
    mentor_entry = models.ForeignKey(MentorEntry, verbose_name="наставник", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        "состояние", max_length=20, choices=SelfRequestStatus.choices, default=SelfRequestStatus.PENDING
    )
    score = models.FloatField("балл", default=0)
    parts = models.JSONField("из чего сложился балл", default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="отправил", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    expires_on = models.DateField("ответить до")
    answered_at = models.DateTimeField("ответ", null=True, blank=True)
    answer_comment = models.CharField("комментарий наставника", max_length=500, blank=True)
    closed_reason = models.CharField("почему закрыт", max_length=300, blank=True)
    confirmed_at = models.DateTimeField("подтверждён", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="подтвердил", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    mentorship_id = models.PositiveIntegerField("наставническая пара", null=True, blank=True)

    class Meta:
        verbose_name = "запрос наставнику"
        verbose_name_plural = "запросы наставникам"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee_entry", "mentor_entry"],
                condition=Q(status__in=["pending", "accepted", "confirmed"]),
                name="selfmatch_request_live_unique",
            ),
        ]
        indexes = [models.Index(fields=["mentor_entry", "status"], name="selfmatch_request_mentor")]

    def __str__(self):
        return f"{self.mentee_entry_id} → {self.mentor_entry_id}: {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in SELF_REQUEST_OPEN
