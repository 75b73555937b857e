"""Events (seed 000, stage 1 — informing; 5.1 — the group meeting; 7.1–7.2 — the final ceremony; seed 004,
the regional forum): creation by the organiser, the calendar, registration and attendance, materials."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from nastavnik.events import services
from nastavnik.events.models import Event, EventRegistration, MaterialKind

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_curator_creates_an_event_from_the_page(client_for, cast):
    client = client_for("curator")
    starts = timezone.localtime() + dt.timedelta(days=3)
    response = client.post(
        reverse("events:event_create", args=[cast.school_a.pk]),
        {
            "kind": "group", "title": "Групповая встреча для формирования пар",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "place": "Актовый зал",
            "audience_roles": ["mentor", "mentee"], "registration_open": "on",
        },
    )  # fmt: skip
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:event_detail", args=[event.pk])
    assert (event.organization, event.region, event.role_codes) == (cast.school_a, cast.region_a, ["mentor", "mentee"])
    page = client.get(reverse("events:event_detail", args=[event.pk])).content.decode()
    assert "Групповая встреча для формирования пар" in page
    assert "Актовый зал" in page


def test_event_end_before_start_is_refused_in_russian(client_for, cast):
    starts = timezone.localtime() + dt.timedelta(days=3)
    response = client_for("curator").post(
        reverse("events:event_create", args=[cast.school_a.pk]),
        {
            "kind": "info", "title": "Встреча", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "Окончание должно быть позже начала" in response.content.decode()
    assert not Event.objects.exists()


def test_a_forum_is_held_by_the_region_not_by_a_school(cast, make_event):
    with pytest.raises(ValidationError, match="Региональный форум"):
        make_event(kind="forum")
    forum = make_event(actor="regional", region=cast.region_a, kind="forum", title="Форум наставников")
    assert forum.organization is None
    assert forum.region == cast.region_a


def test_working_group_and_municipal_coordinator_may_not_create_school_events(client_for, cast):
    for name in ("working_group", "mentor"):
        response = client_for(name).post(reverse("events:event_create", args=[cast.school_a.pk]), {"title": "x"})
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.event_save(
            actor=cast.user("regional"), organization=cast.school_a, kind="info", title="x", starts_at=timezone.now()
        )
    assert not Event.objects.exists()


def test_outsider_gets_404_and_changes_nothing(client_for, cast, make_event):
    event = make_event()
    client = client_for("outsider")
    assert client.get(reverse("events:event_detail", args=[event.pk])).status_code == 404
    assert client.post(reverse("events:event_register", args=[event.pk])).status_code == 404
    assert client.post(reverse("events:event_delete", args=[event.pk])).status_code == 404
    assert Event.objects.filter(pk=event.pk).exists()
    assert not EventRegistration.objects.exists()


def test_calendar_month_and_list_views(client_for, cast, make_event):
    event = make_event(title="Обучение наставников: первая встреча", kind="training", days=2)
    client = client_for("mentor")
    local = event.local_start
    month = client.get(reverse("events:org_calendar", args=[cast.school_a.pk]), {"month": f"{local:%Y-%m}"})
    assert month.status_code == 200
    assert "Обучение наставников: первая встреча" in month.content.decode()
    other = client.get(reverse("events:org_calendar", args=[cast.school_a.pk]), {"month": "2001-01"})
    assert "Обучение наставников: первая встреча" not in other.content.decode()
    listing = client.get(reverse("events:org_calendar", args=[cast.school_a.pk]), {"view": "list"})
    assert "Обучение наставников: первая встреча" in listing.content.decode()


def test_region_calendar_shows_region_events_to_the_region_only(client_for, cast, make_event):
    make_event(actor="regional", region=cast.region_a, kind="forum", title="Форум наставников области", days=2)
    url = reverse("events:region_calendar", args=[cast.region_a.pk])
    assert "Форум наставников области" in client_for("curator").get(url, {"view": "list"}).content.decode()
    assert client_for("outsider_regional").get(url).status_code == 404


def test_participant_registers_themselves_once(client_for, cast, make_event):
    event = make_event(audience_roles=["mentor"])
    client = client_for("mentor")
    url = reverse("events:event_register", args=[event.pk])
    client.post(url)
    client.post(url)
    assert list(EventRegistration.objects.values_list("person", flat=True)) == [cast.user("mentor").person.pk]
    assert "Вы записаны" in client.get(reverse("events:event_detail", args=[event.pk])).content.decode()


def test_event_for_mentors_is_not_open_to_a_mentee(cast, make_event):
    event = make_event(audience_roles=["mentor"])
    with pytest.raises(ValidationError, match="Мероприятие для: наставники"):
        services.registration_add(actor=cast.user("mentee"), event=event)
    # … and the mentee does not even see it
    from nastavnik.events.selectors import events_visible

    assert not events_visible(cast.user("mentee")).filter(pk=event.pk).exists()


def test_registration_closes_when_the_event_starts_and_when_full(cast, make_event):
    past = make_event(days=-1)
    with pytest.raises(ValidationError, match="уже началось"):
        services.registration_add(actor=cast.user("mentor"), event=past)
    full = make_event(capacity=1)
    services.registration_add(actor=cast.user("mentor"), event=full)
    with pytest.raises(ValidationError, match="Все места заняты"):
        services.registration_add(actor=cast.user("mentee"), event=full)


def test_curator_registers_others_and_marks_attendance_after_the_start(client_for, cast, make_event):
    event = make_event(days=-1, title="Итоговое мероприятие", kind="final")
    client = client_for("curator")
    client.post(
        reverse("events:event_register_others", args=[event.pk]), {"person": [cast.teacher_a.pk, cast.pupil_a.pk]}
    )
    registrations = {r.person_id: r for r in EventRegistration.objects.all()}
    assert set(registrations) == {cast.teacher_a.pk, cast.pupil_a.pk}
    client.post(
        reverse("events:event_attendance", args=[event.pk]), {"attended": [registrations[cast.teacher_a.pk].pk]}
    )
    marks = dict(EventRegistration.objects.values_list("person_id", "attended"))
    assert marks == {cast.teacher_a.pk: True, cast.pupil_a.pk: False}


def test_attendance_before_the_start_is_refused(cast, make_event):
    event = make_event()
    registration = services.registration_add(actor=cast.user("curator"), event=event, person=cast.teacher_a)
    with pytest.raises(ValidationError, match="после начала"):
        services.attendance_save(actor=cast.user("curator"), event=event, attended_ids=[registration.pk])


def test_curator_of_another_school_cannot_register_our_people(cast, make_event):
    event = make_event()
    with pytest.raises(PermissionDenied):
        services.registration_add(actor=cast.user("outsider"), event=event, person=cast.teacher_a)


def test_region_event_curator_registers_own_school_people(cast, make_event):
    forum = make_event(actor="regional", region=cast.region_a, kind="forum", audience_organizations=[cast.school_a])
    services.registration_add(actor=cast.user("curator"), event=forum, person=cast.teacher_a)
    with pytest.raises(ValidationError):
        services.event_save(
            actor=cast.user("regional"), region=cast.region_a, kind="forum", title="x", starts_at=timezone.now(),
            audience_organizations=[cast.school_b],
        )  # fmt: skip
    assert EventRegistration.objects.filter(event=forum, person=cast.teacher_a).exists()


def test_photos_must_be_images_and_materials_are_served_with_access(client_for, cast, make_event):
    event = make_event()
    with pytest.raises(ValidationError, match="изображение"):
        services.material_add(
            actor=cast.user("curator"), event=event, kind=MaterialKind.PHOTO,
            file=SimpleUploadedFile("a.png", b"not an image"),
        )  # fmt: skip
    photo = services.material_add(
        actor=cast.user("curator"),
        event=event,
        kind=MaterialKind.PHOTO,
        title="Фото",
        file=SimpleUploadedFile("a.png", PNG),
    )
    assert client_for("curator").get(reverse("events:material_download", args=[photo.pk])).status_code == 200
    assert client_for("outsider").get(reverse("events:material_download", args=[photo.pk])).status_code == 404


def test_working_group_member_gets_403_on_organiser_writes(client_for, cast, make_event):
    event = make_event()
    client = client_for("working_group")
    for name in ("event_edit", "event_delete", "event_attendance", "material_add", "event_register_others"):
        assert client.post(reverse(f"events:{name}", args=[event.pk]), {"title": "x"}).status_code == 403, name
    assert Event.objects.get(pk=event.pk).title == event.title


def test_event_for_a_form_takes_participants_of_that_form(cast, build, teacher_pupil, make_event):
    from nastavnik.programs.models import MentoringForm

    other = MentoringForm.objects.get(code="pupil_pupil")
    build.mentor(cast.user("mentor").person)  # in the «учитель – ученик» pool
    closed = make_event(audience_forms=[other])
    with pytest.raises(ValidationError, match="Мероприятие для участников форм"):
        services.registration_add(actor=cast.user("mentor"), event=closed)
    open_ = make_event(audience_forms=[teacher_pupil])
    assert services.registration_add(actor=cast.user("mentor"), event=open_).person == cast.user("mentor").person


def test_municipal_coordinator_creates_a_municipality_event(client_for, cast):
    client = client_for("municipal")
    url = reverse("events:event_create_municipality", args=[cast.municipality_a.pk])
    assert (
        reverse("events:event_create_municipality", args=[cast.municipality_a.pk])
        in client.get(reverse("events:region_calendar", args=[cast.region_a.pk])).content.decode()
    )
    starts = timezone.localtime() + dt.timedelta(days=10)
    client.post(
        url, {"kind": "training", "title": "Обучение кураторов округа", "starts_at": f"{starts:%Y-%m-%dT%H:%M}"}
    )
    event = Event.objects.get()
    assert (event.organization, event.municipality, event.region) == (None, cast.municipality_a, cast.region_a)
    assert client_for("curator").post(url, {"title": "x"}).status_code == 403
    assert client_for("outsider").post(url, {"title": "x"}).status_code == 404


def test_my_portfolio_leads_to_the_own_page(client_for, cast):
    response = client_for("mentor").get(reverse("events:my_portfolio"))
    assert response["Location"] == reverse("events:portfolio", args=[cast.user("mentor").person.pk])
