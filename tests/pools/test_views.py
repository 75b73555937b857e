"""The pools pages as people use them: the curator builds the mentor pool from three candidates, the
working group scores them against the nine criteria of seed 001, the curator approves two and marks
their training, and both pools show who is ready for matching; the mentee pool with requests,
third-party information, filters, consent badges and export; the catalogue of requests. Cross-cutting
404/403 checks are in tests/test_access_matrix.py; the score sheet, which the working group may
write, is checked here."""

from __future__ import annotations

import io
import re

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from nastavnik.pools import services
from nastavnik.pools.models import (
    CRITERION_CODES,
    CriterionScore,
    MenteeEntry,
    MenteeStatus,
    MentorEntry,
    MentorStatus,
    RequestCategory,
    ThirdPartyNote,
    Training,
    TrainingAttendance,
)

from .conftest import give_consent

HX = {"HTTP_HX_REQUEST": "true"}


def _content(response) -> str:
    return response.content.decode()


def _args(cast, year) -> list:
    return [cast.school_a.pk, year.start_year]


def _score_post(score=2, **overrides) -> dict:
    data = {f"score_{code}": str(score) for code in CRITERION_CODES}
    data |= {f"comment_{code}": "" for code in CRITERION_CODES}
    data |= overrides
    return data


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def _today(year):
    return max(year.start_date, timezone.localdate())


# --- the main scenario ----------------------------------------------------------------------------------
def test_curator_and_working_group_select_and_train_mentors(
    client_for, cast, year, teacher_pupil, make_teacher, make_pupil
):
    """Seed 000 roadmap 3.3–4.4 and seed 001: three candidates, scored by the working group, two approved
    and trained; both pools then show how many are ready for matching."""
    teachers = [make_teacher(last_name=name) for name in ("Алексеева", "Борисова", "Васильева")]
    for teacher in teachers:
        give_consent(teacher)
    client = client_for("curator")
    add_url = reverse("pools:mentor_add", args=_args(cast, year))
    page = _content(client.get(add_url))
    assert "Добавить кандидата в наставники" in page
    assert "Алексеева" in page
    entries = []
    for index, teacher in enumerate(teachers):
        response = client.post(
            add_url,
            {
                "person": teacher.pk,
                "form": teacher_pupil.pk,
                "competencies": "Подготовка к ОГЭ, олимпиадная математика",
                "topics": "алгебра\nгеометрия",
                "capacity": str(index + 1),
                "availability": "вторник после уроков",
                "preferred_format": "in_person",
                "source": "questionnaire",
                "source_note": "анкета наставника от 20.10",
            },
        )
        entry = MentorEntry.objects.get(person=teacher)
        assert response.status_code == 302
        assert response["Location"] == reverse("pools:mentor_detail", args=[entry.pk])
        entries.append(entry)
    assert entries[2].capacity == 3
    assert entries[0].topics == ["алгебра", "геометрия"]

    # the working group evaluates every candidate with the nine criteria of seed 001
    group = client_for("working_group")
    card = _content(group.get(reverse("pools:mentor_detail", args=[entries[0].pk])))
    assert "Заполнить оценочный лист" in card
    assert reverse("pools:mentor_edit", args=[entries[0].pk]) not in card  # nothing else to change
    sheet = _content(group.get(reverse("pools:mentor_score", args=[entries[0].pk])))
    for criterion in (
        "Желание участвовать в программе", "Профессиональный опыт", "Развитые профессиональные компетенции",
        "Навыки коммуникации", "Ресурс времени", "Положительный жизненный и профессиональный опыт",
        "Соответствие запросам наставляемых", "Активная гражданская позиция", "Мотивация",
    ):  # fmt: skip
        assert criterion in sheet
    incomplete = _score_post()
    del incomplete["score_motivation"]
    response = group.post(reverse("pools:mentor_score", args=[entries[0].pk]), incomplete)
    assert response.status_code == 200
    assert "Оцените критерий «Мотивация»" in _content(response)
    for entry, score in zip(entries, (3, 2, 1), strict=True):
        response = group.post(
            reverse("pools:mentor_score", args=[entry.pk]), _score_post(score, comment_desire="сама вызвалась")
        )
        assert response.status_code == 302
    assert CriterionScore.objects.count() == 27
    assert (
        group.post(reverse("pools:mentor_decision", args=[entries[0].pk]), {"decision": "approve"}).status_code == 403
    )

    # the curator sees the sheets and decides: two approved, one declined
    client = client_for("curator")
    card = _content(client.get(reverse("pools:mentor_detail", args=[entries[0].pk])))
    assert "сама вызвалась" in card
    assert "3,0" in card
    today = _today(year).isoformat()
    for entry in entries[:2]:
        response = client.post(
            reverse("pools:mentor_decision", args=[entry.pk]), {"decision": "approve", "date": today}, follow=True
        )
        assert "Решение принято: одобрен" in _messages(response)
    client.post(
        reverse("pools:mentor_decision", args=[entries[2].pk]),
        {"decision": "decline", "date": today, "comment": "Не хватает времени"},
    )
    statuses = dict(MentorEntry.objects.values_list("person__last_name", "status"))
    assert statuses == {"Алексеева": "approved", "Борисова": "approved", "Васильева": "declined"}

    # training with a program, then attendance
    response = client.post(
        reverse("pools:training_create", args=_args(cast, year)),
        {"title": "Школа наставника", "date": today, "place": "Актовый зал", "trainer": "РНЦ", "program": "1. Роль"},
    )
    training = Training.objects.get()
    assert response["Location"] == reverse("pools:training_detail", args=[training.pk])
    page = _content(client.get(reverse("pools:training_detail", args=[training.pk])))
    assert "Алексеева" in page
    assert "Борисова" in page
    assert "Васильева" not in page
    response = client.post(
        reverse("pools:training_attendance", args=[training.pk]),
        {"attended": [str(e.pk) for e in entries[:2]]},
        follow=True,
    )
    assert "Прошли обучение" in _messages(response)
    assert set(MentorEntry.objects.filter(status=MentorStatus.TRAINED).values_list("pk", flat=True)) == {
        entries[0].pk,
        entries[1].pk,
    }

    # a mentee ready too; both pools show «ready for matching»
    pupil = make_pupil()
    give_consent(pupil)
    mentee = services.mentee_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=pupil, form=teacher_pupil,
        request_text="Подтянуть математику",
    )  # fmt: skip
    services.mentee_set_status(actor=cast.user("curator"), entry=mentee, status=MenteeStatus.INCLUDED)
    for name in ("mentor_list", "mentee_list", "overview"):
        page = _content(client.get(reverse(f"pools:{name}", args=_args(cast, year))))
        counts = {
            label: int(number)
            for number, label in re.findall(r'<div class="stat[^"]*">(\d+)</div><div class="stat-label">([^<]+)<', page)
        }
        assert counts["наставников готовы к подбору пар"] == 2, name
        assert counts["наставляемых готовы к подбору пар"] == 1, name
        assert counts["мест у готовых наставников"] == 3, name  # capacities 1 + 2


