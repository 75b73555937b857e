"""URL cases of the mentorships app (pairs and groups, meetings, calendars, individual plans, journal).

School A's pair here is the teacher Сидоров with a pupil of its own — none of the cast's mentor,
mentee or guardian belongs to it, so for them it is «another person's object» (404)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.consents.models import Consent
from nastavnik.mentorships import services
from nastavnik.mentorships.models import IndividualPlan, JournalEntry, Meeting, Mentorship
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Category, Person
from nastavnik.pools import services as pools
from nastavnik.pools.models import CRITERION_CODES, MenteeEntry, MentorEntry, RequestCategory

from .base import Case
from .core import _org_year
from .pools import _forms


def _consent(person):
    if not Consent.objects.filter(person=person, revoked_at__isnull=True).exists():
        Consent.objects.create(
            person=person, organization=person.organization, kind="adult", method="scan",
            signer_name=person.full_name, text="Согласие", given_at=timezone.now(),
        )  # fmt: skip


def _pair(cast) -> Mentorship:
    existing = Mentorship.objects.filter(organization=cast.school_a, mentor=cast.teacher_a).first()
    if existing:
        return existing
    admin, year = cast.user("admin"), academic_year_current()
    form = _forms(cast).get(code="teacher_pupil")
    today = max(year.start_date, timezone.localdate())
    _consent(cast.teacher_a)
    mentor = MentorEntry.objects.filter(person=cast.teacher_a, form=form, academic_year=year).first()
    if mentor is None:
        mentor = pools.mentor_add(
            actor=admin, organization=cast.school_a, academic_year=year, person=cast.teacher_a, form=form
        )
    if mentor.status == "candidate":
        pools.score_sheet_save(actor=admin, entry=mentor, scores=dict.fromkeys(CRITERION_CODES, (2, "")))
        mentor = pools.mentor_decide(actor=admin, entry=mentor, approve=True, date=today, today=today)
    if mentor.status == "approved":
        training = pools.training_save(
            actor=admin, organization=cast.school_a, academic_year=year, title="Школа наставника", date=today
        )
        pools.attendance_save(actor=admin, training=training, attended_ids=[mentor.pk], today=today)
        mentor.refresh_from_db()
    pupil = Person.objects.filter(organization=cast.school_a, last_name="Подопечная").first()
    if pupil is None:
        pupil = Person.objects.create(
            region=cast.region_a, municipality=cast.municipality_a, organization=cast.school_a,
            last_name="Подопечная", first_name="Вера", patronymic="Олеговна", gender="f",
            category=Category.PUPIL, class_name="8А", birth_date=dt.date(2011, 3, 3),
            fio_key="подопечная вера олеговна", search_key="подопечная вера олеговна 8а",
        )  # fmt: skip
    _consent(pupil)
    mentee = MenteeEntry.objects.filter(person=pupil, form=form, academic_year=year).first()
    if mentee is None:
        mentee = pools.mentee_add(
            actor=admin, organization=cast.school_a, academic_year=year, person=pupil, form=form,
            categories=[RequestCategory.objects.filter(region=None).first()],
        )  # fmt: skip
        mentee = pools.mentee_set_status(actor=admin, entry=mentee, status="included")
    return services.mentorship_create(
        actor=admin, organization=cast.school_a, academic_year=year, form=form, mentor_entry=mentor,
        mentee_entries=[mentee], activate=True, start_date=today,
    )  # fmt: skip


def _meeting(cast) -> Meeting:
    mentorship = _pair(cast)
    meeting = Meeting.objects.filter(mentorship=mentorship).first()
    if meeting:
        return meeting
    start = timezone.now() + dt.timedelta(days=1)
    return services.meeting_schedule(
        actor=cast.user("admin"), mentorship=mentorship, kind="organizational", starts_at=start,
        ends_at=start + dt.timedelta(hours=1), format="in_person", place="Кабинет 12", topic="Знакомство",
    )  # fmt: skip


def _plan(cast) -> IndividualPlan:
    mentorship = _pair(cast)
    plan = IndividualPlan.objects.filter(mentorship=mentorship).first()
    if plan:
        return plan
    plan = services.plan_start(actor=cast.user("admin"), mentorship=mentorship)
    services.plan_item_add(
        actor=cast.user("admin"), plan=plan, competency="Функциональная грамотность", activity="Разбор задач",
        deadline=academic_year_current().end_date, format="in_person", lock_version=plan.lock_version,
    )  # fmt: skip
    plan.refresh_from_db()
    return plan


def _item(cast):
    return _plan(cast).items.first()


def _entry(cast) -> JournalEntry:
    mentorship = _pair(cast)
    entry = JournalEntry.objects.filter(mentorship=mentorship).first()
    return entry or services.journal_add(
        actor=cast.user("admin"), mentorship=mentorship, date=mentorship.start_date, format="in_person",
        participation="individual", activity="dialogue", topic="Знакомство", content="Обсудили цели",
    )  # fmt: skip


def _feed(cast):
    return {"token": services.calendar_feed_for(cast.teacher_a).token}


def _m(cast):
    return {"pk": _pair(cast).pk}


def _mt(cast):
    return {"pk": _meeting(cast).pk}


def _p(cast):
    return {"pk": _plan(cast).pk}


def _i(cast):
    return {"pk": _item(cast).pk}


def _j(cast):
    return {"pk": _entry(cast).pk}


CASES: dict[str, Case] = {
    "mentorships:index": Case(listing=True),
    "mentorships:my": Case(listing=True),
    "mentorships:list": Case(kwargs=_org_year),
    "mentorships:create": Case(kwargs=_org_year, write=True),
    "mentorships:detail": Case(kwargs=_m),
    "mentorships:activate": Case(kwargs=_m, write=True),
    "mentorships:end": Case(kwargs=_m, write=True),
    "mentorships:plan_end": Case(kwargs=_m, write=True),
    "mentorships:cancel_planned_end": Case(kwargs=_m, write=True),
    "mentorships:complete_planned": Case(kwargs=_m, write=True),
    "mentorships:history": Case(kwargs=_m),
    # meetings and calendars
    "mentorships:meeting_create": Case(kwargs=_m, write=True),
    "mentorships:meeting_detail": Case(kwargs=_mt),
    "mentorships:meeting_cancel": Case(kwargs=_mt, write=True),
    "mentorships:meeting_confirm": Case(kwargs=_mt, write=True),
    "mentorships:meeting_ics": Case(kwargs=_mt),
    "mentorships:calendar": Case(listing=True),
    # Everyone resets their own calendar address, the read-only roles too: not a «write» of the matrix;
    # tests/mentorships/test_meetings.py checks it changes only the user's own address.
    "mentorships:calendar_reset": Case(listing=True, post_only=True),
    "mentorships:calendar_feed": Case(kwargs=_feed, public=True),
    # the individual plan
    "mentorships:plan": Case(kwargs=_m),
    "mentorships:plan_start": Case(kwargs=_m, write=True),
    "mentorships:plan_goal": Case(kwargs=_p, write=True),
    "mentorships:plan_item_add": Case(kwargs=_p, write=True),
    "mentorships:plan_submit": Case(kwargs=_p, write=True),
    "mentorships:plan_approve": Case(kwargs=_p, write=True),
    "mentorships:plan_return": Case(kwargs=_p, write=True),
    "mentorships:plan_comment": Case(kwargs=_p, write=True),
    "mentorships:plan_item_edit": Case(kwargs=_i, write=True),
    "mentorships:plan_item_delete": Case(kwargs=_i, write=True),
    "mentorships:plan_item_progress": Case(kwargs=_i, write=True),
    # the journal
    "mentorships:journal": Case(kwargs=_m),
    "mentorships:journal_add": Case(kwargs=_m, write=True),
    "mentorships:journal_print": Case(kwargs=_m),
    "mentorships:journal_from_meeting": Case(kwargs=_mt, write=True),
    "mentorships:journal_edit": Case(kwargs=_j, write=True),
    "mentorships:journal_sign": Case(kwargs=_j, write=True),
}
