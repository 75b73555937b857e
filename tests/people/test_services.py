"""Services of people: persons, guardians, roles and accounts, checked against the shared cast."""

import datetime as dt

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone

from nastavnik.core.text import years_before
from nastavnik.people.models import Category, Gender, GuardianLink, Person, Role, RoleKind
from nastavnik.people.services import (
    account_create,
    account_reset_password,
    guardian_link,
    guardian_unlink,
    person_create,
    person_delete,
    person_update,
    role_grant,
    role_revoke,
    transliterate,
)

from ..factories import PersonFactory

User = get_user_model()


def _pupil(cast, actor="curator", **data):
    fields = {
        "last_name": "иванов",
        "first_name": "иван",
        "patronymic": "иванович",
        "category": Category.PUPIL,
        "class_name": "7 б",
        "birth_date": dt.date(2013, 5, 17),
    }
    fields.update(data)
    return person_create(actor=cast.user(actor), organization=cast.school_a, **fields)


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _can_log_in(username: str, password: str) -> bool:
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=password) is not None


# --- person_create ---------------------------------------------------------------------------
def test_curator_creates_person_with_scope_copied_from_organization(cast):
    person = _pupil(cast)

    person.refresh_from_db()
    assert person.organization == cast.school_a
    assert person.municipality == cast.municipality_a
    assert person.region == cast.region_a


def test_create_capitalises_names_and_normalises_class(cast):
    person = _pupil(cast)

    person.refresh_from_db()
    assert (person.last_name, person.first_name, person.patronymic) == ("Иванов", "Иван", "Иванович")
    assert person.class_name == "7Б"


def test_create_fills_search_and_fio_keys(cast):
    person = _pupil(cast, email="Ivanov@Example.RU", phone="+7 900 000-00-00")

    person.refresh_from_db()
    assert person.fio_key == "иванов иван иванович"
    assert person.search_key == "иванов иван иванович 7б ivanov@example.ru +7 900 000-00-00"
    assert person.email == "ivanov@example.ru"


def test_create_infers_male_gender_from_patronymic(cast):
    person = _pupil(cast, patronymic="Сергеевич")
    assert person.gender == Gender.MALE


def test_create_infers_female_gender_from_patronymic(cast):
    person = _pupil(cast, first_name="Анна", patronymic="Сергеевна")
    assert person.gender == Gender.FEMALE


def test_create_keeps_gender_given_in_form(cast):
    person = _pupil(cast, first_name="Саша", patronymic="Сергеевич", gender=Gender.FEMALE)
    assert person.gender == Gender.FEMALE


@pytest.mark.parametrize("patronymic", ["", "Джонсон"])
def test_create_without_gender_and_unhelpful_patronymic_asks_for_gender(cast, patronymic):
    before = Person.objects.count()

    with pytest.raises(ValidationError) as error:
        _pupil(cast, patronymic=patronymic)

    assert set(error.value.message_dict) == {"gender"}
    assert Person.objects.count() == before


def test_create_requires_last_and_first_name(cast):
    with pytest.raises(ValidationError) as error:
        _pupil(cast, last_name="  ", first_name="")

    assert {"last_name", "first_name"} <= set(error.value.message_dict)


def test_refuses_birth_date_in_the_future(cast):
    before = Person.objects.count()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        _pupil(cast, birth_date=tomorrow)

    assert error.value.message_dict == {"birth_date": ["Дата рождения не может быть в будущем."]}
    assert Person.objects.count() == before


# --- duplicates ------------------------------------------------------------------------------
def test_refuses_duplicate_in_same_organization(cast):
    _pupil(cast, last_name="Фёдорова", first_name="Мария", patronymic="Петровна")
    before = Person.objects.count()

    with pytest.raises(ValidationError) as error:
        _pupil(cast, last_name="ФЕДОРОВА", first_name="мария", patronymic="ПЕТРОВНА")

    message = _messages(error.value)
    assert "Федорова Мария Петровна" in message
    assert "17.05.2013" in message
    assert "уже есть в этой организации" in message
    assert Person.objects.count() == before


