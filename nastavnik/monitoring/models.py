"""Impact monitoring (the second stage of monitoring, seed 000 stage 7; Р-145): a parameter of a
participant measured on entry and on exit — grades, attendance, involvement, self-esteem, anxiety,
soft skills, the adaptation of a young teacher. Entered by hand, imported from XLSX or taken from the
diagnostics questionnaires (codes of `diagnostics_before` / `diagnostics_after`).

One measurement is one value of one parameter of one person at one stage of one academic year:
entering or importing the same value again changes nothing (unique constraint + update_or_create).
Indicators and dashboards are not stored: they are computed live from the data of the other apps.
"""

from django.conf import settings
from django.db import models

from nastavnik.people.models import Person
from nastavnik.programs.models import ScopedModel


class Parameter(models.TextChoices):
    GRADES = "grades", "Успеваемость (средний балл)"
    ATTENDANCE = "attendance", "Посещаемость, %"
    INVOLVEMENT = "involvement", "Вовлечённость и активность (1–10)"
    SELF_ESTEEM = "self_esteem", "Самооценка (1–10)"
    ANXIETY = "anxiety", "Тревожность (1–10)"
    MOTIVATION = "motivation", "Учебная мотивация (1–10)"
    SOFT_SKILLS = "soft_skills", "Гибкие навыки (1–10)"
    ADAPTATION = "adaptation", "Адаптация молодого педагога (1–10)"


# Lower is better only for anxiety; the range each value must be in.
LOWER_IS_BETTER = frozenset({Parameter.ANXIETY})
PARAMETER_RANGE = {
    Parameter.GRADES: (1, 5),
    Parameter.ATTENDANCE: (0, 100),
}
DEFAULT_RANGE = (1, 10)


def parameter_range(code: str) -> tuple[int, int]:
    return PARAMETER_RANGE.get(code, DEFAULT_RANGE)


class Stage(models.TextChoices):
    ENTRY = "entry", "На входе"
    EXIT = "exit", "На выходе"


class MeasurementSource(models.TextChoices):
    MANUAL = "manual", "Вручную"
    IMPORT = "import", "Импорт XLSX"
    DIAGNOSTICS = "diagnostics", "Диагностическая анкета"


class Measurement(ScopedModel):
    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="+")
    parameter = models.CharField("параметр", max_length=20, choices=Parameter.choices)
    stage = models.CharField("этап", max_length=10, choices=Stage.choices)
    value = models.DecimalField("значение", max_digits=6, decimal_places=2)
    measured_on = models.DateField("дата измерения")
    source = models.CharField(
        "источник", max_length=20, choices=MeasurementSource.choices, default=MeasurementSource.MANUAL
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "измерение (мониторинг влияния)"
        verbose_name_plural = "измерения (мониторинг влияния)"
        ordering = ["person__last_name", "person__first_name", "parameter", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "academic_year", "parameter", "stage"], name="measurement_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "academic_year", "parameter"], name="measurement_org_year_param"),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_parameter_display()}, {self.get_stage_display().lower()} — {self.value}"

    def get_additional_data(self):
        return {"person_id": self.person_id}


# --- the area's annual summary (issue 8: «сводный отчёт региона по всем организациям») ----------------------
class SummaryLevel(models.TextChoices):
    REGION = "region", "Регион"
    MUNICIPALITY = "municipality", "Муниципалитет"


class SummaryStatus(models.TextChoices):
    PENDING = "pending", "В очереди"
    RUNNING = "running", "Формируется"
    DONE = "done", "Готов"
    FAILED = "failed", "Ошибка"


class AreaSummary(models.Model):
    """One DOCX «Сводный отчёт о реализации целевой модели наставничества» of a region or a municipality
    for an academic year, built in the background (monitoring/summary.py). A new request after a done one
    makes a new row: the history is kept."""

    level = models.CharField("уровень", max_length=20, choices=SummaryLevel.choices)
    region = models.ForeignKey("orgs.Region", verbose_name="регион", on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(
        "orgs.Municipality",
        verbose_name="муниципалитет",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    academic_year = models.ForeignKey(
        "orgs.AcademicYear", verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("состояние", max_length=20, choices=SummaryStatus.choices, default=SummaryStatus.PENDING)
    progress = models.PositiveSmallIntegerField("готовность, %", default=0)
    stage = models.CharField("этап", max_length=100, blank=True)
    file = models.FileField("файл", upload_to="monitoring/summaries/%Y/", blank=True)
    message = models.TextField("сообщение", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто запросил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField("завершено", null=True, blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "сводный отчёт"
        verbose_name_plural = "сводные отчёты"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["region", "municipality", "academic_year", "-created_at"], name="area_summary_area"),
        ]

    def __str__(self):
        return f"Сводный отчёт {self.get_level_display().lower()}а, {self.academic_year}: {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in (SummaryStatus.PENDING, SummaryStatus.RUNNING)

    @property
    def area(self):
        return self.municipality if self.level == SummaryLevel.MUNICIPALITY else self.region


class OrganizationFigures(models.Model):
    """The counts of one organisation that the regional dashboard adds up, as they were at `computed_at`
    (monitoring/figures.py). Computed from the data for the whole region at once, never typed; the region's
    dashboard reads them while they are fresh (MONITORING_FIGURES_MINUTES) and computes live otherwise.
    The counts are those of the region's scope: a person counts as involved in a pair of any organisation of
    the region, as on the regional dashboard."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="организация", on_delete=models.CASCADE, related_name="+"
    )
    academic_year = models.ForeignKey(
        "orgs.AcademicYear", verbose_name="учебный год", on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey("orgs.Region", verbose_name="регион", on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField("рассчитано")
    computed_for = models.DateField("на дату")
    people = models.JSONField("численность по категориям", default=dict)
    plans = models.PositiveIntegerField("утверждённых планов", default=0)
    plans_completion = models.FloatField("сумма выполненности планов, %", default=0)
    plans_done = models.PositiveIntegerField("планов выполнено на 90 % и более", default=0)
    roadmap_due = models.PositiveIntegerField("пунктов дорожной карты со сроком", default=0)
    roadmap_on_time = models.PositiveIntegerField("выполнено в срок", default=0)
    mentorships = models.PositiveIntegerField("пар (действуют и завершены)", default=0)
    stale = models.PositiveIntegerField("пар без встреч", default=0)
    overdue = models.PositiveIntegerField("просроченных пунктов планов", default=0)
    unconfirmed = models.PositiveIntegerField("неподтверждённых встреч", default=0)
    meetings_by_month = models.JSONField("встречи по месяцам", default=dict)
    journal_by_month = models.JSONField("записи журнала по месяцам", default=dict)

    class Meta:
        verbose_name = "показатели организации для региона"
        verbose_name_plural = "показатели организаций для региона"
        constraints = [
            models.UniqueConstraint(fields=["organization", "academic_year"], name="monitoring_figures_org_year")
        ]
        indexes = [models.Index(fields=["region", "academic_year"], name="monitoring_figures_region_year")]

    def __str__(self) -> str:
        return f"{self.organization_id} / {self.academic_year_id} на {self.computed_at:%d.%m.%Y %H:%M}"
