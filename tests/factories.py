"""Factories for tests. Keys (search_key, fio_key) are filled the way the services fill them."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from nastavnik.core.text import search_key
from nastavnik.orgs.models import Municipality, Organization, Partner, Region
from nastavnik.people.models import Category, Gender, GuardianLink, Person, Role


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Область №{n}")
    code = factory.Sequence(lambda n: f"R{n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Муниципалитет №{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Муниципальное бюджетное общеобразовательное учреждение «Школа № {n}»")
    short_name = factory.Sequence(lambda n: f"Школа № {n}")
    kind = "school"
    search_key = factory.LazyAttribute(lambda o: search_key(o.short_name, o.name))


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"ООО «Партнёр {n}»")
    kind = "employer"
    search_key = factory.LazyAttribute(lambda o: search_key(o.name))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organization = factory.SubFactory(OrganizationFactory)
    municipality = factory.LazyAttribute(lambda o: o.organization.municipality if o.organization else None)
    region = factory.LazyAttribute(lambda o: o.organization.municipality.region if o.organization else None)
    last_name = "Петрова"
    first_name = factory.Sequence(lambda n: ["Анна", "Мария", "Елена", "Ольга"][n % 4])
    patronymic = "Сергеевна"
    gender = Gender.FEMALE
    birth_date = factory.Sequence(lambda n: dt.date(1980, 1, 1) + dt.timedelta(days=n))
    category = Category.STAFF
    class_name = ""
    fio_key = factory.LazyAttribute(lambda o: search_key(o.last_name, o.first_name, o.patronymic))
    search_key = factory.LazyAttribute(lambda o: search_key(o.last_name, o.first_name, o.patronymic, o.class_name))


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    person = factory.SubFactory(PersonFactory)
    kind = "curator"


class GuardianLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuardianLink

    kind = "mother"
