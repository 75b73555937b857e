"""Consents (152-ФЗ): who signs by age, the one-time link, the scan, revocation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from nastavnik.consents import selectors, services
from nastavnik.consents.models import Consent, ConsentKind, ConsentRequest
from nastavnik.core.text import years_before
from tests.factories import GuardianLinkFactory, PersonFactory


def _adult(cast):
    return cast.teacher_a


def _teen(cast):
    teen = PersonFactory(
        organization=cast.school_a,
        last_name="Орлов",
        first_name="Никита",
        patronymic="Ильич",
        gender="m",
        category="pupil",
        birth_date=years_before(timezone.localdate(), 15),
    )
    GuardianLinkFactory(guardian=cast.parent_a, child=teen, kind="other")
    return teen


def test_kind_follows_age(cast):
    assert services.required_kind(cast.teacher_a) == ConsentKind.ADULT
    assert services.required_kind(cast.pupil_a) == ConsentKind.GUARDIAN_FOR_CHILD  # 13 years old
    assert services.required_kind(_teen(cast)) == ConsentKind.MINOR_WITH_GUARDIAN
    no_birth = PersonFactory(organization=cast.school_a, birth_date=None)
    with pytest.raises(ValidationError, match="дату рождения"):
        services.required_kind(no_birth)


def test_consent_text_declines_the_child_and_names_the_operator(cast):
    text = services.consent_text(person=cast.pupil_a, kind=ConsentKind.GUARDIAN_FOR_CHILD, guardian=cast.parent_a)
    assert text.startswith("Я, Иванова Ольга Сергеевна, являясь законным представителем Ивановой Марии Петровны")
    assert cast.school_a.name in text
    assert "152-ФЗ" in text
    assert "№ Р-145" in text


def test_link_for_a_child_goes_to_the_guardian_and_is_reused(cast):
    request = services.consent_request_create(actor=cast.user("curator"), person=cast.pupil_a)
    assert (request.kind, request.guardian) == (ConsentKind.GUARDIAN_FOR_CHILD, cast.parent_a)
    assert len(request.token) >= 40
    again = services.consent_request_create(actor=cast.user("curator"), person=cast.pupil_a)
    assert again.pk == request.pk


def test_minor_without_guardian_cannot_get_a_link(cast):
    mentee = cast.user("mentee").person  # 12 years old, no guardian linked
    with pytest.raises(ValidationError, match="законного представителя"):
        services.consent_request_create(actor=cast.user("curator"), person=mentee)


@pytest.mark.parametrize("who", ["working_group", "mentor", "outsider", "regional"])
def test_only_director_and_curator_create_links(cast, who):
    with pytest.raises(PermissionDenied):
        services.consent_request_create(actor=cast.user(who), person=cast.teacher_a)
    assert not ConsentRequest.objects.exists()


def test_electronic_consent_records_text_ip_and_browser(cast):
    request = services.consent_request_create(actor=cast.user("curator"), person=cast.teacher_a)
    consent = services.consent_give(token=request.token, agree=True, ip_address="10.0.0.7", user_agent="Firefox")
    assert consent.method == "electronic"
    assert (consent.ip_address, consent.user_agent) == ("10.0.0.7", "Firefox")
    assert cast.teacher_a.full_name in consent.text
    assert selectors.has_valid_consent(cast.teacher_a)
    with pytest.raises(ValidationError, match="недействительна"):
        services.consent_give(token=request.token, agree=True)


def test_link_refuses_without_agreement_and_when_expired(cast):
    request = services.consent_request_create(actor=cast.user("curator"), person=cast.teacher_a)
    with pytest.raises(ValidationError, match="Согласен"):
        services.consent_give(token=request.token, agree=False)
    with pytest.raises(ValidationError, match="срок"):
        services.consent_give(token=request.token, agree=True, now=timezone.now() + dt.timedelta(days=30))
    assert not Consent.objects.exists()


def test_teen_and_guardian_both_agree(cast):
    teen = _teen(cast)
    request = services.consent_request_create(actor=cast.user("curator"), person=teen)
    with pytest.raises(ValidationError, match="оба пункта"):
        services.consent_give(token=request.token, agree=True)
    consent = services.consent_give(token=request.token, agree=True, minor_agrees=True)
    assert consent.signer_name == "Орлов Никита Ильич; Иванова Ольга Сергеевна"
    assert consent.text.startswith("Мы, Орлов Никита Ильич")


def test_scan_is_validated(cast):
    curator = cast.user("curator")
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.consent_record_scan(
            actor=curator, person=cast.teacher_a, scan=SimpleUploadedFile("a.exe", b"MZ"), given_on=today
        )
    with pytest.raises(ValidationError):
        services.consent_record_scan(
            actor=curator,
            person=cast.teacher_a,
            scan=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
            given_on=today + dt.timedelta(days=2),
        )
    consent = services.consent_record_scan(
        actor=curator, person=cast.teacher_a, scan=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), given_on=today
    )
    assert consent.method == "scan"
    assert consent.scan.name.endswith(".pdf")


def test_revocation_keeps_the_fact_and_the_date(cast):
    request = services.consent_request_create(actor=cast.user("curator"), person=cast.teacher_a)
    consent = services.consent_give(token=request.token, agree=True)
    with pytest.raises(ValidationError):
        services.consent_revoke(actor=cast.user("curator"), consent=consent, reason=" ")
    effects = services.consent_revoke(actor=cast.user("curator"), consent=consent, reason="заявление от 20.11.2026")
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert consent.revocation_reason == "заявление от 20.11.2026"
    assert set(effects) == {"pools", "answers"}
    assert not selectors.has_valid_consent(cast.teacher_a)
    assert selectors.consent_state(cast.teacher_a).label == "Согласие отозвано"


def test_annotate_and_summary(cast):
    Consent.objects.create(
        person=cast.teacher_a,
        organization=cast.school_a,
        kind="adult",
        method="scan",
        signer_name="x",
        text="x",
        given_at=timezone.now(),
    )
    people = selectors.organization_people_with_consent(organization=cast.school_a, status="valid")
    assert [p.pk for p in people] == [cast.teacher_a.pk]
    summary = selectors.organization_consent_summary(organization=cast.school_a)
    assert summary["valid"] == 1
    assert summary["missing"] == summary["total"] - 1


# --- pages -------------------------------------------------------------------------------------
def test_public_link_page_on_a_phone_and_after_use(client, cast):
    request = services.consent_request_create(actor=cast.user("curator"), person=cast.pupil_a)
    url = reverse("consents:give", args=[request.token])
    page = client.get(url)
    assert page.status_code == 200
    assert "являясь законным представителем Ивановой Марии Петровны" in page.content.decode()
    refused = client.post(url, {})
    assert "отметьте «Согласен(на)»" in refused.content.decode()
    done = client.post(url, {"agree": "on"}, REMOTE_ADDR="192.0.2.5")
    assert "согласие получено" in done.content.decode()
    assert Consent.objects.get().ip_address == "192.0.2.5"
    closed = client.get(url)
    assert closed.status_code == 410
    assert "Ссылка недействительна" in closed.content.decode()
    assert client.get(reverse("consents:give", args=["no-such-token"])).status_code == 410


def test_person_page_shows_link_and_card_shows_badge(client_for, cast):
    client = client_for("curator")
    client.post(reverse("consents:request_create", args=[cast.teacher_a.pk]))
    page = client.get(reverse("consents:person", args=[cast.teacher_a.pk])).content.decode()
    assert "/consents/c/" in page
    card = client.get(reverse("people:detail", args=[cast.teacher_a.pk])).content.decode()
    assert "Согласие на обработку ПДн" in card
    listing = client.get(reverse("people:list"), {"q": "сидоров"}).content.decode()
    assert 'text-bg-danger">нет' in listing


def test_blank_prints_the_text(client_for, cast):
    page = client_for("curator").get(reverse("consents:blank", args=[cast.pupil_a.pk])).content.decode()
    assert "Согласие на обработку персональных данных" in page
    assert "Ивановой Марии Петровны" in page


def test_scan_upload_page(client_for, cast):
    client = client_for("curator")
    response = client.post(
        reverse("consents:scan_upload", args=[cast.teacher_a.pk]),
        {"scan": SimpleUploadedFile("scan.png", b"\x89PNG"), "given_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert Consent.objects.get(person=cast.teacher_a).method == "scan"


def test_organization_overview_counts(client_for, cast):
    page = client_for("curator").get(reverse("consents:organization", args=[cast.school_a.pk]))
    assert page.status_code == 200
    assert "без согласия" in page.content.decode()


def _scanned(cast):
    return services.consent_record_scan(
        actor=cast.user("curator"),
        person=cast.teacher_a,
        scan=SimpleUploadedFile("soglasie.pdf", b"%PDF-1.4 signed"),
        given_on=timezone.localdate(),
    )


def test_scan_is_served_through_the_app_and_logged(client_for, cast):
    from auditlog.models import LogEntry

    consent = _scanned(cast)
    page = client_for("curator").get(reverse("consents:person", args=[cast.teacher_a.pk])).content.decode()
    assert reverse("consents:scan_download", args=[consent.pk]) in page
    assert "/media/" not in page

    response = client_for("working_group").get(reverse("consents:scan_download", args=[consent.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 signed"
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__export="consent_scan").count() == 1


def test_scan_is_hidden_from_strangers_and_participants(client_for, cast):
    consent = _scanned(cast)
    url = reverse("consents:scan_download", args=[consent.pk])

    assert client_for("outsider").get(url).status_code == 404
    assert client_for("mentee").get(url).status_code == 403
