"""Services of organisations: regions, municipalities, organisations, partners, academic years."""

import contextlib
import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nastavnik.orgs.models import AcademicYear, Municipality, Organization, Partner, Region
from nastavnik.orgs.services import (
    academic_year_create,
    academic_year_current,
    municipality_save,
    organization_create,
    organization_delete,
    organization_update,
    partner_save,
    region_save,
)

from ..factories import MunicipalityFactory

CYRILLIC = re.compile(r"[А-Яа-яЁё]")

SCHOOL = {
    "name": "Муниципальное общеобразовательное учреждение  «Новая школа»",
    "short_name": "Новая  школа",
    "kind": "school",
    "address": "г. Валуйки, ул. Ленина, 1",
}


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- organization_create -------------------------------------------------------------------
@pytest.mark.parametrize("actor", ["admin", "regional", "municipal"])
def test_coordinators_and_admin_create_organization(cast, actor):
    before = Organization.objects.count()

    organization = organization_create(actor=cast.user(actor), municipality=cast.municipality_a, **SCHOOL)

    organization.refresh_from_db()
    assert Organization.objects.count() == before + 1
    assert organization.municipality == cast.municipality_a
    assert organization.short_name == "Новая школа"
    assert organization.name == "Муниципальное общеобразовательное учреждение «Новая школа»"
    assert organization.search_key == (
        "новая школа муниципальное общеобразовательное учреждение «новая школа» г. валуйки, ул. ленина, 1"
    )


@pytest.mark.parametrize("actor", ["curator", "director", "working_group", "outsider_regional", "mentor"])
def test_refuses_create_organization_without_area_rights(cast, actor):
    before = Organization.objects.count()

    with pytest.raises(PermissionDenied):
        organization_create(actor=cast.user(actor), municipality=cast.municipality_a, **SCHOOL)

    assert Organization.objects.count() == before
    assert not Organization.objects.filter(short_name="Новая школа").exists()


def test_municipal_coordinator_may_not_create_in_another_municipality(cast):
    neighbour = MunicipalityFactory(region=cast.region_a, name="Соседний округ")
    before = Organization.objects.count()

    with pytest.raises(PermissionDenied):
        organization_create(actor=cast.user("municipal"), municipality=neighbour, **SCHOOL)

    assert Organization.objects.count() == before


def test_refuses_duplicate_short_name_in_same_municipality(cast):
    before = Organization.objects.count()

    with pytest.raises(ValidationError) as error:
        organization_create(
            actor=cast.user("municipal"),
            municipality=cast.municipality_a,
            name="Другое полное наименование",
            short_name="Ершовская СОШ",
            kind="school",
        )

    assert CYRILLIC.search(_messages(error.value))
    assert "уже" in _messages(error.value)
    assert Organization.objects.count() == before


def test_allows_same_short_name_in_another_municipality(cast):
    organization = organization_create(
        actor=cast.user("admin"),
        municipality=cast.municipality_b,
        name="Другая школа с тем же кратким наименованием",
        short_name="Ершовская СОШ",
        kind="school",
    )

    assert Organization.objects.filter(short_name="Ершовская СОШ").count() == 2
    assert organization.municipality == cast.municipality_b


def test_create_organization_validates_fields(cast):
    before = Organization.objects.count()

    with pytest.raises(ValidationError) as error:
        organization_create(actor=cast.user("admin"), municipality=cast.municipality_a, **{**SCHOOL, "kind": "zoo"})

    assert "kind" in error.value.message_dict
    assert Organization.objects.count() == before


# --- organization_update / organization_delete ----------------------------------------------
def test_director_updates_own_organization(cast):
    organization_update(
        actor=cast.user("director"),
        organization=cast.school_a,
        phone="+7 47236 1-23-45",
        address="с. Ерошево,  ул. Школьная, 2",
    )

    school = Organization.objects.get(pk=cast.school_a.pk)
    assert school.phone == "+7 47236 1-23-45"
    assert school.address == "с. Ерошево, ул. Школьная, 2"
    assert school.search_key.endswith("с. ерошево, ул. школьная, 2")


def test_curator_may_not_update_organization(cast):
    with pytest.raises(PermissionDenied):
        organization_update(actor=cast.user("curator"), organization=cast.school_a, short_name="Захвачено")

    assert Organization.objects.get(pk=cast.school_a.pk).short_name == "Ершовская СОШ"


