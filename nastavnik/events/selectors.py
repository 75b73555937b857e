"""Reads of events, awards, cases and news, scoped by the user, and of the public pages (no user).

Who sees an event: the staff and coordinators of its owner (`Access.scoped_q`), the participants of its
organisation when it is aimed at their role, everyone of the region for a municipality- or region-level
event, and whoever is registered. Published cases are seen region-wide; drafts and cases on review by
the author, the organisation's staff and the coordinators. Public reads take no user: they return only
what an enabled `PublicPage` lets through and what is published.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from nastavnik.core.text import search_key
from nastavnik.orgs.models import Organization, Region
from nastavnik.people.access import Access, access_for
from nastavnik.people.models import Person, RoleKind

from . import services
from .models import (
    Award,
    AwardStatus,
    CaseMaterial,
    CaseStatus,
    Event,
    EventMaterial,
    EventRegistration,
    MaterialKind,
    PracticeCase,
    Publication,
    PublicationConsent,
    PublicationImage,
    PublicPage,
)

NOTHING = Q(pk__in=[])


def _region_ids(access: Access) -> set[int]:
    return set(access.region_ids) | set(access.municipality_region.values()) | set(access.org_region.values())


# --- events ----------------------------------------------------------------------------------------------
def event_visible_q(actor) -> Q:
    access = access_for(actor)
    if access.is_admin:
        return Q()
    q = access.scoped_q()
    participant_orgs = [o for o, kinds in access.org_kinds.items() if kinds - {RoleKind.DIRECTOR, RoleKind.CURATOR}]
    if participant_orgs:
        roles = Q(audience_roles="")
        for kind in access.kinds:
            roles |= Q(audience_roles__contains=f",{kind},")
        q |= Q(organization_id__in=participant_orgs) & roles
    regions = _region_ids(access)
    if regions:
        q |= Q(organization__isnull=True, region_id__in=regions)
    people = {access.person_id} if access.person_id else set()
    people |= set(access.child_ids)
    if people:
        q |= Q(pk__in=EventRegistration.objects.filter(person_id__in=people).values("event_id"))
    return q


def events_visible(actor) -> QuerySet[Event]:
    return Event.objects.filter(event_visible_q(actor)).select_related("organization", "municipality", "region")


def event_get_for(*, actor, pk: int) -> Event:
    qs = events_visible(actor).select_related("organization__municipality", "academic_year", "created_by")
    return get_object_or_404(qs.prefetch_related("audience_forms", "audience_organizations"), pk=pk)


def events_of_organization(*, actor, organization: Organization) -> QuerySet[Event]:
    """The organisation's own events and the municipality's and region's events open to it."""
    own = Q(organization=organization)
    above = Q(organization__isnull=True, region_id=organization.region_id) & (
        Q(municipality__isnull=True) | Q(municipality_id=organization.municipality_id)
    )
    return (
        events_visible(actor)
        .filter(own | above)
        .annotate(registered=Count("registrations", distinct=True))
        .order_by("starts_at", "id")
    )


def events_of_region(*, actor, region: Region) -> QuerySet[Event]:
    return (
        events_visible(actor)
        .filter(region=region)
        .annotate(registered=Count("registrations", distinct=True))
        .order_by("starts_at", "id")
    )


@dataclass(frozen=True)
class EventRights:
    manage: bool
    register_self: bool
    registered: EventRegistration | None
    register_others: bool


def event_rights(user, event: Event) -> EventRights:
    access = access_for(user)
    registered = (
        EventRegistration.objects.filter(event=event, person_id=access.person_id).first() if access.person_id else None
    )
    manage = services.can_manage_owner(user, event)
    others = manage or bool(access.managed_org_ids)
    can_self = bool(access.person_id) and event.registration_open and not event.has_started and registered is None
    return EventRights(manage=manage, register_self=can_self, registered=registered, register_others=others)


def registrations_of(event: Event) -> QuerySet[EventRegistration]:
    return event.registrations.select_related("person__organization").order_by(
        "person__last_name", "person__first_name", "id"
    )


def registration_get_for(*, actor, pk: int) -> EventRegistration:
    qs = EventRegistration.objects.filter(event__in=events_visible(actor)).select_related("event", "person")
    return get_object_or_404(qs, pk=pk)


