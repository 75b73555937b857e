"""Pairs that go on into the next academic year (issue 10, item 8: closing the year).

Before the year is closed the curator marks the active pairs that continue: each mark is the pair's
continuation itself — a proposed mentorship of the next year (same mentor, mentees and form, source
«Продолжение с прошлого учебного года», `continued_from` the old pair), with the mentor and the mentees
put into the next year's pools. Unmarking removes that proposal. When the year is closed
(`programs.services.year_close`) `carry_over` activates every continuation from the first day of the
next year, copies the unfinished items of the plan into a new draft plan and completes the old pair
(«Программа выполнена», comment «продолжение в следующем году»: EndReason has no value of its own for it).

Every write goes through nastavnik.mentorships.services (create, activate, end, plan); the pool entries of
the next year are copies of this year's (pools.services has no «carry an entry to the next year»: the
copy here is the one place that does it). Everything is idempotent: marking, unmarking or carrying twice
creates nothing new.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from nastavnik.orgs.models import AcademicYear, Organization
from nastavnik.people.access import require
from nastavnik.pools.models import MenteeEntry, MenteeStatus, MentorEntry, MentorStatus

from . import services
from .models import (
    CLOSED_STATUSES,
    EndReason,
    IndividualPlan,
    Mentorship,
    MentorshipSource,
    MentorshipStatus,
    PlanItemStatus,
    PlanStatus,
)

CARRY_NOTE = "Продолжение пары с {year}"
END_COMMENT = "Продолжение в следующем учебном году."
NO_RIGHTS = "Продолжение пар в следующем году отмечают руководитель и куратор организации."


def next_year_of(academic_year: AcademicYear) -> AcademicYear:
    return AcademicYear.objects.get_or_create(start_year=academic_year.start_year + 1)[0]


def continuation_of(mentorship: Mentorship) -> Mentorship | None:
    return Mentorship.objects.filter(continued_from=mentorship).exclude(status=MentorshipStatus.ENDED_EARLY).first()


def _shift(value: dt.date, years: int = 1) -> dt.date:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


def _note(academic_year: AcademicYear) -> str:
    return CARRY_NOTE.format(year=str(academic_year).replace(" учебный год", "") + " учебного года")


def _next_mentor_entry(old: MentorEntry, next_year: AcademicYear) -> MentorEntry:
    entry = MentorEntry.objects.filter(person=old.person, form=old.form, academic_year=next_year).first()
    if entry is not None:
        return entry
    return MentorEntry.objects.create(
        region=old.region, municipality=old.municipality, organization=old.organization, academic_year=next_year,
        person=old.person, form=old.form, preferred_format=old.preferred_format, source=old.source,
        source_note=_note(old.academic_year), status=MentorStatus.TRAINED, status_changed_at=timezone.now(),
        status_reason=_note(old.academic_year), competencies=old.competencies, topics=old.topics,
        capacity=old.capacity, availability=old.availability, decision_date=old.decision_date,
        decided_by=old.decided_by, decision_comment=old.decision_comment, trained_at=old.trained_at,
    )  # fmt: skip


def _next_mentee_entry(old: MenteeEntry, next_year: AcademicYear) -> MenteeEntry:
    entry = MenteeEntry.objects.filter(person=old.person, form=old.form, academic_year=next_year).first()
    if entry is not None:
        return entry
    entry = MenteeEntry.objects.create(
        region=old.region, municipality=old.municipality, organization=old.organization, academic_year=next_year,
        person=old.person, form=old.form, preferred_format=old.preferred_format, source=old.source,
        source_note=_note(old.academic_year), status=MenteeStatus.INCLUDED, status_changed_at=timezone.now(),
        status_reason=_note(old.academic_year), request_text=old.request_text,
    )  # fmt: skip
    entry.categories.set(old.categories.all())
    return entry


def _require_rights(actor, organization: Organization) -> None:
    require(services.can_manage_org(actor, organization), NO_RIGHTS)


# --- marks ------------------------------------------------------------------------------------------------
@transaction.atomic
def mark_continue(*, actor, mentorship: Mentorship) -> Mentorship:
    """Mark an active pair as going on next year: its continuation, proposed, in the next year."""
    _require_rights(actor, mentorship.organization)
    services._require_open(mentorship.organization, mentorship.academic_year)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError(
            f"Продолжить в следующем году можно действующую пару; эта пара — {mentorship.get_status_display().lower()}."
        )
    existing = continuation_of(mentorship)
    if existing is not None:
        return existing
    next_year = next_year_of(mentorship.academic_year)
    members = list(mentorship.members.filter(left_on__isnull=True).select_related("mentee_entry__person"))
    if not members:
        raise ValidationError("В паре не осталось наставляемых: продолжать нечего.")
    mentor_entry = _next_mentor_entry(mentorship.mentor_entry, next_year)
    mentee_entries = [_next_mentee_entry(m.mentee_entry, next_year) for m in members]
    try:
        with transaction.atomic():
            continuation = services.mentorship_create(
                actor=actor, organization=mentorship.organization, academic_year=next_year, form=mentorship.form,
                mentor_entry=mentor_entry, mentee_entries=mentee_entries, source=MentorshipSource.CARRIED,
                source_ref=f"Пара № {mentorship.pk}, {mentorship.academic_year}",
            )  # fmt: skip
    except ValidationError as error:
        messages = [m for ms in getattr(error, "message_dict", {"": error.messages}).values() for m in ms]
        raise ValidationError(
            f"Пару наставника {mentorship.mentor.full_name} нельзя продолжить в {next_year}: " + " ".join(messages)
        ) from error
    if continuation.continued_from_id is None:
        continuation.direction = mentorship.direction
        continuation.continued_from = mentorship
        continuation.save(update_fields=["direction", "continued_from", "updated_at"])
    elif continuation.continued_from_id != mentorship.pk:
        raise ValidationError(f"Пара наставника {mentorship.mentor.full_name} в {next_year} уже есть.")
    return continuation


@transaction.atomic
def unmark_continue(*, actor, mentorship: Mentorship) -> bool:
    """Take the mark off: the proposed continuation goes (with the pool entries made only for it)."""
    _require_rights(actor, mentorship.organization)
    services._require_open(mentorship.organization, mentorship.academic_year)
    continuation = continuation_of(mentorship)
    if continuation is None:
        return False
    if continuation.status != MentorshipStatus.PROPOSED or continuation.meetings.exists():
        raise ValidationError("Продолжение пары уже работает в следующем году: снять отметку нельзя.")
    mentor_entry = continuation.mentor_entry
    mentee_entries = [m.mentee_entry for m in continuation.members.select_related("mentee_entry")]
    try:
        with transaction.atomic():
            continuation.delete()
    except ProtectedError as error:
        raise ValidationError("У продолжения пары уже есть записи: снять отметку нельзя.") from error
    note = _note(mentorship.academic_year)
    for entry in [mentor_entry, *mentee_entries]:
        if entry.source_note == note and not entry.mentorships.exists():
            try:
                with transaction.atomic():
                    entry.delete()
            except ProtectedError:
                pass
    return True


@transaction.atomic
def marks_set(
    *, actor, organization: Organization, academic_year: AcademicYear, continue_ids, candidates
) -> tuple[int, int]:
    """The checklist's bulk form: `candidates` are the pairs shown (active ones of the year), `continue_ids`
    the ticked ones. Returns (marked, unmarked) — how many changed."""
    _require_rights(actor, organization)
    wanted = {int(pk) for pk in continue_ids}
    marked = unmarked = 0
    for mentorship in candidates:
        if mentorship.organization_id != organization.pk or mentorship.academic_year_id != academic_year.pk:
            continue
        has = continuation_of(mentorship) is not None
        if mentorship.pk in wanted and not has:
            mark_continue(actor=actor, mentorship=mentorship)
            marked += 1
        elif mentorship.pk not in wanted and has:
            unmarked += int(unmark_continue(actor=actor, mentorship=mentorship))
    return marked, unmarked


# --- carrying over at closing -----------------------------------------------------------------------------
def _unfinished_items(mentorship: Mentorship):
    plan = (
        IndividualPlan.objects.filter(mentorship=mentorship, status=PlanStatus.APPROVED).order_by("-number").first()
        or IndividualPlan.objects.filter(mentorship=mentorship).order_by("-number").first()
    )
    if plan is None:
        return None, []
    items = plan.items.exclude(status__in=(PlanItemStatus.DONE, PlanItemStatus.CANCELLED)).order_by("position", "id")
    return plan, list(items)


def _copy_plan(actor, old: Mentorship, new: Mentorship) -> None:
    if new.plans.exists():
        return
    old_plan, items = _unfinished_items(old)
    if old_plan is None:
        return
    plan = services.plan_start(actor=actor, mentorship=new)
    if old_plan.goal and not plan.goal:
        plan = services.plan_save_goal(actor=actor, plan=plan, goal=old_plan.goal, lock_version=plan.lock_version)
    year = new.academic_year
    for item in items:
        deadline = item.deadline
        while deadline < year.start_date:
            deadline = _shift(deadline)
        if deadline > year.end_date:
            deadline = year.end_date
        services.plan_item_add(
            actor=actor, plan=plan, competency=item.competency, activity=item.activity, deadline=deadline,
            format=item.format, expected_result=item.expected_result, lock_version=plan.lock_version,
        )  # fmt: skip


def _end_day(academic_year: AcademicYear) -> dt.date:
    return min(timezone.localdate(), academic_year.end_date)


@transaction.atomic
def carry_over(*, actor, organization: Organization, academic_year: AcademicYear) -> list[Mentorship]:
    """Every marked pair of the year: the continuation works from the first day of the next year (with the
    unfinished plan items in a new draft plan), the old pair is completed. Returns the continuations
    activated now (none when called again)."""
    _require_rights(actor, organization)
    services._require_open(organization, academic_year)
    carried = []
    olds = Mentorship.objects.filter(
        organization=organization, academic_year=academic_year, continuations__isnull=False
    ).distinct()
    for old in olds.select_related("mentor", "organization__municipality", "academic_year"):
        new = continuation_of(old)
        if new is None:
            continue
        if new.status == MentorshipStatus.PROPOSED:
            new = services.mentorship_activate(actor=actor, mentorship=new, start_date=new.academic_year.start_date)
            carried.append(new)
        if new.status == MentorshipStatus.ACTIVE:
            _copy_plan(actor, old, new)
        if old.status not in CLOSED_STATUSES:
            if old.status == MentorshipStatus.ACTIVE:
                services.mentorship_end(
                    actor=actor, mentorship=old, reason=EndReason.COMPLETED, comment=END_COMMENT,
                    end_date=max(_end_day(academic_year), old.start_date or academic_year.start_date), early=False,
                )  # fmt: skip
            else:
                services.mentorship_end(
                    actor=actor, mentorship=old, reason=EndReason.OTHER, comment=END_COMMENT, early=True,
                    end_date=_end_day(academic_year),
                )  # fmt: skip
    return carried
