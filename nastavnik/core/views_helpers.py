"""Small helpers shared by the thin views of every app."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form: per field where it names one, else on top."""
    if hasattr(error, "error_dict"):
        for field_name, errors in error.error_dict.items():
            target = field_name if field_name in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def error_text(error: ValidationError) -> str:
    """A service's ValidationError as one message line (for django.contrib.messages)."""
    return " ".join(error.messages)


def paginate(request, queryset, per_page: int | None = None):
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def stored_file_response(file, *, as_attachment: bool = True):
    """A stored file (a FileField's value) served through the app, after the view checked access —
    never from the public media folder; 404 when the field is empty. Named by its own file name."""
    from django.http import FileResponse, Http404

    if not file:
        raise Http404
    return FileResponse(file.open("rb"), as_attachment=as_attachment, filename=file.name.rsplit("/", 1)[-1])
