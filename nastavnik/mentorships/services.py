"""Writes of the work of pairs (seed 000, stage 6; seed 002).

Rules owned here:
- a mentorship is one mentor (a mentor-pool entry: approved, trained or already working) with one
  or more mentees (mentee-pool entries included in the base) of one form and academic year, every
  one of them with a valid consent to the processing of personal data (152-ФЗ);
- the mentor's capacity counts the mentees of all his proposed and active mentorships of the form;
  a mentee is in at most one proposed or active mentorship of a form and year;
- the same mentor with the same mentees again is the same mentorship (idempotent);
- proposed → active (from the date of the order «о закреплении наставнических пар») → completed or
  ended early with a reason; the pool statuses follow through nastavnik.pools.services;
- the director and the curator of the organisation run all of it; a coordinator of the area may
  propose mentorships (regional matching) — the order that activates them is the organisation's;
- a closed academic year is read-only; every change is in the audit log (django-auditlog).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from nastavnik.core.text import date_ru, normalize_spaces
from nastavnik.orgs.models import AcademicYear, Organization
from nastavnik.people.access import access_for, require
from nastavnik.pools.models import MenteeEntry, MenteeStatus, MentorEntry, MentorStatus

from .models import (
    EARLY_END_REASONS,
    OPEN_STATUSES,
    EndReason,
    Meeting,
    Mentorship,
    MentorshipMentee,
    MentorshipSource,
    MentorshipStatus,
)

NO_RIGHTS = "Наставнические пары ведут руководитель и куратор организации."
NO_ACTIVATE_RIGHTS = "Закрепляют пары приказом руководитель и куратор организации."
CLOSED_YEAR = "{year} закрыт: его данные доступны только для просмотра и отчётов."

MENTOR_OK_STATUSES = (MentorStatus.APPROVED, MentorStatus.TRAINED, MentorStatus.ACTIVE)
MENTEE_OK_STATUSES = (MenteeStatus.INCLUDED, MenteeStatus.IN_MENTORSHIP, MenteeStatus.COMPLETED)


# --- rights -------------------------------------------------------------------------------------------------
def _scope(organization: Organization) -> dict:
    return {
        "org_id": organization.pk,
        "municipality_id": organization.municipality_id,
        "region_id": organization.municipality.region_id,
    }


def can_manage_org(user, organization: Organization) -> bool:
    """Director and curator of the organisation (and the platform admin)."""
    return access_for(user).can_manage(**_scope(organization))


def can_propose(user, organization: Organization) -> bool:
    """+ coordinators of the organisation's municipality or region (regional matching)."""
    access = access_for(user)
    return can_manage_org(user, organization) or access.covers_area(
        region_id=organization.municipality.region_id, municipality_id=organization.municipality_id
    )


def can_manage(user, mentorship: Mentorship) -> bool:
    return can_manage_org(user, mentorship.organization)


def year_is_closed(organization: Organization, academic_year: AcademicYear) -> bool:
    from nastavnik.programs.services import year_is_closed as closed

    return closed(organization=organization, academic_year=academic_year)


def _require_open(organization: Organization, academic_year: AcademicYear) -> None:
    if year_is_closed(organization, academic_year):
        raise PermissionDenied(CLOSED_YEAR.format(year=str(academic_year).capitalize()))


def _require_manage(actor, mentorship: Mentorship) -> None:
    require(can_manage(actor, mentorship), NO_RIGHTS)
    _require_open(mentorship.organization, mentorship.academic_year)


def _has_consent(person) -> bool:
    from nastavnik.consents.selectors import has_valid_consent

    return has_valid_consent(person)


def _check_in_year(value: dt.date, academic_year: AcademicYear, field: str, what: str) -> None:
    if not academic_year.contains(value):
        raise ValidationError(
            {
                field: f"{what} должна быть в пределах учебного года: с {date_ru(academic_year.start_date)} "
                f"по {date_ru(academic_year.end_date)}."
            }
        )


# --- mentorships --------------------------------------------------------------------------------------------
def open_mentee_count(mentor_entry: MentorEntry, *, exclude: Mentorship | None = None) -> int:
    """Mentees of the mentor's proposed and active mentorships (what the capacity limits)."""
    qs = MentorshipMentee.objects.filter(
        mentorship__mentor_entry=mentor_entry, mentorship__status__in=OPEN_STATUSES, left_on__isnull=True
    )
    if exclude is not None:
        qs = qs.exclude(mentorship=exclude)
    return qs.count()


def _mentees_key(entries: Iterable[MenteeEntry]) -> str:
    return ",".join(str(pk) for pk in sorted({e.pk for e in entries}))


def _check_mentor(mentor_entry: MentorEntry, *, form, academic_year: AcademicYear, organization: Organization):
    person = mentor_entry.person
    if mentor_entry.form_id != form.pk or mentor_entry.academic_year_id != academic_year.pk:
        raise ValidationError(
            {"mentor_entry": f"{person.full_name} — в базе наставников другой формы или другого учебного года."}
        )
    if mentor_entry.region_id != organization.municipality.region_id:
        raise ValidationError({"mentor_entry": "Наставник должен быть из базы организации этого региона."})
    if mentor_entry.status not in MENTOR_OK_STATUSES:
        raise ValidationError(
            {
                "mentor_entry": f"{person.full_name}: статус в базе наставников "
                f"«{mentor_entry.get_status_display()}» — в пару назначают одобренных наставников."
            }
        )
    if not _has_consent(person):
        raise ValidationError(
            {"mentor_entry": f"{person.full_name}: нет действующего согласия на обработку персональных данных."}
        )


