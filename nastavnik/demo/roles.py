"""Who acts in the demo builders: the login of the first person with a role in an organisation (or a
region), falling back to `default` (the platform admin) where the role has no login."""

from __future__ import annotations

from nastavnik.people.models import Role


def user_with_role(organization, kind: str, default):
    return _first_user(Role.objects.filter(organization=organization, kind=kind), default)


def region_user_with_role(region, kind: str, default):
    return _first_user(Role.objects.filter(region=region, kind=kind), default)


def _first_user(roles, default):
    role = roles.filter(person__user__isnull=False).select_related("person__user").order_by("pk").first()
    return role.person.user if role else default
