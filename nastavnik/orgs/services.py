"""Writes of regions, municipalities, organisations, partners and academic years.

Every service checks the actor's rights (403) and the domain rules (ValidationError with a
Russian message), runs in a transaction, and is audited by django-auditlog.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from nastavnik.core.text import normalize_spaces, search_key
from nastavnik.people.access import access_for, require

from .models import AcademicYear, Municipality, Organization, Partner, PartnerAgreement, Region

ORG_FIELDS = ("name", "short_name", "kind", "address", "phone", "email", "website")
PARTNER_FIELDS = ("name", "kind", "inn", "contact_person", "phone", "email")


def _save(instance, duplicate_message: str):
    try:
        with transaction.atomic():
            # uniqueness is left to the database so that the message below is the one shown
            instance.full_clean(validate_unique=False, validate_constraints=False)
            instance.save()
    except IntegrityError as error:
        raise ValidationError(duplicate_message) from error
    return instance


def _delete(instance, protected_message: str) -> None:
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError as error:
        raise ValidationError(protected_message) from error


# --- regions and municipalities ---------------------------------------------------------
def region_save(*, actor, region: Region | None = None, name: str, code: str, mentoring_centre: str = "") -> Region:
    require(access_for(actor).can_edit_region(), "Регионы ведёт администратор платформы.")
    region = region or Region()
    region.name, region.code = normalize_spaces(name), normalize_spaces(code)
    region.mentoring_centre = normalize_spaces(mentoring_centre)
    return _save(region, "Регион с таким названием или кодом уже есть.")


def municipality_save(*, actor, region: Region, municipality: Municipality | None = None, name: str) -> Municipality:
    require(
        access_for(actor).can_edit_municipality(region_id=region.pk),
        "Муниципалитеты ведёт региональный координатор.",
    )
    municipality = municipality or Municipality(region=region)
    municipality.name = normalize_spaces(name)
    return _save(municipality, "Муниципалитет с таким названием в регионе уже есть.")


def municipality_delete(*, actor, municipality: Municipality) -> None:
    require(access_for(actor).can_edit_municipality(region_id=municipality.region_id))
    _delete(municipality, "Нельзя удалить муниципалитет, пока в нём есть организации или участники.")


# --- organisations ----------------------------------------------------------------------
def organization_create(*, actor, municipality: Municipality, **data) -> Organization:
    require(
        access_for(actor).can_create_organization(municipality_id=municipality.pk, region_id=municipality.region_id),
        "Организации добавляют координаторы муниципалитета или региона.",
    )
    organization = Organization(municipality=municipality)
    return _organization_fill_and_save(organization, data)


def organization_update(*, actor, organization: Organization, **data) -> Organization:
    require(
        access_for(actor).can_edit_organization(
            org_id=organization.pk,
            municipality_id=organization.municipality_id,
            region_id=organization.municipality.region_id,
        ),
        "Изменять сведения об организации могут её руководитель и координаторы.",
    )
    return _organization_fill_and_save(organization, data)


def _organization_fill_and_save(organization: Organization, data: dict) -> Organization:
    for name in ORG_FIELDS:
        if name in data:
            value = data[name]
            setattr(organization, name, normalize_spaces(value) if isinstance(value, str) else value)
    organization.search_key = search_key(organization.short_name, organization.name, organization.address)
    return _save(organization, "Организация с таким кратким наименованием в муниципалитете уже есть.")


def organization_delete(*, actor, organization: Organization) -> None:
    require(
        access_for(actor).can_create_organization(
            municipality_id=organization.municipality_id, region_id=organization.municipality.region_id
        ),
        "Удалять организации могут только координаторы.",
    )
    _delete(organization, "Нельзя удалить организацию, пока в ней есть участники или роли.")


# --- partners ---------------------------------------------------------------------------
def partner_save(
    *, actor, region: Region, partner: Partner | None = None, organizations: list[Organization], **data
) -> Partner:
    """Create or change a partner. An existing partner keeps its own region, and its links to
    organisations the actor does not manage are kept: a curator edits only their own school's link."""
    access = access_for(actor)
    if partner is not None:
        region = partner.region
        current = list(partner.organizations.select_related("municipality"))
    else:
        current = []
    org_ids = {o.pk for o in organizations} | {o.pk for o in current}
    require(
        access.can_edit_partner(region_id=region.pk, org_ids=org_ids),
        "Партнёров ведут руководитель, куратор организации или координаторы.",
    )
    if any(o.municipality.region_id != region.pk for o in organizations):
        raise ValidationError("Партнёр может работать только с организациями своего региона.")
    if not (access.is_admin or region.pk in access.region_ids):
        foreign = [o for o in current if o.pk not in access.managed_org_ids]
        organizations = [o for o in organizations if o.pk in access.managed_org_ids] + foreign
    partner = partner or Partner(region=region)
    for name in PARTNER_FIELDS:
        if name in data:
            setattr(partner, name, normalize_spaces(data[name]))
    partner.search_key = search_key(partner.name, partner.inn, partner.contact_person)
    with transaction.atomic():
        _save(partner, "Партнёр с таким наименованием в регионе уже есть.")
        partner.organizations.set(organizations)
    return partner