def test_working_group_scores_but_participants_cannot(client_for, cast, year, teacher_pupil, make_teacher):
    entry = services.mentor_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=make_teacher(),
        form=teacher_pupil,
    )  # fmt: skip
    url = reverse("pools:mentor_score", args=[entry.pk])
    for name in ("mentor", "mentee", "guardian", "no_role"):
        client = client_for(name)
        assert client.get(url).status_code == 403
        assert client.post(url, _score_post()).status_code == 403
    regional = client_for("regional")
    assert regional.get(url).status_code == 200  # coordinators read
    assert regional.post(url, _score_post()).status_code == 403
    assert client_for("outsider").post(url, _score_post()).status_code == 404
    assert not CriterionScore.objects.exists()
    assert client_for("working_group").post(url, _score_post()).status_code == 302
    assert CriterionScore.objects.filter(scored_by=cast.user("working_group")).count() == 9


def test_approve_without_score_sheet_is_refused_with_a_message(client_for, cast, year, teacher_pupil, make_teacher):
    teacher = make_teacher()
    give_consent(teacher)
    entry = services.mentor_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=teacher, form=teacher_pupil
    )
    client = client_for("curator")
    card = _content(client.get(reverse("pools:mentor_detail", args=[entry.pk])))
    assert "Сначала заполните оценочный лист по критериям отбора" in card
    response = client.post(
        reverse("pools:mentor_decision", args=[entry.pk]),
        {"decision": "approve", "date": _today(year).isoformat()},
        follow=True,
    )
    assert "Сначала заполните оценочный лист по критериям отбора" in _messages(response)
    entry.refresh_from_db()
    assert entry.status == MentorStatus.CANDIDATE


