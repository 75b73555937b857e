"""The annual summary of a region or municipality (issue 8, item 6: «сводный отчёт региона по всем
организациям», in the background with progress): the DOCX and its figures, an empty area, access (another
region: 404, a curator inside the area: 403), the idempotent start, a failure kept as a Russian message."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from nastavnik.monitoring import summary
from nastavnik.monitoring.models import AreaSummary, SummaryStatus
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct(monkeypatch):
    """The worker thread replaced by a direct call (the job runs inside the test's transaction)."""
    monkeypatch.setattr(summary, "start_worker", lambda pk: summary.run_summary(pk, close_connections=False))


@pytest.fixture
def queued(monkeypatch):
    """The worker never starts: the summary stays «В очереди»."""
    started = []
    monkeypatch.setattr(summary, "start_worker", lambda pk: started.append(pk))
    return started


def _text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = {id(c._tc): c.text for c in row.cells}  # a merged cell is listed once per column it spans
            parts.append(" | ".join(cells.values()))
    return "\n".join(parts)


def _figure(content: bytes, label: str) -> str:
    document = docx.Document(io.BytesIO(content))
    for table in document.tables:
        for row in table.rows:
            if row.cells[0].text == label:
                return row.cells[1].text
    raise AssertionError(label)


def _run(cast, user, level, obj, year, capture):
    with capture(execute=True):
        started = summary.summary_start(actor=cast.user(user), level=level, obj=obj, academic_year=year)
    started.refresh_from_db()
    return started


def test_region_summary_docx_has_the_organisations_and_figures(
    cast, year, build, direct, django_capture_on_commit_callbacks
):
    build.mentorship()
    build.mentorship(
        build.mentor(capacity=2), [build.mentee(last_name="Второва"), build.mentee(last_name="Третьякова")]
    )
    done = _run(cast, "regional", "region", cast.region_a, year, django_capture_on_commit_callbacks)
    assert done.status == SummaryStatus.DONE
    assert done.progress == 100
    assert done.finished_at is not None
    assert done.file.name.startswith("monitoring/summaries/")
    content = done.file.read()
    text = _text(content)
    assert "СВОДНЫЙ ОТЧЁТ" in text
    assert f"о реализации целевой модели наставничества в {year.start_year}/{year.start_year + 1} учебном году" in text
    assert "Регион: Белгородская область." in text
    for name in ("Ершовская СОШ", "Школа по соседству", "Валуйский округ"):
        assert name in text
    # 2 mentors + 3 mentees in 2 pairs; 2 organisations, one with pairs
    assert _figure(content, "Участников наставнических пар и групп (наставников и наставляемых)") == "5"
    assert _figure(content, "Действующих и завершённых пар (групп)") == "2"
    assert _figure(content, "Образовательных организаций") == "2"
    assert "«Учитель – ученик» | 2 | 0 | 2" in text
    assert "Охват обучающихся наставничеством" in text
    # the other region's school is not in it
    assert "Гимназия № 9" not in text
    # conclusions in Russian with the counts declined, the coordinator's signature
    assert "в 1 организации из 2 организаций региона: сформированы 2 наставнические пары (группы), " in text
    assert "в них участвуют 5 человек." in text
    assert "Региональный координатор" in text
    # the charts are pictures in the document
    assert len(docx.Document(io.BytesIO(content)).inline_shapes) == 2


def test_municipality_summary_by_its_coordinator(cast, year, build, direct, django_capture_on_commit_callbacks):
    build.mentorship()
    done = _run(cast, "municipal", "municipality", cast.municipality_a, year, django_capture_on_commit_callbacks)
    assert done.status == SummaryStatus.DONE, done.message
    text = _text(done.file.read())
    assert "Муниципалитет: Валуйский округ (Белгородская область)." in text
    assert "Ершовская СОШ" in text
    assert "Муниципальный координатор" in text
    assert "1. Ключевые цифры" in text
    assert "3. Образовательные организации" in text  # no table of municipalities for a municipality


@pytest.mark.parametrize("empty", ["no_pairs", "no_organisations"])
def test_empty_area_gives_a_document_with_no_data(cast, year, direct, django_capture_on_commit_callbacks, empty):
    region = cast.region_b if empty == "no_pairs" else RegionFactory(name="Новая область", code="99")
    done = _run(cast, "admin", "region", region, year, django_capture_on_commit_callbacks)
    assert done.status == SummaryStatus.DONE, done.message
    text = _text(done.file.read())
    assert "нет данных" in text
    if empty == "no_pairs":
        assert "Гимназия № 9" in text
        assert "наставнические пары и группы в организациях региона не сформированы" in text
    else:
        assert "Образовательных организаций нет — нет данных." in text
        assert "в регионе нет образовательных организаций" in text


def _urls(level, obj, year, pk=None):
    args = [level, obj.pk, year.start_year]
    page = reverse("monitoring:summary", args=args)
    if pk is None:
        return page, None, None
    return (
        page,
        reverse("monitoring:summary_status", args=[*args, pk]),
        reverse("monitoring:summary_download", args=[*args, pk]),
    )


def test_page_start_progress_and_download(cast, year, build, client_for, direct, django_capture_on_commit_callbacks):
    build.mentorship()
    client = client_for("regional")
    page, _s, _d = _urls("region", cast.region_a, year)
    empty = client.get(page).content.decode()
    assert "ещё не формировался" in empty
    assert "Сформировать" in empty
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page)
    assert response.status_code == 302
    assert response["Location"] == page
    done = AreaSummary.objects.get()
    _page, status_url, download_url = _urls("region", cast.region_a, year, done.pk)
    content = client.get(page).content.decode()
    assert "Скачать DOCX" in content
    assert download_url in content
    partial = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert 'hx-trigger="every 2s"' not in partial  # done: the polling stops
    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "Ершовская СОШ" in _text(b"".join(download.streaming_content))


