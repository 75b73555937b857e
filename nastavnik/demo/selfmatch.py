"""The demo's self-match mode (issue 6, item 4), built through matching.selfmatch after the matching runs:
in one organisation the curator opens the self-match window of a form that still has mentees without a
pair; one mentee asks two mentors (both wait for an answer), another asks one mentor, who accepts — the
curator sees it in «Ждут подтверждения». Requests are sent by the mentee's own login (or a guardian's,
for a minor child); a participant without one gets a login, as the demo's other logins (password
DEMO_PASSWORD). Deterministic: the same data on every run; nothing is done twice.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from nastavnik.matching import selectors, selfmatch
from nastavnik.matching.models import SelfMatchWindow
from nastavnik.people.models import GuardianLink, RoleKind
from nastavnik.pools.models import MenteeEntry, MentorEntry
from nastavnik.programs.selectors import enabled_forms

from .roles import user_with_role

PASSWORD = "nastavnik2026"  # demo/builder.py's DEMO_PASSWORD (not imported: the builder imports this module)


def _login_of(admin, person, username: str, created: list[str]):
    """The person's login, or a new one (the demo's password)."""
    from nastavnik.people.services import account_create

    if person.user_id:
        return person.user
    user, _password = account_create(actor=admin, person=person, username=username, password=PASSWORD)
    created.append(username)
    return user


def _actor_for(admin, entry: MenteeEntry, slug: str, created: list[str]):
    """Who asks for the mentee: their own login, a guardian's (a minor), or a new login of the mentee."""
    if entry.person.user_id:
        return entry.person.user
    if entry.person.is_minor:
        link = (
            GuardianLink.objects.filter(child=entry.person, guardian__user__isnull=False)
            .select_related("guardian__user")
            .order_by("pk")
            .first()
        )
        if link is not None:
            return link.guardian.user
    return _login_of(admin, entry.person, f"{slug}.selfmatch.{entry.pk}", created)


def _choosers(organization, academic_year, form, today):
    """Mentees of the form still without a pair, each with the mentor entries they may ask, best first."""
    inputs = selectors.build_inputs(organizations=[organization], academic_year=academic_year, form=form, today=today)
    if not inputs.mentees or len(inputs.mentors) < 2:
        return []
    entries = MenteeEntry.objects.select_related("person", "organization__municipality", "academic_year", "form")
    result = []
    for mentee in inputs.mentees:
        entry = entries.get(pk=mentee.id)
        candidates = selfmatch.candidates_for(entry, today=today) or []
        if len(candidates) >= 2:
            result.append((entry, [c.entry for c in candidates]))
    return result


def build_selfmatch(*, admin, organization, academic_year, today: dt.date, slug: str = "") -> dict:
    """One open self-match window with two waiting requests and one accepted (not yet confirmed).
    Returns counts and the usernames of the logins it had to create (`logins`)."""
    counts: dict = {"windows": 0, "pending": 0, "accepted": 0, "logins": []}
    if SelfMatchWindow.objects.filter(organization=organization, academic_year=academic_year).exists():
        return counts
    slug = slug or f"org{organization.pk}"
    curator = user_with_role(organization, RoleKind.CURATOR, admin)
    day = max(academic_year.start_date, min(today, academic_year.end_date))
    forms = enabled_forms(organization=organization, academic_year=academic_year).order_by("sort_order", "name")
    for form in forms:
        choosers = _choosers(organization, academic_year, form, day)
        if len(choosers) < 2:
            continue  # nobody left to choose in this form
        selfmatch.window_save(
            actor=curator, organization=organization, academic_year=academic_year, form=form, enabled=True
        )
        counts["windows"] = 1
        (first, first_mentors), (second, second_mentors) = choosers[0], choosers[1]
        try:
            asker = _actor_for(admin, first, slug, counts["logins"])
            for mentor in first_mentors[:2]:
                selfmatch.request_create(actor=asker, entry=first, mentor_entry_id=mentor.pk, today=day)
                counts["pending"] += 1
            mentor = next((m for m in second_mentors if m.pk not in {x.pk for x in first_mentors[:2]}), None)
            mentor = mentor or second_mentors[0]
            asker = _actor_for(admin, second, slug, counts["logins"])
            request = selfmatch.request_create(actor=asker, entry=second, mentor_entry_id=mentor.pk, today=day)
            mentor_entry = MentorEntry.objects.select_related("person__user").get(pk=mentor.pk)
            answerer = _login_of(admin, mentor_entry.person, f"{slug}.selfmatch.mentor.{mentor.pk}", counts["logins"])
            selfmatch.request_answer(
                actor=answerer, request=request, accept=True, comment="Готов(а) начать на следующей неделе.", today=day
            )
            counts["accepted"] += 1
        except ValidationError:
            pass
        break
    return counts
