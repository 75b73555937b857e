from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "nastavnik.questionnaires"
    verbose_name = "Анкеты"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # Answers are not registered: the log would keep a copy of personal answers after the
        # consent is revoked. Exports of answers are logged explicitly (services.campaign_export).
        auditlog.register(models.Questionnaire, include_fields=["title", "kind", "is_template"])
        auditlog.register(models.Campaign, include_fields=["title", "audience", "deadline", "mode"])
