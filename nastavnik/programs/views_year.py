"""An organisation's mentoring year: the hub, the working group and its protocols, the roadmap
(table and timeline), the initial-state analysis, the checklist «Закрытие учебного года» and the
closing (rollover to the next year, pairs that continue carried over)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nastavnik.core.views_helpers import add_service_errors
from nastavnik.people.access import access_for, require

from . import selectors, services
from .catalogue import ROADMAP_TEMPLATES
from .forms import (
    AnalysisForm,
    GroupMemberForm,
    ItemStatusForm,
    MeetingForm,
    ProgramCreateForm,
    RoadmapItemForm,
    RoadmapLoadForm,
)
from .views import year_crumbs


def _rights(user, organization):
    access = access_for(user)
    scope = {
        "org_id": organization.pk,
        "municipality_id": organization.municipality_id,
        "region_id": organization.municipality.region_id,
    }
    return access.can_manage(**scope), access.can_approve(**scope)


def _context(request, organization, academic_year, **extra):
    can_manage, can_approve = _rights(request.user, organization)
    closed_at = selectors.year_closed_at(organization=organization, academic_year=academic_year)
    return {
        "organization": organization,
        "academic_year": academic_year,
        "closed_at": closed_at,
        "can_manage": can_manage and not closed_at,
        "can_approve": can_approve and not closed_at,
        **extra,
    }


@login_required
def year(request, org_pk, year):
    organization, academic_year = selectors.organization_year_for(
        actor=request.user, organization_pk=org_pk, start_year=year
    )
    program = selectors.current_program(organization=organization, academic_year=academic_year)
    roadmap = selectors.roadmap_for(organization=organization, academic_year=academic_year)
    return render(
        request,
        "programs/year.html",
        _context(
            request,
            organization,
            academic_year,
            program=program,
            program_missing=services.program_missing_parts(program) if program and program.is_editable else [],
            forms=selectors.enabled_forms(organization=organization, academic_year=academic_year),
            members=selectors.group_members(organization=organization, academic_year=academic_year),
            meetings=selectors.group_meetings(organization=organization, academic_year=academic_year),
            roadmap=roadmap,
            summary=selectors.roadmap_summary(roadmap) if roadmap else None,
            analysis=selectors.analysis_for(organization=organization, academic_year=academic_year),
            create_form=ProgramCreateForm(),
            breadcrumbs=[*year_crumbs(organization, academic_year)[:-1], (f"Наставничество: {academic_year}", None)],
        ),
    )


# --- working group ---------------------------------------------------------------------------
@login_required
def group(request, org_pk, year):
    organization, academic_year = selectors.organization_year_for(
        actor=request.user, organization_pk=org_pk, start_year=year
    )
    return render(
        request,
        "programs/group.html",
        _context(
            request,
            organization,
            academic_year,
            members=selectors.group_members(organization=organization, academic_year=academic_year),
            meetings=selectors.group_meetings(organization=organization, academic_year=academic_year),
            breadcrumbs=year_crumbs(organization, academic_year, ("Рабочая группа", None)),
        ),
    )


@login_required
def group_member_add(request, org_pk, year):
    organization, academic_year = selectors.organization_year_for(
        actor=request.user, organization_pk=org_pk, start_year=year
    )
    require(_rights(request.user, organization)[0], services.NO_RIGHTS)
    form = GroupMemberForm(
        request.POST or None,
        candidates=selectors.group_candidates(organization=organization),
        initial={"start_date": max(academic_year.start_date, min(timezone.localdate(), academic_year.end_date))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            member = services.group_member_add(
                actor=request.user, organization=organization, academic_year=academic_year, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{member.person.full_name}: {member.get_position_display().lower()}.")
            return redirect("programs:group", organization.pk, academic_year.start_year)
    return render(
        request,
        "programs/simple_form.html",
        _context(
            request,
            organization,
            academic_year,
            form=form,
            title="Назначить в рабочую группу",
            intro="Куратора и руководителя группы назначает руководитель организации; эти данные войдут в приказ.",
            breadcrumbs=year_crumbs(
                organization,
                academic_year,
                ("Рабочая группа", reverse("programs:group", args=[organization.pk, academic_year.start_year])),
                ("Назначить", None),
            ),
        ),
    )


@login_required
@require_POST
def group_member_delete(request, pk):
    member = selectors.group_member_get_for(actor=request.user, pk=pk)
    services.group_member_remove(actor=request.user, member=member)
    messages.success(request, f"{member.person.full_name} исключён(а) из рабочей группы.")
    return redirect("programs:group", member.organization_id, member.academic_year.start_year)


def _meeting_form(request, organization, academic_year, meeting=None):
    initial = None
    if meeting is not None:
        initial = {
            "date": meeting.date,
            "agenda": meeting.agenda,
            "decisions": meeting.decisions,
            "attendees": list(meeting.attendees.all()),
        }
    members = selectors.group_members(organization=organization, academic_year=academic_year)
    attendees = selectors.group_candidates(organization=organization).filter(
        pk__in=members.values("person_id")
    ) | selectors.group_candidates(organization=organization).filter(pk__in=[])
    return MeetingForm(request.POST or None, initial=initial, attendees=attendees)


@login_required
def meeting_form(request, org_pk=None, year=None, pk=None):
    meeting = selectors.group_meeting_get_for(actor=request.user, pk=pk) if pk else None
    if meeting is not None:
        organization, academic_year = meeting.organization, meeting.academic_year
    else:
        organization, academic_year = selectors.organization_year_for(
            actor=request.user, organization_pk=org_pk, start_year=year
        )
    require(_rights(request.user, organization)[0], services.NO_RIGHTS)
    form = _meeting_form(request, organization, academic_year, meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.group_meeting_save(
                actor=request.user,
                organization=organization,
                academic_year=academic_year,
                meeting=meeting,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Протокол № {meeting.number} сохранён.")
            return redirect("programs:meeting_detail", meeting.pk)
    title = f"Протокол № {meeting.number}" if meeting else "Новое заседание рабочей группы"
    return render(
        request,
        "programs/simple_form.html",
        _context(
            request,
            organization,
            academic_year,
            form=form,
            title=title,
            breadcrumbs=year_crumbs(
                organization,
                academic_year,
                ("Рабочая группа", reverse("programs:group", args=[organization.pk, academic_year.start_year])),
                (title, None),
            ),
        ),
    )


@login_required
def meeting_detail(request, pk):
    meeting = selectors.group_meeting_get_for(actor=request.user, pk=pk)
    organization, academic_year = meeting.organization, meeting.academic_year
    return render(
        request,
        "programs/meeting_detail.html",
        _context(
            request,
            organization,
            academic_year,
            meeting=meeting,
            breadcrumbs=year_crumbs(
                organization,
                academic_year,
                ("Рабочая группа", reverse("programs:group", args=[organization.pk, academic_year.start_year])),
                (str(meeting), None),
            ),
        ),
    )


# --- roadmap -------------------------------------------------------------------------------------
def _roadmap_crumbs(organization, academic_year, *tail):
    url = reverse("programs:roadmap", args=[organization.pk, academic_year.start_year])
    return year_crumbs(organization, academic_year, ("Дорожная карта", url if tail else None), *tail)


@login_required
def roadmap(request, org_pk, year):
    organization, academic_year = selectors.organization_year_for(
        actor=request.user, organization_pk=org_pk, start_year=year
    )
    roadmap = selectors.roadmap_for(organization=organization, academic_year=academic_year)
    today = timezone.localdate()
    sections = []
    if roadmap is not None:
        for item in roadmap.items.all():
            if not sections or sections[-1][0] != item.section:
                sections.append((item.section, []))
            sections[-1][1].append((item, item.is_overdue_on(today)))
    return render(
        request,
        "programs/roadmap.html",
        _context(
            request,
            organization,
            academic_year,
            roadmap=roadmap,
            sections=sections,
            summary=selectors.roadmap_summary(roadmap) if roadmap else None,
            load_form=RoadmapLoadForm(templates=ROADMAP_TEMPLATES, initial={"template": "seed000"}),
            status_form=ItemStatusForm(),
            breadcrumbs=_roadmap_crumbs(organization, academic_year),
        ),
    )


@login_required
@require_POST
def roadmap_load(request, org_pk, year):
    organization, academic_year = selectors.organization_year_for(
        actor=request.user, organization_pk=org_pk, start_year=year
    )
    require(_rights(request.user, organization)[0], services.NO_RIGHTS)
    form = RoadmapLoadForm(request.POST, templates=ROADMAP_TEMPLATES)
    if not form.is_valid():
        messages.error(request, "Выберите шаблон дорожной карты.")
        return redirect("programs:roadmap", organization.pk, academic_year.start_year)
    try:
        roadmap = services.roadmap_from_template(
            actor=request.user,
            organization=organization,
            academic_year=academic_year,
            template_code=form.cleaned_data["template"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Дорожная карта загружена: {roadmap.items.count()} пунктов с датами на {academic_year}. "
            "Проверьте ответственных и сроки.",
        )
    return redirect("programs:roadmap", organization.pk, academic_year.start_year)


@login_required
def roadmap_timeline(request, org_pk, year):
    organization, academic_year = selectors.organization_year_for(
        actor=request.user, organization_pk=org_pk, start_year=year
    )
    roadmap = selectors.roadmap_for(organization=organization, academic_year=academic_year)
    return render(
        request,
        "programs/roadmap_timeline.html",
        _context(
            request,
            organization,
            academic_year,
            roadmap=roadmap,
            rows=selectors.roadmap_timeline(roadmap) if roadmap else [],
            months=selectors.timeline_months(academic_year),
            breadcrumbs=_roadmap_crumbs(organization, academic_year, ("По месяцам", None)),
        ),
    )


@login_required
def item_form(request, roadmap_pk=None, pk=None):
    selectors.require_staff(request.user)
    item = selectors.roadmap_item_get_for(actor=request.user, pk=pk) if pk else None
    roadmap = item.roadmap if item else selectors.roadmap_get_for(actor=request.user, pk=roadmap_pk)
    organization, academic_year = roadmap.organization, roadmap.academic_year
    require(_rights(request.user, organization)[0], services.NO_RIGHTS)
    initial = None
    if item is not None:
        initial = {name: getattr(item, name) for name in services.ITEM_FIELDS}
    form = RoadmapItemForm(
        request.POST or None,
        initial=initial,
        responsibles=selectors.group_candidates(organization=organization),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.roadmap_item_save(actor=request.user, roadmap=roadmap, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Пункт дорожной карты сохранён.")
            return redirect("programs:roadmap", organization.pk, academic_year.start_year)
    title = f"Пункт {item.code}".strip() if item else "Новый пункт дорожной карты"
    return render(
        request,
        "programs/simple_form.html",
        _context(
            request,
            organization,
            academic_year,
            form=form,
            title=title,
            delete_url=reverse("programs:item_delete", args=[item.pk]) if item else None,
            breadcrumbs=_roadmap_crumbs(organization, academic_year, (title, None)),
        ),
    )


@login_required
@require_POST
def item_delete(request, pk):
    selectors.require_staff(request.user)
    item = selectors.roadmap_item_get_for(actor=request.user, pk=pk)
    roadmap = item.roadmap
    services.roadmap_item_delete(actor=request.user, item=item)
    messages.success(request, "Пункт удалён из дорожной карты.")
    return redirect("programs:roadmap", roadmap.organization_id, roadmap.academic_year.start_year)


@login_required
@require_POST
def item_status(request, pk):
    selectors.require_staff(request.user)
    item = selectors.roadmap_item_get_for(actor=request.user, pk=pk)
    roadmap = item.roadmap
    form = ItemStatusForm(request.POST, request.FILES)
    error_text = ""
    if form.is_valid():
        try:
            services.roadmap_item_set_status(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            error_text = " ".join(error.messages)
    else:
        error_text = " ".join(e for errors in form.errors.values() for e in errors)
    if request.htmx:
        item.refresh_from_db()
        context = _context(request, roadmap.organization, roadmap.academic_year, item=item, error_text=error_text)
        context["overdue"] = item.is_overdue_on(timezone.localdate())
        return render(request, "programs/roadmap.html#item-row", context)
    if error_text:
        messages.error(request, error_text)
    else:
        messages.success(request, f"Статус пункта {item.code}: {item.get_status_display().lower()}.")
    return redirect("programs:roadmap", roadmap.organization_id, roadmap.academic_year.start_year)


# --- analysis and the year ---------------------------------------------------------------------------
@login_required
def analysis(request, org_pk, year):
    organization, academic_year = selectors.organization_year_for(
        actor=request.user, organization_pk=org_pk, start_year=year
    )
    current = selectors.analysis_for(organization=organization, academic_year=academic_year)
    initial = None
    if current is not None:
        initial = {f"need_{key}": text for key, text in current.needs.items()}
        initial |= {
            "existing_practice": current.existing_practice,
            "resources": current.resources,
            "risks": current.risks,
            "conclusions": current.conclusions,
        }
    form = AnalysisForm(request.POST or None, initial=initial)
    can_manage = _rights(request.user, organization)[0]
    if request.method == "POST":
        require(can_manage, services.NO_RIGHTS)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("need_")}
            services.analysis_save(
                actor=request.user, organization=organization, academic_year=academic_year, needs=form.needs(), **data
            )
            messages.success(request, "Анализ исходного состояния сохранён. Выводы можно перенести в программу.")
            return redirect("programs:year", organization.pk, academic_year.start_year)
    return render(
        request,
        "programs/analysis.html",
        _context(
            request,
            organization,
            academic_year,
            form=form,
            analysis=current,
            breadcrumbs=year_crumbs(organization, academic_year, ("Анализ исходного состояния", None)),
        ),
    )


@login_required
@require_POST
def year_rollover(request, org_pk, year):
    organization, academic_year = selectors.organization_year_for(
        actor=request.user, organization_pk=org_pk, start_year=year
    )
    try:
        # the same closing as the checklist's (pairs decided, carried over); this button confirms the rest
        next_year = services.year_close(
            actor=request.user, organization=organization, academic_year=academic_year, confirm=True
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programs:year_close", organization.pk, academic_year.start_year)
    messages.success(
        request,
        f"{str(academic_year).capitalize()} закрыт. Программа, рабочая группа и дорожная карта перенесены на "
        f"{next_year} — проверьте даты и утвердите программу.",
    )
    return redirect("programs:year", organization.pk, next_year.start_year)


# --- closing the year: the checklist -------------------------------------------------------------------
def _close_context(request, organization, academic_year, **extra):
    pairs = selectors.year_close_pairs(organization=organization, academic_year=academic_year)
    checks = selectors.year_close_checklist(organization=organization, academic_year=academic_year, pairs=pairs)
    can_close = _rights(request.user, organization)[0]
    closed_at = selectors.year_closed_at(organization=organization, academic_year=academic_year)
    next_start = academic_year.start_year + 1
    return _context(
        request,
        organization,
        academic_year,
        pairs=pairs,
        checks=checks,
        blocked=any(c.blocking and not c.ok for c in checks),
        pending=[c for c in checks if c.advisory_pending],
        can_close=can_close and not closed_at,
        next_start=next_start,
        breadcrumbs=year_crumbs(organization, academic_year, ("Закрытие учебного года", None)),
        **extra,
    )


@login_required
def year_close(request, org_pk, year):
    """GET: the checklist; POST: close the year (with `confirm` when advisory items are not done)."""
    organization, academic_year = selectors.organization_year_for(
        actor=request.user, organization_pk=org_pk, start_year=year
    )
    if request.method == "POST":
        require(_rights(request.user, organization)[0], services.NO_CLOSE_RIGHTS)
        try:
            next_year = services.year_close(
                actor=request.user,
                organization=organization,
                academic_year=academic_year,
                confirm=request.POST.get("confirm") == "1",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("programs:year_close", organization.pk, academic_year.start_year)
        messages.success(
            request,
            f"{str(academic_year).capitalize()} закрыт. Программа, рабочая группа, дорожная карта и пары, которые "
            f"продолжаются, перенесены на {next_year} — проверьте даты и утвердите программу.",
        )
        return redirect("programs:year", organization.pk, next_year.start_year)
    return render(request, "programs/year_close.html", _close_context(request, organization, academic_year))


@login_required
@require_POST
def year_close_marks(request, org_pk, year):
    """The bulk form of the checklist: which active pairs continue next year."""
    organization, academic_year = selectors.organization_year_for(
        actor=request.user, organization_pk=org_pk, start_year=year
    )
    require(_rights(request.user, organization)[0], services.NO_CLOSE_RIGHTS)
    try:
        marked, unmarked = services.year_close_marks(
            actor=request.user,
            organization=organization,
            academic_year=academic_year,
            continue_ids=request.POST.getlist("continue"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if marked or unmarked:
            messages.success(request, f"Отмечено продолжение в следующем году: {marked}; отметка снята: {unmarked}.")
        else:
            messages.info(request, "Отметки не изменились.")
    return redirect("programs:year_close", organization.pk, academic_year.start_year)
