from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "nastavnik.orgs"
    verbose_name = "Организации"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Region)
        auditlog.register(models.Municipality)
        auditlog.register(models.Organization, exclude_fields=["search_key"])
        auditlog.register(models.Partner, exclude_fields=["search_key"], m2m_fields={"organizations"})
        auditlog.register(models.AcademicYear)
