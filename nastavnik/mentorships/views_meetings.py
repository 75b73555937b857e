"""Meetings of a pair: schedule, cancel, confirm (htmx), one meeting as .ics, the personal iCalendar
feed (a secret address, no login) and its page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors, error_text
from nastavnik.people.access import access_for, require

from . import ics, selectors, services
from .forms import CancelForm, MeetingForm
from .models import CalendarFeed
from .views import form_errors, mentorship_crumbs

ICS = "text/calendar; charset=utf-8"


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


@login_required
def meeting_create(request, pk):
    mentorship = selectors.mentorship_get_for(actor=request.user, pk=pk)
    rights = selectors.rights_for(request.user, mentorship)
    require(rights.work, services.NO_WORK_RIGHTS)
    initial = {"date": timezone.localdate() + dt.timedelta(days=1), "start_time": "15:00", "end_time": "16:00"}
    if not mentorship.meetings.exists():
        initial["kind"] = "organizational"
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(
                actor=request.user,
                mentorship=mentorship,
                kind=data["kind"],
                starts_at=_aware(data["date"], data["start_time"]),
                ends_at=_aware(data["date"], data["end_time"]),
                format=data["format"],
                place=data["place"],
                link=data["link"],
                topic=data["topic"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Встреча назначена: наставляемые увидят её на своей странице и в календаре.")
            return redirect("mentorships:meeting_detail", meeting.pk)
    return render(
        request,
        "components/form_page.html",
        {
            "form": form,
            "title": "Назначить встречу",
            "intro": "Виды встреч по циклу: организационная → пробная → планирующая → регулярные → итоговая.",
            "breadcrumbs": mentorship_crumbs(request, mentorship, ("Назначить встречу", None)),
        },
    )


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    mentorship = meeting.mentorship
    rights = selectors.rights_for(request.user, mentorship)
    return render(
        request,
        "mentorships/meeting_detail.html",
        {
            "meeting": meeting,
            "mentorship": mentorship,
            "rights": rights,
            "confirmed_ids": {c.person_id for c in meeting.confirmations.all()},
            "cancel_form": CancelForm(),
            "journal_entry": getattr(meeting, "journal_entry", None),
            "breadcrumbs": mentorship_crumbs(request, mentorship, (meeting.topic, None)),
        },
    )


@login_required
@require_POST
def meeting_cancel(request, pk):
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    require(selectors.rights_for(request.user, meeting.mentorship).work, services.NO_WORK_RIGHTS)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("mentorships:meeting_detail", meeting.pk)
    try:
        services.meeting_cancel(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Встреча отменена.")
    return redirect("mentorships:meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_confirm(request, pk):
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    error = None
    try:
        services.meeting_confirm(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        error = error_text(exc)
    if request.htmx:
        meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
        return render(
            request,
            "mentorships/_confirm.html",
            {"meeting": meeting, "error": error, "confirmed": error is None, "can_confirm": True},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Спасибо! Встреча отмечена как состоявшаяся.")
    return redirect(request.POST.get("next") or reverse("mentorships:meeting_detail", args=[meeting.pk]))


def _url_for(request):
    return lambda m: request.build_absolute_uri(reverse("mentorships:meeting_detail", args=[m.pk]))


@login_required
def meeting_ics(request, pk):
    meeting = selectors.meeting_get_for(actor=request.user, pk=pk)
    content = ics.calendar_bytes([meeting], name="Встреча наставничества", url_for=_url_for(request))
    response = HttpResponse(content, content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def calendar_feed(request, token):
    """The personal feed: the secret address is the key (calendar apps cannot log in)."""
    feed = CalendarFeed.objects.filter(token=token).select_related("person").first()
    if feed is None:
        raise Http404("Календарь не найден: возможно, адрес был заменён новым.")
    from nastavnik.people.models import GuardianLink

    person = feed.person
    child_ids = set(GuardianLink.objects.filter(guardian=person).values_list("child_id", flat=True))
    since = timezone.now() - dt.timedelta(days=180)
    meetings = selectors.meetings_for_person(person.pk, child_ids).filter(starts_at__gte=since)
    content = ics.calendar_bytes(meetings, name=f"Наставничество: {person.short_name}", url_for=_url_for(request))
    response = HttpResponse(content, content_type=ICS)
    response["Content-Disposition"] = 'inline; filename="nastavnik.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def _person_or_403(request):
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied("Календарь встреч есть у участников с карточкой.")
    return person


@login_required
def calendar(request):
    person = _person_or_403(request)
    feed = services.calendar_feed_for(person)
    access = access_for(request.user)
    return render(
        request,
        "mentorships/calendar.html",
        {
            "feed_url": request.build_absolute_uri(reverse("mentorships:calendar_feed", args=[feed.token])),
            "meetings": list(
                selectors.meetings_for_person(person.pk, access.child_ids).filter(
                    starts_at__gte=timezone.now() - dt.timedelta(days=1)
                )[:20]
            ),
            "breadcrumbs": [("Главная", reverse("home")), ("Календарь встреч", None)],
        },
    )


@login_required
@require_POST
def calendar_reset(request):
    _person_or_403(request)
    services.calendar_feed_reset(actor=request.user)
    messages.success(
        request, "Адрес календаря заменён: добавьте в приложение календаря новый, старый больше не работает."
    )
    return redirect("mentorships:calendar")