def test_refuses_duplicate_of_person_from_cast(cast):
    """The cast's pupil «Иванова Мария Петровна» typed again in lower case."""
    before = Person.objects.count()

    with pytest.raises(ValidationError) as error:
        _pupil(
            cast,
            last_name="иванова",
            first_name="мария",
            patronymic="петровна",
            birth_date=cast.pupil_a.birth_date,
        )

    assert "Иванова Мария Петровна" in _messages(error.value)
    assert Person.objects.count() == before


def test_allows_same_person_in_another_organization(cast):
    _pupil(cast)

    other = person_create(
        actor=cast.user("outsider"),
        organization=cast.school_b,
        last_name="Иванов",
        first_name="Иван",
        patronymic="Иванович",
        category=Category.PUPIL,
        birth_date=dt.date(2013, 5, 17),
    )

    assert other.organization == cast.school_b
    assert Person.objects.filter(fio_key="иванов иван иванович").count() == 2


def test_allows_same_name_with_another_birth_date(cast):
    first = _pupil(cast)
    second = _pupil(cast, birth_date=dt.date(2014, 1, 2))

    assert first.pk != second.pk
    assert Person.objects.filter(organization=cast.school_a, fio_key="иванов иван иванович").count() == 2


def test_update_refuses_to_turn_person_into_duplicate(cast):
    _pupil(cast)
    other = _pupil(cast, birth_date=dt.date(2014, 1, 2))

    with pytest.raises(ValidationError):
        person_update(actor=cast.user("curator"), person=other, birth_date=dt.date(2013, 5, 17))

    other.refresh_from_db()
    assert other.birth_date == dt.date(2014, 1, 2)


# --- rights to create ----------------------------------------------------------------------
@pytest.mark.parametrize("actor", ["working_group", "mentor", "regional", "outsider", "no_role"])
def test_refuses_create_without_rights_in_organization(cast, actor):
    before = Person.objects.count()

    with pytest.raises(PermissionDenied):
        _pupil(cast, actor=actor)

    assert Person.objects.count() == before


@pytest.mark.parametrize("actor", ["director", "admin"])
def test_director_and_admin_may_create(cast, actor):
    before = Person.objects.count()

    person = _pupil(cast, actor=actor)

    assert Person.objects.count() == before + 1
    assert person.organization == cast.school_a


# --- person_update / person_delete ---------------------------------------------------------
def test_curator_updates_person(cast):
    person = person_update(
        actor=cast.user("curator"),
        person=cast.teacher_a,
        position="учитель  математики",
        subject="Математика",
        phone="+7 900 111-22-33",
    )

    person.refresh_from_db()
    assert person.position == "учитель математики"
    assert person.subject == "Математика"
    assert person.phone == "+7 900 111-22-33"
    assert person.search_key.endswith("+7 900 111-22-33")


def test_update_renames_and_refreshes_keys(cast):
    person_update(actor=cast.user("curator"), person=cast.pupil_a, last_name="смирнова", class_name="8 б")

    pupil = Person.objects.get(pk=cast.pupil_a.pk)
    assert pupil.last_name == "Смирнова"
    assert pupil.class_name == "8Б"
    assert pupil.fio_key == "смирнова мария петровна"


def test_outsider_may_not_update_person(cast):
    with pytest.raises(PermissionDenied):
        person_update(actor=cast.user("outsider"), person=cast.teacher_a, last_name="Взломов")

    assert Person.objects.get(pk=cast.teacher_a.pk).last_name == "Сидоров"


def test_delete_removes_person_and_their_user(cast):
    mentor = cast.user("mentor").person
    before = Person.objects.count()

    person_delete(actor=cast.user("curator"), person=mentor)

    assert not Person.objects.filter(pk=mentor.pk).exists()
    assert not User.objects.filter(username="mentor").exists()
    assert not Role.objects.filter(person_id=mentor.pk).exists()
    assert Person.objects.count() == before - 1


def test_delete_removes_guardian_links_of_child(cast):
    person_delete(actor=cast.user("curator"), person=cast.pupil_a)

    assert not GuardianLink.objects.filter(child_id=cast.pupil_a.pk).exists()
    assert Person.objects.filter(pk=cast.parent_a.pk).exists()


def test_curator_may_not_delete_own_card(cast):
    curator = cast.user("curator")
    before = Person.objects.count()

    with pytest.raises(ValidationError) as error:
        person_delete(actor=curator, person=curator.person)

    assert _messages(error.value) == "Нельзя удалить собственную карточку."
    assert Person.objects.count() == before
    assert User.objects.filter(username="curator").exists()