def _check_mentees(entries: list[MenteeEntry], *, form, academic_year: AcademicYear, organization: Organization):
    if not entries:
        raise ValidationError({"mentee_entries": "Выберите хотя бы одного наставляемого."})
    for entry in entries:
        person = entry.person
        if entry.organization_id != organization.pk:
            raise ValidationError({"mentee_entries": f"{person.full_name} — не из базы наставляемых этой организации."})
        if entry.form_id != form.pk or entry.academic_year_id != academic_year.pk:
            raise ValidationError(
                {"mentee_entries": f"{person.full_name} — в базе наставляемых другой формы или другого учебного года."}
            )
        if entry.status not in MENTEE_OK_STATUSES:
            raise ValidationError(
                {
                    "mentee_entries": f"{person.full_name}: статус в базе наставляемых "
                    f"«{entry.get_status_display()}» — в пару включают тех, кто включён в базу."
                }
            )
        if not _has_consent(person):
            raise ValidationError(
                {"mentee_entries": f"{person.full_name}: нет действующего согласия на обработку персональных данных."}
            )


def _busy_mentees(entries: list[MenteeEntry], *, exclude: Mentorship | None = None) -> list[MentorshipMentee]:
    qs = MentorshipMentee.objects.filter(
        mentee_entry__in=entries, mentorship__status__in=OPEN_STATUSES, left_on__isnull=True
    ).select_related("person", "mentorship__mentor")
    if exclude is not None:
        qs = qs.exclude(mentorship=exclude)
    return list(qs)


