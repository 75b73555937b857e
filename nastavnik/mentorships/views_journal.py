"""The mentor's journal (seed 002, form № 2): entries, «создать запись из встречи», the mentees'
signatures (confirmation in the system: who, when) and a printable view."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors, error_text
from nastavnik.people.access import require

from . import selectors, services
from .forms import JournalForm
from .views import mentorship_crumbs


def _crumbs(request, mentorship, *tail):
    url = reverse("mentorships:journal", args=[mentorship.pk])
    return mentorship_crumbs(request, mentorship, ("Журнал наставника", url if tail else None), *tail)


def _journal_context(request, mentorship):
    rights = selectors.rights_for(request.user, mentorship)
    entries = list(selectors.journal_of(mentorship))
    return {
        "mentorship": mentorship,
        "members": list(mentorship.members.all()),
        "rights": rights,
        "entries": entries,
        "now": timezone.now(),
    }


@login_required
def journal(request, pk):
    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    context = _journal_context(request, mentorship)
    context["breadcrumbs"] = _crumbs(request, mentorship)
    return render(request, "mentorships/journal.html", context)


@login_required
def journal_print(request, pk):
    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    return render(request, "mentorships/journal_print.html", _journal_context(request, mentorship))


def _form_page(request, mentorship, form, title):
    return render(
        request,
        "components/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": "Колонки журнала наставника (документ 002): дата, формат, форма встречи, цель (тема), "
            "содержание, результат; подпись — подтверждение наставляемого в системе.",
            "breadcrumbs": _crumbs(request, mentorship, (title, None)),
        },
    )


@login_required
def journal_add(request, pk):
    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    require(selectors.rights_for(request.user, mentorship).work, services.NO_WORK_RIGHTS)
    group = "group" if len([m for m in mentorship.members.all() if m.left_on is None]) > 1 else "individual"
    form = JournalForm(request.POST or None, initial={"date": timezone.localdate(), "participation": group})
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_add(actor=request.user, mentorship=mentorship, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Запись добавлена в журнал.")
            return redirect("mentorships:journal", mentorship.pk)
    return _form_page(request, mentorship, form, "Новая запись журнала")


@login_required
@require_POST
def journal_from_meeting(request, pk):
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    require(selectors.rights_for(request.user, meeting.mentorship).work, services.NO_WORK_RIGHTS)
    try:
        entry = services.journal_from_meeting(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("mentorships:meeting_detail", meeting.pk)
    messages.success(request, "Запись журнала создана из встречи: допишите содержание и результат.")
    return redirect("mentorships:journal_edit", entry.pk)


@login_required
def journal_edit(request, pk):
    entry = selectors.journal_entry_get_for(actor=request.user, pk=pk)
    mentorship = entry.mentorship
    require(selectors.rights_for(request.user, mentorship).work, services.NO_WORK_RIGHTS)
    initial = {
        k: getattr(entry, k) for k in ("date", "format", "participation", "activity", "topic", "content", "result")
    }
    form = JournalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        signed = entry.signatures.exists()
        try:
            services.journal_update(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            note = (
                " Подписи наставляемых сняты: они подпишут новый текст."
                if signed and not entry.signatures.exists()
                else ""
            )
            messages.success(request, "Запись сохранена." + note)
            return redirect(reverse("mentorships:journal", args=[mentorship.pk]) + f"#entry-{entry.pk}")
    return _form_page(request, mentorship, form, f"Запись от {entry.date:%d.%m.%Y}")


@login_required
@require_POST
def journal_sign(request, pk):
    entry = selectors.journal_entry_get_for(actor=request.user, pk=pk)
    services.journal_sign(actor=request.user, entry=entry)
    messages.success(request, "Запись подписана.")
    return redirect(reverse("mentorships:journal", args=[entry.mentorship_id]) + f"#entry-{entry.pk}")
