"""The access matrix: every URL of the project, checked for every kind of stranger.

- an anonymous visitor is sent to the login page;
- a user of another organisation (and another region's coordinator) gets 404 on an object
  of school A, and a list page shows them nothing of school A;
- a read-only role (a working-group member) gets 403 on every write, and nothing changes.

`test_every_url_is_in_the_matrix` fails when a URL is added without a line in CASES, so the
matrix grows with the project: add the new URL name with how to build its arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from auditlog.models import LogEntry
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from nastavnik.orgs import services as org_services
from nastavnik.orgs.models import PartnerAgreement
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import GuardianLink, Person, Role, RoleKind
from nastavnik.programs import services as program_services
from nastavnik.programs.models import (
    MentoringForm,
    Program,
    Roadmap,
    RoadmapItem,
    WorkingGroupMeeting,
    WorkingGroupMember,
)

PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# Django's admin has its own staff-only login and is not part of the product's UI.
SKIPPED_NAMESPACES = {"admin"}
LEAK_MARKERS = ["Ершовская СОШ", "Иванова", "Валуйский", "Казакова"]


@dataclass(frozen=True)
class Case:
    kwargs: Callable | None = None  # cast → URL kwargs of an object in school A / region A
    write: bool = False  # POST changes data
    listing: bool = False  # a page without an object: strangers see it, empty of school A
    shared: bool = False  # a catalogue object every user may read (not school A's)
    post_only: bool = False  # answers POST only (htmx helpers)


def _role_of(cast):
    return Role.objects.get_or_create(person=cast.teacher_a, kind=RoleKind.MENTOR, organization=cast.school_a)[0]


def _guardian_link(cast):
    return GuardianLink.objects.get(child=cast.pupil_a)


def _year(cast) -> int:
    return academic_year_current().start_year


def _org_year(cast):
    return {"org_pk": cast.school_a.pk, "year": _year(cast)}


def _program(cast):
    program = Program.objects.filter(organization=cast.school_a).first()
    return program or program_services.program_create(
        actor=cast.user("admin"), organization=cast.school_a, title="Программа школы A"
    )


def _roadmap(cast):
    roadmap = Roadmap.objects.filter(organization=cast.school_a).first()
    return roadmap or program_services.roadmap_from_template(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=academic_year_current(),
        template_code="seed000",
    )


def _member(cast):
    member = WorkingGroupMember.objects.filter(organization=cast.school_a).first()
    return member or program_services.group_member_add(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=academic_year_current(),
        person=cast.teacher_a,
        position="member",
        start_date=academic_year_current().start_date,
    )


def _meeting(cast):
    meeting = WorkingGroupMeeting.objects.filter(organization=cast.school_a).first()
    return meeting or program_services.group_meeting_save(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=academic_year_current(),
        date=academic_year_current().start_date,
        agenda="О внедрении целевой модели",
    )


def _agreement(cast):
    agreement = PartnerAgreement.objects.filter(organization=cast.school_a).first()
    return agreement or org_services.agreement_create(
        actor=cast.user("admin"),
        partner=cast.partner_a,
        organization=cast.school_a,
        subject="Сотрудничество",
        start_date=academic_year_current().start_date,
    )


CASES: dict[str, Case] = {
    "home": Case(listing=True),
    "password_change": Case(listing=True),
    "password_change_done": Case(listing=True),
    # people
    "people:list": Case(listing=True),
    "people:create": Case(listing=True, write=True),
    "people:detail": Case(kwargs=lambda c: {"pk": c.pupil_a.pk}),
    "people:edit": Case(kwargs=lambda c: {"pk": c.pupil_a.pk}, write=True),
    "people:delete": Case(kwargs=lambda c: {"pk": c.pupil_a.pk}, write=True),
    "people:history": Case(kwargs=lambda c: {"pk": c.pupil_a.pk}),
    "people:role_add": Case(kwargs=lambda c: {"pk": c.teacher_a.pk}, write=True),
    "people:role_delete": Case(kwargs=lambda c: {"pk": c.teacher_a.pk, "role_pk": _role_of(c).pk}, write=True),
    "people:guardian_add": Case(kwargs=lambda c: {"pk": c.pupil_a.pk}, write=True),
    "people:guardian_delete": Case(kwargs=lambda c: {"pk": c.pupil_a.pk, "link_pk": _guardian_link(c).pk}, write=True),
    "people:account_create": Case(kwargs=lambda c: {"pk": c.teacher_a.pk}, write=True),
    "people:account_reset": Case(kwargs=lambda c: {"pk": c.parent_a.pk}, write=True),
    # organisations
    "orgs:region_list": Case(listing=True),
    "orgs:region_create": Case(listing=True, write=True),
    "orgs:region_detail": Case(kwargs=lambda c: {"pk": c.region_a.pk}),
    "orgs:region_edit": Case(kwargs=lambda c: {"pk": c.region_a.pk}, write=True),
    "orgs:municipality_create": Case(kwargs=lambda c: {"region_pk": c.region_a.pk}, write=True),
    "orgs:municipality_detail": Case(kwargs=lambda c: {"pk": c.municipality_a.pk}),
    "orgs:municipality_edit": Case(kwargs=lambda c: {"pk": c.municipality_a.pk}, write=True),
    "orgs:municipality_delete": Case(kwargs=lambda c: {"pk": c.municipality_a.pk}, write=True),
    "orgs:organization_list": Case(listing=True),
    "orgs:organization_create": Case(listing=True, write=True),
    "orgs:organization_detail": Case(kwargs=lambda c: {"pk": c.school_a.pk}),
    "orgs:organization_edit": Case(kwargs=lambda c: {"pk": c.school_a.pk}, write=True),
    "orgs:organization_delete": Case(kwargs=lambda c: {"pk": c.school_a.pk}, write=True),
    "orgs:partner_list": Case(listing=True),
    "orgs:partner_create": Case(listing=True, write=True),
    "orgs:partner_detail": Case(kwargs=lambda c: {"pk": c.partner_a.pk}),
    "orgs:partner_edit": Case(kwargs=lambda c: {"pk": c.partner_a.pk}, write=True),
    "orgs:partner_delete": Case(kwargs=lambda c: {"pk": c.partner_a.pk}, write=True),
    "orgs:year_list": Case(listing=True, write=True),
    "orgs:agreement_create": Case(kwargs=lambda c: {"pk": c.partner_a.pk}, write=True),
    "orgs:agreement_delete": Case(kwargs=lambda c: {"pk": _agreement(c).pk}, write=True),
    # programs, forms, working group, roadmap, analysis, the year
    "programs:index": Case(listing=True),
    "programs:form_list": Case(listing=True),
    "programs:form_detail": Case(kwargs=lambda c: {"pk": MentoringForm.objects.first().pk}, shared=True),
    "programs:smart_check": Case(listing=True, post_only=True),
    "programs:year": Case(kwargs=_org_year),
    "programs:program_create": Case(kwargs=_org_year, write=True),
    "programs:program_detail": Case(kwargs=lambda c: {"pk": _program(c).pk}),
    "programs:program_step": Case(kwargs=lambda c: {"pk": _program(c).pk, "step": "goal"}, write=True),
    "programs:program_approve": Case(kwargs=lambda c: {"pk": _program(c).pk}, write=True),
    "programs:program_new_version": Case(kwargs=lambda c: {"pk": _program(c).pk}, write=True),
    "programs:group": Case(kwargs=_org_year),
    "programs:group_member_add": Case(kwargs=_org_year, write=True),
    "programs:group_member_delete": Case(kwargs=lambda c: {"pk": _member(c).pk}, write=True),
    "programs:meeting_create": Case(kwargs=_org_year, write=True),
    "programs:meeting_detail": Case(kwargs=lambda c: {"pk": _meeting(c).pk}),
    "programs:meeting_edit": Case(kwargs=lambda c: {"pk": _meeting(c).pk}, write=True),
    "programs:roadmap": Case(kwargs=_org_year),
    "programs:roadmap_load": Case(kwargs=_org_year, write=True),
    "programs:roadmap_timeline": Case(kwargs=_org_year),
    "programs:item_create": Case(kwargs=lambda c: {"roadmap_pk": _roadmap(c).pk}, write=True),
    "programs:item_edit": Case(kwargs=lambda c: {"pk": _roadmap(c).items.first().pk}, write=True),
    "programs:item_delete": Case(kwargs=lambda c: {"pk": _roadmap(c).items.first().pk}, write=True),
    "programs:item_status": Case(kwargs=lambda c: {"pk": _roadmap(c).items.first().pk}, write=True),
    "programs:analysis": Case(kwargs=_org_year, write=True),
    "programs:year_rollover": Case(kwargs=_org_year, write=True),
}

# A plausible form for every write, so that a 403 is about rights, not about bad input.
POST_DATA = {
    "last_name": "Новикова",
    "first_name": "Анна",
    "patronymic": "Игоревна",
    "gender": "f",
    "category": "staff",
    "name": "Новое название",
    "short_name": "Новое",
    "code": "99",
    "kind": "mentor",
    "start_year": "2030",
    "organization": "",
    "status": "done",
    "evidence_text": "приказ",
    "template": "seed000",
    "date": "2026-10-01",
    "agenda": "Повестка",
}


def _iter_urls(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _iter_urls(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name, namespace


def _project_url_names() -> set[str]:
    return {name for name, namespace in _iter_urls() if namespace not in SKIPPED_NAMESPACES} - PUBLIC


def _url(name, cast):
    case = CASES[name]
    return reverse(name, kwargs=case.kwargs(cast) if case.kwargs else None)


def _object_cases():
    return sorted(name for name, case in CASES.items() if case.kwargs and not case.shared)


def _write_cases():
    return sorted(name for name, case in CASES.items() if case.write)


def _snapshot():
    return tuple(
        model.objects.count()
        for model in (LogEntry, Person, Role, GuardianLink, Program, Roadmap, RoadmapItem, WorkingGroupMeeting)
    )


def test_every_url_is_in_the_matrix():
    missing = _project_url_names() - set(CASES)
    stale = set(CASES) - _project_url_names()
    assert not missing, f"add these URLs to CASES in tests/test_access_matrix.py: {sorted(missing)}"
    assert not stale, f"these CASES no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_anonymous_is_sent_to_login(client, cast, name):
    url = _url(name, cast)
    case = CASES[name]
    response = client.post(url) if case.post_only or (case.write and case.kwargs) else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("stranger", ["outsider", "outsider_regional"])
@pytest.mark.parametrize("name", _object_cases())
def test_stranger_gets_404_on_objects(client, cast, name, stranger):
    url = _url(name, cast)
    client.force_login(cast.user(stranger))
    before = _snapshot()
    get = client.get(url)
    post = client.post(url, POST_DATA) if CASES[name].write else get
    assert (get.status_code, post.status_code) == (404, 404) or (get.status_code == 405 and post.status_code == 404), (
        get.status_code,
        post.status_code,
    )
    assert _snapshot() == before


@pytest.mark.parametrize("stranger", ["outsider", "outsider_regional"])
@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.listing or c.shared))
def test_stranger_sees_nothing_of_school_a_on_lists(client, cast, name, stranger):
    _program(cast)  # school A has a program, a roadmap and a working group too
    _roadmap(cast)
    url = _url(name, cast)
    client.force_login(cast.user(stranger))
    response = client.post(url) if CASES[name].post_only else client.get(url, follow=True)
    assert response.status_code in (200, 403)
    content = response.content.decode()
    leaked = [marker for marker in LEAK_MARKERS if marker in content]
    assert not leaked


@pytest.mark.parametrize("reader", ["working_group", "mentor", "mentee", "guardian"])
@pytest.mark.parametrize("name", _write_cases())
def test_read_only_roles_get_403_on_writes_and_nothing_changes(client, cast, name, reader):
    url = _url(name, cast)
    client.force_login(cast.user(reader))
    before = _snapshot()
    response = client.post(url, POST_DATA)
    if reader == "working_group" or not CASES[name].kwargs:
        # the working group sees every object of school A: a write is forbidden, not hidden
        assert response.status_code == 403, response.status_code
    else:
        # participants see only themselves: another person's object is not even found
        assert response.status_code in (403, 404), response.status_code
    assert _snapshot() == before


@pytest.mark.parametrize("name", ["people:edit", "people:delete", "people:role_delete", "people:account_create"])
def test_coordinators_read_people_but_do_not_change_them(client, cast, name):
    """Coordinators see an organisation's people (registry) but its curator keeps the list."""
    url = _url(name, cast)
    client.force_login(cast.user("regional"))
    before = _snapshot()
    response = client.post(url, POST_DATA)
    assert response.status_code == 403
    assert _snapshot() == before


def test_403_page_explains_in_russian(client, cast):
    client.force_login(cast.user("working_group"))
    response = client.post(_url("people:edit", cast), POST_DATA)
    assert response.status_code == 403
    assert "руководитель и куратор организации" in response.content.decode()


def test_404_page_is_russian(client, cast):
    client.force_login(cast.user("outsider"))
    response = client.get(_url("people:detail", cast))
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()
