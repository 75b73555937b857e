"""Awards (seed 000, 7.2 «награждение лучших наставников»; seed 001, «награждение лучших наставнических
пар»): the curator nominates with a justification, the working group or the region decides; the
mentor's portfolio shows awards, trainings and completed mentorships."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from nastavnik.events import services
from nastavnik.events.models import Award, AwardStatus

JUSTIFICATION = "Наставляемая заняла призовое место на муниципальном этапе олимпиады."


def nominate(cast, year, **data):
    return services.award_nominate(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, justification=JUSTIFICATION, **data
    )


def test_curator_nominates_a_mentor_from_the_page(client_for, cast, build, year):
    entry = build.mentor(cast.user("mentor").person)
    response = client_for("curator").post(
        reverse("events:award_nominate", args=[cast.school_a.pk, year.start_year]),
        {"nomination": "best_mentor", "mentor": entry.person_id, "justification": JUSTIFICATION},
    )
    assert response.status_code == 302
    award = Award.objects.get()
    assert (award.mentor, award.status, award.nominated_by) == (entry.person, "nominated", cast.user("curator"))


def test_nomination_needs_a_justification_and_a_mentor_of_the_pool(cast, build, year):
    entry = build.mentor(cast.user("mentor").person)
    with pytest.raises(ValidationError, match="Обоснуйте"):
        services.award_nominate(
            actor=cast.user("curator"), organization=cast.school_a, academic_year=year, nomination="best_mentor",
            mentor=entry.person, justification="Молодец",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="нет в базе наставников"):
        nominate(cast, year, nomination="best_mentor", mentor=cast.teacher_a)
    nominate(cast, year, nomination="best_mentor", mentor=entry.person)
    with pytest.raises(ValidationError, match="уже выдвинут"):
        nominate(cast, year, nomination="best_mentor", mentor=entry.person)


def test_best_pair_takes_the_mentor_and_form_of_the_pair(cast, year, completed_pair):
    award = nominate(cast, year, nomination="best_pair", mentorship=completed_pair)
    assert (award.mentor_id, award.form_id) == (completed_pair.mentor_id, completed_pair.form_id)
    assert award.title == "Лучшая наставническая пара («Учитель – ученик»)"
    with pytest.raises(ValidationError, match="выберите пару"):
        nominate(cast, year, nomination="best_pair")


def test_working_group_decides_and_a_refusal_needs_a_reason(client_for, cast, build, year):
    award = nominate(cast, year, nomination="best_mentor", mentor=build.mentor(cast.user("mentor").person).person)
    client = client_for("working_group")
    client.post(reverse("events:award_decide", args=[award.pk]), {"awarded": "no", "comment": ""})
    assert Award.objects.get().status == AwardStatus.NOMINATED
    client.post(
        reverse("events:award_decide", args=[award.pk]), {"awarded": "yes", "comment": "Решение рабочей группы"}
    )
    award.refresh_from_db()
    assert (award.status, award.decided_by) == (AwardStatus.AWARDED, cast.user("working_group"))


@pytest.mark.parametrize("name", ["mentor", "mentee", "guardian", "curator"])
def test_others_may_not_decide(client_for, cast, build, year, name):
    award = nominate(cast, year, nomination="best_mentor", mentor=build.mentor(cast.user("mentor").person).person)
    response = client_for(name).post(reverse("events:award_decide", args=[award.pk]), {"awarded": "yes"})
    assert response.status_code in (403, 404)
    assert Award.objects.get().status == AwardStatus.NOMINATED


def test_regional_coordinator_decides_an_outsider_cannot(cast, build, year):
    award = nominate(cast, year, nomination="best_mentor", mentor=build.mentor(cast.user("mentor").person).person)
    with pytest.raises(PermissionDenied):
        services.award_decide(actor=cast.user("outsider_regional"), award=award, awarded=True)
    services.award_decide(actor=cast.user("regional"), award=award, awarded=False, comment="Недостаточно результатов")
    assert Award.objects.get().status == AwardStatus.NOT_AWARDED


def test_portfolio_shows_awards_trainings_and_completed_mentorships(client_for, cast, year, completed_pair):
    award = nominate(cast, year, nomination="best_pair", mentorship=completed_pair)
    services.award_decide(actor=cast.user("working_group"), award=award, awarded=True)
    url = reverse("events:portfolio", args=[completed_pair.mentor_id])
    page = client_for("mentor").get(url).content.decode()
    assert "Лучшая наставническая пара" in page
    assert "Школа наставника" in page  # the training attended (pools)
    assert "Подготовка к олимпиаде по математике" in page  # the completed mentorship
    assert client_for("outsider").get(url).status_code == 404


def test_awarded_nomination_links_to_the_certificate_generator(client_for, cast, build, year):
    award = nominate(cast, year, nomination="best_mentor", mentor=build.mentor(cast.user("mentor").person).person)
    url = reverse("events:awards", args=[cast.school_a.pk, year.start_year])
    certificate = reverse("documents:issue", args=[cast.school_a.pk, year.start_year, "certificate"])
    assert certificate not in client_for("curator").get(url).content.decode()
    services.award_decide(actor=cast.user("working_group"), award=award, awarded=True)
    assert certificate in client_for("curator").get(url).content.decode()
    assert client_for("curator").get(certificate).status_code == 200
