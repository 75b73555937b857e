"""`{% load selfmatch %}{% selfmatch_box request.user %}`: the cabinets' box of the self-match mode —
«Выбрать наставника» for the mentee (or the guardian of a minor) in an open window, and the mentor's
requests waiting for an answer. Renders nothing when there is neither."""

from django import template

register = template.Library()


@register.inclusion_tag("matching/selfmatch_box.html")
def selfmatch_box(user):
    from nastavnik.matching import selfmatch
    from nastavnik.matching.models import SelfRequestStatus

    if user is None or not getattr(user, "is_authenticated", False):
        return {"box": {"entries": [], "waiting": 0}}
    entries = [entry for entry, _window in selfmatch.my_mentee_entries(user)]
    waiting = sum(1 for r in selfmatch.incoming_for(user) if r.status == SelfRequestStatus.PENDING)
    return {"box": {"entries": entries, "waiting": waiting}}
