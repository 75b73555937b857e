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