def partner_delete(*, actor, partner: Partner) -> None:
    org_ids = set(partner.organizations.values_list("pk", flat=True))
    require(access_for(actor).can_edit_partner(region_id=partner.region_id, org_ids=org_ids))
    _delete(partner, "Нельзя удалить партнёра: на него ссылаются другие записи.")


# --- academic years ---------------------------------------------------------------------
def academic_year_current(*, today: dt.date | None = None) -> AcademicYear:
    """The academic year that contains today (created on first use: 1 September – 31 August)."""
    today = today or timezone.localdate()
    year, _ = AcademicYear.objects.get_or_create(start_year=AcademicYear.start_year_for(today))
    return year


def academic_year_create(*, actor, start_year: int) -> AcademicYear:
    require(access_for(actor).is_admin, "Учебные годы ведёт администратор платформы.")
    if not 2000 <= start_year <= 2100:
        raise ValidationError("Укажите год начала учебного года от 2000 до 2100.")
    return _save(AcademicYear(start_year=start_year), f"{start_year}/{start_year + 1} учебный год уже есть.")


# --- partner agreements -----------------------------------------------------------------------
def _require_agreement_rights(actor, organization: Organization) -> None:
    access = access_for(actor)
    require(
        access.can_manage(
            org_id=organization.pk,
            municipality_id=organization.municipality_id,
            region_id=organization.municipality.region_id,
        ),
        "Соглашения с партнёрами вносят руководитель и куратор организации.",
    )


@transaction.atomic
def agreement_create(*, actor, partner: Partner, organization: Organization, **data) -> PartnerAgreement:
    """Record an agreement of the organisation with the partner (linking them if they were not)."""
    _require_agreement_rights(actor, organization)
    if organization.municipality.region_id != partner.region_id:
        raise ValidationError("Соглашение заключается с партнёром своего региона.")
    if data.get("end_date") and data["end_date"] < data["start_date"]:
        raise ValidationError({"end_date": "Окончание раньше начала."})
    agreement = PartnerAgreement(
        partner=partner,
        organization=organization,
        number=normalize_spaces(data.get("number", "")),
        subject=normalize_spaces(data["subject"]),
        start_date=data["start_date"],
        end_date=data.get("end_date"),
        contact=normalize_spaces(data.get("contact", "")),
    )
    agreement.full_clean()
    agreement.save()
    partner.organizations.add(organization)
    return agreement


@transaction.atomic
def agreement_delete(*, actor, agreement: PartnerAgreement) -> None:
    _require_agreement_rights(actor, agreement.organization)
    agreement.delete()
