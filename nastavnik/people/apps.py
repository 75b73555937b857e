from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "nastavnik.people"
    verbose_name = "Участники"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Person, exclude_fields=["search_key", "fio_key", "updated_at"])
        auditlog.register(models.Role)
        auditlog.register(models.GuardianLink)
