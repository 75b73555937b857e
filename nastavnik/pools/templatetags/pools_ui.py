from django import template

register = template.Library()

BADGES = {
    "candidate": "text-bg-light border",
    "included": "text-bg-primary",
    "in_mentorship": "text-bg-success",
    "completed": "text-bg-secondary",
    "approved": "text-bg-info",
    "trained": "text-bg-primary",
    "active": "text-bg-success",
    "long_term": "text-bg-dark",
    "declined": "text-bg-warning",
    "left": "text-bg-danger",
}


@register.filter
def status_badge(status: str) -> str:
    """Bootstrap badge classes for a pool status."""
    return BADGES.get(status, "text-bg-light")


@register.filter
def score_text(value) -> str:
    """An average score as «2,3» (Russian decimal comma), or a dash."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.1f}".replace(".", ",")
