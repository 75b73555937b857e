from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "nastavnik.feedback"
    verbose_name = "Обратная связь и забота о паре"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, reminders

        # Safety flags are logged (who raised, acknowledged, closed — and when); the log is read by
        # the platform's administrators, the flag's page shows its own history to the curator.
        auditlog.register(
            models.SafetyFlag,
            include_fields=[
                "mentorship",
                "raised_by",
                "text",
                "status",
                "acknowledged_at",
                "closed_at",
                "closing_note",
            ],
        )
        auditlog.register(models.Agreement, include_fields=["goals", "meeting_frequency", "contacts", "version"])
        auditlog.register(
            models.AgreementAcceptance, include_fields=["mentee", "accepted_by", "version", "accepted_at"]
        )
        auditlog.register(models.RematchOffer, include_fields=["status", "note"])
        auditlog.register(models.AlertSettings, include_fields=["low_rating", "missed_in_a_row", "inactive_days"])
        auditlog.register(
            models.FinalFeedback, include_fields=["person", "answered_by", "goal_reached", "wants_continue"]
        )
        reminders.register_sources()
