"""Demo consents of every kind, given through the real flow: an adult by the link, a 14–17 student
with the parent, a parent for a child under 14, one link still open, one consent revoked."""

from __future__ import annotations

from nastavnik.consents import services
from nastavnik.consents.models import ConsentKind, kind_for_age
from nastavnik.people.models import Person, RoleKind


def build_consents(*, admin, organization) -> None:
    people = (
        Person.objects.filter(organization=organization, roles__kind__in=[RoleKind.MENTOR, RoleKind.MENTEE])
        .distinct()
        .order_by("pk")
    )
    by_kind: dict[str, list[Person]] = {}
    for person in people:
        kind = kind_for_age(person.age)
        if kind is None or (kind != ConsentKind.ADULT and not person.guardian_links.exists()):
            continue
        by_kind.setdefault(kind, []).append(person)
    for kind, persons in by_kind.items():
        for person in persons[:2]:
            request = services.consent_request_create(actor=admin, person=person)
            services.consent_give(
                token=request.token,
                agree=True,
                minor_agrees=kind == ConsentKind.MINOR_WITH_GUARDIAN,
                ip_address="192.0.2.10",
                user_agent="Mozilla/5.0 (Linux; Android 14) демо",
            )
    adults = by_kind.get(ConsentKind.ADULT, [])
    if len(adults) > 2:
        services.consent_request_create(actor=admin, person=adults[2])  # a link sent, not answered yet
