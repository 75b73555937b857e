"""Reads of the long-term and regional mentor base, always given the acting user and scoped.

- an organisation's base: its director, curator and working group; the coordinators of its
  municipality and region (and the admin). Mentors, mentees and guardians: not found (404);
- «найти наставника рядом»: base mentors of other organisations of the same region who are shown
  elsewhere (flag + consent), the own municipality first; never phone, e-mail or birth date — the
  contacts open only to the requesting organisation once the request is accepted;
- the aggregated base of a region: its coordinators (a municipal coordinator — own municipality);
  mentees only as counts. Every count is a single aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from nastavnik.core.text import search_key
from nastavnik.orgs.models import AcademicYear, Municipality, Organization, Region
from nastavnik.people.access import NOTHING, access_for

from .models import BaseMentor, BaseStatus, MentorRequest, RequestStatus

NOT_COORDINATOR = "Сводная база региона доступна координаторам региона и муниципалитета."


# --- scopes ----------------------------------------------------------------------------------------------
def _org_scope_q(actor, prefix: str = "") -> Q:
    """Organisations whose base the user reads: staff of the organisation, coordinators of its area."""
    access = access_for(actor)
    if access.is_admin:
        return Q()
    q = NOTHING
    if access.region_ids:
        q |= Q(**{f"{prefix}municipality__region_id__in": access.region_ids})
    if access.municipality_ids:
        q |= Q(**{f"{prefix}municipality_id__in": access.municipality_ids})
    if access.staff_org_ids:
        q |= Q(**{f"{prefix}pk__in": access.staff_org_ids})
    return q


def adults_q(prefix: str = "") -> Q:
    """Mentors whose names may be shown outside their organisation: never a pupil or anyone under 18."""
    from django.utils import timezone

    from nastavnik.core.text import years_before
    from nastavnik.people.models import Category

    adult_born = years_before(timezone.localdate(), 18)
    return ~Q(**{f"{prefix}person__category": Category.PUPIL}) & (
        Q(**{f"{prefix}person__birth_date__isnull": True}) | Q(**{f"{prefix}person__birth_date__lte": adult_born})
    )


def shown_q(prefix: str = "") -> Q:
    return adults_q(prefix) & Q(
        **{
            f"{prefix}status": BaseStatus.ACTIVE,
            f"{prefix}available_elsewhere": True,
            f"{prefix}show_consent_at__isnull": False,
        }
    )


def organization_for(*, actor, pk: int) -> Organization:
    return get_object_or_404(
        Organization.objects.filter(_org_scope_q(actor)).select_related("municipality__region"), pk=pk
    )


def staff_organizations(actor) -> QuerySet[Organization]:
    """Organisations where the user is director, curator or working-group member."""
    access = access_for(actor)
    return Organization.objects.filter(pk__in=access.staff_org_ids).select_related("municipality__region")


def region_for(*, actor, pk: int) -> Region:
    """The region of the aggregated base: seen (404 otherwise) by its coordinators and by the staff of its
    organisations; only coordinators open it (403 for the staff)."""
    access = access_for(actor)
    visible = Q()
    if not access.is_admin:
        staff_regions = {access.org_region[o] for o in access.staff_org_ids if o in access.org_region}
        visible = Q(pk__in=set(access.region_ids) | set(access.municipality_region.values()) | staff_regions)
    return get_object_or_404(Region.objects.filter(visible), pk=pk)


def coordinator_municipalities(actor, region: Region) -> set[int] | None:
    """None — the whole region; a set — only these municipalities (a municipal coordinator); 403 for others."""
    access = access_for(actor)
    if access.is_admin or region.pk in access.region_ids:
        return None
    ids = {m for m, r in access.municipality_region.items() if r == region.pk}
    if not ids:
        raise PermissionDenied(NOT_COORDINATOR)
    return ids


# --- an organisation's base -------------------------------------------------------------------------------
def _search(queryset, query: str):
    key = search_key(query)
    for word in key.split():
        queryset = queryset.filter(search_key__contains=word)
    return queryset


def base_of(*, organization: Organization, query: str = "", form_id: int | None = None, status: str = ""):
    queryset = BaseMentor.objects.filter(organization=organization).select_related("person").prefetch_related("forms")
    if status:
        queryset = queryset.filter(status=status)
    if form_id:
        queryset = queryset.filter(forms__pk=form_id)
    return _search(queryset, query).distinct()


def base_mentor_get_for(*, actor, pk: int) -> BaseMentor:
    """A base mentor: seen in the own base and by coordinators; by the staff of another organisation of the
    region when shown elsewhere, or when a request of theirs is about this mentor."""
    access = access_for(actor)
    q = access_for(actor).scoped_q()
    staff_regions = {access.org_region[o] for o in access.staff_org_ids if o in access.org_region}
    if staff_regions:
        q |= shown_q() & Q(region_id__in=staff_regions)
    if access.staff_org_ids:
        q |= Q(pk__in=MentorRequest.objects.filter(from_organization__in=access.staff_org_ids).values("mentor_id"))
    return get_object_or_404(
        BaseMentor.objects.filter(q).select_related("person", "organization__municipality").distinct(), pk=pk
    )


def sees_full_card(actor, mentor: BaseMentor) -> bool:
    """The own organisation's staff and the coordinators see the note, the reason and the status history."""
    return BaseMentor.objects.filter(access_for(actor).scoped_q(), pk=mentor.pk).exists()


