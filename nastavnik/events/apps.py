from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "nastavnik.events"
    verbose_name = "Мероприятия, награды, кейсы и публикации"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Event, include_fields=["kind", "title", "starts_at", "place", "is_public"])
        auditlog.register(models.EventRegistration, include_fields=["event", "person", "attended"])
        auditlog.register(models.Award, include_fields=["nomination", "mentor", "form", "status", "decision_comment"])
        auditlog.register(models.PracticeCase, include_fields=["title", "status", "moderation_comment"])
        auditlog.register(models.PublicationConsent, include_fields=["person", "signer_name", "given_on", "revoked_at"])
        auditlog.register(models.PublicPage)
        auditlog.register(models.Publication, include_fields=["title", "rubric", "is_published"])
