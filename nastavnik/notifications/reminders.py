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


_REGISTRY: dict[str, ReminderSource] = {}
# Kinds of notifications that are not reminders (sent by a service when something happens): they are
# switched off on the same settings page.
_EVENT_KINDS: dict[str, str] = {}


def register(kind: str, label: str, collect: Callable[..., Iterable[Reminder]]) -> None:
    """Register (or replace) a reminder source."""
    _REGISTRY[kind] = ReminderSource(kind=kind, label=label, collect=collect)


def register_event_kind(kind: str, label: str) -> None:
    """A kind of notification sent when something happens (not collected by the sender)."""
    _EVENT_KINDS[kind] = label


def unregister(kind: str) -> None:
    _REGISTRY.pop(kind, None)
    _EVENT_KINDS.pop(kind, None)


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