def test_outsider_may_not_delete_person(cast):
    with pytest.raises(PermissionDenied):
        person_delete(actor=cast.user("outsider"), person=cast.teacher_a)

    assert Person.objects.filter(pk=cast.teacher_a.pk).exists()


# --- guardians -------------------------------------------------------------------------------
def _adult(cast, **data):
    fields = {"organization": cast.school_a, "last_name": "Кузнецов", "first_name": "Олег"}
    fields.update(data)
    return PersonFactory(
        patronymic="Андреевич",
        gender=Gender.MALE,
        category=Category.PARENT,
        birth_date=dt.date(1985, 3, 3),
        **fields,
    )


def _minor(cast, organization=None):
    return PersonFactory(
        organization=organization or cast.school_a,
        last_name="Кузнецова",
        first_name="Вера",
        category=Category.PUPIL,
        birth_date=years_before(timezone.localdate(), 10),
    )


def test_guardian_link_links_parent_and_grants_guardian_role(cast):
    father, child = _adult(cast), _minor(cast)

    link = guardian_link(actor=cast.user("curator"), child=child, guardian=father, kind="father")

    assert (link.guardian_id, link.child_id, link.kind) == (father.pk, child.pk, "father")
    roles = Role.objects.filter(person=father, kind=RoleKind.GUARDIAN)
    assert list(roles.values_list("organization_id", flat=True)) == [cast.school_a.pk]


def test_guardian_link_is_idempotent(cast):
    father, child = _adult(cast), _minor(cast)
    curator = cast.user("curator")

    first = guardian_link(actor=curator, child=child, guardian=father, kind="father")
    second = guardian_link(actor=curator, child=child, guardian=father, kind="father")

    assert first.pk == second.pk
    assert GuardianLink.objects.filter(guardian=father, child=child).count() == 1
    assert Role.objects.filter(person=father, kind=RoleKind.GUARDIAN).count() == 1


def test_guardian_link_again_updates_kind(cast):
    guardian, child = _adult(cast), _minor(cast)
    curator = cast.user("curator")
    guardian_link(actor=curator, child=child, guardian=guardian, kind="father")

    guardian_link(actor=curator, child=child, guardian=guardian, kind="other")

    assert GuardianLink.objects.get(guardian=guardian, child=child).kind == "other"


def _assert_link_refused(cast, *, child, guardian):
    links, roles = GuardianLink.objects.count(), Role.objects.count()
    with pytest.raises(ValidationError) as error:
        guardian_link(actor=cast.user("curator"), child=child, guardian=guardian, kind="mother")
    assert GuardianLink.objects.count() == links
    assert Role.objects.count() == roles
    return _messages(error.value)


def test_guardian_link_refuses_adult_child(cast):
    message = _assert_link_refused(cast, child=cast.teacher_a, guardian=_adult(cast))
    assert "Сидоров Пётр Ильич" in message
    assert "совершеннолет" in message


def test_guardian_link_refuses_child_without_birth_date(cast):
    child = PersonFactory(organization=cast.school_a, last_name="Безднев", birth_date=None)
    message = _assert_link_refused(cast, child=child, guardian=_adult(cast))
    assert "дату рождения" in message


def test_guardian_link_refuses_minor_guardian(cast):
    minor_guardian = cast.user("mentee").person
    message = _assert_link_refused(cast, child=cast.pupil_a, guardian=minor_guardian)
    assert message == "Законный представитель должен быть совершеннолетним."


def test_guardian_link_refuses_guardian_from_another_organization(cast):
    guardian = _adult(cast, organization=cast.school_a2)
    message = _assert_link_refused(cast, child=cast.pupil_a, guardian=guardian)
    assert message == "Законный представитель вносится в ту же организацию, что и ребёнок."


def test_guardian_link_refuses_self_link(cast):
    message = _assert_link_refused(cast, child=cast.pupil_a, guardian=cast.pupil_a)
    assert message == "Участник не может быть законным представителем самого себя."


def test_guardian_link_needs_rights_in_child_organization(cast):
    links = GuardianLink.objects.count()

    with pytest.raises(PermissionDenied):
        guardian_link(actor=cast.user("outsider"), child=cast.pupil_a, guardian=_adult(cast), kind="father")

    assert GuardianLink.objects.count() == links