def registration_candidates(*, actor, event: Event) -> QuerySet[Person]:
    """Whom the actor may register: people of the organisations they run that the event is for."""
    access = access_for(actor)
    if event.organization_id:
        org_ids = {event.organization_id} if services.can_manage_owner(actor, event) else set()
    else:
        audience = set(event.audience_organizations.values_list("pk", flat=True))
        if services.can_manage_owner(actor, event):
            orgs = Organization.objects.filter(municipality__region_id=event.region_id)
            if event.municipality_id:
                orgs = orgs.filter(municipality_id=event.municipality_id)
            org_ids = set(orgs.values_list("pk", flat=True))
        else:
            org_ids = set(access.managed_org_ids)
            if access.is_admin:
                org_ids = set(
                    Organization.objects.filter(municipality__region_id=event.region_id).values_list("pk", flat=True)
                )
        if audience:
            org_ids &= audience
    taken = event.registrations.values("person_id")
    return (
        Person.objects.filter(organization_id__in=org_ids)
        .exclude(pk__in=taken)
        .select_related("organization")
        .order_by("last_name", "first_name", "patronymic")
    )


def material_get_for(*, actor, pk: int) -> EventMaterial:
    return get_object_or_404(
        EventMaterial.objects.filter(event__in=events_visible(actor)).select_related("event"), pk=pk
    )


def month_grid(events, year: int, month: int) -> list[list[tuple[dt.date, bool, list]]]:
    """Weeks (Monday first) of the month: (day, in this month, events of the day)."""
    by_day: dict[dt.date, list] = {}
    for event in events:
        by_day.setdefault(event.local_start.date(), []).append(event)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[(day, day.month == month, by_day.get(day, [])) for day in week] for week in weeks]


