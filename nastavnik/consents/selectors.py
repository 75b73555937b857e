"""Reads of consents. Other apps ask here whether a person's data may be used:
`has_valid_consent(person)`, `annotate_consent(people_queryset)` and `valid_consent_q(prefix)`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from nastavnik.people.models import Person

from .models import Consent, ConsentKind, ConsentRequest, kind_for_age


def _valid_consents():
    return Consent.objects.filter(revoked_at__isnull=True)


def has_valid_consent(person: Person) -> bool:
    return _valid_consents().filter(person=person).exists()


def annotate_consent(queryset: QuerySet, *, field: str = "has_consent", person_ref: str = "pk") -> QuerySet:
    """Annotate a queryset with a boolean `field`: whether the person has a valid consent. For a
    queryset of persons `person_ref` is "pk"; for rows with a person FK it is e.g. "person_id".
    One subquery, no loop over rows."""
    return queryset.annotate(**{field: Exists(_valid_consents().filter(person_id=OuterRef(person_ref)))})


def valid_consent_q(prefix: str = "") -> Q:
    """Q for rows whose person (reached through `prefix`, e.g. "person__") has a valid consent."""
    return Q(**{f"{prefix}pk__in": _valid_consents().values("person_id")})


@dataclass
class ConsentState:
    valid: Consent | None
    revoked: list[Consent]
    open_request: ConsentRequest | None
    required_kind: str | None

    @property
    def label(self) -> str:
        if self.valid is not None:
            return "Согласие получено"
        if self.revoked:
            return "Согласие отозвано"
        return "Нет согласия"

    @property
    def required_label(self) -> str:
        return ConsentKind(self.required_kind).label if self.required_kind else "Укажите дату рождения"


def consent_state(person: Person) -> ConsentState:
    consents = list(Consent.objects.filter(person=person).select_related("guardian", "recorded_by"))
    return ConsentState(
        valid=next((c for c in consents if c.revoked_at is None), None),
        revoked=[c for c in consents if c.revoked_at is not None],
        open_request=ConsentRequest.objects.filter(person=person, used_at__isnull=True).first(),
        required_kind=kind_for_age(person.age),
    )


def request_by_token(token: str) -> ConsentRequest | None:
    return ConsentRequest.objects.filter(token=token).select_related("person", "organization", "guardian").first()


def organization_people_with_consent(*, organization, status: str = "") -> QuerySet[Person]:
    """The organisation's people with their consent state (one subquery each, no loop)."""
    qs = Person.objects.filter(organization=organization).exclude(category="parent")
    qs = annotate_consent(qs).annotate(
        has_revoked=Exists(Consent.objects.filter(person_id=OuterRef("pk"), revoked_at__isnull=False))
    )
    if status == "missing":
        qs = qs.filter(has_consent=False)
    elif status == "valid":
        qs = qs.filter(has_consent=True)
    return qs.order_by("last_name", "first_name", "patronymic", "pk")


def organization_consent_summary(*, organization) -> dict:
    qs = annotate_consent(Person.objects.filter(organization=organization).exclude(category="parent"))
    total = qs.count()
    valid = qs.filter(has_consent=True).count()
    return {
        "total": total,
        "valid": valid,
        "missing": total - valid,
        "percent": round(100 * valid / total) if total else None,
    }
