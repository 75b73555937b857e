"""URL cases of the long-term and regional mentor base (seed 000 item 7.8, seed 004)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.mentorbase.models import BaseMentor, MentorRequest
from nastavnik.people.models import Person
from nastavnik.programs.models import MentoringForm

from .base import Case


def _base_mentor(person, *, shown=True) -> BaseMentor:
    organization = person.organization
    mentor, _ = BaseMentor.objects.get_or_create(
        person=person,
        defaults={
            "organization": organization,
            "municipality": organization.municipality,
            "region": organization.municipality.region,
            "since_year": 2024,
            "available_elsewhere": shown,
            "show_consent_at": timezone.now() if shown else None,
            "competencies": "математика",
        },
    )
    return mentor


def _mentor_a(cast) -> BaseMentor:
    return _base_mentor(cast.teacher_a)


def _mentor_a2(cast) -> BaseMentor:
    person = Person.objects.filter(organization=cast.school_a2, last_name="Соседова").first()
    if person is None:
        person = Person.objects.create(
            organization=cast.school_a2, municipality=cast.municipality_a, region=cast.region_a,
            last_name="Соседова", first_name="Нина", gender="f", category="staff", search_key="соседова нина",
        )  # fmt: skip
    return _base_mentor(person)


def _request(cast, *, mentor, from_organization) -> MentorRequest:
    existing = MentorRequest.objects.filter(mentor=mentor, from_organization=from_organization).first()
    today = timezone.localdate()
    return existing or MentorRequest.objects.create(
        mentor=mentor, from_organization=from_organization, to_organization=mentor.organization,
        region=mentor.region, form=MentoringForm.objects.order_by("pk").first(), need="Наставник для молодого учителя",
        period_start=today, period_end=today + dt.timedelta(days=90),
    )  # fmt: skip


def _incoming(cast) -> MentorRequest:
    """School A2 asks for school A's mentor: school A's curator decides."""
    return _request(cast, mentor=_mentor_a(cast), from_organization=cast.school_a2)


def _outgoing(cast) -> MentorRequest:
    """School A asks for school A2's mentor: school A's curator may withdraw."""
    return _request(cast, mentor=_mentor_a2(cast), from_organization=cast.school_a)


def _org(cast) -> dict:
    return {"org_pk": cast.school_a.pk}


CASES = {
    "mentorbase:index": Case(listing=True),
    "mentorbase:org_base": Case(kwargs=_org),
    "mentorbase:refresh": Case(kwargs=_org, write=True),
    "mentorbase:add": Case(kwargs=_org, write=True),
    "mentorbase:find": Case(kwargs=_org),
    "mentorbase:request_new": Case(
        kwargs=lambda cast: {"org_pk": cast.school_a.pk, "pk": _mentor_a2(cast).pk}, write=True
    ),
    "mentorbase:requests": Case(kwargs=_org),
    "mentorbase:detail": Case(kwargs=lambda cast: {"pk": _mentor_a(cast).pk}),
    "mentorbase:edit": Case(kwargs=lambda cast: {"pk": _mentor_a(cast).pk}, write=True),
    "mentorbase:remove": Case(kwargs=lambda cast: {"pk": _mentor_a(cast).pk}, write=True),
    "mentorbase:request_detail": Case(kwargs=lambda cast: {"pk": _incoming(cast).pk}),
    "mentorbase:request_decide": Case(kwargs=lambda cast: {"pk": _incoming(cast).pk}, write=True),
    "mentorbase:request_withdraw": Case(kwargs=lambda cast: {"pk": _outgoing(cast).pk}, write=True),
    "mentorbase:request_to_pool": Case(kwargs=lambda cast: {"pk": _outgoing(cast).pk}, write=True, post_only=True),
    "mentorbase:region": Case(kwargs=lambda cast: {"region_pk": cast.region_a.pk}),
    "mentorbase:region_export": Case(kwargs=lambda cast: {"region_pk": cast.region_a.pk}),
    "mentorbase:region_refresh": Case(kwargs=lambda cast: {"region_pk": cast.region_a.pk}, write=True),
}
