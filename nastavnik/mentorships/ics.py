"""iCalendar (RFC 5545) for meetings: one meeting as a file, and a person's feed of all their meetings."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar, Event, vText

from .models import Meeting, MeetingStatus, WorkFormat


def _event(meeting: Meeting, *, base_url: str = "") -> Event:
    mentorship = meeting.mentorship
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@nastavnik")
    event.add("dtstamp", meeting.updated_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.get_kind_display()} встреча: {meeting.topic}")
    where = meeting.place or (meeting.link if meeting.format == WorkFormat.REMOTE else "")
    if where:
        event.add("location", vText(where))
    lines = [
        f"Наставник: {mentorship.mentor.full_name}",
        f"Форма наставничества: «{mentorship.form.name}»",
        f"Формат: {meeting.get_format_display().lower()}",
    ]
    if meeting.link:
        lines.append(f"Ссылка: {meeting.link}")
        event.add("url", meeting.link)
    if base_url:
        lines.append(f"В системе: {base_url}")
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    return event


def calendar_bytes(meetings: Iterable[Meeting], *, name: str, url_for=None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Наставник//Встречи наставничества//RU")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings:
        cal.add_component(_event(meeting, base_url=url_for(meeting) if url_for else ""))
    return cal.to_ical()
