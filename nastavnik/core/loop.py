"""A management command's `--loop N`: run the same work every N seconds until SIGTERM or Ctrl+C, with the
database connections refreshed before each run and one failed run reported, not fatal (the schedulers of
`send_reminders` and `refresh_figures`; no task queue in the project)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from django.db import close_old_connections


def run_every(seconds: int, work: Callable[[], None], *, command, what: str, stopped: str, error: str) -> None:
    """Call `work` now and every `seconds`. The messages go to `command` (a BaseCommand: its stdout and
    stderr): `what` — the work's name («Рассылка напоминаний»), `stopped` — said at the end, `error` — the
    prefix of a failed run's error."""
    stop = threading.Event()
    previous = {}

    def request_stop(signum, _frame):
        command.stdout.write(f"Получен сигнал {signal.Signals(signum).name}: останавливаюсь.")
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, request_stop)
    command.stdout.write(f"{what} каждые {seconds} с. Остановить: Ctrl+C или SIGTERM.")
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                work()
            except Exception as failure:  # one failed run (database away…) must not stop the scheduler
                command.stderr.write(f"{error}: {failure!r}")
            stop.wait(seconds)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        close_old_connections()
    command.stdout.write(stopped)
