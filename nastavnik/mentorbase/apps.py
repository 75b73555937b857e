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
        register_notification_kinds()


KIND_REQUEST = "mentor_request"
KIND_ANSWER = "mentor_request_answer"


def register_notification_kinds() -> None:
    from nastavnik.notifications.reminders import CURATOR, register_event_kind

    register_event_kind(KIND_REQUEST, "Запрос наставника из другой организации", audience={CURATOR})
    register_event_kind(KIND_ANSWER, "Ответ на запрос наставника", audience={CURATOR})
