"""`{% mentorbase_inbox %}`: the requests for a mentor waiting for the user's answer (for the home page)."""

from django import template

from nastavnik.mentorbase import selectors

register = template.Library()


@register.inclusion_tag("mentorbase/_inbox.html", takes_context=True)
def mentorbase_inbox(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"count": 0}
    count = selectors.inbox_count(user)
    organization = selectors.inbox_organization(user) if count else None
    return {"count": count, "organization": organization}
