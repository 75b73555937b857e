"""URL cases of the events app (events, awards, the case library, news, public pages)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.events import services as event_services
from nastavnik.events.models import (
    Award,
    CaseMaterial,
    Event,
    EventMaterial,
    EventRegistration,
    PracticeCase,
    Publication,
    PublicationConsent,
)
from nastavnik.orgs.services import academic_year_current
from nastavnik.programs.models import MentoringForm

from .base import Case
from .pools import _mentor


def _year(cast) -> int:
    return academic_year_current().start_year


def _event(cast) -> Event:
    event = Event.objects.filter(organization=cast.school_a).first()
    return event or event_services.event_save(
        actor=cast.user("admin"),
        organization=cast.school_a,
        kind="info",
        title="Информационная встреча о наставничестве",
        starts_at=timezone.now() + dt.timedelta(days=7),
    )


def _region_event(cast) -> Event:
    event = Event.objects.filter(region=cast.region_a, organization__isnull=True).first()
    return event or event_services.event_save(
        actor=cast.user("admin"),
        region=cast.region_a,
        kind="forum",
        title="Региональный форум наставников",
        starts_at=timezone.now() + dt.timedelta(days=30),
    )


def _registration(cast) -> EventRegistration:
    registration = EventRegistration.objects.filter(event__organization=cast.school_a).first()
    return registration or event_services.registration_add(
        actor=cast.user("admin"), event=_event(cast), person=cast.teacher_a
    )


def _material(cast) -> EventMaterial:
    event = _event(cast)
    return event.materials.first() or event_services.material_add(
        actor=cast.user("admin"), event=event, title="Презентация", url="https://example.ru/prezentatsiya"
    )


def _award(cast) -> Award:
    award = Award.objects.filter(organization=cast.school_a).first()
    if award:
        return award
    entry = _mentor(cast)
    return event_services.award_nominate(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=academic_year_current(),
        nomination="best_mentor",
        mentor=entry.person,
        justification="Три наставляемых улучшили результаты по математике.",
    )


def _case(cast) -> PracticeCase:
    case = PracticeCase.objects.filter(organization=cast.school_a).first()
    return case or event_services.case_save(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=academic_year_current(),
        title="Адаптация пятиклассников",
        form=MentoringForm.objects.get(code="pupil_pupil"),
        topic="адаптация",
        problem="Пятиклассники трудно привыкают к предметной системе.",
        actions="Старшеклассники-наставники вели встречи раз в неделю.",
        results="Тревожность снизилась у 8 из 10 пятиклассников.",
    )


def _case_material(cast) -> CaseMaterial:
    case = _case(cast)
    return case.materials.first() or event_services.case_material_add(
        actor=cast.user("admin"), case=case, title="Памятка", url="https://example.ru/pamyatka"
    )


def _consent(cast) -> PublicationConsent:
    consent = PublicationConsent.objects.filter(organization=cast.school_a).first()
    return consent or event_services.publication_consent_record(
        actor=cast.user("admin"), person=cast.pupil_a, signer_name="Иванова Ольга", given_on=timezone.localdate()
    )


def _news(cast) -> Publication:
    news = Publication.objects.filter(organization=cast.school_a).first()
    return news or event_services.publication_save(
        actor=cast.user("admin"), organization=cast.school_a, title="Итоги года", text="Прошла итоговая встреча пар."
    )


def _org(cast):
    return {"org_pk": cast.school_a.pk}


def _org_year(cast):
    return {"org_pk": cast.school_a.pk, "year": _year(cast)}


def _region(cast):
    return {"region_pk": cast.region_a.pk}


def _pk(factory):
    return lambda c: {"pk": factory(c).pk}


CASES: dict[str, Case] = {
    "events:index": Case(listing=True),
    "events:org_calendar": Case(kwargs=_org),
    "events:event_create": Case(kwargs=_org, write=True),
    "events:region_calendar": Case(kwargs=_region),
    "events:event_create_region": Case(kwargs=_region, write=True),
    "events:event_create_municipality": Case(kwargs=lambda c: {"municipality_pk": c.municipality_a.pk}, write=True),
    "events:event_detail": Case(kwargs=_pk(_event)),
    "events:event_edit": Case(kwargs=_pk(_event), write=True),
    "events:event_delete": Case(kwargs=_pk(_event), write=True),
    # Participants (and working-group members) register themselves and cancel their own registration:
    # not a write of the organisation's data, so described as reads; tests/events/test_events.py checks
    # who may register and that strangers get 404.
    "events:event_register": Case(kwargs=_pk(_event)),
    "events:registration_cancel": Case(kwargs=_pk(_registration)),
    "events:event_register_others": Case(kwargs=_pk(_event), write=True),
    "events:event_attendance": Case(kwargs=_pk(_event), write=True),
    "events:material_add": Case(kwargs=_pk(_event), write=True),
    "events:material_download": Case(kwargs=_pk(_material)),
    "events:material_delete": Case(kwargs=_pk(_material), write=True),
    # awards: the working group decides (seed 000, 7.2), so the decision is described as a read;
    # tests/events/test_awards.py checks that mentors, mentees and guardians may not decide.
    "events:awards": Case(kwargs=_org_year),
    "events:award_nominate": Case(kwargs=_org_year, write=True),
    "events:award_decide": Case(kwargs=_pk(_award)),
    "events:award_delete": Case(kwargs=_pk(_award), write=True),
    # the signed-in user's own portfolio (a redirect to it; no object of school A)
    "events:my_portfolio": Case(listing=True),
    "events:portfolio": Case(kwargs=lambda c: {"person_pk": c.teacher_a.pk}),
    # the case library
    "events:case_library": Case(listing=True),
    "events:case_create": Case(kwargs=_org, write=True),
    "events:case_detail": Case(kwargs=_pk(_case)),
    "events:case_edit": Case(kwargs=_pk(_case), write=True),
    "events:case_submit": Case(kwargs=_pk(_case), write=True),
    "events:case_moderate": Case(kwargs=_pk(_case), write=True),
    "events:case_delete": Case(kwargs=_pk(_case), write=True),
    "events:case_consent": Case(kwargs=_pk(_case), write=True),
    "events:case_material_add": Case(kwargs=_pk(_case), write=True),
    "events:case_material_download": Case(kwargs=_pk(_case_material)),
    "events:case_material_delete": Case(kwargs=_pk(_case_material), write=True),
    "events:consent_revoke": Case(kwargs=_pk(_consent), write=True),
    # public page settings and news
    "events:public_settings": Case(kwargs=_org, write=True),
    "events:news_list": Case(kwargs=_org),
    "events:news_create": Case(kwargs=_org, write=True),
    "events:news_detail": Case(kwargs=_pk(_news)),
    "events:news_edit": Case(kwargs=_pk(_news), write=True),
    "events:news_publish": Case(kwargs=_pk(_news), write=True),
    "events:news_delete": Case(kwargs=_pk(_news), write=True),
    "events:news_image_add": Case(kwargs=_pk(_news), write=True),
    "events:news_export": Case(kwargs=_pk(_news)),
    # open information, no login (tests/events/test_public.py checks what they show)
    "events:public_org": Case(kwargs=_org, public=True),
    "events:public_rss": Case(kwargs=_org, public=True),
    "events:public_region": Case(kwargs=_region, public=True),
    "events:public_case": Case(kwargs=_pk(_case), public=True),
    "events:public_news": Case(kwargs=_pk(_news), public=True),
    "events:public_file": Case(kwargs=lambda c: {"kind": "photo", "pk": 1}, public=True),
}