def test_progress_is_polled_while_running(cast, year, client_for, queued, django_capture_on_commit_callbacks):
    client = client_for("regional")
    page, _s, _d = _urls("region", cast.region_a, year)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page)
    pending = AreaSummary.objects.get()
    AreaSummary.objects.filter(pk=pending.pk).update(status=SummaryStatus.RUNNING, progress=40, stage="Организации")
    _page, status_url, download_url = _urls("region", cast.region_a, year, pending.pk)
    partial = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in partial
    assert f'hx-get="{status_url}"' in partial
    assert 'aria-valuenow="40"' in partial
    assert "Этап: Организации" in partial
    assert client.get(download_url).status_code == 404  # not ready yet


def test_another_regions_coordinator_gets_404(cast, year, client_for, direct, django_capture_on_commit_callbacks):
    done = _run(cast, "regional", "region", cast.region_a, year, django_capture_on_commit_callbacks)
    urls = _urls("region", cast.region_a, year, done.pk)
    muni_page = _urls("municipality", cast.municipality_a, year)[0]
    client = client_for("outsider_regional")
    for url in [*urls, muni_page]:
        assert client.get(url).status_code == 404, url
    assert client.post(urls[0]).status_code == 404
    client = client_for("outsider")  # a curator of the other region's school
    assert client.post(urls[0]).status_code == 404
    # a summary of the other region is not reachable through this region's address
    other = _run(cast, "outsider_regional", "region", cast.region_b, year, django_capture_on_commit_callbacks)
    client = client_for("regional")
    assert client.get(_urls("region", cast.region_a, year, other.pk)[2]).status_code == 404
    assert client.get(_urls("region", cast.region_b, year, other.pk)[2]).status_code == 404
    assert AreaSummary.objects.count() == 2


@pytest.mark.parametrize("user", ["curator", "director", "working_group"])
def test_staff_of_an_organisation_gets_403(cast, year, client_for, queued, user):
    client = client_for(user)
    for level, obj in (("region", cast.region_a), ("municipality", cast.municipality_a)):
        page = _urls(level, obj, year)[0]
        assert client.post(page).status_code == 403
        assert client.get(page).status_code == 403
    assert not AreaSummary.objects.exists()


def test_municipal_coordinator_may_not_make_the_regions_summary(cast, year, client_for, queued):
    client = client_for("municipal")
    assert client.post(_urls("region", cast.region_a, year)[0]).status_code == 403
    assert client.post(_urls("municipality", cast.municipality_b, year)[0]).status_code == 404
    assert not AreaSummary.objects.exists()


@pytest.mark.parametrize("user", ["curator", "director", "mentor", "municipal"])
def test_summary_start_refuses_others(cast, year, queued, user):
    with pytest.raises(PermissionDenied):
        summary.summary_start(actor=cast.user(user), level="region", obj=cast.region_a, academic_year=year)


def test_mentor_sees_no_page(cast, year, client_for):
    assert client_for("mentor").get(_urls("region", cast.region_a, year)[0]).status_code == 404


def test_bad_level_and_year_are_404(cast, year, client_for):
    client = client_for("regional")
    assert client.get(f"/monitoring/organization/{cast.school_a.pk}/{year.start_year}/summary/").status_code == 404
    assert client.get(f"/monitoring/region/{cast.region_a.pk}/1901/summary/").status_code == 404


def test_start_is_idempotent_while_running_and_keeps_history(
    cast, year, queued, monkeypatch, django_capture_on_commit_callbacks
):
    actor = cast.user("regional")
    with django_capture_on_commit_callbacks(execute=True):
        first = summary.summary_start(actor=actor, level="region", obj=cast.region_a, academic_year=year)
        second = summary.summary_start(actor=actor, level="region", obj=cast.region_a, academic_year=year)
    assert first.pk == second.pk
    assert queued == [first.pk]  # one worker
    AreaSummary.objects.filter(pk=first.pk).update(status=SummaryStatus.RUNNING)
    assert summary.summary_start(actor=actor, level="region", obj=cast.region_a, academic_year=year).pk == first.pk
    # the municipality's summary is another area
    municipal = summary.summary_start(actor=actor, level="municipality", obj=cast.municipality_a, academic_year=year)
    assert municipal.pk != first.pk
    # once done, a new request makes a new one; the page lists both
    AreaSummary.objects.filter(pk=first.pk).update(status=SummaryStatus.DONE, progress=100)
    third = summary.summary_start(actor=actor, level="region", obj=cast.region_a, academic_year=year)
    assert third.pk != first.pk
    history = summary.summaries_of(level="region", obj=cast.region_a, academic_year=year)
    assert [s.pk for s in history] == [third.pk, first.pk]


