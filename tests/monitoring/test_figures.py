"""The regional dashboard's stored figures (monitoring/figures.py, issue 8 «regional dashboard ≤ 1 s»): the
dashboard from the figures equals the live one on a generated region, the figures stand for live ones only
while fresh and complete, a refresh is idempotent and follows organisations that move, the page says which
it shows and refreshes in the background, the coordinator's «Пересчитать сейчас», the command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nastavnik.monitoring import figures, selectors
from nastavnik.monitoring.indicators import Scope
from nastavnik.monitoring.models import OrganizationFigures
from nastavnik.orgs.models import Municipality, Organization, Region

pytestmark = pytest.mark.django_db


def _generate(code: str, orgs: int, participants: int) -> Region:
    call_command("generate_region", orgs=orgs, participants=participants, years=1, code=code, stdout=io.StringIO())
    return Region.objects.get(code=code)


def _scope(region, year) -> Scope:
    return Scope(level="region", pk=region.pk, academic_year=year, today=timezone.localdate())


def _comparable(context: dict) -> dict:
    problems = context["problems"]
    return {
        "indicators": [(v.indicator.code, v.value, v.numerator, v.denominator) for v in context["indicators"]],
        "forms": context["forms"],
        "months": (context["months"], context["meetings_by_month"], context["journal_by_month"]),
        "organizations": context["organizations"],
        "municipalities": context["municipalities"],
        "problems": (
            [m.pk for m in problems.stale], problems.stale_count,
            [i.pk for i in problems.overdue], problems.overdue_count,
            [m.pk for m in problems.unconfirmed], problems.unconfirmed_count,
        ),
    }  # fmt: skip


def test_dashboard_from_the_figures_equals_the_live_one(cast, year):
    region = _generate("F1", orgs=5, participants=400)
    scope = _scope(region, year)
    assert figures.refresh(region, year) == 5
    stored = figures.current(scope)
    assert stored is not None
    assert len(stored.rows) == 5
    live = selectors.dashboard(scope, with_chart=False)
    from_figures = selectors.dashboard(scope, with_chart=False, figures=stored)
    assert _comparable(from_figures) == _comparable(live)
    # something to compare: pairs, people, plans and activity are there
    values = {code: (numerator, denominator) for code, _v, numerator, denominator in _comparable(live)["indicators"]}
    assert values["coverage_pupils"][1] > 0
    assert values["plans_done"][1] > 0
    assert sum(live["meetings_by_month"]) > 0
    assert sum(live["journal_by_month"]) > 0


def test_figures_stand_for_live_ones_only_while_fresh_and_complete(cast, year, settings):
    settings.MONITORING_FIGURES_MINUTES = 10
    region = _generate("F2", orgs=2, participants=60)
    scope = _scope(region, year)
    assert figures.current(scope) is None  # never computed
    figures.refresh(region, year)
    now = timezone.now()
    assert figures.current(scope, now=now) is not None
    assert not figures.current(scope, now=now).aging(now)
    assert figures.current(scope, now=now + dt.timedelta(minutes=6)).aging(now + dt.timedelta(minutes=6))
    assert figures.current(scope, now=now + dt.timedelta(minutes=11)) is None  # too old
    tomorrow = Scope(level="region", pk=region.pk, academic_year=year, today=scope.today + dt.timedelta(days=1))
    assert figures.current(tomorrow, now=now) is None  # computed for another day (ages, «today»)
    municipality = region.municipalities.get()
    Organization.objects.create(municipality=municipality, name="Новая школа", short_name="Новая школа", kind="school")
    assert figures.current(scope, now=now) is None  # an organisation without figures
    assert figures.current(Scope("municipality", municipality.pk, year, scope.today)) is None  # regions only


def _stored() -> dict:
    return {
        f.organization_id: (f.people, f.plans, f.stale, f.journal_by_month) for f in OrganizationFigures.objects.all()
    }


def test_refresh_is_idempotent_and_follows_organisations_that_move(cast, year):
    region = _generate("F3", orgs=3, participants=90)
    other = _generate("F4", orgs=1, participants=30)
    figures.refresh(region, year)
    first = _stored()
    figures.refresh(region, year)
    again = _stored()
    assert first == again
    assert len(again) == 3
    moved = region.municipalities.get().organizations.order_by("pk").first()
    moved.municipality = Municipality.objects.get(region=other)
    moved.short_name = moved.name = "Переехавшая школа"
    moved.save()
    figures.refresh(region, year)
    assert OrganizationFigures.objects.filter(region=region).count() == 2
    figures.refresh(other, year)
    assert OrganizationFigures.objects.get(organization=moved).region == other
    assert OrganizationFigures.objects.filter(region=other).count() == 2


def test_regional_dashboard_reads_the_figures_in_a_fixed_number_of_queries(cast, year, client):
    client.force_login(cast.user("admin"))
    counts = []
    for code, orgs, participants in (("F5", 2, 60), ("F6", 4, 240)):
        region = _generate(code, orgs=orgs, participants=participants)
        figures.refresh(region, year)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/monitoring/region/{region.pk}/{year.start_year}/")
        assert "рассчитаны в" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_page_says_what_it_shows_and_refreshes_in_the_background(cast, year, client, monkeypatch):
    started = []
    monkeypatch.setattr(figures, "refresh_in_background", lambda region, academic_year: started.append(region.pk))
    client.force_login(cast.user("regional"))
    url = f"/monitoring/region/{cast.region_a.pk}/{year.start_year}/"
    content = client.get(url).content.decode()
    assert "Показатели рассчитаны сейчас, по текущим данным." in content
    assert "Пересчитать сейчас" in content
    assert started == [cast.region_a.pk]  # none stored: computed live, and a refresh started
    figures.refresh(cast.region_a, year)
    content = client.get(url).content.decode()
    assert "рассчитаны в" in content
    assert "пересчитываются каждые 10 мин" in content
    assert started == [cast.region_a.pk]  # fresh: nothing to start


def test_background_refresh_runs_once_at_a_time(cast, year, settings, monkeypatch):
    settings.MONITORING_FIGURES_BACKGROUND = True
    ran, threads = [], []

    class Thread:  # runs the work when asked, like a thread that got its turn
        def __init__(self, target, name, daemon):
            self.target = target
            threads.append(self)

        def start(self):
            pass

    monkeypatch.setattr(figures.threading, "Thread", Thread)
    monkeypatch.setattr(figures, "refresh", lambda region, academic_year: ran.append(region.pk))
    monkeypatch.setattr(figures.connections, "close_all", lambda: None)
    assert figures.refresh_in_background(cast.region_a, year)
    assert not figures.refresh_in_background(cast.region_a, year)  # one is running
    threads[0].target()
    assert ran == [cast.region_a.pk]
    assert figures.refresh_in_background(cast.region_a, year)  # done: may start again
    threads[1].target()
    settings.MONITORING_FIGURES_BACKGROUND = False
    assert not figures.refresh_in_background(cast.region_a, year)


def test_coordinator_refreshes_now_and_others_may_not(cast, year, client):
    url = f"/monitoring/region/{cast.region_a.pk}/{year.start_year}/refresh/"
    client.force_login(cast.user("curator"))  # inside the region, not its coordinator
    assert client.post(url).status_code == 403
    client.force_login(cast.user("outsider_regional"))
    assert client.post(url).status_code == 404
    client.force_login(cast.user("regional"))
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == f"/monitoring/region/{cast.region_a.pk}/{year.start_year}/"
    content = response.content.decode()
    assert "Показатели пересчитаны: организаций —" in content
    assert "рассчитаны в" in content
    assert (
        OrganizationFigures.objects.filter(region=cast.region_a).count()
        == Organization.objects.filter(municipality__region=cast.region_a).count()
    )


def test_refresh_figures_command(cast, year):
    region = _generate("F7", orgs=2, participants=60)
    out = io.StringIO()
    call_command("refresh_figures", region="F7", stdout=out)
    assert "организаций — 2" in out.getvalue()
    assert OrganizationFigures.objects.filter(region=region).count() == 2
    with pytest.raises(CommandError, match="не найден"):
        call_command("refresh_figures", region="NOPE", stdout=io.StringIO())
    with pytest.raises(CommandError, match="не найден"):
        call_command("refresh_figures", year=1990, stdout=io.StringIO())


def test_a_loop_survives_a_failed_run_and_stops_on_sigterm():
    """core.loop.run_every, which `refresh_figures --loop` and `send_reminders --loop` run."""
    import os
    import signal

    from nastavnik.core.loop import run_every

    class Command:
        stdout, stderr = io.StringIO(), io.StringIO()

    runs = []

    def flaky():
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("база недоступна")
        os.kill(os.getpid(), signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    run_every(0, flaky, command=Command, what="Пересчёт показателей", stopped="Пересчёт показателей остановлен.",
              error="Ошибка пересчёта")  # fmt: skip
    assert runs == [0, 1]
    assert "Ошибка пересчёта: RuntimeError('база недоступна')" in Command.stderr.getvalue()
    assert "SIGTERM" in Command.stdout.getvalue()
    assert "Пересчёт показателей остановлен." in Command.stdout.getvalue()
    assert signal.getsignal(signal.SIGTERM) is before
