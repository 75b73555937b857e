"""Feedback and care of the relationship: agreement, fit check with the re-match offer, ratings of
meetings, the pulse, the curator's alerts and the safety flag — services, pages, bad input, access."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from nastavnik.feedback import selectors, services
from nastavnik.feedback.models import (
    AgreementAcceptance,
    FitCheck,
    FlagStatus,
    MeetingRating,
    Pulse,
    RematchOffer,
    RematchStatus,
    SafetyFlag,
)
from nastavnik.mentorships.models import Meeting, MeetingConfirmation
from nastavnik.notifications import services as notification_services
from nastavnik.notifications.models import Notification


def _meeting(mentorship, starts_at, kind="regular", **data):
    return Meeting.objects.create(
        mentorship=mentorship, kind=kind, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=1),
        topic=data.pop("topic", "Разбор контрольной"), **data,
    )  # fmt: skip


@pytest.fixture
def trial(cast_pair):
    return _meeting(cast_pair, timezone.now() - dt.timedelta(days=1), kind="trial", topic="Пробная встреча")


AGREEMENT = {"goals": "Подтянуть алгебру", "meeting_frequency": "Раз в неделю, по средам", "contacts": "Телефон 8-900"}


# --- agreement -----------------------------------------------------------------------------------------------
def test_agreement_drafted_by_mentor_accepted_by_mentee_and_guardian(cast, cast_pair, client_for):
    client = client_for("mentor")
    url = reverse("feedback:agreement", args=[cast_pair.pk])
    assert client.post(url, {**AGREEMENT, "goals": ""}).status_code == 200  # Russian error, nothing saved
    assert not hasattr(cast_pair, "agreement") or cast_pair.agreement is None
    assert client.post(url, AGREEMENT).status_code == 302
    client.post(url, AGREEMENT)  # the same form twice: one agreement, same edition
    cast_pair.refresh_from_db()
    assert cast_pair.agreement.version == 1
    accept = reverse("feedback:agreement_accept", args=[cast_pair.pk])
    mentee = cast.user("mentee").person
    client = client_for("mentee")
    assert client.post(accept, {"mentee": mentee.pk}).status_code == 302
    client.post(accept, {"mentee": mentee.pk})  # double submission
    assert AgreementAcceptance.objects.filter(mentee=mentee).count() == 1
    # the mentee cannot accept for another mentee
    with pytest.raises(PermissionDenied):
        services.agreement_accept(actor=cast.user("mentee"), mentorship=cast_pair, mentee=cast.pupil_a)
    # the guardian accepts for the minor child
    client = client_for("guardian")
    assert client.post(accept, {"mentee": cast.pupil_a.pk}).status_code == 302
    row = AgreementAcceptance.objects.get(mentee=cast.pupil_a)
    assert row.accepted_by == cast.parent_a
    assert row.user == cast.user("guardian")
    page = client.get(reverse("feedback:mentorship", args=[cast_pair.pk])).content.decode()
    assert "принято законным представителем" in page
    # a changed text is a new edition to accept again
    services.agreement_save(actor=cast.user("mentor"), mentorship=cast_pair, **{**AGREEMENT, "contacts": "Почта"})
    cast_pair.refresh_from_db()
    assert cast_pair.agreement.version == 2
    care = selectors.care_for(actor=cast.user("mentee"), mentorship=cast_pair)
    assert [r.current for r in care.acceptances] == [False, False]


def test_only_the_mentor_or_curator_drafts_and_readers_get_403(cast, cast_pair, client_for):
    url = reverse("feedback:agreement", args=[cast_pair.pk])
    for name in ("working_group", "mentee", "guardian", "regional"):
        assert client_for(name).post(url, AGREEMENT).status_code == 403
    assert client_for("outsider").get(url).status_code == 404
    assert not type(cast_pair).objects.filter(pk=cast_pair.pk, agreement__isnull=False).exists()
    # the curator enters a copy signed on paper: the mentor stays its author
    assert client_for("curator").post(url, AGREEMENT).status_code == 302
    cast_pair.refresh_from_db()
    assert cast_pair.agreement.drafted_by == cast.user("mentor").person


def test_curator_records_paper_answers_for_participants_only(cast, cast_pair, trial):
    curator, mentee = cast.user("curator"), cast.user("mentee").person
    row, _ = services.meeting_rate(actor=curator, meeting=trial, rating=6, person=mentee)
    assert (row.person, row.recorded_by) == (mentee, curator)
    check = services.fit_check_answer(actor=curator, mentorship=cast_pair, person=cast.pupil_a, fits=True)
    assert (check.answered_by, check.recorded_by) == (cast.pupil_a, curator)
    with pytest.raises(PermissionDenied):
        services.meeting_rate(actor=curator, meeting=trial, rating=6, person=cast.teacher_a)
    with pytest.raises(PermissionDenied):
        services.meeting_rate(actor=cast.user("working_group"), meeting=trial, rating=6, person=mentee)


# --- fit check ---------------------------------------------------------------------------------------------
def test_fit_check_needs_the_trial_meeting(cast, cast_pair):
    with pytest.raises(ValidationError, match="после пробной встречи"):
        services.fit_check_answer(
            actor=cast.user("mentor"), mentorship=cast_pair, person=cast.user("mentor").person, fits=True
        )


def test_a_no_creates_one_rematch_offer_and_notifies_the_curator(cast, cast_pair, trial, client_for):
    client = client_for("mentee")
    url = reverse("feedback:fit", args=[cast_pair.pk])
    response = client.post(url, {"fits": "no", "comment": ""})
    assert "что не так" in response.content.decode()  # a «нет» needs a word for the curator
    assert not FitCheck.objects.exists()
    assert client.post(url, {"fits": "no", "comment": "Не находим общий язык"}).status_code == 302
    client.post(url, {"fits": "no", "comment": "Не находим общий язык"})  # twice: edits
    assert FitCheck.objects.count() == 1
    offer = RematchOffer.objects.get()
    assert offer.status == RematchStatus.OPEN
    curator = cast.user("curator").person
    assert Notification.objects.filter(recipient=curator, kind="rematch_offer").count() == 1
    # the other side does not see the answer
    mentor_page = client_for("mentor").get(reverse("feedback:mentorship", args=[cast_pair.pk])).content.decode()
    assert "Не находим общий язык" not in mentor_page
    curator_page = client_for("curator").get(reverse("feedback:mentorship", args=[cast_pair.pk])).content.decode()
    assert "Не находим общий язык" in curator_page
    alerts = selectors.alerts_for(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=cast_pair.academic_year
    )
    assert [a.kind for a in alerts].count("rematch") == 1
    # the working group reads but does not decide; the curator decides once
    decide = reverse("feedback:rematch_decide", args=[offer.pk])
    assert client_for("working_group").post(decide, {"decision": "keep"}).status_code == 403
    client_for("curator").post(decide, {"decision": "keep", "note": "Поговорили, продолжают"})
    offer.refresh_from_db()
    assert offer.status == RematchStatus.KEPT
    with pytest.raises(ValidationError, match="уже принято"):
        services.rematch_decide(actor=cast.user("curator"), offer=offer, keep=False)


def test_fit_check_for_a_person_not_in_the_pair_is_refused(cast, cast_pair, trial):
    with pytest.raises(PermissionDenied):
        services.fit_check_answer(actor=cast.user("mentee"), mentorship=cast_pair, person=cast.teacher_a, fits=True)
    with pytest.raises(PermissionDenied):
        services.fit_check_answer(
            actor=cast.user("working_group"), mentorship=cast_pair, person=cast.user("mentee").person, fits=True
        )


# --- ratings -------------------------------------------------------------------------------------------------
def test_rating_one_per_person_per_meeting_and_range(cast, cast_pair, client_for):
    meeting = _meeting(cast_pair, timezone.now() - dt.timedelta(hours=3))
    url = reverse("feedback:rate", args=[meeting.pk])
    client = client_for("mentee")
    for bad in ("0", "11", "abc", "5.5"):
        response = client.post(url, {"rating": bad})
        assert response.status_code == 200
        assert "от 1 до 10" in response.content.decode()
    assert not MeetingRating.objects.exists()
    with pytest.raises(ValidationError, match="от 1 до 10"):
        services.meeting_rate(actor=cast.user("mentee"), meeting=meeting, rating=11)
    assert client.post(url, {"rating": "8", "comment": "Полезно"}).status_code == 302
    assert client.post(url, {"rating": "3", "comment": "Передумала"}).status_code == 302
    row = MeetingRating.objects.get()
    assert (row.rating, row.comment, row.person) == (3, "Передумала", cast.user("mentee").person)
    client_for("mentor").post(url, {"rating": "9"})
    assert MeetingRating.objects.count() == 2
    # the guardian and the working group do not rate; a stranger does not even find the meeting
    assert client_for("guardian").post(url, {"rating": "5"}).status_code == 403
    assert client_for("working_group").post(url, {"rating": "5"}).status_code == 403
    assert client_for("outsider").post(url, {"rating": "5"}).status_code == 404
    assert MeetingRating.objects.count() == 2
    # the mentor does not see the mentee's rating; the curator does
    page = client_for("mentor").get(reverse("feedback:mentorship", args=[cast_pair.pk])).content.decode()
    assert "Передумала" not in page
    assert (
        "Передумала" in client_for("curator").get(reverse("feedback:mentorship", args=[cast_pair.pk])).content.decode()
    )


def test_future_or_cancelled_meetings_are_not_rated(cast, cast_pair):
    future = _meeting(cast_pair, timezone.now() + dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="после того, как она состоялась"):
        services.meeting_rate(actor=cast.user("mentee"), meeting=future, rating=7)
    cancelled = _meeting(cast_pair, timezone.now() - dt.timedelta(days=2), status="cancelled")
    with pytest.raises(ValidationError, match="отменена"):
        services.meeting_rate(actor=cast.user("mentee"), meeting=cancelled, rating=7)


# --- pulse ---------------------------------------------------------------------------------------------------
def test_pulse_schedule_day_30_then_every_60_days():
    start = dt.date(2026, 9, 1)
    assert services.pulse_schedule(start, start + dt.timedelta(days=29)) == []
    assert services.pulse_schedule(start, dt.date(2027, 1, 29)) == [
        (1, dt.date(2026, 10, 1)),
        (2, dt.date(2026, 11, 30)),
        (3, dt.date(2027, 1, 29)),
    ]


def test_pulse_answer_and_its_reminder(cast, cast_pair):
    start = cast_pair.start_date
    with pytest.raises(ValidationError, match="30-й день"):
        services.pulse_answer(
            actor=cast.user("mentee"), mentorship=cast_pair, person=cast.user("mentee").person, score=7, today=start
        )
    day_30 = start + dt.timedelta(days=30)
    now = timezone.make_aware(dt.datetime.combine(day_30, dt.time(12)))
    stats = notification_services.send_reminders(now=now, kinds={"pulse_due"})
    # the mentor and both mentees (pupil_a has no account: her guardian is reminded too)
    assert stats.sent == 4
    services.pulse_answer(
        actor=cast.user("mentee"), mentorship=cast_pair, person=cast.user("mentee").person, score=3, today=day_30
    )
    services.pulse_answer(
        actor=cast.user("mentee"), mentorship=cast_pair, person=cast.user("mentee").person, score=4, today=day_30
    )
    assert Pulse.objects.get().score == 4  # edited, not duplicated
    assert notification_services.send_reminders(now=now, kinds={"pulse_due"}).sent == 0
    with pytest.raises(ValidationError, match="от 1 до 10"):
        services.pulse_answer(
            actor=cast.user("mentor"), mentorship=cast_pair, person=cast.user("mentor").person, score=0, today=day_30
        )


# --- alerts --------------------------------------------------------------------------------------------------
def test_alerts_low_rating_missed_meetings_and_inactivity(cast, cast_pair, build):
    now = timezone.now()
    year = cast_pair.academic_year
    curator = cast.user("curator")
    held = _meeting(cast_pair, now - dt.timedelta(days=10), topic="Хорошая встреча")
    services.meeting_rate(actor=cast.user("mentee"), meeting=held, rating=4, comment="Скучно")
    kinds = [a.kind for a in selectors.alerts_for(actor=curator, organization=cast.school_a, academic_year=year)]
    assert "low_rating" in kinds
    # two past meetings in a row not confirmed → missed; confirming the latest clears it
    _meeting(cast_pair, now - dt.timedelta(days=6))
    b = _meeting(cast_pair, now - dt.timedelta(days=4), status="cancelled")
    kinds = [x.kind for x in selectors.alerts_for(actor=curator, organization=cast.school_a, academic_year=year)]
    assert "missed" in kinds
    b.status = "planned"
    b.save()
    MeetingConfirmation.objects.create(meeting=b, person=cast.user("mentee").person)
    kinds = [x.kind for x in selectors.alerts_for(actor=curator, organization=cast.school_a, academic_year=year)]
    assert "missed" not in kinds
    # the threshold is configurable: a 4 is not low when the limit is 3
    services.alert_settings_save(
        actor=curator, organization=cast.school_a, low_rating=3, missed_in_a_row=2, inactive_days=30
    )
    kinds = [x.kind for x in selectors.alerts_for(actor=curator, organization=cast.school_a, academic_year=year)]
    assert "low_rating" not in kinds
    with pytest.raises(ValidationError, match="от 1 до 9"):
        services.alert_settings_save(
            actor=curator, organization=cast.school_a, low_rating=0, missed_in_a_row=2, inactive_days=30
        )
    with pytest.raises(PermissionDenied):
        services.alert_settings_save(
            actor=cast.user("working_group"),
            organization=cast.school_a,
            low_rating=3,
            missed_in_a_row=2,
            inactive_days=30,
        )
    # no activity: 40 days later with nothing new
    later = now + dt.timedelta(days=40)
    alerts = selectors.alerts_for(actor=curator, organization=cast.school_a, academic_year=year, now=later)
    assert "inactive" in [x.kind for x in alerts]
    # another organisation's curator sees nothing of school A
    assert selectors.alerts_for(actor=cast.user("outsider"), organization=cast.school_a, academic_year=year) == []


def test_alerts_partial_on_the_page_and_constant_queries(
    cast, cast_pair, build, client_for, django_assert_max_num_queries
):
    from django.template import Context, Template
    from django.test import RequestFactory

    now = timezone.now()
    meeting = _meeting(cast_pair, now - dt.timedelta(days=3))
    services.meeting_rate(actor=cast.user("mentee"), meeting=meeting, rating=2, comment="Обидно")
    page = client_for("curator").get(
        reverse("feedback:alerts", args=[cast.school_a.pk, cast_pair.academic_year.start_year])
    )
    assert "Низкая оценка встречи: 2 из 10" in page.content.decode()
    assert client_for("mentee").get(page.request["PATH_INFO"]).status_code == 403
    request = RequestFactory().get("/")
    request.user = cast.user("curator")
    html = Template("{% load feedback_ui %}{% curator_alerts org year %}").render(
        Context({"request": request, "org": cast.school_a, "year": cast_pair.academic_year})
    )
    assert "Низкая оценка встречи" in html

    def count():
        with django_assert_max_num_queries(12) as ctx:
            selectors.alerts_for(
                actor=cast.user("curator"), organization=cast.school_a, academic_year=cast_pair.academic_year
            )
        return len(ctx.captured_queries)

    before = count()
    for i in range(3):
        m = build.mentorship(build.mentor(last_name=f"Наставникова{i}"), [build.mentee(last_name=f"Ученица{i}")])
        for day in (9, 6, 3):
            _meeting(m, now - dt.timedelta(days=day))
    assert count() == before


# --- safety flag -----------------------------------------------------------------------------------------------
SECRET = "Наставник пишет мне поздно ночью в личные сообщения"


def test_safety_flag_reaches_only_the_curator(cast, cast_pair, client_for):
    client = client_for("mentee")
    url = reverse("feedback:flag_create", args=[cast_pair.pk])
    assert client.post(url, {"text": ""}).status_code == 200
    assert client.post(url, {"text": SECRET}).status_code == 302
    client.post(url, {"text": SECRET})  # the same form twice
    flag = SafetyFlag.objects.get()
    assert flag.raised_by == cast.user("mentee").person
    assert LogEntry.objects.get_for_object(flag).count() == 1
    curator = cast.user("curator").person
    note = Notification.objects.get(recipient=curator, kind="safety_flag")
    assert SECRET not in note.title + note.text  # the notification does not carry the text either
    # the other side (the mentor) and the guardian never see it, on any page of the pair
    pages = [
        reverse("feedback:mentorship", args=[cast_pair.pk]),
        reverse("feedback:index"),
        reverse("notifications:list"),
    ]
    for name in ("mentor", "guardian"):
        c = client_for(name)
        for page in [*pages, reverse("mentorships:detail", args=[cast_pair.pk]), reverse("mentorships:my")]:
            response = c.get(page, follow=True)
            assert response.status_code == 200, (name, page)
            assert SECRET not in response.content.decode(), (name, page)
        assert c.get(reverse("feedback:flag_detail", args=[flag.pk])).status_code == 404
    # the working group finds it but may not open it
    assert client_for("working_group").get(reverse("feedback:flag_detail", args=[flag.pk])).status_code == 403
    # the mentee sees their own flag and its status
    assert SECRET in client_for("mentee").get(reverse("feedback:flag_detail", args=[flag.pk])).content.decode()
    # the curator sees, acknowledges and closes it with a note
    c = client_for("curator")
    assert SECRET in c.get(reverse("feedback:flag_detail", args=[flag.pk])).content.decode()
    listing = c.get(
        reverse("feedback:flags", args=[cast.school_a.pk, cast_pair.academic_year.start_year])
    ).content.decode()
    assert f"№ {flag.pk}" in listing
    assert cast.user("mentee").person.full_name in listing
    flags_url = reverse("feedback:flags", args=[cast.school_a.pk, cast_pair.academic_year.start_year])
    assert client_for("working_group").get(flags_url).status_code == 403
    c = client_for("curator")  # the test client is shared: log the curator back in
    c.post(reverse("feedback:flag_acknowledge", args=[flag.pk]))
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACKNOWLEDGED
    assert flag.acknowledged_at
    c.post(reverse("feedback:flag_close", args=[flag.pk]), {"note": ""})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACKNOWLEDGED  # no note — not closed
    c.post(
        reverse("feedback:flag_close", args=[flag.pk]), {"note": "Поговорила с наставником, договорились о правилах"}
    )
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLOSED
    assert flag.closing_note
    assert LogEntry.objects.get_for_object(flag).count() == 3
    with pytest.raises(PermissionDenied):
        services.flag_acknowledge(actor=cast.user("working_group"), flag=flag)


def test_only_participants_raise_flags(cast, cast_pair):
    with pytest.raises(PermissionDenied):
        services.flag_raise(actor=cast.user("working_group"), mentorship=cast_pair, text=SECRET)
    flag = services.flag_raise(actor=cast.user("guardian"), mentorship=cast_pair, text="Ребёнок жалуется")
    assert flag.raised_by == cast.parent_a