def test_director_may_not_update_another_organization(cast):
    with pytest.raises(PermissionDenied):
        organization_update(actor=cast.user("director"), organization=cast.school_a2, short_name="Моя школа")

    assert Organization.objects.get(pk=cast.school_a2.pk).short_name == "Школа по соседству"


def test_refuses_delete_of_organization_with_people(cast):
    before = Organization.objects.count()

    with pytest.raises(ValidationError) as error:
        organization_delete(actor=cast.user("municipal"), organization=cast.school_a)

    assert _messages(error.value) == "Нельзя удалить организацию, пока в ней есть участники или роли."
    assert Organization.objects.count() == before
    assert Organization.objects.filter(pk=cast.school_a.pk).exists()
    assert cast.partner_a.organizations.filter(pk=cast.school_a.pk).exists()


def test_municipal_coordinator_deletes_empty_organization(cast):
    before = Organization.objects.count()

    organization_delete(actor=cast.user("municipal"), organization=cast.school_a2)

    assert not Organization.objects.filter(pk=cast.school_a2.pk).exists()
    assert Organization.objects.count() == before - 1


@pytest.mark.parametrize("actor", ["director", "curator"])
def test_staff_may_not_delete_organization(cast, actor):
    with pytest.raises(PermissionDenied):
        organization_delete(actor=cast.user(actor), organization=cast.school_a2)

    assert Organization.objects.filter(pk=cast.school_a2.pk).exists()


# --- regions and municipalities --------------------------------------------------------------
def test_regional_coordinator_creates_municipality_in_own_region(cast):
    municipality = municipality_save(actor=cast.user("regional"), region=cast.region_a, name="  Новый   округ ")

    municipality.refresh_from_db()
    assert municipality.name == "Новый округ"
    assert municipality.region == cast.region_a


def test_regional_coordinator_renames_municipality(cast):
    municipality_save(
        actor=cast.user("regional"),
        region=cast.region_a,
        municipality=cast.municipality_a,
        name="Валуйский муниципальный округ",
    )

    assert Municipality.objects.get(pk=cast.municipality_a.pk).name == "Валуйский муниципальный округ"


def test_regional_coordinator_may_not_create_municipality_in_another_region(cast):
    before = Municipality.objects.count()

    with pytest.raises(PermissionDenied):
        municipality_save(actor=cast.user("regional"), region=cast.region_b, name="Чужой округ")

    assert Municipality.objects.count() == before


def test_refuses_duplicate_municipality_in_region(cast):
    before = Municipality.objects.count()

    with pytest.raises(ValidationError):
        municipality_save(actor=cast.user("regional"), region=cast.region_a, name="Валуйский округ")

    assert Municipality.objects.count() == before


def test_admin_creates_region(cast):
    region = region_save(actor=cast.user("admin"), name=" Курская  область", code="46")

    region.refresh_from_db()
    assert (region.name, region.code, region.mentoring_centre) == ("Курская область", "46", "")


@pytest.mark.parametrize("actor", ["regional", "municipal", "director"])
def test_only_admin_saves_regions(cast, actor):
    before = Region.objects.count()

    with pytest.raises(PermissionDenied):
        region_save(actor=cast.user(actor), name="Курская область", code="46")
    with pytest.raises(PermissionDenied):
        region_save(actor=cast.user(actor), region=cast.region_a, name="Переименованная", code="31")

    assert Region.objects.count() == before
    assert Region.objects.get(pk=cast.region_a.pk).name == "Белгородская область"


# --- partners ----------------------------------------------------------------------------------
def test_curator_saves_partner_for_own_organization(cast):
    before = Partner.objects.count()

    partner = partner_save(
        actor=cast.user("curator"),
        region=cast.region_a,
        organizations=[cast.school_a],
        name="ООО  «Агрохолдинг»",
        kind="employer",
        inn="3126000000",
        contact_person="Орлов Олег Олегович",
    )

    partner.refresh_from_db()
    assert Partner.objects.count() == before + 1
    assert partner.region == cast.region_a
    assert partner.name == "ООО «Агрохолдинг»"
    assert list(partner.organizations.all()) == [cast.school_a]
    assert partner.search_key == "ооо «агрохолдинг» 3126000000 орлов олег олегович"


