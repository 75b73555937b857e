"""Who may see and change what: the one place where roles turn into scopes.

Reads go through selectors that filter with the Q objects below, so an object outside the
user's scope is simply not found (404). Writes check the predicates below and raise
PermissionDenied (403) when the user may see the object but not change it.

Scopes (DESIGN.md «Who uses it»):
- platform admin (a role, or a Django superuser): everything;
- regional / municipal coordinator: every organisation and person of the region / municipality,
  read-only on organisations' people, may edit organisations and appoint their directors;
- director and curator: manage their organisation and its people;
- working-group member: reads the organisation, changes nothing (the read-only role);
- mentor, mentee, guardian: themselves and (guardian) their children.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .models import (
    MANAGER_KINDS,
    PARTICIPANT_KINDS,
    STAFF_KINDS,
    GuardianLink,
    Role,
    RoleKind,
)

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Access:
    user_id: int | None = None
    person_id: int | None = None
    is_admin: bool = False
    region_ids: frozenset[int] = frozenset()
    municipality_ids: frozenset[int] = frozenset()
    org_kinds: dict[int, frozenset[str]] = field(default_factory=dict)
    org_municipality: dict[int, int] = field(default_factory=dict)
    org_region: dict[int, int] = field(default_factory=dict)
    municipality_region: dict[int, int] = field(default_factory=dict)
    child_ids: frozenset[int] = frozenset()
    kinds: frozenset[str] = frozenset()

    # --- derived sets ----------------------------------------------------------------
    def kinds_in(self, org_id: int | None) -> frozenset[str]:
        return self.org_kinds.get(org_id, frozenset()) if org_id else frozenset()

    @property
    def staff_org_ids(self) -> frozenset[int]:
        return frozenset(o for o, kinds in self.org_kinds.items() if kinds & STAFF_KINDS)

    @property
    def managed_org_ids(self) -> frozenset[int]:
        return frozenset(o for o, kinds in self.org_kinds.items() if kinds & MANAGER_KINDS)

    @property
    def is_coordinator(self) -> bool:
        return bool(self.region_ids or self.municipality_ids)

    @property
    def sees_registers(self) -> bool:
        """May open lists of people and organisations (not only own cards)."""
        return self.is_admin or self.is_coordinator or bool(self.staff_org_ids)

    @property
    def is_participant_only(self) -> bool:
        return not self.sees_registers and bool(self.kinds & PARTICIPANT_KINDS or self.person_id)

    # --- read scopes as Q ------------------------------------------------------------
    def organization_q(self, prefix: str = "") -> Q:
        if self.is_admin:
            return Q()
        q = NOTHING
        if self.region_ids:
            q |= Q(**{f"{prefix}municipality__region_id__in": self.region_ids})
        if self.municipality_ids:
            q |= Q(**{f"{prefix}municipality_id__in": self.municipality_ids})
        if self.org_kinds:
            q |= Q(**{f"{prefix}pk__in": list(self.org_kinds)})
        return q

    def municipality_q(self) -> Q:
        if self.is_admin:
            return Q()
        ids = set(self.municipality_ids) | set(self.org_municipality.values())
        return Q(region_id__in=self.region_ids) | Q(pk__in=ids)

    def region_q(self) -> Q:
        if self.is_admin:
            return Q()
        ids = set(self.region_ids) | set(self.municipality_region.values()) | set(self.org_region.values())
        return Q(pk__in=ids)

    def scoped_q(self) -> Q:
        """Staff view of objects owned by an organisation, municipality or region (programs,
        roadmaps…): models with `region`, `municipality` and `organization` columns."""
        if self.is_admin:
            return Q()
        q = NOTHING
        if self.region_ids:
            q |= Q(region_id__in=self.region_ids)
        if self.municipality_ids:
            q |= Q(municipality_id__in=self.municipality_ids)
        if self.staff_org_ids:
            q |= Q(organization_id__in=self.staff_org_ids)
        return q

    def person_q(self) -> Q:
        """Persons: the staff view of the scope, plus oneself and (a guardian) one's children."""
        if self.is_admin:
            return Q()
        q = self.scoped_q()
        if self.person_id:
            q |= Q(pk=self.person_id)
        if self.child_ids:
            q |= Q(pk__in=self.child_ids)
        return q

    def partner_q(self) -> Q:
        if self.is_admin:
            return Q()
        q = NOTHING
        if self.region_ids:
            q |= Q(region_id__in=self.region_ids)
        if self.municipality_ids:
            q |= Q(organizations__municipality_id__in=self.municipality_ids)
        if self.staff_org_ids:
            q |= Q(organizations__in=self.staff_org_ids)
        return q

    # --- write predicates ------------------------------------------------------------
    def covers_area(self, *, region_id: int | None, municipality_id: int | None = None) -> bool:
        """Coordinator (or admin) of this region or municipality."""
        return self.is_admin or region_id in self.region_ids or municipality_id in self.municipality_ids

    def can_edit_region(self) -> bool:
        return self.is_admin

    def can_edit_municipality(self, *, region_id: int) -> bool:
        return self.is_admin or region_id in self.region_ids

    def can_edit_organization(self, *, org_id: int, municipality_id: int, region_id: int) -> bool:
        return self.covers_area(
            region_id=region_id, municipality_id=municipality_id
        ) or RoleKind.DIRECTOR in self.kinds_in(org_id)

    def can_create_organization(self, *, municipality_id: int, region_id: int) -> bool:
        return self.covers_area(region_id=region_id, municipality_id=municipality_id)

    def can_manage(self, *, org_id: int | None, municipality_id: int | None, region_id: int) -> bool:
        """Run the work of this scope: people, their guardians and accounts, the program, the
        working group and the roadmap of an organisation (its director and curator), or of a
        municipality or region (its coordinators)."""
        if self.is_admin:
            return True
        if org_id:
            return bool(self.kinds_in(org_id) & MANAGER_KINDS)
        if municipality_id:
            return region_id in self.region_ids or municipality_id in self.municipality_ids
        return region_id in self.region_ids

    def can_manage_owner_of(self, obj) -> bool:
        """`can_manage` for an object owned by an organisation, municipality or region: anything with
        `organization_id`, `municipality_id` and `region_id` (a person, a program, a roadmap…)."""
        return self.can_manage(org_id=obj.organization_id, municipality_id=obj.municipality_id, region_id=obj.region_id)

    def can_approve(self, *, org_id: int | None, municipality_id: int | None, region_id: int) -> bool:
        """Approve a program or sign an order: the director of the organisation, or the coordinator
        of a municipality's or region's own work."""
        if self.is_admin:
            return True
        if org_id:
            return RoleKind.DIRECTOR in self.kinds_in(org_id)
        return self.can_manage(org_id=None, municipality_id=municipality_id, region_id=region_id)

    def can_edit_partner(self, *, region_id: int, org_ids: set[int]) -> bool:
        return self.is_admin or region_id in self.region_ids or bool(org_ids & self.managed_org_ids)

    def can_grant(self, *, kind: str, org_id=None, municipality_id=None, region_id=None) -> bool:
        """May appoint a role of this kind in this scope."""
        if self.is_admin:
            return True
        if kind in (RoleKind.PLATFORM_ADMIN, RoleKind.REGIONAL_COORDINATOR):
            return False
        if kind == RoleKind.MUNICIPAL_COORDINATOR:
            return region_id in self.region_ids
        area = self.covers_area(region_id=region_id, municipality_id=municipality_id)
        if kind == RoleKind.DIRECTOR:
            return area
        if kind in (RoleKind.CURATOR, RoleKind.WORKING_GROUP):
            return area or bool(self.kinds_in(org_id) & MANAGER_KINDS)
        return bool(self.kinds_in(org_id) & MANAGER_KINDS)


