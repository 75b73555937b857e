"""Reads of the documents app, always scoped by the acting user: the register, versions, templates,
batches, the organisation's document settings, and what the generators read from other apps
(program, working group, roadmap, pools, people) — generators never touch the ORM themselves.

Another organisation's object is a 404 (`get_object_or_404` over a queryset scoped by access);
a participant (mentor, mentee, guardian) opening a staff page gets a 403 (`require_staff`)."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from nastavnik.core.text import search_key
from nastavnik.orgs.models import AcademicYear, Organization
from nastavnik.people.access import access_for
from nastavnik.people.models import Person, Role, RoleKind
from nastavnik.programs import selectors as program_selectors

from .models import BatchJob, CustomTemplate, DocumentSettings, DocumentVersion, IssuedDocument

_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("documents_memo", default=None)


@contextlib.contextmanager
def memo():
    """Within a batch (one actor, one organisation, one year) the reads every document repeats — the
    organisation and year, settings, director, program — are made once."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _memoized(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        cache = _MEMO.get()
        if cache is None:
            return function(*args, **kwargs)
        key = (function.__name__, args, tuple(sorted((k, getattr(v, "pk", v)) for k, v in kwargs.items())))
        if key not in cache:
            cache[key] = function(*args, **kwargs)
        return cache[key]

    return wrapper


def require_staff(actor) -> None:
    program_selectors.require_staff(actor)


@_memoized
def organization_year_for(*, actor, organization_pk: int, start_year: int) -> tuple[Organization, AcademicYear]:
    """The organisation (404 outside the user's scope; 403 for participants) and the academic year."""
    return program_selectors.organization_year_for(actor=actor, organization_pk=organization_pk, start_year=start_year)


def _visible_orgs(actor):
    require_staff(actor)
    return Organization.objects.filter(access_for(actor).organization_q()).values("pk")


@dataclass(frozen=True)
class DocumentRights:
    write: bool  # director, curator (and the platform admin): issue, regenerate, attach scans, settings


def rights_for(user, organization: Organization) -> DocumentRights:
    access = access_for(user)
    return DocumentRights(
        write=access.can_manage(
            org_id=organization.pk,
            municipality_id=organization.municipality_id,
            region_id=organization.municipality.region_id,
        )
    )


# --- settings ------------------------------------------------------------------------------------
@_memoized
def settings_for(organization: Organization) -> DocumentSettings:
    """The saved settings, or the defaults (unsaved) for an organisation that has not changed them."""
    found = DocumentSettings.objects.filter(organization=organization).first()
    return found or DocumentSettings(organization=organization)


@_memoized
def director_of(organization: Organization) -> Person | None:
    role = (
        Role.objects.filter(organization=organization, kind=RoleKind.DIRECTOR, end_date__isnull=True)
        .select_related("person")
        .order_by("id")
        .first()
    )
    return role.person if role else None


# --- the register --------------------------------------------------------------------------------
def register_for(
    *, organization: Organization, academic_year: AcademicYear, query: str = "", generator_id: str = ""
) -> QuerySet[IssuedDocument]:
    qs = IssuedDocument.objects.filter(organization=organization, academic_year=academic_year)
    if generator_id:
        qs = qs.filter(generator_id=generator_id)
    for token in search_key(query).split():
        qs = qs.filter(search_key__contains=token)
    return qs.select_related("author").order_by("-date", "-id")


def document_get_for(*, actor, pk: int) -> IssuedDocument:
    qs = IssuedDocument.objects.filter(organization__in=_visible_orgs(actor)).select_related(
        "organization__municipality", "academic_year", "author", "scan_uploaded_by"
    )
    return get_object_or_404(
        qs.prefetch_related(
            Prefetch("versions", queryset=DocumentVersion.objects.select_related("created_by").order_by("-version"))
        ),
        pk=pk,
    )


def version_get_for(*, actor, pk: int) -> DocumentVersion:
    qs = DocumentVersion.objects.filter(document__organization__in=_visible_orgs(actor)).select_related(
        "document__organization__municipality", "document__academic_year"
    )
    return get_object_or_404(qs, pk=pk)


def latest_issued(*, organization: Organization, academic_year: AcademicYear, generator_id: str):
    return (
        IssuedDocument.objects.filter(organization=organization, academic_year=academic_year, generator_id=generator_id)
        .order_by("-date", "-id")
        .first()
    )


def issued_by_request_key(*, organization: Organization, key: str) -> IssuedDocument | None:
    if not key:
        return None
    return IssuedDocument.objects.filter(organization=organization, request_key=key).first()


# --- templates and batches ----------------------------------------------------------------------
def templates_for(*, organization: Organization) -> QuerySet[CustomTemplate]:
    return CustomTemplate.objects.filter(organization=organization).select_related("uploaded_by")


