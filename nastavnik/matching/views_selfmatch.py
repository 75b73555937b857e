"""«Самостоятельный выбор наставника» (issue 6, item 4): the curator's switch and confirmation, the
mentee's (or guardian's) choice, the mentor's incoming requests. Thin: matching.selfmatch reads and
writes; bad input comes back as a Russian message on the same page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import int_or_none
from nastavnik.people.access import require

from . import selfmatch
from .models import SelfRequestStatus
from .views import _org_year, matching_crumbs


def _say_errors(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _date_or_none(value: str | None):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"Дата «{value}» — в формате ГГГГ-ММ-ДД.") from None


# --- the curator -----------------------------------------------------------------------------------
@login_required
def settings_page(request, org_pk, year):
    """The self-match switch of each form of the year, and the accepted requests to confirm."""
    organization, academic_year = _org_year(request, org_pk, year)
    can_manage = selfmatch._can_manage(request.user, organization) and not selfmatch._year_closed(
        organization, academic_year
    )
    rows = selfmatch.windows_of_year(organization=organization, academic_year=academic_year)
    if request.method == "POST":
        require(selfmatch._can_manage(request.user, organization), selfmatch.NO_RIGHTS)
        form = next((r.form for r in rows if r.form.pk == int_or_none(request.POST.get("form"))), None)
        if form is None:
            messages.error(request, "Выберите форму наставничества из программы этого года.")
        else:
            try:
                selfmatch.window_save(
                    actor=request.user,
                    organization=organization,
                    academic_year=academic_year,
                    form=form,
                    enabled=request.POST.get("enabled") == "on",
                    max_requests=request.POST.get("max_requests") or selfmatch.DEFAULT_MAX_REQUESTS,
                    answer_days=request.POST.get("answer_days") or selfmatch.DEFAULT_ANSWER_DAYS,
                    opens_on=_date_or_none(request.POST.get("opens_on")),
                    closes_on=_date_or_none(request.POST.get("closes_on")),
                )
            except ValidationError as error:
                _say_errors(request, error)
            else:
                messages.success(request, f"Самостоятельный выбор по форме «{form.name}»: сохранено.")
                return redirect("matching:selfmatch_settings", organization.pk, academic_year.start_year)
    requests = list(
        selfmatch.requests_of_year(organization=organization, academic_year=academic_year).order_by(
            "-created_at", "-id"
        )[:300]
    )
    return render(
        request,
        "matching/selfmatch_settings.html",
        {
            "organization": organization,
            "academic_year": academic_year,
            "rows": rows,
            "can_manage": can_manage,
            "accepted": [r for r in requests if r.status == SelfRequestStatus.ACCEPTED],
            "requests": requests,
            "defaults": {"max_requests": selfmatch.DEFAULT_MAX_REQUESTS, "answer_days": selfmatch.DEFAULT_ANSWER_DAYS},
            "breadcrumbs": matching_crumbs(organization, academic_year, ("Самостоятельный выбор наставника", None)),
        },
    )


@login_required
@require_POST
def confirm(request, pk):
    item = selfmatch.request_get_for(actor=request.user, pk=pk)
    window = item.window
    require(selfmatch._can_manage(request.user, window.organization), selfmatch.NO_CONFIRM_RIGHTS)
    try:
        selfmatch.request_confirm(actor=request.user, request=item, activate=request.POST.get("activate") == "on")
    except ValidationError as error:
        _say_errors(request, error)
    else:
        messages.success(
            request, f"Пара создана: {item.mentor_entry.person.full_name} — {item.mentee_entry.person.full_name}."
        )
    return redirect("matching:selfmatch_settings", window.organization_id, window.academic_year.start_year)


@login_required
@require_POST
def reject(request, pk):
    item = selfmatch.request_get_for(actor=request.user, pk=pk)
    window = item.window
    require(selfmatch._can_manage(request.user, window.organization), selfmatch.NO_CONFIRM_RIGHTS)
    try:
        selfmatch.request_reject(actor=request.user, request=item, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        _say_errors(request, error)
    else:
        messages.success(request, f"Пара не подтверждена: {item.mentee_entry.person.full_name} может выбрать другого.")
    return redirect("matching:selfmatch_settings", window.organization_id, window.academic_year.start_year)


# --- the mentee or the guardian --------------------------------------------------------------------------
@login_required
def choose(request, pk):
    """The eligible mentors best first with the reasons of the score; requests up to N; withdraw."""
    entry = selfmatch.entry_get_for(actor=request.user, pk=pk)
    acting = selfmatch.acts_for(request.user, entry)
    if request.method == "POST":
        require(acting, selfmatch.NOT_THE_MENTEE)
        mentor_id = int_or_none(request.POST.get("mentor"))
        if not mentor_id:
            messages.error(request, "Выберите наставника.")
        else:
            try:
                sent = selfmatch.request_create(actor=request.user, entry=entry, mentor_entry_id=mentor_id)
            except ValidationError as error:
                _say_errors(request, error)
            else:
                messages.success(
                    request,
                    f"Запрос отправлен: {sent.mentor_entry.person.full_name}. Наставник ответит до "
                    f"{sent.expires_on.strftime('%d.%m.%Y')}.",
                )
        return redirect("matching:selfmatch_choose", entry.pk)
    choice = selfmatch.choice_for(entry)
    for_child = acting and entry.person_id != getattr(getattr(request.user, "person", None), "pk", None)
    return render(
        request,
        "matching/selfmatch_choose.html",
        {
            "entry": entry,
            "choice": choice,
            "acting": acting,
            "for_child": for_child,
            "breadcrumbs": [("Главная", reverse("home")), ("Выбор наставника", None)],
        },
    )


@login_required
@require_POST
def withdraw(request, pk):
    item = selfmatch.request_get_for(actor=request.user, pk=pk)
    require(selfmatch.acts_for(request.user, item.mentee_entry), selfmatch.NOT_THE_MENTEE)
    try:
        selfmatch.request_withdraw(actor=request.user, request=item)
    except ValidationError as error:
        _say_errors(request, error)
    else:
        messages.success(request, f"Запрос наставнику {item.mentor_entry.person.full_name} отозван.")
    return redirect("matching:selfmatch_choose", item.mentee_entry_id)


# --- the mentor ------------------------------------------------------------------------------------------
@login_required
def incoming(request):
    """The requests addressed to the user as a mentor."""
    rows = selfmatch.incoming_for(request.user)
    return render(
        request,
        "matching/selfmatch_incoming.html",
        {
            "rows": rows,
            "waiting": sum(1 for r in rows if r.status == SelfRequestStatus.PENDING),
            "breadcrumbs": [("Главная", reverse("home")), ("Запросы наставляемых", None)],
        },
    )


@login_required
@require_POST
def answer(request, pk):
    item = selfmatch.request_get_for(actor=request.user, pk=pk)
    require(selfmatch.is_mentor_of(request.user, item), selfmatch.NOT_THE_MENTOR)
    accept = request.POST.get("accept") == "1"
    try:
        selfmatch.request_answer(
            actor=request.user, request=item, accept=accept, comment=request.POST.get("comment", "")
        )
    except ValidationError as error:
        _say_errors(request, error)
    else:
        name = item.mentee_entry.person.full_name
        messages.success(
            request,
            f"Вы согласились быть наставником: {name}. Пару подтвердит куратор."
            if accept
            else f"Запрос отклонён: {name}.",
        )
    return redirect("matching:selfmatch_incoming")


__all__ = ["answer", "choose", "confirm", "incoming", "settings_page", "withdraw"]