@transaction.atomic
def mentorship_create(
    *,
    actor,
    organization: Organization,
    academic_year: AcademicYear,
    form,
    mentor_entry: MentorEntry,
    mentee_entries: Iterable[MenteeEntry],
    start_date: dt.date | None = None,
    activate: bool = False,
    order_number: str = "",
    order_date: dt.date | None = None,
    source: str = "manual",
    source_ref: str = "",
) -> Mentorship:
    """One mentor with one or more mentees — a pair or a group; «proposed», or «active» from
    `start_date` when `activate` (the order «о закреплении наставнических пар»). The same mentor with
    the same mentees, form and year again returns the existing mentorship (activating it if asked)."""
    require(can_propose(actor, organization), NO_RIGHTS)
    if activate:
        require(can_manage_org(actor, organization), NO_ACTIVATE_RIGHTS)
    _require_open(organization, academic_year)
    if source not in MentorshipSource.values:
        raise ValidationError({"source": "Неизвестный источник пары."})
    # Serialise concurrent proposals for one mentor (PostgreSQL; SQLite serialises writes anyway).
    mentor_entry = MentorEntry.objects.select_for_update().select_related("person").get(pk=mentor_entry.pk)
    entries = list(
        MenteeEntry.objects.filter(pk__in={e.pk for e in mentee_entries}).select_related("person").order_by("pk")
    )
    key = _mentees_key(entries)
    existing = Mentorship.objects.filter(mentor_entry=mentor_entry, mentees_key=key, status__in=OPEN_STATUSES).first()
    if existing is not None:
        if activate and existing.status == MentorshipStatus.PROPOSED:
            return mentorship_activate(
                actor=actor,
                mentorship=existing,
                start_date=start_date or timezone.localdate(),
                order_number=order_number,
                order_date=order_date,
            )
        return existing
    _check_mentor(mentor_entry, form=form, academic_year=academic_year, organization=organization)
    _check_mentees(entries, form=form, academic_year=academic_year, organization=organization)
    busy = _busy_mentees(entries)
    if busy:
        link = busy[0]
        raise ValidationError(
            {
                "mentee_entries": f"{link.person.full_name} уже в паре с наставником "
                f"{link.mentorship.mentor.full_name} («{form.name}», {academic_year}). Сначала завершите ту пару."
            }
        )
    taken = open_mentee_count(mentor_entry)
    if taken + len(entries) > mentor_entry.capacity:
        raise ValidationError(
            {
                "mentee_entries": f"{mentor_entry.person.full_name} может взять не больше {mentor_entry.capacity} "
                f"наставляемых, уже закреплено {taken}: добавить ещё {len(entries)} нельзя."
            }
        )
    mentorship = Mentorship(
        region=organization.municipality.region,
        municipality=organization.municipality,
        organization=organization,
        academic_year=academic_year,
        form=form,
        mentor=mentor_entry.person,
        mentor_entry=mentor_entry,
        source=source,
        source_ref=normalize_spaces(source_ref)[:200],
        mentees_key=key,
        created_by=actor,
        status_changed_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            mentorship.save()
    except IntegrityError as error:  # a concurrent twin won the race
        twin = Mentorship.objects.filter(mentor_entry=mentor_entry, mentees_key=key, status__in=OPEN_STATUSES).first()
        if twin is None:
            raise ValidationError("Не удалось сохранить пару: попробуйте ещё раз.") from error
        return twin
    MentorshipMentee.objects.bulk_create(
        [MentorshipMentee(mentorship=mentorship, person=e.person, mentee_entry=e) for e in entries]
    )
    if activate:
        return mentorship_activate(
            actor=actor,
            mentorship=mentorship,
            start_date=start_date or timezone.localdate(),
            order_number=order_number,
            order_date=order_date,
        )
    return mentorship


@transaction.atomic
def mentorship_activate(
    *, actor, mentorship: Mentorship, start_date: dt.date, order_number: str = "", order_date: dt.date | None = None
) -> Mentorship:
    """The order «о закреплении наставнических пар»: the pair works from `start_date`; the mentees become
    «в паре», the mentor «работает с наставляемыми» in the pools."""
    from nastavnik.pools import services as pools

    require(can_manage(actor, mentorship), NO_ACTIVATE_RIGHTS)
    _require_open(mentorship.organization, mentorship.academic_year)
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.status == MentorshipStatus.ACTIVE:
        return mentorship
    if mentorship.status != MentorshipStatus.PROPOSED:
        raise ValidationError(f"Пара уже {mentorship.get_status_display().lower()}: закрепить её снова нельзя.")
    if start_date is None:
        raise ValidationError({"start_date": "Укажите дату начала работы пары."})
    _check_in_year(start_date, mentorship.academic_year, "start_date", "Дата начала работы")
    if order_date is not None:
        _check_in_year(order_date, mentorship.academic_year, "order_date", "Дата приказа")
        if order_date > start_date + dt.timedelta(days=31):
            raise ValidationError({"order_date": "Приказ издаётся до начала работы пары (или в первый месяц)."})
    mentor_entry = mentorship.mentor_entry
    if mentor_entry.status == MentorStatus.APPROVED:
        raise ValidationError(
            f"{mentorship.mentor.full_name} ещё не прошёл обучение наставников: отметьте посещение обучения, "
            "затем закрепляйте пару."
        )
    members = list(mentorship.members.select_related("mentee_entry__person", "mentee_entry__form"))
    busy = _busy_mentees([m.mentee_entry for m in members], exclude=mentorship)
    busy = [b for b in busy if b.mentorship.status == MentorshipStatus.ACTIVE]
    if busy:
        raise ValidationError(
            f"{busy[0].person.full_name} уже в действующей паре с наставником {busy[0].mentorship.mentor.full_name}."
        )
    reason = "Приказ о закреплении наставнических пар"
    if order_number:
        reason += f" № {normalize_spaces(order_number)}"
    for member in members:
        entry = member.mentee_entry
        if entry.status != MenteeStatus.IN_MENTORSHIP:
            pools.mentee_set_status(actor=actor, entry=entry, status=MenteeStatus.IN_MENTORSHIP, reason=reason)
        member.joined_on = start_date
        member.save(update_fields=["joined_on", "updated_at"])
    if mentor_entry.status != MentorStatus.ACTIVE and pools.can_manage_pools(actor, mentor_entry.organization):
        pools.mentor_set_status(actor=actor, entry=mentor_entry, status=MentorStatus.ACTIVE, reason=reason)
    mentorship.status = MentorshipStatus.ACTIVE
    mentorship.start_date = start_date
    mentorship.order_number = normalize_spaces(order_number)[:50]
    mentorship.order_date = order_date
    mentorship.status_changed_at = timezone.now()
    mentorship.save()
    return mentorship


@transaction.atomic
def mentorship_end(
    *,
    actor,
    mentorship: Mentorship,
    reason: str,
    comment: str = "",
    end_date: dt.date | None = None,
    early: bool,
) -> Mentorship:
    """Complete the work of a pair (`early=False`) or end it early with a reason from the list (a proposed
    pair can only be ended early — it never started), at once. Mentees of a completed pair complete the
    program; after an early end they return to the base to be matched again (unless the goal was
    reached). A planned ending (the final meeting) is dropped: the pair ends now."""
    _require_manage(actor, mentorship)
    mentorship = Mentorship.objects.select_for_update().select_related("mentor_entry").get(pk=mentorship.pk)
    if mentorship.status not in OPEN_STATUSES:
        raise ValidationError(f"Пара уже {mentorship.get_status_display().lower()}.")
    if mentorship.planned_end_date:
        mentorship.planned_end_date, mentorship.planned_end_reason = None, ""
    return _finish(actor=actor, mentorship=mentorship, reason=reason, comment=comment, end_date=end_date, early=early)


def _finish(
    *, actor, mentorship: Mentorship, reason: str, comment: str = "", end_date: dt.date | None, early: bool
) -> Mentorship:
    """The ending itself (the mentorship is locked and open; rights are checked by the caller): `actor`
    moves the pool statuses, so it is a manager of the organisation."""
    from nastavnik.pools import services as pools

    if early:
        if reason not in EARLY_END_REASONS:
            raise ValidationError({"reason": "Выберите причину досрочного завершения из списка."})
        if reason == EndReason.OTHER and not normalize_spaces(comment):
            raise ValidationError({"comment": "Опишите причину завершения."})
    else:
        if mentorship.status != MentorshipStatus.ACTIVE:
            raise ValidationError("Пара ещё не закреплена приказом: её можно только отменить (досрочно, с причиной).")
        if reason not in ("", EndReason.COMPLETED):
            raise ValidationError({"reason": "Досрочное завершение отмечается с причиной из списка."})
        reason = EndReason.COMPLETED
    end_date = end_date or timezone.localdate()
    if mentorship.start_date and end_date < mentorship.start_date:
        raise ValidationError(
            {"end_date": f"Дата окончания раньше начала работы пары ({date_ru(mentorship.start_date)})."}
        )
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": "Дата окончания не может быть позже сегодняшнего дня."})
    was_active = mentorship.status == MentorshipStatus.ACTIVE
    label = EndReason(reason).label
    for member in mentorship.members.filter(left_on__isnull=True).select_related("mentee_entry__person"):
        member.left_on = end_date
        member.save(update_fields=["left_on", "updated_at"])
        entry = member.mentee_entry
        if was_active and entry.status == MenteeStatus.IN_MENTORSHIP:
            done = not early or reason == EndReason.GOAL_REACHED_EARLY
            status = MenteeStatus.COMPLETED if done else MenteeStatus.INCLUDED
            pools.mentee_set_status(actor=actor, entry=entry, status=status, reason=f"Пара завершена: {label.lower()}")
    mentor_entry = mentorship.mentor_entry
    others = (
        Mentorship.objects.filter(mentor_entry=mentor_entry, status=MentorshipStatus.ACTIVE)
        .exclude(pk=mentorship.pk)
        .exists()
    )
    if (
        was_active
        and not others
        and mentor_entry.status == MentorStatus.ACTIVE
        and pools.can_manage_pools(actor, mentor_entry.organization)
    ):
        pools.mentor_set_status(
            actor=actor, entry=mentor_entry, status=MentorStatus.TRAINED, reason=f"Пара завершена: {label.lower()}"
        )
    from .models import MeetingStatus

    Meeting.objects.filter(mentorship=mentorship, status=MeetingStatus.PLANNED, starts_at__gt=timezone.now()).update(
        status=MeetingStatus.CANCELLED, cancel_reason=f"Пара завершена: {label.lower()}", updated_at=timezone.now()
    )
    mentorship.status = MentorshipStatus.ENDED_EARLY if early else MentorshipStatus.COMPLETED
    mentorship.end_reason = reason
    mentorship.end_comment = (comment or "").strip()
    mentorship.end_date = end_date
    mentorship.status_changed_at = timezone.now()
    mentorship.save()
    return mentorship


# --- the planned ending (issue 7.5): the final meeting and the final feedback first -------------------------
PLANNED_END_REASONS = (EndReason.COMPLETED, EndReason.GOAL_REACHED_EARLY, EndReason.OWN_WISH)
FINAL_TOPIC = "Итоговая встреча: подводим итоги"


def _org_manager_user(organization: Organization):
    """A curator (or else the director) of the organisation with an account: on whose authority the pair
    planned by the curator completes when the mentee confirms the final meeting."""
    from nastavnik.people.models import Role, RoleKind

    roles = (
        Role.objects.filter(
            organization=organization, kind__in=[RoleKind.CURATOR, RoleKind.DIRECTOR], person__user__is_active=True
        )
        .select_related("person__user")
        .order_by("pk")
    )
    ordered = sorted(roles, key=lambda r: r.kind != RoleKind.CURATOR)
    for role in ordered:
        if can_manage_org(role.person.user, organization):
            return role.person.user
    return None


@transaction.atomic
def mentorship_plan_end(
    *,
    actor,
    mentorship: Mentorship,
    reason: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    format: str,
    place: str = "",
    link: str = "",
    topic: str = FINAL_TOPIC,
    now: dt.datetime | None = None,
) -> Meeting:
    """The curator plans the ending of an active pair: the reason from the list and the final meeting
    (kind «итоговая», the meeting rules apply: not in the past, in the academic year, …). The pair stays
    active until the final meeting is confirmed as held (or the curator completes it at once); the
    mentor, the mentees and the guardians of minors are asked for the final feedback. The same plan
    submitted twice is one plan."""
    from .models import MeetingKind, MeetingStatus

    _require_manage(actor, mentorship)
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.status == MentorshipStatus.PROPOSED:
        raise ValidationError("Пара ещё не закреплена приказом: её можно только отменить.")
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError(f"Пара уже {mentorship.get_status_display().lower()}: планировать завершение нечего.")
    if reason not in PLANNED_END_REASONS:
        raise ValidationError({"reason": "Выберите причину завершения из списка."})
    if mentorship.planned_end_date:
        same = Meeting.objects.filter(
            mentorship=mentorship, kind=MeetingKind.FINAL, starts_at=starts_at, status=MeetingStatus.PLANNED
        ).first()
        if same is not None and mentorship.planned_end_reason == reason:
            return same  # the same form sent twice
        raise ValidationError(
            f"Завершение уже запланировано на {date_ru(mentorship.planned_end_date)}: "
            "чтобы изменить его, сначала отмените запланированное завершение."
        )
    meeting = meeting_schedule(
        actor=actor, mentorship=mentorship, kind=MeetingKind.FINAL, starts_at=starts_at, ends_at=ends_at,
        format=format, topic=topic or FINAL_TOPIC, place=place, link=link, now=now,
    )  # fmt: skip
    if meeting.kind != MeetingKind.FINAL:
        raise ValidationError({"date": "На это время у пары уже назначена другая встреча: выберите другое время."})
    mentorship.planned_end_date = timezone.localtime(meeting.starts_at).date()
    mentorship.planned_end_reason = reason
    mentorship.save(update_fields=["planned_end_date", "planned_end_reason", "updated_at"])
    from nastavnik.feedback.services import final_feedback_ask

    final_feedback_ask(mentorship=mentorship, meeting=meeting)
    return meeting


@transaction.atomic
def mentorship_cancel_planned_end(*, actor, mentorship: Mentorship) -> Mentorship:
    """The curator cancels the planned ending: the final meeting (if it is still ahead) is cancelled, the
    pair goes on. The final feedback already given stays."""
    from .models import MeetingKind, MeetingStatus

    _require_manage(actor, mentorship)
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError(f"Пара уже {mentorship.get_status_display().lower()}: отменять нечего.")
    if not mentorship.planned_end_date:
        return mentorship  # cancelled already (a double click)
    Meeting.objects.filter(
        mentorship=mentorship, kind=MeetingKind.FINAL, status=MeetingStatus.PLANNED, starts_at__gt=timezone.now()
    ).update(status=MeetingStatus.CANCELLED, cancel_reason="Завершение пары отменено", updated_at=timezone.now())
    mentorship.planned_end_date, mentorship.planned_end_reason = None, ""
    mentorship.save(update_fields=["planned_end_date", "planned_end_reason", "updated_at"])
    return mentorship


def _complete_planned(*, actor, mentorship: Mentorship, end_date: dt.date) -> Mentorship:
    reason = mentorship.planned_end_reason or EndReason.COMPLETED
    return _finish(
        actor=actor, mentorship=mentorship, reason=reason, end_date=end_date, early=reason != EndReason.COMPLETED
    )


@transaction.atomic
def mentorship_complete_planned(*, actor, mentorship: Mentorship, end_date: dt.date | None = None) -> Mentorship:
    """«Завершить сейчас»: the curator completes a pair whose ending is planned, with the planned reason,
    today or on `end_date` (not in the future; the final meeting need not have taken place)."""
    _require_manage(actor, mentorship)
    mentorship = Mentorship.objects.select_for_update().select_related("mentor_entry").get(pk=mentorship.pk)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError(f"Пара уже {mentorship.get_status_display().lower()}.")
    if not mentorship.planned_end_date:
        raise ValidationError("Завершение пары не запланировано: выберите причину и завершите пару в форме ниже.")
    return _complete_planned(actor=actor, mentorship=mentorship, end_date=end_date or timezone.localdate())


# --- meetings (seed 000, stage 6.1–6.7) ---------------------------------------------------------------------
NO_WORK_RIGHTS = "Встречи, план и журнал пары ведут её наставник и куратор организации."


def _person_of(user):
    return getattr(user, "person", None) if hasattr(user, "person") else None


def is_mentor_of(user, mentorship: Mentorship) -> bool:
    person = _person_of(user)
    return person is not None and person.pk == mentorship.mentor_id


def can_work(user, mentorship: Mentorship) -> bool:
    """Schedule meetings, draft the plan, keep the journal: the pair's mentor, the curator, the director."""
    return is_mentor_of(user, mentorship) or can_manage(user, mentorship)


def _require_work(actor, mentorship: Mentorship, *, active: bool = True) -> None:
    require(can_work(actor, mentorship), NO_WORK_RIGHTS)
    _require_open(mentorship.organization, mentorship.academic_year)
    if active and mentorship.status != MentorshipStatus.ACTIVE:
        if mentorship.status == MentorshipStatus.PROPOSED:
            raise ValidationError("Пара ещё не закреплена приказом: встречи, план и журнал — после закрепления.")
        raise ValidationError(f"Пара {mentorship.get_status_display().lower()}: изменить её записи нельзя.")


def active_member_ids(mentorship: Mentorship) -> set[int]:
    return set(mentorship.members.filter(left_on__isnull=True).values_list("person_id", flat=True))


@transaction.atomic
def meeting_schedule(
    *,
    actor,
    mentorship: Mentorship,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    format: str,
    topic: str,
    place: str = "",
    link: str = "",
    now: dt.datetime | None = None,
) -> Meeting:
    """The mentor schedules a meeting of the pair (not in the past; the end after the start). The same
    meeting submitted twice (same pair and start) is the same meeting."""
    from .models import Meeting, MeetingKind, MeetingStatus, WorkFormat

    _require_work(actor, mentorship)
    now = now or timezone.now()
    errors = {}
    if kind not in MeetingKind.values:
        errors["kind"] = "Выберите вид встречи."
    if format not in WorkFormat.values:
        errors["format"] = "Выберите формат: очно или дистанционно."
    topic, place, link = normalize_spaces(topic), normalize_spaces(place), (link or "").strip()
    if not topic:
        errors["topic"] = "Укажите тему встречи."
    if starts_at is None or ends_at is None:
        errors["date"] = "Укажите дату и время встречи."
    elif starts_at <= now:
        errors["date"] = "Встречу нельзя назначить на прошедшее время."
    elif ends_at <= starts_at:
        errors["end_time"] = "Окончание встречи должно быть позже начала."
    elif ends_at - starts_at > dt.timedelta(hours=12):
        errors["end_time"] = "Встреча длится не больше 12 часов."
    elif not mentorship.academic_year.contains(timezone.localtime(starts_at).date()):
        errors["date"] = "Встреча должна быть в пределах учебного года."
    if format == WorkFormat.IN_PERSON and not place:
        errors["place"] = "Укажите место очной встречи."
    if format == WorkFormat.REMOTE and not (link or place):
        errors["link"] = "Укажите ссылку на дистанционную встречу (или где она пройдёт)."
    if errors:
        raise ValidationError(errors)
    existing = (
        Meeting.objects.filter(mentorship=mentorship, starts_at=starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .first()
    )
    if existing is not None:
        return existing
    return Meeting.objects.create(
        mentorship=mentorship,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        format=format,
        place=place[:300],
        link=link[:500],
        topic=topic[:300],
        created_by=actor,
    )


@transaction.atomic
def meeting_cancel(*, actor, meeting, reason: str):
    from .models import MeetingStatus

    _require_work(actor, meeting.mentorship)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(f"Встреча {meeting.get_status_display().lower()}: отменить её нельзя.")
    reason = normalize_spaces(reason)
    if not reason:
        raise ValidationError({"reason": "Укажите причину отмены."})
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason[:300]
    meeting.save()
    return meeting


@transaction.atomic
def meeting_confirm(*, actor, meeting, now: dt.datetime | None = None):
    """A mentee of the pair confirms that the meeting took place: once per mentee (a second time changes
    nothing); the meeting becomes «состоялась» and the journal entry made from it is signed."""
    from .models import JournalEntry, JournalSignature, MeetingConfirmation, MeetingKind, MeetingStatus

    person = _person_of(actor)
    mentorship = meeting.mentorship
    members = active_member_ids(mentorship)
    if meeting.kind == MeetingKind.FINAL and not mentorship.is_open:
        # the pair was completed when the first mentee confirmed the final meeting: the others still may
        members = set(mentorship.members.values_list("person_id", flat=True))
    if person is None or person.pk not in members:
        raise PermissionDenied("Подтверждает встречу наставляемый этой пары.")
    _require_open(mentorship.organization, mentorship.academic_year)
    now = now or timezone.now()
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("Встреча отменена: подтверждать нечего.")
    if meeting.starts_at > now:
        raise ValidationError("Встреча ещё не началась: подтвердить её можно после того, как она пройдёт.")
    confirmation, _created = MeetingConfirmation.objects.get_or_create(
        meeting=meeting, person=person, defaults={"user": actor}
    )
    if meeting.status != MeetingStatus.HELD:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status", "updated_at"])
    entry = JournalEntry.objects.filter(meeting=meeting).first()
    if entry is not None:
        JournalSignature.objects.get_or_create(entry=entry, person=person, defaults={"user": actor, "signed_at": now})
    if meeting.kind == MeetingKind.FINAL and mentorship.status == MentorshipStatus.ACTIVE:
        _complete_after_final_meeting(mentorship, now=now)
    return confirmation


def _complete_after_final_meeting(mentorship: Mentorship, *, now: dt.datetime) -> None:
    """The final meeting of a planned ending took place: the pair is completed with the planned reason,
    on the curator's authority (the curator planned it). Without a curator account it waits for the
    curator's «Завершить сейчас»."""
    locked = Mentorship.objects.select_for_update().select_related("mentor_entry").get(pk=mentorship.pk)
    if locked.status != MentorshipStatus.ACTIVE or not locked.planned_end_date:
        return
    manager = _org_manager_user(locked.organization)
    if manager is None:
        return
    end_date = min(timezone.localdate(now), timezone.localdate())
    if locked.start_date and end_date < locked.start_date:
        return
    _complete_planned(actor=manager, mentorship=locked, end_date=end_date)
    mentorship.status = locked.status


# --- the personal calendar feed -----------------------------------------------------------------------------
def calendar_feed_for(person):
    """The person's secret feed address (made on first use)."""
    import secrets

    from .models import CalendarFeed

    feed = CalendarFeed.objects.filter(person=person).first()
    if feed is None:
        feed, _created = CalendarFeed.objects.get_or_create(
            person=person, defaults={"token": secrets.token_urlsafe(32)}
        )
    return feed


@transaction.atomic
def calendar_feed_reset(*, actor):
    """A new secret address: the old one stops working (if it was shared by mistake)."""
    import secrets

    person = _person_of(actor)
    if person is None:
        raise PermissionDenied("Календарь встреч есть у участников с карточкой.")
    feed = calendar_feed_for(person)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token", "updated_at"])
    return feed


# --- the individual plan (seed 002, form № 1) ---------------------------------------------------------------
NO_APPROVE_RIGHTS = "Индивидуальный план утверждают куратор и руководитель организации."
APPROVED_PLAN = "План утверждён: изменить его можно только новой версией («Изменить план») — её снова утвердит куратор."
PLAN_CONFLICT = (
    "Пока вы редактировали, план изменил кто-то другой ({who}, {when}). Ваши изменения не сохранены: "
    "обновите страницу, посмотрите новую версию и внесите их ещё раз."
)


class PlanConflict(ValidationError):
    """The optimistic lock of a plan failed: someone saved it in the meantime."""


def _lock(plan, lock_version, actor) -> None:
    """Take the plan's optimistic lock: the version the form was opened with must still be current."""
    from django.db.models import F

    from .models import IndividualPlan

    try:
        expected = int(lock_version)
    except (TypeError, ValueError):
        expected = -1
    updated = IndividualPlan.objects.filter(pk=plan.pk, lock_version=expected).update(
        lock_version=F("lock_version") + 1, edited_by=actor, updated_at=timezone.now()
    )
    if not updated:
        fresh = IndividualPlan.objects.select_related("edited_by").get(pk=plan.pk)
        editor = fresh.edited_by
        person = _person_of(editor) if editor else None
        who = person.full_name if person else (editor.get_username() if editor else "другой пользователь")
        when = timezone.localtime(fresh.updated_at).strftime("%d.%m.%Y %H:%M")
        raise PlanConflict(PLAN_CONFLICT.format(who=who, when=when))
    plan.lock_version = expected + 1


def _require_draft(plan) -> None:
    from .models import PlanStatus

    if plan.status == PlanStatus.APPROVED:
        raise ValidationError(APPROVED_PLAN)
    if plan.status == PlanStatus.SUPERSEDED:
        raise ValidationError("Это прежняя версия плана: она не меняется.")
    if plan.status == PlanStatus.SUBMITTED:
        raise ValidationError(
            "План на утверждении у куратора: изменить его можно, когда куратор вернёт его на доработку."
        )


@transaction.atomic
def plan_start(*, actor, mentorship: Mentorship):
    """The first draft of the plan, or — when a version is approved — the next version, a draft copying
    its items, which needs approval again. A draft that exists already is returned (no duplicates)."""
    from .models import IndividualPlan, PlanItem, PlanStatus

    _require_work(actor, mentorship)
    Mentorship.objects.select_for_update().filter(pk=mentorship.pk).first()
    plans = list(IndividualPlan.objects.filter(mentorship=mentorship).order_by("-number"))
    pending = next((p for p in plans if p.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED)), None)
    if pending is not None:
        return pending
    approved = next((p for p in plans if p.status == PlanStatus.APPROVED), None)
    plan = IndividualPlan.objects.create(
        mentorship=mentorship,
        number=(plans[0].number + 1) if plans else 1,
        previous=approved,
        goal=approved.goal if approved else "",
        created_by=actor,
    )
    if approved is not None:
        PlanItem.objects.bulk_create(
            [
                PlanItem(
                    plan=plan, position=i.position, competency=i.competency, activity=i.activity,
                    deadline=i.deadline, format=i.format, expected_result=i.expected_result,
                    achieved_result=i.achieved_result, status=i.status, progress=i.progress, source_item=i,
                )
                for i in approved.items.order_by("position", "id")
            ]
        )  # fmt: skip
    return plan


@transaction.atomic
def plan_save_goal(*, actor, plan, goal: str, lock_version):
    _require_work(actor, plan.mentorship)
    _require_draft(plan)
    _lock(plan, lock_version, actor)
    plan.goal = (goal or "").strip()
    plan.save(update_fields=["goal", "updated_at"])
    return plan


def _clean_item(*, competency, activity, deadline, format, expected_result, academic_year) -> dict:
    from .models import WorkFormat

    data = {
        "competency": (competency or "").strip(),
        "activity": (activity or "").strip(),
        "deadline": deadline,
        "format": format,
        "expected_result": (expected_result or "").strip(),
    }
    errors = {}
    if not data["competency"]:
        errors["competency"] = "Укажите, какие компетенции развиваем."
    if not data["activity"]:
        errors["activity"] = "Опишите содержание деятельности."
    if deadline is None:
        errors["deadline"] = "Укажите срок."
    elif not academic_year.contains(deadline):
        errors["deadline"] = (
            f"Срок — в пределах учебного года: с {date_ru(academic_year.start_date)} "
            f"по {date_ru(academic_year.end_date)}."
        )
    if format not in WorkFormat.values:
        errors["format"] = "Выберите формат: очный или дистанционный."
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def plan_item_add(
    *, actor, plan, competency: str, activity: str, deadline, format: str, expected_result: str = "", lock_version
):
    from .models import PlanItem

    _require_work(actor, plan.mentorship)
    _require_draft(plan)
    data = _clean_item(
        competency=competency, activity=activity, deadline=deadline, format=format,
        expected_result=expected_result, academic_year=plan.mentorship.academic_year,
    )  # fmt: skip
    _lock(plan, lock_version, actor)
    last = plan.items.order_by("-position").values_list("position", flat=True).first() or 0
    return PlanItem.objects.create(plan=plan, position=last + 1, **data)


@transaction.atomic
def plan_item_update(
    *, actor, item, competency: str, activity: str, deadline, format: str, expected_result: str = "", lock_version
):
    plan = item.plan
    _require_work(actor, plan.mentorship)
    _require_draft(plan)
    data = _clean_item(
        competency=competency, activity=activity, deadline=deadline, format=format,
        expected_result=expected_result, academic_year=plan.mentorship.academic_year,
    )  # fmt: skip
    _lock(plan, lock_version, actor)
    for name, value in data.items():
        setattr(item, name, value)
    item.save()
    return item


@transaction.atomic
def plan_item_delete(*, actor, item, lock_version) -> None:
    plan = item.plan
    _require_work(actor, plan.mentorship)
    _require_draft(plan)
    _lock(plan, lock_version, actor)
    item.delete()


@transaction.atomic
def plan_item_progress(*, actor, item, status: str, progress: int, achieved_result: str = "", lock_version):
    """Progress of an item of the plan in force (approved, or still a draft): status, % and the achieved
    result. This is the work itself, not a change of the plan: no new version is needed."""
    from .models import PlanItemStatus, PlanStatus

    plan = item.plan
    _require_work(actor, plan.mentorship)
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.DRAFT):
        raise ValidationError("Ход выполнения отмечают в действующей версии плана.")
    if status not in PlanItemStatus.values:
        raise ValidationError({"status": "Выберите статус пункта."})
    try:
        progress = int(progress)
    except (TypeError, ValueError) as error:
        raise ValidationError({"progress": "Процент выполнения — число от 0 до 100."}) from error
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": "Процент выполнения — число от 0 до 100."})
    if status == PlanItemStatus.DONE:
        progress = 100
    elif progress == 100 and status != PlanItemStatus.CANCELLED:
        status = PlanItemStatus.DONE
    elif progress > 0 and status == PlanItemStatus.PLANNED:
        status = PlanItemStatus.IN_PROGRESS
    _lock(plan, lock_version, actor)
    item.status, item.progress = status, progress
    item.achieved_result = (achieved_result or "").strip()
    item.save()
    return item