def month_range(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


# --- awards and the portfolio ------------------------------------------------------------------------------
def awards_of(*, organization: Organization, academic_year) -> QuerySet[Award]:
    return (
        Award.objects.filter(organization=organization, academic_year=academic_year)
        .select_related("mentor", "form", "mentorship", "event", "decided_by")
        .order_by("nomination", "form__sort_order", "mentor__last_name", "id")
    )


def award_get_for(*, actor, pk: int) -> Award:
    access = access_for(actor)
    q = access.scoped_q() if not access.is_admin else Q()
    if access.person_id:
        q |= Q(mentor_id=access.person_id)
    return get_object_or_404(Award.objects.filter(q).select_related("organization", "academic_year", "mentor"), pk=pk)


def nomination_choices(*, organization: Organization, academic_year):
    """Mentors of the year's pool and the completed/active mentorships of the year."""
    from nastavnik.mentorships.models import Mentorship, MentorshipStatus
    from nastavnik.pools.models import MentorEntry

    in_pool = MentorEntry.objects.filter(organization=organization, academic_year=academic_year)
    mentors = Person.objects.filter(pk__in=in_pool.values("person_id")).order_by("last_name", "first_name")
    pairs = (
        Mentorship.objects.filter(
            organization=organization,
            academic_year=academic_year,
            status__in=[MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED],
        )
        .select_related("mentor", "form")
        .order_by("mentor__last_name", "id")
    )
    return mentors, pairs


@dataclass
class Portfolio:
    person: Person
    awards: list
    trainings: list
    mentorships: list
    events: list


def portfolio_for(*, actor, person_pk: int) -> Portfolio:
    """A mentor's portfolio over the years: awards, trainings attended, completed mentorships, events."""
    from nastavnik.mentorships.models import Mentorship, MentorshipStatus
    from nastavnik.pools.models import TrainingAttendance

    access = access_for(actor)
    person = get_object_or_404(Person.objects.filter(access.person_q()).select_related("organization"), pk=person_pk)
    awards = list(
        Award.objects.filter(mentor=person, status=AwardStatus.AWARDED)
        .select_related("form", "academic_year", "organization", "event")
        .order_by("-academic_year__start_year", "nomination")
    )
    trainings = list(
        TrainingAttendance.objects.filter(mentor__person=person, attended=True)
        .select_related("training__academic_year", "training__organization")
        .order_by("-training__date")
    )
    mentorships = list(
        Mentorship.objects.filter(mentor=person, status=MentorshipStatus.COMPLETED)
        .select_related("form", "academic_year", "organization")
        .prefetch_related("members__person")
        .order_by("-academic_year__start_year", "-end_date")
    )
    events = list(
        EventRegistration.objects.filter(person=person, attended=True)
        .select_related("event__organization")
        .order_by("-event__starts_at")
    )
    return Portfolio(person=person, awards=awards, trainings=trainings, mentorships=mentorships, events=events)


# --- cases -------------------------------------------------------------------------------------------------
def case_visible_q(actor) -> Q:
    access = access_for(actor)
    if access.is_admin:
        return Q()
    q = access.scoped_q() | Q(author_id=actor.pk)
    regions = _region_ids(access)
    if regions:
        q |= Q(status=CaseStatus.PUBLISHED, region_id__in=regions)
    return q


def case_library(
    *, actor, form_id: int | None = None, topic: str = "", org_kind: str = "", status: str = "", query: str = ""
) -> QuerySet[PracticeCase]:
    qs = PracticeCase.objects.filter(case_visible_q(actor)).select_related("organization", "form", "academic_year")
    if form_id:
        qs = qs.filter(form_id=form_id)
    if org_kind:
        qs = qs.filter(organization__kind=org_kind)
    if status:
        qs = qs.filter(status=status)
    for token in search_key(topic, query).split():
        qs = qs.filter(search_key__contains=token)
    return qs.order_by("-published_at", "-updated_at", "-id")


def case_get_for(*, actor, pk: int) -> PracticeCase:
    qs = PracticeCase.objects.filter(case_visible_q(actor)).select_related(
        "organization__municipality", "form", "academic_year", "mentorship", "author"
    )
    return get_object_or_404(qs, pk=pk)


def case_material_get_for(*, actor, pk: int) -> CaseMaterial:
    return get_object_or_404(
        CaseMaterial.objects.filter(case__in=PracticeCase.objects.filter(case_visible_q(actor))).select_related("case"),
        pk=pk,
    )


def case_prefill(mentorship) -> dict:
    """Initial text of a case from a completed mentorship: its plan items, journal and results."""
    from nastavnik.mentorships.models import PlanStatus

    plan = (
        mentorship.plans.filter(status__in=[PlanStatus.APPROVED, PlanStatus.SUPERSEDED]).order_by("-number").first()
        or mentorship.plans.order_by("-number").first()
    )
    items = list(plan.items.order_by("position", "id")) if plan else []
    journal = list(mentorship.journal.order_by("date", "id"))
    problem = [mentorship.direction] if mentorship.direction else []
    if plan and plan.goal:
        problem.append(f"Цель: {plan.goal}")
    problem += [f"— {item.competency}" for item in items]
    actions = [f"{item.activity} ({item.get_format_display().lower()})" for item in items]
    actions += [f"{entry.date:%d.%m.%Y}: {entry.topic}" for entry in journal]
    done = sum(1 for item in items if item.status == "done")
    results = (
        [f"Выполнено пунктов плана: {done} из {len(items)}.", f"Проведено встреч: {len(journal)}."]
        if items
        else [f"Проведено встреч: {len(journal)}."]
    )
    results += [f"— {item.achieved_result}" for item in items if item.achieved_result]
    results += [f"— {entry.result}" for entry in journal if entry.result][:5]
    return {
        "title": f"«{mentorship.form.name}»: {mentorship.direction or 'опыт наставнической пары'}"[:300],
        "form": mentorship.form,
        "topic": (mentorship.direction or mentorship.form.name)[:200],
        "problem": "\n".join(problem),
        "actions": "\n".join(actions),
        "results": "\n".join(results),
    }


def completed_mentorships_for_case(*, actor, organization: Organization):
    """Completed mentorships of the organisation the actor may write a case from."""
    from nastavnik.mentorships.models import Mentorship, MentorshipStatus

    access = access_for(actor)
    qs = Mentorship.objects.filter(organization=organization, status=MentorshipStatus.COMPLETED)
    if not services.can_manage_org(actor, organization):
        qs = qs.filter(mentor_id=access.person_id or 0)
    return qs.select_related("mentor", "form", "academic_year").order_by("-end_date", "id")


def minors_of_case(case: PracticeCase):
    return services.minors_named(services._case_text(case), organization=case.organization, mentorship=case.mentorship)


def consent_get_for(*, actor, pk: int) -> PublicationConsent:
    access = access_for(actor)
    qs = PublicationConsent.objects.filter(person__in=Person.objects.filter(access.scoped_q()))
    return get_object_or_404(qs.select_related("person", "organization"), pk=pk)


# --- news ---------------------------------------------------------------------------------------------------
def publications_of(*, organization: Organization) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(organization=organization)
        .select_related("event", "case")
        .prefetch_related("images")
        .order_by("-published_at", "-created_at", "-id")
    )


def publication_get_for(*, actor, pk: int) -> Publication:
    qs = Publication.objects.filter(access_for(actor).scoped_q()).select_related("organization__municipality")
    return get_object_or_404(qs.prefetch_related("images"), pk=pk)


