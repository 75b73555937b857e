"""Writes of questionnaires: the builder, copies of the standard templates, campaigns of personal
one-time links, reminders, answers through a link, anonymisation and the audited export.

Rules owned here:
- the director and the curator of an organisation build and send its questionnaires (coordinators
  build their municipality's or region's templates); the working group reads only;
- a questionnaire that has been sent keeps its questions: wording may be corrected, but questions
  are not added or deleted and their type, options and conditions stay — otherwise answers of
  different people would not be comparable (make a copy instead);
- a condition shows a question when an earlier single or multiple choice has the expected option;
- a link is a random token (`secrets.token_urlsafe(32)`, 256 bits) valid until the deadline; a
  single-use link takes one answer, an editable one takes changes until the deadline;
- a person's revoked consent anonymises their answers: statistics stay, the link to them goes.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from nastavnik.core.text import date_ru, normalize_class_name, normalize_spaces
from nastavnik.orgs.models import Municipality, Organization, Region, scope_of
from nastavnik.people.access import access_for, require
from nastavnik.people.models import Category, GuardianKind, GuardianLink, Person, RoleKind

from . import answers as answer_rules
from .models import (
    CHOICE_TYPES,
    AudienceKind,
    Campaign,
    CampaignMode,
    Invitation,
    PeopleSource,
    Question,
    Questionnaire,
    QuestionnaireKind,
    QuestionType,
    Response,
    Section,
)
from .templates_data import TEMPLATES_BY_CODE, Template

NO_RIGHTS = (
    "Анкеты и рассылки ведут руководитель и куратор организации (шаблоны муниципалитета или региона — координаторы)."
)
LOCKED = (
    "Анкета уже разослана: добавлять и удалять вопросы, менять их тип, варианты ответа и условия показа нельзя — "
    "иначе ответы разных людей станут несопоставимы. Исправить формулировки можно; для других изменений "
    "сделайте копию анкеты."
)
LINK_UNKNOWN = "Ссылка не найдена. Проверьте, что она скопирована полностью, или попросите куратора прислать её снова."
LINK_EXPIRED = "Срок ответа по этой ссылке истёк {date}. Если вы ещё хотите ответить, обратитесь к куратору программы."
LINK_USED = "Вы уже ответили на эту анкету. Спасибо!"
LINK_ANONYMISED = "Ответ обезличен по отзыву согласия на обработку персональных данных и больше не изменяется."
LINK_WITHDRAWN = "Ссылка больше не действует. Если вы хотите ответить, обратитесь к куратору программы."
MAX_OPTIONS = 50
MAX_DEADLINE_DAYS = 366
INVITATION_BATCH = 1000

ROLE_AUDIENCE = {
    RoleKind.MENTOR: "Все наставники",
    RoleKind.MENTEE: "Все наставляемые",
    RoleKind.GUARDIAN: "Все законные представители",
    RoleKind.CURATOR: "Кураторы",
    RoleKind.WORKING_GROUP: "Члены рабочей группы",
    RoleKind.DIRECTOR: "Руководитель",
}


# --- common checks ------------------------------------------------------------------------------
def _require_manage(actor, obj) -> None:
    require(
        access_for(actor).can_manage_owner_of(obj),
        NO_RIGHTS,
    )


def can_manage(actor, obj) -> bool:
    return access_for(actor).can_manage_owner_of(obj)


def questionnaire_is_locked(questionnaire: Questionnaire) -> bool:
    return Campaign.objects.filter(questionnaire=questionnaire).exists()


def _require_unlocked(questionnaire: Questionnaire) -> None:
    if questionnaire_is_locked(questionnaire):
        raise ValidationError(LOCKED)


def _title(value: str, *, field_name: str = "title", message: str = "Укажите название.") -> str:
    value = normalize_spaces(answer_rules.sanitize(value or ""))
    if not value:
        raise ValidationError({field_name: message})
    return value


# --- questionnaires -------------------------------------------------------------------------------
@transaction.atomic
def questionnaire_create(
    *,
    actor,
    title: str,
    kind: str = QuestionnaireKind.OTHER,
    intro: str = "",
    is_template: bool = False,
    organization: Organization | None = None,
    municipality: Municipality | None = None,
    region: Region | None = None,
) -> Questionnaire:
    """An empty questionnaire with its first section, ready for the builder."""
    organization, municipality, region = scope_of(organization, municipality, region)
    questionnaire = Questionnaire(organization=organization, municipality=municipality, region=region)
    _require_manage(actor, questionnaire)
    if kind not in QuestionnaireKind.values:
        raise ValidationError({"kind": "Выберите вид анкеты."})
    questionnaire.title = _title(title)
    questionnaire.kind = kind
    questionnaire.intro = answer_rules.sanitize(intro or "").strip()
    questionnaire.is_template = bool(is_template) or organization is None
    questionnaire.created_by = actor
    questionnaire.save()
    Section.objects.create(questionnaire=questionnaire, title="Вопросы", sort_order=1)
    return questionnaire


@transaction.atomic
def questionnaire_create_from_template(
    *,
    actor,
    template_code: str,
    organization: Organization | None = None,
    municipality: Municipality | None = None,
    region: Region | None = None,
    title: str = "",
) -> Questionnaire:
    """Copy a standard questionnaire (templates_data) into the organisation as its own, editable one."""
    organization, municipality, region = scope_of(organization, municipality, region)
    questionnaire = Questionnaire(organization=organization, municipality=municipality, region=region)
    _require_manage(actor, questionnaire)
    template = TEMPLATES_BY_CODE.get(template_code)
    if template is None:
        raise ValidationError("Такого стандартного шаблона нет.")
    questionnaire.kind = template.kind
    questionnaire.title = normalize_spaces(title) or template.title
    questionnaire.intro = template.intro
    questionnaire.template_code = template.code
    questionnaire.is_template = organization is None
    questionnaire.created_by = actor
    questionnaire.save()
    _fill_from_template(questionnaire, template)
    return questionnaire


def _fill_from_template(questionnaire: Questionnaire, template: Template) -> None:
    by_code: dict[str, Question] = {}
    order = 0
    for section_number, spec in enumerate(template.sections, start=1):
        section = Section.objects.create(
            questionnaire=questionnaire, title=spec.title, description=spec.description, sort_order=section_number
        )
        for q in spec.questions:
            order += 1
            question = Question.objects.create(
                questionnaire=questionnaire,
                section=section,
                sort_order=order,
                code=q.code,
                qtype=q.qtype,
                text=q.text,
                help_text=q.help_text,
                required=q.required,
                options=list(q.options),
                max_choices=q.max_choices,
                scale_min_label=q.scale_min_label,
                scale_max_label=q.scale_max_label,
                min_value=q.min_value,
                max_value=q.max_value,
                people_source=q.people_source,
                depends_on=by_code[q.depends_on] if q.depends_on else None,
                condition_value=q.condition_value,
            )
            by_code[q.code] = question


@transaction.atomic
def questionnaire_copy(
    *,
    actor,
    source: Questionnaire,
    organization: Organization | None = None,
    municipality: Municipality | None = None,
    region: Region | None = None,
    title: str = "",
) -> Questionnaire:
    """A copy of any questionnaire the user sees (its own, or a template of the municipality or region)
    into the given owner (the source's owner by default). The copy is editable: it has no campaigns."""
    if organization is None and municipality is None and region is None:
        organization, municipality, region = source.organization, source.municipality, source.region
    organization, municipality, region = scope_of(organization, municipality, region)
    copy = Questionnaire(
        organization=organization,
        municipality=municipality,
        region=region,
        kind=source.kind,
        title=normalize_spaces(title) or (source.title if source.is_template else f"{source.title} (копия)")[:300],
        intro=source.intro,
        template_code=source.template_code,
        is_template=organization is None,
        source=source,
        created_by=actor,
    )
    _require_manage(actor, copy)
    copy.save()
    new_ids: dict[int, Question] = {}
    dependents: list[tuple[Question, int]] = []
    for section in source.sections.prefetch_related("questions").order_by("sort_order", "id"):
        section_copy = Section.objects.create(
            questionnaire=copy, title=section.title, description=section.description, sort_order=section.sort_order
        )
        for question in section.questions.order_by("sort_order", "id"):
            old_id, depends_on_id = question.pk, question.depends_on_id
            question.pk = question.id = None
            question.questionnaire = copy
            question.section = section_copy
            question.depends_on = None
            question.save()
            new_ids[old_id] = question
            if depends_on_id:
                dependents.append((question, depends_on_id))
    for question, depends_on_id in dependents:
        parent = new_ids.get(depends_on_id)
        question.depends_on = parent
        question.condition_value = question.condition_value if parent else ""
        question.save(update_fields=["depends_on", "condition_value"])
    return copy


@transaction.atomic
def questionnaire_update(
    *, actor, questionnaire: Questionnaire, title: str, kind: str, intro: str = "", is_template: bool = False
) -> Questionnaire:
    _require_manage(actor, questionnaire)
    if kind not in QuestionnaireKind.values:
        raise ValidationError({"kind": "Выберите вид анкеты."})
    if is_template and not questionnaire.is_template and questionnaire_is_locked(questionnaire):
        raise ValidationError({"is_template": "Анкету уже рассылали: шаблоном она стать не может — сделайте копию."})
    questionnaire.title = _title(title)
    questionnaire.kind = kind
    questionnaire.intro = answer_rules.sanitize(intro or "").strip()
    questionnaire.is_template = bool(is_template) or questionnaire.organization_id is None
    questionnaire.save()
    return questionnaire


@transaction.atomic
def questionnaire_delete(*, actor, questionnaire: Questionnaire) -> None:
    _require_manage(actor, questionnaire)
    if questionnaire_is_locked(questionnaire):
        raise ValidationError("Анкету уже рассылали: ответы хранятся вместе с ней, поэтому удалить её нельзя.")
    questionnaire.delete()


# --- sections -----------------------------------------------------------------------------------
@transaction.atomic
def section_add(*, actor, questionnaire: Questionnaire, title: str, description: str = "") -> Section:
    _require_manage(actor, questionnaire)
    _require_unlocked(questionnaire)
    last = questionnaire.sections.aggregate(n=Max("sort_order"))["n"] or 0
    return Section.objects.create(
        questionnaire=questionnaire,
        title=_title(title, message="Укажите название раздела."),
        description=answer_rules.sanitize(description or "").strip(),
        sort_order=last + 1,
    )


@transaction.atomic
def section_update(*, actor, section: Section, title: str, description: str = "") -> Section:
    _require_manage(actor, section.questionnaire)
    section.title = _title(title, message="Укажите название раздела.")
    section.description = answer_rules.sanitize(description or "").strip()
    section.save()
    return section


@transaction.atomic
def section_delete(*, actor, section: Section) -> None:
    questionnaire = section.questionnaire
    _require_manage(actor, questionnaire)
    _require_unlocked(questionnaire)
    _release_dependents(Question.objects.filter(depends_on__section=section).exclude(section=section))
    section.delete()


def _renumber(rows) -> list:
    rows = list(rows)
    for number, row in enumerate(rows, start=1):
        if row.sort_order != number:
            row.sort_order = number
            row.save(update_fields=["sort_order"])
    return rows


def _move(rows: list, item, direction: str) -> None:
    if direction not in ("up", "down"):
        raise ValidationError("Неизвестное направление.")
    index = next(i for i, row in enumerate(rows) if row.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rows):
        return
    first, second = rows[index], rows[other]
    first.sort_order, second.sort_order = second.sort_order, first.sort_order
    first.save(update_fields=["sort_order"])
    second.save(update_fields=["sort_order"])


@transaction.atomic
def section_move(*, actor, section: Section, direction: str) -> None:
    _require_manage(actor, section.questionnaire)
    rows = _renumber(section.questionnaire.sections.select_for_update().order_by("sort_order", "id"))
    _move(rows, section, direction)


# --- questions ----------------------------------------------------------------------------------
STRUCTURE_FIELDS = (
    "qtype",
    "options",
    "max_choices",
    "min_value",
    "max_value",
    "people_source",
    "depends_on_id",
    "condition_value",
)


def _options(raw) -> list[str]:
    if isinstance(raw, str):
        raw = raw.splitlines()
    options, seen = [], set()
    for value in raw or []:
        text = normalize_spaces(answer_rules.sanitize(str(value)))
        if not text:
            continue
        if len(text) > 300:
            raise ValidationError({"options": "Вариант ответа длиннее 300 знаков: сократите его."})
        if text.casefold() in seen:
            raise ValidationError({"options": f"Вариант «{text}» повторяется."})
        seen.add(text.casefold())
        options.append(text)
    if len(options) > MAX_OPTIONS:
        raise ValidationError({"options": f"Слишком много вариантов: не больше {MAX_OPTIONS}."})
    return options


def _position(question: Question) -> tuple:
    return (question.section.sort_order, question.section_id, question.sort_order, question.pk or 10**18)


def _fill_question(question: Question, data: dict) -> None:
    """Set the question from the builder's data and check it: Russian messages per field."""
    questionnaire = question.questionnaire
    if "section" in data and data["section"] is not None:
        section = data["section"]
        if section.questionnaire_id != questionnaire.pk:
            raise ValidationError({"section": "Раздел из другой анкеты."})
        question.section = section
    if "text" in data:
        question.text = normalize_spaces(answer_rules.sanitize(data["text"] or ""))[:500]
    if "help_text" in data:
        question.help_text = normalize_spaces(answer_rules.sanitize(data["help_text"] or ""))[:500]
    if "qtype" in data:
        question.qtype = data["qtype"]
    if "required" in data:
        question.required = bool(data["required"])
    for name in ("scale_min_label", "scale_max_label"):
        if name in data:
            setattr(question, name, normalize_spaces(data[name] or "")[:100])
    for name in ("max_choices", "min_value", "max_value"):
        if name in data:
            setattr(question, name, data[name])
    if "people_source" in data:
        question.people_source = data["people_source"] or ""
    if "options" in data:
        question.options = _options(data["options"])
    if "depends_on" in data:
        question.depends_on = data["depends_on"]
    if "condition_value" in data:
        question.condition_value = normalize_spaces(data["condition_value"] or "")

    errors = {}
    if not question.text:
        errors["text"] = "Напишите вопрос."
    if question.qtype not in QuestionType.values:
        errors["qtype"] = "Выберите тип вопроса."
    qtype = question.qtype
    if qtype in CHOICE_TYPES:
        if len(question.options) < 2:
            errors["options"] = "Нужно хотя бы два варианта ответа — по одному в строке."
    else:
        question.options = []
    if qtype in (QuestionType.MULTIPLE, QuestionType.PEOPLE):
        if question.max_choices is not None:
            if question.max_choices < 1:
                errors["max_choices"] = "Укажите число от 1 или оставьте поле пустым."
            elif qtype == QuestionType.MULTIPLE and question.options and question.max_choices > len(question.options):
                errors["max_choices"] = "Ограничение больше числа вариантов."
    else:
        question.max_choices = None
    if qtype != QuestionType.SCALE:
        question.scale_min_label = question.scale_max_label = ""
    if qtype == QuestionType.NUMBER:
        low, high = question.min_value, question.max_value
        if low is not None and high is not None and low > high:
            errors["max_value"] = "Наибольшее число меньше наименьшего."
    else:
        question.min_value = question.max_value = None
    if qtype == QuestionType.PEOPLE:
        if question.people_source not in PeopleSource.values:
            errors["people_source"] = "Выберите, из кого выбирать: наставники или наставляемые."
        if questionnaire.organization_id is None and not questionnaire.is_template:
            errors["people_source"] = "Выбор людей возможен в анкете организации."
    else:
        question.people_source = ""
    parent = question.depends_on
    if parent is None:
        question.condition_value = ""
    else:
        if parent.questionnaire_id != questionnaire.pk or (question.pk and parent.pk == question.pk):
            errors["depends_on"] = "Условие должно ссылаться на другой вопрос этой анкеты."
        elif parent.qtype not in CHOICE_TYPES:
            errors["depends_on"] = "Условие можно задать только по вопросу с вариантами ответа."
        elif question.section_id and _position(parent) >= _position(question):
            errors["depends_on"] = "Условие можно задать только по вопросу, который стоит выше."
        elif question.condition_value not in (parent.options or []):
            errors["condition_value"] = "Выберите вариант ответа, при котором вопрос показывается."
    if errors:
        raise ValidationError(errors)


def _check_dependents(question: Question) -> None:
    """A question others depend on keeps being a choice with the options their conditions name."""
    if not question.pk:
        return
    for dependent in Question.objects.filter(depends_on=question):
        if question.qtype not in CHOICE_TYPES or dependent.condition_value not in question.options:
            raise ValidationError(
                {
                    "options": f"От ответа «{dependent.condition_value}» зависит вопрос «{dependent.text}»: "
                    "сначала измените или уберите его условие."
                }
            )
        if _position(dependent) <= _position(question):
            raise ValidationError(
                {"section": f"От этого вопроса зависит вопрос «{dependent.text}»: он должен остаться ниже."}
            )


def _release_dependents(queryset) -> None:
    queryset.update(depends_on=None, condition_value="")


@transaction.atomic
def question_add(*, actor, section: Section, **data) -> Question:
    questionnaire = section.questionnaire
    _require_manage(actor, questionnaire)
    _require_unlocked(questionnaire)
    data = {"required": True, **data}
    last = questionnaire.questions.filter(section=section).aggregate(n=Max("sort_order"))["n"] or 0
    question = Question(questionnaire=questionnaire, section=section, sort_order=last + 1)
    data.pop("section", None)
    _fill_question(question, data)
    question.save()
    return question


@transaction.atomic
def question_update(*, actor, question: Question, **data) -> Question:
    questionnaire = question.questionnaire
    _require_manage(actor, questionnaire)
    before = {name: getattr(question, name) for name in STRUCTURE_FIELDS}
    old_section_id = question.section_id
    _fill_question(question, data)
    if question.section_id != old_section_id:
        last = questionnaire.questions.filter(section_id=question.section_id).aggregate(n=Max("sort_order"))["n"]
        question.sort_order = (last or 0) + 1
        if question.depends_on_id and _position(question.depends_on) >= _position(question):
            raise ValidationError({"section": "Вопрос с условием должен стоять ниже вопроса, от которого зависит."})
    if questionnaire_is_locked(questionnaire):
        after = {name: getattr(question, name) for name in STRUCTURE_FIELDS}
        if after != before:
            raise ValidationError(LOCKED)
    _check_dependents(question)
    question.save()
    return question


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    questionnaire = question.questionnaire
    _require_manage(actor, questionnaire)
    _require_unlocked(questionnaire)
    _release_dependents(Question.objects.filter(depends_on=question))
    question.delete()


@transaction.atomic
def question_move(*, actor, question: Question, direction: str) -> None:
    """Up or down within its section; a question stays below the one its condition names, and above
    those depending on it."""
    _require_manage(actor, question.questionnaire)
    rows = _renumber(
        Question.objects.select_for_update()
        .filter(section_id=question.section_id)
        .select_related("section")
        .order_by("sort_order", "id")
    )
    index = next(i for i, row in enumerate(rows) if row.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        upper, lower = (rows[other], rows[index]) if direction == "up" else (rows[index], rows[other])
        if lower.depends_on_id == upper.pk:
            raise ValidationError(
                f"Вопрос «{lower.text}» показывается по ответу на вопрос «{upper.text}» и стоит ниже."
            )
    _move(rows, question, direction)


# --- campaigns ----------------------------------------------------------------------------------
@dataclass
class CampaignResult:
    campaign: Campaign
    created: int
    skipped: list[str] = field(default_factory=list)  # minors without a guardian, when guardians answer


def deadline_moment(day: dt.date) -> dt.datetime:
    """Links work until the end of the deadline day (the project's time zone)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _is_minor(person: Person, today: dt.date) -> bool:
    age = person.age_on(today)
    if age is None:
        return person.category == Category.PUPIL
    return age < 18


GUARDIAN_PREFERENCE = {GuardianKind.MOTHER: 0, GuardianKind.FATHER: 1, GuardianKind.OTHER: 2}


def _guardians_of(child_ids: list[int]) -> dict[int, Person]:
    """One answering guardian per child: one with an e-mail first, then mother, father, other."""
    chosen: dict[int, tuple] = {}
    links = GuardianLink.objects.filter(child_id__in=child_ids).select_related("guardian")
    for link in links:
        key = (not link.guardian.email, GUARDIAN_PREFERENCE.get(link.kind, 3), link.guardian_id)
        if link.child_id not in chosen or key < chosen[link.child_id][0]:
            chosen[link.child_id] = (key, link.guardian)
    return {child_id: guardian for child_id, (_key, guardian) in chosen.items()}


def _pool_audience(organization: Organization, pool: str, today: dt.date):
    """Everyone in the mentor or mentee pool of one form this year (pools own the pools)."""
    from nastavnik.orgs.services import academic_year_current
    from nastavnik.pools.selectors import pool_audience_people

    year = academic_year_current(today=today)
    found = pool_audience_people(organization=organization, academic_year=year, value=pool)
    if found is None:
        raise ValidationError({"pool": "Выберите базу и форму наставничества."})
    people, label = found
    if not people:
        raise ValidationError({"pool": f"{label}: в базе пока никого нет."})
    return people, label


def _audience(organization: Organization, audience_kind: str, class_name: str, role_kind: str, person_ids):
    if audience_kind == AudienceKind.CLASS:
        class_name = normalize_class_name(answer_rules.sanitize(class_name or ""))
        if not class_name:
            raise ValidationError({"class_name": "Выберите класс или группу."})
        people = list(Person.objects.filter(organization=organization, class_name=class_name))
        if not people:
            raise ValidationError({"class_name": f"В классе (группе) {class_name} нет участников."})
        label = f"Класс {class_name}" if class_name[:1].isdigit() else f"Группа {class_name}"
        return people, label
    if audience_kind == AudienceKind.ROLE:
        if role_kind not in ROLE_AUDIENCE:
            raise ValidationError({"role_kind": "Выберите роль."})
        people = list(
            Person.objects.filter(roles__organization=organization, roles__kind=role_kind).distinct().order_by("pk")
        )
        if not people:
            raise ValidationError({"role_kind": f"{ROLE_AUDIENCE[role_kind]}: в организации таких участников нет."})
        return people, ROLE_AUDIENCE[role_kind]
    if audience_kind == AudienceKind.LIST:
        ids = set()
        for value in person_ids or ():
            try:
                ids.add(int(value))
            except (TypeError, ValueError) as error:
                raise ValidationError({"person_ids": "Список участников прочитать не удалось."}) from error
        if not ids:
            raise ValidationError({"person_ids": "Выберите участников."})
        people = list(Person.objects.filter(organization=organization, pk__in=ids).order_by("pk"))
        if len(people) != len(ids):
            raise ValidationError({"person_ids": "Часть выбранных участников не из этой организации."})
        return people, f"Список: {len(people)} чел."
    raise ValidationError({"audience_kind": "Выберите, кому отправить анкету."})


@transaction.atomic
def campaign_create(
    *,
    actor,
    questionnaire: Questionnaire,
    audience_kind: str,
    deadline: dt.date,
    mode: str = CampaignMode.SINGLE_USE,
    class_name: str = "",
    role_kind: str = "",
    person_ids=(),
    pool: str = "",
    guardians_answer: bool = False,
    title: str = "",
    today: dt.date | None = None,
) -> CampaignResult:
    """Send a questionnaire to a class, to everyone holding a role, to the mentors or mentees of a form
    in the pools («mentor:<form id>»), or to a list of people of the organisation: one personal link
    per respondent (guardians answer for minors when chosen)."""
    _require_manage(actor, questionnaire)
    organization = questionnaire.organization
    if organization is None:
        raise ValidationError("Рассылку проводит организация: сделайте по этому шаблону анкету организации.")
    if questionnaire.is_template:
        raise ValidationError("Это шаблон: сделайте по нему анкету (копию) и разошлите её.")
    if not questionnaire.questions.exists():
        raise ValidationError("В анкете нет вопросов: добавьте их в конструкторе.")
    today = today or timezone.localdate()
    errors = {}
    if not isinstance(deadline, dt.date):
        errors["deadline"] = "Укажите срок ответа."
    elif deadline < today:
        errors["deadline"] = "Срок ответа уже прошёл: укажите сегодняшнюю или более позднюю дату."
    elif deadline > today + dt.timedelta(days=MAX_DEADLINE_DAYS):
        errors["deadline"] = "Срок ответа — не дальше года от сегодняшнего дня."
    if mode not in CampaignMode.values:
        errors["mode"] = "Выберите режим ссылок."
    if errors:
        raise ValidationError(errors)
    if audience_kind == AudienceKind.POOL:
        people, label = _pool_audience(organization, pool, today)
    else:
        people, label = _audience(organization, audience_kind, class_name, role_kind, person_ids)

    pairs: dict[tuple[int, int], tuple[Person, Person]] = {}
    skipped: list[str] = []
    guardians, minor_ids = {}, set()
    if guardians_answer:
        minors = [p.pk for p in people if _is_minor(p, today)]
        guardians = _guardians_of(minors)
        minor_ids = set(minors)
    for person in people:
        respondent = person
        if guardians_answer and person.pk in minor_ids:
            respondent = guardians.get(person.pk)
            if respondent is None:
                skipped.append(person.full_name)
                continue
        pairs.setdefault((respondent.pk, person.pk), (respondent, person))
    if not pairs:
        raise ValidationError(
            "Отправить некому: ни у кого из выбранных несовершеннолетних нет законного представителя."
        )

    campaign = Campaign.objects.create(
        questionnaire=questionnaire,
        organization=organization,
        municipality=organization.municipality,
        region=organization.municipality.region,
        title=normalize_spaces(title)[:300] or questionnaire.title,
        audience_kind=audience_kind,
        audience=(label + (" (отвечают законные представители)" if guardians_answer else ""))[:300],
        guardians_answer=bool(guardians_answer),
        deadline=deadline_moment(deadline),
        mode=mode,
        created_by=actor,
    )
    Invitation.objects.bulk_create(
        (
            Invitation(
                campaign=campaign,
                person_id=respondent.pk,
                subject_id=subject.pk,
                token=secrets.token_urlsafe(32),
                expires_at=campaign.deadline,
            )
            for respondent, subject in pairs.values()
        ),
        batch_size=INVITATION_BATCH,
    )
    return CampaignResult(campaign=campaign, created=len(pairs), skipped=skipped)


# --- sending and reminding ------------------------------------------------------------------------
@dataclass
class SendResult:
    emailed: int = 0
    without_email: int = 0


def answer_path(invitation: Invitation) -> str:
    return reverse("questionnaires:answer", args=[invitation.token])


def _message(invitation: Invitation, *, base_url: str, reminder: bool) -> EmailMessage:
    campaign = invitation.campaign
    person, subject = invitation.person, invitation.subject
    greeting = " ".join(p for p in (person.first_name, person.patronymic) if p)
    about = f" о ребёнке ({subject.first_name} {subject.last_name})" if subject and subject.pk != person.pk else ""
    first = "Напоминаем: вы ещё не ответили на анкету" if reminder else "Просим вас заполнить анкету"
    body = (
        f"Здравствуйте, {greeting}!\n\n"
        f"{first} «{campaign.questionnaire.title}»{about}.\n"
        f"{campaign.organization.short_name}, программа наставничества.\n\n"
        f"Ваша персональная ссылка (не передавайте её другим):\n{base_url.rstrip('/')}{answer_path(invitation)}\n\n"
        f"Ответить можно до {date_ru(timezone.localtime(invitation.expires_at).date())} включительно. "
        "Анкету удобно заполнять с телефона, регистрация не нужна.\n\n"
        "С уважением, куратор программы наставничества"
    )
    subject_line = f"{'Напоминание: ' if reminder else ''}анкета «{campaign.questionnaire.title}»"
    return EmailMessage(subject=subject_line[:200], body=body, to=[person.email])


def _send(invitations: list[Invitation], *, base_url: str, reminder: bool) -> tuple[SendResult, set[int]]:
    result = SendResult()
    messages, emailed = [], set()
    for invitation in invitations:
        if invitation.person and invitation.person.email:
            messages.append(_message(invitation, base_url=base_url, reminder=reminder))
            emailed.add(invitation.pk)
        else:
            result.without_email += 1
    if messages:
        get_connection().send_messages(messages)
    result.emailed = len(emailed)
    return result, emailed


def _open_invitations(campaign: Campaign, now: dt.datetime):
    return (
        campaign.invitations.filter(answered_at__isnull=True, person__isnull=False, expires_at__gt=now)
        .select_related("person", "subject", "campaign__questionnaire", "campaign__organization")
        .order_by("pk")
    )


@transaction.atomic
def invitations_send(*, actor, campaign: Campaign, base_url: str, now: dt.datetime | None = None) -> SendResult:
    """E-mail the links not sent yet (to those with an address); the others get theirs from the
    curator (the progress page shows every link)."""
    _require_manage(actor, campaign)
    now = now or timezone.now()
    invitations = list(_open_invitations(campaign, now).filter(sent_at__isnull=True))
    result, emailed = _send(invitations, base_url=base_url, reminder=False)
    Invitation.objects.filter(pk__in=emailed).update(sent_at=now)
    return result


@transaction.atomic
def invitation_remind(
    *, actor, campaign: Campaign, base_url: str, invitation_ids=None, now: dt.datetime | None = None
) -> SendResult:
    """«Напомнить ещё раз»: e-mail the link again to those who have not answered (all of them, or the
    chosen ones); answered, expired and anonymised links are left alone."""
    _require_manage(actor, campaign)
    now = now or timezone.now()
    invitations = _open_invitations(campaign, now)
    if invitation_ids is not None:
        invitations = invitations.filter(pk__in=[int(i) for i in invitation_ids if str(i).isdigit()])
    invitations = list(invitations)
    result, emailed = _send(invitations, base_url=base_url, reminder=True)
    for invitation in invitations:
        if invitation.pk in emailed:
            invitation.reminded_at = now
            invitation.sent_at = invitation.sent_at or now
            invitation.remind_count += 1
    Invitation.objects.bulk_update(
        [i for i in invitations if i.pk in emailed], ["reminded_at", "sent_at", "remind_count"], batch_size=500
    )
    return result


# --- answering through a link ---------------------------------------------------------------------
def link_error(invitation: Invitation | None, now: dt.datetime) -> ValidationError | None:
    """Why this link takes no answer now (None when it does)."""
    if invitation is None:
        return ValidationError(LINK_UNKNOWN, code="unknown")
    if invitation.anonymised:
        return ValidationError(LINK_ANONYMISED, code="used")
    if invitation.person_id is None:  # the person was deleted from the organisation's list
        return ValidationError(LINK_WITHDRAWN, code="withdrawn")
    if invitation.answered_at and invitation.campaign.mode == CampaignMode.SINGLE_USE:
        return ValidationError(LINK_USED, code="used")
    if invitation.expires_at <= now:
        local = timezone.localtime(invitation.expires_at).date()
        return ValidationError(LINK_EXPIRED.format(date=date_ru(local)), code="expired")
    return None


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return list(
        Question.objects.filter(questionnaire=questionnaire)
        .select_related("section")
        .order_by("section__sort_order", "section_id", "sort_order", "id")
    )


def offered_people(questions: list[Question], organization_id: int | None, *, exclude=()) -> dict[int, list[Person]]:
    """People a «choice of people» question offers: the mentors (or mentees) of the organisation."""
    result = {}
    cache: dict[str, list[Person]] = {}
    for question in questions:
        if question.qtype != QuestionType.PEOPLE:
            continue
        source = question.people_source or PeopleSource.MENTORS
        if source not in cache:
            cache[source] = list(
                Person.objects.filter(roles__organization_id=organization_id, roles__kind=source)
                .exclude(pk__in=[pk for pk in exclude if pk])
                .distinct()
                .order_by("last_name", "first_name", "patronymic", "pk")
            )
        result[question.pk] = cache[source]
    return result


def _token_ok(token) -> bool:
    return isinstance(token, str) and 0 < len(token) <= 64


@transaction.atomic
def response_submit(*, token: str, answers, now: dt.datetime | None = None, shown=None) -> Response:
    """Save the answers given through a personal link (no login). Raises ValidationError: with code
    «unknown», «expired», «withdrawn» or «used» when the link takes no answer; else per question («q<id>»)."""
    now = now or timezone.now()
    invitation = None
    if _token_ok(token):
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("campaign__questionnaire")
            .filter(token=token)
            .first()
        )
    error = link_error(invitation, now)
    if error is not None:
        raise error
    questionnaire = invitation.campaign.questionnaire
    questions = questions_of(questionnaire)
    offered = offered_people(
        questions, invitation.campaign.organization_id, exclude=(invitation.subject_id, invitation.person_id)
    )
    cleaned = answer_rules.clean_answers(
        questions, answers, {pk: [p.pk for p in people] for pk, people in offered.items()}, shown=shown
    )
    response = Response.objects.filter(invitation=invitation).first()
    if response is None:
        response = Response(invitation=invitation, campaign_id=invitation.campaign_id)
    response.answers = cleaned
    response.submitted_at = now
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as error:  # the same link submitted twice at once
        raise ValidationError(LINK_USED, code="used") from error
    if invitation.answered_at is None:
        invitation.answered_at = now
        invitation.save(update_fields=["answered_at", "updated_at"])
    return response


# --- personal data --------------------------------------------------------------------------------
@transaction.atomic
def responses_anonymize_for(*, person: Person) -> int:
    """Called when a person revokes their consent: their answers (and answers given about them by a
    guardian) stay in the statistics but lose the link to them; their unanswered links are deleted;
    they are taken out of other people's «choice of people» answers. Returns the number of
    responses anonymised."""
    mine = Invitation.objects.filter(Q(person=person) | Q(subject=person))
    mine.filter(answered_at__isnull=True).delete()
    answered = list(mine.values_list("pk", flat=True))
    Invitation.objects.filter(pk__in=answered).update(person=None, subject=None, anonymised=True)
    count = Response.objects.filter(invitation_id__in=answered).update(anonymised=True)

    people_questions = list(
        Question.objects.filter(qtype=QuestionType.PEOPLE, questionnaire__organization_id=person.organization_id)
        .exclude(questionnaire__organization__isnull=True)
        .values_list("pk", "questionnaire_id")
    )
    if people_questions:
        keys_by_questionnaire: dict[int, list[str]] = {}
        for pk, questionnaire_id in people_questions:
            keys_by_questionnaire.setdefault(questionnaire_id, []).append(str(pk))
        changed = []
        responses = Response.objects.filter(campaign__questionnaire_id__in=keys_by_questionnaire).select_related(
            "campaign"
        )
        for response in responses.only("pk", "answers", "campaign__questionnaire_id"):
            answers, dirty = dict(response.answers or {}), False
            for key in keys_by_questionnaire[response.campaign.questionnaire_id]:
                value = answers.get(key)
                if isinstance(value, list) and person.pk in value:
                    answers[key] = [v for v in value if v != person.pk]
                    if not answers[key]:
                        del answers[key]
                    dirty = True
            if dirty:
                response.answers = answers
                changed.append(response)
        Response.objects.bulk_update(changed, ["answers"], batch_size=500)
    return count


@transaction.atomic
def campaign_export(*, actor, campaign: Campaign) -> bytes:
    """The XLSX of a campaign's answers; an export of personal data, so it is written to the audit log."""
    from auditlog.models import LogEntry

    from .xlsx import campaign_workbook

    access = access_for(actor)
    require(access.sees_registers, "Выгрузка ответов доступна сотрудникам организации.")
    content = campaign_workbook(campaign)
    LogEntry.objects.log_create(
        campaign,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={"export": ["", f"Выгрузка ответов в XLSX: {campaign.title}"]},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        additional_data={"campaign_id": campaign.pk, "organization_id": campaign.organization_id},
    )
    return content
