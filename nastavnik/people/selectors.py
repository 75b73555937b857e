"""Reads of persons, roles and guardians, always scoped by the acting user.

A person outside the user's scope is not found (404). Lists are a fixed number of queries
whatever their length (roles are prefetched, counts are SQL aggregates).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from nastavnik.core.audit import history_query, log_entries
from nastavnik.core.text import plural_ru, search_key, years_before
from nastavnik.orgs.models import Municipality, Organization, Region

from .access import access_for
from .models import CATEGORY_COUNT_FORMS, Category, GuardianLink, Person, Role, RoleKind


def _people_for(actor) -> QuerySet[Person]:
    return Person.objects.filter(access_for(actor).person_q())


def person_list_for(
    *,
    actor,
    query: str = "",
    organization_id: int | None = None,
    category: str = "",
    class_name: str = "",
    role_kind: str = "",
    without_guardian: bool = False,
) -> QuerySet[Person]:
    qs = _people_for(actor).select_related("organization", "user")
    if without_guardian:
        qs = qs.filter(birth_date__gt=years_before(timezone.localdate(), 18), guardian_links__isnull=True)
    for token in search_key(query).split():
        qs = qs.filter(search_key__contains=token)
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if category:
        qs = qs.filter(category=category)
    if class_name:
        qs = qs.filter(class_name=class_name)
    if role_kind:
        qs = qs.filter(pk__in=Role.objects.filter(kind=role_kind).values("person_id"))
    return qs.prefetch_related(Prefetch("roles", queryset=Role.objects.select_related("organization")))


def person_get_for(*, actor, pk: int) -> Person:
    qs = _people_for(actor).select_related("organization__municipality__region", "municipality", "region", "user")
    return get_object_or_404(qs, pk=pk)


def person_roles(*, person: Person) -> QuerySet[Role]:
    return person.roles.select_related("organization", "municipality", "region")


def person_guardians(*, person: Person) -> QuerySet[GuardianLink]:
    return person.guardian_links.select_related("guardian")


def person_children(*, actor, person: Person) -> QuerySet[GuardianLink]:
    visible = _people_for(actor).values("pk")
    return person.children_links.filter(child__in=visible).select_related("child")


def guardian_candidates_for(*, actor, child: Person) -> QuerySet[Person]:
    """Adults of the child's organisation who may be linked as guardians."""
    cutoff = years_before(timezone.localdate(), 18)
    already = child.guardian_links.values("guardian_id")
    return (
        _people_for(actor)
        .filter(organization_id=child.organization_id)
        .filter(Q(birth_date__lte=cutoff) | Q(birth_date__isnull=True))
        .exclude(category__in=[Category.PUPIL])
        .exclude(pk=child.pk)
        .exclude(pk__in=already)
    )


def person_history_for(*, actor, person: Person):
    """Every audited change of the person, their roles and guardian links (newest first)."""
    condition = (
        history_query(model=Person, object_pk=person.pk)
        | history_query(model=Role, extra_key="person_id", extra_value=person.pk)
        | history_query(model=GuardianLink, extra_key="person_id", extra_value=person.pk)
        | history_query(model=GuardianLink, extra_key="guardian_id", extra_value=person.pk)
    )
    return log_entries(condition)


def class_names_for(*, actor, organization_id: int | None = None) -> list[str]:
    qs = _people_for(actor).exclude(class_name="")
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    names = set(qs.values_list("class_name", flat=True).distinct())
    return sorted(names, key=_class_sort_key)


def _class_sort_key(name: str):
    digits = "".join(ch for ch in name if ch.isdigit())
    return (0, int(digits), name) if digits and name[0].isdigit() else (1, 0, name)


def areas_for_people_management(*, actor) -> tuple[QuerySet[Municipality], QuerySet[Region]]:
    """Municipalities and regions whose own staff (coordinators, specialists) the user may add."""
    access = access_for(actor)
    if access.is_admin:
        return Municipality.objects.select_related("region"), Region.objects.all()
    municipalities = Municipality.objects.filter(
        Q(region_id__in=access.region_ids) | Q(pk__in=access.municipality_ids)
    ).select_related("region")
    return municipalities, Region.objects.filter(pk__in=access.region_ids)


def organizations_for_people_management(*, actor) -> QuerySet[Organization]:
    """Organisations in which the user may add people."""
    access = access_for(actor)
    qs = Organization.objects.select_related("municipality")
    if access.is_admin:
        return qs
    return qs.filter(pk__in=access.managed_org_ids)


# --- home page --------------------------------------------------------------------------
@dataclass
class OrganizationDesk:
    """What a director, curator or working-group member sees for one organisation."""

    organization: Organization
    kinds: list[str]
    people_total: int
    counts: list[tuple[int, str]]
    minors_without_guardian: int
    mentors_without_account: int
    no_birth_date: int
    can_manage: bool


def organization_desks_for(*, actor) -> list[OrganizationDesk]:
    access = access_for(actor)
    org_ids = sorted(access.staff_org_ids)
    if not org_ids:
        return []
    minor_cutoff = years_before(timezone.localdate(), 18)
    rows = (
        Organization.objects.filter(pk__in=org_ids)
        .annotate(
            people_total=Count("people", distinct=True),
            minors_without_guardian=Count(
                "people",
                filter=Q(people__birth_date__gt=minor_cutoff, people__guardian_links__isnull=True),
                distinct=True,
            ),
            no_birth_date=Count("people", filter=Q(people__birth_date__isnull=True), distinct=True),
            **{
                f"count_{value}": Count("people", filter=Q(people__category=value), distinct=True)
                for value in Category.values
            },
        )
        .order_by("short_name")
    )
    without_account = dict(
        Role.objects.filter(organization_id__in=org_ids, kind=RoleKind.MENTOR, person__user__isnull=True)
        .values_list("organization_id")
        .annotate(n=Count("person", distinct=True))
    )
    return [
        OrganizationDesk(
            organization=row,
            kinds=[RoleKind(k).label for k in sorted(access.kinds_in(row.pk))],
            people_total=row.people_total,
            counts=[
                (n, plural_ru(n, *CATEGORY_COUNT_FORMS[value]))
                for value in Category.values
                if (n := getattr(row, f"count_{value}"))
            ],
            minors_without_guardian=row.minors_without_guardian,
            mentors_without_account=without_account.get(row.pk, 0),
            no_birth_date=row.no_birth_date,
            can_manage=bool(access.kinds_in(row.pk) & {RoleKind.DIRECTOR, RoleKind.CURATOR}) or access.is_admin,
        )
        for row in rows
    ]


def curators_of(*, organization_ids) -> QuerySet[Role]:
    """Curators of these organisations, with contacts: a participant's «whom to ask»."""
    return Role.objects.filter(organization_id__in=organization_ids, kind=RoleKind.CURATOR).select_related(
        "person", "organization"
    )


def participant_roles_for(*, actor) -> QuerySet[Role]:
    access = access_for(actor)
    if not access.person_id:
        return Role.objects.none()
    return Role.objects.filter(
        person_id=access.person_id, kind__in=[RoleKind.MENTOR, RoleKind.MENTEE, RoleKind.GUARDIAN]
    ).select_related("organization")


def children_for(*, actor) -> QuerySet[Person]:
    access = access_for(actor)
    return Person.objects.filter(pk__in=access.child_ids).select_related("organization")