def test_a_stale_running_summary_does_not_block_a_new_one(cast, year, queued):
    actor = cast.user("regional")
    first = summary.summary_start(actor=actor, level="region", obj=cast.region_a, academic_year=year)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    AreaSummary.objects.filter(pk=first.pk).update(status=SummaryStatus.RUNNING, updated_at=long_ago)
    second = summary.summary_start(actor=actor, level="region", obj=cast.region_a, academic_year=year)
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.status == SummaryStatus.FAILED
    assert first.message == summary.STALE_MESSAGE


def test_failure_is_stored_as_a_russian_message(
    cast, year, direct, monkeypatch, client_for, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("division by zero in the builder")

    monkeypatch.setattr(summary, "build_summary", broken)
    failed = _run(cast, "regional", "region", cast.region_a, year, django_capture_on_commit_callbacks)
    assert failed.status == SummaryStatus.FAILED
    assert failed.message == summary.FAILED_MESSAGE
    assert "division" not in failed.message
    assert failed.finished_at is not None
    assert not failed.file
    page = client_for("regional").get(_urls("region", cast.region_a, year)[0]).content.decode()
    assert "Сводный отчёт не сформирован из-за внутренней ошибки" in page
    assert "division" not in page


def test_progress_goes_through_the_stages(cast, year, build):
    build.mentorship()
    seen = []
    content = summary.build_summary(
        level="region", obj=cast.region_a, academic_year=year, progress=lambda p, s: seen.append((p, s))
    )
    assert [s for _p, s in seen] == list(summary.STAGES)
    assert [p for p, _s in seen] == sorted(p for p, _s in seen)
    assert content[:2] == b"PK"


def _context(**overrides):
    from nastavnik.monitoring.summary import Area

    region = RegionFactory.build(name="Белгородская область")
    base = {
        "area": Area("region", region, None),
        "year_text": "2026/2027",
        "organizations_total": 21,
        "organizations_with_pairs": 21,
        "pairs": 1,
        "participants": 2,
        "by_code": {},
        "problems": {"without_pairs": 0, "stale": 0, "overdue": 0},
    }
    return {**base, **overrides}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, "реализуется во всех 21 организации региона: сформирована 1 наставническая пара (группа), "
             "в них участвуют 2 человека."),
        ({"organizations_with_pairs": 3, "pairs": 5, "participants": 21},
         "реализуется в 3 организациях из 21 организации региона: сформировано 5 наставнических пар (групп), "
         "в них участвует 21 человек."),
        ({"organizations_total": 1000, "organizations_with_pairs": 1, "pairs": 22, "participants": 1004},
         "реализуется в 1 организации из 1\u00a0000 организаций региона: сформированы 22 наставнические пары "
         "(группы), в них участвуют 1\u00a0004 человека."),
        ({"problems": {"without_pairs": 2, "stale": 1, "overdue": 5}},
         "Требуют внимания: 2 организации без наставнических пар, 1 действующая пара без встреч более 30 дней, "
         "5 просроченных пунктов индивидуальных планов."),
        ({"problems": {"without_pairs": 0, "stale": 3, "overdue": 1}},
         "Требуют внимания: 3 действующие пары без встреч более 30 дней, 1 просроченный пункт индивидуальных "
         "планов."),
    ],
)  # fmt: skip
def test_conclusions_decline_the_counts(overrides, expected):
    text = " ".join(summary.conclusions(_context(**overrides)))
    assert expected in text


def test_natural_order_and_spaced_numbers():
    names = ["Школа № 10", "Школа № 9", "Гимназия № 2", "Школа № 100"]
    assert sorted(names, key=summary.natural) == ["Гимназия № 2", "Школа № 9", "Школа № 10", "Школа № 100"]
    assert summary.spaced_numbers("48583 из 124800") == "48\u00a0583 из 124\u00a0800"
    assert summary.spaced_numbers("планов, выполненных на 90 % и более: 0 из 36947") == (
        "планов, выполненных на 90 % и более: 0 из 36\u00a0947"
    )
    assert summary.spaced_numbers("12,5 %") == "12,5 %"


def test_the_number_of_queries_does_not_grow_with_the_area(cast, year, build):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import OrganizationFactory

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            summary.summary_context(level="region", obj=cast.region_a, academic_year=year)
        return len(queries)

    build.mentorship()
    small = count()
    build.mentorship()
    build.mentorship()
    for n in range(5):
        OrganizationFactory(municipality=cast.municipality_a, short_name=f"Школа № {n + 20}")
    assert count() == small
