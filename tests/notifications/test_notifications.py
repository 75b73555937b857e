"""Notifications: the reminder registry, idempotent sending (in the system and by e-mail, as each
person chose), the questionnaire and mentorship sources, the pages and the scheduler command."""

from __future__ import annotations

import datetime as dt
import os
import signal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from nastavnik.notifications import reminders, selectors, services
from nastavnik.notifications.management.commands import send_reminders as command_module
from nastavnik.notifications.models import Notification, NotificationPreference, SentReminder
from nastavnik.notifications.reminders import Reminder
from tests.factories import PersonFactory

KIND = "test_kind"


@pytest.fixture
def test_source():
    """A registered source that reminds whoever is in `targets`."""
    targets: list[Reminder] = []
    reminders.register(KIND, "Тестовое напоминание", lambda *, now: list(targets))
    yield targets
    reminders.unregister(KIND)


def _only(kind):
    return {kind}


def test_reminder_is_sent_once_however_often_the_sender_runs(cast, test_source):
    mentor = cast.user("mentor").person
    mentor.email = "zaitseva@example.ru"
    mentor.save()
    test_source.append(Reminder(mentor.pk, "obj:1:2026-10-01", "Завтра встреча", "Кабинет 12", "/mentorships/1/"))
    first = services.send_reminders(kinds=_only(KIND))
    assert (first.sent, first.in_app, first.emailed) == (1, 1, 1)
    again = services.send_reminders(kinds=_only(KIND))
    assert (again.due, again.already_sent, again.sent) == (1, 1, 0)
    assert Notification.objects.filter(recipient=mentor, kind=KIND).count() == 1
    assert SentReminder.objects.filter(kind=KIND).count() == 1
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["zaitseva@example.ru"]
    assert "Завтра встреча" in letter.subject
    assert "http://127.0.0.1:8000/mentorships/1/" in letter.body
    assert "/notifications/settings/" in letter.body
    # a new date bucket is a new reminder
    test_source.append(Reminder(mentor.pk, "obj:1:2026-10-08", "Завтра встреча", "", ""))
    assert services.send_reminders(kinds=_only(KIND)).sent == 1
    assert Notification.objects.filter(recipient=mentor, kind=KIND).count() == 2


def test_person_without_account_gets_only_email_and_without_email_nothing(cast, test_source):
    with_email = PersonFactory(organization=cast.school_a, email="parent@example.ru")
    nothing = PersonFactory(organization=cast.school_a)
    test_source += [Reminder(with_email.pk, "a", "Анкета"), Reminder(nothing.pk, "a", "Анкета")]
    stats = services.send_reminders(kinds=_only(KIND))
    assert (stats.sent, stats.in_app, stats.emailed, stats.silent) == (2, 0, 1, 1)
    assert not Notification.objects.exists()
    assert [m.to for m in mail.outbox] == [["parent@example.ru"]]
    # recorded: never tried again
    assert services.send_reminders(kinds=_only(KIND)).sent == 0


def test_switched_off_channels_are_respected(cast, client_for, test_source):
    mentee = cast.user("mentee").person
    mentee.email = "mentee@example.ru"
    mentee.save()
    client = client_for("mentee")
    page = client.get(reverse("notifications:settings"))
    assert "Тестовое напоминание" in page.content.decode()
    # switch the e-mail of this kind off, keep it in the system
    data = {f"app_{kind}": "on" for kind, _label in reminders.kinds()}
    data.update({f"mail_{kind}": "on" for kind, _label in reminders.kinds() if kind != KIND})
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(person=mentee, kind=KIND)
    assert (pref.in_app, pref.email) == (True, False)
    test_source.append(Reminder(mentee.pk, "x", "Подтвердите встречу"))
    stats = services.send_reminders(kinds=_only(KIND))
    assert (stats.in_app, stats.emailed) == (1, 0)
    assert not mail.outbox
    # both off: recorded silently
    services.preferences_save(actor=cast.user("mentee"), choices={KIND: (False, False)})
    test_source.append(Reminder(mentee.pk, "y", "Подтвердите встречу"))
    stats = services.send_reminders(kinds=_only(KIND))
    assert (stats.sent, stats.silent) == (1, 1)
    assert Notification.objects.filter(recipient=mentee).count() == 1