def test_guardian_unlink_removes_role_when_no_child_left(cast):
    link = GuardianLink.objects.get(guardian=cast.parent_a, child=cast.pupil_a)
    assert Role.objects.filter(person=cast.parent_a, kind=RoleKind.GUARDIAN).count() == 1

    guardian_unlink(actor=cast.user("curator"), link=link)

    assert not GuardianLink.objects.filter(pk=link.pk).exists()
    assert not Role.objects.filter(person=cast.parent_a, kind=RoleKind.GUARDIAN).exists()


def test_guardian_unlink_keeps_role_while_another_child_remains(cast):
    curator = cast.user("curator")
    guardian_link(actor=curator, child=_minor(cast), guardian=cast.parent_a, kind="mother")
    link = GuardianLink.objects.get(guardian=cast.parent_a, child=cast.pupil_a)

    guardian_unlink(actor=curator, link=link)

    assert GuardianLink.objects.filter(guardian=cast.parent_a).count() == 1
    assert Role.objects.filter(person=cast.parent_a, kind=RoleKind.GUARDIAN).count() == 1


# --- roles -----------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", [RoleKind.MENTOR, RoleKind.MENTEE, RoleKind.WORKING_GROUP])
def test_curator_grants_organization_roles(cast, kind):
    role = role_grant(actor=cast.user("curator"), person=cast.teacher_a, kind=kind, organization=cast.school_a)

    role.refresh_from_db()
    assert (role.person_id, role.kind, role.organization_id) == (cast.teacher_a.pk, kind, cast.school_a.pk)
    assert (role.municipality_id, role.region_id) == (None, None)


def test_curator_may_not_grant_director(cast):
    before = Role.objects.count()

    with pytest.raises(PermissionDenied):
        role_grant(
            actor=cast.user("curator"),
            person=cast.teacher_a,
            kind=RoleKind.DIRECTOR,
            organization=cast.school_a,
        )

    assert Role.objects.count() == before


def test_regional_coordinator_grants_director_in_own_region(cast):
    role = role_grant(
        actor=cast.user("regional"),
        person=cast.teacher_a,
        kind=RoleKind.DIRECTOR,
        organization=cast.school_a,
    )

    assert Role.objects.filter(
        pk=role.pk, person=cast.teacher_a, kind=RoleKind.DIRECTOR, organization=cast.school_a
    ).exists()


def test_regional_coordinator_may_not_grant_director_in_another_region(cast):
    before = Role.objects.count()

    with pytest.raises(PermissionDenied):
        role_grant(
            actor=cast.user("regional"),
            person=cast.person_b,
            kind=RoleKind.DIRECTOR,
            organization=cast.school_b,
        )

    assert Role.objects.count() == before


def test_organization_role_needs_organization(cast):
    before = Role.objects.count()

    with pytest.raises(ValidationError) as error:
        role_grant(actor=cast.user("curator"), person=cast.teacher_a, kind=RoleKind.MENTOR)

    assert set(error.value.message_dict) == {"organization"}
    assert Role.objects.count() == before


def test_unknown_role_kind_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        role_grant(actor=cast.user("admin"), person=cast.teacher_a, kind="king", organization=cast.school_a)

    assert set(error.value.message_dict) == {"kind"}


def test_refuses_duplicate_role(cast):
    mentor = cast.user("mentor").person
    before = Role.objects.count()

    with pytest.raises(ValidationError) as error:
        role_grant(actor=cast.user("curator"), person=mentor, kind=RoleKind.MENTOR, organization=cast.school_a)

    assert _messages(error.value) == "У участника уже есть роль «Наставник» здесь."
    assert Role.objects.count() == before


def test_refuses_guardian_role_without_children(cast):
    before = Role.objects.count()

    with pytest.raises(ValidationError) as error:
        role_grant(
            actor=cast.user("curator"),
            person=cast.teacher_a,
            kind=RoleKind.GUARDIAN,
            organization=cast.school_a,
        )

    assert "связан с ребёнком" in _messages(error.value)
    assert Role.objects.count() == before


