"""Pools filled from questionnaire answers (seed 000, roadmap 2.1 «анкетирование желающих» → база
наставляемых; 3.3 «анкетирование потенциальных наставников» → база наставников)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from nastavnik.pools import services
from nastavnik.pools.models import MenteeEntry, MenteeStatus, MentorEntry, MentorStatus
from nastavnik.questionnaires import services as q_services
from nastavnik.questionnaires.templates_data import MENTOR_AREAS, REQUESTS

from .conftest import give_consent

pytestmark = pytest.mark.django_db


def _campaign(cast, template_code: str, **audience):
    questionnaire = q_services.questionnaire_create_from_template(
        actor=cast.user("curator"), organization=cast.school_a, template_code=template_code
    )
    return q_services.campaign_create(
        actor=cast.user("curator"),
        questionnaire=questionnaire,
        deadline=timezone.localdate() + dt.timedelta(days=7),
        **audience,
    ).campaign


def _answer(campaign, person, by_code: dict):
    ids = {q.code: q.pk for q in campaign.questionnaire.questions.all()}
    invitation = campaign.invitations.get(subject=person)
    q_services.response_submit(token=invitation.token, answers={ids[code]: value for code, value in by_code.items()})


MENTEE_ANSWERS = {
    "request": [REQUESTS[0], REQUESTS[2]],
    "request_subjects": "математика, физика",
    "request_olympiad": "олимпиада по математике",
    "request_need": 8,
    "request_result": "Закончить год без троек",
    "format": "Дистанционно",
    "time_per_week": "1–2 часа",
    "interests": "шахматы",
}
MENTOR_ANSWERS = {
    "motivation_text": "Хочу передать опыт",
    "motivation": ["Передать свой опыт"],
    "readiness": 9,
    "has_experience": "Да",
    "experience_text": "Руководила проектами учеников три года",
    "professional_experience": "Учитель математики, стаж 15 лет",
    "areas": [MENTOR_AREAS[0], MENTOR_AREAS[2], "Другое"],
    "communication": 8,
    "planning": 7,
    "expertise": 9,
    "time_per_month": "4–8 часов",
    "format": "Очно",
    "mentee_count": 3,
    "civic": "Нет",
}


def test_request_answers_become_mentee_candidates_with_categories_and_format(cast, year, teacher_pupil):
    campaign = _campaign(cast, "request_mentee", audience_kind="class", class_name="7Б")
    _answer(campaign, cast.pupil_a, MENTEE_ANSWERS)

    result = services.pool_fill_from_campaign(
        actor=cast.user("curator"), campaign=campaign, form=teacher_pupil, academic_year=year
    )

    assert result.added == ["Иванова Мария Петровна"]
    entry = MenteeEntry.objects.get(person=cast.pupil_a, form=teacher_pupil)
    assert entry.status == MenteeStatus.CANDIDATE
    assert sorted(c.name for c in entry.categories.all()) == [
        "Низкие образовательные результаты",
        "Одарённость / подготовка к олимпиадам",
    ]
    assert entry.preferred_format == "remote"
    assert "Предметы: математика, физика" in entry.request_text
    assert "Олимпиада или конкурс: олимпиада по математике" in entry.request_text
    assert "Цель к концу года: Закончить год без троек" in entry.request_text
    assert entry.source == "questionnaire"
    assert entry.source_note.startswith(f"анкета «{campaign.questionnaire.title}» от ")


def test_filling_twice_changes_nothing(cast, year, teacher_pupil):
    campaign = _campaign(cast, "request_mentee", audience_kind="class", class_name="7Б")
    _answer(campaign, cast.pupil_a, MENTEE_ANSWERS)
    services.pool_fill_from_campaign(
        actor=cast.user("curator"), campaign=campaign, form=teacher_pupil, academic_year=year
    )

    again = services.pool_fill_from_campaign(
        actor=cast.user("curator"), campaign=campaign, form=teacher_pupil, academic_year=year
    )

    assert (again.added, again.already) == ([], ["Иванова Мария Петровна"])
    assert MenteeEntry.objects.filter(person=cast.pupil_a).count() == 1


def test_mentees_with_consent_can_be_included_at_once(cast, year, teacher_pupil):
    give_consent(cast.pupil_a)
    campaign = _campaign(cast, "request_mentee", audience_kind="class", class_name="7Б")
    _answer(campaign, cast.pupil_a, MENTEE_ANSWERS)

    result = services.pool_fill_from_campaign(
        actor=cast.user("curator"), campaign=campaign, form=teacher_pupil, academic_year=year, include_with_consent=True
    )

    assert result.included == ["Иванова Мария Петровна"]
    assert MenteeEntry.objects.get(person=cast.pupil_a).status == MenteeStatus.INCLUDED


def test_mentor_answers_become_candidates_with_topics_capacity_and_format(cast, year, teacher_pupil):
    campaign = _campaign(cast, "mentor", audience_kind="list", person_ids=[cast.teacher_a.pk])
    _answer(campaign, cast.teacher_a, MENTOR_ANSWERS)

    result = services.pool_fill_from_campaign(
        actor=cast.user("curator"), campaign=campaign, form=teacher_pupil, academic_year=year
    )

    assert result.added == ["Сидоров Пётр Ильич"]
    entry = MentorEntry.objects.get(person=cast.teacher_a, form=teacher_pupil)
    assert entry.status == MentorStatus.CANDIDATE
    assert entry.topics == [MENTOR_AREAS[0], MENTOR_AREAS[2]]
    assert entry.capacity == 3
    assert entry.preferred_format == "in_person"
    assert entry.availability == "4–8 часов в месяц"
    assert entry.competencies == "Учитель математики, стаж 15 лет\nРуководила проектами учеников три года"


def test_people_the_form_does_not_take_are_skipped_with_the_reason(cast, year, forms):
    campaign = _campaign(cast, "mentor", audience_kind="list", person_ids=[cast.teacher_a.pk])
    _answer(campaign, cast.teacher_a, MENTOR_ANSWERS)

    result = services.pool_fill_from_campaign(
        actor=cast.user("curator"), campaign=campaign, form=forms["pupil_pupil"], academic_year=year
    )

    assert result.added == []
    assert len(result.skipped) == 1
    assert result.skipped[0].startswith("Сидоров Пётр Ильич — ")
    assert "не может быть наставником" in result.skipped[0]
    assert not MentorEntry.objects.exists()


def test_no_answers_and_other_kinds_are_refused_in_russian(cast, year, teacher_pupil):
    empty = _campaign(cast, "request_mentee", audience_kind="class", class_name="7Б")
    with pytest.raises(ValidationError, match="ещё никто не ответил"):
        services.pool_fill_from_campaign(
            actor=cast.user("curator"), campaign=empty, form=teacher_pupil, academic_year=year
        )
    satisfaction = _campaign(cast, "satisfaction_mentee", audience_kind="class", class_name="7Б")
    with pytest.raises(ValidationError, match="анкету наставляемого"):
        services.pool_fill_from_campaign(
            actor=cast.user("curator"), campaign=satisfaction, form=teacher_pupil, academic_year=year
        )


def test_page_adds_the_respondents_and_shows_what_happened(client_for, cast, year, teacher_pupil):
    campaign = _campaign(cast, "request_mentee", audience_kind="class", class_name="7Б")
    _answer(campaign, cast.pupil_a, MENTEE_ANSWERS)
    client = client_for("curator")
    url = reverse("pools:fill_from_campaign", args=[campaign.pk])

    page = client.get(url)
    assert "Наставляемые по анкете-запросу" in page.content.decode()
    assert (
        "Добавить ответивших в базу наставляемых"
        in client.get(reverse("questionnaires:campaign", args=[campaign.pk])).content.decode()
    )
    response = client.post(url, {"form": teacher_pupil.pk}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("pools:mentee_list", args=[cast.school_a.pk, year.start_year])
    assert "Добавлено 1 кандидат в наставляемые." in response.content.decode()
    assert MenteeEntry.objects.filter(person=cast.pupil_a).exists()


def test_working_group_may_not_fill_and_nothing_changes(client_for, cast, year, teacher_pupil):
    campaign = _campaign(cast, "request_mentee", audience_kind="class", class_name="7Б")
    _answer(campaign, cast.pupil_a, MENTEE_ANSWERS)

    response = client_for("working_group").post(
        reverse("pools:fill_from_campaign", args=[campaign.pk]), {"form": teacher_pupil.pk}
    )

    assert response.status_code == 403
    assert not MenteeEntry.objects.exists()


def test_another_organisation_gets_404(client_for, cast, year, teacher_pupil):
    campaign = _campaign(cast, "request_mentee", audience_kind="class", class_name="7Б")

    response = client_for("outsider").post(
        reverse("pools:fill_from_campaign", args=[campaign.pk]), {"form": teacher_pupil.pk}
    )

    assert response.status_code == 404


# --- a campaign to the people of a pool («всем наставникам формы», issue 5.1) -------------------------------
def _mentor_in_pool(cast, year, form, person):
    return services.mentor_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=person, form=form
    )


def test_campaign_goes_to_the_mentors_of_one_form(cast, year, forms, make_teacher):
    teacher_pupil, teacher_teacher = forms["teacher_pupil"], forms["teacher_teacher"]
    _mentor_in_pool(cast, year, teacher_pupil, cast.teacher_a)
    other = make_teacher(last_name="Другая")
    _mentor_in_pool(cast, year, teacher_teacher, other)
    gone = make_teacher(last_name="Ушедшая")
    entry = _mentor_in_pool(cast, year, teacher_pupil, gone)
    services.mentor_set_status(actor=cast.user("curator"), entry=entry, status=MentorStatus.LEFT, reason="уволилась")

    campaign = _campaign(cast, "preference_mentor", audience_kind="pool", pool=f"mentor:{teacher_pupil.pk}")

    assert list(campaign.invitations.values_list("subject__last_name", flat=True)) == ["Сидоров"]
    assert campaign.audience == f"Наставники формы «{teacher_pupil.name}»"


def test_pool_audience_choices_count_people_and_empty_pool_is_refused(cast, year, forms):
    from nastavnik.pools.selectors import pool_audiences

    teacher_pupil = forms["teacher_pupil"]
    _mentor_in_pool(cast, year, teacher_pupil, cast.teacher_a)

    assert pool_audiences(organization=cast.school_a, academic_year=year) == [
        (f"mentor:{teacher_pupil.pk}", f"Наставники формы «{teacher_pupil.name}» (1 чел.)")
    ]
    with pytest.raises(ValidationError) as error:
        _campaign(cast, "preference_mentee", audience_kind="pool", pool=f"mentee:{teacher_pupil.pk}")
    assert error.value.message_dict["pool"] == [f"Наставляемые формы «{teacher_pupil.name}»: в базе пока никого нет."]
    with pytest.raises(ValidationError) as error:
        _campaign(cast, "preference_mentee", audience_kind="pool", pool="nonsense")
    assert error.value.message_dict["pool"] == ["Выберите базу и форму наставничества."]


def test_campaign_form_offers_the_pools(client_for, cast, year, forms):
    teacher_pupil = forms["teacher_pupil"]
    _mentor_in_pool(cast, year, teacher_pupil, cast.teacher_a)
    questionnaire = q_services.questionnaire_create_from_template(
        actor=cast.user("curator"), organization=cast.school_a, template_code="preference_mentor"
    )
    client = client_for("curator")
    url = reverse("questionnaires:campaign_create", args=[questionnaire.pk])

    assert f"Наставники формы «{teacher_pupil.name}» (1 чел.)" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "audience_kind": "pool",
            "pool": f"mentor:{teacher_pupil.pk}",
            "deadline": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            "mode": "single_use",
        },
    )
    assert response.status_code == 302
    assert questionnaire.campaigns.get().invitations.get().subject == cast.teacher_a
