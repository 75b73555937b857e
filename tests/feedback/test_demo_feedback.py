"""The demo's feedback: built through the services, the same on every run, alerts on the curator's
home; on the demo region after load_demo (and the demo mentorships, when they are built)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.demo.feedback import FLAG_TEXT, LOW_COMMENT, build_feedback
from nastavnik.feedback import selectors
from nastavnik.feedback.models import Agreement, MeetingRating, Pulse, RematchOffer, SafetyFlag
from nastavnik.mentorships.models import Meeting, Mentorship


def _meetings(m, today):
    for days, kind in ((20, "organizational"), (13, "trial"), (6, "regular")):
        start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time(15)))
        Meeting.objects.create(
            mentorship=m, kind=kind, starts_at=start, ends_at=start + dt.timedelta(hours=1), topic=f"Встреча {kind}"
        )


def test_build_feedback_on_the_cast_is_deterministic_and_alerts_the_curator(cast, cast_pair, build):
    today = timezone.localdate()
    pairs = [cast_pair] + [
        build.mentorship(build.mentor(last_name=f"Наставница{i}"), [build.mentee(last_name=f"Ученица{i}")])
        for i in range(2)
    ]
    Mentorship.objects.filter(pk__in=[p.pk for p in pairs]).update(start_date=today - dt.timedelta(days=35))
    for m in pairs:
        _meetings(m, today)
    year = cast_pair.academic_year
    first = build_feedback(admin=cast.user("admin"), organization=cast.school_a, academic_year=year, today=today)
    assert first["flags"] == 1
    assert first["ratings"] > 0
    assert first["pulses"] > 0
    snapshot = (
        Agreement.objects.count(),
        MeetingRating.objects.count(),
        Pulse.objects.count(),
        SafetyFlag.objects.count(),
        RematchOffer.objects.count(),
    )
    build_feedback(admin=cast.user("admin"), organization=cast.school_a, academic_year=year, today=today)
    assert snapshot == (
        Agreement.objects.count(),
        MeetingRating.objects.count(),
        Pulse.objects.count(),
        SafetyFlag.objects.count(),
        RematchOffer.objects.count(),
    )
    assert MeetingRating.objects.filter(rating=3, comment=LOW_COMMENT).exists()
    flag = SafetyFlag.objects.get()
    # raised by the cast's mentee (she has an account) against her own pair
    assert flag.raised_by == cast.user("mentee").person
    assert flag.mentorship == cast_pair
    assert flag.text == FLAG_TEXT
    assert RematchOffer.objects.filter(status="open").count() == 1
    kinds = {
        a.kind for a in selectors.alerts_for(actor=cast.user("curator"), organization=cast.school_a, academic_year=year)
    }
    assert {"low_rating", "flag", "rematch"} <= kinds
