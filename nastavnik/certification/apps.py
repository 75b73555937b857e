from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "nastavnik.certification"
    label = "certification"
    verbose_name = "Сертификация кураторов"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(
            models.CertificationScheme,
            include_fields=["min_hours", "require_program_year", "report_deadline", "case_status", "trainings_from"],
        )
        auditlog.register(models.CuratorTraining, include_fields=["title", "hours", "date", "status", "reject_reason"])
        auditlog.register(models.CuratorCertificate, include_fields=["number", "revoked_at", "revoke_reason"])
        register_notification_kinds()


KIND_DECISION = "certification_decision"


def register_notification_kinds() -> None:
    from nastavnik.notifications.reminders import CURATOR, register_event_kind

    register_event_kind(KIND_DECISION, "Сертификация куратора: решения региона", audience={CURATOR})
