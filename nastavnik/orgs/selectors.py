"""Reads of the organisation tree, always scoped by the acting user (others' objects are not found)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from nastavnik.core.text import search_key
from nastavnik.people.access import access_for

from .models import AcademicYear, Municipality, Organization, Partner, Region


def region_list_for(*, actor) -> QuerySet[Region]:
    return (
        Region.objects.filter(access_for(actor).region_q())
        .annotate(municipality_count=Count("municipalities", distinct=True))
        .order_by("name")
    )


def region_get_for(*, actor, pk: int) -> Region:
    return get_object_or_404(Region.objects.filter(access_for(actor).region_q()), pk=pk)


def municipality_list_for(*, actor, region: Region | None = None) -> QuerySet[Municipality]:
    qs = Municipality.objects.filter(access_for(actor).municipality_q()).select_related("region")
    if region is not None:
        qs = qs.filter(region=region)
    return qs.annotate(organization_count=Count("organizations", distinct=True)).order_by("name")


def municipality_get_for(*, actor, pk: int) -> Municipality:
    return get_object_or_404(
        Municipality.objects.filter(access_for(actor).municipality_q()).select_related("region"), pk=pk
    )


def organization_list_for(
    *, actor, query: str = "", municipality_id: int | None = None, kind: str = ""
) -> QuerySet[Organization]:
    qs = Organization.objects.filter(access_for(actor).organization_q()).select_related("municipality__region")
    if query:
        for token in search_key(query).split():
            qs = qs.filter(search_key__contains=token)
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def organization_list_with_counts_for(*, actor, **filters) -> QuerySet[Organization]:
    """Organisations with their numbers of people by category: one SQL query."""
    from nastavnik.people.models import Category

    annotations = {
        f"count_{value}": Count("people", filter=Q(people__category=value), distinct=True) for value in Category.values
    }
    return (
        organization_list_for(actor=actor, **filters)
        .annotate(people_count=Count("people", distinct=True), **annotations)
        .order_by("short_name", "pk")
    )


def organization_get_for(*, actor, pk: int) -> Organization:
    return get_object_or_404(organization_list_for(actor=actor), pk=pk)


def partner_list_for(*, actor, query: str = "", organization: Organization | None = None) -> QuerySet[Partner]:
    qs = Partner.objects.filter(access_for(actor).partner_q()).select_related("region").distinct()
    if query:
        for token in search_key(query).split():
            qs = qs.filter(search_key__contains=token)
    if organization is not None:
        qs = qs.filter(organizations=organization)
    return qs.prefetch_related("organizations")


def partner_get_for(*, actor, pk: int) -> Partner:
    return get_object_or_404(partner_list_for(actor=actor), pk=pk)


def academic_year_list() -> QuerySet[AcademicYear]:
    return AcademicYear.objects.all()


def organizations_creatable_for(*, actor) -> QuerySet[Municipality]:
    """Municipalities in which the user may add organisations."""
    access = access_for(actor)
    if access.is_admin:
        return Municipality.objects.select_related("region")
    return Municipality.objects.filter(
        Q(region_id__in=access.region_ids) | Q(pk__in=access.municipality_ids)
    ).select_related("region")


def agreements_of(*, actor, partner: Partner):
    """The partner's agreements with the organisations the user sees."""
    organizations = Organization.objects.filter(access_for(actor).organization_q()).values("pk")
    return partner.agreements.filter(organization__in=organizations).select_related("organization")


def agreement_get_for(*, actor, pk: int):
    from .models import PartnerAgreement

    organizations = Organization.objects.filter(access_for(actor).organization_q()).values("pk")
    return get_object_or_404(
        PartnerAgreement.objects.filter(organization__in=organizations).select_related(
            "organization__municipality", "partner"
        ),
        pk=pk,
    )
