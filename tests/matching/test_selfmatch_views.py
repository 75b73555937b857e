"""Self-match pages: the curator's switch and confirmation, the mentee's choice, the mentor's answers, the
cabinets' box — through the test client, with the access cases of each URL."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from nastavnik.matching import selfmatch
from nastavnik.matching.models import SelfMatchRequest, SelfMatchWindow, SelfRequestStatus
from nastavnik.mentorships.models import Mentorship
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cast, year, forms, tp):
    form = forms["teacher_pupil"]
    mentor = tp.mentor("Физикова", topics=("физика",), user=UserFactory(username="physics"))
    mentee = tp.mentee("Выбирающая", user=UserFactory(username="chooser"), request_text="Олимпиада по физике")
    return {"form": form, "mentor": mentor, "mentee": mentee, "year": year}


def _settings_url(cast, year):
    return reverse("matching:selfmatch_settings", args=[cast.school_a.pk, year.start_year])


def _box(user) -> str:
    return Template("{% load selfmatch %}{% selfmatch_box user %}").render(Context({"user": user}))


def test_the_whole_flow_through_the_pages(client, client_for, cast, setup):
    year, form, mentor, mentee = setup["year"], setup["form"], setup["mentor"], setup["mentee"]
    url = _settings_url(cast, year)
    # before the curator switches it on, the mentee sees no «Выбрать наставника»
    assert "Выбрать наставника" not in _box(mentee.person.user)
    curator = client_for("curator")
    page = curator.get(url)
    assert page.status_code == 200
    assert "«Учитель – ученик»" in page.content.decode()
    response = curator.post(url, {"form": form.pk, "enabled": "on", "max_requests": "2", "answer_days": "5"})
    assert response.status_code == 302
    window = SelfMatchWindow.objects.get()
    assert (window.enabled, window.max_requests, window.answer_days) == (True, 2, 5)
    assert "Выбрать наставника" in _box(mentee.person.user)

    client.force_login(mentee.person.user)
    choose = reverse("matching:selfmatch_choose", args=[mentee.pk])
    page = client.get(choose).content.decode()
    assert "Физикова" in page
    assert "Отправить запрос" in page
    assert "совпадает запрос" in page
    assert mentor.person.phone not in page or not mentor.person.phone
    client.post(choose, {"mentor": mentor.pk})
    response = client.post(choose, {"mentor": mentor.pk}, follow=True)
    assert "Запрос этому наставнику уже отправлен" in response.content.decode()
    request = SelfMatchRequest.objects.get()
    assert request.status == SelfRequestStatus.PENDING
    bad = client.post(choose, {"mentor": "abc"}, follow=True)
    assert "Выберите наставника." in bad.content.decode()

    # the mentor answers; somebody else may not
    assert "ждут ответа: 1" in _box(mentor.person.user)
    answer = reverse("matching:selfmatch_answer", args=[request.pk])
    assert client.post(answer, {"accept": "1"}).status_code == 403
    client.force_login(mentor.person.user)
    page = client.get(reverse("matching:selfmatch_incoming")).content.decode()
    assert "Выбирающая" in page
    assert "Согласиться" in page
    client.post(answer, {"accept": "1", "comment": "Начнём в понедельник"})
    request.refresh_from_db()
    assert request.status == SelfRequestStatus.ACCEPTED
    assert request.answer_comment == "Начнём в понедельник"

    # the curator confirms (twice: one mentorship)
    confirm = reverse("matching:selfmatch_confirm", args=[request.pk])
    assert client_for("working_group").post(confirm).status_code == 403
    curator = client_for("curator")
    assert "Ждут подтверждения: 1" in curator.get(url).content.decode()
    curator.post(confirm)
    curator.post(confirm)
    request.refresh_from_db()
    assert request.status == SelfRequestStatus.CONFIRMED
    assert Mentorship.objects.count() == 1
    client.force_login(mentee.person.user)
    assert "Пара создана" in client.get(choose).content.decode()


def test_withdraw_and_access(client, client_for, cast, setup):
    year, form, mentor, mentee = setup["year"], setup["form"], setup["mentor"], setup["mentee"]
    selfmatch.window_save(actor=cast.user("curator"), organization=cast.school_a, academic_year=year, form=form,
                          enabled=True)  # fmt: skip
    request = selfmatch.request_create(actor=mentee.person.user, entry=mentee, mentor_entry_id=mentor.pk)
    withdraw = reverse("matching:selfmatch_withdraw", args=[request.pk])
    choose = reverse("matching:selfmatch_choose", args=[mentee.pk])
    # a stranger gets 404; the working group sees the page but may not ask or withdraw
    assert client_for("outsider").get(choose).status_code == 404
    assert client_for("outsider").post(withdraw).status_code == 404
    wg = client_for("working_group")
    assert wg.get(choose).status_code == 200
    assert wg.post(choose, {"mentor": mentor.pk}).status_code == 403
    assert wg.post(withdraw).status_code == 403
    # the mentor's page of another person shows nothing of this request
    assert "Выбирающая" not in client_for("mentor").get(reverse("matching:selfmatch_incoming")).content.decode()
    client.force_login(mentee.person.user)
    client.post(withdraw)
    request.refresh_from_db()
    assert request.status == SelfRequestStatus.WITHDRAWN
    # the closed settings page is read-only for the working group
    page = client_for("working_group").get(_settings_url(cast, year)).content.decode()
    assert "Сохранить" not in page
    assert client_for("working_group").post(_settings_url(cast, year), {"form": form.pk}).status_code == 403


def test_settings_bad_input(client_for, cast, setup):
    url = _settings_url(cast, setup["year"])
    curator = client_for("curator")
    page = curator.post(url, {"form": setup["form"].pk, "enabled": "on", "max_requests": "50"}, follow=True)
    assert "Число запросов — от 1 до 10." in page.content.decode()
    page = curator.post(url, {"form": setup["form"].pk, "opens_on": "завтра"}, follow=True)
    assert "в формате ГГГГ-ММ-ДД" in page.content.decode()
    page = curator.post(url, {"form": "999999"}, follow=True)
    assert "Выберите форму наставничества" in page.content.decode()
    assert not SelfMatchWindow.objects.exists()
