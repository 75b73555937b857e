"""The demo's long-term and regional mentor base (seed 000 item 7.8, seed 004), built through the mentorbase
services after the other builders: the base is refreshed for every organisation of the region from the
completed pairs and the pools' «долгосрочная база» marks; the college's and the gymnasium's curators let
two of their mentors each help other organisations (with their consent to be shown); the school, which
lacks a teacher for «Учитель – ученик», asks the gymnasium for one of its teachers (accepted by the
gymnasium's curator, then put into the school's own base of mentors) and for the other one (waiting for an
answer). The same on every run; calling it again changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.mentorbase import services
from nastavnik.mentorbase.models import BaseMentor, BaseStatus, MentorRequest
from nastavnik.mentorbase.selectors import adults_q
from nastavnik.orgs.models import Organization, Region
from nastavnik.people.models import Category, Person, RoleKind
from nastavnik.pools.models import MentorEntry, MentorStatus

from .roles import user_with_role

SHOWN_NOTE = "Готов(а) помочь школам округа: встречи по вторникам и четвергам после 15:00, можно дистанционно."
REQUESTS = (
    # (what is needed, accept?)
    (
        "Наставник для обучающихся 9 класса: подготовка к ОГЭ по математике, занятия раз в неделю после уроков, "
        "можно дистанционно.",
        True,
    ),
    ("Помощь в подготовке команды школы к региональному конкурсу проектов во втором полугодии.", False),
)


def _curator_user(organization: Organization, admin):
    return user_with_role(organization, RoleKind.CURATOR, admin)


def _adult_people(college: Organization):
    from nastavnik.core.text import years_before

    adult_born = years_before(timezone.localdate(), 18)
    return (
        Person.objects.filter(organization=college)
        .exclude(category=Category.PUPIL)
        .exclude(birth_date__gt=adult_born)
        .values("pk")
    )


def _form_for(mentor: BaseMentor, organization: Organization):
    """A form of the asking organisation's program in which the mentor's category may mentor."""
    from nastavnik.orgs.services import academic_year_current
    from nastavnik.programs.selectors import enabled_forms

    forms = enabled_forms(organization=organization, academic_year=academic_year_current()).order_by("sort_order")
    for form in forms:
        if not form.mentor_categories or mentor.person.category in form.mentor_categories:
            return form
    return None


def _lent_mentors(college: Organization, admin, *, category: str | None = None) -> list[BaseMentor]:
    """Two adult mentors of the organisation's base (never a minor; of `category` if given); trained
    mentors of the pool are added by hand when it has too few completed pairs yet."""
    mentors = list(
        BaseMentor.objects.filter(adults_q(), organization=college, status=BaseStatus.ACTIVE)
        .filter(**({"person__category": category} if category else {}))
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")[:2]
    )
    if len(mentors) >= 2:
        return mentors
    from nastavnik.consents.selectors import valid_consent_q

    taken = {m.person_id for m in mentors}
    candidates = (
        Person.objects.filter(valid_consent_q(), organization=college)
        .filter(pk__in=_adult_people(college))
        .filter(**({"category": category} if category else {}))
        .filter(
            pk__in=MentorEntry.objects.filter(
                organization=college,
                status__in=(MentorStatus.TRAINED, MentorStatus.ACTIVE, MentorStatus.LONG_TERM),
            ).values("person_id")
        )
        .exclude(pk__in=taken)
        .order_by("last_name", "first_name", "pk")
    )
    curator = _curator_user(college, admin)
    for person in candidates[: 2 - len(mentors)]:
        existing = BaseMentor.objects.filter(person=person).first()
        if existing is not None and existing.status == BaseStatus.ACTIVE:
            mentors.append(existing)
            continue
        mentors.append(
            services.base_add(
                actor=curator,
                organization=college,
                person=person,
                reason="Опытный наставник колледжа, рекомендован методическим советом",
            )
        )
    return mentors


def _show(mentors, curator) -> None:
    for mentor in mentors:
        if not mentor.is_shown_elsewhere:
            services.base_update(
                actor=curator, mentor=mentor, note=mentor.note or SHOWN_NOTE, available_elsewhere=True,
                consent_confirmed=True,
            )  # fmt: skip


def build_mentorbase(region: Region, *, admin, today: dt.date | None = None) -> dict[str, int]:
    """{"base": mentors in the region's base, "shown": shown to other organisations, "requests": requests}."""
    today = min(today or timezone.localdate(), timezone.localdate())
    services.base_refresh(actor=None, region=region)
    organizations = Organization.objects.filter(municipality__region=region).order_by("pk")
    college = organizations.filter(kind="college").first()
    gymnasium = organizations.filter(kind="gymnasium").first()
    school = organizations.filter(kind="school").first()
    if college is not None:
        _show(_lent_mentors(college, admin), _curator_user(college, admin))
    if gymnasium is not None:
        lender_curator = _curator_user(gymnasium, admin)
        mentors = _lent_mentors(gymnasium, admin, category=Category.STAFF)
        _show(mentors, lender_curator)
        if school is not None:
            school_curator = _curator_user(school, admin)
            for mentor, (need, accept) in zip(mentors, REQUESTS, strict=False):
                mentor.refresh_from_db()
                form = _form_for(mentor, school)
                if form is None or MentorRequest.objects.filter(mentor=mentor, from_organization=school).exists():
                    continue
                request = services.request_send(
                    actor=school_curator, mentor=mentor, from_organization=school, form=form, need=need,
                    period_start=today, period_end=max(today, dt.date(today.year + (today.month >= 6), 5, 31)),
                    comment="Своих наставников с таким опытом в школе нет.", today=today,
                )  # fmt: skip
                if accept:
                    request = services.request_decide(
                        actor=lender_curator, request=request, accept=True,
                        comment="Согласовано с наставником: первая встреча — в ближайший вторник.",
                    )  # fmt: skip
                    services.request_to_pool(actor=school_curator, request=request, today=today)
    base = BaseMentor.objects.filter(region=region, status=BaseStatus.ACTIVE)
    return {
        "base": base.count(),
        "shown": sum(1 for m in base if m.is_shown_elsewhere),
        "requests": MentorRequest.objects.filter(region=region).count(),
    }
