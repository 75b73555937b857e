"""The page «Сводный отчёт» of a region or a municipality: start the summary (POST), watch its progress
(htmx polling of a partial every 2 s, which stops once it is done), download this and earlier ones.
Thin: summary.py checks the rights, reads and writes. Another area: 404; someone inside the area who
is not its coordinator (a curator, a director, a municipal coordinator on the region's page): 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from . import selectors, summary
from .models import SummaryLevel, SummaryStatus

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _crumbs(level: str, obj, year) -> list:
    crumbs = [("Главная", reverse("home")), ("Мониторинг", reverse("monitoring:index"))]
    if level == SummaryLevel.MUNICIPALITY:
        crumbs.append((obj.name, reverse("monitoring:municipality", args=[obj.pk, year.start_year])))
    else:
        crumbs.append((obj.name, reverse("monitoring:region", args=[obj.pk, year.start_year])))
    return [*crumbs, ("Сводный отчёт", None)]


def _page_url(level: str, obj, year) -> str:
    return reverse("monitoring:summary", args=[level, obj.pk, year.start_year])


def _context(request, level, obj, year, *, current=None) -> dict:
    history = summary.summaries_of(level=level, obj=obj, academic_year=year)
    current = current or (history[0] if history else None)
    return {
        "level": level,
        "obj": obj,
        "academic_year": year,
        "level_title": SummaryLevel(level).label,
        "current": current,
        "current_stale": bool(current and summary.is_stale(current)),
        "history": history,
        "stages": summary.STAGES,
        "breadcrumbs": _crumbs(level, obj, year),
    }


@login_required
def summary_page(request, level, pk, year):
    obj = summary.area_for(actor=request.user, level=level, pk=pk)
    academic_year = selectors.academic_year(year)
    if request.method == "POST":
        try:
            started = summary.summary_start(actor=request.user, level=level, obj=obj, academic_year=academic_year)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if getattr(started, "is_new", False):
                messages.success(request, "Сводный отчёт формируется. Страницу можно закрыть: отчёт сохранится.")
            else:
                messages.info(request, "Сводный отчёт уже формируется: показан ход текущего формирования.")
        return redirect(_page_url(level, obj, academic_year))
    return render(request, "monitoring/summary.html", _context(request, level, obj, academic_year))


@login_required
def summary_status(request, level, pk, year, summary_pk):
    """The progress card (the htmx partial, polled every 2 s while the summary is being built)."""
    obj = summary.area_for(actor=request.user, level=level, pk=pk)
    academic_year = selectors.academic_year(year)
    current = summary.summary_get(level=level, obj=obj, pk=summary_pk)
    context = _context(request, level, obj, academic_year, current=current)
    template = "monitoring/summary.html#status" if request.htmx else "monitoring/summary.html"
    return render(request, template, context)


@login_required
def summary_download(request, level, pk, year, summary_pk):
    obj = summary.area_for(actor=request.user, level=level, pk=pk)
    found = summary.summary_get(level=level, obj=obj, pk=summary_pk)
    if found.status != SummaryStatus.DONE or not found.file:
        raise Http404("Отчёт ещё не готов.")
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=summary.download_name(found), content_type=DOCX
    )