@transaction.atomic
def plan_submit(*, actor, plan, lock_version):
    from .models import PlanStatus

    _require_work(actor, plan.mentorship)
    if plan.status == PlanStatus.SUBMITTED:
        return plan
    _require_draft(plan)
    if not plan.items.exists():
        raise ValidationError("В плане нет ни одного пункта: добавьте мероприятия, затем отправляйте на утверждение.")
    _lock(plan, lock_version, actor)
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    return plan


@transaction.atomic
def plan_return(*, actor, plan, comment: str, lock_version):
    """The curator returns a submitted plan to the mentor for changes, with a comment."""
    from .models import PlanStatus

    require(can_manage(actor, plan.mentorship), NO_APPROVE_RIGHTS)
    _require_open(plan.mentorship.organization, plan.mentorship.academic_year)
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError("Вернуть на доработку можно план, отправленный на утверждение.")
    if not normalize_spaces(comment):
        raise ValidationError({"text": "Напишите, что доработать."})
    _lock(plan, lock_version, actor)
    plan.status = PlanStatus.DRAFT
    plan.save(update_fields=["status", "updated_at"])
    plan_comment(actor=actor, plan=plan, text=f"Возвращён на доработку: {normalize_spaces(comment)}")
    return plan


@transaction.atomic
def plan_approve(*, actor, plan, lock_version):
    """The curator (or director) approves a version; the previous approved one is superseded, and the
    progress marked on it meanwhile carries over to the items copied from it."""
    from .models import IndividualPlan, PlanStatus

    mentorship = plan.mentorship
    require(can_manage(actor, mentorship), NO_APPROVE_RIGHTS)
    _require_open(mentorship.organization, mentorship.academic_year)
    if plan.status == PlanStatus.APPROVED:
        return plan
    if plan.status not in (PlanStatus.SUBMITTED, PlanStatus.DRAFT):
        raise ValidationError("Эта версия плана заменена новой: утвердить её нельзя.")
    if not plan.items.exists():
        raise ValidationError("В плане нет ни одного пункта.")
    _lock(plan, lock_version, actor)
    for item in plan.items.select_related("source_item"):
        source = item.source_item
        if source is not None:
            item.status, item.progress, item.achieved_result = source.status, source.progress, source.achieved_result
            item.save(update_fields=["status", "progress", "achieved_result", "updated_at"])
    IndividualPlan.objects.filter(mentorship=mentorship, status=PlanStatus.APPROVED).exclude(pk=plan.pk).update(
        status=PlanStatus.SUPERSEDED, updated_at=timezone.now()
    )
    plan.status = PlanStatus.APPROVED
    plan.approved_at = timezone.now()
    plan.approved_by = actor
    plan.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    return plan


