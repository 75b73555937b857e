"""Import of participant lists as a curator uses it: upload, columns and preview, run, progress, report."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from nastavnik.core.text import years_before
from nastavnik.people import import_services, imports
from nastavnik.people.models import Category, ImportJob, ImportMapping, ImportStatus, Person

from .test_imports import csv_bytes, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _run_inline(monkeypatch):
    """The run starts in a thread after the commit; here it runs at once, in the test's transaction."""
    monkeypatch.setattr(
        import_services, "start_worker", lambda job_id: import_services.run_job(job_id, close_connections=False)
    )


def _content(response) -> str:
    return response.content.decode()


def messy_class_list(today: dt.date) -> bytes:
    """A 7Б class list as a school keeps it: a title over merged cells, the header on row 3, blank
    rows, «7 Б» and «7б», dates as text and as Excel dates, ФИО in one column in any case, a merged
    class cell, a formula without a saved value."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "7Б"
    sheet["A1"] = "Список обучающихся 7 «Б» класса МБОУ «Ершовская СОШ»"
    sheet.merge_cells("A1:E1")
    rows = {
        3: ["№ п/п", "ФИО обучающегося", "Дата рождения", "Класс", "Пол"],
        4: [1, "Белова Ольга Ивановна", "01.09.2012", "7 Б", "ж"],
        5: [2, "ГРОМОВ артём сергеевич", dt.datetime.combine(dt.date(2012, 3, 15), dt.time()), "7б", None],
        7: [3, "Дёмина Алёна Павловна", "2012-05-20", "7Б", "Ж"],
        8: [4, "Егоров Илья Олегович", "1.2.2012", "7 Б", "м"],
        9: [5, "Жукова Вера Андреевна", "20/11/2011", None, "ж"],  # class merged with the row above
        10: [6, "Зуев Марк Ильич", "=DATE(2012,1,1)", "7Б", "м"],  # a formula without a saved value
        12: [7, "Иванова Мария Петровна", f"{years_before(today, 13) - dt.timedelta(days=10):%d.%m.%Y}", "7Б", "ж"],
    }
    for number, values in rows.items():
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=number, column=column, value=value)
    sheet.merge_cells("D8:D9")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, cast, data: bytes, name="7Б.xlsx", category=Category.PUPIL, organization=None):
    upload = SimpleUploadedFile(name, data, content_type=XLSX)
    organization = organization or cast.school_a
    return client.post(
        reverse("people:import_upload"),
        {"organization": organization.pk, "file": upload, "default_category": category},
    )


def _run(client, job, *, skip=False, django_capture_on_commit_callbacks=None):
    data = {"skip_bad_rows": "on"} if skip else {}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("people:import_run", args=[job.pk]), data)


def _latest_job():
    return ImportJob.objects.latest("id")


# --- the whole way -----------------------------------------------------------------------------------
def test_messy_class_list_preview_marks_every_bad_cell(client_for, cast):
    client = client_for("curator")
    response = _upload(client, cast, messy_class_list(timezone.localdate()))
    job = _latest_job()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:import_preview", args=[job.pk])
    assert (job.total_rows, job.error_rows) == (7, 1)
    assert job.forecast == {"create": 5, "update": 0, "same": 1}  # Иванова Мария is already in the list
    assert job.headers[:2] == ["№ п/п", "ФИО обучающегося"]
    page = _content(client.get(response["Location"]))
    assert "заголовки в строке 3" in page
    assert 'class="table-danger" title="Формула без сохранённого значения' in page
    assert '<th scope="row" class="text-secondary">10</th>' in page
    assert "пропустить строки с ошибками" in page
    assert Person.objects.filter(organization=cast.school_a, last_name="Белова").count() == 0  # nothing written yet


def test_nothing_is_written_while_errors_remain(client_for, cast, django_capture_on_commit_callbacks):
    client = client_for("curator")
    _upload(client, cast, messy_class_list(timezone.localdate()))
    job = _latest_job()
    before = Person.objects.count()
    response = _run(client, job, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:import_preview", args=[job.pk])
    page = _content(client.get(response["Location"]))
    assert "отметьте «пропустить строки с ошибками»" in page
    assert Person.objects.count() == before
    job.refresh_from_db()
    assert job.status == ImportStatus.NEW


def test_skipping_bad_rows_imports_the_rest_and_reports(client_for, cast, django_capture_on_commit_callbacks):
    client = client_for("curator")
    _upload(client, cast, messy_class_list(timezone.localdate()))
    job = _latest_job()
    response = _run(client, job, skip=True, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("people:import_status", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    assert (job.created_count, job.updated_count, job.unchanged_count, job.skipped_count) == (5, 0, 1, 1)
    assert not job.file  # the list holds personal data: not kept once imported
    people = {p.last_name: p for p in Person.objects.filter(organization=cast.school_a, category=Category.PUPIL)}
    assert people["Громов"].first_name == "Артём"
    assert people["Громов"].birth_date == dt.date(2012, 3, 15)
    assert people["Громов"].gender == "m"  # from the patronymic
    assert people["Белова"].class_name == "7Б"
    assert people["Белова"].birth_date == dt.date(2012, 9, 1)
    assert people["Жукова"].class_name == ""  # the merged cell
    assert people["Егоров"].birth_date == dt.date(2012, 2, 1)
    assert people["Белова"].fio_key == "белова ольга ивановна"
    assert people["Белова"].region_id == cast.region_a.pk
    assert people["Белова"].municipality_id == cast.municipality_a.pk
    assert "Зуев" not in people
    assert Person.objects.filter(organization=cast.school_a, last_name="Иванова", first_name="Мария").count() == 1
    entry = LogEntry.objects.get_for_object(people["Белова"]).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == cast.user("curator")
    assert entry.changes["last_name"] == ["None", "Белова"]
    report = _content(client.get(reverse("people:import_report", args=[job.pk])))
    assert "добавлено" in report
    assert "Формула без сохранённого значения" in report
    assert "Белова Ольга Ивановна" in report
    status = _content(client.get(reverse("people:import_status", args=[job.pk]), HTTP_HX_REQUEST="true"))
    assert "Импорт завершён" in status
    assert "hx-trigger" not in status  # polling stops
    assert "<html" not in status


def test_the_same_file_twice_changes_nothing(client_for, cast, django_capture_on_commit_callbacks):
    client = client_for("curator")
    data = messy_class_list(timezone.localdate())
    capture = django_capture_on_commit_callbacks
    _upload(client, cast, data)
    _run(client, _latest_job(), skip=True, django_capture_on_commit_callbacks=capture)
    count, entries = Person.objects.count(), LogEntry.objects.count()
    _upload(client, cast, data)
    second = _latest_job()
    assert second.forecast == {"create": 0, "update": 0, "same": 6}
    _run(client, second, skip=True, django_capture_on_commit_callbacks=capture)
    second.refresh_from_db()
    assert second.status == ImportStatus.DONE
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 6)
    assert Person.objects.count() == count
    assert LogEntry.objects.count() == entries


def test_a_changed_row_updates_only_what_changed(client_for, cast, django_capture_on_commit_callbacks):
    client = client_for("curator")
    capture = django_capture_on_commit_callbacks
    rows = [["ФИО", "Дата рождения", "Класс", "Телефон"], ["Белова Ольга Ивановна", "01.09.2012", "7Б", ""]]
    _upload(client, cast, xlsx_bytes(rows))
    _run(client, _latest_job(), django_capture_on_commit_callbacks=capture)
    person = Person.objects.get(last_name="Белова")
    person.email = "belova@example.ru"  # entered by hand: an empty cell of the file must not erase it
    person.save()
    rows[1][2:] = ["8 Б", "+7 900 000-00-01"]
    _upload(client, cast, xlsx_bytes(rows))
    job = _latest_job()
    assert job.forecast == {"create": 0, "update": 1, "same": 0}
    _run(client, job, django_capture_on_commit_callbacks=capture)
    job.refresh_from_db()
    assert (job.created_count, job.updated_count) == (0, 1)
    person.refresh_from_db()
    assert (person.class_name, person.phone, person.email) == ("8Б", "+7 900 000-00-01", "belova@example.ru")
    assert "8б" in person.search_key
    assert job.details[0]["changes"] == ["класс или группа", "телефон"]
    entry = LogEntry.objects.get_for_object(person).get(additional_data__import_job_id=job.pk)
    assert entry.changes == {"class_name": ["7Б", "8Б"], "phone": ["", "+7 900 000-00-01"]}


def test_matching_by_external_id(client_for, cast, django_capture_on_commit_callbacks):
    client = client_for("curator")
    capture = django_capture_on_commit_callbacks
    rows = [
        ["ID", "Фамилия", "Имя", "Отчество", "Дата рождения"],
        ["A-17", "Белова", "Ольга", "Ивановна", "01.09.2012"],
    ]
    _upload(client, cast, xlsx_bytes(rows))
    _run(client, _latest_job(), django_capture_on_commit_callbacks=capture)
    rows[1][1] = "Белова-Смирнова"  # married name: the same person by her id
    _upload(client, cast, xlsx_bytes(rows))
    _run(client, _latest_job(), django_capture_on_commit_callbacks=capture)
    person = Person.objects.get(external_id="A-17")
    assert person.last_name == "Белова-Смирнова"
    assert Person.objects.filter(first_name="Ольга", patronymic="Ивановна").count() == 1


def test_csv_in_cp1251_with_semicolons(client_for, cast, django_capture_on_commit_callbacks):
    client = client_for("curator")
    rows = [
        ["Фамилия", "Имя", "Отчество", "Дата рождения", "Должность", "Предмет", "Эл. почта"],
        ["Сёмина", "Ирина", "Юрьевна", "12.04.1985", "учитель", "математика", "Semina@School.ru"],
    ]
    response = _upload(client, cast, csv_bytes(rows, encoding="cp1251"), name="педагоги.csv", category=Category.STAFF)
    assert response.status_code == 302
    _run(client, _latest_job(), django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    person = Person.objects.get(last_name="Сёмина")
    assert (person.category, person.subject, person.email, person.gender) == (
        Category.STAFF,
        "математика",
        "semina@school.ru",
        "f",
    )


# --- bad files: a clear Russian message, never a 500, nothing kept -------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000, "защищён.xlsx", "Файл защищён паролем"),
        (PNG, "список.xlsx", "не является таблицей XLSX или CSV"),
        (b"", "пустой.xlsx", "Файл пустой"),
        (b"PK\x03\x04garbage", "битый.xlsx", "повреждён"),
        (xlsx_bytes([["Список"], ["Иванова Мария"]]), "без заголовка.xlsx", "Не найдена строка заголовков"),
        (xlsx_bytes([["ФИО", "Класс"]]), "только шапка.xlsx", "нет ни одной строки с данными"),
    ],
)
def test_bad_files_are_explained(client_for, cast, data, name, message):
    client = client_for("curator")
    response = _upload(client, cast, data, name=name)
    assert response.status_code == 200
    assert message in _content(response)
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit(client_for, cast, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 1000)
    response = _upload(client_for("curator"), cast, b"x" * 2000, name="огромный.xlsx")
    assert "Файл больше 50 МБ" in _content(response)
    assert not ImportJob.objects.exists()


def test_a_file_that_breaks_during_the_run_writes_nothing(client_for, cast, django_capture_on_commit_callbacks):
    client = client_for("curator")
    _upload(client, cast, xlsx_bytes([["ФИО", "Пол"], ["Белова Ольга Ивановна", "ж"]]))
    job = _latest_job()
    job.file.save("broken.xlsx", io.BytesIO(PNG), save=True)  # the stored file was damaged meanwhile
    _run(client, job, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "Ничего не записано" in job.message
    assert not Person.objects.filter(last_name="Белова").exists()
    assert "не является таблицей" in _content(client.get(reverse("people:import_report", args=[job.pk])))


def test_a_run_that_meets_errors_rolls_back_everything(client_for, cast):
    """The preview saw no error, but the list changed before the run: the whole run is undone."""
    client = client_for("curator")
    rows = [["ФИО", "Дата рождения", "Пол"], ["Белова Ольга Ивановна", "01.09.2012", "ж"]]
    rows += [["Громов Артём Сергеевич", "02.09.2012", "м"], ["Дёмина Алёна Павловна", "", "ж"]]
    _upload(client, cast, xlsx_bytes(rows))
    job = _latest_job()
    for first_name in ("Алёна", "Алена"):  # two «Дёмина Алёна Павловна» without a birth date: ambiguous
        Person.objects.create(
            organization=cast.school_a, municipality=cast.municipality_a, region=cast.region_a,
            last_name="Дёмина", first_name=first_name, patronymic="Павловна", gender="f", category="pupil",
            fio_key="демина алена павловна", search_key="демина алена павловна",
        )  # fmt: skip
    import_services.import_run(job=job, skip_bad_rows=False)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert not Person.objects.filter(last_name__in=["Белова", "Громов"]).exists()
    assert "несколько участников «Дёмина Алёна Павловна»" in job.errors[0]["message"]


def test_unconfirmed_uploads_are_deleted_after_a_week(client_for, cast):
    client = client_for("curator")
    _upload(client, cast, xlsx_bytes([["ФИО", "Пол"], ["Белова Ольга Ивановна", "ж"]]))
    old = _latest_job()
    path = old.file.path
    ImportJob.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=8))
    _upload(client, cast, xlsx_bytes([["ФИО", "Пол"], ["Громов Артём Сергеевич", "м"]]))
    old.refresh_from_db()
    assert not old.file
    assert not Path(path).exists()
    assert _latest_job().file


# --- mapping ---------------------------------------------------------------------------------------------
def test_columns_are_mapped_once_and_remembered(client_for, cast):
    client = client_for("curator")
    rows = [["Ученик", "Д/р", "Класс"], ["Белова Ольга Ивановна", "01.09.2012", "7Б"]]
    _upload(client, cast, xlsx_bytes(rows))
    job = _latest_job()
    assert job.mapping == {"birth_date": 1, "class_name": 2}
    page = _content(client.get(reverse("people:import_preview", args=[job.pk])))
    assert "Укажите, в каком столбце ФИО" in page
    response = client.post(
        reverse("people:import_preview", args=[job.pk]), {"full_name": "0", "birth_date": "1", "class_name": "2"}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.mapping == {"full_name": 0, "birth_date": 1, "class_name": 2}
    assert (job.total_rows, job.error_rows) == (1, 0)
    assert ImportMapping.objects.filter(organization=cast.school_a).count() == 1
    _upload(client, cast, xlsx_bytes([*rows, ["Громов Артём Сергеевич", "02.09.2012", "7Б"]]), name="7Б-2.xlsx")
    again = _latest_job()
    assert again.mapping == {"full_name": 0, "birth_date": 1, "class_name": 2}
    page = _content(client.get(reverse("people:import_preview", args=[again.pk])))
    assert "Сопоставление запомнено" in page


def test_a_column_chosen_twice_is_explained(client_for, cast):
    client = client_for("curator")
    _upload(client, cast, xlsx_bytes([["ФИО", "Класс"], ["Белова Ольга Ивановна", "7Б"]]))
    job = _latest_job()
    response = client.post(reverse("people:import_preview", args=[job.pk]), {"full_name": "0", "class_name": "0"})
    page = _content(client.get(response["Location"]))
    assert "выбран дважды" in page
    assert "disabled" in page  # the import button is off until the columns are right


# --- progress -----------------------------------------------------------------------------------------------
def test_status_page_polls_while_the_job_runs(client_for, cast):
    client = client_for("curator")
    _upload(client, cast, xlsx_bytes([["ФИО", "Пол"], ["Белова Ольга Ивановна", "ж"]]))
    job = _latest_job()
    job.status, job.processed_rows, job.total_rows = ImportStatus.RUNNING, 1, 4
    job.save()
    page = _content(client.get(reverse("people:import_status", args=[job.pk])))
    assert 'hx-trigger="every 1s"' in page
    assert 'aria-valuenow="25"' in page
    assert 'width="25%"' in page
    assert "<html" in page
    partial = _content(client.get(reverse("people:import_status", args=[job.pk]), HTTP_HX_REQUEST="true"))
    assert "<html" not in partial
    assert 'hx-trigger="every 1s"' in partial
    # a job silent for long is shown as interrupted and may be started again
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    stale = _content(client.get(reverse("people:import_status", args=[job.pk])))
    assert "похоже, прерван" in stale
    assert "every 1s" not in stale


def test_progress_is_counted_every_batch(cast, monkeypatch):
    monkeypatch.setattr(import_services, "BATCH_SIZE", 2)
    rows = [["ФИО", "Пол"], *[[f"Белова Ольга {name}", "ж"] for name in ("Ивановна", "Петровна", "Сергеевна")]]
    job = import_services.job_create(
        actor=cast.user("curator"),
        organization=cast.school_a,
        uploaded_file=SimpleUploadedFile("a.xlsx", xlsx_bytes(rows)),
    )
    seen = []
    monkeypatch.setattr(import_services._Progress, "__call__", lambda self, processed: seen.append(processed))
    import_services.import_run(job=job, skip_bad_rows=False)
    assert seen == [2, 3]
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == (ImportStatus.DONE, 3, 3)


@pytest.mark.django_db(transaction=True)
def test_the_run_happens_in_a_background_thread(cast, monkeypatch):
    monkeypatch.undo()  # the real start_worker
    rows = [["ФИО", "Пол"], ["Белова Ольга Ивановна", "ж"], ["Громов Артём Сергеевич", "м"]]
    job = import_services.job_create(
        actor=cast.user("curator"),
        organization=cast.school_a,
        uploaded_file=SimpleUploadedFile("a.xlsx", xlsx_bytes(rows)),
    )
    import_services.import_start(actor=cast.user("curator"), job=job, skip_bad_rows=False)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.1)
    assert job.status == ImportStatus.DONE, job.message
    assert Person.objects.filter(last_name__in=["Белова", "Громов"]).count() == 2


# --- rights -----------------------------------------------------------------------------------------------
def test_working_group_gets_403(client_for, cast):
    client = client_for("working_group")
    assert client.get(reverse("people:import_upload")).status_code == 403
    response = _upload(client, cast, xlsx_bytes([["ФИО"], ["Белова Ольга Ивановна"]]))
    assert response.status_code == 403
    assert "руководитель и куратор" in _content(response)
    job = import_services.job_create(
        actor=cast.user("curator"),
        organization=cast.school_a,
        uploaded_file=SimpleUploadedFile("a.xlsx", xlsx_bytes([["ФИО", "Пол"], ["Белова Ольга Ивановна", "ж"]])),
    )
    for name in ("people:import_preview", "people:import_status", "people:import_report", "people:import_run"):
        assert client.post(reverse(name, args=[job.pk])).status_code == 403, name
    assert not Person.objects.filter(last_name="Белова").exists()


def test_another_organisations_curator_gets_404(client_for, cast):
    job = import_services.job_create(
        actor=cast.user("curator"),
        organization=cast.school_a,
        uploaded_file=SimpleUploadedFile("a.xlsx", xlsx_bytes([["ФИО", "Пол"], ["Белова Ольга Ивановна", "ж"]])),
    )
    client = client_for("outsider")
    for name in ("people:import_preview", "people:import_status", "people:import_report"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
    assert client.post(reverse("people:import_run", args=[job.pk])).status_code == 404
    # and cannot upload into school A either
    response = _upload(client, cast, xlsx_bytes([["ФИО", "Пол"], ["Белова Ольга Ивановна", "ж"]]))
    assert response.status_code == 200
    assert "Выберите корректный вариант" in _content(response)
    assert ImportJob.objects.count() == 1


def test_coordinators_do_not_import_into_organisations(client_for, cast):
    assert client_for("regional").get(reverse("people:import_upload")).status_code == 403


def test_people_list_links_to_the_import(client_for, cast):
    page = _content(client_for("curator").get(reverse("people:list")))
    assert reverse("people:import_upload") in page
    assert "Импорт списка" in page