# --- mentee pool ------------------------------------------------------------------------------------------
def test_curator_builds_the_mentee_pool(client_for, cast, year, teacher_pupil, make_pupil):
    """Roadmap 2.1–2.3: add from a questionnaire, requests from the catalogue, a psychologist's note, consent."""
    pupil = make_pupil(last_name="Григорьева", class_name="5А")
    client = client_for("curator")
    low, gifted = (
        RequestCategory.objects.get(name="Низкие образовательные результаты"),
        RequestCategory.objects.get(name="Одарённость / подготовка к олимпиадам"),
    )
    response = client.post(
        reverse("pools:mentee_add", args=_args(cast, year)),
        {
            "person": pupil.pk,
            "form": teacher_pupil.pk,
            "categories": [low.pk],
            "request_text": "Трудно даётся математика",
            "preferred_format": "any",
            "source": "questionnaire",
        },
    )
    entry = MenteeEntry.objects.get(person=pupil)
    assert response["Location"] == reverse("pools:mentee_detail", args=[entry.pk])
    again = client.post(
        reverse("pools:mentee_add", args=_args(cast, year)),
        {"person": pupil.pk, "form": teacher_pupil.pk, "preferred_format": "any", "source": "questionnaire"},
    )
    assert again.status_code == 200
    assert "уже в базе наставляемых" in _content(again)

    detail = reverse("pools:mentee_detail", args=[entry.pk])
    card = _content(client.get(detail))
    assert "нет согласия" in card
    assert "Низкие образовательные результаты" in card
    response = client.post(reverse("pools:mentee_status", args=[entry.pk]), {"status": "included"}, follow=True)
    assert "нет действующего согласия на обработку персональных данных" in _messages(response)

    response = client.post(
        reverse("pools:note_add", args=[entry.pk]),
        {
            "author_role": "psychologist",
            "author_name": "Орлова Елена Викторовна",
            "date": _today(year).isoformat(),
            "text": "Тревожность на контрольных работах",
        },
        follow=True,
    )
    assert "Сведения третьих лиц добавлены" in _messages(response)
    card = _content(client.get(detail))
    assert "Педагог-психолог: Орлова Елена Викторовна" in card

    client.post(
        reverse("pools:mentee_edit", args=[entry.pk]),
        {
            "categories": [low.pk, gifted.pk],
            "request_text": "Олимпиада",
            "preferred_format": "remote",
            "source": "third_party",
        },
    )
    entry.refresh_from_db()
    assert set(entry.categories.all()) == {low, gifted}
    assert entry.preferred_format == "remote"

    give_consent(pupil)
    client.post(reverse("pools:mentee_status", args=[entry.pk]), {"status": "included"})
    entry.refresh_from_db()
    assert entry.status == MenteeStatus.INCLUDED
    assert "согласие" in _content(client.get(detail))

    note = ThirdPartyNote.objects.get()
    assert client_for("working_group").post(reverse("pools:note_delete", args=[note.pk])).status_code == 403
    client_for("curator").post(reverse("pools:note_delete", args=[note.pk]))
    assert not ThirdPartyNote.objects.exists()


def test_mentee_list_filters_and_consent_badges(client_for, cast, year, forms, make_pupil):
    low = RequestCategory.objects.get(name="Низкие образовательные результаты")
    choice = RequestCategory.objects.get(name="Выбор профессии")
    with_consent = make_pupil(last_name="Дроздова", class_name="5А")
    give_consent(with_consent)
    for person, form, category in (
        (with_consent, forms["teacher_pupil"], low),
        (make_pupil(last_name="Егорова", class_name="7Б"), forms["pupil_pupil"], choice),
    ):
        services.mentee_add(
            actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=person, form=form,
            categories=[category],
        )  # fmt: skip
    client = client_for("working_group")  # reads the pools
    url = reverse("pools:mentee_list", args=_args(cast, year))
    page = _content(client.get(url))
    assert "Дроздова" in page
    assert "Егорова" in page
    assert page.count("нет согласия") >= 1
    assert "bi-shield-check" in page
    assert reverse("pools:mentee_add", args=_args(cast, year)) not in page
    only = _content(client.get(url, {"class_name": "7Б"}))
    assert "Егорова" in only
    assert "Дроздова" not in only
    only = _content(client.get(url, {"category": low.pk}))
    assert "Дроздова" in only
    assert "Егорова" not in only
    only = _content(client.get(url, {"form": forms["pupil_pupil"].pk, "status": "candidate"}))
    assert "Егорова" in only
    assert "Дроздова" not in only
    partial = _content(client.get(url, {"q": "дрозд"}, **HX))
    assert "<html" not in partial
    assert "Дроздова" in partial
    assert "Егорова" not in partial


