"""Reads of notifications: always the acting user's own (another person's notification is a 404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from nastavnik.people.access import access_for

from . import reminders
from .models import Notification, NotificationPreference


def _own(user) -> QuerySet[Notification]:
    person_id = access_for(user).person_id
    if person_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=person_id)


def unread_count(user) -> int:
    """The number on the bell in the navigation (0 for the anonymous and for users without a card)."""
    if user is None or not user.is_authenticated:
        return 0
    return _own(user).filter(read_at__isnull=True).count()


def notifications_for(*, actor, unread_only: bool = False) -> QuerySet[Notification]:
    qs = _own(actor)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def recent_for(*, actor, limit: int = 6) -> list[Notification]:
    """The bell's dropdown: unread first, then the latest read ones."""
    unread = list(notifications_for(actor=actor, unread_only=True)[:limit])
    if len(unread) < limit:
        unread += list(notifications_for(actor=actor).filter(read_at__isnull=False)[: limit - len(unread)])
    return unread


def notification_get_for(*, actor, pk: int) -> Notification:
    return get_object_or_404(_own(actor), pk=pk)


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    in_app: bool
    email: bool


def audiences_of(actor) -> frozenset[str] | None:
    """The roles of the person for the kinds of notifications (reminders.AUDIENCES); None for the platform
    admin (every kind). A mentor or mentee is one by role, by a pool entry or by a mentorship."""
    from nastavnik.mentorships.models import Mentorship, MentorshipMentee
    from nastavnik.people.models import RoleKind
    from nastavnik.pools.models import MenteeEntry, MentorEntry

    access = access_for(actor)
    if access.is_admin:
        return None
    result = set()
    pid = access.person_id
    kinds = access.kinds
    if RoleKind.MENTOR in kinds or (
        pid
        and (Mentorship.objects.filter(mentor_id=pid).exists() or MentorEntry.objects.filter(person_id=pid).exists())
    ):
        result.add(reminders.MENTOR)
    if RoleKind.MENTEE in kinds or (
        pid
        and (
            MentorshipMentee.objects.filter(person_id=pid).exists()
            or MenteeEntry.objects.filter(person_id=pid).exists()
        )
    ):
        result.add(reminders.MENTEE)
    if RoleKind.GUARDIAN in kinds or access.child_ids:
        result.add(reminders.GUARDIAN)
    if access.managed_org_ids:
        result.add(reminders.CURATOR)
    if access.is_coordinator:
        result.add(reminders.COORDINATOR)
    return frozenset(result)


def preferences_for(*, actor) -> list[PreferenceRow]:
    """The kinds that apply to the person's roles, with the channels chosen (no row: both on)."""
    person_id = access_for(actor).person_id
    saved = {}
    if person_id is not None:
        saved = {p.kind: p for p in NotificationPreference.objects.filter(person_id=person_id)}
    rows = []
    for kind, label in reminders.kinds_for(audiences_of(actor)):
        pref = saved.get(kind)
        rows.append(
            PreferenceRow(
                kind=kind, label=label, in_app=pref.in_app if pref else True, email=pref.email if pref else True
            )
        )
    return rows
