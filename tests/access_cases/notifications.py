"""URL cases of notifications. Every page shows the user's own notifications only, and every user
(the read-only working group, mentors, mentees, guardians too) marks their own notifications read
and chooses their own channels: those posts are the person's own, not writes to school A's data, so
they are described as reads here; tests/notifications checks that another person's notification is
a 404 and stays unread."""

from __future__ import annotations

from nastavnik.notifications.models import Notification

from .base import Case


def _notification(cast) -> Notification:
    person = cast.user("curator").person
    notification = Notification.objects.filter(recipient=person).first()
    return notification or Notification.objects.create(
        recipient=person, kind="meeting_tomorrow", title="Завтра встреча", url="/"
    )


def _pk(cast):
    return {"pk": _notification(cast).pk}


CASES: dict[str, Case] = {
    "notifications:list": Case(listing=True),
    "notifications:bell": Case(listing=True),
    "notifications:settings": Case(listing=True),
    "notifications:read_all": Case(listing=True, post_only=True),
    "notifications:open": Case(kwargs=_pk),
    "notifications:read": Case(kwargs=_pk, post_only=True),
}
