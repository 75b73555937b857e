"""Meetings: the mentor schedules (not in the past, end after start, no duplicate), mentees and guardians
see them, only a mentee of the pair confirms (once), .ics of one meeting and the personal feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from nastavnik.mentorships import services
from nastavnik.mentorships.models import CalendarFeed, Meeting, MeetingConfirmation, MeetingStatus


def _schedule(cast, mentorship, *, start=None, hours=1, actor="mentor", **kwargs):
    start = start or timezone.now() + dt.timedelta(days=2)
    data = {"kind": "trial", "format": "in_person", "place": "Кабинет 5", "topic": "Пробная встреча"}
    data.update(kwargs)
    return services.meeting_schedule(
        actor=cast.user(actor), mentorship=mentorship, starts_at=start, ends_at=start + dt.timedelta(hours=hours),
        **data,
    )  # fmt: skip


def _past(meeting, days=1):
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=days), ends_at=timezone.now() - dt.timedelta(days=days, hours=-1)
    )
    meeting.refresh_from_db()
    return meeting


def test_schedule_rules(cast, cast_pair):
    with pytest.raises(ValidationError, match="прошедшее время"):
        _schedule(cast, cast_pair, start=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="позже начала"):
        _schedule(cast, cast_pair, hours=-1)
    with pytest.raises(ValidationError, match="место очной"):
        _schedule(cast, cast_pair, place="")
    with pytest.raises(ValidationError, match="ссылку"):
        _schedule(cast, cast_pair, format="remote", place="")
    start = timezone.now() + dt.timedelta(days=3)
    first = _schedule(cast, cast_pair, start=start)
    assert _schedule(cast, cast_pair, start=start).pk == first.pk  # double submission
    assert Meeting.objects.count() == 1
    for name in ("mentee", "guardian", "working_group", "outsider"):
        with pytest.raises(PermissionDenied):
            _schedule(cast, cast_pair, actor=name)


def test_schedule_page_and_past_date_message(cast, cast_pair, client_for):
    client = client_for("mentor")
    url = reverse("mentorships:meeting_create", args=[cast_pair.pk])
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    data = {"kind": "regular", "date": yesterday.isoformat(), "start_time": "15:00", "end_time": "16:00",
            "format": "in_person", "place": "Кабинет 5", "topic": "Регулярная встреча"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "нельзя назначить на прошедшее время" in response.content.decode()
    data["date"] = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    data["end_time"] = "14:00"
    assert "Окончание встречи должно быть позже начала" in client.post(url, data).content.decode()
    data["end_time"] = "16:30"
    response = client.post(url, data)
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("mentorships:meeting_detail", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).hour == 15
    for name in ("mentee", "guardian"):  # mentees and guardians see the meeting
        assert (
            "Регулярная встреча"
            in client_for(name).get(reverse("mentorships:detail", args=[cast_pair.pk])).content.decode()
        )
    assert client_for("working_group").post(url, data).status_code == 403


def test_confirm_only_by_mentee_once(cast, cast_pair, client_for):
    meeting = _schedule(cast, cast_pair)
    with pytest.raises(ValidationError, match="ещё не началась"):
        services.meeting_confirm(actor=cast.user("mentee"), meeting=meeting)
    meeting = _past(meeting)
    for name in ("mentor", "guardian", "curator", "working_group"):
        with pytest.raises(PermissionDenied, match="наставляемый этой пары"):
            services.meeting_confirm(actor=cast.user(name), meeting=meeting)
    url = reverse("mentorships:meeting_confirm", args=[meeting.pk])
    client = client_for("mentee")
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert "Вы подтвердили встречу" in response.content.decode()
    client.post(url, HTTP_HX_REQUEST="true")
    assert MeetingConfirmation.objects.filter(meeting=meeting).count() == 1
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert client_for("guardian").post(url).status_code == 403
    assert client_for("outsider").post(url).status_code == 404


def test_ics_download_and_personal_feed(cast, cast_pair, client, client_for):
    meeting = _schedule(cast, cast_pair, topic="Планирование")
    response = client_for("mentee").get(reverse("mentorships:meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Пробная встреча: Планирование"]
    assert client_for("outsider").get(reverse("mentorships:meeting_ics", args=[meeting.pk])).status_code == 404
    # the feed page shows the secret address; the feed needs no login
    page = client_for("guardian").get(reverse("mentorships:calendar")).content.decode()
    feed = CalendarFeed.objects.get(person=cast.parent_a)
    assert feed.token in page
    client.logout()
    response = client.get(reverse("mentorships:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert "Планирование" in Calendar.from_ical(response.content).walk("VEVENT")[0]["summary"]
    # a new address: the old one stops working, other people's addresses do not change
    mentor_feed = services.calendar_feed_for(cast.user("mentor").person)
    client_for("guardian").post(reverse("mentorships:calendar_reset"))
    client.logout()
    assert client.get(reverse("mentorships:calendar_feed", args=[feed.token])).status_code == 404
    assert CalendarFeed.objects.get(pk=mentor_feed.pk).token == mentor_feed.token
    assert client.get(reverse("mentorships:calendar_feed", args=["no-such-token"])).status_code == 404


def test_feed_of_a_stranger_has_no_meetings(cast, cast_pair, client):
    _schedule(cast, cast_pair)
    feed = services.calendar_feed_for(cast.user("outsider").person)
    response = client.get(reverse("mentorships:calendar_feed", args=[feed.token]))
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


def test_cancel(cast, cast_pair, client_for):
    meeting = _schedule(cast, cast_pair)
    client = client_for("mentor")
    url = reverse("mentorships:meeting_cancel", args=[meeting.pk])
    assert "Причина отмены: Обязательное поле." in client.post(url, {"reason": ""}, follow=True).content.decode()
    client.post(url, {"reason": "Болезнь"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
