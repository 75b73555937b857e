"""Persons, their accounts, roles with a scope, and guardians of minors."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from nastavnik.core.models import TimeStampedModel
from nastavnik.core.text import initials_surname
from nastavnik.orgs.models import Municipality, Organization, Region


class Gender(models.TextChoices):
    MALE = "m", "мужской"
    FEMALE = "f", "женский"


class Category(models.TextChoices):
    PUPIL = "pupil", "Обучающийся (школа)"
    STUDENT = "student", "Студент"
    STAFF = "staff", "Педагог / сотрудник"
    PARENT = "parent", "Родитель"
    EMPLOYER = "employer", "Представитель работодателя"
    ALUMNUS = "alumnus", "Выпускник"
    OTHER = "other", "Другое"


# Forms for counting: 1 педагог, 2 педагога, 5 педагогов.
CATEGORY_COUNT_FORMS = {
    Category.PUPIL: ("обучающийся", "обучающихся", "обучающихся"),
    Category.STUDENT: ("студент", "студента", "студентов"),
    Category.STAFF: ("педагог", "педагога", "педагогов"),
    Category.PARENT: ("родитель", "родителя", "родителей"),
    Category.EMPLOYER: ("представитель работодателя", "представителя работодателя", "представителей работодателей"),
    Category.ALUMNUS: ("выпускник", "выпускника", "выпускников"),
    Category.OTHER: ("другой", "других", "других"),
}


class Person(TimeStampedModel):
    """A participant. Region and municipality are copied from the organisation by the services,
    so that every scope filter is one indexed column."""

    region = models.ForeignKey(Region, verbose_name="регион", on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципалитет",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    last_name = models.CharField("фамилия", max_length=100)
    first_name = models.CharField("имя", max_length=100)
    patronymic = models.CharField("отчество", max_length=100, blank=True)
    gender = models.CharField("пол", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("дата рождения", null=True, blank=True)
    category = models.CharField("категория", max_length=20, choices=Category.choices)
    class_name = models.CharField(
        "класс или группа", max_length=30, blank=True, help_text="Например, 7Б или ТМ-21", db_index=True
    )
    position = models.CharField("должность", max_length=200, blank=True)
    teaching_since = models.DateField(
        "дата начала педагогической деятельности",
        null=True,
        blank=True,
        help_text="Для педагогов: с этой даты считается стаж (молодой педагог — стаж до 3 лет)",
    )
    subject = models.CharField("предмет или специальность", max_length=200, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="учётная запись",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    external_id = models.CharField("внешний идентификатор", max_length=64, blank=True, db_index=True)
    search_key = models.CharField(max_length=500, editable=False, db_index=True)
    fio_key = models.CharField(max_length=300, editable=False)

    class Meta:
        verbose_name = "участник"
        verbose_name_plural = "участники"
        ordering = ["last_name", "first_name", "patronymic", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fio_key", "birth_date"],
                name="person_unique_in_organization",
                condition=Q(organization__isnull=False, birth_date__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["organization", "category"], name="person_org_category")]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def short_name(self) -> str:
        return initials_surname(self.last_name, self.first_name, self.patronymic)

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    @property
    def teaching_years(self) -> int | None:
        """Whole years of teaching today (from teaching_since), None when the date is not known."""
        if self.teaching_since is None:
            return None
        start, today = self.teaching_since, timezone.localdate()
        return max(0, today.year - start.year - ((today.month, today.day) < (start.month, start.day)))

    @property
    def is_minor(self) -> bool:
        age = self.age
        return age is not None and age < 18


class RoleKind(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", "Администратор платформы"
    REGIONAL_COORDINATOR = "regional_coordinator", "Региональный координатор"
    MUNICIPAL_COORDINATOR = "municipal_coordinator", "Муниципальный координатор"
    DIRECTOR = "director", "Руководитель организации"
    CURATOR = "curator", "Куратор"
    WORKING_GROUP = "working_group", "Член рабочей группы"
    MENTOR = "mentor", "Наставник"
    MENTEE = "mentee", "Наставляемый"
    GUARDIAN = "guardian", "Законный представитель"


REGION_KINDS = frozenset({RoleKind.REGIONAL_COORDINATOR})
MUNICIPALITY_KINDS = frozenset({RoleKind.MUNICIPAL_COORDINATOR})
STAFF_KINDS = frozenset({RoleKind.DIRECTOR, RoleKind.CURATOR, RoleKind.WORKING_GROUP})
MANAGER_KINDS = frozenset({RoleKind.DIRECTOR, RoleKind.CURATOR})
PARTICIPANT_KINDS = frozenset({RoleKind.MENTOR, RoleKind.MENTEE, RoleKind.GUARDIAN})
ORGANIZATION_KINDS = STAFF_KINDS | PARTICIPANT_KINDS


class Role(TimeStampedModel):
    """A membership: a person holds a kind of role within a scope (none, a region, a municipality
    or an organisation, as the kind requires)."""

    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField("роль", max_length=30, choices=RoleKind.choices)
    region = models.ForeignKey(
        Region, verbose_name="регион", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципалитет",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
    )
    start_date = models.DateField("с", null=True, blank=True)
    end_date = models.DateField("по", null=True, blank=True)

    class Meta:
        verbose_name = "роль"
        verbose_name_plural = "роли"
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "organization"],
                name="role_unique_in_organization",
                condition=Q(organization__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["person", "kind", "municipality"],
                name="role_unique_in_municipality",
                condition=Q(municipality__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["person", "kind", "region"],
                name="role_unique_in_region",
                condition=Q(region__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.scope_name}"

    @property
    def scope_name(self) -> str:
        scope = self.organization or self.municipality or self.region
        return str(scope) if scope else "вся платформа"

    def get_additional_data(self):
        """Stored with every audit entry, so a person's history shows their roles too."""
        return {"person_id": self.person_id}


