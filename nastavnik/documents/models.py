"""Official documents: the register of issued documents with their versions and signed scans, the
organisation's document settings (font, place, numbering, signatory), its own .docx templates and
the background batches (certificates for many persons in one ZIP).

A register entry (`IssuedDocument`) is one document with its number and date; regenerating it adds a
version (`DocumentVersion`) with the file and the snapshot of the data it was made from."""

from django.conf import settings
from django.db import models

from nastavnik.core.models import TimeStampedModel
from nastavnik.orgs.models import AcademicYear, Organization

DEFAULT_FONT = "Times New Roman"
DEFAULT_FONT_SIZE = 14
DEFAULT_ORDER_PATTERN = "{n}-н"
DEFAULT_NUMBER_PATTERN = "{n}"


class DocumentSettings(TimeStampedModel):
    """Per-organisation settings of generated documents (edited by the director and the curator)."""

    organization = models.OneToOneField(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="document_settings"
    )
    font_name = models.CharField("шрифт", max_length=60, default=DEFAULT_FONT)
    font_size = models.PositiveSmallIntegerField("размер шрифта, пт", default=DEFAULT_FONT_SIZE)
    text_name = models.CharField(
        "наименование в тексте",
        max_length=200,
        blank=True,
        help_text="Как организация названа в тексте документов, например: МБОУ «Ершовская СОШ». "
        "Пусто — сокращение из полного наименования",
    )
    place = models.CharField(
        "место составления", max_length=100, blank=True, help_text="Например: г. Валуйки, с. Ершово"
    )
    order_number_pattern = models.CharField(
        "номер приказа",
        max_length=40,
        default=DEFAULT_ORDER_PATTERN,
        help_text="{n} — порядковый номер в учебном году, {year} — год: «{n}-н» даёт «15-н»",
    )
    number_pattern = models.CharField(
        "номер других документов",
        max_length=40,
        default=DEFAULT_NUMBER_PATTERN,
        help_text="Для сертификатов, писем, положений и программ: «{n}» даёт «7»",
    )
    signatory_position = models.CharField(
        "должность подписывающего", max_length=200, blank=True, help_text="Пусто — должность руководителя"
    )
    signatory_name = models.CharField(
        "ФИО подписывающего", max_length=200, blank=True, help_text="Фамилия Имя Отчество; пусто — руководитель"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "настройки документов"
        verbose_name_plural = "настройки документов"

    def __str__(self):
        return f"Настройки документов: {self.organization}"


class IssuedDocument(TimeStampedModel):
    """One entry of the register: a document with its number, date, author and versions."""

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, related_name="issued_documents"
    )
    academic_year = models.ForeignKey(AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT)
    generator_id = models.CharField("вид документа", max_length=60, db_index=True)
    series = models.CharField("серия нумерации", max_length=60)
    sequence = models.PositiveIntegerField("порядковый номер")
    number = models.CharField("номер", max_length=60)
    date = models.DateField("дата документа")
    title = models.CharField("название", max_length=500)
    subject = models.CharField("о ком / о чём", max_length=300, blank=True)
    options = models.JSONField("параметры", default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="сформировал", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_version = models.PositiveSmallIntegerField("текущая версия", default=1)
    scan = models.FileField("подписанный скан", upload_to="documents/scans/%Y/", blank=True)
    scan_name = models.CharField("имя файла скана", max_length=255, blank=True)
    scan_uploaded_at = models.DateTimeField("скан загружен", null=True, blank=True)
    scan_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    request_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    search_key = models.CharField(max_length=800, editable=False, db_index=True)

    class Meta:
        verbose_name = "документ реестра"
        verbose_name_plural = "реестр документов"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "academic_year", "series", "number"], name="issued_document_number_unique"
            )
        ]
        indexes = [models.Index(fields=["organization", "academic_year", "-date"], name="issued_org_year_date")]

    def __str__(self):
        return f"{self.title} № {self.number}"


class DocumentVersion(TimeStampedModel):
    document = models.ForeignKey(IssuedDocument, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField("версия")
    file = models.FileField("файл", upload_to="documents/%Y/%m/")
    filename = models.CharField("имя файла", max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField("размер, байт", default=0)
    context = models.JSONField("данные документа", default=dict)
    template_name = models.CharField("шаблон", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "версия документа"
        verbose_name_plural = "версии документов"
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="document_version_unique")]

    def __str__(self):
        return f"{self.document}, версия {self.version}"


class CustomTemplate(TimeStampedModel):
    """An organisation's own .docx (docxtpl) template for one kind of document; the newest active one
    is used, the built-in layout stays the fallback."""

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="document_templates"
    )
    generator_id = models.CharField("вид документа", max_length=60)
    name = models.CharField("название", max_length=200)
    file = models.FileField("файл шаблона", upload_to="documents/templates/")
    is_active = models.BooleanField("используется", default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "шаблон документа"
        verbose_name_plural = "шаблоны документов"
        ordering = ["generator_id", "-created_at", "-id"]

    def __str__(self):
        return self.name


class BatchStatus(models.TextChoices):
    PENDING = "pending", "В очереди"
    RUNNING = "running", "Выполняется"
    DONE = "done", "Готово"
    FAILED = "failed", "Ошибка"


class BatchJob(TimeStampedModel):
    """Many documents of one kind (certificates for every mentor…) made in the background into one ZIP."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="document_batches")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT)
    generator_id = models.CharField("вид документа", max_length=60)
    options = models.JSONField("общие параметры", default=dict, blank=True)
    person_ids = models.JSONField("участники", default=list)
    status = models.CharField(max_length=20, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    archive = models.FileField("архив", upload_to="documents/batches/%Y/", blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "пакет документов"
        verbose_name_plural = "пакеты документов"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Пакет {self.generator_id}: {self.total}"

    @property
    def is_active(self) -> bool:
        return self.status in (BatchStatus.PENDING, BatchStatus.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == BatchStatus.DONE:
            return 100
        return min(99, self.processed * 100 // (self.total or 1))
