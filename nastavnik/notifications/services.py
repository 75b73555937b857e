"""Writes of notifications: delivering a notification (in the system and by e-mail, as the person
chose), sending the due reminders once, marking notifications read, saving a person's channels.

Rules owned here:
- a person with an account gets a notification in the system; a person with an e-mail address gets
  a letter; each channel of each kind can be switched off by the person (no row = both on);
- a reminder is sent once: its key (kind, person, the source's object and date bucket) is unique in
  SentReminder; the row, the notification and the letter are one transaction, so a letter that
  fails to go leaves nothing behind and is tried again on the next run;
- a person reads and marks only their own notifications and changes only their own settings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from nastavnik.people.access import access_for, require
from nastavnik.people.models import Person

from . import reminders
from .models import Notification, NotificationPreference, SentReminder

NO_PERSON = "Уведомления получают участники программы: учётная запись не связана с карточкой участника."
NOT_YOURS = "Это уведомление адресовано другому человеку."
KEY_LENGTH = 300
CHUNK = 500


def site_url() -> str:
    """The address letters link to (SITE_URL in the settings; the local demo by default)."""
    return (getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def absolute(url: str, base_url: str | None = None) -> str:
    if not url or "://" in url:
        return url
    return f"{(base_url or site_url()).rstrip('/')}{url}"


@dataclass(frozen=True)
class Channels:
    in_app: bool = True
    email: bool = True


def _channels(person_ids: Iterable[int], kinds: Iterable[str]) -> dict[tuple[int, str], Channels]:
    person_ids, kinds = set(person_ids), set(kinds)
    result = {}
    ids = sorted(person_ids)
    for start in range(0, len(ids), CHUNK):
        rows = NotificationPreference.objects.filter(person_id__in=ids[start : start + CHUNK], kind__in=kinds)
        for row in rows:
            result[row.person_id, row.kind] = Channels(in_app=row.in_app, email=row.email)
    return result


def _letter(person: Person, *, title: str, text: str, url: str, base_url: str | None) -> tuple[str, str]:
    greeting = " ".join(p for p in (person.first_name, person.patronymic) if p)
    parts = [f"Здравствуйте, {greeting}!", "", title]
    if text:
        parts += ["", text]
    if url:
        parts += ["", f"Открыть: {absolute(url, base_url)}"]
    parts += [
        "",
        "—",
        "«Наставник», программа наставничества.",
        f"Настроить уведомления: {absolute(reverse('notifications:settings'), base_url)}",
    ]
    return f"Наставник: {title}"[:200], "\n".join(parts)


def _deliver(person: Person, *, kind: str, title: str, text: str, url: str, channels: Channels, base_url) -> tuple:
    """Inside the caller's transaction: the notification and the letter the person's channels allow."""
    in_app = channels.in_app and person.user_id is not None
    email = channels.email and bool(person.email)
    if in_app:
        Notification.objects.create(recipient=person, kind=kind, title=title[:200], text=text, url=url[:500])
    if email:
        subject, body = _letter(person, title=title, text=text, url=url, base_url=base_url)
        send_mail(subject, body, None, [person.email])
    return in_app, email


@transaction.atomic
def notify(
    *, person: Person, kind: str, title: str, text: str = "", url: str = "", base_url: str | None = None
) -> tuple[bool, bool]:
    """A notification about something that happened (a safety flag for the curator, a «нет» in the
    fit check…), sent at once by the service where it happened. Returns (in the system, by e-mail)."""
    channels = _channels([person.pk], [kind]).get((person.pk, kind), Channels())
    return _deliver(person, kind=kind, title=title, text=text, url=url, channels=channels, base_url=base_url)


# --- reminders ------------------------------------------------------------------------------------------
@dataclass
class SendStats:
    due: int = 0  # reminders the sources gave
    already_sent: int = 0  # sent on an earlier run (or by another sender at the same time)
    sent: int = 0  # recorded now
    in_app: int = 0
    emailed: int = 0
    silent: int = 0  # recorded, but every channel is off or missing (no account, no e-mail)
    failed: int = 0  # the letter did not go (mail server): nothing recorded, tried again next run

    def __str__(self):
        return (
            f"напоминаний к отправке: {self.due}, уже отправлены раньше: {self.already_sent}, "
            f"отправлено сейчас: {self.sent} (в системе: {self.in_app}, писем: {self.emailed}, "
            f"без доступного канала: {self.silent}), не ушло писем: {self.failed}"
        )


def reminder_key(kind: str, reminder: reminders.Reminder) -> str:
    key = f"{kind}|{reminder.person_id}|{reminder.key}"
    if len(key) > KEY_LENGTH:
        key = f"{kind}|{reminder.person_id}|sha256:{hashlib.sha256(reminder.key.encode()).hexdigest()}"
    return key


def send_reminders(*, now: dt.datetime | None = None, base_url: str | None = None, kinds=None) -> SendStats:
    """Collect every due reminder from the registered sources and send those not sent yet.
    Run by `manage.py send_reminders` (once, or in a loop)."""
    now = now or timezone.now()
    stats = SendStats()
    due: dict[str, tuple[str, reminders.Reminder]] = {}
    for kind, reminder in reminders.collect_all(now=now):
        if kinds and kind not in kinds:
            continue
        due.setdefault(reminder_key(kind, reminder), (kind, reminder))
    stats.due = len(due)
    keys = sorted(due)
    sent_before = set()
    for start in range(0, len(keys), CHUNK):
        sent_before |= set(
            SentReminder.objects.filter(key__in=keys[start : start + CHUNK]).values_list("key", flat=True)
        )
    stats.already_sent = len(sent_before)
    todo = {key: value for key, value in due.items() if key not in sent_before}
    person_ids = {reminder.person_id for _kind, reminder in todo.values()}
    people = {}
    ids = sorted(person_ids)
    for start in range(0, len(ids), CHUNK):
        people.update(Person.objects.in_bulk(ids[start : start + CHUNK]))
    channels = _channels(person_ids, {kind for kind, _r in todo.values()})
    for key in sorted(todo):
        kind, reminder = todo[key]
        person = people.get(reminder.person_id)
        if person is None:
            continue
        try:
            with transaction.atomic():
                row = SentReminder.objects.create(key=key, kind=kind, person=person, sent_at=now)
                in_app, email = _deliver(
                    person,
                    kind=kind,
                    title=reminder.title,
                    text=reminder.text,
                    url=reminder.url,
                    channels=channels.get((person.pk, kind), Channels()),
                    base_url=base_url,
                )
                if in_app or email:
                    row.in_app, row.email = in_app, email
                    row.save(update_fields=["in_app", "email"])
        except IntegrityError:  # another sender recorded it a moment ago
            stats.already_sent += 1
            continue
        except OSError:  # smtplib errors are OSErrors: the row is rolled back, the next run retries
            stats.failed += 1
            continue
        stats.sent += 1
        stats.in_app += in_app
        stats.emailed += email
        stats.silent += not (in_app or email)
    return stats


# --- the person's own notifications and settings ---------------------------------------------------------
def _person_id(actor) -> int:
    person_id = access_for(actor).person_id
    require(person_id is not None, NO_PERSON)
    return person_id


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification, now: dt.datetime | None = None) -> Notification:
    require(notification.recipient_id == _person_id(actor), NOT_YOURS)
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor, now: dt.datetime | None = None) -> int:
    person_id = _person_id(actor)
    return Notification.objects.filter(recipient_id=person_id, read_at__isnull=True).update(
        read_at=now or timezone.now(), updated_at=timezone.now()
    )


@transaction.atomic
def preferences_save(*, actor, choices: dict[str, tuple[bool, bool]]) -> list[NotificationPreference]:
    """The person's channels for each kind: {kind: (in the system, by e-mail)}. Kinds not given keep
    their setting."""
    person_id = _person_id(actor)
    known = dict(reminders.kinds())
    unknown = sorted(set(choices) - set(known))
    if unknown:
        raise ValidationError(f"Неизвестный вид уведомлений: {', '.join(unknown)}.")
    rows = []
    for kind, (in_app, email) in choices.items():
        row, _created = NotificationPreference.objects.update_or_create(
            person_id=person_id, kind=kind, defaults={"in_app": bool(in_app), "email": bool(email)}
        )
        rows.append(row)
    return rows
