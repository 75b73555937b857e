"""Every page of feedback renders for the people it is for (and the partials the lead includes)."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from nastavnik.feedback import services
from nastavnik.mentorships.models import Meeting


def test_pages_render_for_participants_and_the_curator(cast, cast_pair, client_for):
    start = timezone.now() - dt.timedelta(days=2)
    trial = Meeting.objects.create(
        mentorship=cast_pair, kind="trial", starts_at=start, ends_at=start + dt.timedelta(hours=1), topic="Пробная"
    )
    flag = services.flag_raise(actor=cast.user("mentor"), mentorship=cast_pair, text="Наставляемый пропускает встречи")
    year = cast_pair.academic_year.start_year
    pages = {
        "mentor": [
            reverse("feedback:index"),
            reverse("feedback:mentorship", args=[cast_pair.pk]),
            reverse("feedback:agreement", args=[cast_pair.pk]),
            reverse("feedback:fit", args=[cast_pair.pk]),
            reverse("feedback:pulse", args=[cast_pair.pk]),
            reverse("feedback:flag_create", args=[cast_pair.pk]),
            reverse("feedback:rate", args=[trial.pk]),
            reverse("feedback:flag_detail", args=[flag.pk]),
        ],
        "guardian": [reverse("feedback:index"), reverse("feedback:fit", args=[cast_pair.pk])],
        "curator": [
            reverse("feedback:alerts", args=[cast.school_a.pk, year]),
            reverse("feedback:settings", args=[cast.school_a.pk, year]),
            reverse("feedback:flags", args=[cast.school_a.pk, year]),
            reverse("feedback:flag_detail", args=[flag.pk]),
            reverse("feedback:mentorship", args=[cast_pair.pk]),
        ],
        "regional": [reverse("feedback:index"), reverse("feedback:alerts", args=[cast.school_a.pk, year])],
    }
    for name, urls in pages.items():
        client = client_for(name)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (name, url, response.status_code)
    # the guardian answers for the minor child: a choice of the person appears only when needed
    content = client_for("guardian").get(reverse("feedback:fit", args=[cast_pair.pk])).content.decode()
    assert "Подходим ли мы друг другу?" in content
    # the rating page offers the 1–10 scale as buttons
    content = client_for("mentee").get(reverse("feedback:rate", args=[trial.pk])).content.decode()
    assert content.count('class="btn-check"') == 10
    # the coordinator reads the alerts but does not see safety flags
    content = client_for("regional").get(reverse("feedback:alerts", args=[cast.school_a.pk, year])).content.decode()
    assert "Сообщение о безопасности" not in content
    assert client_for("regional").get(reverse("feedback:flag_detail", args=[flag.pk])).status_code == 403


def test_care_box_tag_for_the_mentorship_pages(cast, cast_pair):
    request = RequestFactory().get("/")
    request.user = cast.user("mentor")
    html = Template("{% load feedback_ui %}{% mentorship_care m %}").render(
        Context({"request": request, "m": cast_pair})
    )
    assert "Составьте соглашение о сотрудничестве" in html
    assert reverse("feedback:flag_create", args=[cast_pair.pk]) in html
