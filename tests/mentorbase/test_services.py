"""The long-term base: who gets in, idempotence, the curator's hand, and the requests between organisations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nastavnik.consents.models import Consent
from nastavnik.mentorbase import selectors, services
from nastavnik.mentorbase.models import BaseMentor, BaseOrigin, BaseStatus, MentorRequest, RequestStatus
from nastavnik.pools.models import MentorEntry, MentorStatus

pytestmark = pytest.mark.django_db


def _refresh(cast):
    return services.base_refresh(actor=cast.user("curator"), organization=cast.school_a)


def test_refresh_keeps_mentors_who_completed_well(cast, make):
    good = make.teacher(last_name="Хорошева", position="учитель математики")
    make.mentorship(good, ratings=(9, 8), mentees=2, topics=["Математика", "ОГЭ"], competencies="Подготовка к ОГЭ")
    make.mentorship(good, year=make.year, status="active")  # this year's pair: history, not a completion
    result = _refresh(cast)
    assert (result.added, result.updated) == (1, 0)
    mentor = BaseMentor.objects.get(person=good)
    assert mentor.status == BaseStatus.ACTIVE
    assert mentor.origin == BaseOrigin.AUTO
    assert mentor.organization == cast.school_a
    assert mentor.region == cast.region_a
    assert mentor.completed_count == 1
    assert mentor.mentee_count == 2
    assert mentor.mean_rating == Decimal("8.50")  # the mentor's own rating (1) is not counted
    assert mentor.since_year == make.last_year.start_year
    assert list(mentor.forms.values_list("code", flat=True)) == ["teacher_pupil"]
    assert mentor.topics == ["Математика", "ОГЭ"]
    assert mentor.competencies == "Подготовка к ОГЭ"
    assert [h.status for h in selectors.history_of(mentor)] == ["Действует", "Завершена"]


def test_refresh_leaves_out_conflicts_low_ratings_and_pairs_still_working(cast, make):
    conflict = make.teacher(last_name="Конфликтова")
    make.mentorship(conflict, status="ended_early", end_reason="conflict")
    low = make.teacher(last_name="Низкова")
    make.mentorship(low, ratings=(5, 6))
    working = make.teacher(last_name="Работаева")
    make.mentorship(working, year=make.year, status="active")
    unrated = make.teacher(last_name="Безоценкова")
    make.mentorship(unrated)
    early_goal = make.teacher(last_name="Досрочнова")
    make.mentorship(early_goal, status="ended_early", end_reason="goal_reached_early", ratings=(10,))
    _refresh(cast)
    names = set(BaseMentor.objects.values_list("person__last_name", flat=True))
    assert names == {"Безоценкова", "Досрочнова"}


def test_the_curators_long_term_mark_in_the_pool_counts_whatever_the_ratings(cast, make):
    low = make.teacher(last_name="Низкова")
    pair = make.mentorship(low, ratings=(4,))
    MentorEntry.objects.filter(pk=pair.mentor_entry_id).update(status=MentorStatus.LONG_TERM)
    _refresh(cast)
    assert BaseMentor.objects.get(person=low).mean_rating == Decimal("4.00")


def test_refresh_is_idempotent_and_never_brings_back_a_removed_mentor(cast, make):
    first = make.teacher(last_name="Первова")
    make.mentorship(first, ratings=(9,))
    second = make.teacher(last_name="Вторева")
    make.mentorship(second)
    assert _refresh(cast).added == 2
    again = _refresh(cast)
    assert (again.added, again.updated, again.left, again.unchanged) == (0, 0, 0, 2)
    assert BaseMentor.objects.count() == 2
    mentor = BaseMentor.objects.get(person=second)
    services.base_remove(actor=cast.user("curator"), mentor=mentor, reason="Уволилась")
    _refresh(cast)
    mentor.refresh_from_db()
    assert mentor.status == BaseStatus.LEFT
    assert mentor.reason == "Уволилась"
    # a new completion updates the figures of the one who stays
    make.mentorship(first, year=make.year, ratings=(7,))
    assert _refresh(cast).updated == 1
    assert BaseMentor.objects.get(person=first).completed_count == 2


def test_without_consent_nobody_enters_and_a_revoked_consent_takes_the_mentor_out(cast, make):
    silent = make.teacher(last_name="Безсогласия", consent=False)
    make.mentorship(silent)
    revoking = make.teacher(last_name="Отозвалова")
    make.mentorship(revoking)
    _refresh(cast)
    assert list(BaseMentor.objects.values_list("person__last_name", flat=True)) == ["Отозвалова"]
    Consent.objects.filter(person=revoking).update(revoked_at=timezone.now())
    assert _refresh(cast).left == 1
    assert BaseMentor.objects.get(person=revoking).status == BaseStatus.LEFT


def test_region_refresh_covers_every_organisation_and_needs_a_coordinator(cast, make):
    make.mentorship(make.teacher(cast.school_a2, last_name="Соседова"))
    make.mentorship(make.teacher(cast.school_b, last_name="Ставропольская"))
    with pytest.raises(PermissionDenied):
        services.base_refresh(actor=cast.user("curator"), region=cast.region_a)
    assert services.base_refresh(actor=cast.user("regional"), region=cast.region_a).added == 1
    assert list(BaseMentor.objects.values_list("person__last_name", flat=True)) == ["Соседова"]


def test_the_curator_adds_by_hand_with_a_reason_and_consent(cast, make):
    curator = cast.user("curator")
    person = make.teacher(last_name="Ручнова")
    with pytest.raises(ValidationError, match="Укажите, почему"):
        services.base_add(actor=curator, organization=cast.school_a, person=person, reason="  ")
    no_consent = make.teacher(last_name="Безсогласия", consent=False)
    with pytest.raises(ValidationError, match="нет действующего согласия"):
        services.base_add(actor=curator, organization=cast.school_a, person=no_consent, reason="Наставник года")
    stranger = make.teacher(cast.school_a2, last_name="Соседова")
    with pytest.raises(ValidationError, match="её участников"):
        services.base_add(actor=curator, organization=cast.school_a, person=stranger, reason="Наставник года")
    with pytest.raises(PermissionDenied):
        services.base_add(actor=cast.user("working_group"), organization=cast.school_a, person=person, reason="x")
    mentor = services.base_add(actor=curator, organization=cast.school_a, person=person, reason="Наставник года")
    assert mentor.origin == BaseOrigin.MANUAL
    assert mentor.completed_count == 0
    with pytest.raises(ValidationError, match="уже в долгосрочной базе"):
        services.base_add(actor=curator, organization=cast.school_a, person=person, reason="Ещё раз")
    services.base_remove(actor=curator, mentor=mentor, reason="Переехала")
    back = services.base_add(actor=curator, organization=cast.school_a, person=person, reason="Вернулась")
    assert back.pk == mentor.pk
    assert back.status == BaseStatus.ACTIVE
    assert BaseMentor.objects.count() == 1


def _shown(cast, make, organization=None, **data):
    person = make.teacher(organization or cast.school_a, **data)
    mentor = services.base_add(
        actor=cast.user("admin"), organization=person.organization, person=person, reason="Опытный наставник"
    )
    return services.base_update(
        actor=cast.user("admin"), mentor=mentor, available_elsewhere=True, consent_confirmed=True
    )


def test_shown_elsewhere_only_with_the_mentors_consent(cast, make):
    person = make.teacher(last_name="Скромнова")
    curator = cast.user("curator")
    mentor = services.base_add(actor=curator, organization=cast.school_a, person=person, reason="Наставник года")
    with pytest.raises(ValidationError, match="согласен"):
        services.base_update(actor=curator, mentor=mentor, available_elsewhere=True)
    mentor = services.base_update(actor=curator, mentor=mentor, available_elsewhere=True, consent_confirmed=True)
    assert mentor.is_shown_elsewhere
    mentor = services.base_update(actor=curator, mentor=mentor, available_elsewhere=False)
    assert not mentor.is_shown_elsewhere
    assert mentor.show_consent_at is None


def test_nearby_search_own_municipality_first_cyrillic_insensitive(cast, make):
    from tests.factories import MunicipalityFactory, OrganizationFactory

    other_municipality = MunicipalityFactory(region=cast.region_a, name="Алексеевский округ")
    far_school = OrganizationFactory(municipality=other_municipality, short_name="Дальняя школа")
    near = _shown(cast, make, last_name="Ближняя", position="учитель")
    near.competencies = "Подготовка к ЁГЭ по Математике"
    near.save()
    services.base_refresh(actor=None, organization=cast.school_a)  # rebuilds the search key
    far = _shown(cast, make, far_school, last_name="Дальняя")
    services.base_add(
        actor=cast.user("admin"), organization=cast.school_a, person=make.teacher(last_name="Скрытая"), reason="x"
    )
    _shown(cast, make, cast.school_b, last_name="Чужерегионова")
    municipality = selectors.nearby_for(organization=cast.school_a2)
    assert list(municipality) == [near]
    region = selectors.nearby_for(organization=cast.school_a2, scope="region")
    assert list(region) == [near, far]
    assert list(selectors.nearby_for(organization=cast.school_a2, scope="region", query="егэ МАТЕМАТ")) == [near]
    assert list(selectors.nearby_for(organization=cast.school_a, scope="region")) == [far]  # never the own


def _send(cast, make, mentor, actor, **overrides):
    today = timezone.localdate()
    data = {
        "form": make.form,
        "need": "Наставник для двух молодых учителей математики",
        "period_start": today,
        "period_end": today + dt.timedelta(days=120),
        "comment": "",
    }
    data.update(overrides)
    return services.request_send(actor=actor, mentor=mentor, from_organization=cast.school_a2, **data)


def test_request_sent_once_accepted_with_contacts(cast, make):
    mentor = _shown(cast, make, last_name="Нужнова", phone="+7 900 000-00-01")
    asking = make.curator(cast.school_a2, "curator_a2")
    request = _send(cast, make, mentor, asking)
    assert request.status == RequestStatus.SENT
    assert request.to_organization == cast.school_a
    with pytest.raises(ValidationError, match="уже отправлен"):
        _send(cast, make, mentor, asking)
    assert MentorRequest.objects.count() == 1
    assert selectors.inbox_count(cast.user("curator")) == 1
    assert not selectors.contacts_visible(asking, request)
    with pytest.raises(PermissionDenied):
        services.request_decide(actor=asking, request=request, accept=True)
    with pytest.raises(PermissionDenied):
        services.request_decide(actor=cast.user("working_group"), request=request, accept=True)
    request = services.request_decide(actor=cast.user("curator"), request=request, accept=True, comment="Поможем")
    assert request.status == RequestStatus.ACCEPTED
    assert selectors.contacts_visible(asking, request)
    assert selectors.inbox_count(cast.user("curator")) == 0
    with pytest.raises(ValidationError, match="отозвать его нельзя"):
        services.request_withdraw(actor=asking, request=request)
    with pytest.raises(ValidationError, match="решение принято"):
        services.request_decide(actor=cast.user("curator"), request=request, accept=False, comment="Нет")
    # a new request for the same mentor after the answer is allowed
    assert _send(cast, make, mentor, asking).status == RequestStatus.SENT


def test_request_bad_input_gets_russian_messages(cast, make):
    mentor = _shown(cast, make, last_name="Нужнова")
    asking = make.curator(cast.school_a2, "curator_a2")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        _send(cast, make, mentor, asking, need=" ", period_end=today - dt.timedelta(days=400))
    assert error.value.message_dict["need"] == ["Опишите, какой наставник и для чего нужен."]
    assert "раньше его начала" in error.value.message_dict["period_end"][0]
    from nastavnik.programs.models import MentoringForm

    pupil_form = MentoringForm.objects.get(code="pupil_pupil")
    with pytest.raises(ValidationError, match="не может быть педагог"):
        _send(cast, make, mentor, asking, form=pupil_form)
    hidden = services.base_update(actor=cast.user("curator"), mentor=mentor, available_elsewhere=False)
    with pytest.raises(ValidationError, match="не принимает запросы"):
        _send(cast, make, hidden, asking)
    with pytest.raises(PermissionDenied):
        _send(cast, make, mentor, cast.user("curator"))  # school A's curator does not run school A2
    assert not MentorRequest.objects.exists()


def test_decline_needs_a_comment_withdraw_and_leaving_the_base_closes_requests(cast, make):
    mentor = _shown(cast, make, last_name="Нужнова")
    asking = make.curator(cast.school_a2, "curator_a2")
    request = _send(cast, make, mentor, asking)
    with pytest.raises(ValidationError) as error:
        services.request_decide(actor=cast.user("curator"), request=request, accept=False)
    assert "почему запрос отклонён" in error.value.message_dict["comment"][0]
    declined = services.request_decide(
        actor=cast.user("curator"), request=request, accept=False, comment="Наставник занят до мая"
    )
    assert declined.status == RequestStatus.DECLINED
    second = _send(cast, make, mentor, asking)
    assert services.request_withdraw(actor=asking, request=second).status == RequestStatus.WITHDRAWN
    third = _send(cast, make, mentor, asking)
    services.base_remove(actor=cast.user("curator"), mentor=mentor, reason="Уволилась")
    third.refresh_from_db()
    assert third.status == RequestStatus.DECLINED
    assert "выбыл" in third.decision_comment


def test_region_summary_counts_by_organisation_form_and_year(cast, make):
    make.mentorship(make.teacher(last_name="Первова"), mentees=3)
    make.mentorship(make.teacher(cast.school_a2, last_name="Соседова"), year=make.year, status="active", mentees=2)
    services.base_refresh(actor=cast.user("regional"), region=cast.region_a)
    last = selectors.region_summary(region=cast.region_a, academic_year=make.last_year, municipality_ids=None)
    rows = {row.organization.pk: row for row in last.rows}
    assert (rows[cast.school_a.pk].mentors, rows[cast.school_a.pk].mentees, rows[cast.school_a.pk].base) == (1, 3, 1)
    assert rows[cast.school_a.pk].curators == 1
    assert last.totals.mentees == 3
    assert {y["start"]: (y["mentors"], y["mentees"]) for y in last.by_year} == {
        make.last_year.start_year: (1, 3),
        make.year.start_year: (1, 2),
    }
    now = selectors.region_summary(region=cast.region_a, academic_year=make.year, municipality_ids=None)
    assert [(f["form"], f["mentors"], f["mentees"]) for f in now.by_form] == [("Учитель – ученик", 1, 2)]
    assert cast.school_b.pk not in {row.organization.pk for row in now.rows}
