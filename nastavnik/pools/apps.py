from django.apps import AppConfig


class PoolsConfig(AppConfig):
    name = "nastavnik.pools"
    verbose_name = "Базы наставников и наставляемых"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        entry_fields = ["person", "form", "status", "status_reason", "preferred_format", "source"]
        auditlog.register(models.MenteeEntry, include_fields=[*entry_fields, "request_text"], m2m_fields={"categories"})
        auditlog.register(
            models.MentorEntry,
            include_fields=[
                *entry_fields, "competencies", "topics", "capacity", "availability", "decision_date",
                "decision_comment", "trained_at",
            ],
        )  # fmt: skip
        auditlog.register(models.ThirdPartyNote, include_fields=["author_person", "author_name", "author_role", "text"])
        auditlog.register(models.CriterionScore, include_fields=["criterion", "score", "comment", "scored_by"])
        auditlog.register(models.RequestCategory, include_fields=["region", "name", "is_active"])
        auditlog.register(models.Training, include_fields=["title", "date", "place", "trainer"])
        auditlog.register(models.TrainingMaterial, include_fields=["title", "file", "url"])
        auditlog.register(models.TrainingAttendance, include_fields=["mentor", "attended"])