@dataclass
class HistoryRow:
    academic_year: str
    organization: str
    form: str
    mentees: int
    start_date: object
    end_date: object
    status: str
    outcome: str


def history_of(mentor: BaseMentor) -> list[HistoryRow]:
    """Every mentorship of the person as a mentor, over the years (mentees only as a count)."""
    from nastavnik.mentorships.models import Mentorship

    rows = (
        Mentorship.objects.filter(mentor_id=mentor.person_id)
        .select_related("academic_year", "form", "organization")
        .annotate(mentees=Count("members", distinct=True))
        .order_by("-academic_year__start_year", "-start_date", "-pk")
    )
    return [
        HistoryRow(
            academic_year=str(m.academic_year),
            organization=m.organization.short_name if m.organization else "",
            form=m.form.name,
            mentees=m.mentees,
            start_date=m.start_date,
            end_date=m.end_date,
            status=m.get_status_display(),
            outcome=m.get_end_reason_display() if m.end_reason else "",
        )
        for m in rows
    ]


def people_to_add(*, organization: Organization):
    """Staff and other adults of the organisation who are not active in the base (pupils are mentees)."""
    from nastavnik.people.models import Category, Person

    active = BaseMentor.objects.filter(status=BaseStatus.ACTIVE).values("person_id")
    return (
        Person.objects.filter(organization=organization)
        .exclude(category=Category.PUPIL)
        .exclude(pk__in=active)
        .order_by("last_name", "first_name", "pk")
    )