def test_refuses_role_ending_before_it_starts(cast):
    with pytest.raises(ValidationError) as error:
        role_grant(
            actor=cast.user("curator"),
            person=cast.teacher_a,
            kind=RoleKind.MENTOR,
            organization=cast.school_a,
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2026, 8, 31),
        )

    assert set(error.value.message_dict) == {"end_date"}
    assert not Role.objects.filter(person=cast.teacher_a).exists()


def test_curator_revokes_mentor_role(cast):
    role = Role.objects.get(person=cast.user("mentor").person, kind=RoleKind.MENTOR)

    role_revoke(actor=cast.user("curator"), role=role)

    assert not Role.objects.filter(pk=role.pk).exists()


def test_curator_may_not_revoke_own_curator_role(cast):
    curator = cast.user("curator")
    role = Role.objects.get(person=curator.person, kind=RoleKind.CURATOR)

    with pytest.raises(ValidationError):
        role_revoke(actor=curator, role=role)

    assert Role.objects.filter(pk=role.pk).exists()


def test_outsider_may_not_revoke_role(cast):
    role = Role.objects.get(person=cast.user("mentor").person, kind=RoleKind.MENTOR)

    with pytest.raises(PermissionDenied):
        role_revoke(actor=cast.user("outsider"), role=role)

    assert Role.objects.filter(pk=role.pk).exists()


# --- accounts --------------------------------------------------------------------------------
def test_account_create_gives_working_login(cast):
    user, password = account_create(actor=cast.user("curator"), person=cast.teacher_a)

    assert user.username == "sidorov.pi"
    assert user.username.startswith("sidorov.")
    assert user.username.isascii()
    assert (user.first_name, user.last_name) == ("Пётр", "Сидоров")
    assert len(password) == 12
    assert user.check_password(password)
    assert _can_log_in(user.username, password)
    assert not _can_log_in(user.username, password + "x")
    assert Person.objects.get(pk=cast.teacher_a.pk).user_id == user.pk


def test_account_create_uses_free_username(cast):
    account_create(actor=cast.user("curator"), person=cast.teacher_a)
    namesake = PersonFactory(
        organization=cast.school_a,
        last_name="Сидоров",
        first_name="Павел",
        patronymic="Игоревич",
        gender=Gender.MALE,
    )

    user, _ = account_create(actor=cast.user("curator"), person=namesake)

    assert user.username == "sidorov.pi2"


def test_account_create_twice_is_refused(cast):
    account_create(actor=cast.user("curator"), person=cast.teacher_a)
    users = User.objects.count()

    with pytest.raises(ValidationError) as error:
        account_create(actor=cast.user("curator"), person=Person.objects.get(pk=cast.teacher_a.pk))

    assert _messages(error.value) == "У участника уже есть учётная запись."
    assert User.objects.count() == users


def test_account_create_refuses_taken_username(cast):
    users = User.objects.count()

    with pytest.raises(ValidationError) as error:
        account_create(actor=cast.user("curator"), person=cast.teacher_a, username="mentor")

    assert _messages(error.value) == "Логин «mentor» уже занят."
    assert User.objects.count() == users


def test_account_create_needs_rights(cast):
    users = User.objects.count()

    with pytest.raises(PermissionDenied):
        account_create(actor=cast.user("working_group"), person=cast.teacher_a)

    assert User.objects.count() == users


def test_account_reset_password_gives_new_working_password(cast):
    user, old_password = account_create(actor=cast.user("curator"), person=cast.teacher_a)

    new_password = account_reset_password(actor=cast.user("curator"), person=cast.teacher_a)

    assert new_password != old_password
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert not user.check_password(old_password)
    assert _can_log_in(user.username, new_password)
    assert not _can_log_in(user.username, old_password)


def test_account_reset_password_without_account_is_refused(cast):
    with pytest.raises(ValidationError):
        account_reset_password(actor=cast.user("curator"), person=cast.pupil_a)


def test_transliterate_is_ascii():
    value = transliterate("Щукина Жанна")

    assert value.isascii()
    assert value == "shchukinazhanna"


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [("Сидоров", "sidorov"), ("Пётр", "petr"), ("Юрьев", "yurev"), ("Цой", "tsoy"), ("Хабибуллин", "khabibullin")],
)
def test_transliterate_surnames(cyrillic, latin):
    assert transliterate(cyrillic) == latin
