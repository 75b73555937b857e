"""Completion and dissemination (seed 000, stage 7, items 7.1–7.8; seed 001, «завершение программы»;
seed 004, the regional stages): events with registration and attendance, awards, the case library
with moderation, publication consents of minors, public pages and news.

Ownership follows `programs.models.ScopedModel`: an organisation's event (or case, news) has the
organisation, its municipality and region; a region-level event has `organization=None`. Every
write goes through events/services.py; public pages read only what `PublicPage` allows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from nastavnik.core.models import TimeStampedModel
from nastavnik.orgs.models import Organization
from nastavnik.people.models import Person
from nastavnik.programs.models import MentoringForm, ScopedModel


# --- events -------------------------------------------------------------------------------------------
class EventKind(models.TextChoices):
    INFO = "info", "Информационная встреча"
    GROUP = "group", "Групповая встреча для формирования пар"
    TRAINING = "training", "Обучение"
    FINAL = "final", "Итоговое мероприятие (торжественное завершение)"
    FORUM = "forum", "Региональный форум"


# Roles an event can be aimed at (the audience «by role»).
AUDIENCE_ROLES = (
    ("mentor", "Наставники"),
    ("mentee", "Наставляемые"),
    ("guardian", "Родители (законные представители)"),
    ("curator", "Кураторы"),
    ("director", "Руководители"),
    ("working_group", "Рабочие группы"),
)
AUDIENCE_ROLE_NAMES = dict(AUDIENCE_ROLES)


class Event(ScopedModel):
    kind = models.CharField("вид мероприятия", max_length=20, choices=EventKind.choices)
    title = models.CharField("название", max_length=300)
    description = models.TextField("описание, программа", blank=True)
    starts_at = models.DateTimeField("начало", db_index=True)
    ends_at = models.DateTimeField("окончание", null=True, blank=True)
    place = models.CharField("место", max_length=300, blank=True)
    # ",mentor,mentee," — the roles invited; empty: everyone of the organisation (or region).
    audience_roles = models.CharField("для кого (роли)", max_length=200, blank=True)
    audience_forms = models.ManyToManyField(
        MentoringForm, verbose_name="формы наставничества", blank=True, related_name="+"
    )
    audience_organizations = models.ManyToManyField(
        Organization, verbose_name="организации-участники", blank=True, related_name="+"
    )
    registration_open = models.BooleanField("открыта запись", default=True)
    capacity = models.PositiveIntegerField("мест", null=True, blank=True)
    is_public = models.BooleanField("показывать на открытой странице", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["region", "starts_at"], name="event_region_start")]

    def __str__(self):
        return self.title

    @property
    def role_codes(self) -> list[str]:
        return [code for code in self.audience_roles.split(",") if code]

    @property
    def role_names(self) -> list[str]:
        return [AUDIENCE_ROLE_NAMES.get(code, code) for code in self.role_codes]

    @property
    def local_start(self):
        return timezone.localtime(self.starts_at)

    @property
    def local_end(self):
        return timezone.localtime(self.ends_at) if self.ends_at else None

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class EventRegistration(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="+")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attended = models.BooleanField("присутствовал", null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "запись на мероприятие"
        verbose_name_plural = "записи на мероприятия"
        ordering = ["person__last_name", "person__first_name", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="event_registration_unique")]

    def __str__(self):
        return f"{self.person} — {self.event}"

    def get_additional_data(self):
        return {"person_id": self.person_id}


class MaterialKind(models.TextChoices):
    MATERIAL = "material", "Материал"
    PHOTO = "photo", "Фотография"


class EventMaterial(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField("вид", max_length=20, choices=MaterialKind.choices, default=MaterialKind.MATERIAL)
    title = models.CharField("название", max_length=300)
    file = models.FileField("файл", upload_to="events/%Y/", blank=True)
    url = models.URLField("ссылка", blank=True)
    is_public = models.BooleanField(
        "можно публиковать", default=False, help_text="Для фотографий с детьми — только при согласии на публикацию"
    )

    class Meta:
        verbose_name = "материал мероприятия"
        verbose_name_plural = "материалы и фотографии мероприятий"
        ordering = ["kind", "id"]

    def __str__(self):
        return self.title


# --- awards (seed 000, 7.2; seed 001, «награждение лучших наставнических пар») ----------------------------
class Nomination(models.TextChoices):
    BEST_MENTOR = "best_mentor", "Лучший наставник"
    BEST_PAIR = "best_pair", "Лучшая наставническая пара"


class AwardStatus(models.TextChoices):
    NOMINATED = "nominated", "Выдвинут"
    AWARDED = "awarded", "Награждён"
    NOT_AWARDED = "not_awarded", "Не награждён"


class Award(ScopedModel):
    nomination = models.CharField("номинация", max_length=20, choices=Nomination.choices)
    form = models.ForeignKey(
        MentoringForm, verbose_name="форма наставничества", on_delete=models.PROTECT, null=True, blank=True
    )
    mentor = models.ForeignKey(Person, verbose_name="наставник", on_delete=models.PROTECT, related_name="+")
    mentorship = models.ForeignKey(
        "mentorships.Mentorship", verbose_name="наставническая пара", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    event = models.ForeignKey(
        Event, verbose_name="мероприятие награждения", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="awards",
    )  # fmt: skip
    justification = models.TextField("обоснование")
    status = models.CharField("решение", max_length=20, choices=AwardStatus.choices, default=AwardStatus.NOMINATED)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    decision_comment = models.CharField("комментарий к решению", max_length=500, blank=True)

    class Meta:
        verbose_name = "награда"
        verbose_name_plural = "награды и номинации"
        ordering = ["-academic_year__start_year", "nomination", "mentor__last_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "organization", "nomination", "mentor", "form"], name="award_unique_nominee"
            ),
        ]

    def __str__(self):
        return f"{self.get_nomination_display()}: {self.mentor}"

    @property
    def title(self) -> str:
        suffix = f" («{self.form.name}»)" if self.form_id else ""
        return f"{self.get_nomination_display()}{suffix}"

    def get_additional_data(self):
        return {"person_id": self.mentor_id}


# --- the case library (seed 000, 7.5–7.6; seed 004, stage 7) ----------------------------------------------
class CaseStatus(models.TextChoices):
    DRAFT = "draft", "Черновик"
    CURATOR_REVIEW = "curator_review", "На проверке у куратора"
    REGION_REVIEW = "region_review", "На проверке в регионе"
    PUBLISHED = "published", "Опубликован"


class PracticeCase(ScopedModel):
    title = models.CharField("название кейса", max_length=300)
    form = models.ForeignKey(MentoringForm, verbose_name="форма наставничества", on_delete=models.PROTECT)
    topic = models.CharField("тема", max_length=200, help_text="Например: адаптация первокурсников")
    problem = models.TextField("проблема (запрос)")
    actions = models.TextField("что было сделано")
    results = models.TextField("результаты (с цифрами)")
    mentorship = models.ForeignKey(
        "mentorships.Mentorship", verbose_name="наставническая пара", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    author_name = models.CharField("автор", max_length=300)
    status = models.CharField("статус", max_length=20, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    moderation_comment = models.TextField("замечания модератора", blank=True)
    published_at = models.DateTimeField("опубликован", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_key = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = "кейс наставнической практики"
        verbose_name_plural = "библиотека кейсов"
        ordering = ["-published_at", "-created_at", "-id"]

    def __str__(self):
        return self.title


class CaseMaterial(TimeStampedModel):
    case = models.ForeignKey(PracticeCase, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField("название", max_length=300)
    file = models.FileField("файл", upload_to="cases/%Y/", blank=True)
    url = models.URLField("ссылка", blank=True)

    class Meta:
        verbose_name = "материал кейса"
        verbose_name_plural = "материалы кейсов"
        ordering = ["id"]

    def __str__(self):
        return self.title


class PublicationConsent(TimeStampedModel):
    """Consent to publish a person's name (and photos) in cases and news: for a minor, signed by the
    legal representative. Distinct from the consent to processing (consents app): that one lets the
    organisation work with the data, this one lets it show the name to the public."""

    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    signer_name = models.CharField("кто дал согласие", max_length=300)
    given_on = models.DateField("дата согласия")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField("отозвано", null=True, blank=True)

    class Meta:
        verbose_name = "согласие на публикацию"
        verbose_name_plural = "согласия на публикацию"
        ordering = ["-given_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(revoked_at__isnull=True), name="publication_consent_one_valid"
            )
        ]

    def __str__(self):
        return f"Согласие на публикацию: {self.person}"

    def get_additional_data(self):
        return {"person_id": self.person_id}


# --- open information ----------------------------------------------------------------------------------------
class PublicPage(TimeStampedModel):
    """What an organisation chose to publish on its open page (no login)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="public_page")
    enabled = models.BooleanField("открытая страница включена", default=False)
    intro = models.TextField("о наставничестве в организации", blank=True)
    show_program = models.BooleanField("программа наставничества", default=True)
    show_curator = models.BooleanField("контакты куратора", default=True)
    show_forms = models.BooleanField("формы наставничества", default=True)
    show_events = models.BooleanField("мероприятия", default=True)
    show_cases = models.BooleanField("кейсы", default=True)
    show_news = models.BooleanField("новости", default=True)

    class Meta:
        verbose_name = "открытая страница"
        verbose_name_plural = "открытые страницы"

    def __str__(self):
        return f"Открытая страница: {self.organization}"


