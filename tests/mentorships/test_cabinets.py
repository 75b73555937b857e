"""Cabinets of the mentor, the mentee and the guardian (`mentorships:my` and the partials the home page
includes): what each sees, and a constant number of SQL queries whatever the number of pairs and rows."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nastavnik.mentorships import selectors, services
from nastavnik.mentorships.models import Meeting

MY = reverse("mentorships:my")


def _fill(cast, mentorship, n: int) -> None:
    """n future meetings, n past ones, n journal entries and a plan with n items."""
    actor = cast.user("curator")
    for k in range(n):
        start = timezone.now() + dt.timedelta(days=k + 1, hours=k)
        services.meeting_schedule(
            actor=actor, mentorship=mentorship, kind="regular", starts_at=start, ends_at=start + dt.timedelta(hours=1),
            format="in_person", place="Кабинет", topic=f"Встреча {k}",
        )  # fmt: skip
        past = services.meeting_schedule(
            actor=actor, mentorship=mentorship, kind="regular", starts_at=start + dt.timedelta(minutes=30),
            ends_at=start + dt.timedelta(hours=2), format="in_person", place="Кабинет", topic=f"Прошла {k}",
        )  # fmt: skip
        Meeting.objects.filter(pk=past.pk).update(
            starts_at=timezone.now() - dt.timedelta(days=k + 1),
            ends_at=timezone.now() - dt.timedelta(days=k + 1) + dt.timedelta(hours=1),
        )
        services.journal_add(
            actor=actor, mentorship=mentorship, date=mentorship.start_date, format="in_person",
            participation="individual", activity="dialogue", topic=f"Тема {k}", content=f"Содержание {k}",
        )  # fmt: skip
    plan = services.plan_start(actor=actor, mentorship=mentorship)
    for k in range(n):
        plan.refresh_from_db()
        services.plan_item_add(
            actor=actor, plan=plan, competency=f"Компетенция {k}", activity="Занятия",
            deadline=mentorship.academic_year.end_date, format="in_person", lock_version=plan.lock_version,
        )  # fmt: skip


def _queries(client) -> int:
    client.get(MY)  # the first request after the login writes the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(MY)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_mentor_page_constant_queries(cast, build, client_for, django_assert_max_num_queries):
    mentor = build.mentor(cast.user("mentor").person, capacity=6)
    for k in range(2):
        _fill(cast, build.mentorship(mentor, [build.mentee(last_name=f"Первый{k}")]), 2)
    baseline = _queries(client_for("mentor"))
    for k in range(4):  # 3N pairs, 3N rows each
        _fill(cast, build.mentorship(mentor, [build.mentee(last_name=f"Второй{k}")]), 6)
    client = client_for("mentor")
    with django_assert_max_num_queries(baseline):
        page = client.get(MY).content.decode()
    assert page.count('id="h-cab-mentor"') == 1
    assert "Второй3" in page
    assert "Записать в журнал встречу «Прошла 0»" in page
    assert baseline < 25


def test_mentee_and_guardian_pages_constant_queries(cast, cast_pair, client_for, django_assert_max_num_queries):
    _fill(cast, cast_pair, 2)
    mentee_baseline = _queries(client_for("mentee"))
    guardian_baseline = _queries(client_for("guardian"))
    _fill(cast, cast_pair, 6)
    client = client_for("mentee")
    with django_assert_max_num_queries(mentee_baseline):
        mentee_page = client.get(MY).content.decode()
    client = client_for("guardian")
    with django_assert_max_num_queries(guardian_baseline):
        guardian_page = client.get(MY).content.decode()
    assert "Мой наставник" in mentee_page
    assert cast_pair.mentor.full_name in mentee_page
    assert "Подтвердить, что встреча состоялась" in mentee_page
    assert "Подписать записи журнала: 6" in mentee_page  # the same entry twice is one entry
    assert "Наставник моего ребёнка" in guardian_page
    assert cast.pupil_a.full_name in guardian_page
    assert "Подтвердить" not in guardian_page  # guardians see, mentees confirm


def test_cabinet_contents(cast, cast_pair):
    cabinet = selectors.cabinet_for(cast.user("mentor"))
    assert [c.mentorship.pk for c in cabinet.as_mentor] == [cast_pair.pk]
    assert cabinet.as_mentor[0].todo[0][0] == "Составить индивидуальный план"
    assert not cabinet.as_mentee
    assert selectors.cabinet_for(cast.user("outsider")).empty
    guardian = selectors.cabinet_for(cast.user("guardian"))
    assert [c.child for c in guardian.as_guardian] == [cast.pupil_a]
