"""The pages: the curator's base, «найти наставника рядом» with a request answered by the other curator, the
region's aggregated base with its export, and who sees what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from nastavnik.mentorbase import services
from nastavnik.mentorbase.models import BaseMentor, MentorRequest, RequestStatus

pytestmark = pytest.mark.django_db


def _shown(cast, make, **data):
    person = make.teacher(cast.school_a, **data)
    make.mentorship(person, ratings=(9,), topics=["Математика"], competencies="Подготовка к ОГЭ по математике")
    services.base_refresh(actor=None, organization=cast.school_a)
    mentor = BaseMentor.objects.get(person=person)
    return services.base_update(
        actor=cast.user("curator"), mentor=mentor, available_elsewhere=True, consent_confirmed=True
    )


def test_curator_refreshes_the_base_from_the_page(client_for, cast, make):
    person = make.teacher(last_name="Хорошева")
    make.mentorship(person, ratings=(9,))
    client = client_for("curator")
    url = reverse("mentorbase:org_base", args=[cast.school_a.pk])
    assert "пока никого нет" in client.get(url).content.decode()
    response = client.post(reverse("mentorbase:refresh", args=[cast.school_a.pk]), follow=True)
    content = response.content.decode()
    assert "добавлено — 1" in content
    assert "Хорошева" in content
    client.post(reverse("mentorbase:refresh", args=[cast.school_a.pk]))
    assert BaseMentor.objects.count() == 1
    detail = client.get(reverse("mentorbase:detail", args=[BaseMentor.objects.get().pk])).content.decode()
    assert "История наставничества" in detail
    assert "Завершена" in detail


def test_add_by_hand_form_shows_russian_errors(client_for, cast, make):
    person = make.teacher(last_name="Ручнова")
    client = client_for("curator")
    url = reverse("mentorbase:add", args=[cast.school_a.pk])
    response = client.post(url, {"person": person.pk, "reason": ""})
    assert response.status_code == 200
    assert "Обязательное поле" in response.content.decode()
    response = client.post(url, {"person": person.pk, "reason": "Наставник года"})
    assert response.status_code == 302
    assert BaseMentor.objects.filter(person=person).exists()
    edit = reverse("mentorbase:edit", args=[BaseMentor.objects.get(person=person).pk])
    response = client.post(edit, {"note": "", "available_elsewhere": "on"})
    assert "согласен" in response.content.decode()


def test_find_request_accept_and_contacts(client, cast, make):
    mentor = _shown(cast, make, last_name="Нужнова", phone="+7 900 111-22-33", email="nuzhnova@example.ru")
    asking = make.curator(cast.school_a2, "curator_a2")
    client.force_login(asking)
    find = reverse("mentorbase:find", args=[cast.school_a2.pk])
    page = client.get(find, {"q": "огэ", "scope": "municipality"}).content.decode()
    assert "Нужнова" in page
    assert "Ершовская СОШ" in page
    assert "111-22-33" not in page
    assert "nuzhnova@example.ru" not in page
    assert "Нужнова" not in client.get(find, {"q": "химия"}).content.decode()
    new = reverse("mentorbase:request_new", args=[cast.school_a2.pk, mentor.pk])
    today = timezone.localdate()
    data = {
        "form": make.form.pk,
        "need": "Наставник для молодого учителя математики",
        "period_start": today.isoformat(),
        "period_end": (today + dt.timedelta(days=90)).isoformat(),
    }
    response = client.post(new, data)
    assert response.status_code == 302
    again = client.post(new, data)
    assert again.status_code == 200
    assert "уже отправлен" in again.content.decode()
    request = MentorRequest.objects.get()
    detail = reverse("mentorbase:request_detail", args=[request.pk])
    assert "111-22-33" not in client.get(detail).content.decode()

    client.force_login(cast.user("curator"))
    home = Template("{% load mentorbase %}{% mentorbase_inbox %}").render(
        Context({"request": _request_for(cast.user("curator"))})
    )
    assert "1 запрос" in home
    assert "Нужнова" in client.get(reverse("mentorbase:requests", args=[cast.school_a.pk])).content.decode()
    response = client.post(reverse("mentorbase:request_decide", args=[request.pk]), {"decision": "decline"})
    assert MentorRequest.objects.get().status == RequestStatus.SENT  # a decline without a comment is refused
    client.post(reverse("mentorbase:request_decide", args=[request.pk]), {"decision": "accept", "comment": "Поможем"})
    assert MentorRequest.objects.get().status == RequestStatus.ACCEPTED

    client.force_login(asking)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    page = client.get(detail).content.decode()
    assert "111-22-33" in page
    assert "nuzhnova@example.ru" in page
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1


def _request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_participants_do_not_find_the_base(client_for, cast, make):
    mentor = _shown(cast, make, last_name="Нужнова")
    for name in ("mentor", "mentee", "guardian"):
        client = client_for(name)
        assert client.get(reverse("mentorbase:org_base", args=[cast.school_a.pk])).status_code == 404
        assert client.get(reverse("mentorbase:detail", args=[mentor.pk])).status_code == 404
        assert client.get(reverse("mentorbase:find", args=[cast.school_a.pk])).status_code == 404
        assert client.get(reverse("mentorbase:index")).status_code == 404


def test_region_page_for_coordinators_only_with_counts_not_minors(client_for, cast, make):
    _shown(cast, make, last_name="Нужнова")
    url = reverse("mentorbase:region", args=[cast.region_a.pk])
    for name in ("regional", "municipal"):
        page = client_for(name).get(url, {"year": make.last_year.start_year}).content.decode()
        assert "Нужнова" in page
        assert "Ершовская СОШ" in page
        assert "Ученикова" not in page  # mentees only as counts
    assert client_for("curator").get(url).status_code == 403
    assert client_for("outsider_regional").get(url).status_code == 404
    assert client_for("mentor").get(url).status_code == 404
    filtered = client_for("regional").get(url, {"q": "химия"}).content.decode()
    assert "Нужнова" not in filtered
    assert client_for("regional").get(reverse("mentorbase:index")).url == url


def test_region_export_is_an_audited_xlsx_without_contacts(client_for, cast, make):
    _shown(cast, make, last_name="Нужнова", phone="+7 900 111-22-33")
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    response = client_for("regional").get(reverse("mentorbase:region_export", args=[cast.region_a.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "ФИО"
    assert rows[1][1].startswith("Нужнова")
    assert rows[1][3] == "Ершовская СОШ"
    assert not any("111-22-33" in str(value) for row in rows for value in row)
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1


def test_region_refresh_by_the_municipal_coordinator(client_for, cast, make):
    make.mentorship(make.teacher(cast.school_a2, last_name="Соседова"))
    response = client_for("municipal").post(reverse("mentorbase:region_refresh", args=[cast.region_a.pk]), follow=True)
    assert "добавлено — 1" in response.content.decode()
    assert client_for("curator").post(reverse("mentorbase:region_refresh", args=[cast.region_a.pk])).status_code == 403
