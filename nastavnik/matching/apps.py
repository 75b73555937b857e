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
        auditlog.register(models.SelfMatchWindow, include_fields=["enabled", "max_requests", "answer_days", "opens_on",
                                                                  "closes_on"])  # fmt: skip
        auditlog.register(models.SelfMatchRequest, include_fields=["status", "answer_comment", "confirmed_by"])
        # self-match: the reminders sender expires overdue requests and reminds mentors (notifications' hook)
        register_selfmatch_sources()


def _collect_selfmatch(*, now):
    from .selfmatch import collect_due  # the engine (numpy, OR-Tools) is imported only when the sender runs

    return collect_due(now=now)


def register_selfmatch_sources() -> None:
    from nastavnik.notifications.reminders import register, register_event_kind

    register("selfmatch_due", "Запрос наставляемого ждёт ответа", _collect_selfmatch)
    register_event_kind("selfmatch_request", "Новый запрос наставляемого (самостоятельный выбор)")
    register_event_kind("selfmatch_answer", "Ответ наставника на запрос (самостоятельный выбор)")
