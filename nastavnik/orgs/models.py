"""Region → Municipality → Organization, partners and academic years."""

import datetime as dt

from django.db import models

from nastavnik.core.models import TimeStampedModel


class Region(TimeStampedModel):
    name = models.CharField("название", max_length=200, unique=True)
    code = models.CharField("код региона", max_length=8, unique=True, help_text="Например, 31")
    mentoring_centre = models.CharField(
        "региональный наставнический центр", max_length=300, blank=True, help_text="Куда направляются отчёты"
    )

    class Meta:
        verbose_name = "регион"
        verbose_name_plural = "регионы"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Municipality(TimeStampedModel):
    region = models.ForeignKey(Region, verbose_name="регион", on_delete=models.PROTECT, related_name="municipalities")
    name = models.CharField("название", max_length=200)

    class Meta:
        verbose_name = "муниципалитет"
        verbose_name_plural = "муниципалитеты"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name")]

    def __str__(self):
        return self.name


class OrganizationKind(models.TextChoices):
    SCHOOL = "school", "Общеобразовательная школа"
    GYMNASIUM = "gymnasium", "Гимназия / лицей"
    COLLEGE = "college", "Колледж / техникум (СПО)"
    ADDITIONAL = "additional", "Организация дополнительного образования"
    KINDERGARTEN = "kindergarten", "Детский сад"
    OTHER = "other", "Другая"


class Organization(TimeStampedModel):
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.PROTECT, related_name="organizations"
    )
    name = models.CharField("полное наименование", max_length=400)
    short_name = models.CharField("краткое наименование", max_length=200)
    kind = models.CharField("тип", max_length=20, choices=OrganizationKind.choices)
    address = models.CharField("адрес", max_length=400, blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    website = models.URLField("сайт", blank=True)
    search_key = models.CharField(max_length=700, editable=False, db_index=True)

    class Meta:
        verbose_name = "образовательная организация"
        verbose_name_plural = "образовательные организации"
        ordering = ["short_name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "short_name"], name="organization_unique_name")]

    def __str__(self):
        return self.short_name

    @property
    def region_id(self):
        return self.municipality.region_id


def scope_of(organization=None, municipality=None, region=None):
    """(organization, municipality, region) of whatever is owned at that level, filled upwards."""
    from django.core.exceptions import ValidationError

    if organization is not None:
        return organization, organization.municipality, organization.municipality.region
    if municipality is not None:
        return None, municipality, municipality.region
    if region is None:
        raise ValidationError("Укажите организацию, муниципалитет или регион.")
    return None, None, region


class PartnerKind(models.TextChoices):
    EMPLOYER = "employer", "Предприятие / работодатель"
    UNIVERSITY = "university", "Вуз"
    NGO = "ngo", "Некоммерческая организация"
    OTHER = "other", "Другой"


class Partner(TimeStampedModel):
    region = models.ForeignKey(Region, verbose_name="регион", on_delete=models.PROTECT, related_name="partners")
    name = models.CharField("наименование", max_length=400)
    kind = models.CharField("тип", max_length=20, choices=PartnerKind.choices)
    inn = models.CharField("ИНН", max_length=12, blank=True)
    contact_person = models.CharField("контактное лицо", max_length=200, blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    organizations = models.ManyToManyField(
        Organization, verbose_name="работает с организациями", related_name="partners", blank=True
    )
    search_key = models.CharField(max_length=500, editable=False, db_index=True)

    class Meta:
        verbose_name = "партнёр"
        verbose_name_plural = "партнёры"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="partner_unique_name")]

    def __str__(self):
        return self.name


class AcademicYear(TimeStampedModel):
    """A school year runs from 1 September to 31 August; `start_year` 2026 is «2026/2027»."""

    start_year = models.PositiveSmallIntegerField("год начала", unique=True)

    class Meta:
        verbose_name = "учебный год"
        verbose_name_plural = "учебные годы"
        ordering = ["-start_year"]

    def __str__(self):
        return f"{self.start_year}/{self.start_year + 1} учебный год"

    @property
    def start_date(self) -> dt.date:
        return dt.date(self.start_year, 9, 1)

    @property
    def end_date(self) -> dt.date:
        return dt.date(self.start_year + 1, 8, 31)

    @staticmethod
    def start_year_for(day: dt.date) -> int:
        return day.year if day.month >= 9 else day.year - 1

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class PartnerAgreement(TimeStampedModel):
    """An agreement of an organisation with a partner (used by the «работодатель–…» forms)."""

    partner = models.ForeignKey(Partner, verbose_name="партнёр", on_delete=models.CASCADE, related_name="agreements")
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="agreements"
    )
    number = models.CharField("номер", max_length=50, blank=True)
    subject = models.CharField("предмет соглашения", max_length=500)
    start_date = models.DateField("действует с")
    end_date = models.DateField("действует по", null=True, blank=True)
    contact = models.CharField("контактное лицо партнёра", max_length=200, blank=True)

    class Meta:
        verbose_name = "соглашение с партнёром"
        verbose_name_plural = "соглашения с партнёрами"
        ordering = ["-start_date", "id"]

    def __str__(self):
        number = f" № {self.number}" if self.number else ""
        return f"Соглашение{number} от {self.start_date:%d.%m.%Y}"

    def is_active_on(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)