@pytest.mark.parametrize("pool", ["mentee", "mentor"])
def test_list_pages_take_a_fixed_number_of_queries(
    client_for, cast, year, teacher_pupil, make_teacher, make_pupil, pool
):
    client = client_for("curator")
    url = reverse(f"pools:{pool}_list", args=_args(cast, year))
    categories = list(RequestCategory.objects.filter(region=None)[:3])

    def add(n, offset):
        for i in range(n):
            if pool == "mentee":
                person = make_pupil(last_name=f"Ученица{offset + i}", class_name=f"{5 + i % 3}А")
                entry = services.mentee_add(
                    actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=person,
                    form=teacher_pupil, categories=categories,
                )  # fmt: skip
                services.note_add(
                    actor=cast.user("curator"), entry=entry, author_role="teacher", author_name="Учитель",
                    text="Отзыв", date=_today(year), today=_today(year),
                )  # fmt: skip
            else:
                person = make_teacher(last_name=f"Учительница{offset + i}")
                entry = services.mentor_add(
                    actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=person,
                    form=teacher_pupil, topics=["тема"],
                )  # fmt: skip
                services.score_sheet_save(
                    actor=cast.user("working_group"), entry=entry, scores=dict.fromkeys(CRITERION_CODES, (2, ""))
                )
            if i % 2:
                give_consent(person)

    add(5, 0)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(10, 100)
    with CaptureQueriesContext(connection) as large:
        page = _content(client.get(url))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert "Найдено: 15" in page


# --- export -----------------------------------------------------------------------------------------------
def test_export_follows_the_filters_and_is_audited(client_for, cast, year, forms, make_pupil):
    for last_name, form in (("Жукова", forms["teacher_pupil"]), ("Зуева", forms["pupil_pupil"])):
        services.mentee_add(
            actor=cast.user("curator"), organization=cast.school_a, academic_year=year,
            person=make_pupil(last_name=last_name), form=form, categories=[],
        )  # fmt: skip
    client = client_for("working_group")
    response = client.get(reverse("pools:mentee_export", args=_args(cast, year)), {"form": forms["pupil_pupil"].pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(names) == 1
    assert names[0].startswith("Зуева")
    log = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert log.actor == cast.user("working_group")
    assert log.additional_data["rows"] == 1

    response = client.get(reverse("pools:mentor_export", args=_args(cast, year)))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1
    assert sheet["A1"].font.bold


# --- training materials -------------------------------------------------------------------------------------
def test_training_materials_upload_and_download(client_for, cast, year, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    training = services.training_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, title="Школа", date=_today(year)
    )
    client = client_for("curator")
    upload = SimpleUploadedFile("pamyatka.txt", "Памятка наставнику".encode(), content_type="text/plain")
    response = client.post(
        reverse("pools:material_add", args=[training.pk]), {"title": "Памятка наставнику", "file": upload}, follow=True
    )
    assert "Материал «Памятка наставнику» добавлен" in _messages(response)
    client.post(reverse("pools:material_add", args=[training.pk]), {"url": "https://example.ru/metodichka.pdf"})
    material = training.materials.get(title="Памятка наставнику")
    page = _content(client.get(reverse("pools:training_detail", args=[training.pk])))
    assert reverse("pools:material_download", args=[material.pk]) in page
    assert "https://example.ru/metodichka.pdf" in page
    download = client_for("working_group").get(reverse("pools:material_download", args=[material.pk]))
    assert b"".join(download.streaming_content).decode() == "Памятка наставнику"
    assert client_for("outsider").get(reverse("pools:material_download", args=[material.pk])).status_code == 404
    client = client_for("curator")
    response = client.post(reverse("pools:material_add", args=[training.pk]), {"title": "Пусто"}, follow=True)
    assert "Приложите файл или укажите ссылку" in _messages(response)
    client.post(reverse("pools:material_delete", args=[material.pk]))
    assert training.materials.count() == 1


def test_attendance_is_marked_only_by_managers(client_for, cast, year, teacher_pupil, make_teacher):
    training = services.training_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, title="Школа", date=_today(year)
    )
    entry = services.mentor_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=make_teacher(),
        form=teacher_pupil,
    )  # fmt: skip
    url = reverse("pools:training_attendance", args=[training.pk])
    assert client_for("working_group").post(url, {"attended": [entry.pk]}).status_code == 403
    page = _content(client_for("working_group").get(reverse("pools:training_detail", args=[training.pk])))
    assert "disabled" in page
    assert "Сохранить посещение" not in page
    client_for("curator").post(url, {"attended": [entry.pk]})
    assert TrainingAttendance.objects.get().attended


