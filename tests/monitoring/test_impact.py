"""Impact monitoring (stage 2): measurements by hand and from XLSX (bad input, idempotence), the change
before → after for mentees and for comparable non-participants, rights."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from nastavnik.monitoring import selectors, services
from nastavnik.monitoring.models import Measurement
from nastavnik.people.models import Category
from tests.factories import PersonFactory

from .conftest import scope_for

pytestmark = pytest.mark.django_db


def _day(year, offset=0):
    return min(timezone.localdate(), year.start_date + dt.timedelta(days=offset))


def _xlsx(
    rows, header=("ФИО", "Дата рождения", "Параметр", "Этап", "Значение", "Дата измерения")
) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["Мониторинг влияния (файл школы)"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("izmereniya.xlsx", buffer.getvalue())


def _save(cast, year, person, stage, value, parameter="grades"):
    return services.measurement_save(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, person=person,
        parameter=parameter, stage=stage, value=value, measured_on=_day(year),
    )  # fmt: skip


def test_manual_measurement_is_one_row_and_checked(cast, year):
    _save(cast, year, cast.pupil_a, "entry", "3,5")
    _save(cast, year, cast.pupil_a, "entry", "3,6")  # a correction, not a second row
    assert str(Measurement.objects.get(person=cast.pupil_a).value) == "3.60"
    with pytest.raises(ValidationError) as error:
        _save(cast, year, cast.pupil_a, "exit", "7")
    assert "от 1 до 5" in str(error.value)
    with pytest.raises(ValidationError) as error:
        _save(cast, year, cast.pupil_a, "exit", "много")
    assert "Введите число" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.measurement_save(
            actor=cast.user("working_group"), organization=cast.school_a, academic_year=year, person=cast.pupil_a,
            parameter="grades", stage="exit", value=4, measured_on=_day(year),
        )  # fmt: skip


def test_working_group_gets_403_and_nothing_changes(cast, year, client):
    client.force_login(cast.user("working_group"))
    url = f"/monitoring/org/{cast.school_a.pk}/{year.start_year}/impact/add/"
    data = {"person": cast.pupil_a.pk, "parameter": "grades", "stage": "entry", "value": "4", "measured_on": _day(year)}
    assert client.post(url, data).status_code == 403
    assert not Measurement.objects.exists()
    client.force_login(cast.user("curator"))
    assert client.post(url, data).status_code == 302
    assert Measurement.objects.count() == 1


def test_import_checks_the_whole_file_and_reports_rows_and_columns(cast, year):
    day = _day(year).strftime("%d.%m.%Y")
    bad = _xlsx([
        (cast.pupil_a.full_name, "", "Успеваемость", "на входе", "3,4", day),
        ("Несуществующий Ученик", "", "Успеваемость", "на входе", 4, day),
        (cast.pupil_a.full_name, "", "Рост", "на выходе", 4, day),
        (cast.pupil_a.full_name, "", "Посещаемость", "потом", 140, "вчера"),
    ])  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.measurements_import(
            actor=cast.user("curator"), organization=cast.school_a, academic_year=year, file=bad
        )
    messages = error.value.messages
    assert any(m.startswith("Строка 4, столбец «ФИО»") for m in messages), messages
    assert any(m.startswith("Строка 5, столбец «Параметр»") for m in messages)
    assert any(m.startswith("Строка 6, столбец «Этап»") for m in messages)
    assert any(m.startswith("Строка 6, столбец «Значение»") and "от 0 до 100" in m for m in messages)
    assert any(m.startswith("Строка 6, столбец «Дата измерения»") for m in messages)
    assert not Measurement.objects.exists()  # nothing written: the valid row 3 too
    with pytest.raises(ValidationError) as error:
        services.measurements_import(
            actor=cast.user("curator"), organization=cast.school_a, academic_year=year,
            file=SimpleUploadedFile("x.xlsx", b"not a spreadsheet"),
        )  # fmt: skip
    assert "xlsx" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        services.measurements_import(
            actor=cast.user("curator"), organization=cast.school_a, academic_year=year,
            file=_xlsx([("a", "b")], header=("Фамилия", "Оценка")),
        )  # fmt: skip
    assert "заголовков" in error.value.messages[0]


def test_import_twice_changes_nothing(cast, year, client):
    day = _day(year).strftime("%d.%m.%Y")
    rows = [
        (cast.pupil_a.full_name, cast.pupil_a.birth_date, "Успеваемость", "на входе", 3.2, day),
        (cast.pupil_a.full_name, cast.pupil_a.birth_date, "Самооценка", "на входе", 4, day),
    ]
    client.force_login(cast.user("curator"))
    url = f"/monitoring/org/{cast.school_a.pk}/{year.start_year}/impact/import/"
    assert client.post(url, {"file": _xlsx(rows)}).status_code == 302
    assert Measurement.objects.count() == 2
    result = services.measurements_import(
        actor=cast.user("curator"), organization=cast.school_a, academic_year=year, file=_xlsx(rows)
    )
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    response = client.post(url, {"file": _xlsx([("Кто-то Другой", "", "Успеваемость", "на входе", 3, day)])})
    assert response.status_code == 400
    assert "Строка 3" in response.content.decode()


def test_change_before_after_for_mentees_and_comparable_classmates(cast, year, build, client):
    mentorship = build.mentorship(build.mentor(capacity=2, last_name="Второйнаставник"), [
        build.mentee(PersonFactory(organization=cast.school_a, category=Category.PUPIL, class_name="6А", last_name=n))
        for n in ("Улучшила", "Ухудшила")
    ])  # fmt: skip
    improved, worse = [m.person for m in mentorship.members.order_by("person__last_name")]
    classmate = PersonFactory(organization=cast.school_a, category=Category.PUPIL, class_name="6А", last_name="Соседка")
    other_class = PersonFactory(
        organization=cast.school_a, category=Category.PUPIL, class_name="9В", last_name="Далёкая"
    )
    for person, before, after in ((improved, 3.0, 4.0), (worse, 4.0, 3.5), (classmate, 3.0, 3.1), (other_class, 2, 5)):
        _save(cast, year, person, "entry", before)
        _save(cast, year, person, "exit", after)
    summary = {row["code"]: row for row in selectors.impact_summary(scope_for(cast.school_a, year))}
    grades = summary["grades"]
    assert grades["mentees"] == {
        "n": 2,
        "before": 3.5,
        "after": 3.75,
        "change": 0.25,
        "improved": 1,
        "improved_share": 50.0,
    }
    assert grades["others"]["n"] == 1
    assert grades["others"]["change"] == 0.1
    client.force_login(cast.user("director"))
    content = client.get(f"/monitoring/org/{cast.school_a.pk}/{year.start_year}/impact/").content.decode()
    assert "Улучшила" in content
    assert "не участвуют" in content
    assert "data:image/svg+xml" in content


def test_anxiety_improves_when_it_falls(cast, year, build):
    mentorship = build.mentorship()
    person = mentorship.members.get().person
    _save(cast, year, person, "entry", 8, parameter="anxiety")
    _save(cast, year, person, "exit", 5, parameter="anxiety")
    row = selectors.impact_summary(scope_for(cast.school_a, year))[0]
    assert row["code"] == "anxiety"
    assert row["mentees"]["improved_share"] == 100.0


def test_no_measurements_means_no_data(cast, year, client):
    assert selectors.impact_summary(scope_for(cast.school_a, year)) == []
    client.force_login(cast.user("curator"))
    assert "Нет данных" in client.get(f"/monitoring/org/{cast.school_a.pk}/{year.start_year}/impact/").content.decode()
