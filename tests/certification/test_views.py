"""The pages: «Моя сертификация» for the curator, «Сертификация кураторов» for the coordinator (one query
per requirement whatever the number of curators), the filter, issuing and revoking through the UI."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nastavnik.certification.models import CertificationScheme, CuratorCertificate, CuratorTraining, TrainingStatus
from nastavnik.documents.models import IssuedDocument

from .conftest import training_day

pytestmark = pytest.mark.django_db


def region_url(cast, year, **query):
    url = reverse("certification:region", args=[cast.region_a.pk, year.start_year])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_my_page_shows_ticks_figures_and_next_steps(client_for, cast, scheme, meet, curator):
    meet.hours(curator, cast.school_a, hours=20)
    meet.case(cast.school_a)
    page = client_for("curator").get(reverse("certification:my")).content.decode()
    assert "Моя сертификация" in page
    assert "Выполнено 1 из 4" in page
    assert "подтверждено 20 из 36 ч" in page
    assert "ещё на 16 ч" in page
    assert page.count('aria-label="выполнено"') == 1
    assert page.count('aria-label="не выполнено"') == 3
    assert "Утвердите программу наставничества года" in page
    assert reverse("documents:year", args=[cast.school_a.pk, scheme.academic_year.start_year]) in page


def test_my_page_without_a_scheme_and_for_non_curators(client_for, cast):
    page = client_for("curator").get(reverse("certification:my")).content.decode()
    assert "ещё не установил требования" in page
    page = client_for("mentor").get(reverse("certification:my")).content.decode()
    assert "для кураторов программ наставничества" in page


def test_curator_adds_a_training_through_the_form_twice_is_one(client_for, cast, year):
    client = client_for("curator")
    data = {"title": "Школа куратора", "provider": "РНЦ", "hours": "36", "date": training_day(year).isoformat()}
    first = client.post(reverse("certification:training_add"), data)
    second = client.post(reverse("certification:training_add"), data)
    assert first.status_code == second.status_code == 302
    assert CuratorTraining.objects.count() == 1
    bad = client.post(reverse("certification:training_add"), {**data, "hours": "0", "title": "Другой"})
    assert bad.status_code == 200
    assert CuratorTraining.objects.count() == 1


def test_coordinator_confirms_a_training_on_the_region_page(client_for, cast, scheme, meet, curator, year):
    training = meet.hours(curator, cast.school_a, status=TrainingStatus.PENDING)
    client = client_for("municipal")
    page = client.get(region_url(cast, year)).content.decode()
    assert "Обучение на подтверждении" in page
    assert "Школа куратора" in page
    url = reverse("certification:training_decide", args=[training.pk])
    client.post(url, {"decision": "reject", "reason": ""})
    training.refresh_from_db()
    assert training.status == TrainingStatus.PENDING
    client.post(url, {"decision": "confirm"})
    training.refresh_from_db()
    assert training.status == TrainingStatus.CONFIRMED


def test_region_page_lists_curators_with_the_ready_filter(client_for, cast, scheme, meet, curator, make_curator, year):
    ready_person, ready_org = make_curator()
    meet.everything(ready_person, ready_org)
    waiting_person, _ = make_curator()
    client = client_for("regional")
    page = client.get(region_url(cast, year)).content.decode()
    assert curator.full_name in page
    assert ready_person.full_name in page
    assert waiting_person.full_name in page
    assert "готовы к сертификации: 1" in page
    page = client.get(region_url(cast, year, status="ready")).content.decode()
    assert ready_person.full_name in page
    assert curator.full_name not in page
    assert waiting_person.full_name not in page
    assert "Выдать сертификат" in page


def test_region_page_makes_one_query_per_requirement(client_for, cast, scheme, meet, make_curator, year,
                                                     django_assert_max_num_queries):  # fmt: skip
    client = client_for("regional")
    client.get(region_url(cast, year))  # sessions, caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(region_url(cast, year)).status_code == 200
        return len(queries)

    for _ in range(2):
        person, org = make_curator()
        meet.everything(person, org)
    few = count()
    for _ in range(6):
        person, org = make_curator()
        meet.everything(person, org)
        meet.hours(person, org, status=TrainingStatus.PENDING, title="Ещё курс")
    assert count() == few
    with django_assert_max_num_queries(20):
        client.get(region_url(cast, year))


def test_issue_and_revoke_through_the_pages(client_for, cast, scheme, meet, curator):
    meet.everything(curator, cast.school_a)
    client = client_for("regional")
    url = reverse("certification:issue", args=[scheme.pk, curator.pk])
    client.post(url)
    client.post(url)  # a double click
    certificate = CuratorCertificate.objects.get()
    assert IssuedDocument.objects.filter(generator_id="curator_certificate").count() == 1
    page = client_for("curator").get(reverse("certification:my")).content.decode()
    assert f"Сертификат № {certificate.number} выдан" in page
    revoke = reverse("certification:revoke", args=[certificate.pk])
    client = client_for("regional")
    client.post(revoke, {"reason": ""})
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    client.post(revoke, {"reason": "Ошибка в отчёте"})
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None


def test_unmet_requirements_give_a_russian_reason(client_for, cast, scheme, curator):
    client = client_for("regional")
    response = client.post(reverse("certification:issue", args=[scheme.pk, curator.pk]), follow=True)
    assert "Сертификат нельзя выдать" in response.content.decode()
    assert not CuratorCertificate.objects.exists()


@pytest.mark.parametrize("who", ["curator", "director", "working_group", "mentor", "municipal"])
def test_others_get_403_on_issue(client_for, cast, scheme, meet, curator, who):
    meet.everything(curator, cast.school_a)
    response = client_for(who).post(reverse("certification:issue", args=[scheme.pk, curator.pk]))
    assert response.status_code == 403
    assert "региональный координатор" in response.content.decode()
    assert not CuratorCertificate.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "outsider_regional"])
def test_other_region_gets_404(client_for, cast, scheme, meet, curator, year, who):
    meet.everything(curator, cast.school_a)
    client = client_for(who)
    assert client.get(region_url(cast, year)).status_code == 404
    assert client.post(reverse("certification:issue", args=[scheme.pk, curator.pk])).status_code == 404
    training = CuratorTraining.objects.get()
    assert client.get(reverse("certification:training_scan", args=[training.pk])).status_code == 404
    assert (
        client.post(reverse("certification:training_decide", args=[training.pk]), {"decision": "confirm"}).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["curator", "mentor", "working_group"])
def test_non_coordinators_cannot_open_the_region_page(client_for, cast, scheme, year, who):
    assert client_for(who).get(region_url(cast, year)).status_code == 403


def test_municipal_coordinator_sees_only_own_municipality(client_for, cast, scheme, make_curator, year):
    from tests.factories import MunicipalityFactory

    other = MunicipalityFactory(region=cast.region_a, name="Город Белгород")
    person, _ = make_curator(municipality=other)
    page = client_for("municipal").get(region_url(cast, year)).content.decode()
    assert person.full_name not in page
    assert "Казакова" in page
    assert "Выдать сертификат" not in page
    assert "Установить требования" not in page
    page = client_for("regional").get(region_url(cast, year)).content.decode()
    assert "Город Белгород" in page


def test_scheme_form_saves_and_refuses_bad_input(client_for, cast, year):
    client = client_for("regional")
    url = reverse("certification:scheme_edit", args=[cast.region_a.pk, year.start_year])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"min_hours": "0", "case_status": ""})
    assert bad.status_code == 200
    assert "хотя бы одно требование" in bad.content.decode()
    data = {"min_hours": "24", "require_program_year": "on", "case_status": "published",
            "report_deadline": f"{year.start_year + 1}-06-01"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    scheme = CertificationScheme.objects.get()
    assert (scheme.min_hours, scheme.case_status) == (24, "published")
    assert client_for("curator").post(url, data).status_code == 403


def test_index_sends_each_role_to_its_page(client_for, cast, year):
    assert client_for("regional").get(reverse("certification:index"))["Location"] == region_url(cast, year)
    assert client_for("municipal").get(reverse("certification:index"))["Location"] == region_url(cast, year)
    assert client_for("curator").get(reverse("certification:index"))["Location"] == reverse("certification:my")
