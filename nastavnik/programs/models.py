"""Programs of mentoring (the constructor of seed 004), forms of mentoring (seed 002), the
working group, the roadmap (seeds 000 and 002), the initial-state analysis and the state of
an organisation's year."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from nastavnik.core.models import TimeStampedModel
from nastavnik.orgs.models import AcademicYear, Municipality, Organization, Region
from nastavnik.people.models import Person


class MentoringForm(TimeStampedModel):
    """A form of mentoring from the catalogue (seed 002): who mentors whom, documents, formats."""

    code = models.SlugField("код", max_length=40, unique=True)
    name = models.CharField("название", max_length=100)
    mentor_categories = models.JSONField("кто может быть наставником (категории)", default=list)
    mentee_categories = models.JSONField("кто может быть наставляемым (категории)", default=list)
    mentor_description = models.TextField("наставник", blank=True)
    mentee_description = models.TextField("наставляемый", blank=True)
    typical_requests = models.JSONField("типичные запросы", default=list)
    documents = models.JSONField("документы организации", default=list)
    work_formats = models.JSONField("примерные форматы работы", default=list)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "форма наставничества"
        verbose_name_plural = "формы наставничества"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return f"«{self.name}»"


class ScopedModel(TimeStampedModel):
    """Owned by an organisation, or by a municipality or region for their own work; the scope
    columns are copied by the services so that access filters are single columns."""

    region = models.ForeignKey(Region, verbose_name="регион", on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    academic_year = models.ForeignKey(AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT)

    class Meta:
        abstract = True

    @property
    def owner(self):
        return self.organization or self.municipality or self.region


class OrganizationYear(TimeStampedModel):
    """An organisation's academic year: once closed (after the rollover) it is read-only."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="years")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT)
    closed_at = models.DateTimeField("закрыт", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "учебный год организации"
        verbose_name_plural = "учебные годы организаций"
        constraints = [models.UniqueConstraint(fields=["organization", "academic_year"], name="org_year_unique")]

    def __str__(self):
        return f"{self.organization}: {self.academic_year}"


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Черновик"
    APPROVED = "approved", "Утверждена"
    SUPERSEDED = "superseded", "Заменена новой версией"


class Program(ScopedModel):
    """A program of mentoring built step by step (seed 004). An approved version is read-only;
    a change makes the next version (a draft that copies everything)."""

    title = models.CharField("название программы", max_length=300)
    version = models.PositiveSmallIntegerField("версия", default=1)
    previous = models.OneToOneField(
        "self", verbose_name="предыдущая версия", null=True, blank=True, on_delete=models.SET_NULL, related_name="next"
    )
    status = models.CharField("статус", max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT)
    problem = models.TextField("проблема", blank=True)
    goal = models.TextField("цель (SMART)", blank=True)
    target_audience = models.TextField("целевая аудитория", blank=True)
    implementers = models.TextField("реализаторы программы", blank=True)
    start_date = models.DateField("начало реализации", null=True, blank=True)
    end_date = models.DateField("окончание реализации", null=True, blank=True)
    forms = models.ManyToManyField(MentoringForm, verbose_name="формы наставничества", blank=True)
    last_step = models.CharField("последний открытый шаг", max_length=20, blank=True)
    approved_at = models.DateTimeField("утверждена", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "программа наставничества"
        verbose_name_plural = "программы наставничества"
        ordering = ["-academic_year__start_year", "title", "-version"]

    def __str__(self):
        return f"{self.title} (версия {self.version})"

    @property
    def is_editable(self) -> bool:
        return self.status == ProgramStatus.DRAFT


class ResultKind(models.TextChoices):
    QUANTITATIVE = "quantitative", "Количественный"
    QUALITATIVE = "qualitative", "Качественный"


class ExpectedResult(TimeStampedModel):
    """An expected result; a quantitative one is a tracked indicator with a target."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField("вид", max_length=20, choices=ResultKind.choices)
    text = models.CharField("результат", max_length=500)
    target_value = models.DecimalField("целевое значение", max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField("единица", max_length=30, blank=True, help_text="%, человек, пар…")

    class Meta:
        verbose_name = "ожидаемый результат"
        verbose_name_plural = "ожидаемые результаты"
        ordering = ["kind", "id"]

    def __str__(self):
        return self.text


class ResourceKind(models.TextChoices):
    HUMAN = "human", "Кадровые"
    MATERIAL = "material", "Материально-технические"
    FINANCIAL = "financial", "Финансовые"
    INFORMATIONAL = "informational", "Информационные"


class ProgramResource(TimeStampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField("вид ресурсов", max_length=20, choices=ResourceKind.choices)
    description = models.TextField("какие есть и какие нужны")

    class Meta:
        verbose_name = "ресурс"
        verbose_name_plural = "ресурсы"
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["program", "kind"], name="program_resource_unique_kind")]

    def __str__(self):
        return self.get_kind_display()


class ActLevel(models.TextChoices):
    FEDERAL = "federal", "Федеральный"
    REGIONAL = "regional", "Региональный"
    MUNICIPAL = "municipal", "Муниципальный"
    LOCAL = "local", "Локальный акт организации"


class NormativeAct(TimeStampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="acts")
    level = models.CharField("уровень", max_length=20, choices=ActLevel.choices)
    title = models.TextField("реквизиты и название")

    class Meta:
        verbose_name = "нормативный акт"
        verbose_name_plural = "нормативная база"
        ordering = ["id"]

    def __str__(self):
        return self.title


class InitialAnalysis(ScopedModel):
    """The initial-state analysis of October (seed 000, stage 3)."""

    needs = models.JSONField("потребности целевых групп", default=dict)
    existing_practice = models.TextField("имеющиеся практики наставничества", blank=True)
    resources = models.TextField("ресурсы", blank=True)
    risks = models.TextField("риски", blank=True)
    conclusions = models.TextField("выводы", blank=True)

    class Meta:
        verbose_name = "анализ исходного состояния"
        verbose_name_plural = "анализы исходного состояния"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "academic_year"],
                name="analysis_unique_per_year",
                condition=Q(organization__isnull=False),
            )
        ]

    def __str__(self):
        return f"Анализ исходного состояния: {self.owner}, {self.academic_year}"


class GroupPosition(models.TextChoices):
    HEAD = "head", "Руководитель рабочей группы"
    CURATOR = "curator", "Куратор"
    MEMBER = "member", "Член рабочей группы"


class WorkingGroupMember(TimeStampedModel):
    """A member of the working group of an organisation's year (the data of the order)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="group_members")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT)
    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="+")
    position = models.CharField("роль в группе", max_length=20, choices=GroupPosition.choices)
    duties = models.CharField("обязанности", max_length=300, blank=True)
    start_date = models.DateField("с")
    end_date = models.DateField("по", null=True, blank=True)

    class Meta:
        verbose_name = "член рабочей группы"
        verbose_name_plural = "рабочая группа"
        ordering = ["position", "person__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "academic_year", "person"], name="group_member_unique")
        ]

    def __str__(self):
        return f"{self.person} — {self.get_position_display()}"

    def get_additional_data(self):
        return {"person_id": self.person_id}


class WorkingGroupMeeting(TimeStampedModel):
    """A meeting of the working group with its protocol (agenda and decisions)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="group_meetings")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT)
    number = models.PositiveSmallIntegerField("номер протокола")
    date = models.DateField("дата")
    agenda = models.TextField("повестка")
    decisions = models.TextField("решения", blank=True)
    attendees = models.ManyToManyField(Person, verbose_name="присутствовали", blank=True, related_name="+")

    class Meta:
        verbose_name = "заседание рабочей группы"
        verbose_name_plural = "заседания рабочей группы"
        ordering = ["date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "academic_year", "number"], name="group_meeting_unique")
        ]

    def __str__(self):
        return f"Протокол № {self.number} от {self.date:%d.%m.%Y}"


class Roadmap(ScopedModel):
    title = models.CharField("название", max_length=300)
    template_code = models.CharField("шаблон", max_length=20, blank=True)

    class Meta:
        verbose_name = "дорожная карта"
        verbose_name_plural = "дорожные карты"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "academic_year"],
                name="roadmap_unique_per_year",
                condition=Q(organization__isnull=False),
            )
        ]

    def __str__(self):
        return self.title


class ItemStatus(models.TextChoices):
    PLANNED = "planned", "Запланировано"
    IN_PROGRESS = "in_progress", "Выполняется"
    DONE = "done", "Выполнено"


class RoadmapItem(TimeStampedModel):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="items")
    code = models.CharField("№", max_length=10, blank=True)
    section = models.CharField("раздел", max_length=300, blank=True)
    content = models.TextField("содержание")
    start_date = models.DateField("начало")
    due_date = models.DateField("срок")
    deadline_text = models.CharField("срок (текстом)", max_length=200, blank=True)
    responsible = models.ForeignKey(
        Person, verbose_name="ответственный", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responsible_role = models.CharField("ответственный (роль)", max_length=30, blank=True)
    expected_result = models.TextField("ожидаемый результат", blank=True)
    indicators = models.TextField("показатели эффективности", blank=True)
    status = models.CharField("статус", max_length=20, choices=ItemStatus.choices, default=ItemStatus.PLANNED)
    done_at = models.DateField("выполнено", null=True, blank=True)
    evidence_text = models.TextField("подтверждение", blank=True)
    evidence_url = models.URLField("ссылка на подтверждение", blank=True)
    evidence_file = models.FileField("файл-подтверждение", upload_to="roadmap/%Y/", blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "пункт дорожной карты"
        verbose_name_plural = "пункты дорожной карты"
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["roadmap", "status", "due_date"], name="roadmap_item_status_due")]

    def __str__(self):
        return f"{self.code} {self.content[:60]}".strip()

    def is_overdue_on(self, day: dt.date) -> bool:
        return self.status != ItemStatus.DONE and self.due_date < day
