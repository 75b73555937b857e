"""The registry of reminder sources.

A source is a kind (a short code), a Russian label (what the settings page «Уведомления» shows) and
`collect(*, now)`, which yields a `Reminder` for every person who should be reminded now. The
source decides the bucket of its key: a reminder with the same kind, person and key is sent once
(services.send_reminders records it in SentReminder), however often the sender runs.

Sources register from the apps that own the data they read (apps.ready()):
notifications/sources.py (questionnaires, mentorships) and feedback (the pulse).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Reminder:
    person_id: int
    key: str  # the object and a date bucket: «invitation:7:2026-10-20»
    title: str
    text: str = ""
    url: str = ""  # a path of the site («/mentorships/12/») or a full address


@dataclass(frozen=True)
class ReminderSource:
    kind: str
    label: str
    collect: Callable[..., Iterable[Reminder]]


# Who a kind is for (the settings page shows a person only the kinds of their roles): the audiences.
MENTOR, MENTEE, GUARDIAN, CURATOR, COORDINATOR = "mentor", "mentee", "guardian", "curator", "coordinator"
AUDIENCES = frozenset({MENTOR, MENTEE, GUARDIAN, CURATOR, COORDINATOR})
PARTICIPANTS = frozenset({MENTOR, MENTEE, GUARDIAN})

_REGISTRY: dict[str, ReminderSource] = {}
# Kinds of notifications that are not reminders (sent by a service when something happens): they are
# switched off on the same settings page.
_EVENT_KINDS: dict[str, str] = {}
# kind → its audience; a kind without one is for everybody (e.g. «анкета ждёт ответа»).
_AUDIENCE: dict[str, frozenset[str]] = {}
# The audience of kinds registered by apps that do not say it themselves.
DEFAULT_AUDIENCE: dict[str, frozenset[str]] = {
    "selfmatch_due": frozenset({MENTOR}),
    "selfmatch_request": frozenset({MENTOR}),
    "selfmatch_answer": frozenset({MENTEE, GUARDIAN}),
}


def _audience(kind: str, audience: Iterable[str] | None) -> frozenset[str] | None:
    if audience is None:
        audience = DEFAULT_AUDIENCE.get(kind)
    if audience is None:
        return None
    audience = frozenset(audience)
    unknown = audience - AUDIENCES
    if unknown:
        raise ValueError(f"Unknown audience for {kind}: {sorted(unknown)}")
    return audience


def _keep_audience(kind: str, audience: frozenset[str] | None) -> None:
    if audience is None:
        _AUDIENCE.pop(kind, None)
    else:
        _AUDIENCE[kind] = audience


def register(
    kind: str, label: str, collect: Callable[..., Iterable[Reminder]], *, audience: Iterable[str] | None = None
) -> None:
    """Register (or replace) a reminder source; `audience` — the roles it is for (None: everybody)."""
    checked = _audience(kind, audience)
    _REGISTRY[kind] = ReminderSource(kind=kind, label=label, collect=collect)
    _keep_audience(kind, checked)


def register_event_kind(kind: str, label: str, *, audience: Iterable[str] | None = None) -> None:
    """A kind of notification sent when something happens (not collected by the sender)."""
    checked = _audience(kind, audience)
    _EVENT_KINDS[kind] = label
    _keep_audience(kind, checked)


def unregister(kind: str) -> None:
    _REGISTRY.pop(kind, None)
    _EVENT_KINDS.pop(kind, None)
    _AUDIENCE.pop(kind, None)


def audience_of(kind: str) -> frozenset[str] | None:
    """The roles a kind is for, or None when it is for everybody."""
    return _AUDIENCE.get(kind)


def kinds_for(audiences: Iterable[str] | None) -> list[tuple[str, str]]:
    """The kinds of `kinds()` that apply to a person with these roles (None: every kind — the admin)."""
    if audiences is None:
        return kinds()
    mine = frozenset(audiences)
    return [(kind, label) for kind, label in kinds() if (a := _AUDIENCE.get(kind)) is None or a & mine]


def sources() -> list[ReminderSource]:
    return list(_REGISTRY.values())


def kinds() -> list[tuple[str, str]]:
    """Every kind a person may switch on or off, in the order of registration."""
    return [(s.kind, s.label) for s in _REGISTRY.values()] + list(_EVENT_KINDS.items())


def label_for(kind: str) -> str:
    if kind in _REGISTRY:
        return _REGISTRY[kind].label
    return _EVENT_KINDS.get(kind, kind)


def collect_all(*, now: dt.datetime) -> Iterable[tuple[str, Reminder]]:
    for source in sources():
        for reminder in source.collect(now=now):
            yield source.kind, reminder