def access_for(user) -> Access:
    """The user's Access, computed once per request (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return Access()
    cached = getattr(user, "_nastavnik_access", None)
    if cached is not None:
        return cached
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    access = _build_access(user, person)
    user._nastavnik_access = access
    return access


def _build_access(user, person) -> Access:
    is_admin = bool(user.is_superuser)
    region_ids, municipality_ids, kinds = set(), set(), set()
    org_kinds: dict[int, set[str]] = {}
    org_municipality, org_region, municipality_region = {}, {}, {}
    child_ids: frozenset[int] = frozenset()
    if person is not None:
        roles = Role.objects.filter(person=person).select_related("organization__municipality", "municipality")
        for role in roles:
            kinds.add(role.kind)
            if role.kind == RoleKind.PLATFORM_ADMIN:
                is_admin = True
            elif role.region_id:
                region_ids.add(role.region_id)
            elif role.municipality_id:
                municipality_ids.add(role.municipality_id)
                municipality_region[role.municipality_id] = role.municipality.region_id
            elif role.organization_id:
                org_kinds.setdefault(role.organization_id, set()).add(role.kind)
                org_municipality[role.organization_id] = role.organization.municipality_id
                org_region[role.organization_id] = role.organization.municipality.region_id
        child_ids = frozenset(GuardianLink.objects.filter(guardian=person).values_list("child_id", flat=True))
    return Access(
        user_id=user.pk,
        person_id=person.pk if person else None,
        is_admin=is_admin,
        region_ids=frozenset(region_ids),
        municipality_ids=frozenset(municipality_ids),
        org_kinds={org: frozenset(k) for org, k in org_kinds.items()},
        org_municipality=org_municipality,
        org_region=org_region,
        municipality_region=municipality_region,
        child_ids=child_ids,
        kinds=frozenset(kinds),
    )


def forget_access(user) -> None:
    """Drop the cached Access after the user's own roles changed."""
    if hasattr(user, "_nastavnik_access"):
        del user._nastavnik_access


def require(allowed: bool, message: str = "У вас нет прав на это действие.") -> None:
    """403 with a Russian explanation when a visible object may not be changed by this user."""
    if not allowed:
        raise PermissionDenied(message)


__all__ = ["PARTICIPANT_KINDS", "Access", "access_for", "forget_access", "require"]