def publication_zip(publication: Publication) -> bytes:
    """Ready to post on the website or in VK: the text (title, rubric, text) and the pictures."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        lines = [publication.title, f"Рубрика: {publication.rubric}", "", publication.text.strip(), ""]
        captions = []
        for number, image in enumerate(publication.images.all(), start=1):
            name = image.file.name.rsplit("/", 1)[-1]
            extension = name.rsplit(".", 1)[-1].lower() if "." in name else "jpg"
            filename = f"{number:02d}.{extension}"
            with image.file.open("rb") as source:
                archive.writestr(f"images/{filename}", source.read())
            captions.append(f"{filename}: {image.caption}" if image.caption else filename)
        if captions:
            lines += ["Изображения:", *captions]
        archive.writestr("text.txt", "\n".join(lines).encode("utf-8"))
    return buffer.getvalue()


# --- public pages (no login) ---------------------------------------------------------------------------------
def public_page(organization_pk: int) -> PublicPage:
    page = get_object_or_404(
        PublicPage.objects.select_related("organization__municipality__region"), organization_id=organization_pk
    )
    if not page.enabled:
        raise Http404
    return page


def public_events(page: PublicPage) -> list[Event]:
    if not page.show_events:
        return []
    org = page.organization
    since = timezone.now() - dt.timedelta(days=365)
    above = (
        Q(organization__isnull=True, region_id=org.region_id)
        & (Q(municipality__isnull=True) | Q(municipality_id=org.municipality_id))
        & (Q(audience_organizations__isnull=True) | Q(audience_organizations=org))
    )
    qs = Event.objects.filter(is_public=True, starts_at__gte=since).filter(Q(organization=org) | above)
    return list(qs.distinct().order_by("-starts_at")[:30])


def public_photos(event: Event) -> list[EventMaterial]:
    return list(event.materials.filter(kind=MaterialKind.PHOTO, is_public=True))


def public_cases(*, organization: Organization | None = None, region: Region | None = None) -> QuerySet[PracticeCase]:
    qs = PracticeCase.objects.filter(status=CaseStatus.PUBLISHED).select_related("organization", "form")
    if organization is not None:
        qs = qs.filter(organization=organization)
        page = PublicPage.objects.filter(organization=organization, enabled=True, show_cases=True)
        if not page.exists():
            return qs.none()
    if region is not None:
        qs = qs.filter(region=region)
    return qs.order_by("-published_at", "-id")


def public_case(pk: int) -> PracticeCase:
    return get_object_or_404(
        PracticeCase.objects.filter(status=CaseStatus.PUBLISHED).select_related("organization", "form", "region"),
        pk=pk,
    )


def public_news(page: PublicPage) -> QuerySet[Publication]:
    if not page.show_news:
        return Publication.objects.none()
    return (
        Publication.objects.filter(organization=page.organization, is_published=True)
        .prefetch_related("images")
        .order_by("-published_at", "-id")
    )


def public_news_item(pk: int) -> Publication:
    item = get_object_or_404(
        Publication.objects.filter(is_published=True).select_related("organization").prefetch_related("images"), pk=pk
    )
    page = public_page(item.organization_id)
    if not page.show_news:
        raise Http404
    return item


def public_program(page: PublicPage):
    """The program in force: only an approved version is published."""
    from nastavnik.orgs.services import academic_year_current
    from nastavnik.programs.models import ProgramStatus
    from nastavnik.programs.selectors import current_program

    if not (page.show_program or page.show_forms):
        return None
    program = current_program(organization=page.organization, academic_year=academic_year_current())
    return program if program is not None and program.status == ProgramStatus.APPROVED else None


def public_curators(page: PublicPage) -> list[Person]:
    from nastavnik.people.models import Role

    if not page.show_curator:
        return []
    ids = Role.objects.filter(organization=page.organization, kind=RoleKind.CURATOR).values("person_id")
    return list(Person.objects.filter(pk__in=ids).order_by("last_name"))


def public_region(region_pk: int):
    region = get_object_or_404(Region, pk=region_pk)
    pages = list(
        PublicPage.objects.filter(enabled=True, organization__municipality__region=region)
        .select_related("organization__municipality")
        .order_by("organization__short_name")
    )
    cases = public_cases(region=region)
    since = timezone.now() - dt.timedelta(days=365)
    events = list(
        Event.objects.filter(region=region, organization__isnull=True, is_public=True, starts_at__gte=since).order_by(
            "-starts_at"
        )[:20]
    )
    return region, pages, cases, events


def public_file(kind: str, pk: int):
    """A file shown on a public page: a public photo of a public event of an enabled page, a picture of a
    published news item, a material of a published case."""
    if kind == "photo":
        material = get_object_or_404(
            EventMaterial.objects.select_related("event"), pk=pk, is_public=True, event__is_public=True
        )
        event = material.event
        if (
            event.organization_id
            and not PublicPage.objects.filter(
                organization_id=event.organization_id, enabled=True, show_events=True
            ).exists()
        ):
            raise Http404
        return material.file
    if kind == "news":
        image = get_object_or_404(PublicationImage.objects.select_related("publication"), pk=pk)
        public_news_item(image.publication_id)
        return image.file
    if kind == "case":
        material = get_object_or_404(CaseMaterial, pk=pk, case__status=CaseStatus.PUBLISHED)
        return material.file
    raise Http404
