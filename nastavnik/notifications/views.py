"""The person's notifications: the list, the bell's dropdown, «отметить прочитанным», settings.
Thin: services write, selectors read. Every page shows only the user's own notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from nastavnik.core.views_helpers import paginate
from nastavnik.people.access import access_for

from . import selectors, services
from .forms import PreferencesForm


def _crumbs(*tail):
    url = reverse("notifications:list")
    return [("Главная", reverse("home")), ("Уведомления", url if tail else None), *tail]


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = paginate(request, selectors.notifications_for(actor=request.user, unread_only=unread_only))
    return render(
        request,
        "notifications/list.html#results" if request.htmx else "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": selectors.unread_count(request.user),
            "has_person": access_for(request.user).person_id is not None,
            "breadcrumbs": _crumbs(),
        },
    )


@login_required
def bell(request):
    """The dropdown of the bell in the navigation (loaded by htmx when it opens)."""
    return render(
        request,
        "notifications/_bell_menu.html",
        {"recent": selectors.recent_for(actor=request.user), "unread": selectors.unread_count(request.user)},
    )


@login_required
def notification_open(request, pk):
    """Open what the notification is about; it becomes read."""
    notification = selectors.notification_get_for(actor=request.user, pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications:list")


@login_required
def notification_read(request, pk):
    # Found first, so another person's notification is a 404 whatever the method.
    notification = selectors.notification_get_for(actor=request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.notification_mark_read(actor=request.user, notification=notification)
    if request.htmx:
        return render(
            request,
            "notifications/_row.html",
            {"n": notification, "unread": selectors.unread_count(request.user), "oob_counter": True},
        )
    return redirect(request.POST.get("next") if _safe(request, request.POST.get("next")) else "notifications:list")


def _safe(request, url) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})


@login_required
def read_all(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if access_for(request.user).person_id is not None:
        count = services.notifications_mark_all_read(actor=request.user)
        if count:
            messages.success(request, "Все уведомления отмечены прочитанными.")
    return redirect("notifications:list")


@login_required
def preferences(request):
    rows = selectors.preferences_for(actor=request.user)
    form = PreferencesForm(request.POST or None, rows=rows)
    has_person = access_for(request.user).person_id is not None
    if request.method == "POST" and form.is_valid():
        services.preferences_save(actor=request.user, choices=form.choices())
        messages.success(request, "Настройки уведомлений сохранены.")
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "has_person": has_person, "breadcrumbs": _crumbs(("Настройки", None))},
    )