def can_comment(user, mentorship: Mentorship) -> bool:
    from nastavnik.people.models import GuardianLink

    if can_work(user, mentorship):
        return True
    person = _person_of(user)
    if person is None:
        return False
    members = (
        active_member_ids(mentorship)
        if mentorship.is_open
        else set(mentorship.members.values_list("person_id", flat=True))
    )
    if person.pk in members:
        return True
    return GuardianLink.objects.filter(guardian=person, child_id__in=members).exists()


@transaction.atomic
def plan_comment(*, actor, plan, text: str):
    """The mentee, the guardian, the mentor or the curator comments on a version of the plan. The same
    text by the same author a second time (a double click) is not added again."""
    from .models import PlanComment

    mentorship = plan.mentorship
    require(can_comment(actor, mentorship), "Комментируют план участники пары, их законные представители и куратор.")
    _require_open(mentorship.organization, mentorship.academic_year)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Напишите комментарий."})
    existing = PlanComment.objects.filter(plan=plan, user=actor, text=text).first()
    if existing is not None:
        return existing
    person = _person_of(actor)
    return PlanComment.objects.create(
        plan=plan, author=person, author_name=person.full_name if person else actor.get_username(), user=actor,
        text=text[:2000],
    )  # fmt: skip


# --- the mentor's journal (seed 002, form № 2) --------------------------------------------------------------
def _clean_journal(mentorship, *, date, format, participation, activity, topic, content, result) -> dict:
    from .models import Activity, Participation, WorkFormat

    data = {
        "date": date,
        "format": format,
        "participation": participation,
        "activity": activity,
        "topic": normalize_spaces(topic)[:300],
        "content": (content or "").strip(),
        "result": (result or "").strip(),
    }
    errors = {}
    if date is None:
        errors["date"] = "Укажите дату встречи."
    elif date > timezone.localdate():
        errors["date"] = "В журнал записывают прошедшие встречи: дата не может быть позже сегодняшней."
    elif mentorship.start_date and date < mentorship.start_date:
        errors["date"] = f"Пара работает с {date_ru(mentorship.start_date)}: запись не может быть раньше."
    if format not in WorkFormat.values:
        errors["format"] = "Выберите формат."
    if participation not in Participation.values:
        errors["participation"] = "Выберите форму встречи."
    if activity not in Activity.values:
        errors["activity"] = "Выберите вид работы."
    if not data["topic"]:
        errors["topic"] = "Укажите цель (тему) встречи."
    if not data["content"]:
        errors["content"] = "Опишите содержание встречи."
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def journal_add(
    *, actor, mentorship: Mentorship, date, format: str, participation: str, activity: str, topic: str,
    content: str, result: str = "",
):  # fmt: skip
    from .models import JournalEntry

    _require_work(actor, mentorship)
    data = _clean_journal(
        mentorship, date=date, format=format, participation=participation, activity=activity, topic=topic,
        content=content, result=result,
    )  # fmt: skip
    existing = JournalEntry.objects.filter(
        mentorship=mentorship, date=data["date"], topic=data["topic"], content=data["content"]
    ).first()
    if existing is not None:
        return existing
    return JournalEntry.objects.create(mentorship=mentorship, created_by=actor, **data)


