"""Matching pages: the organisation's page, the review with htmx partials, approval, forbidden pairs,
the area page; strangers get 404, read-only roles 403 and nothing changes, bad input a Russian message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nastavnik.matching.models import ForbiddenPair, MatchingRun, Proposal, RunStatus, Unmatched
from nastavnik.mentorships.models import Mentorship

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def run(tp):
    tp.mentor("Математикова", topics=["математика"])
    tp.mentor("Историкова", topics=["история"])
    tp.mentee("Алгебраева", request_text="Трудности с математикой")
    tp.mentee("Былинова", request_text="Интерес к истории", category_name="Выбор профессии")
    return tp.run()


def _home(cast, year):
    return reverse("matching:home", args=[cast.school_a.pk, year.start_year])


def test_home_shows_readiness_and_starts_a_run(client_for, cast, year, tp):
    tp.mentor("Математикова")
    tp.mentee("Алгебраева")
    client = client_for("curator")
    page = client.get(_home(cast, year))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Подобрать пары" in content
    assert "«Учитель – ученик»" in content
    data = {"form": tp.form.pk, "solver": "optimal", "r_require_trained": "on"}
    data.update({f"w_{k}": "1" for k in ("request", "preference", "mutual_first", "interests", "format", "schedule",
                                         "subject", "gender", "age")})  # fmt: skip
    response = client.post(_home(cast, year), data)
    run = MatchingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:run_detail", args=[run.pk])
    assert run.weights["request"] == 1
    assert run.status == RunStatus.READY
    detail = client.get(response["Location"]).content.decode()
    assert "Алгебраева" in detail
    assert "Математикова" in detail
    assert "Решения рядом" in detail
    assert "совпадает запрос" in detail


def test_bad_weights_show_a_russian_message_not_a_500(client_for, cast, year, tp):
    client = client_for("curator")
    response = client.post(_home(cast, year), {"form": tp.form.pk, "solver": "optimal", "w_request": "-3"})
    assert response.status_code == 200
    assert (
        "Убедитесь, что это значение больше либо равно 0" in response.content.decode()
        or "0" in response.content.decode()
    )
    assert not MatchingRun.objects.exists()


def test_empty_pools_page_explains(client_for, cast, year, tp):
    run = tp.run()
    content = client_for("curator").get(reverse("matching:run_detail", args=[run.pk])).content.decode()
    assert "Подбор не выполнен" in content
    assert "нет никого" in content


def test_htmx_lock_and_remove_return_the_review_partial(client_for, run):
    client = client_for("curator")
    proposal = Proposal.objects.filter(run=run, solver=run.solver).first()
    response = client.post(reverse("matching:proposal_lock", args=[proposal.pk]), {"locked": "1"}, **HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert '<div id="review">' in content
    assert "<html" not in content
    assert "закреплена" in content
    proposal.refresh_from_db()
    assert proposal.locked
    response = client.post(reverse("matching:proposal_remove", args=[proposal.pk]), **HX)
    assert "убрана куратором" in response.content.decode()
    assert not Proposal.objects.filter(pk=proposal.pk).exists()
    assert Unmatched.objects.filter(run=run, solver=run.solver, code="removed").exists()


def test_htmx_swap_and_assign(client_for, run):
    client = client_for("curator")
    first, second = Proposal.objects.filter(run=run, solver=run.solver).order_by("pk")
    page = client.get(reverse("matching:run_detail", args=[run.pk])).content.decode()
    assert 'id="current-totals"' not in page  # no hand edits yet: the engine's figures are the pairs'
    response = client.post(reverse("matching:run_swap", args=[run.pk]), {"first": first.pk, "second": second.pk}, **HX)
    assert "поменялись наставниками" in response.content.decode()
    first.refresh_from_db()
    assert first.manual
    assert first.locked
    second.refresh_from_db()
    total = f"{round(first.score + second.score, 2):.2f}".rstrip("0").rstrip(".").replace(".", ",")
    assert f"С правками куратора сейчас:</strong> подобрано 2 из {run.mentee_count}, сумма баллов {total}" in (
        response.content.decode()
    )
    # the same proposal twice: a Russian message, nothing changes
    response = client.post(reverse("matching:run_swap", args=[run.pk]), {"first": first.pk, "second": first.pk}, **HX)
    assert response.status_code == 200
    assert "Выберите двух" in response.content.decode()
    # remove one, then assign it back by hand to the other mentor (a full mentor is refused)
    client.post(reverse("matching:proposal_remove", args=[first.pk]), **HX)
    second.refresh_from_db()
    response = client.post(
        reverse("matching:run_assign", args=[run.pk]),
        {"mentee": first.mentee_entry_id, "mentor": second.mentor_entry_id},
        **HX,
    )
    assert "все места заняты" in response.content.decode()
    response = client.post(reverse("matching:run_assign", args=[run.pk]), {"mentee": first.mentee_entry_id}, **HX)
    assert "Выберите наставника" in response.content.decode()


def test_choose_rerun_and_approve_through_the_pages(client_for, run):
    client = client_for("curator")
    response = client.post(reverse("matching:run_choose", args=[run.pk]), {"solver": "stable"}, **HX)
    assert "Выбрано решение" in response.content.decode()
    response = client.post(reverse("matching:run_rerun", args=[run.pk]), **HX)
    new = MatchingRun.objects.exclude(pk=run.pk).get()
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("matching:run_detail", args=[new.pk])
    assert new.solver == "stable"
    response = client.post(reverse("matching:run_approve", args=[new.pk]), {"activate": "on"}, **HX)
    assert "Подбор утверждён" in response.content.decode()
    assert Mentorship.objects.filter(source_ref=f"run:{new.pk}").count() == 2
    client.post(reverse("matching:run_approve", args=[new.pk]), {"activate": "on"}, **HX)
    assert Mentorship.objects.count() == 2
    page = client.get(reverse("matching:run_detail", args=[new.pk])).content.decode()
    assert "утверждено" in page
    assert "Убрать" not in page


def test_progress_polls_while_running(client_for, cast, year, tp):
    run = MatchingRun.objects.create(
        region=cast.region_a, municipality=cast.municipality_a, organization=cast.school_a, academic_year=year,
        form=tp.form, status=RunStatus.RUNNING, progress=45,
    )  # fmt: skip
    response = client_for("curator").get(reverse("matching:run_progress", args=[run.pk]), **HX)
    content = response.content.decode()
    assert 'hx-trigger="every 1s"' in content
    assert "45 %" in content


def test_compare_two_runs(client_for, cast, year, run):
    client = client_for("curator")
    first = Proposal.objects.filter(run=run, solver=run.solver).first()
    client.post(reverse("matching:proposal_remove", args=[first.pk]))
    new = MatchingRun.objects.get(pk=client.post(reverse("matching:run_rerun", args=[run.pk])).url.split("/")[-2])
    url = reverse("matching:run_compare", args=[cast.school_a.pk, year.start_year])
    content = client.get(url, {"a": run.pk, "b": new.pk}).content.decode()
    assert "различаются" in content
    assert first.mentee_entry.person.full_name in content


def test_forbidden_pairs_page(client_for, cast, year, tp):
    mentor = tp.mentor("Тётина")
    mentee = tp.mentee("Племянникова")
    client = client_for("curator")
    url = reverse("matching:forbidden_list", args=[cast.school_a.pk, year.start_year])
    response = client.post(url, {"mentee": mentee.person_id, "mentor": mentor.person_id, "reason": ""})
    assert response.status_code == 200
    assert "Обязательное поле" in response.content.decode()
    response = client.post(url, {"mentee": mentee.person_id, "mentor": mentor.person_id, "reason": "родственники"})
    assert response.status_code == 302
    pair = ForbiddenPair.objects.get()
    assert "родственники" in client.get(url).content.decode()
    client_for("working_group")
    assert client.post(reverse("matching:forbidden_delete", args=[pair.pk])).status_code == 403
    client_for("curator")
    client.post(reverse("matching:forbidden_delete", args=[pair.pk]))
    assert not ForbiddenPair.objects.exists()


def test_stranger_gets_404_and_read_only_gets_403_with_nothing_changed(client_for, cast, year, run):
    proposal = Proposal.objects.filter(run=run, solver=run.solver).first()
    writes = [
        (reverse("matching:proposal_lock", args=[proposal.pk]), {"locked": "1"}),
        (reverse("matching:proposal_remove", args=[proposal.pk]), {}),
        (reverse("matching:run_approve", args=[run.pk]), {}),
        (reverse("matching:run_rerun", args=[run.pk]), {}),
        (reverse("matching:run_choose", args=[run.pk]), {"solver": "stable"}),
        (_home(cast, year), {"form": run.form_id}),
    ]
    client = client_for("outsider")
    assert client.get(reverse("matching:run_detail", args=[run.pk])).status_code == 404
    for url, data in writes[:-1]:
        assert client.post(url, data).status_code == 404
    client = client_for("working_group")
    assert client.get(reverse("matching:run_detail", args=[run.pk])).status_code == 200
    for url, data in writes:
        assert client.post(url, data, **HX).status_code == 403, url
    proposal.refresh_from_db()
    run.refresh_from_db()
    assert not proposal.locked
    assert run.status == RunStatus.READY
    assert run.solver == "optimal"
    assert MatchingRun.objects.count() == 1
    assert not Mentorship.objects.exists()
    assert client_for("mentee").get(reverse("matching:run_detail", args=[run.pk])).status_code == 403


def test_area_page_runs_over_several_schools(client_for, cast, year, forms):
    from nastavnik.core.text import years_before
    from nastavnik.people.models import Category

    from .conftest import Pools, enable_forms

    enable_forms(cast, cast.school_a2)
    sp = Pools(cast, year, forms["student_pupil"])
    sp.mentor("Студентова", organization=cast.school_a2, category=Category.STUDENT, class_name="ТМ-31",
              birth_date=years_before(year.start_date, 18))  # fmt: skip
    sp.mentee("Школьникова", birth_date=years_before(year.start_date, 12))
    url = reverse("matching:area_home", args=[cast.region_a.pk, year.start_year])
    client = client_for("municipal")
    page = client.get(url, {"municipality": cast.municipality_a.pk})
    assert page.status_code == 200
    assert "Школа по соседству" in page.content.decode()
    data = {"municipality": cast.municipality_a.pk, "form": forms["student_pupil"].pk, "solver": "optimal",
            "organizations": [cast.school_a.pk, cast.school_a2.pk], "r_require_trained": "on"}  # fmt: skip
    data.update({f"w_{k}": "1" for k in ("request", "preference", "mutual_first", "interests", "format", "schedule",
                                         "subject", "gender", "age")})  # fmt: skip
    response = client.post(url, data)
    run = MatchingRun.objects.get()
    assert response.status_code == 302
    assert run.organization is None
    assert run.parts.count() == 2
    # the curator of school A sees it and confirms the part of the school
    client = client_for("curator")
    detail = client.get(reverse("matching:run_detail", args=[run.pk])).content.decode()
    assert "Подтвердить пары своей организации" in detail
    response = client.post(reverse("matching:run_confirm", args=[run.pk]), {"organization": cast.school_a.pk}, **HX)
    assert "часть подбора подтверждена" in response.content.decode()
    assert Mentorship.objects.get().organization == cast.school_a
    # the working group of school A may not start an area run
    assert client_for("working_group").post(url, data).status_code == 403
    assert client_for("outsider").get(url).status_code == 404
