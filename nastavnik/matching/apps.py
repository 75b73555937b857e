from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "nastavnik.matching"
    verbose_name = "Подбор наставнических пар"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(
            models.MatchingRun,
            include_fields=["form", "solver", "weights", "rules", "status", "approved_by", "approved_at"],
        )
        auditlog.register(models.RunPart, include_fields=["organization", "confirmed_at", "confirmed_by"])
        auditlog.register(
            models.Proposal, include_fields=["solver", "mentee_entry", "mentor_entry", "locked", "manual"]
        )
        auditlog.register(models.ForbiddenPair, include_fields=["mentee", "mentor", "reason", "entered_by"])
