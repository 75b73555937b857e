from django import template
from django.urls import reverse

from nastavnik.monitoring.indicators import percent_text

register = template.Library()

BADGES = {
    "green": "text-bg-success",
    "yellow": "text-bg-warning",
    "red": "text-bg-danger",
    "grey": "text-bg-secondary",
    "neutral": "text-bg-light border",
}


@register.filter
def light_badge(light: str) -> str:
    return BADGES.get(light, "text-bg-secondary")


@register.filter
def coverage_badge(value) -> str:
    if value is None:
        return BADGES["grey"]
    return BADGES["green"] if value >= 10 else BADGES["yellow"] if value >= 8 else BADGES["red"]


@register.filter
def percent(value) -> str:
    return percent_text(value)


@register.filter
def score(value) -> str:
    if value is None:
        return "нет данных"
    return f"{value:.1f}".replace(".", ",")


@register.filter
def index(sequence, position):
    try:
        return sequence[position]
    except (IndexError, TypeError, KeyError):
        return ""


@register.simple_tag
def dashboard_url(level, obj, year) -> str:
    name = {"organization": "monitoring:organization", "municipality": "monitoring:municipality"}.get(
        level, "monitoring:region"
    )
    return reverse(name, args=[obj.pk, year])


@register.simple_tag
def change(before, after) -> str:
    delta = after - before
    text = f"{delta:+.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return "0" if delta == 0 else text
