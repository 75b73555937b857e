"""Requirements, trainings and certificates (seed 004, stage 6): every requirement is computed from the
data, hours count only when confirmed, a certificate is issued only when all is met, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nastavnik.certification import selectors, services
from nastavnik.certification.models import CertificationScheme, CuratorCertificate, CuratorTraining, TrainingStatus
from nastavnik.documents.models import DocumentVersion, IssuedDocument
from nastavnik.events.models import CaseStatus
from nastavnik.programs.models import Program, ProgramStatus

from .conftest import training_day

pytestmark = pytest.mark.django_db


def progress(scheme, person, organization):
    (item,) = selectors.progress_for(scheme, [selectors.CuratorRow(person, organization)])
    return {r.code: r for r in item.requirements}, item


# --- the scheme -------------------------------------------------------------------------------------------
def test_scheme_is_set_by_the_regional_coordinator_only(cast, year):
    for who in ("curator", "municipal", "outsider_regional", "director"):
        with pytest.raises(PermissionDenied):
            services.scheme_save(
                actor=cast.user(who), region=cast.region_a, academic_year=year, min_hours=10, require_program_year=True
            )
    assert not CertificationScheme.objects.exists()


def test_scheme_saved_twice_is_one_and_checks_input(cast, year):
    actor = cast.user("regional")
    services.scheme_save(actor=actor, region=cast.region_a, academic_year=year, min_hours=36, require_program_year=True)
    services.scheme_save(
        actor=actor, region=cast.region_a, academic_year=year, min_hours=72, require_program_year=False
    )
    scheme = CertificationScheme.objects.get()
    assert (scheme.min_hours, scheme.require_program_year) == (72, False)
    with pytest.raises(ValidationError) as error:
        services.scheme_save(
            actor=actor, region=cast.region_a, academic_year=year, min_hours=0, require_program_year=False
        )
    assert "хотя бы одно требование" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.scheme_save(
            actor=actor, region=cast.region_a, academic_year=year, min_hours=10, require_program_year=True,
            report_deadline=year.end_date + dt.timedelta(days=1),
        )  # fmt: skip
    assert "в пределах" in str(error.value)


def test_scheme_is_frozen_after_the_first_certificate(cast, scheme, meet, curator):
    meet.everything(curator, cast.school_a)
    services.certificate_issue(actor=cast.user("regional"), scheme=scheme, person_pk=curator.pk)
    with pytest.raises(ValidationError) as error:
        services.scheme_save(
            actor=cast.user("regional"), region=cast.region_a, academic_year=scheme.academic_year, min_hours=1,
            require_program_year=True,
        )  # fmt: skip
    assert "больше не меняются" in str(error.value)


# --- trainings --------------------------------------------------------------------------------------------
def test_curator_enters_training_which_counts_after_confirmation(cast, scheme, curator, year):
    day = training_day(year)
    training, created = services.training_add(
        actor=cast.user("curator"), title="Школа куратора", provider="РНЦ", hours=24, date=day,
        scan=SimpleUploadedFile("udostoverenie.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )  # fmt: skip
    assert created
    assert training.status == TrainingStatus.PENDING
    assert training.scan
    again, created = services.training_add(
        actor=cast.user("curator"), title="Школа  куратора", provider="РНЦ", hours=24, date=day
    )
    assert not created
    assert again.pk == training.pk
    reqs, item = progress(scheme, curator, cast.school_a)
    assert not reqs["hours"].met
    assert item.pending_hours == 24
    assert reqs["hours"].figure == "подтверждено 0 из 36 ч, на подтверждении 24 ч"
    assert "ещё на 12 ч" in reqs["hours"].next_step

    with pytest.raises(PermissionDenied):
        services.training_decide(actor=cast.user("curator"), training=training, confirmed=True)
    with pytest.raises(ValidationError) as error:
        services.training_decide(actor=cast.user("municipal"), training=training, confirmed=False)
    assert "причину" in str(error.value)
    services.training_decide(actor=cast.user("municipal"), training=training, confirmed=True)
    services.training_add(actor=cast.user("curator"), title="Вебинар", provider="ИРО", hours=12, date=day)
    reqs, _ = progress(scheme, curator, cast.school_a)
    assert not reqs["hours"].met
    assert reqs["hours"].figure == "подтверждено 24 из 36 ч, на подтверждении 12 ч"
    assert reqs["hours"].next_step == "Дождитесь, когда координатор подтвердит внесённые курсы."
    second = CuratorTraining.objects.get(title="Вебинар")
    services.training_decide(actor=cast.user("regional"), training=second, confirmed=True)
    reqs, _ = progress(scheme, curator, cast.school_a)
    assert reqs["hours"].met
    assert reqs["hours"].figure == "подтверждено 36 из 36 ч"
    with pytest.raises(ValidationError):
        services.training_delete(actor=cast.user("curator"), training=second)


def test_training_input_is_checked(cast, year):
    actor = cast.user("curator")
    with pytest.raises(ValidationError) as error:
        services.training_add(actor=actor, title="", provider="", hours=0, date=timezone.localdate() + dt.timedelta(1))
    messages = error.value.message_dict
    assert set(messages) == {"title", "provider", "hours", "date"}
    assert "в будущем" in messages["date"][0]
    with pytest.raises(ValidationError) as error:
        services.training_add(
            actor=actor, title="Курс", provider="РНЦ", hours=8, date=training_day(year),
            scan=SimpleUploadedFile("virus.exe", b"MZ"),
        )  # fmt: skip
    assert "PDF, JPG или PNG" in str(error.value)
    for who in ("working_group", "mentor", "regional"):
        with pytest.raises(PermissionDenied):
            services.training_add(actor=cast.user(who), title="Курс", provider="РНЦ", hours=8, date=training_day(year))
    assert not CuratorTraining.objects.exists()


def test_trainings_outside_the_period_do_not_count(cast, scheme, meet, curator, year):
    old = meet.hours(curator, cast.school_a, hours=100, title="Давний курс")
    old.date = year.start_date - dt.timedelta(days=1)
    old.save()
    reqs, _ = progress(scheme, curator, cast.school_a)
    assert not reqs["hours"].met


# --- the other requirements ---------------------------------------------------------------------------------
def test_nothing_done_shows_every_requirement_unmet_with_next_steps(cast, scheme, curator):
    reqs, item = progress(scheme, curator, cast.school_a)
    assert list(reqs) == ["hours", "year", "reports", "case"]
    assert not item.ready
    assert item.met_count == 0
    assert reqs["year"].figure == "программа не утверждена"
    assert reqs["reports"].figure == "отчёта в реестре нет"
    assert "Отчёт о реализации программы" in reqs["reports"].next_step
    assert "библиотеке кейсов" in reqs["case"].next_step


def test_program_year_by_approved_program_and_completed_pair(cast, scheme, curator, year, completed_pair):
    reqs, _ = progress(scheme, curator, cast.school_a)
    assert not reqs["year"].met
    Program.objects.create(
        region=cast.region_a, municipality=cast.municipality_a, organization=cast.school_a, academic_year=year,
        title="Программа", status=ProgramStatus.APPROVED,
    )  # fmt: skip
    reqs, _ = progress(scheme, curator, cast.school_a)
    assert reqs["year"].met
    assert reqs["year"].figure == "программа утверждена, есть завершённые пары"


def test_report_after_the_deadline_does_not_count(cast, scheme, meet, curator, deadline):
    report = meet.report(cast.school_a)
    reqs, _ = progress(scheme, curator, cast.school_a)
    assert reqs["reports"].met
    late = timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(9)))
    IssuedDocument.objects.filter(pk=report.pk).update(created_at=late)
    reqs, _ = progress(scheme, curator, cast.school_a)
    assert not reqs["reports"].met
    assert "позже срока" in reqs["reports"].figure
    meet.report(cast.school_a, generator_id="order_pairs")  # another kind of document does not count
    reqs, _ = progress(scheme, curator, cast.school_a)
    assert not reqs["reports"].met


def test_case_status_required_by_the_scheme(cast, scheme, meet, curator):
    meet.case(cast.school_a, status=CaseStatus.DRAFT)
    reqs, _ = progress(scheme, curator, cast.school_a)
    assert not reqs["case"].met
    assert reqs["case"].next_step == "Отправьте черновик кейса на проверку."
    meet.case(cast.school_a, status=CaseStatus.REGION_REVIEW)
    reqs, _ = progress(scheme, curator, cast.school_a)
    assert reqs["case"].met
    scheme.case_status = "published"
    scheme.save()
    reqs, _ = progress(scheme, curator, cast.school_a)
    assert not reqs["case"].met
    assert "дождитесь публикации" in reqs["case"].next_step
    meet.case(cast.school_b)  # another organisation's case does not count
    reqs, _ = progress(scheme, curator, cast.school_a)
    assert not reqs["case"].met


# --- certificates -------------------------------------------------------------------------------------------
def test_certificate_only_when_all_met_and_once(cast, scheme, meet, curator):
    regional = cast.user("regional")
    meet.hours(curator, cast.school_a)
    with pytest.raises(ValidationError) as error:
        services.certificate_issue(actor=regional, scheme=scheme, person_pk=curator.pk)
    text = str(error.value)
    assert "Сертификат нельзя выдать" in text
    assert "выполнила не все требования" in text
    assert "отчёта в реестре нет" in text
    assert "обучение" not in text.split("(", 1)[1]
    assert not CuratorCertificate.objects.exists()

    meet.year_closed(cast.school_a)
    meet.report(cast.school_a)
    meet.case(cast.school_a)
    certificate, created = services.certificate_issue(actor=regional, scheme=scheme, person_pk=curator.pk)
    assert created
    assert certificate.number == "1"
    again, created = services.certificate_issue(actor=regional, scheme=scheme, person_pk=curator.pk)
    assert not created
    assert again.pk == certificate.pk
    assert CuratorCertificate.objects.count() == 1
    document = IssuedDocument.objects.get(generator_id="curator_certificate")
    assert document.organization == cast.school_a
    assert document.author == regional
    assert document.number == "1"
    assert "Казакова" in document.subject
    assert DocumentVersion.objects.filter(document=document).count() == 1
    assert certificate.summary[0] == ["Обучение: не менее 36 ч", "подтверждено 36 из 36 ч"]


@pytest.mark.parametrize("who", ["curator", "director", "municipal", "mentor", "outsider_regional"])
def test_only_the_regional_coordinator_issues(cast, scheme, meet, curator, who):
    meet.everything(curator, cast.school_a)
    with pytest.raises(PermissionDenied):
        services.certificate_issue(actor=cast.user(who), scheme=scheme, person_pk=curator.pk)
    assert not CuratorCertificate.objects.exists()


def test_revoke_with_a_reason_then_issue_again(cast, scheme, meet, curator):
    regional = cast.user("regional")
    meet.everything(curator, cast.school_a)
    certificate, _ = services.certificate_issue(actor=regional, scheme=scheme, person_pk=curator.pk)
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(actor=cast.user("curator"), certificate=certificate, reason="Сама")
    with pytest.raises(ValidationError) as error:
        services.certificate_revoke(actor=regional, certificate=certificate, reason="  ")
    assert "причину отзыва" in str(error.value)
    services.certificate_revoke(actor=regional, certificate=certificate, reason="Отчёт оказался недостоверным")
    certificate.refresh_from_db()
    assert certificate.revoked_at
    assert certificate.revoke_reason == "Отчёт оказался недостоверным"
    _, item = progress(scheme, curator, cast.school_a)
    assert item.certificate is None
    second, created = services.certificate_issue(actor=regional, scheme=scheme, person_pk=curator.pk)
    assert created
    assert second.pk != certificate.pk
    assert second.number == "2"


def test_issue_for_someone_who_is_not_a_curator_of_the_region(cast, scheme):
    from django.http import Http404

    with pytest.raises(Http404):
        services.certificate_issue(
            actor=cast.user("regional"), scheme=scheme, person_pk=cast.user("outsider").person.pk
        )
    with pytest.raises(Http404):
        services.certificate_issue(actor=cast.user("regional"), scheme=scheme, person_pk=cast.teacher_a.pk)


def test_the_curator_is_told_of_each_decision_of_the_region(cast, scheme, meet, curator):
    from nastavnik.notifications.models import Notification

    regional = cast.user("regional")
    meet.everything(curator, cast.school_a)
    certificate, _ = services.certificate_issue(actor=regional, scheme=scheme, person_pk=curator.pk)
    services.certificate_issue(actor=regional, scheme=scheme, person_pk=curator.pk)  # nothing new: no notification
    services.certificate_revoke(actor=regional, certificate=certificate, reason="Отчёт оказался недостоверным")
    titles = list(
        Notification.objects.filter(recipient=curator, kind="certification_decision")
        .order_by("pk")
        .values_list("title", "text", "url")
    )
    assert titles == [
        (f"Выдан сертификат куратора № {certificate.number}",
         "Сертификат записан в реестр документов вашей организации.", "/certification/my/"),
        (f"Сертификат куратора № {certificate.number} отозван", "Причина: Отчёт оказался недостоверным",
         "/certification/my/"),
    ]  # fmt: skip
