"""Organisation pages: lists scoped by role, CRUD for those who may, Russian errors."""

import pytest
from django.urls import reverse

from nastavnik.orgs.models import AcademicYear, Municipality, Organization, Partner


def _content(response) -> str:
    return response.content.decode()


def test_regional_coordinator_lists_own_region_organizations(client_for, cast):
    content = _content(client_for("regional").get(reverse("orgs:organization_list")))
    assert "Ершовская СОШ" in content
    assert "Школа по соседству" in content
    assert "Гимназия № 9" not in content


def test_curator_lists_only_own_organization(client_for, cast):
    content = _content(client_for("curator").get(reverse("orgs:organization_list")))
    assert "Ершовская СОШ" in content
    assert "Школа по соседству" not in content


def test_organization_search_ignores_case(client_for, cast):
    content = _content(client_for("regional").get(reverse("orgs:organization_list"), {"q": "ЕРШОВСКАЯ"}))
    assert "Ершовская СОШ" in content
    assert "Школа по соседству" not in content


def test_municipal_coordinator_creates_organization(client_for, cast):
    response = client_for("municipal").post(
        reverse("orgs:organization_create"),
        {
            "municipality": cast.municipality_a.pk,
            "name": "Муниципальное бюджетное общеобразовательное учреждение «Лицей № 1»",
            "short_name": "Лицей № 1",
            "kind": "gymnasium",
            "website": "lyceum1.example.ru",
        },
    )
    organization = Organization.objects.get(short_name="Лицей № 1")
    assert response.status_code == 302
    assert organization.website == "https://lyceum1.example.ru"
    assert organization.municipality == cast.municipality_a


def test_duplicate_organization_name_is_a_form_error(client_for, cast):
    response = client_for("municipal").post(
        reverse("orgs:organization_create"),
        {"municipality": cast.municipality_a.pk, "name": "Школа", "short_name": "Ершовская СОШ", "kind": "school"},
    )
    assert response.status_code == 200
    assert "уже есть" in _content(response)
    assert Organization.objects.filter(short_name="Ершовская СОШ").count() == 1


def test_municipal_coordinator_cannot_create_in_other_municipality(client_for, cast):
    other = Municipality.objects.create(region=cast.region_a, name="Другой округ")
    response = client_for("municipal").post(
        reverse("orgs:organization_create"),
        {"municipality": other.pk, "name": "Школа", "short_name": "Школа X", "kind": "school"},
    )
    assert response.status_code == 200  # not a choice the form offers
    assert "Выберите корректный вариант" in _content(response)
    assert not Organization.objects.filter(short_name="Школа X").exists()


def test_director_edits_own_organization(client_for, cast):
    response = client_for("director").post(
        reverse("orgs:organization_edit", args=[cast.school_a.pk]),
        {"name": cast.school_a.name, "short_name": "Ершовская СОШ", "kind": "school", "phone": "+7 (47236) 5-00-00"},
    )
    assert response.status_code == 302
    cast.school_a.refresh_from_db()
    assert cast.school_a.phone == "+7 (47236) 5-00-00"


def test_organization_with_people_cannot_be_deleted(client_for, cast):
    response = client_for("regional").post(reverse("orgs:organization_delete", args=[cast.school_a.pk]), follow=True)
    assert "пока в ней есть участники" in _content(response)
    assert Organization.objects.filter(pk=cast.school_a.pk).exists()


def test_empty_organization_is_deleted(client_for, cast):
    response = client_for("regional").post(reverse("orgs:organization_delete", args=[cast.school_a2.pk]))
    assert response.status_code == 302
    assert not Organization.objects.filter(pk=cast.school_a2.pk).exists()


def test_regional_coordinator_adds_municipality(client_for, cast):
    response = client_for("regional").post(
        reverse("orgs:municipality_create", args=[cast.region_a.pk]), {"name": "Алексеевский округ"}
    )
    assert response.status_code == 302
    assert Municipality.objects.filter(region=cast.region_a, name="Алексеевский округ").exists()


def test_region_detail_lists_municipalities(client_for, cast):
    content = _content(client_for("regional").get(reverse("orgs:region_detail", args=[cast.region_a.pk])))
    assert "Валуйский округ" in content
    assert "Город Ставрополь" not in content


def test_admin_creates_region(client_for, cast):
    response = client_for("admin").post(reverse("orgs:region_create"), {"name": "Курская область", "code": "46"})
    assert response.status_code == 302


def test_curator_adds_partner_linked_to_own_school(client_for, cast):
    client = client_for("curator")
    form = _content(client.get(reverse("orgs:partner_create")))
    assert "Школа по соседству" not in form
    response = client.post(
        reverse("orgs:partner_create"),
        {"name": "ООО «Агрохолдинг»", "kind": "employer", "inn": "3126001234", "organizations": [cast.school_a.pk]},
    )
    assert response.status_code == 302
    partner = Partner.objects.get(name="ООО «Агрохолдинг»")
    assert list(partner.organizations.all()) == [cast.school_a]
    assert partner.region == cast.region_a


def test_partner_inn_is_validated(client_for, cast):
    response = client_for("curator").post(
        reverse("orgs:partner_create"), {"name": "ИП Иванов", "kind": "employer", "inn": "12ab"}
    )
    assert "ИНН состоит из 10 цифр" in _content(response)


def test_partner_list_is_scoped(client_for, cast):
    content = _content(client_for("curator").get(reverse("orgs:partner_list")))
    assert "Валуйский комбинат" in content
    assert "Ставропольский завод" not in content


@pytest.mark.parametrize("start_year", ["1999", "abc"])
def test_year_create_rejects_bad_input(client_for, cast, start_year):
    before = AcademicYear.objects.count()
    response = client_for("admin").post(reverse("orgs:year_list"), {"start_year": start_year})
    assert response.status_code == 200
    assert AcademicYear.objects.count() == before


def test_years_page_shows_current_year(client_for, cast):
    content = _content(client_for("admin").get(reverse("orgs:year_list")))
    assert "учебный год" in content
    assert "1 сентября" in content
