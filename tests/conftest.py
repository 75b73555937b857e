"""The shared cast (healthchecks' Alice/Bob/Charlie, grown for our roles).

Region A → municipality A → school A (with people of every role) and school A2 next door;
region B → municipality B → school B with its own curator (the outsider).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from nastavnik.core.text import years_before
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Category, Gender, RoleKind

from .factories import (
    GuardianLinkFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PartnerFactory,
    PersonFactory,
    RegionFactory,
    RoleFactory,
    UserFactory,
)


@dataclass
class Cast:
    region_a: object
    municipality_a: object
    school_a: object
    school_a2: object
    region_b: object
    municipality_b: object
    school_b: object
    partner_a: object
    partner_b: object
    pupil_a: object
    parent_a: object
    teacher_a: object
    person_b: object
    users: dict

    def user(self, name):
        return self.users[name]


def _person_with_login(username, *, organization=None, municipality=None, region=None, roles=(), **data):
    user = UserFactory(username=username)
    if organization is not None:
        municipality, region = organization.municipality, organization.municipality.region
    elif municipality is not None:
        region = municipality.region
    person = PersonFactory(organization=organization, municipality=municipality, region=region, user=user, **data)
    for kind, scope in roles:
        RoleFactory(person=person, kind=kind, **scope)
    return user


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


def flush_database() -> None:
    """Empty the test database after data committed outside a test (a module- or package-wide fixture)
    and load again the catalogues the migrations had loaded."""
    from django.core.management import call_command

    from nastavnik.pools.services import request_categories_sync
    from nastavnik.programs.services import mentoring_forms_sync

    call_command("flush", interactive=False, verbosity=0)
    mentoring_forms_sync()
    request_categories_sync()


def build_cast() -> Cast:
    today = timezone.localdate()
    academic_year_current(today=today)
    region_a = RegionFactory(name="Белгородская область", code="31")
    municipality_a = MunicipalityFactory(region=region_a, name="Валуйский округ")
    school_a = OrganizationFactory(municipality=municipality_a, short_name="Ершовская СОШ")
    school_a2 = OrganizationFactory(municipality=municipality_a, short_name="Школа по соседству")
    region_b = RegionFactory(name="Ставропольский край", code="26")
    municipality_b = MunicipalityFactory(region=region_b, name="Город Ставрополь")
    school_b = OrganizationFactory(municipality=municipality_b, short_name="Гимназия № 9")
    partner_a = PartnerFactory(region=region_a, name="АО «Валуйский комбинат»")
    partner_a.organizations.add(school_a)
    partner_b = PartnerFactory(region=region_b, name="ООО «Ставропольский завод»")
    partner_b.organizations.add(school_b)

    org_a = {"organization": school_a}
    users = {
        "admin": _person_with_login(
            "admin", region=region_a, last_name="Админов", roles=[(RoleKind.PLATFORM_ADMIN, {})]
        ),
        "regional": _person_with_login(
            "regional",
            region=region_a,
            last_name="Лебедева",
            roles=[(RoleKind.REGIONAL_COORDINATOR, {"region": region_a})],
        ),
        "municipal": _person_with_login(
            "municipal",
            municipality=municipality_a,
            last_name="Морозова",
            roles=[(RoleKind.MUNICIPAL_COORDINATOR, {"municipality": municipality_a})],
        ),
        "director": _person_with_login(
            "director", organization=school_a, last_name="Павлова", roles=[(RoleKind.DIRECTOR, org_a)]
        ),
        "curator": _person_with_login(
            "curator", organization=school_a, last_name="Казакова", roles=[(RoleKind.CURATOR, org_a)]
        ),
        "working_group": _person_with_login(
            "working_group", organization=school_a, last_name="Смирнова", roles=[(RoleKind.WORKING_GROUP, org_a)]
        ),
        "mentor": _person_with_login(
            "mentor", organization=school_a, last_name="Зайцева", roles=[(RoleKind.MENTOR, org_a)]
        ),
        "mentee": _person_with_login(
            "mentee",
            organization=school_a,
            last_name="Дмитриева",
            category=Category.PUPIL,
            birth_date=years_before(today, 12),
            roles=[(RoleKind.MENTEE, org_a)],
        ),
        "outsider": _person_with_login(
            "outsider", organization=school_b, last_name="Чужая", roles=[(RoleKind.CURATOR, {"organization": school_b})]
        ),
        "outsider_regional": _person_with_login(
            "outsider_regional",
            region=region_b,
            last_name="Дальняя",
            roles=[(RoleKind.REGIONAL_COORDINATOR, {"region": region_b})],
        ),
        "no_role": _person_with_login("no_role", organization=school_a, last_name="Безролева"),
    }
    pupil_a = PersonFactory(
        organization=school_a,
        last_name="Иванова",
        first_name="Мария",
        patronymic="Петровна",
        category=Category.PUPIL,
        class_name="7Б",
        birth_date=years_before(today, 13) - dt.timedelta(days=10),
    )
    parent_a = users["guardian"] = _person_with_login(
        "guardian",
        organization=school_a,
        last_name="Иванова",
        first_name="Ольга",
        category=Category.PARENT,
        roles=[(RoleKind.GUARDIAN, org_a)],
    )
    parent_person = parent_a.person
    GuardianLinkFactory(guardian=parent_person, child=pupil_a, kind="mother")
    teacher_a = PersonFactory(
        organization=school_a, last_name="Сидоров", first_name="Пётр", patronymic="Ильич", gender=Gender.MALE
    )
    person_b = PersonFactory(organization=school_b, last_name="Ставропольцева", first_name="Анна")
    return Cast(
        region_a=region_a,
        municipality_a=municipality_a,
        school_a=school_a,
        school_a2=school_a2,
        region_b=region_b,
        municipality_b=municipality_b,
        school_b=school_b,
        partner_a=partner_a,
        partner_b=partner_b,
        pupil_a=pupil_a,
        parent_a=parent_person,
        teacher_a=teacher_a,
        person_b=person_b,
        users=users,
    )


@pytest.fixture
def client_for(client, cast):
    """client_for("curator") → a test client logged in as that member of the cast."""

    def login(name):
        client.force_login(cast.user(name))
        return client

    return login


def pytest_collection_modifyitems(config, items):
    """On the PostgreSQL pass (DB_ONLY=1, set by `make test-postgres`) run only the tests that touch
    the database: pure-Python tests (declension, parsers, catalogue data) already ran on SQLite. The
    browser tests (tests/e2e) drive the same views that the view tests run on both databases; they run on
    SQLite only, which keeps `make test` under ten minutes (E2E_ON_POSTGRES=1 runs them here too)."""
    import os

    if not os.environ.get("DB_ONLY"):
        return
    keep, drop = [], []
    for item in items:
        uses_db = "_django_db_helper" in item.fixturenames or item.get_closest_marker("django_db")
        if "/tests/e2e/" in str(item.path) and not os.environ.get("E2E_ON_POSTGRES"):
            uses_db = False
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
