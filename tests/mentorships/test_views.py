"""Pages of mentorships: list with filters, create by hand (htmx pickers), detail, activate, end with the
re-match offer, history; another organisation gets 404, the read-only working group 403 and nothing changes."""

from __future__ import annotations

from django.urls import reverse

from nastavnik.mentorships.models import Mentorship, MentorshipStatus
from nastavnik.pools.models import MenteeStatus

from .conftest import today_in


def _list_url(cast, year):
    return reverse("mentorships:list", args=[cast.school_a.pk, year.start_year])


def test_list_filters_and_counts(cast, build, client_for):
    active = build.mentorship()
    proposed = build.mentorship(build.mentor(last_name="Вторая"), [build.mentee(last_name="Вторый")], activate=False)
    client = client_for("curator")
    page = client.get(_list_url(cast, build.year)).content.decode()
    assert active.mentor.full_name in page
    assert proposed.mentor.full_name in page
    filtered = client.get(_list_url(cast, build.year), {"status": "proposed"}, HTTP_HX_REQUEST="true")
    text = filtered.content.decode()
    assert proposed.mentor.full_name in text
    assert active.mentor.full_name not in text
    assert "<html" not in text  # the htmx partial only


def test_create_by_hand_with_htmx_pickers(cast, build, client_for):
    mentor = build.mentor(capacity=2)
    a, b = build.mentee(last_name="Аннина"), build.mentee(last_name="Борина")
    client = client_for("curator")
    url = reverse("mentorships:create", args=[cast.school_a.pk, build.year.start_year])
    picker = client.get(url, {"form": build.form.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert mentor.person.full_name in picker
    assert "Аннина" in picker
    assert "Борина" in picker
    data = {
        "form": build.form.pk, "mentor_entry": mentor.pk, "mentee_entries": [a.pk, b.pk], "activate": "on",
        "start_date": today_in(build.year).isoformat(), "order_number": "45-о",
    }  # fmt: skip
    response = client.post(url, data)
    mentorship = Mentorship.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mentorships:detail", args=[mentorship.pk])
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert mentorship.members.count() == 2
    # the same form again (a double click) creates nothing new
    client.post(url, data)
    assert Mentorship.objects.count() == 1
    # a busy mentee is not offered again; capacity exceeded → a Russian message, no 500
    picker = client.get(url, {"form": build.form.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "Аннина" not in picker
    c = build.mentee(last_name="Цветкова")
    response = client.post(url, {**data, "mentee_entries": [c.pk]})
    assert response.status_code == 200
    assert "может взять не больше 2 наставляемых, уже закреплено 2" in response.content.decode()


def test_capacity_message_on_page(cast, build, client_for):
    mentor = build.mentor(capacity=1)
    a, b = build.mentee(last_name="Аннина"), build.mentee(last_name="Борина")
    client = client_for("curator")
    url = reverse("mentorships:create", args=[cast.school_a.pk, build.year.start_year])
    response = client.post(url, {"form": build.form.pk, "mentor_entry": mentor.pk, "mentee_entries": [a.pk, b.pk]})
    assert response.status_code == 200
    assert "может взять не больше 1 наставляемых" in response.content.decode()
    assert not Mentorship.objects.exists()


def test_detail_activate_end_and_rematch_offer(cast, build, client_for):
    mentorship = build.mentorship(activate=False)
    client = client_for("curator")
    detail = reverse("mentorships:detail", args=[mentorship.pk])
    assert "Закрепить пару приказом" in client.get(detail).content.decode()
    client.post(
        reverse("mentorships:activate", args=[mentorship.pk]),
        {
            "start_date": today_in(build.year).isoformat(),
            "order_number": "7",
            "order_date": today_in(build.year).isoformat(),
        },
    )
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE
    response = client.post(
        reverse("mentorships:end", args=[mentorship.pk]),
        {"early": "1", "reason": "", "end_date": today_in(build.year).isoformat()},
        follow=True,
    )
    assert "Выберите причину досрочного завершения" in response.content.decode()
    response = client.post(
        reverse("mentorships:end", args=[mentorship.pk]),
        {"early": "1", "reason": "conflict", "comment": "Не сошлись", "end_date": today_in(build.year).isoformat()},
        follow=True,
    )
    page = response.content.decode()
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ENDED_EARLY
    assert "Подобрать нового наставника" in page
    member = mentorship.members.get()
    assert reverse("pools:mentee_detail", args=[member.mentee_entry_id]) in page
    member.mentee_entry.refresh_from_db()
    assert member.mentee_entry.status == MenteeStatus.INCLUDED
    history = client.get(reverse("mentorships:history", args=[mentorship.pk])).content.decode()
    assert "Завершена досрочно" in history or "ended_early" in history


def test_other_organisation_404_and_working_group_403(cast, build, client_for):
    mentorship = build.mentorship(activate=False)
    for name in ("outsider", "outsider_regional"):
        client = client_for(name)
        assert client.get(reverse("mentorships:detail", args=[mentorship.pk])).status_code == 404
        assert client.post(reverse("mentorships:end", args=[mentorship.pk]), {"early": "1"}).status_code == 404
    client = client_for("working_group")
    assert client.get(reverse("mentorships:detail", args=[mentorship.pk])).status_code == 200
    response = client.post(
        reverse("mentorships:activate", args=[mentorship.pk]), {"start_date": today_in(build.year).isoformat()}
    )
    assert response.status_code == 403
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.PROPOSED
    assert client.get(reverse("mentorships:create", args=[cast.school_a.pk, build.year.start_year])).status_code == 403


def test_participants_see_their_pair_only(cast, cast_pair, build, client_for):
    other = build.mentorship(build.mentor(last_name="Чужой"), [build.mentee(last_name="Чужая")])
    for name in ("mentor", "mentee", "guardian"):
        client = client_for(name)
        assert client.get(reverse("mentorships:detail", args=[cast_pair.pk])).status_code == 200, name
        assert client.get(reverse("mentorships:detail", args=[other.pk])).status_code == 404, name
        assert client.get(_list_url(cast, build.year)).status_code == 403, name