@transaction.atomic
def journal_from_meeting(*, actor, meeting):
    """«Создать запись из встречи»: a journal entry pre-filled from a meeting that took place; the mentees'
    confirmations of the meeting are its signatures. Once per meeting."""
    from .models import Activity, JournalEntry, JournalSignature, MeetingStatus, Participation

    mentorship = meeting.mentorship
    _require_work(actor, mentorship)
    existing = JournalEntry.objects.filter(meeting=meeting).first()
    if existing is not None:
        return existing
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("Встреча отменена: в журнал её не записывают.")
    if meeting.starts_at > timezone.now():
        raise ValidationError("Встреча ещё не прошла: запись в журнал — после неё.")
    group = mentorship.members.filter(left_on__isnull=True).count() > 1
    entry = JournalEntry.objects.create(
        mentorship=mentorship,
        meeting=meeting,
        date=timezone.localtime(meeting.starts_at).date(),
        format=meeting.format,
        participation=Participation.GROUP if group else Participation.INDIVIDUAL,
        activity=Activity.DIALOGUE,
        topic=meeting.topic,
        content=f"{meeting.get_kind_display()} встреча: {meeting.topic}.",
        created_by=actor,
    )
    JournalSignature.objects.bulk_create(
        [
            JournalSignature(entry=entry, person_id=c.person_id, user_id=c.user_id, signed_at=c.created_at)
            for c in meeting.confirmations.all()
        ]
    )
    return entry


