from django.apps import AppConfig


class MentorshipsConfig(AppConfig):
    name = "nastavnik.mentorships"
    verbose_name = "Наставнические пары и группы"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(
            models.Mentorship,
            include_fields=[
                "form", "mentor", "mentor_entry", "status", "direction", "start_date", "end_date", "end_reason",
                "end_comment", "order_number", "order_date", "source", "source_ref",
            ],
        )  # fmt: skip
        auditlog.register(models.MentorshipMentee, include_fields=["person", "mentee_entry", "joined_on", "left_on"])
        auditlog.register(
            models.Meeting,
            include_fields=[
                "kind", "starts_at", "ends_at", "format", "place", "link", "topic", "status", "cancel_reason",
            ],
        )  # fmt: skip
        auditlog.register(models.MeetingConfirmation, include_fields=["meeting", "person"])
        auditlog.register(
            models.IndividualPlan, include_fields=["number", "status", "goal", "approved_at", "approved_by"]
        )
        auditlog.register(
            models.PlanItem,
            include_fields=[
                "position", "competency", "activity", "deadline", "format", "expected_result", "achieved_result",
                "status", "progress",
            ],
        )  # fmt: skip
        auditlog.register(models.PlanComment, include_fields=["author_name", "text"])
        auditlog.register(
            models.JournalEntry,
            include_fields=["date", "format", "participation", "activity", "topic", "content", "result", "meeting"],
        )
        auditlog.register(models.JournalSignature, include_fields=["entry", "person", "signed_at"])
