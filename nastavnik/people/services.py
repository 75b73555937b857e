"""Writes of persons, roles, guardians and accounts.

Rules owned here:
- the same person is entered once per organisation (same ФИО and birth date, case and «ё» ignored);
- gender comes from the form or, when left empty, from the patronymic (-вич/-ична);
- a guardian is an adult linked to a minor, and holds the «guardian» role in the child's organisation;
- a role's scope matches its kind (organisation roles need an organisation, and so on);
- only those with rights in the scope may write (403 otherwise); every write is audited.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from nastavnik.core.text import capitalize_name, normalize_class_name, normalize_spaces, search_key, years_before
from nastavnik.orgs.models import Municipality, Organization, Region, scope_of

from .access import access_for, forget_access, require
from .models import (
    MUNICIPALITY_KINDS,
    ORGANIZATION_KINDS,
    REGION_KINDS,
    Category,
    Gender,
    GuardianLink,
    Person,
    Role,
    RoleKind,
)

PERSON_FIELDS = (
    "last_name", "first_name", "patronymic", "gender", "birth_date", "category",
    "class_name", "position", "subject", "email", "phone", "teaching_since",
)  # fmt: skip
NO_RIGHTS_PEOPLE = "Изменять список участников могут руководитель и куратор организации."


def gender_from_patronymic(patronymic: str) -> str:
    value = patronymic.strip().casefold()
    if value.endswith(("вич", "ьич", "ич", "оглы", "улы")):
        return Gender.MALE
    if value.endswith(("вна", "чна", "шна", "кызы", "гызы")):
        return Gender.FEMALE
    return ""


def _require_people_rights(actor, organization, municipality, region) -> None:
    require(
        access_for(actor).can_manage(
            org_id=organization.pk if organization else None,
            municipality_id=municipality.pk if municipality else None,
            region_id=region.pk,
        ),
        NO_RIGHTS_PEOPLE,
    )


def _fill_person(person: Person, data: dict) -> None:
    for name in PERSON_FIELDS:
        if name in data:
            value = data[name]
            setattr(person, name, normalize_spaces(value) if isinstance(value, str) else value)
    person.last_name = capitalize_name(person.last_name)
    person.first_name = capitalize_name(person.first_name)
    person.patronymic = capitalize_name(person.patronymic)
    person.class_name = normalize_class_name(person.class_name)
    person.email = person.email.lower()
    if not person.gender:
        person.gender = gender_from_patronymic(person.patronymic)
    errors = {}
    if not person.last_name:
        errors["last_name"] = "Укажите фамилию."
    if not person.first_name:
        errors["first_name"] = "Укажите имя."
    if not person.gender:
        errors["gender"] = "Укажите пол: по отчеству его определить не удалось."
    if person.birth_date:
        today = timezone.localdate()
        if person.birth_date > today:
            errors["birth_date"] = "Дата рождения не может быть в будущем."
        elif person.birth_date.year < today.year - 110:
            errors["birth_date"] = "Проверьте год рождения."
    if person.teaching_since:
        today = timezone.localdate()
        if person.teaching_since > today:
            errors["teaching_since"] = "Дата начала педагогической деятельности не может быть в будущем."
        elif person.birth_date and person.teaching_since < years_before(person.birth_date, -14):
            errors["teaching_since"] = "Дата начала педагогической деятельности раньше 14 лет участника: проверьте год."
        elif person.teaching_since.year < today.year - 80:
            errors["teaching_since"] = "Проверьте год начала педагогической деятельности."
    if errors:
        raise ValidationError(errors)
    person.fio_key = search_key(person.last_name, person.first_name, person.patronymic)
    person.search_key = search_key(person.full_name, person.class_name, person.email, person.phone)


def person_prepare(person: Person, data: dict) -> None:
    """Normalise and check a person's fields and fill its keys exactly as person_create/person_update do,
    without saving: bulk writers (the import of lists) save many at once. Raises ValidationError."""
    _fill_person(person, data)


def _check_duplicate(person: Person) -> None:
    if not (person.organization_id and person.birth_date):
        return
    twins = Person.objects.filter(
        organization_id=person.organization_id, fio_key=person.fio_key, birth_date=person.birth_date
    ).exclude(pk=person.pk)
    if twins.exists():
        raise ValidationError(
            f"{person.full_name}, {person.birth_date:%d.%m.%Y} г. р., уже есть в этой организации. "
            "Откройте существующую карточку вместо создания новой."
        )


def _save_person(person: Person) -> Person:
    _check_duplicate(person)
    try:
        with transaction.atomic():
            person.full_clean(exclude=["region", "municipality", "organization", "user"])
            person.save()
    except IntegrityError as error:  # a concurrent twin slipped past the check above
        raise ValidationError("Такой участник уже есть в этой организации.") from error
    return person


@transaction.atomic
def person_create(
    *,
    actor,
    organization: Organization | None = None,
    municipality: Municipality | None = None,
    region: Region | None = None,
    **data,
) -> Person:
    """Add a person to an organisation (or to a municipality/region for coordinators' staff)."""
    organization, municipality, region = scope_of(organization, municipality, region)
    _require_people_rights(actor, organization, municipality, region)
    person = Person(organization=organization, municipality=municipality, region=region)
    _fill_person(person, data)
    return _save_person(person)


@transaction.atomic
def person_update(*, actor, person: Person, **data) -> Person:
    _require_people_rights(actor, person.organization, person.municipality, person.region)
    _fill_person(person, data)
    return _save_person(person)


@transaction.atomic
def person_delete(*, actor, person: Person) -> None:
    """Delete a person entered by mistake, with their roles, links and login."""
    _require_people_rights(actor, person.organization, person.municipality, person.region)
    if person.user_id and person.user_id == getattr(actor, "pk", None):
        raise ValidationError("Нельзя удалить собственную карточку.")
    user = person.user
    person.delete()
    if user is not None:
        user.delete()


# --- roles -------------------------------------------------------------------------------
def _role_scope(kind: str, organization, municipality, region):
    if kind in ORGANIZATION_KINDS:
        if organization is None:
            raise ValidationError({"organization": "Для этой роли выберите организацию."})
        return organization, None, None
    if kind in MUNICIPALITY_KINDS:
        if municipality is None:
            raise ValidationError({"municipality": "Для этой роли выберите муниципалитет."})
        return None, municipality, None
    if kind in REGION_KINDS:
        if region is None:
            raise ValidationError({"region": "Для этой роли выберите регион."})
        return None, None, region
    return None, None, None


def _can_grant(actor, kind, organization, municipality, region) -> bool:
    if organization is not None:
        municipality_id, region_id = organization.municipality_id, organization.municipality.region_id
    elif municipality is not None:
        municipality_id, region_id = municipality.pk, municipality.region_id
    else:
        municipality_id, region_id = None, region.pk if region else None
    return access_for(actor).can_grant(
        kind=kind,
        org_id=organization.pk if organization else None,
        municipality_id=municipality_id,
        region_id=region_id,
    )


@transaction.atomic
def role_grant(
    *,
    actor,
    person: Person,
    kind: str,
    organization: Organization | None = None,
    municipality: Municipality | None = None,
    region: Region | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Role:
    if kind not in RoleKind.values:
        raise ValidationError({"kind": "Неизвестная роль."})
    organization, municipality, region = _role_scope(kind, organization, municipality, region)
    require(_can_grant(actor, kind, organization, municipality, region), "У вас нет прав назначать эту роль.")
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": "Дата окончания раньше даты начала."})
    if kind == RoleKind.GUARDIAN and not person.children_links.exists():
        raise ValidationError("Роль законного представителя появляется, когда участник связан с ребёнком.")
    existing = Role.objects.filter(
        person=person, kind=kind, organization=organization, municipality=municipality, region=region
    )
    if existing.exists():
        raise ValidationError(f"У участника уже есть роль «{RoleKind(kind).label}» здесь.")
    role = Role(
        person=person,
        kind=kind,
        organization=organization,
        municipality=municipality,
        region=region,
        start_date=start_date,
        end_date=end_date,
    )
    try:
        with transaction.atomic():
            role.save()
    except IntegrityError as error:
        raise ValidationError(f"У участника уже есть роль «{RoleKind(kind).label}» здесь.") from error
    if person.user_id:
        forget_access(person.user)
    return role


@transaction.atomic
def role_revoke(*, actor, role: Role) -> None:
    require(
        _can_grant(actor, role.kind, role.organization, role.municipality, role.region),
        "У вас нет прав снимать эту роль.",
    )
    if (
        role.person.user_id
        and role.person.user_id == getattr(actor, "pk", None)
        and role.kind
        in (
            RoleKind.PLATFORM_ADMIN,
            RoleKind.DIRECTOR,
            RoleKind.CURATOR,
        )
    ):
        raise ValidationError("Нельзя снять с себя роль, дающую права: попросите об этом другого сотрудника.")
    role.delete()


# --- guardians -----------------------------------------------------------------------------
@transaction.atomic
def guardian_link(*, actor, child: Person, guardian: Person, kind: str) -> GuardianLink:
    """Link a legal representative to a minor (idempotent) and give them the guardian role."""
    _require_people_rights(actor, child.organization, child.municipality, child.region)
    if guardian.pk == child.pk:
        raise ValidationError("Участник не может быть законным представителем самого себя.")
    if child.birth_date is None:
        raise ValidationError("Укажите дату рождения ребёнка: представитель назначается несовершеннолетнему.")
    if not child.is_minor:
        raise ValidationError(f"{child.full_name} уже совершеннолетний(яя): законный представитель не нужен.")
    if guardian.is_minor:
        raise ValidationError("Законный представитель должен быть совершеннолетним.")
    if guardian.organization_id != child.organization_id:
        raise ValidationError("Законный представитель вносится в ту же организацию, что и ребёнок.")
    link, created = GuardianLink.objects.get_or_create(guardian=guardian, child=child, defaults={"kind": kind})
    if not created and link.kind != kind:
        link.kind = kind
        link.save()
    if child.organization_id:
        Role.objects.get_or_create(person=guardian, kind=RoleKind.GUARDIAN, organization_id=child.organization_id)
    return link


@transaction.atomic
def guardian_unlink(*, actor, link: GuardianLink) -> None:
    child = link.child
    _require_people_rights(actor, child.organization, child.municipality, child.region)
    guardian = link.guardian
    link.delete()
    if not guardian.children_links.filter(child__organization_id=child.organization_id).exists():
        Role.objects.filter(person=guardian, kind=RoleKind.GUARDIAN, organization_id=child.organization_id).delete()


# --- accounts --------------------------------------------------------------------------------
_LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya"
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN.split(), strict=True))


