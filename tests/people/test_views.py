"""People pages as a curator, a coordinator and participants use them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nastavnik.people.models import Category, GuardianLink, Person, Role, RoleKind
from tests.factories import PersonFactory


def _content(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("query", ["иванов", "ИВАНОВА", "Иванова мария", "мария иванова", "7б"])
def test_search_ignores_case_in_cyrillic(client_for, cast, query):
    response = client_for("curator").get(reverse("people:list"), {"q": query})
    assert response.status_code == 200
    assert "Иванова Мария Петровна" in _content(response)
    assert "Сидоров Пётр" not in _content(response)


def test_search_treats_yo_as_ye(client_for, cast):
    response = client_for("curator").get(reverse("people:list"), {"q": "петр сидоров"})
    assert "Сидоров Пётр Ильич" in _content(response)


def test_filters_by_category_class_and_role(client_for, cast):
    client = client_for("curator")
    pupils = _content(client.get(reverse("people:list"), {"category": Category.PUPIL}))
    assert "Иванова Мария" in pupils
    assert "Сидоров Пётр" not in pupils
    by_class = _content(client.get(reverse("people:list"), {"class_name": "7Б"}))
    assert "Иванова Мария" in by_class
    assert "Дмитриева" not in by_class
    mentors = _content(client.get(reverse("people:list"), {"role": RoleKind.MENTOR}))
    assert "Зайцева" in mentors
    assert "Иванова Мария" not in mentors


def test_filter_minors_without_guardian(client_for, cast):
    content = _content(client_for("curator").get(reverse("people:list"), {"without_guardian": "on"}))
    assert "Дмитриева" in content  # the 12-year-old mentee has no guardian linked
    assert "Иванова Мария" not in content  # her mother is linked


def test_htmx_request_gets_only_the_results(client_for, cast):
    response = client_for("curator").get(reverse("people:list"), {"q": "иванова"}, HTTP_HX_REQUEST="true")
    content = _content(response)
    assert "Иванова Мария" in content
    assert "<html" not in content
    assert 'id="results"' not in content


def test_list_is_paginated(client_for, cast):
    PersonFactory.create_batch(30, organization=cast.school_a, last_name="Яковлева")
    client = client_for("curator")
    first = _content(client.get(reverse("people:list"), {"q": "яковлева"}))
    assert "Найдено: 30" in first
    assert "Страница 1 из 2" in first
    second = _content(client.get(reverse("people:list"), {"q": "яковлева", "page": 2}))
    assert "Страница 2 из 2" in second


def test_list_query_count_does_not_grow_with_rows(client_for, cast):
    client = client_for("curator")
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("people:list"))
    people = PersonFactory.create_batch(20, organization=cast.school_a, last_name="Орлова")
    for person in people:
        Role.objects.create(person=person, kind=RoleKind.MENTEE, organization=cast.school_a)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("people:list"))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_coordinator_sees_people_of_the_region_read_only(client_for, cast):
    client = client_for("regional")
    content = _content(client.get(reverse("people:list")))
    assert "Иванова Мария" in content
    assert "Ставропольцева" not in content
    card = _content(client.get(reverse("people:detail", args=[cast.pupil_a.pk])))
    assert reverse("people:edit", args=[cast.pupil_a.pk]) not in card


def test_curator_creates_person_with_russian_field_errors(client_for, cast):
    client = client_for("curator")
    response = client.post(
        reverse("people:create"),
        {"organization": cast.school_a.pk, "last_name": "", "first_name": "Анна", "category": "pupil", "email": "нет"},
    )
    assert response.status_code == 200
    content = _content(response)
    assert "Обязательное поле." in content
    assert "Введите правильный адрес электронной почты." in content
    assert not Person.objects.filter(first_name="Анна", last_name="").exists()


def test_curator_creates_person_and_gender_comes_from_patronymic(client_for, cast):
    response = client_for("curator").post(
        reverse("people:create"),
        {
            "organization": cast.school_a.pk,
            "last_name": "смирнов",
            "first_name": "егор",
            "patronymic": "андреевич",
            "category": "pupil",
            "class_name": "8 а",
            "birth_date": "2012-05-04",
        },
    )
    person = Person.objects.get(last_name="Смирнов")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert (person.first_name, person.patronymic, person.gender, person.class_name) == ("Егор", "Андреевич", "m", "8А")


def test_duplicate_person_is_refused_with_a_clear_message(client_for, cast):
    data = {
        "organization": cast.school_a.pk,
        "last_name": "ИВАНОВА",
        "first_name": "мария",
        "patronymic": "Петровна",
        "gender": "f",
        "category": "pupil",
        "birth_date": cast.pupil_a.birth_date.isoformat(),
    }
    response = client_for("curator").post(reverse("people:create"), data)
    assert response.status_code == 200
    assert "уже есть в этой организации" in _content(response)
    assert Person.objects.filter(last_name="Иванова", first_name="Мария").count() == 1


def test_birth_date_in_future_is_a_field_error(client_for, cast):
    response = client_for("curator").post(
        reverse("people:edit", args=[cast.teacher_a.pk]),
        {
            "last_name": "Сидоров",
            "first_name": "Пётр",
            "patronymic": "Ильич",
            "category": "staff",
            "birth_date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Дата рождения не может быть в будущем." in _content(response)


def test_garbage_input_never_gives_500(client_for, cast):
    client = client_for("curator")
    for data in (
        {"organization": "abc", "birth_date": "31.02.2020", "gender": "x", "category": "dragon"},
        {"organization": str(cast.school_b.pk), "last_name": "А" * 500},
        {},
    ):
        assert client.post(reverse("people:create"), data).status_code == 200
    assert client.get(reverse("people:list"), {"page": "абв", "organization": "x", "role": "z"}).status_code == 200


def test_person_card_shows_roles_guardians_and_account(client_for, cast):
    content = _content(client_for("curator").get(reverse("people:detail", args=[cast.pupil_a.pk])))
    assert "Иванова Мария Петровна" in content
    assert "Иванова Ольга" in content  # the mother
    assert "мать" in content
    assert "Создать учётную запись" in content


def test_guardian_sees_own_child_but_not_other_pupils(client_for, cast):
    client = client_for("guardian")
    assert client.get(reverse("people:detail", args=[cast.pupil_a.pk])).status_code == 200
    assert client.get(reverse("people:detail", args=[cast.teacher_a.pk])).status_code == 404
    assert client.get(reverse("people:list")).status_code == 403


def test_mentor_sees_own_card_only(client_for, cast):
    client = client_for("mentor")
    own = cast.user("mentor").person
    assert client.get(reverse("people:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("people:detail", args=[cast.pupil_a.pk])).status_code == 404


def test_history_shows_who_changed_what(client_for, cast):
    client = client_for("curator")
    client.post(
        reverse("people:edit", args=[cast.teacher_a.pk]),
        {"last_name": "Сидоров", "first_name": "Пётр", "patronymic": "Ильич", "category": "staff", "phone": "+7 900 1"},
    )
    client.post(
        reverse("people:role_add", args=[cast.teacher_a.pk]), {"kind": "mentor", "organization": cast.school_a.pk}
    )
    content = _content(client.get(reverse("people:history", args=[cast.teacher_a.pk])))
    assert "+7 900 1" in content
    assert "Наставник" in content or "mentor" in content
    assert "Казакова" in content  # the curator who made the change


def test_role_add_and_remove(client_for, cast):
    client = client_for("curator")
    response = client.post(
        reverse("people:role_add", args=[cast.teacher_a.pk]), {"kind": "mentor", "organization": cast.school_a.pk}
    )
    assert response.status_code == 302
    role = Role.objects.get(person=cast.teacher_a, kind="mentor")
    again = client.post(
        reverse("people:role_add", args=[cast.teacher_a.pk]), {"kind": "mentor", "organization": cast.school_a.pk}
    )
    assert "уже есть роль" in _content(again)
    client.post(reverse("people:role_delete", args=[cast.teacher_a.pk, role.pk]))
    assert not Role.objects.filter(pk=role.pk).exists()


def test_curator_cannot_appoint_a_director(client_for, cast):
    form = client_for("curator").get(reverse("people:role_add", args=[cast.teacher_a.pk]))
    assert 'value="director"' not in _content(form)


def test_guardian_add_links_a_parent(client_for, cast):
    parent = PersonFactory(organization=cast.school_a, last_name="Дмитриев", first_name="Борис", category="parent")
    mentee = cast.user("mentee").person
    response = client_for("curator").post(
        reverse("people:guardian_add", args=[mentee.pk]), {"guardian": parent.pk, "kind": "father"}
    )
    assert response.status_code == 302
    assert GuardianLink.objects.filter(guardian=parent, child=mentee, kind="father").exists()
    assert Role.objects.filter(person=parent, kind=RoleKind.GUARDIAN, organization=cast.school_a).exists()


def test_account_create_shows_password_once_and_it_works(client_for, cast, client):
    response = client_for("curator").post(reverse("people:account_create", args=[cast.teacher_a.pk]))
    content = _content(response)
    cast.teacher_a.refresh_from_db()
    user = cast.teacher_a.user
    assert user.username in content
    password = response.context["password"]
    assert password in content
    assert user.check_password(password)
    again = client.post(reverse("people:account_create", args=[cast.teacher_a.pk]), follow=True)
    assert "уже есть учётная запись" in _content(again)


def test_delete_person_asks_then_deletes(client_for, cast):
    client = client_for("curator")
    url = reverse("people:delete", args=[cast.teacher_a.pk])
    assert "Удалить карточку" in _content(client.get(url))
    assert client.post(url).status_code == 302
    assert not Person.objects.filter(pk=cast.teacher_a.pk).exists()


def test_home_of_each_role(client_for, cast):
    curator_home = _content(client_for("curator").get(reverse("home")))
    assert "Что сделать в" in curator_home
    assert "без законного представителя" in curator_home
    regional_home = _content(client_for("regional").get(reverse("home")))
    assert "Мои организации" in regional_home
    assert "Ершовская СОШ" in regional_home
    assert "Гимназия № 9" not in regional_home
    mentor_home = _content(client_for("mentor").get(reverse("home")))
    assert "Мои наставляемые" in mentor_home
    guardian_home = _content(client_for("guardian").get(reverse("home")))
    assert "Мои дети" in guardian_home
    assert "Иванова Мария Петровна" in guardian_home
    nobody = _content(client_for("no_role").get(reverse("home")))
    assert "не назначена ни одна роль" in nobody


def test_navigation_depends_on_role(client_for, cast):
    mentor_nav = _content(client_for("mentor").get(reverse("home")))
    assert f'href="{reverse("people:list")}"' not in mentor_nav
    assert "Моя карточка" in mentor_nav
    curator_nav = _content(client_for("curator").get(reverse("home")))
    assert f'href="{reverse("people:list")}"' in curator_nav
    assert reverse("orgs:region_list") not in curator_nav


def test_regional_coordinator_adds_a_municipal_specialist(client_for, cast):
    response = client_for("regional").post(
        reverse("people:create"),
        {
            "municipality": cast.municipality_a.pk,
            "last_name": "Гусева",
            "first_name": "Вера",
            "patronymic": "Павловна",
            "category": "staff",
            "position": "главный специалист",
        },
    )
    person = Person.objects.get(last_name="Гусева")
    assert response.status_code == 302
    assert (person.organization, person.municipality, person.region) == (None, cast.municipality_a, cast.region_a)


def test_person_needs_exactly_one_place(client_for, cast):
    client = client_for("admin")
    base = {"last_name": "Гусева", "first_name": "Вера", "patronymic": "Павловна", "category": "staff"}
    none = client.post(reverse("people:create"), base)
    assert "Укажите организацию участника." in _content(none)
    both = client.post(reverse("people:create"), {**base, "organization": cast.school_a.pk, "region": cast.region_a.pk})
    assert "Выберите что-то одно" in _content(both)
    assert not Person.objects.filter(last_name="Гусева").exists()


def test_curator_form_has_no_municipality_choice(client_for, cast):
    content = _content(client_for("curator").get(reverse("people:create")))
    assert 'name="municipality"' not in content
    assert 'name="region"' not in content


def test_import_link_only_for_those_who_may_import(client_for, cast):
    assert "Импорт списка" in _content(client_for("curator").get(reverse("people:list")))
    assert "Импорт списка" not in _content(client_for("regional").get(reverse("people:list")))
