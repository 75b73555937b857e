"""Send the due reminders: once (`manage.py send_reminders`, e.g. from cron) or as a simple
scheduler (`manage.py send_reminders --loop 300`: every 300 seconds until SIGTERM or Ctrl+C).
Each reminder is sent once however often this runs (notifications.services.send_reminders)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from nastavnik.core.loop import run_every
from nastavnik.notifications import services


class Command(BaseCommand):
    help = "Отправить напоминания (один раз или каждые N секунд с --loop N)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="N", help="повторять каждые N секунд")
        parser.add_argument("--base-url", default="", help="адрес сайта для ссылок в письмах (по умолчанию SITE_URL)")

    def handle(self, *args, loop: int = 0, base_url: str = "", **options):
        if loop < 0:
            raise CommandError("--loop: число секунд должно быть положительным.")
        if not loop:
            self._run_once(base_url)
            return
        run_every(
            loop,
            lambda: self._run_once(base_url),
            command=self,
            what="Рассылка напоминаний",
            stopped="Рассылка напоминаний остановлена.",
            error="Ошибка рассылки",
        )

    def _run_once(self, base_url: str) -> None:
        stats = services.send_reminders(base_url=base_url or None)
        stamp = timezone.localtime().strftime("%d.%m.%Y %H:%M:%S")
        self.stdout.write(f"{stamp} — {stats}")
