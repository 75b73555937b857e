from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "nastavnik.orgs"
    verbose_name = "Организации"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Region, include_fields=["name", "code", "mentoring_centre"])
        auditlog.register(models.Municipality, include_fields=["region", "name"])
        auditlog.register(
            models.Organization,
            include_fields=["municipality", "name", "short_name", "kind", "address", "phone", "email", "website"],
        )
        auditlog.register(
            models.Partner,
            include_fields=["region", "name", "kind", "inn", "contact_person", "phone", "email"],
            m2m_fields={"organizations"},
        )
        auditlog.register(models.AcademicYear, include_fields=["start_year"])
        auditlog.register(
            models.PartnerAgreement, include_fields=["partner", "organization", "number", "subject", "start_date"]
        )
