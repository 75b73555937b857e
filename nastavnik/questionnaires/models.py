"""Questionnaires (seed 000 items 2.1, 3.3, 5.2, 6.8): a builder of sections and questions, standard
templates copied into an organisation, campaigns that send personal one-time links, and responses.

A questionnaire is owned by an organisation (or by a municipality or region for their own templates);
the scope columns are copied by the services so that access filters are single columns, as in
programs. A campaign sends one questionnaire to a group of people: one invitation (a link with a
secret token) per respondent. Answers are JSON keyed by the question id; a person's consent revoked
anonymises the response (the statistics stay, the link to the person goes)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from nastavnik.core.models import TimeStampedModel
from nastavnik.orgs.models import Municipality, Organization, Region
from nastavnik.people.models import Person


class QuestionnaireKind(models.TextChoices):
    REQUEST_MENTEE = "request_mentee", "Анкета наставляемого (запрос)"
    MENTOR = "mentor", "Анкета наставника"
    PREFERENCE = "preference", "Анкета предпочтений (после групповой встречи)"
    SATISFACTION_MENTEE = "satisfaction_mentee", "Удовлетворённость наставляемого"
    SATISFACTION_MENTOR = "satisfaction_mentor", "Удовлетворённость наставника"
    DIAGNOSTICS = "diagnostics", "Диагностика (до и после программы)"
    OTHER = "other", "Другая анкета"


class Questionnaire(TimeStampedModel):
    region = models.ForeignKey(Region, verbose_name="регион", on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField("вид анкеты", max_length=30, choices=QuestionnaireKind.choices)
    title = models.CharField("название", max_length=300)
    intro = models.TextField("вступление", blank=True, help_text="Что увидит отвечающий над вопросами")
    is_template = models.BooleanField(
        "шаблон", default=False, help_text="Шаблон не рассылают: из него делают копии для рассылки"
    )
    template_code = models.CharField("стандартный шаблон", max_length=40, blank=True, db_index=True)
    source = models.ForeignKey(
        "self", verbose_name="копия анкеты", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "анкета"
        verbose_name_plural = "анкеты"
        ordering = ["-is_template", "title", "id"]
        indexes = [models.Index(fields=["organization", "kind"], name="questionnaire_org_kind")]

    def __str__(self):
        return self.title

    @property
    def owner(self):
        return self.organization or self.municipality or self.region


class Section(TimeStampedModel):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField("название раздела", max_length=300)
    description = models.TextField("пояснение", blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "раздел анкеты"
        verbose_name_plural = "разделы анкеты"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.title


class QuestionType(models.TextChoices):
    SINGLE = "single", "Один вариант"
    MULTIPLE = "multiple", "Несколько вариантов"
    SCALE = "scale", "Шкала от 1 до 10"
    TEXT = "text", "Текст"
    NUMBER = "number", "Число"
    DATE = "date", "Дата"
    PEOPLE = "people", "Выбор людей"


CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE})
LIST_TYPES = frozenset({QuestionType.MULTIPLE, QuestionType.PEOPLE})


class PeopleSource(models.TextChoices):
    MENTORS = "mentor", "Наставники организации"
    MENTEES = "mentee", "Наставляемые организации"


class Question(TimeStampedModel):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, verbose_name="раздел", on_delete=models.CASCADE, related_name="questions")
    sort_order = models.PositiveIntegerField(default=0)
    code = models.SlugField(
        "код", max_length=60, blank=True, help_text="Постоянный код вопроса стандартного шаблона (для мониторинга)"
    )
    qtype = models.CharField("тип вопроса", max_length=20, choices=QuestionType.choices)
    text = models.CharField("вопрос", max_length=500)
    help_text = models.CharField("подсказка", max_length=500, blank=True)
    required = models.BooleanField("обязательный", default=True)
    options = models.JSONField("варианты ответа", default=list, blank=True)
    max_choices = models.PositiveSmallIntegerField("не больше вариантов", null=True, blank=True)
    scale_min_label = models.CharField("подпись к 1", max_length=100, blank=True)
    scale_max_label = models.CharField("подпись к 10", max_length=100, blank=True)
    min_value = models.FloatField("наименьшее число", null=True, blank=True)
    max_value = models.FloatField("наибольшее число", null=True, blank=True)
    people_source = models.CharField("из кого выбирать", max_length=20, choices=PeopleSource.choices, blank=True)
    depends_on = models.ForeignKey(
        "self",
        verbose_name="показывать, если в вопросе",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependents",
    )
    condition_value = models.CharField("выбран ответ", max_length=300, blank=True)

    class Meta:
        verbose_name = "вопрос"
        verbose_name_plural = "вопросы"
        ordering = ["section__sort_order", "section_id", "sort_order", "id"]

    def __str__(self):
        return self.text

    @property
    def is_conditional(self) -> bool:
        return self.depends_on_id is not None


class CampaignMode(models.TextChoices):
    SINGLE_USE = "single_use", "Ответить можно один раз"
    EDITABLE = "editable_until_deadline", "Ответ можно изменить до окончания срока"


class AudienceKind(models.TextChoices):
    CLASS = "class", "Класс или группа"
    ROLE = "role", "Все участники с ролью"
    LIST = "list", "Список участников"
    POOL = "pool", "Участники базы наставников или наставляемых"


class Campaign(TimeStampedModel):
    """One sending of a questionnaire to a group: its invitations are the personal links."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="campaigns")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("название рассылки", max_length=300)
    audience_kind = models.CharField("кому", max_length=10, choices=AudienceKind.choices)
    audience = models.CharField("адресаты", max_length=300)
    guardians_answer = models.BooleanField("за несовершеннолетних отвечают законные представители", default=False)
    deadline = models.DateTimeField("ответить до")
    mode = models.CharField("режим ссылок", max_length=30, choices=CampaignMode.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "рассылка анкеты"
        verbose_name_plural = "рассылки анкет"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="campaign_org_created")]

    def __str__(self):
        return self.title

    @property
    def is_editable_mode(self) -> bool:
        return self.mode == CampaignMode.EDITABLE


class Invitation(TimeStampedModel):
    """A personal one-time link. `person` answers (a guardian for a minor when the campaign says so);
    `subject` is whom the answers are about. Both become NULL when the person's consent is revoked."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        Person, verbose_name="отвечает", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(
        Person, verbose_name="о ком анкета", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField("ссылка действует до")
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    reminded_at = models.DateTimeField("напоминание", null=True, blank=True)
    remind_count = models.PositiveSmallIntegerField("напоминаний", default=0)
    answered_at = models.DateTimeField("ответ получен", null=True, blank=True)
    anonymised = models.BooleanField("обезличено", default=False)

    class Meta:
        verbose_name = "персональная ссылка"
        verbose_name_plural = "персональные ссылки"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person", "subject"],
                name="invitation_unique_person",
                condition=Q(person__isnull=False, subject__isnull=False),
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "answered_at"], name="invitation_progress"),
        ]

    def __str__(self):
        return f"Ссылка на анкету: {self.person or 'обезличено'}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class Response(TimeStampedModel):
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    answers = models.JSONField("ответы", default=dict)
    submitted_at = models.DateTimeField("отправлен")
    anonymised = models.BooleanField("обезличен", default=False)

    class Meta:
        verbose_name = "ответ на анкету"
        verbose_name_plural = "ответы на анкеты"
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["campaign", "submitted_at"], name="response_campaign")]

    def __str__(self):
        return f"Ответ от {self.submitted_at:%d.%m.%Y}"
