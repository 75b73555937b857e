"""Feedback and care of the relationship: the participants' forms (agreement, fit check, ratings,
pulse, safety concern) and the curator's pages (alerts, thresholds, safety flags, re-match offers).
Thin: services write (and check), selectors read. A write is checked before its form is validated,
so a user without the right gets a 403 whatever they post."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nastavnik.core.audit import history_query, log_entries
from nastavnik.core.text import date_ru
from nastavnik.core.views_helpers import add_service_errors, error_text
from nastavnik.people.access import access_for, require
from nastavnik.people.models import Person
from nastavnik.programs.selectors import organization_year_for
from nastavnik.programs.views import year_crumbs

from . import selectors, services
from .forms import (
    AgreementForm,
    AlertSettingsForm,
    FinalFeedbackForm,
    FitCheckForm,
    FlagCloseForm,
    FlagForm,
    PulseForm,
    RatingForm,
    RematchForm,
)
from .models import SafetyFlag


def _care_crumbs(mentorship, *tail):
    url = reverse("feedback:mentorship", args=[mentorship.pk])
    return [
        ("Главная", reverse("home")),
        ("Обратная связь", reverse("feedback:index")),
        (f"Пара: наставник {mentorship.mentor.short_name}", url if tail else None),
        *tail,
    ]


def _org_crumbs(organization, academic_year, *tail):
    url = reverse("feedback:alerts", args=[organization.pk, academic_year.start_year])
    return year_crumbs(organization, academic_year, ("Забота о парах", url if tail else None), *tail)


def _form_page(request, *, title, form, breadcrumbs, intro="", template="feedback/form_page.html", **extra):
    return render(
        request, template, {"title": title, "form": form, "intro": intro, "breadcrumbs": breadcrumbs, **extra}
    )


# --- index --------------------------------------------------------------------------------------------------
@login_required
def index(request):
    """A participant's pairs with what to fill in; the staff's organisations with their alerts."""
    from nastavnik.orgs.selectors import organization_list_for
    from nastavnik.orgs.services import academic_year_current

    access = access_for(request.user)
    year = academic_year_current()
    cares = [
        selectors.care_for(actor=request.user, mentorship=m)
        for m in selectors.my_mentorships(actor=request.user).prefetch_related("members__person")[:20]
    ]
    organizations = []
    if access.sees_registers:
        if len(access.staff_org_ids) == 1 and not (access.is_coordinator or access.is_admin) and not cares:
            return redirect("feedback:alerts", next(iter(access.staff_org_ids)), year.start_year)
        organizations = list(organization_list_for(actor=request.user).order_by("short_name")[:300])
    return render(
        request,
        "feedback/index.html",
        {
            "cares": cares,
            "organizations": organizations,
            "year": year,
            "breadcrumbs": [("Главная", reverse("home")), ("Обратная связь", None)],
        },
    )


# --- one mentorship -----------------------------------------------------------------------------------------
@login_required
def mentorship(request, pk):
    m = selectors.mentorship_for(actor=request.user, pk=pk)
    care = selectors.care_for(actor=request.user, mentorship=m)
    return render(request, "feedback/mentorship.html", {"care": care, "m": m, "breadcrumbs": _care_crumbs(m)})


@login_required
def agreement(request, pk):
    m = selectors.mentorship_for(actor=request.user, pk=pk)
    side = services.side_of(request.user, m)
    current = getattr(m, "agreement", None)
    initial = (
        {"goals": current.goals, "meeting_frequency": current.meeting_frequency, "contacts": current.contacts}
        if current
        else {}
    )
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(side.is_mentor or side.manage, services.NOT_MENTOR)  # the curator may enter a paper copy
        require(not side.closed, services.CLOSED)
        if form.is_valid():
            try:
                services.agreement_save(actor=request.user, mentorship=m, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Соглашение сохранено. Наставляемые увидят его и примут.")
                return redirect("feedback:mentorship", m.pk)
    return _form_page(
        request,
        title="Соглашение о сотрудничестве",
        intro="Договоритесь в начале: чего хотите достичь, как часто встречаетесь и как связаться друг с "
        "другом. Каждый наставляемый (за несовершеннолетнего — законный представитель) принимает соглашение.",
        form=form,
        editable=(side.is_mentor or side.manage) and not side.closed,
        breadcrumbs=_care_crumbs(m, ("Соглашение", None)),
    )


@login_required
def agreement_accept(request, pk):
    m = selectors.mentorship_for(actor=request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    side = services.side_of(request.user, m)
    require(side.mentee_ids and not side.closed, "Соглашение принимает наставляемый или его законный представитель.")
    mentee = next((mm.person for mm in m.members.all() if str(mm.person_id) == request.POST.get("mentee")), None)
    if mentee is None and len(side.mentee_ids) == 1:
        mentee = Person.objects.get(pk=next(iter(side.mentee_ids)))
    if mentee is None:
        messages.error(request, "Выберите наставляемого, за которого принимаете соглашение.")
        return redirect("feedback:mentorship", m.pk)
    try:
        services.agreement_accept(actor=request.user, mentorship=m, mentee=mentee)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Соглашение принято: {mentee.full_name}, {date_ru(timezone.localdate())}.")
    return redirect("feedback:mentorship", m.pk)


def _people(m, ids):
    people = {m.mentor_id: m.mentor} | {mm.person_id: mm.person for mm in m.members.all()}
    return [people[i] for i in ids if i in people]


@login_required
def fit_check(request, pk):
    m = selectors.mentorship_for(actor=request.user, pk=pk)
    side = services.side_of(request.user, m)
    form = FitCheckForm(request.POST or None, people=_people(m, side.answers_for()))
    if request.method == "POST":
        require(side.participant, services.NOT_PARTICIPANT)
        require(not side.closed, services.CLOSED)
        if form.is_valid():
            try:
                services.fit_check_answer(
                    actor=request.user,
                    mentorship=m,
                    person=form.chosen_person(),
                    fits=form.cleaned_data["fits"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Спасибо! Ответ сохранён — его видит только куратор.")
                return redirect("feedback:mentorship", m.pk)
    return _form_page(
        request,
        title="Подходим ли мы друг другу?",
        intro="Вопрос после пробной встречи. Если ответ «нет», куратор предложит подобрать другую пару — "
        "другая сторона ваш ответ не увидит.",
        form=form,
        editable=side.participant and not side.closed and services.trial_meeting_passed(m),
        not_yet=not services.trial_meeting_passed(m),
        breadcrumbs=_care_crumbs(m, ("Подходим ли мы друг другу?", None)),
    )


@login_required
def rate(request, pk):
    meeting = selectors.meeting_for(actor=request.user, pk=pk)
    m = meeting.mentorship
    side = services.side_of(request.user, m)
    mine = meeting.ratings.filter(person_id=side.person_id).first() if side.person_id else None
    initial = {"rating": str(mine.rating), "comment": mine.comment} if mine else {}
    form = RatingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(side.is_mentor or side.own_mentee, "Встречу оценивают наставник и наставляемые этой пары (группы).")
        require(not side.closed, services.CLOSED)
        if form.is_valid():
            try:
                _row, created = services.meeting_rate(actor=request.user, meeting=meeting, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Оценка сохранена." if created else "Оценка изменена.")
                return redirect("feedback:mentorship", m.pk)
    start = timezone.localtime(meeting.starts_at)
    return _form_page(
        request,
        title=f"Оценка встречи «{meeting.topic}»",
        intro=f"{meeting.get_kind_display()} встреча, {date_ru(start.date())}, {start:%H:%M}. "
        "Оценку видят только вы и куратор.",
        form=form,
        editable=(side.is_mentor or side.own_mentee) and not side.closed,
        template="feedback/rate.html",
        mine=mine,
        breadcrumbs=_care_crumbs(m, ("Оценка встречи", None)),
    )


@login_required
def pulse(request, pk):
    m = selectors.mentorship_for(actor=request.user, pk=pk)
    side = services.side_of(request.user, m)
    due = services.pulse_due(m)
    form = PulseForm(request.POST or None, people=_people(m, side.answers_for()))
    if request.method == "POST":
        require(side.participant, services.NOT_PARTICIPANT)
        require(not side.closed, services.CLOSED)
        if form.is_valid():
            try:
                services.pulse_answer(
                    actor=request.user,
                    mentorship=m,
                    person=form.chosen_person(),
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Спасибо! Ответ сохранён — его видит только куратор.")
                return redirect("feedback:mentorship", m.pk)
    intro = (
        f"Опрос № {due[0]} (с {date_ru(due[1])}). Короткая оценка отношений в паре: раз в 30-й день работы, "
        "затем каждые 60 дней."
        if due
        else "Первый опрос — на 30-й день работы пары."
    )
    return _form_page(
        request,
        title="Пульс отношений в паре",
        intro=intro,
        form=form,
        editable=side.participant and not side.closed and due is not None,
        template="feedback/rate.html",
        breadcrumbs=_care_crumbs(m, ("Пульс отношений", None)),
    )


@login_required
def final(request, pk):
    """The final feedback of a planned ending: the mentor, each mentee, the guardian of a minor (and the
    curator from a paper form) answer; a second submission changes the answer."""
    m = selectors.mentorship_for(actor=request.user, pk=pk)
    box = selectors.final_feedback_for(actor=request.user, mentorship=m)
    side = services.side_of(request.user, m)
    rows = [r for r in box.rows if r.mine] or (box.rows if side.manage else [])
    people = [r.person for r in rows]
    roles = {r.person.pk: r.role for r in rows}
    chosen_pk = request.POST.get("person") or request.GET.get("person")
    current = next((r for r in rows if str(r.person.pk) == str(chosen_pk)), None)
    current = current or next((r for r in rows if not r.answered), None) or (rows[0] if rows else None)
    initial = {}
    if current is not None and current.answer is not None:
        a = current.answer
        initial = {
            "goal_reached": str(a.goal_reached), "most_useful": a.most_useful, "to_improve": a.to_improve,
            "wants_continue": "yes" if a.wants_continue else "no", "comment": a.comment,
            "wants_to_mentor": "" if a.wants_to_mentor is None else ("yes" if a.wants_to_mentor else "no"),
        }  # fmt: skip
    if current is not None and len(people) > 1:
        initial["person"] = str(current.person.pk)
    mentee_side = any(role == "mentee" for role in roles.values())
    form = FinalFeedbackForm(request.POST or None, initial=initial, people=people, mentee_side=mentee_side)
    if request.method == "POST":
        require(bool(rows), services.NOT_PARTICIPANT)
        if form.is_valid():
            data = form.cleaned_data
            try:
                _row, created = services.final_feedback_answer(
                    actor=request.user,
                    mentorship=m,
                    person=form.chosen_person(),
                    goal_reached=data["goal_reached"],
                    wants_continue=data["wants_continue"],
                    most_useful=data["most_useful"],
                    to_improve=data["to_improve"],
                    wants_to_mentor=data.get("wants_to_mentor") or None,
                    comment=data["comment"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Спасибо! Итоги сохранены." if created else "Ответ изменён.")
                return redirect("mentorships:detail", m.pk)
    if box.meeting is not None:
        start = timezone.localtime(box.meeting.starts_at)
        intro = f"Итоговая встреча — {date_ru(start.date())}, {start:%H:%M}. "
    else:
        intro = ""
    intro += "Несколько вопросов об итогах работы пары. Ответ видит куратор программы."
    return _form_page(
        request,
        title="Итоговая обратная связь",
        intro=intro,
        form=form,
        editable=box.open and box.can_answer and bool(rows),
        not_open=not box.open,
        breadcrumbs=[
            ("Главная", reverse("home")),
            (f"Пара: наставник {m.mentor.short_name}", reverse("mentorships:detail", args=[m.pk])),
            ("Итоговая обратная связь", None),
        ],
    )


@login_required
def flag_create(request, pk):
    m = selectors.mentorship_for(actor=request.user, pk=pk)
    from nastavnik.mentorships.selectors import rights_for

    participant = rights_for(request.user, m).participant
    form = FlagForm(request.POST or None)
    if request.method == "POST":
        require(participant, "Сообщить куратору может наставник, наставляемый или его законный представитель.")
        if form.is_valid():
            try:
                services.flag_raise(actor=request.user, mentorship=m, text=form.cleaned_data["text"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Сообщение отправлено куратору. Другая сторона пары его не увидит.")
                return redirect("feedback:mentorship", m.pk)
    return _form_page(
        request,
        title="Сообщить куратору о проблеме",
        intro="Если что-то в работе пары вас тревожит или кажется небезопасным, напишите куратору. "
        "Сообщение конфиденциально: его видят только куратор и руководитель организации.",
        form=form,
        editable=participant,
        breadcrumbs=_care_crumbs(m, ("Сообщить куратору", None)),
    )


# --- the curator's side -------------------------------------------------------------------------------------
def _org_year(request, org_pk, year):
    return organization_year_for(actor=request.user, organization_pk=org_pk, start_year=year)


@login_required
def alerts(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    return render(
        request,
        "feedback/alerts.html",
        {
            "organization": organization,
            "academic_year": academic_year,
            "feedback_alerts": selectors.alerts_for(
                actor=request.user, organization=organization, academic_year=academic_year
            ),
            "limits": selectors.settings_for(organization),
            "can_manage": services.mentorship_services.can_manage_org(request.user, organization),
            "handles_flags": services.can_handle_flags(request.user, organization),
            "breadcrumbs": _org_crumbs(organization, academic_year),
        },
    )


@login_required
def alert_settings(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    limits = selectors.settings_for(organization)
    form = AlertSettingsForm(
        request.POST or None,
        initial={
            "low_rating": limits.low_rating,
            "missed_in_a_row": limits.missed_in_a_row,
            "inactive_days": limits.inactive_days,
        },
    )
    can_manage = services.mentorship_services.can_manage_org(request.user, organization)
    if request.method == "POST":
        require(can_manage, services.NOT_MANAGER)
        if form.is_valid():
            try:
                services.alert_settings_save(actor=request.user, organization=organization, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Пороги сигналов сохранены.")
                return redirect("feedback:alerts", organization.pk, academic_year.start_year)
    return _form_page(
        request,
        title="Пороги сигналов куратору",
        intro="Когда показывать сигнал на главной странице куратора: оценка встречи или пульса не выше порога, "
        "несколько пропущенных (отменённых или не подтверждённых) встреч подряд, пара без встреч и записей "
        "в журнале дольше указанного числа дней.",
        form=form,
        editable=can_manage,
        breadcrumbs=_org_crumbs(organization, academic_year, ("Пороги", None)),
    )


@login_required
def flag_list(request, org_pk, year):
    organization, academic_year = _org_year(request, org_pk, year)
    flags = selectors.flags_for(actor=request.user, organization=organization, academic_year=academic_year)
    return render(
        request,
        "feedback/flags.html",
        {
            "organization": organization,
            "academic_year": academic_year,
            "flags": flags,
            "breadcrumbs": _org_crumbs(organization, academic_year, ("Сообщения о безопасности", None)),
        },
    )


@login_required
def flag_detail(request, pk):
    flag = selectors.flag_get_for(actor=request.user, pk=pk)
    require(
        selectors.can_open_flag(request.user, flag),
        "Сообщения о безопасности видят куратор и руководитель организации.",
    )
    m = flag.mentorship
    handles = services.can_handle_flags(request.user, m.organization)
    if handles:
        crumbs = _org_crumbs(
            m.organization,
            m.academic_year,
            (
                "Сообщения о безопасности",
                reverse("feedback:flags", args=[m.organization_id, m.academic_year.start_year]),
            ),
            (f"№ {flag.pk}", None),
        )
    else:
        crumbs = _care_crumbs(m, (f"Сообщение № {flag.pk}", None))
    return render(
        request,
        "feedback/flag_detail.html",
        {
            "flag": flag,
            "m": m,
            "handles": handles,
            "close_form": FlagCloseForm(),
            "history": list(log_entries(history_query(model=SafetyFlag, object_pk=flag.pk))) if handles else [],
            "breadcrumbs": crumbs,
        },
    )


@login_required
@require_POST
def flag_acknowledge(request, pk):
    flag = selectors.flag_get_for(actor=request.user, pk=pk)
    services.flag_acknowledge(actor=request.user, flag=flag)
    messages.success(request, "Сообщение принято в работу.")
    return redirect("feedback:flag_detail", flag.pk)


@login_required
@require_POST
def flag_close(request, pk):
    flag = selectors.flag_get_for(actor=request.user, pk=pk)
    require(services.can_handle_flags(request.user, flag.mentorship.organization), "Сообщения закрывает куратор.")
    form = FlagCloseForm(request.POST)
    try:
        services.flag_close(actor=request.user, flag=flag, note=form.data.get("note", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Сообщение закрыто.")
    return redirect("feedback:flag_detail", flag.pk)


@login_required
@require_POST
def rematch_decide(request, pk):
    offer = selectors.rematch_get_for(actor=request.user, pk=pk)
    require(services.mentorship_services.can_manage(request.user, offer.mentorship), services.NOT_MANAGER)
    form = RematchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Выберите решение: сохранить пару или подобрать другую.")
        return redirect("feedback:mentorship", offer.mentorship_id)
    try:
        services.rematch_decide(
            actor=request.user,
            offer=offer,
            keep=form.cleaned_data["decision"] == "keep",
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Решение сохранено.")
    return redirect("feedback:mentorship", offer.mentorship_id)
