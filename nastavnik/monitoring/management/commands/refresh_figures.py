"""Refresh the regional dashboards' stored figures (monitoring/figures.py): every region for the current
academic year, once (`manage.py refresh_figures`, e.g. from cron every 5 minutes) or in a loop
(`--loop 300`). `--region CODE` refreshes one region, `--year 2025` another academic year."""

from __future__ import annotations

import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from nastavnik.monitoring import figures
from nastavnik.orgs.models import AcademicYear, Region
from nastavnik.orgs.services import academic_year_current


class Command(BaseCommand):
    help = "Пересчитать показатели регионов для мониторинга (один раз или каждые N секунд с --loop N)."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="код региона (по умолчанию — все регионы)")
        parser.add_argument("--year", type=int, default=0, help="учебный год, например 2026 (по умолчанию текущий)")
        parser.add_argument("--loop", type=int, default=0, metavar="N", help="повторять каждые N секунд")

    def handle(self, *args, region: str = "", year: int = 0, loop: int = 0, **options):
        if loop < 0:
            raise CommandError("--loop: число секунд должно быть положительным.")
        regions = Region.objects.order_by("name")
        if region:
            regions = regions.filter(code=region)
            if not regions.exists():
                raise CommandError(f"Регион с кодом «{region}» не найден.")
        if year and not AcademicYear.objects.filter(start_year=year).exists():
            raise CommandError(f"Учебный год {year}/{year + 1} не найден.")
        if not loop:
            self._run_once(regions, year)
            return
        stop = threading.Event()
        previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGTERM, signal.SIGINT)}
        self.stdout.write(f"Пересчёт показателей каждые {loop} с. Остановить: Ctrl+C или SIGTERM.")
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    self._run_once(regions, year)
                except Exception as error:  # one failed run (database away…) must not stop the loop
                    self.stderr.write(f"Ошибка пересчёта: {error!r}")
                stop.wait(loop)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            close_old_connections()

    def _run_once(self, regions, year: int) -> None:
        academic_year = AcademicYear.objects.get(start_year=year) if year else academic_year_current()
        for region in regions:
            started = time.perf_counter()
            count = figures.refresh(region, academic_year)
            self.stdout.write(
                f"{region.name}, {academic_year}: организаций — {count}, {time.perf_counter() - started:.1f} с"
            )
