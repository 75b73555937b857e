from django.apps import AppConfig


class MentorbaseConfig(AppConfig):
    name = "nastavnik.mentorbase"
    label = "mentorbase"
    verbose_name = "Долгосрочная и региональная база наставников"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(
            models.BaseMentor,
            include_fields=["status", "origin", "reason", "note", "available_elsewhere", "show_consent_at"],
        )
        auditlog.register(models.MentorRequest, include_fields=["status", "decision_comment", "form", "need"])
