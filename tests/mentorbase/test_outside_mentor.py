"""After a request is accepted the requesting curator puts the lent mentor into their own base of mentors
(approved, source «наставник другой организации») and pairs them like any of their own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from nastavnik.mentorbase import services
from nastavnik.mentorbase.models import BaseMentor
from nastavnik.mentorships import services as mentorship_services
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import Category
from nastavnik.pools.models import MenteeEntry, MentorEntry, MentorStatus, Source
from tests.factories import PersonFactory
from tests.matching.conftest import enable_forms
from tests.pools.conftest import give_consent

pytestmark = pytest.mark.django_db


def _accepted(cast, make):
    person = make.teacher(cast.school_a, last_name="Нужнова", phone="+7 900 000-00-01")
    make.mentorship(person, ratings=(9,), topics=["Математика"], competencies="Подготовка к ОГЭ по математике")
    services.base_refresh(actor=None, organization=cast.school_a)
    mentor = services.base_update(
        actor=cast.user("curator"), mentor=BaseMentor.objects.get(person=person), available_elsewhere=True,
        consent_confirmed=True,
    )  # fmt: skip
    asking = make.curator(cast.school_a2, "curator_a2")
    today = timezone.localdate()
    request = services.request_send(
        actor=asking, mentor=mentor, from_organization=cast.school_a2, form=make.form, need="Наставник по математике",
        period_start=today, period_end=today + dt.timedelta(days=120),
    )  # fmt: skip
    return asking, services.request_decide(actor=cast.user("curator"), request=request, accept=True)


def test_lent_mentor_enters_the_requesters_base_approved_once_and_is_paired(cast, make):
    enable_forms(cast, cast.school_a2, codes=("teacher_pupil",))
    asking, request = _accepted(cast, make)
    with pytest.raises(PermissionDenied):
        services.request_to_pool(actor=cast.user("curator"), request=request)  # the lending side does not
    entry = services.request_to_pool(actor=asking, request=request)
    assert entry.organization == cast.school_a2
    assert entry.person == request.mentor.person
    assert (entry.status, entry.source) == (MentorStatus.APPROVED, Source.OUTSIDE)
    assert "запрос № " in entry.source_note
    assert "Подготовка к ОГЭ" in entry.competencies
    assert services.request_to_pool(actor=asking, request=request) == entry  # idempotent
    assert MentorEntry.objects.filter(organization=cast.school_a2).count() == 1
    request.refresh_from_db()
    assert request.pool_entry == entry

    pupil = PersonFactory(organization=cast.school_a2, category=Category.PUPIL, last_name="Ученикова")
    give_consent(pupil)
    year = academic_year_current()
    mentee = MenteeEntry.objects.create(
        organization=cast.school_a2, municipality=cast.school_a2.municipality,
        region=cast.school_a2.municipality.region, academic_year=year, person=pupil, form=make.form,
        status="included",
    )  # fmt: skip
    pair = mentorship_services.mentorship_create(
        actor=cast.user("admin"), organization=cast.school_a2, academic_year=year, form=make.form,
        mentor_entry=entry, mentee_entries=[mentee],
    )  # fmt: skip
    assert (pair.mentor, pair.organization) == (request.mentor.person, cast.school_a2)


def test_only_an_accepted_request_in_its_period_and_a_form_of_the_program(cast, make):
    asking, request = _accepted(cast, make)
    with pytest.raises(ValidationError, match="не входит в программу"):
        services.request_to_pool(actor=asking, request=request)  # school A2 has no program with the form
    enable_forms(cast, cast.school_a2, codes=("teacher_pupil",))
    with pytest.raises(ValidationError, match="Период запроса закончился"):
        services.request_to_pool(actor=asking, request=request, today=request.period_end + dt.timedelta(days=1))
    second = services.request_send(
        actor=asking, mentor=request.mentor, from_organization=cast.school_a2, form=make.form, need="Ещё",
        period_start=request.period_start, period_end=request.period_end,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="после того, как запрос принят"):
        services.request_to_pool(actor=asking, request=second)
    assert not MentorEntry.objects.filter(organization=cast.school_a2).exists()


def test_the_page_offers_the_button_to_the_requester_only(client, cast, make):
    enable_forms(cast, cast.school_a2, codes=("teacher_pupil",))
    asking, request = _accepted(cast, make)
    url = reverse("mentorbase:request_detail", args=[request.pk])
    client.force_login(asking)
    page = client.get(url).content.decode()
    assert "Внести в базу наставников" in page
    response = client.post(reverse("mentorbase:request_to_pool", args=[request.pk]), follow=True)
    page = response.content.decode()
    assert "статус «Одобрен»" in page
    assert 'id="request-pool-entry"' in page
    assert "Внести в базу наставников" not in page
    entry = MentorEntry.objects.get(organization=cast.school_a2)
    assert client.get(reverse("pools:mentor_detail", args=[entry.pk])).status_code == 200
    # the lending curator sees the request but gets 403 on the button; another region's curator 404
    client.force_login(cast.user("curator"))
    assert "Внести в базу наставников" not in client.get(url).content.decode()
    assert client.post(reverse("mentorbase:request_to_pool", args=[request.pk])).status_code == 403
    client.force_login(cast.user("outsider"))
    assert client.post(reverse("mentorbase:request_to_pool", args=[request.pk])).status_code == 404


def test_the_other_curator_is_told_of_the_request_and_the_requester_of_the_answer(cast, make):
    from nastavnik.notifications.models import Notification

    asking, request = _accepted(cast, make)
    lending = cast.user("curator").person
    told = Notification.objects.get(recipient=lending, kind="mentor_request")
    assert told.title == f"{cast.school_a2.short_name} просит наставника: {request.mentor.person.full_name}"
    assert told.url == reverse("mentorbase:request_detail", args=[request.pk])
    director = cast.user("director").person
    assert Notification.objects.filter(recipient=director, kind="mentor_request").exists()
    answer = Notification.objects.get(recipient=asking.person, kind="mentor_request_answer")
    assert answer.title == f"Запрос наставника № {request.pk} принят: контакты наставника открыты"


def test_a_request_names_a_form_of_the_askers_program(cast, make):
    from nastavnik.programs.models import MentoringForm

    enable_forms(cast, cast.school_a2, codes=("pupil_pupil",))
    with pytest.raises(ValidationError) as error:
        _accepted(cast, make)
    assert error.value.message_dict["form"] == [
        f"Форма «{make.form.name}» не входит в программу наставничества вашей организации."
    ]
    assert MentoringForm.objects.get(code="teacher_pupil") == make.form
