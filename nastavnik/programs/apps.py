from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "nastavnik.programs"
    verbose_name = "Программы наставничества"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(
            models.Program,
            include_fields=["title", "status", "version", "problem", "goal", "target_audience", "implementers"],
            m2m_fields={"forms"},
        )
        auditlog.register(models.WorkingGroupMember, include_fields=["person", "position", "start_date", "end_date"])
        auditlog.register(models.RoadmapItem, include_fields=["content", "status", "due_date", "responsible"])
        auditlog.register(models.OrganizationYear, include_fields=["closed_at"])