# --- catalogue, index, other pages ------------------------------------------------------------------------------
def test_catalogue_of_requests(client_for, cast):
    url = reverse("pools:category_list")
    page = _content(client_for("curator").get(url))
    assert "Адаптация молодого педагога" in page
    assert "Новая категория" not in page
    assert client_for("curator").post(url, {"name": "Хочу свою"}).status_code == 403
    assert client_for("mentor").get(url).status_code == 403
    client = client_for("regional")
    response = client.post(
        url, {"name": "Подготовка к ЕГЭ", "region": cast.region_a.pk, "sort_order": "50", "is_active": "on"}
    )
    assert response.status_code == 302
    category = RequestCategory.objects.get(name="Подготовка к ЕГЭ")
    assert category.region == cast.region_a
    response = client.post(url, {"name": "подготовка к егэ", "region": cast.region_a.pk, "sort_order": "50"})
    assert "уже есть в каталоге" in _content(response)
    edit = reverse("pools:category_edit", args=[category.pk])
    client.post(edit, {"name": "Подготовка к ЕГЭ и ОГЭ", "sort_order": "5"})
    category.refresh_from_db()
    assert category.name == "Подготовка к ЕГЭ и ОГЭ"
    assert not category.is_active
    default = RequestCategory.objects.get(name="Выбор профессии")
    assert client.post(reverse("pools:category_edit", args=[default.pk]), {"name": "x"}).status_code == 403
    assert "Подготовка к ЕГЭ" not in _content(client_for("outsider").get(url))
    admin = client_for("admin")
    admin.post(url, {"name": "Общая новая", "region": "", "sort_order": "1", "is_active": "on"})
    assert RequestCategory.objects.get(name="Общая новая").region is None


def test_index_and_pages_render_for_each_reader(client_for, cast, year, teacher_pupil, make_teacher, make_pupil):
    mentor = services.mentor_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=make_teacher(),
        form=teacher_pupil,
    )  # fmt: skip
    mentee = services.mentee_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=make_pupil(),
        form=teacher_pupil,
    )  # fmt: skip
    training = services.training_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, title="Школа", date=_today(year)
    )
    response = client_for("curator").get(reverse("pools:index"))
    assert response["Location"] == reverse("pools:overview", args=_args(cast, year))
    assert "Ершовская СОШ" in _content(client_for("regional").get(reverse("pools:index")))
    urls = [
        reverse(f"pools:{name}", args=_args(cast, year))
        for name in (
            "overview",
            "mentee_list",
            "mentor_list",
            "training_list",
            "mentee_add",
            "mentor_add",
            "training_create",
        )
    ] + [
        reverse("pools:mentee_detail", args=[mentee.pk]),
        reverse("pools:mentee_edit", args=[mentee.pk]),
        reverse("pools:mentor_detail", args=[mentor.pk]),
        reverse("pools:mentor_edit", args=[mentor.pk]),
        reverse("pools:mentor_score", args=[mentor.pk]),
        reverse("pools:training_detail", args=[training.pk]),
        reverse("pools:training_edit", args=[training.pk]),
    ]
    for name in ("curator", "director", "admin"):
        client = client_for(name)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (name, url)
            assert "style=" not in _content(response), url  # strict CSP: no inline styles
            assert "<script>" not in _content(response), url  # …nor inline scripts
    reader = client_for("regional")
    for url in urls:
        expected = 403 if url.endswith(("/add/", "/new/", "/edit/")) else 200
        assert reader.get(url).status_code == expected, url


def test_mentor_card_edits_competencies_capacity_availability(client_for, cast, year, teacher_pupil, make_teacher):
    entry = services.mentor_add(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=make_teacher(),
        form=teacher_pupil,
    )  # fmt: skip
    client = client_for("curator")
    url = reverse("pools:mentor_edit", args=[entry.pk])
    response = client.post(url, {"capacity": "0", "preferred_format": "any", "source": "nomination"})
    assert response.status_code == 200
    assert "is-invalid" in _content(response)
    client.post(
        url,
        {
            "competencies": "Руководитель ШМО",
            "topics": "проектная деятельность\nпубличные выступления",
            "capacity": "4",
            "availability": "среда",
            "preferred_format": "remote",
            "source": "nomination",
            "source_note": "методсовет",
        },
    )
    entry.refresh_from_db()
    assert (entry.capacity, entry.availability, entry.preferred_format) == (4, "среда", "remote")
    assert entry.topics == ["проектная деятельность", "публичные выступления"]
    client.post(reverse("pools:mentor_status", args=[entry.pk]), {"status": "left", "reason": "Переезд"})
    entry.refresh_from_db()
    assert entry.status == MentorStatus.LEFT
    assert entry.status_reason == "Переезд"