def test_unknown_kind_in_preferences_is_refused(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Неизвестный вид"):
        services.preferences_save(actor=cast.user("mentor"), choices={"no_such_kind": (True, True)})


def test_a_failed_letter_leaves_nothing_and_is_retried(cast, test_source, monkeypatch):
    person = cast.user("mentor").person
    person.email = "m@example.ru"
    person.save()
    test_source.append(Reminder(person.pk, "k", "Напоминание"))

    def broken(*args, **kwargs):
        raise OSError("SMTP сервер недоступен")

    monkeypatch.setattr(services, "send_mail", broken)
    stats = services.send_reminders(kinds=_only(KIND))
    assert (stats.sent, stats.failed) == (0, 1)
    assert not SentReminder.objects.exists()
    assert not Notification.objects.exists()
    monkeypatch.undo()
    assert services.send_reminders(kinds=_only(KIND)).sent == 1


def test_list_mark_read_and_counter(cast, client_for):
    person = cast.user("curator").person
    first = Notification.objects.create(recipient=person, kind=KIND, title="Первое", url="/notifications/")
    Notification.objects.create(recipient=person, kind=KIND, title="Второе")
    other = Notification.objects.create(recipient=cast.user("mentor").person, kind=KIND, title="Чужое уведомление")
    client = client_for("curator")
    assert selectors.unread_count(cast.user("curator")) == 2
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Первое" in page
    assert "Второе" in page
    assert "Чужое уведомление" not in page
    response = client.post(reverse("notifications:read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="nav-unread-count"' in response.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    assert selectors.unread_count(cast.user("curator")) == 1
    # another person's notification: 404, and it stays unread
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    # the bell's dropdown
    bell = client.get(reverse("notifications:bell")).content.decode()
    assert "Второе" in bell
    assert "непрочитанных: 1" in bell
    client.post(reverse("notifications:read_all"))
    assert selectors.unread_count(cast.user("curator")) == 0
    assert selectors.unread_count(cast.user("mentor")) == 1


def test_open_marks_read_and_goes_to_the_url(cast, client_for):
    n = Notification.objects.create(
        recipient=cast.user("mentee").person, kind=KIND, title="Анкета", url="/notifications/settings/"
    )
    evil = Notification.objects.create(
        recipient=cast.user("mentee").person, kind=KIND, title="Чужой сайт", url="https://evil.example.com/"
    )
    client = client_for("mentee")
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == "/notifications/settings/"
    n.refresh_from_db()
    assert n.is_read
    assert client.get(reverse("notifications:open", args=[evil.pk]))["Location"] == reverse("notifications:list")


def test_user_without_card_sees_empty_pages(client, cast):
    from django.contrib.auth import get_user_model

    bare = get_user_model().objects.create_user("bare", password="x-123-secret")
    client.force_login(bare)
    assert client.get(reverse("notifications:list")).status_code == 200
    assert client.get(reverse("notifications:settings")).status_code == 200
    assert selectors.unread_count(bare) == 0


# --- the questionnaire source ---------------------------------------------------------------------------
def test_questionnaire_due_reminds_the_person_of_an_open_link(cast):
    from tests.access_cases.questionnaires import _campaign

    campaign = _campaign(cast)
    invitation = campaign.invitations.order_by("pk").first()
    person = invitation.person
    person.email = "pupil@example.ru"
    person.save()
    # the deadline is a week away: nothing yet
    assert services.send_reminders(kinds={"questionnaire_due"}).due == 0
    now = invitation.expires_at - dt.timedelta(days=2)
    type(invitation).objects.filter(pk=invitation.pk).update(created_at=now - dt.timedelta(days=5))
    stats = services.send_reminders(now=now, kinds={"questionnaire_due"})
    assert stats.sent >= 1
    letters = [m for m in mail.outbox if m.to == ["pupil@example.ru"]]
    assert len(letters) == 1
    assert (
        f"http://127.0.0.1:8000/{reverse('questionnaires:answer', args=[invitation.token]).lstrip('/')}"
        in letters[0].body
    )
    assert services.send_reminders(now=now, kinds={"questionnaire_due"}).sent == 0
    # answered links are not reminded
    type(invitation).objects.filter(pk=invitation.pk).update(answered_at=now)
    keys = {r.key for _k, r in reminders.collect_all(now=now) if _k == "questionnaire_due"}
    assert not any(k.startswith(f"invitation:{invitation.pk}:") for k in keys)


# --- the scheduler command ---------------------------------------------------------------------------------
def test_command_once_prints_the_figures(cast, test_source):
    from io import StringIO

    test_source.append(Reminder(cast.user("mentor").person.pk, "c", "Напоминание"))
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "отправлено сейчас: 1" in out.getvalue()
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "отправлено сейчас: 0" in out.getvalue()
    assert Notification.objects.filter(kind=KIND).count() == 1


def test_loop_runs_until_sigterm_and_restores_handlers(cast, monkeypatch):
    from io import StringIO

    runs = []

    def fake_send(**kwargs):
        runs.append(timezone.now())
        if len(runs) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return services.SendStats()

    monkeypatch.setattr(command_module.services, "send_reminders", fake_send)
    before = signal.getsignal(signal.SIGTERM)
    out = StringIO()
    call_command("send_reminders", "--loop", "1", stdout=out)
    assert len(runs) == 2
    assert "SIGTERM" in out.getvalue()
    assert "остановлена" in out.getvalue()
    assert signal.getsignal(signal.SIGTERM) is before
