"""«Дата начала педагогической деятельности» (Person.teaching_since): the person form, the card and the
import column («Стаж с», «Дата начала педагогической деятельности», «Педагогический стаж (лет)»)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nastavnik.core.text import years_before
from nastavnik.people import imports
from nastavnik.people.imports import RowParser, parse_teaching_since
from nastavnik.people.models import Category, Person

from .test_import_views import _latest_job, _media, _run, _run_inline, _upload  # noqa: F401 (autouse fixtures)
from .test_imports import xlsx_bytes

TODAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize(
    "header",
    ["Стаж с", "Дата начала педагогической деятельности", "Педагогический стаж (лет)", "Педагогический стаж",
     "Пед. стаж", "Стаж", "Начало педагогического стажа"],
)  # fmt: skip
def test_the_columns_of_school_lists_are_recognised(header):
    assert imports.match_header(header) == "teaching_since"
    assert imports.match_header("Дата рождения") == "birth_date"  # «дата …» of another field stays itself


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01.09.2021", dt.date(2021, 9, 1)),
        (dt.datetime(2020, 9, 1, tzinfo=dt.UTC).replace(tzinfo=None), dt.date(2020, 9, 1)),  # an Excel date
        (44440, dt.date(2021, 9, 1)),  # an Excel serial date
        (2019, dt.date(2019, 9, 1)),  # a year
        ("с 2018 г.", dt.date(2018, 9, 1)),
        (3, dt.date(2023, 12, 2)),  # years of service
        ("5 лет", dt.date(2021, 12, 2)),
        ("2,5", dt.date(2024, 6, 2)),
        (0, TODAY),
    ],
)
def test_a_date_a_year_or_years_of_service(value, expected):
    assert parse_teaching_since(value, today=TODAY) == (expected, "")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("01.09.2027", "ещё не наступила"),
        (95, "проверьте число лет"),
        ("120 лет", "проверьте число лет"),
        ("давно", "не распознана"),
        (True, "не распознана"),
    ],
)
def test_bad_values_are_explained_in_russian(value, message):
    day, error = parse_teaching_since(value, today=TODAY)
    assert day is None
    assert message in error


def test_a_row_gets_the_date_and_a_bad_cell_its_column():
    headers = ["ФИО", "Педагогический стаж (лет)"]
    parser = RowParser(imports.suggest_mapping(headers), headers, today=TODAY)
    row = parser.parse(2, ["Сидоров Пётр Ильич", 2])
    assert row.ok
    assert row.teaching_since == dt.date(2024, 12, 2)
    assert row.person_data()["teaching_since"] == dt.date(2024, 12, 2)
    bad = parser.parse(3, ["Сидорова Анна Ильинична", "много"])
    assert [(e.column, e.field) for e in bad.errors] == [("B", "teaching_since")]
    assert "Дата начала педагогической деятельности" in bad.errors[0].message


def test_the_import_sets_and_updates_teaching_since(client_for, cast, django_capture_on_commit_callbacks):
    client = client_for("curator")
    capture = django_capture_on_commit_callbacks
    today = timezone.localdate()
    rows = [
        ["ФИО", "Дата рождения", "Должность", "Стаж с"],
        ["Молодова Ирина Павловна", "12.03.1999", "учитель", "01.09.2024"],
        ["Опытнов Сергей Иванович", "05.06.1970", "учитель", ""],
    ]
    _upload(client, cast, xlsx_bytes(rows), name="педагоги.xlsx", category=Category.STAFF)
    job = _latest_job()
    assert job.mapping["teaching_since"] == 3
    _run(client, job, django_capture_on_commit_callbacks=capture)
    young = Person.objects.get(last_name="Молодова")
    assert young.teaching_since == dt.date(2024, 9, 1)
    assert Person.objects.get(last_name="Опытнов").teaching_since is None
    # a later list gives years of service instead: the date is recomputed, the same file twice changes nothing
    rows = [["ФИО", "Дата рождения", "Педагогический стаж (лет)"], ["Опытнов Сергей Иванович", "05.06.1970", 25]]
    for _ in range(2):
        _upload(client, cast, xlsx_bytes(rows), name="стаж.xlsx", category=Category.STAFF)
        _run(client, _latest_job(), django_capture_on_commit_callbacks=capture)
    assert Person.objects.get(last_name="Опытнов").teaching_since == years_before(today, 25)
    assert Person.objects.filter(last_name="Опытнов").count() == 1
    job = _latest_job()
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 1)


def test_the_form_saves_it_and_the_card_shows_it(client_for, cast):
    client = client_for("curator")
    today = timezone.localdate()
    since = years_before(today, 2)
    data = {"last_name": "Сидоров", "first_name": "Пётр", "patronymic": "Ильич", "category": "staff",
            "birth_date": "1990-04-01", "teaching_since": since.isoformat()}  # fmt: skip
    response = client.post(reverse("people:edit", args=[cast.teacher_a.pk]), data)
    assert response.status_code == 302
    cast.teacher_a.refresh_from_db()
    assert cast.teacher_a.teaching_since == since
    page = client.get(reverse("people:detail", args=[cast.teacher_a.pk])).content.decode()
    assert "Начало педагогической деятельности" in page
    assert "стаж 2 года, молодой педагог" in page
    form = client.get(reverse("people:edit", args=[cast.teacher_a.pk])).content.decode()
    assert 'name="teaching_since"' in form


@pytest.mark.parametrize(
    ("since", "message"),
    [
        (lambda today: today + dt.timedelta(days=1), "не может быть в будущем"),
        (lambda today: dt.date(1995, 9, 1), "раньше 14 лет участника"),
    ],
)
def test_the_form_refuses_impossible_dates(client_for, cast, since, message):
    data = {"last_name": "Сидоров", "first_name": "Пётр", "patronymic": "Ильич", "category": "staff",
            "birth_date": "1990-04-01", "teaching_since": since(timezone.localdate()).isoformat()}  # fmt: skip
    response = client_for("curator").post(reverse("people:edit", args=[cast.teacher_a.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    cast.teacher_a.refresh_from_db()
    assert cast.teacher_a.teaching_since is None