def active_template(*, organization: Organization, generator_id: str) -> CustomTemplate | None:
    return (
        CustomTemplate.objects.filter(organization=organization, generator_id=generator_id, is_active=True)
        .order_by("-created_at", "-id")
        .first()
    )


def template_get_for(*, actor, pk: int) -> CustomTemplate:
    qs = CustomTemplate.objects.filter(organization__in=_visible_orgs(actor)).select_related(
        "organization__municipality"
    )
    return get_object_or_404(qs, pk=pk)


def batch_get_for(*, actor, pk: int) -> BatchJob:
    qs = BatchJob.objects.filter(organization__in=_visible_orgs(actor)).select_related(
        "organization__municipality", "academic_year", "created_by"
    )
    return get_object_or_404(qs, pk=pk)


def batches_for(*, organization: Organization, academic_year: AcademicYear, limit: int = 5) -> list[BatchJob]:
    return list(BatchJob.objects.filter(organization=organization, academic_year=academic_year)[:limit])


# --- what generators read ---------------------------------------------------------------------------
def people_of(*, organization: Organization) -> QuerySet[Person]:
    return Person.objects.filter(organization=organization).order_by("last_name", "first_name", "patronymic", "id")


def person_of(*, organization: Organization, pk) -> Person:
    """A person of this organisation (the options of a document name people by id): 404 otherwise."""
    return get_object_or_404(people_of(organization=organization), pk=pk)


def guardians_of(person: Person) -> list[Person]:
    return [link.guardian for link in person.guardian_links.select_related("guardian").order_by("id")]


def group_members(*, organization: Organization, academic_year: AcademicYear):
    return list(program_selectors.group_members(organization=organization, academic_year=academic_year))


def group_meetings(*, organization: Organization, academic_year: AcademicYear):
    return program_selectors.group_meetings(organization=organization, academic_year=academic_year)


def group_meeting_of(*, organization: Organization, academic_year: AcademicYear, pk):
    from nastavnik.programs.models import WorkingGroupMeeting

    qs = WorkingGroupMeeting.objects.filter(organization=organization, academic_year=academic_year)
    return get_object_or_404(qs.prefetch_related("attendees"), pk=pk)


@_memoized
def program_in_force(*, organization: Organization, academic_year: AcademicYear):
    return program_selectors.current_program(organization=organization, academic_year=academic_year)


def program_full(program):
    from nastavnik.programs.models import Program

    return Program.objects.prefetch_related("forms", "results", "resources", "acts").get(pk=program.pk)


def enabled_forms(*, organization: Organization, academic_year: AcademicYear):
    return list(program_selectors.enabled_forms(organization=organization, academic_year=academic_year))


def roadmap_for(*, organization: Organization, academic_year: AcademicYear):
    return program_selectors.roadmap_for(organization=organization, academic_year=academic_year)


def mentor_pool(*, organization: Organization, academic_year: AcademicYear):
    from nastavnik.pools.selectors import mentor_pool_for

    return mentor_pool_for(organization=organization, academic_year=academic_year)


def mentee_pool(*, organization: Organization, academic_year: AcademicYear):
    from nastavnik.pools.selectors import mentee_pool_for

    return mentee_pool_for(organization=organization, academic_year=academic_year)


# Certificates and letters go to those who worked in the program this year.
MENTOR_DONE = ("trained", "active", "long_term")
MENTEE_DONE = ("in_mentorship", "completed")


def program_participants(*, organization: Organization, academic_year: AcademicYear, role: str) -> list[Person]:
    """Mentors (trained, active, long-term base) or mentees (in a pair, completed) of the year, each once."""
    from nastavnik.pools.models import MenteeEntry, MentorEntry

    if role == "mentor":
        entries = MentorEntry.objects.filter(status__in=MENTOR_DONE)
    else:
        entries = MenteeEntry.objects.filter(status__in=MENTEE_DONE)
    ids = entries.filter(organization=organization, academic_year=academic_year).values("person_id")
    return list(people_of(organization=organization).filter(pk__in=ids))


def participation_of(*, person: Person, academic_year: AcademicYear, role: str) -> list[str]:
    """The forms of mentoring a person took part in this year as a mentor or a mentee: «Учитель – ученик»."""
    from nastavnik.pools.models import MenteeEntry, MentorEntry

    model = MentorEntry if role == "mentor" else MenteeEntry
    names = model.objects.filter(person=person, academic_year=academic_year).values_list("form__name", flat=True)
    return sorted(set(names))


def consent_parts(person: Person):
    """Who signs a consent of this person (kind by age) and the guardian, as the consents app decides."""
    from nastavnik.consents import services as consent_services

    kind = consent_services.required_kind(person)
    guardian = consent_services.first_guardian(person) if kind != "adult" else None
    return kind, guardian


def search_filter(query: str) -> Q:
    q = Q()
    for token in search_key(query).split():
        q &= Q(search_key__contains=token)
    return q
