"""A closed year is read-only in nastavnik/events too (issue 10, item 8): events, registrations, attendance,
materials, awards, cases and news of a closed year are not created or changed; the reason is in Russian
(403 in the views). Taking things off the public pages stays possible (personal data), and the region still
moderates and publishes the cases of a closed year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from nastavnik.events import services
from nastavnik.events.models import Award, CaseStatus, Event, EventRegistration, PracticeCase, Publication
from nastavnik.programs.models import OrganizationYear
from tests.events import conftest as events_fixtures

pytestmark = pytest.mark.django_db

# the events tests' fixtures: a trained mentor, included mentees, a completed pair of school A
year, teacher_pupil = events_fixtures.year, events_fixtures.teacher_pupil
build, completed_pair = events_fixtures.build, events_fixtures.completed_pair

CLOSED = "закрыт: его данные доступны только для просмотра."
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def world(cast, year, build, completed_pair):
    """Everything events holds for school A this year, made while the year is open; then the year closes."""
    curator = cast.user("curator")
    past = services.event_save(
        actor=curator, organization=cast.school_a, kind="final", title="Итоговое мероприятие",
        starts_at=timezone.now() - dt.timedelta(hours=3),
    )  # fmt: skip
    upcoming = services.event_save(
        actor=curator, organization=cast.school_a, kind="info", title="Встреча",
        starts_at=timezone.now() + dt.timedelta(hours=3),
    )  # fmt: skip
    registration = services.registration_add(actor=curator, event=past, person=cast.teacher_a)
    award = services.award_nominate(
        actor=curator, organization=cast.school_a, academic_year=year, nomination="best_mentor",
        mentor=completed_pair.mentor, justification="Подготовила призёра олимпиады, 12 встреч за год",
    )  # fmt: skip
    decided = services.award_nominate(
        actor=curator, organization=cast.school_a, academic_year=year, nomination="best_pair",
        mentorship=completed_pair, justification="Пара подготовила проект и выступила на конференции",
    )  # fmt: skip
    draft = services.case_save(
        actor=curator, organization=cast.school_a, academic_year=year, title="Кейс", form=build.form,
        topic="Математика", problem="Низкий балл", actions="Занятия", results="Балл вырос на 1,2",
    )  # fmt: skip
    in_region = services.case_save(
        actor=curator, organization=cast.school_a, academic_year=year, title="Кейс 2", form=build.form,
        topic="Математика", problem="Низкий балл", actions="Занятия", results="Балл вырос на 0,8",
    )  # fmt: skip
    services.case_submit(actor=curator, case=in_region)
    news = services.publication_save(
        actor=curator, organization=cast.school_a, academic_year=year, title="Итоги года", text="Текст новости"
    )
    published = services.publication_save(
        actor=curator, organization=cast.school_a, academic_year=year, title="Праздник", text="Прошёл праздник"
    )
    services.publication_publish(actor=curator, publication=published)
    OrganizationYear.objects.update_or_create(
        organization=cast.school_a, academic_year=year, defaults={"closed_at": timezone.now()}
    )
    return {
        "past": past, "upcoming": upcoming, "registration": registration, "award": award, "decided": decided,
        "draft": draft, "in_region": in_region, "news": news, "published": published,
    }  # fmt: skip


def _refused(call):
    with pytest.raises(PermissionDenied) as error:
        call()
    assert CLOSED in str(error.value)
    assert str(error.value).endswith(CLOSED)


def test_events_of_a_closed_year_cannot_be_created_changed_or_deleted(cast, world):
    curator = cast.user("curator")
    past = world["past"]

    _refused(
        lambda: services.event_save(
            actor=curator,
            organization=cast.school_a,
            kind="final",
            title="Ещё одно",
            starts_at=timezone.now() - dt.timedelta(hours=1),
        )
    )
    _refused(
        lambda: services.event_save(
            actor=curator, event=past, kind="final", title="Переименовано", starts_at=past.starts_at
        )
    )
    _refused(lambda: services.event_delete(actor=curator, event=past))

    past.refresh_from_db()
    assert past.title == "Итоговое мероприятие"
    assert Event.objects.count() == 2


def test_registrations_attendance_and_materials_of_a_closed_year_are_refused(cast, world):
    curator = cast.user("curator")
    past, upcoming = world["past"], world["upcoming"]

    _refused(lambda: services.registration_add(actor=curator, event=upcoming, person=cast.teacher_a))
    _refused(lambda: services.registration_cancel(actor=curator, registration=world["registration"]))
    _refused(lambda: services.attendance_save(actor=curator, event=past, attended_ids=[world["registration"].pk]))
    _refused(lambda: services.material_add(actor=curator, event=past, url="https://example.org/slides"))

    assert EventRegistration.objects.count() == 1
    assert EventRegistration.objects.get().attended is None
    assert not past.materials.exists()
    # registering somebody already registered changes nothing and answers as before
    assert services.registration_add(actor=curator, event=past, person=cast.teacher_a) == world["registration"]


def test_awards_of_a_closed_year_cannot_be_nominated_decided_or_deleted(cast, year, world, completed_pair):
    curator = cast.user("curator")

    _refused(
        lambda: services.award_nominate(
            actor=curator,
            organization=cast.school_a,
            academic_year=year,
            nomination="best_mentor",
            mentor=cast.teacher_a,
            justification="Очень хороший наставник, 10 встреч",
        )
    )
    _refused(lambda: services.award_decide(actor=cast.user("director"), award=world["award"], awarded=True))
    _refused(lambda: services.award_delete(actor=curator, award=world["award"]))

    assert Award.objects.count() == 2
    assert Award.objects.get(pk=world["award"].pk).status == "nominated"


def test_cases_of_a_closed_year_cannot_be_written_changed_or_submitted(cast, year, world, build, completed_pair):
    curator = cast.user("curator")
    draft = world["draft"]
    data = {
        "title": "Новый кейс", "form": build.form, "topic": "Тема", "problem": "Проблема", "actions": "Действия",
        "results": "Выросло на 5 %",
    }  # fmt: skip

    _refused(lambda: services.case_save(actor=curator, organization=cast.school_a, academic_year=year, **data))
    _refused(lambda: services.case_save(actor=curator, mentorship=completed_pair, **data))
    _refused(lambda: services.case_save(actor=curator, case=draft, **data))
    _refused(lambda: services.case_submit(actor=curator, case=draft))
    _refused(lambda: services.case_material_add(actor=curator, case=draft, url="https://example.org/case"))

    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Кейс", CaseStatus.DRAFT)
    assert PracticeCase.objects.count() == 2


def test_the_region_still_publishes_a_case_of_a_closed_year_and_its_deletion_stays_possible(cast, world):
    case = world["in_region"]

    services.case_moderate(actor=cast.user("regional"), case=case, decision="approve")

    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED
    services.case_delete(actor=cast.user("curator"), case=world["draft"])
    assert not PracticeCase.objects.filter(pk=world["draft"].pk).exists()


def test_news_of_a_closed_year_cannot_be_written_changed_or_published_but_can_be_taken_down(cast, year, world):
    curator = cast.user("curator")
    news, published = world["news"], world["published"]

    _refused(
        lambda: services.publication_save(
            actor=curator, organization=cast.school_a, academic_year=year, title="Новая", text="Текст"
        )
    )
    _refused(lambda: services.publication_save(actor=curator, publication=news, title="Иначе", text="Другой текст"))
    _refused(lambda: services.publication_publish(actor=curator, publication=news))
    image = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    _refused(lambda: services.publication_image_add(actor=curator, publication=news, file=image))

    services.publication_publish(actor=curator, publication=published, publish=False)
    services.publication_delete(actor=curator, publication=news)

    published.refresh_from_db()
    assert not published.is_published
    assert list(Publication.objects.values_list("title", flat=True)) == ["Праздник"]


def test_views_answer_403_with_the_russian_reason(client_for, cast, world):
    client = client_for("curator")

    responses = [
        client.post(reverse("events:event_delete", args=[world["past"].pk])),
        client.post(reverse("events:case_submit", args=[world["draft"].pk])),
        client.post(reverse("events:news_publish", args=[world["news"].pk])),
        client.post(reverse("events:award_delete", args=[world["award"].pk])),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert all("закрыт: его данные доступны только для просмотра" in r.content.decode() for r in responses)
    assert Event.objects.filter(pk=world["past"].pk).exists()
