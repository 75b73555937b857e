"""The case library (seed 000, 7.5–7.6; seed 004, stage 7): a case from a completed mentorship, moderation
curator → region → published, and the refusal of a text that names a minor without a publication consent."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from nastavnik.events import services
from nastavnik.events.models import CaseStatus, PracticeCase, PublicationConsent

TEXT = {
    "title": "Олимпиадная подготовка с наставником",
    "topic": "олимпиадная подготовка",
    "problem": "Ученица 7 класса хотела участвовать в олимпиаде, но не умела решать нестандартные задачи.",
    "actions": "Еженедельные встречи с разбором задач прошлых лет.",
    "results": "Решает 7 из 10 олимпиадных задач (было 2 из 10).",
}


def write_case(cast, mentorship, actor="mentor", **changes):
    return services.case_save(actor=cast.user(actor), mentorship=mentorship, form=mentorship.form, **(TEXT | changes))


def test_mentor_writes_a_case_prefilled_from_the_completed_pair(client_for, cast, completed_pair):
    client = client_for("mentor")
    url = reverse("events:case_create", args=[cast.school_a.pk])
    page = client.get(url, {"mentorship": completed_pair.pk}).content.decode()
    assert "Подготовка к олимпиаде по математике" in page
    assert "Разбор олимпиадных задач" in page
    response = client.post(url, {"mentorship": completed_pair.pk, "form": completed_pair.form_id, **TEXT})
    case = PracticeCase.objects.get()
    assert response.status_code == 302
    assert (case.mentorship, case.status, case.author) == (completed_pair, CaseStatus.DRAFT, cast.user("mentor"))


def test_results_need_numbers(cast, completed_pair):
    with pytest.raises(ValidationError, match="в цифрах"):
        write_case(cast, completed_pair, results="Стала увереннее.")


def test_a_case_is_written_only_from_a_completed_pair_by_its_mentor_or_the_curator(cast, build, completed_pair):
    with pytest.raises(PermissionDenied):
        write_case(cast, completed_pair, actor="working_group")
    active = build.mentorship()
    with pytest.raises(ValidationError, match="не завершена"):
        write_case(cast, active, actor="curator")


def test_full_moderation_mentor_curator_region_published(client_for, cast, completed_pair):
    case = write_case(cast, completed_pair)
    client_for("mentor").post(reverse("events:case_submit", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == CaseStatus.CURATOR_REVIEW
    # the mentor cannot approve their own case, the working group neither
    for name in ("mentor", "working_group"):
        client_for(name).post(reverse("events:case_moderate", args=[case.pk]), {"decision": "approve"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CURATOR_REVIEW
    client_for("curator").post(reverse("events:case_moderate", args=[case.pk]), {"decision": "approve"})
    case.refresh_from_db()
    assert case.status == CaseStatus.REGION_REVIEW
    client_for("curator").post(reverse("events:case_moderate", args=[case.pk]), {"decision": "approve"})
    case.refresh_from_db()
    assert case.status == CaseStatus.REGION_REVIEW  # the curator does not publish region-wide
    client_for("regional").post(reverse("events:case_moderate", args=[case.pk]), {"decision": "approve"})
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED
    assert case.published_by == cast.user("regional")
    # published region-wide: another school of the region reads it in the library
    assert "Олимпиадная подготовка" in client_for("municipal").get(reverse("events:case_library")).content.decode()
    assert client_for("outsider").get(reverse("events:case_detail", args=[case.pk])).status_code == 404


def test_return_needs_remarks_and_goes_back_to_the_author(cast, completed_pair):
    case = services.case_submit(actor=cast.user("mentor"), case=write_case(cast, completed_pair))
    with pytest.raises(ValidationError, match="что исправить"):
        services.case_moderate(actor=cast.user("curator"), case=case, decision="return")
    services.case_moderate(actor=cast.user("curator"), case=case, decision="return", comment="Добавьте цифры по баллам")
    assert PracticeCase.objects.get().status == CaseStatus.DRAFT


def test_a_case_naming_a_minor_without_publication_consent_is_refused(client_for, cast, completed_pair):
    case = write_case(cast, completed_pair, actions="Мария Иванова решала задачи с наставником каждую неделю.")
    response = client_for("mentor").post(reverse("events:case_submit", args=[case.pk]), follow=True)
    content = response.content.decode()
    assert "без согласия на публикацию: М. П. Иванова" in content
    assert PracticeCase.objects.get().status == CaseStatus.DRAFT
    # a declined form of the surname is found too
    case = write_case(cast, completed_pair, actions="С Ивановой занимались еженедельно.")
    with pytest.raises(ValidationError, match=r"М\. П\. Иванова"):
        services.case_submit(actor=cast.user("curator"), case=case)


def test_publication_consent_lets_the_case_through_and_revoking_it_unpublishes(client_for, cast, completed_pair):
    case = write_case(cast, completed_pair, actions="Мария Иванова решала задачи с наставником.")
    client_for("curator").post(
        reverse("events:case_consent", args=[case.pk]),
        {
            "person": cast.pupil_a.pk,
            "signer_name": "Иванова Ольга (мать)",
            "given_on": timezone.localdate().isoformat(),
        },
    )
    consent = PublicationConsent.objects.get()
    assert consent.person == cast.pupil_a
    case = services.case_submit(actor=cast.user("curator"), case=case)
    assert case.status == CaseStatus.REGION_REVIEW
    case = services.case_moderate(actor=cast.user("regional"), case=case, decision="approve")
    assert case.status == CaseStatus.PUBLISHED
    hidden = services.publication_consent_revoke(actor=cast.user("curator"), consent=consent)
    case.refresh_from_db()
    assert hidden == 1
    assert case.status == CaseStatus.REGION_REVIEW
    with pytest.raises(ValidationError, match="без согласия"):
        services.case_moderate(actor=cast.user("regional"), case=case, decision="approve")


def test_library_search_by_form_topic_and_organisation_kind(client_for, cast, completed_pair):
    write_case(cast, completed_pair)
    client = client_for("curator")
    url = reverse("events:case_library")
    assert "Олимпиадная подготовка" in client.get(url, {"topic": "олимпиадн"}).content.decode()
    assert "Олимпиадная подготовка" not in client.get(url, {"topic": "адаптация"}).content.decode()
    assert "Олимпиадная подготовка" in client.get(url, {"form": completed_pair.form_id}).content.decode()
    assert "Олимпиадная подготовка" not in client.get(url, {"org_kind": "college"}).content.decode()


def test_working_group_cannot_edit_or_delete_a_case(client_for, cast, completed_pair):
    case = write_case(cast, completed_pair)
    client = client_for("working_group")
    assert client.post(reverse("events:case_edit", args=[case.pk]), TEXT | {"title": "Чужой"}).status_code == 403
    assert client.post(reverse("events:case_delete", args=[case.pk])).status_code == 403
    assert PracticeCase.objects.get().title == TEXT["title"]
