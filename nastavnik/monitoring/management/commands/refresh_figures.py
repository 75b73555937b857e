"""Refresh the regional dashboards' stored figures (monitoring/figures.py): every region for the current
academic year, once (`manage.py refresh_figures`, e.g. from cron every 5 minutes) or in a loop
(`--loop 300`). `--region CODE` refreshes one region, `--year 2025` another academic year."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from nastavnik.core.loop import run_every
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
        run_every(
            loop,
            lambda: self._run_once(regions, year),
            command=self,
            what="Пересчёт показателей",
            stopped="Пересчёт показателей остановлен.",
            error="Ошибка пересчёта",
        )

    def _run_once(self, regions, year: int) -> None:
        academic_year = AcademicYear.objects.get(start_year=year) if year else academic_year_current()
        for region in regions:
            started = time.perf_counter()
            count = figures.refresh(region, academic_year)
            self.stdout.write(
                f"{region.name}, {academic_year}: организаций — {count}, {time.perf_counter() - started:.1f} с"
            )