def test_refuses_partner_with_organization_of_another_region(cast):
    before = Partner.objects.count()

    with pytest.raises(ValidationError) as error:
        partner_save(
            actor=cast.user("curator"),
            region=cast.region_a,
            organizations=[cast.school_a, cast.school_b],
            name="ООО «Межрегион»",
            kind="employer",
        )

    assert _messages(error.value) == "Партнёр может работать только с организациями своего региона."
    assert Partner.objects.count() == before


def test_working_group_may_not_save_partner(cast):
    before = Partner.objects.count()

    with pytest.raises(PermissionDenied):
        partner_save(
            actor=cast.user("working_group"),
            region=cast.region_a,
            organizations=[cast.school_a],
            name="ООО «Агрохолдинг»",
            kind="employer",
        )

    assert Partner.objects.count() == before


def test_refuses_duplicate_partner_name_in_region(cast):
    before = Partner.objects.count()

    with pytest.raises(ValidationError):
        partner_save(
            actor=cast.user("regional"),
            region=cast.region_a,
            organizations=[],
            name="АО «Валуйский комбинат»",
            kind="employer",
        )

    assert Partner.objects.count() == before


def test_curator_editing_shared_partner_keeps_other_organizations_links(cast):
    cast.partner_a.organizations.add(cast.school_a2)

    with contextlib.suppress(PermissionDenied):
        partner_save(
            actor=cast.user("curator"),
            region=cast.region_a,
            partner=cast.partner_a,
            organizations=[cast.school_a],
            name="АО «Валуйский комбинат»",
            kind="employer",
        )

    linked = set(Partner.objects.get(pk=cast.partner_a.pk).organizations.values_list("pk", flat=True))
    assert linked == {cast.school_a.pk, cast.school_a2.pk}


def test_curator_may_not_edit_partner_of_another_region(cast):
    with pytest.raises((PermissionDenied, ValidationError)):
        partner_save(
            actor=cast.user("curator"),
            region=cast.region_a,
            partner=cast.partner_b,
            organizations=[cast.school_a],
            name="Переименован чужим куратором",
            kind="employer",
        )

    partner = Partner.objects.get(pk=cast.partner_b.pk)
    assert partner.name == "ООО «Ставропольский завод»"
    assert list(partner.organizations.all()) == [cast.school_b]


# --- academic years ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("today", "start_year"),
    [
        (dt.date(2026, 11, 23), 2026),
        (dt.date(2027, 3, 1), 2026),
        (dt.date(2027, 8, 31), 2026),
        (dt.date(2027, 9, 1), 2027),
    ],
)
@pytest.mark.django_db
def test_academic_year_current_contains_today(today, start_year):
    year = academic_year_current(today=today)

    assert year.start_year == start_year
    assert year.start_date == dt.date(start_year, 9, 1)
    assert year.end_date == dt.date(start_year + 1, 8, 31)
    assert year.contains(today)
    assert str(year) == f"{start_year}/{start_year + 1} учебный год"


@pytest.mark.django_db
def test_academic_year_current_twice_creates_one_row():
    first = academic_year_current(today=dt.date(2026, 11, 23))
    second = academic_year_current(today=dt.date(2027, 3, 1))

    assert first.pk == second.pk
    assert AcademicYear.objects.filter(start_year=2026).count() == 1
    assert AcademicYear.objects.count() == 1


def test_admin_creates_academic_year(cast):
    year = academic_year_create(actor=cast.user("admin"), start_year=2030)

    assert AcademicYear.objects.filter(pk=year.pk, start_year=2030).exists()


@pytest.mark.parametrize("actor", ["regional", "municipal", "director", "curator"])
def test_non_admin_may_not_create_academic_year(cast, actor):
    before = AcademicYear.objects.count()

    with pytest.raises(PermissionDenied):
        academic_year_create(actor=cast.user(actor), start_year=2030)

    assert AcademicYear.objects.count() == before


def test_refuses_duplicate_academic_year(cast):
    academic_year_create(actor=cast.user("admin"), start_year=2030)

    with pytest.raises(ValidationError):
        academic_year_create(actor=cast.user("admin"), start_year=2030)

    assert AcademicYear.objects.filter(start_year=2030).count() == 1


@pytest.mark.parametrize("start_year", [1999, 2101])
def test_refuses_academic_year_out_of_range(cast, start_year):
    with pytest.raises(ValidationError):
        academic_year_create(actor=cast.user("admin"), start_year=start_year)

    assert not AcademicYear.objects.filter(start_year=start_year).exists()
