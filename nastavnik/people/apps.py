from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "nastavnik.people"
    verbose_name = "Участники"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        person_fields = [
            "organization", "last_name", "first_name", "patronymic", "gender", "birth_date", "category",
            "class_name", "position", "subject", "email", "phone", "user", "external_id",
        ]  # fmt: skip
        auditlog.register(models.Person, include_fields=person_fields)
        auditlog.register(
            models.Role,
            include_fields=["person", "kind", "organization", "municipality", "region", "start_date", "end_date"],
        )
        auditlog.register(models.GuardianLink, include_fields=["guardian", "child", "kind"])
