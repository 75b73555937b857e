from django.conf import settings
from django.core.management.base import BaseCommand

from nastavnik.demo.builder import DEMO_PASSWORD, DemoBuilder, demo_delete, demo_exists, demo_logins


class Command(BaseCommand):
    help = "Загружает демо-регион (идемпотентно) и печатает логины всех ролей."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="удалить демо-регион и построить заново")

    def handle(self, *args, reset=False, **options):
        if reset:
            demo_delete()
        if demo_exists():
            self.stdout.write("Демо-регион уже загружен — ничего не изменено.")
            logins = demo_logins()
        else:
            # the demo's people are made up (example.ru addresses): the letters its notifications would send
            # (final feedback, requests…) stay in memory, never reach a mail server or the console
            backend, settings.EMAIL_BACKEND = settings.EMAIL_BACKEND, "django.core.mail.backends.locmem.EmailBackend"
            try:
                result = DemoBuilder(stdout=self.stdout).build()
            finally:
                settings.EMAIL_BACKEND = backend
            self.stdout.write(self.style.SUCCESS(f"Демо-регион загружен: {result.people} участников."))
            logins = result.logins
        width = max(len(login.username) for login in logins) + 2
        self.stdout.write("")
        self.stdout.write(f"Вход: http://127.0.0.1:8000/login/   пароль у всех демо-логинов: {DEMO_PASSWORD}")
        self.stdout.write("")
        self.stdout.write(f"{'логин'.ljust(width)}роль — участник")
        for login in logins:
            self.stdout.write(f"{login.username.ljust(width)}{login.role} — {login.person}")
