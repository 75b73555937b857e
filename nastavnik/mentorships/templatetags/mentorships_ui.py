from django import template
from django.utils import timezone

register = template.Library()

BADGES = {
    "proposed": "text-bg-info",
    "active": "text-bg-success",
    "completed": "text-bg-secondary",
    "ended_early": "text-bg-warning",
    # meetings
    "planned": "text-bg-primary",
    "held": "text-bg-success",
    "cancelled": "text-bg-light border",
    # plans
    "draft": "text-bg-light border",
    "submitted": "text-bg-info",
    "approved": "text-bg-success",
    "superseded": "text-bg-secondary",
    # plan items
    "in_progress": "text-bg-primary",
    "done": "text-bg-success",
}


@register.filter
def ms_badge(status: str) -> str:
    """Bootstrap badge classes for a status of a mentorship, meeting, plan or plan item."""
    return BADGES.get(status, "text-bg-light")


@register.filter
def local_dt(value) -> str:
    """A meeting time as «12.10.2026, 15:30» in the local time zone."""
    if not value:
        return ""
    return timezone.localtime(value).strftime("%d.%m.%Y, %H:%M")


@register.filter
def local_time(value) -> str:
    if not value:
        return ""
    return timezone.localtime(value).strftime("%H:%M")


@register.filter
def local_date(value):
    if not value:
        return None
    return timezone.localtime(value).date()


@register.filter
def progress_step(value) -> int:
    """Widths come from classes .pct-0 … .pct-100 in steps of 5 (the CSP forbids inline styles)."""
    try:
        value = int(value)
    except (TypeError, ValueError):
        return 0
    return min(100, max(0, round(value / 5) * 5))


@register.filter
def confirmed_by(meeting, person_ids) -> bool:
    """Whether one of these persons confirmed the meeting (uses the prefetched confirmations)."""
    ids = set(person_ids or ())
    return any(c.person_id in ids for c in meeting.confirmations.all())


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def signed_by(entry, person_ids) -> bool:
    ids = set(person_ids or ())
    return any(s.person_id in ids for s in entry.signatures.all())
