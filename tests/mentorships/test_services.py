"""The life cycle of a mentorship: create (pair or group), activate by the order, end; the checks
(consent, statuses, capacity, one open mentorship per mentee), idempotence and the pool statuses."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nastavnik.mentorships import services
from nastavnik.mentorships.models import Mentorship, MentorshipMentee, MentorshipStatus
from nastavnik.pools.models import MenteeStatus, MentorStatus

from .conftest import today_in


def test_create_proposed_pair_then_activate_moves_pool_statuses(cast, build):
    mentor, mentee = build.mentor(), build.mentee()
    m = build.mentorship(mentor, [mentee], activate=False, source="matching", source_ref="run:1")
    assert m.status == MentorshipStatus.PROPOSED
    assert (m.region, m.municipality, m.organization) == (cast.region_a, cast.municipality_a, cast.school_a)
    assert m.mentor == mentor.person
    assert m.source == "matching"
    mentee.refresh_from_db()
    assert mentee.status == MenteeStatus.INCLUDED  # proposal does not move the pool
    start = today_in(build.year)
    services.mentorship_activate(
        actor=build.curator, mentorship=m, start_date=start, order_number="12-н", order_date=start
    )
    m.refresh_from_db()
    mentee.refresh_from_db()
    mentor.refresh_from_db()
    assert (m.status, m.start_date, m.order_number) == (MentorshipStatus.ACTIVE, start, "12-н")
    assert mentee.status == MenteeStatus.IN_MENTORSHIP
    assert mentor.status == MentorStatus.ACTIVE
    assert m.members.get().joined_on == start
    assert LogEntry.objects.get_for_object(m).count() >= 2


def test_create_is_idempotent(build):
    mentor, mentee = build.mentor(), build.mentee()
    first = build.mentorship(mentor, [mentee], activate=False)
    again = build.mentorship(mentor, [mentee], activate=False)
    assert again.pk == first.pk
    activated = build.mentorship(mentor, [mentee], activate=True)
    assert activated.pk == first.pk
    assert activated.status == MentorshipStatus.ACTIVE
    assert Mentorship.objects.count() == 1
    assert MentorshipMentee.objects.count() == 1


def test_group_and_capacity(build):
    mentor = build.mentor(capacity=2)
    a, b, c = build.mentee(last_name="Аа"), build.mentee(last_name="Бб"), build.mentee(last_name="Вв")
    group = build.mentorship(mentor, [a, b])
    assert group.is_group
    assert group.members.count() == 2
    with pytest.raises(ValidationError, match="не больше 2 наставляемых, уже закреплено 2"):
        build.mentorship(mentor, [c])
    assert Mentorship.objects.count() == 1


def test_mentee_in_one_open_mentorship_per_form(build):
    mentee = build.mentee()
    build.mentorship(build.mentor(last_name="Первая"), [mentee], activate=False)
    with pytest.raises(ValidationError, match="уже в паре с наставником"):
        build.mentorship(build.mentor(last_name="Вторая"), [mentee], activate=False)


def test_checks_statuses_and_consent(cast, build):
    from nastavnik.consents.models import Consent

    candidate = build.mentee(include=False)
    with pytest.raises(ValidationError, match="включён в базу"):
        build.mentorship(build.mentor(last_name="Первая"), [candidate])
    mentee = build.mentee(last_name="Отозвавшая")
    Consent.objects.filter(person=mentee.person).update(revoked_at=timezone.now())
    with pytest.raises(ValidationError, match="нет действующего согласия"):
        build.mentorship(build.mentor(last_name="Вторая"), [mentee])
    with pytest.raises(ValidationError, match="Выберите хотя бы одного"):
        build.mentorship(build.mentor(last_name="Третья"), [])
    untrained = build.mentor(last_name="Необученная", trained=False)
    proposed = build.mentorship(untrained, [build.mentee(last_name="Новая")], activate=False)
    with pytest.raises(ValidationError, match="не прошёл обучение"):
        services.mentorship_activate(actor=build.curator, mentorship=proposed, start_date=today_in(build.year))


def test_rights(cast, build):
    mentor, mentee = build.mentor(), build.mentee()
    for name in ("working_group", "mentor", "mentee", "guardian", "outsider", "outsider_regional", "no_role"):
        with pytest.raises(PermissionDenied):
            build.mentorship(mentor, [mentee], actor=cast.user(name), activate=False)
    # a coordinator of the area proposes (regional matching), the organisation's order activates
    with pytest.raises(PermissionDenied, match="приказом"):
        build.mentorship(mentor, [mentee], actor=cast.user("municipal"), activate=True)
    proposed = build.mentorship(mentor, [mentee], actor=cast.user("regional"), activate=False)
    with pytest.raises(PermissionDenied):
        services.mentorship_activate(actor=cast.user("regional"), mentorship=proposed, start_date=today_in(build.year))
    assert Mentorship.objects.get().status == MentorshipStatus.PROPOSED


def test_end_early_returns_mentee_to_pool_and_complete_finishes(build):
    mentor = build.mentor(capacity=2)
    a, b = build.mentee(last_name="Аа"), build.mentee(last_name="Бб")
    first = build.mentorship(mentor, [a])
    second = build.mentorship(mentor, [b])
    with pytest.raises(ValidationError, match="причину"):
        services.mentorship_end(actor=build.curator, mentorship=first, reason="", early=True)
    with pytest.raises(ValidationError, match="Опишите"):
        services.mentorship_end(actor=build.curator, mentorship=first, reason="other", early=True)
    with pytest.raises(ValidationError, match="раньше начала"):
        services.mentorship_end(
            actor=build.curator, mentorship=first, reason="moved", early=True,
            end_date=first.start_date - dt.timedelta(days=1),
        )  # fmt: skip
    services.mentorship_end(
        actor=build.curator, mentorship=first, reason="moved", early=True, comment="Переезд в Курск"
    )
    first.refresh_from_db()
    a.refresh_from_db()
    mentor.refresh_from_db()
    assert first.status == MentorshipStatus.ENDED_EARLY
    assert first.end_reason == "moved"
    assert a.status == MenteeStatus.INCLUDED  # back in the base, to be matched again
    assert mentor.status == MentorStatus.ACTIVE  # still works with the second mentee
    with pytest.raises(ValidationError, match="уже завершена досрочно"):
        services.mentorship_end(actor=build.curator, mentorship=first, reason="moved", early=True)
    services.mentorship_end(actor=build.curator, mentorship=second, reason="", early=False)
    b.refresh_from_db()
    mentor.refresh_from_db()
    assert b.status == MenteeStatus.COMPLETED
    assert mentor.status == MentorStatus.TRAINED
    # the freed mentee can be matched again
    again = build.mentorship(build.mentor(last_name="Новая"), [a])
    assert again.status == MentorshipStatus.ACTIVE


def test_end_by_read_only_role_is_refused(cast, build):
    m = build.mentorship()
    with pytest.raises(PermissionDenied):
        services.mentorship_end(actor=cast.user("working_group"), mentorship=m, reason="moved", early=True)
    m.refresh_from_db()
    assert m.status == MentorshipStatus.ACTIVE


def test_start_date_outside_year(build):
    with pytest.raises(ValidationError, match="пределах учебного года"):
        build.mentorship(start_date=build.year.start_date - dt.timedelta(days=1))
