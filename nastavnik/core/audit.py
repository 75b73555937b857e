"""Reading the audit trail written by django-auditlog (every change of people, roles, organisations).

Models register with auditlog in their app's `apps.ready()`; services that run outside a request
(the demo, imports) wrap their writes in `auditlog.context.set_actor` when an actor is known.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet


def history_query(*, model, object_pk=None, extra_key: str | None = None, extra_value=None) -> Q:
    """Q for the log entries of one object, or of related rows that carry `extra_key` in additional_data."""
    content_type = ContentType.objects.get_for_model(model)
    condition = Q(content_type=content_type)
    if object_pk is not None:
        condition &= Q(object_pk=str(object_pk))
    if extra_key is not None:
        condition &= Q(**{f"additional_data__{extra_key}": extra_value})
    return condition


def log_entries(condition: Q) -> QuerySet[LogEntry]:
    return LogEntry.objects.filter(condition).select_related("actor", "content_type").order_by("-timestamp", "-id")