@transaction.atomic
def journal_update(
    *, actor, entry, date, format: str, participation: str, activity: str, topic: str, content: str, result: str = ""
):
    """Change an entry; if the mentees had signed it, the signatures are withdrawn (they sign the new text)."""
    mentorship = entry.mentorship
    _require_work(actor, mentorship)
    data = _clean_journal(
        mentorship, date=date, format=format, participation=participation, activity=activity, topic=topic,
        content=content, result=result,
    )  # fmt: skip
    changed = any(getattr(entry, k) != v for k, v in data.items())
    if not changed:
        return entry
    for name, value in data.items():
        setattr(entry, name, value)
    entry.save()
    entry.signatures.all().delete()
    return entry


@transaction.atomic
def journal_sign(*, actor, entry):
    """«Подпись»: a mentee of the pair confirms the journal entry (who, when). Twice — one signature."""
    from .models import JournalSignature

    person = _person_of(actor)
    mentorship = entry.mentorship
    if person is None or person.pk not in set(mentorship.members.values_list("person_id", flat=True)):
        raise PermissionDenied("Подписывает запись наставляемый этой пары.")
    _require_open(mentorship.organization, mentorship.academic_year)
    signature, _created = JournalSignature.objects.get_or_create(
        entry=entry, person=person, defaults={"user": actor, "signed_at": timezone.now()}
    )
    return signature
