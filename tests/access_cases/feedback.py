"""URL cases of feedback. The pair of school A here is NOT the cast's mentor and mentee (fresh
people, so the cast's mentor, mentee and guardian are strangers to it and get a 404), with a trial
meeting that took place, a «нет» in the fit check (a re-match offer) and a safety flag."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.feedback.models import FitCheck, RematchOffer, SafetyFlag
from nastavnik.mentorships.models import Meeting, Mentorship
from nastavnik.orgs.services import academic_year_current
from nastavnik.programs.models import MentoringForm

from .base import Case
from .core import _org_year
from .pools import _forms


def _mentorship(cast) -> Mentorship:
    existing = Mentorship.objects.filter(organization=cast.school_a, mentor__last_name="Опекунова").first()
    if existing:
        return existing
    from tests.mentorships.conftest import Builder

    _forms(cast)
    build = Builder(cast, academic_year_current(), MentoringForm.objects.get(code="teacher_pupil"))
    mentor = build.mentor(last_name="Опекунова")
    return build.mentorship(mentor, [build.mentee(last_name="Подопечная")])


def _meeting(cast) -> Meeting:
    m = _mentorship(cast)
    meeting = m.meetings.first()
    if meeting is None:
        start = timezone.now() - dt.timedelta(days=3)
        meeting = Meeting.objects.create(
            mentorship=m, kind="trial", starts_at=start, ends_at=start + dt.timedelta(hours=1), topic="Знакомство"
        )
    return meeting


def _flag(cast) -> SafetyFlag:
    m = _mentorship(cast)
    flag = SafetyFlag.objects.filter(mentorship=m).first()
    return flag or SafetyFlag.objects.create(mentorship=m, raised_by=m.members.first().person, text="Тревожит тон")


def _offer(cast) -> RematchOffer:
    m = _mentorship(cast)
    _meeting(cast)
    offer = RematchOffer.objects.filter(mentorship=m).first()
    if offer is None:
        person = m.members.first().person
        check = FitCheck.objects.create(
            mentorship=m, person=person, answered_by=person, fits=False, comment="Не сошлись"
        )
        offer = RematchOffer.objects.create(mentorship=m, fit_check=check)
    return offer


def _m(cast):
    _meeting(cast)
    return {"pk": _mentorship(cast).pk}


CASES: dict[str, Case] = {
    "feedback:index": Case(listing=True),
    "feedback:alerts": Case(kwargs=_org_year),
    "feedback:settings": Case(kwargs=_org_year, write=True),
    "feedback:flags": Case(kwargs=_org_year),
    "feedback:flag_detail": Case(kwargs=lambda c: {"pk": _flag(c).pk}),
    "feedback:flag_acknowledge": Case(kwargs=lambda c: {"pk": _flag(c).pk}, write=True),
    "feedback:flag_close": Case(kwargs=lambda c: {"pk": _flag(c).pk}, write=True),
    "feedback:rematch_decide": Case(kwargs=lambda c: {"pk": _offer(c).pk}, write=True),
    "feedback:mentorship": Case(kwargs=_m),
    "feedback:agreement": Case(kwargs=_m, write=True),
    "feedback:agreement_accept": Case(kwargs=_m, write=True),
    "feedback:fit": Case(kwargs=_m, write=True),
    "feedback:pulse": Case(kwargs=_m, write=True),
    "feedback:final": Case(kwargs=_m, write=True),
    "feedback:flag_create": Case(kwargs=_m, write=True),
    "feedback:rate": Case(kwargs=lambda c: {"pk": _meeting(c).pk}, write=True),
}