def transliterate(value: str) -> str:
    out = "".join(_TRANSLIT.get(ch, ch) for ch in value.casefold())
    return "".join(ch for ch in out if ch.isascii() and (ch.isalnum() or ch in ".-")).replace("_", "")


def _username_for(person: Person) -> str:
    initials = "".join(transliterate(p[:1]) for p in (person.first_name, person.patronymic) if p)
    base = f"{transliterate(person.last_name)}.{initials}".strip(".") or "user"
    user_model = get_user_model()
    candidate, n = base, 1
    while user_model.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def generate_password() -> str:
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


@transaction.atomic
def account_create(*, actor, person: Person, username: str = "", password: str = "") -> tuple[object, str]:
    """Give a person a login. Returns the user and the one-time password to hand over."""
    _require_people_rights(actor, person.organization, person.municipality, person.region)
    if person.user_id:
        raise ValidationError("У участника уже есть учётная запись.")
    user_model = get_user_model()
    username = username or _username_for(person)
    if user_model.objects.filter(username=username).exists():
        raise ValidationError(f"Логин «{username}» уже занят.")
    password = password or generate_password()
    user = user_model.objects.create_user(
        username=username,
        password=password,
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
    )
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return user, password


@transaction.atomic
def account_reset_password(*, actor, person: Person) -> str:
    _require_people_rights(actor, person.organization, person.municipality, person.region)
    if not person.user_id:
        raise ValidationError("У участника нет учётной записи.")
    password = generate_password()
    person.user.set_password(password)
    person.user.is_active = True
    person.user.save(update_fields=["password", "is_active"])
    return password


def default_category_for(organization: Organization | None) -> str:
    if organization is None:
        return Category.STAFF
    return Category.STUDENT if organization.kind == "college" else Category.PUPIL


@transaction.atomic
def account_attach(*, actor, person: Person, user) -> Person:
    """Attach an existing login (e.g. the first superuser made by createsuperuser) to a person card."""
    require(access_for(actor).is_admin, "Привязать существующую учётную запись может администратор платформы.")
    if person.user_id and person.user_id != user.pk:
        raise ValidationError("У участника уже есть другая учётная запись.")
    if Person.objects.filter(user=user).exclude(pk=person.pk).exists():
        raise ValidationError("Эта учётная запись уже привязана к другому участнику.")
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return person