# --- «найти наставника рядом» -------------------------------------------------------------------------------
def nearby_for(
    *, organization: Organization, scope: str = "municipality", query: str = "", form_id: int | None = None
) -> QuerySet[BaseMentor]:
    """Mentors of other organisations of the region who accept requests: the own municipality first."""
    queryset = BaseMentor.objects.filter(shown_q(), region_id=organization.municipality.region_id).exclude(
        organization=organization
    )
    if scope == "municipality":
        queryset = queryset.filter(municipality_id=organization.municipality_id)
    if form_id:
        queryset = queryset.filter(forms__pk=form_id)
    queryset = _search(queryset, query).distinct()
    return (
        queryset.annotate(
            nearby=Case(
                When(municipality_id=organization.municipality_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("person", "organization", "municipality")
        .prefetch_related("forms")
        .order_by("nearby", "person__last_name", "person__first_name", "pk")
    )


def open_request_forms(*, mentor: BaseMentor, organization: Organization) -> set[int]:
    return set(
        MentorRequest.objects.filter(
            mentor=mentor, from_organization=organization, status=RequestStatus.SENT
        ).values_list("form_id", flat=True)
    )


# --- requests --------------------------------------------------------------------------------------------
def _request_qs():
    return MentorRequest.objects.select_related(
        "mentor__person",
        "mentor__organization",
        "from_organization",
        "to_organization",
        "form",
        "created_by__person",
        "pool_entry__person",
        "pool_entry__form",
        "pool_entry__academic_year",
    )


def request_get_for(*, actor, pk: int) -> MentorRequest:
    """Seen by the staff of both organisations and the coordinators of the region."""
    access = access_for(actor)
    if access.is_admin:
        q = Q()
    else:
        q = Q(from_organization__in=access.staff_org_ids) | Q(to_organization__in=access.staff_org_ids)
        if access.region_ids:
            q |= Q(region_id__in=access.region_ids)
        if access.municipality_ids:
            q |= Q(from_organization__municipality_id__in=access.municipality_ids) | Q(
                to_organization__municipality_id__in=access.municipality_ids
            )
    return get_object_or_404(_request_qs().filter(q), pk=pk)


def requests_of(*, organization: Organization) -> dict[str, list[MentorRequest]]:
    qs = _request_qs()
    return {
        "incoming": list(qs.filter(to_organization=organization)),
        "outgoing": list(qs.filter(from_organization=organization)),
    }


def contacts_visible(actor, request: MentorRequest) -> bool:
    """The mentor's phone and e-mail: the requesting organisation's staff after the acceptance."""
    access = access_for(actor)
    return request.status == RequestStatus.ACCEPTED and (
        access.is_admin or request.from_organization_id in access.staff_org_ids
    )


def inbox_count(user) -> int:
    """Requests waiting for an answer of the organisations the user runs (director, curator)."""
    access = access_for(user)
    if not access.managed_org_ids:
        return 0
    return MentorRequest.objects.filter(to_organization__in=access.managed_org_ids, status=RequestStatus.SENT).count()


def inbox_organization(user) -> Organization | None:
    access = access_for(user)
    ids = sorted(access.managed_org_ids)
    return Organization.objects.filter(pk=ids[0]).first() if ids else None


# --- the aggregated base of a region ---------------------------------------------------------------------------
@dataclass
class OrgRow:
    organization: Organization
    curators: int = 0
    mentors: int = 0
    mentees: int = 0
    base: int = 0
    available: int = 0


@dataclass
class RegionSummary:
    rows: list[OrgRow]
    by_form: list[dict]
    by_year: list[dict]
    totals: OrgRow


MENTOR_COUNTED = ("approved", "trained", "active", "long_term")
MENTEE_COUNTED = ("included", "in_mentorship", "completed")


def _orgs_of(region: Region, municipality_ids: set[int] | None, *, municipality_id=None, kind: str = ""):
    queryset = Organization.objects.filter(municipality__region=region).select_related("municipality")
    if municipality_ids is not None:
        queryset = queryset.filter(municipality_id__in=municipality_ids)
    if municipality_id:
        queryset = queryset.filter(municipality_id=municipality_id)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("municipality__name", "short_name", "pk")


def region_summary(
    *,
    region: Region,
    academic_year: AcademicYear,
    municipality_ids: set[int] | None,
    municipality_id: int | None = None,
    kind: str = "",
) -> RegionSummary:
    """Curators, mentors and mentees (counts only) by organisation, form and year; the long-term base."""
    from nastavnik.people.models import Role, RoleKind
    from nastavnik.pools.models import MenteeEntry, MentorEntry

    orgs = list(_orgs_of(region, municipality_ids, municipality_id=municipality_id, kind=kind))
    rows = {o.pk: OrgRow(o) for o in orgs}
    ids = list(rows)
    for row in (
        Role.objects.filter(kind=RoleKind.CURATOR, organization_id__in=ids)
        .values("organization_id")
        .annotate(n=Count("person_id", distinct=True))
    ):
        rows[row["organization_id"]].curators = row["n"]
    year_mentors = MentorEntry.objects.filter(organization_id__in=ids, status__in=MENTOR_COUNTED)
    year_mentees = MenteeEntry.objects.filter(organization_id__in=ids, status__in=MENTEE_COUNTED)
    for model_qs, attr in ((year_mentors, "mentors"), (year_mentees, "mentees")):
        for row in (
            model_qs.filter(academic_year=academic_year)
            .values("organization_id")
            .annotate(n=Count("person_id", distinct=True))
        ):
            setattr(rows[row["organization_id"]], attr, row["n"])
    for row in (
        BaseMentor.objects.filter(organization_id__in=ids, status=BaseStatus.ACTIVE)
        .values("organization_id")
        .annotate(n=Count("pk"), shown=Count("pk", filter=shown_q()))
    ):
        rows[row["organization_id"]].base = row["n"]
        rows[row["organization_id"]].available = row["shown"]
    by_form: dict[int, dict] = {}
    for model_qs, attr in ((year_mentors, "mentors"), (year_mentees, "mentees")):
        for row in (
            model_qs.filter(academic_year=academic_year)
            .values("form_id", "form__name", "form__sort_order")
            .annotate(n=Count("person_id", distinct=True))
        ):
            item = by_form.setdefault(
                row["form_id"],
                {"form": row["form__name"], "order": row["form__sort_order"], "mentors": 0, "mentees": 0},
            )
            item[attr] = row["n"]
    by_year: dict[int, dict] = {}
    for model_qs, attr in ((year_mentors, "mentors"), (year_mentees, "mentees")):
        for row in model_qs.values("academic_year__start_year").annotate(n=Count("person_id", distinct=True)):
            year = row["academic_year__start_year"]
            item = by_year.setdefault(year, {"year": f"{year}/{year + 1}", "start": year, "mentors": 0, "mentees": 0})
            item[attr] = row["n"]
    totals = OrgRow(None)
    for row in rows.values():
        for attr in ("curators", "mentors", "mentees", "base", "available"):
            setattr(totals, attr, getattr(totals, attr) + getattr(row, attr))
    return RegionSummary(
        rows=list(rows.values()),
        by_form=sorted(by_form.values(), key=lambda i: (i["order"], i["form"])),
        by_year=sorted(by_year.values(), key=lambda i: -i["start"]),
        totals=totals,
    )


def region_base(
    *,
    region: Region,
    municipality_ids: set[int] | None,
    query: str = "",
    form_id: int | None = None,
    municipality_id: int | None = None,
    kind: str = "",
) -> QuerySet[BaseMentor]:
    """The searchable list of the region's long-term base (adult mentors only; no contacts)."""
    queryset = BaseMentor.objects.filter(adults_q(), region=region, status=BaseStatus.ACTIVE)
    if municipality_ids is not None:
        queryset = queryset.filter(municipality_id__in=municipality_ids)
    if municipality_id:
        queryset = queryset.filter(municipality_id=municipality_id)
    if kind:
        queryset = queryset.filter(organization__kind=kind)
    if form_id:
        queryset = queryset.filter(forms__pk=form_id)
    return (
        _search(queryset, query)
        .distinct()
        .select_related("person", "organization", "municipality")
        .prefetch_related("forms")
        .order_by("municipality__name", "organization__short_name", "person__last_name", "person__first_name", "pk")
    )


def municipalities_of(region: Region, municipality_ids: set[int] | None) -> QuerySet[Municipality]:
    queryset = Municipality.objects.filter(region=region)
    if municipality_ids is not None:
        queryset = queryset.filter(pk__in=municipality_ids)
    return queryset.order_by("name")


def coordinator_region(user) -> Region | None:
    access = access_for(user)
    ids = sorted(access.region_ids) or sorted(set(access.municipality_region.values()))
    return Region.objects.filter(pk=ids[0]).first() if ids else None
