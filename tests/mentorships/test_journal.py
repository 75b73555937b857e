"""The mentor's journal: the columns of seed 002, «создать запись из встречи» in one click with the
mentees' confirmations as signatures, signing by a mentee only, the printable view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from nastavnik.mentorships import services
from nastavnik.mentorships.models import JournalEntry, JournalSignature, Meeting

SEED_COLUMNS = (
    "Дата встречи",
    "Формат (очно/дистанционно) Форма встречи (индивидуальная/ групповая; диалог/обсуждение, экскурсия; "
    "публичная лекция / практическая работа)",
    "Цель (тема встречи)",
    "Содержание",
    "Результат",
    "Подпись",
)


def _held_meeting(cast, mentorship, topic="Пробная встреча"):
    start = timezone.now() + dt.timedelta(days=1)
    meeting = services.meeting_schedule(
        actor=cast.user("mentor"), mentorship=mentorship, kind="trial", starts_at=start,
        ends_at=start + dt.timedelta(hours=1), format="remote", link="https://vk.com/call/1", topic=topic,
    )  # fmt: skip
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=2)
    )
    meeting.refresh_from_db()
    return meeting


def test_entry_from_meeting_in_one_click_signed_by_confirmations(cast, cast_pair, client_for):
    meeting = _held_meeting(cast, cast_pair)
    services.meeting_confirm(actor=cast.user("mentee"), meeting=meeting)
    client = client_for("mentor")
    response = client.post(reverse("mentorships:journal_from_meeting", args=[meeting.pk]))
    entry = JournalEntry.objects.get()
    assert response["Location"] == reverse("mentorships:journal_edit", args=[entry.pk])
    assert (entry.date, entry.format, entry.participation, entry.topic) == (
        timezone.localtime(meeting.starts_at).date(), "remote", "group", "Пробная встреча",
    )  # fmt: skip
    assert list(entry.signatures.values_list("person_id", flat=True)) == [cast.user("mentee").person.pk]
    client.post(reverse("mentorships:journal_from_meeting", args=[meeting.pk]))  # twice → one entry
    assert JournalEntry.objects.count() == 1
    # the second mentee (the guardian's child) confirms the meeting later: that signs the entry too
    child_user = _login_for(cast.pupil_a)
    services.meeting_confirm(actor=child_user, meeting=meeting)
    assert entry.signatures.count() == 2
    page = client_for("guardian").get(reverse("mentorships:journal", args=[cast_pair.pk])).content.decode()
    for column in SEED_COLUMNS:
        assert column in page
    assert "Пробная встреча" in page


def _login_for(person):
    from tests.factories import UserFactory

    user = UserFactory(username=f"user-{person.pk}")
    person.user = user
    person.save(update_fields=["user"])
    return user


def test_add_edit_sign(cast, cast_pair, client_for):
    client = client_for("mentor")
    data = {"date": timezone.localdate().isoformat(), "format": "in_person", "participation": "group",
            "activity": "practice", "topic": "Проект", "content": "Работали над проектом",
            "result": "План проекта"}  # fmt: skip
    tomorrow = {**data, "date": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}
    assert (
        "дата не может быть позже сегодняшней"
        in client.post(reverse("mentorships:journal_add", args=[cast_pair.pk]), tomorrow).content.decode()
    )
    client.post(reverse("mentorships:journal_add", args=[cast_pair.pk]), data)
    client.post(reverse("mentorships:journal_add", args=[cast_pair.pk]), data)  # double submission
    entry = JournalEntry.objects.get()
    assert entry.meeting_form == "Групповая; практическая работа"
    sign = reverse("mentorships:journal_sign", args=[entry.pk])
    assert client_for("guardian").post(sign).status_code == 403
    assert client_for("mentor").post(sign).status_code == 403
    assert client_for("outsider").post(sign).status_code == 404
    client_for("mentee").post(sign)
    client_for("mentee").post(sign)
    assert JournalSignature.objects.count() == 1
    # a change of the text withdraws the signatures: the mentee signs the new text
    client_for("mentor").post(reverse("mentorships:journal_edit", args=[entry.pk]), {**data, "result": "Готов макет"})
    entry.refresh_from_db()
    assert entry.result == "Готов макет"
    assert not entry.signatures.exists()
    assert (
        client_for("working_group").post(reverse("mentorships:journal_edit", args=[entry.pk]), data).status_code == 403
    )


def test_print_view(cast, cast_pair, client_for):
    services.journal_add(
        actor=cast.user("mentor"), mentorship=cast_pair, date=cast_pair.start_date, format="in_person",
        participation="individual", activity="excursion", topic="Экскурсия в музей", content="Посетили музей",
    )  # fmt: skip
    page = client_for("curator").get(reverse("mentorships:journal_print", args=[cast_pair.pk])).content.decode()
    assert "Журнал наставника" in page
    assert "Экскурсия в музей" in page
    assert "Ф. И. О. наставника: Зайцева" in page
    assert 'class="navbar' not in page
    assert client_for("outsider").get(reverse("mentorships:journal_print", args=[cast_pair.pk])).status_code == 404


def test_rules(cast, cast_pair):
    with pytest.raises(ValidationError, match="раньше"):
        services.journal_add(
            actor=cast.user("mentor"), mentorship=cast_pair, date=cast_pair.start_date - dt.timedelta(days=1),
            format="in_person", participation="individual", activity="dialogue", topic="Т", content="С",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.journal_add(
            actor=cast.user("mentee"), mentorship=cast_pair, date=cast_pair.start_date, format="in_person",
            participation="individual", activity="dialogue", topic="Т", content="С",
        )  # fmt: skip
    start = timezone.now() + dt.timedelta(days=1)
    future = services.meeting_schedule(
        actor=cast.user("mentor"), mentorship=cast_pair, kind="regular", starts_at=start,
        ends_at=start + dt.timedelta(hours=1), format="in_person", place="Класс", topic="Будущая",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="ещё не прошла"):
        services.journal_from_meeting(actor=cast.user("mentor"), meeting=future)