# --- news (seed 000, 7.6; seed 002, «специальные рубрики» on the website and in VK) -------------------------
DEFAULT_RUBRIC = "Наставничество"


class Publication(ScopedModel):
    title = models.CharField("заголовок", max_length=300)
    rubric = models.CharField(
        "рубрика", max_length=100, default=DEFAULT_RUBRIC,
        help_text="Рубрика на сайте и в группе ВКонтакте (документ 002: не менее двух специальных рубрик)",
    )  # fmt: skip
    text = models.TextField("текст")
    event = models.ForeignKey(
        Event, verbose_name="о мероприятии", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        PracticeCase, verbose_name="о кейсе", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_published = models.BooleanField("опубликована", default=False)
    published_at = models.DateTimeField("дата публикации", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "публикация"
        verbose_name_plural = "публикации"
        ordering = ["-published_at", "-created_at", "-id"]

    def __str__(self):
        return self.title


class PublicationImage(TimeStampedModel):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="images")
    file = models.FileField("изображение", upload_to="news/%Y/")
    caption = models.CharField("подпись", max_length=300, blank=True)

    class Meta:
        verbose_name = "изображение публикации"
        verbose_name_plural = "изображения публикаций"
        ordering = ["id"]

    def __str__(self):
        return self.caption or self.file.name