class GuardianKind(models.TextChoices):
    MOTHER = "mother", "мать"
    FATHER = "father", "отец"
    OTHER = "other", "иной законный представитель"


class GuardianLink(TimeStampedModel):
    guardian = models.ForeignKey(
        Person, verbose_name="законный представитель", on_delete=models.CASCADE, related_name="children_links"
    )
    child = models.ForeignKey(Person, verbose_name="ребёнок", on_delete=models.CASCADE, related_name="guardian_links")
    kind = models.CharField("кем приходится", max_length=10, choices=GuardianKind.choices)

    class Meta:
        verbose_name = "законный представитель"
        verbose_name_plural = "законные представители"
        constraints = [models.UniqueConstraint(fields=["guardian", "child"], name="guardian_link_unique")]

    def __str__(self):
        return f"{self.guardian} — {self.get_kind_display()} ({self.child})"

    def get_additional_data(self):
        return {"person_id": self.child_id, "guardian_id": self.guardian_id}


# --- import of participant lists (people.imports parses, people.import_services writes) ----------
class ImportMapping(TimeStampedModel):
    """The columns a user matched to fields for a file of this shape (the same headers in the same
    order), remembered per organisation so that next year's list is mapped once."""

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="import_mappings"
    )
    signature = models.CharField("подпись заголовков", max_length=40)
    headers = models.JSONField("заголовки", default=list)
    mapping = models.JSONField("сопоставление", default=dict, help_text="поле → номер столбца (с нуля)")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кто сохранил", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "сопоставление столбцов"
        verbose_name_plural = "сопоставления столбцов"
        constraints = [
            models.UniqueConstraint(fields=["organization", "signature"], name="import_mapping_unique"),
        ]

    def __str__(self):
        return f"{self.organization}: {', '.join(self.headers[:4])}"


class ImportStatus(models.TextChoices):
    NEW = "new", "ждёт подтверждения"
    PENDING = "pending", "в очереди"
    RUNNING = "running", "идёт импорт"
    DONE = "done", "завершён"
    FAILED = "failed", "не выполнен"


class ImportJob(TimeStampedModel):
    """One uploaded list: its preview summary, then the run's progress and report."""

    ERRORS_KEPT = 1000

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="import_jobs"
    )
    file = models.FileField("файл", upload_to="imports/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField("имя файла", max_length=255)
    file_kind = models.CharField("формат", max_length=10, blank=True)
    status = models.CharField("состояние", max_length=10, choices=ImportStatus.choices, default=ImportStatus.NEW)
    default_category = models.CharField("категория по умолчанию", max_length=20, choices=Category.choices)
    headers = models.JSONField("заголовки столбцов", default=list, blank=True)
    mapping = models.JSONField("сопоставление столбцов", default=dict, blank=True)
    skip_bad_rows = models.BooleanField("пропускать строки с ошибками", default=False)
    total_rows = models.PositiveIntegerField("строк с данными", default=0)
    error_rows = models.PositiveIntegerField("строк с ошибками", default=0)
    processed_rows = models.PositiveIntegerField("обработано строк", default=0)
    created_count = models.PositiveIntegerField("добавлено", default=0)
    updated_count = models.PositiveIntegerField("обновлено", default=0)
    unchanged_count = models.PositiveIntegerField("без изменений", default=0)
    skipped_count = models.PositiveIntegerField("пропущено", default=0)
    error_count = models.PositiveIntegerField("ошибок всего", default=0)
    forecast = models.JSONField("что сделает импорт", default=dict, blank=True, help_text="по проверке файла")
    errors = models.JSONField("ошибки", default=list, blank=True, help_text="не больше 1000 первых")
    details = models.JSONField("что сделано", default=list, blank=True, help_text="не больше 1000 первых строк")
    message = models.TextField("сообщение", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кто загрузил", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField("начат", null=True, blank=True)
    finished_at = models.DateTimeField("закончен", null=True, blank=True)

    class Meta:
        verbose_name = "импорт списка"
        verbose_name_plural = "импорты списков"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="import_job_org_created")]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.PENDING, ImportStatus.RUNNING)

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
