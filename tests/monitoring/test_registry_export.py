"""The registry's XLSX (export.py, openpyxl write_only into a temporary file): header, rows, dates,
styles, frozen header, autofilter, widths and properties; the view's file; bad filters; scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from nastavnik.monitoring import export, selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(cast, build):
    mentor = build.mentor(cast.user("mentor").person, capacity=2)
    return build.mentorship(mentor, [build.mentee(last_name="Андреева"), build.mentee(last_name="Борисова")])


def _rows(actor, organization, year):
    filters = selectors.RegistryFilters(academic_year=year, scope_level="organization", scope_pk=organization.pk)
    return list(selectors.registry_rows(actor=actor, filters=filters))


def _book(handle):
    return load_workbook(io.BytesIO(handle.read()))


def _values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_sheet_has_the_header_rows_dates_and_layout(cast, year, pair):
    rows = _rows(cast.user("curator"), cast.school_a, year)
    handle, count = export.write_registry(rows, title="Реестр", subtitle="2025/2026")
    book = _book(handle)
    assert count == 3
    assert book.sheetnames == ["Реестр"]
    sheet = book.active
    assert tuple(_values(sheet)[0]) == tuple(name for name, _width in export.HEADERS)
    assert [r[3] for r in _values(sheet)[1:]] == ["Андреева", "Борисова", "Зайцева"]
    # dates are dates, shown as DD.MM.YYYY
    start = sheet.cell(row=2, column=13)
    assert isinstance(start.value, dt.datetime)
    assert start.value.date() == pair.start_date
    assert start.number_format == "DD.MM.YYYY"
    assert sheet.cell(row=2, column=1).value == 1
    # header: bold, filled, wrapped; frozen; autofilter over the table; widths; properties
    header = sheet.cell(row=1, column=2)
    assert header.font.b
    assert header.fill.fgColor.rgb.endswith("E8EEF7")
    assert header.alignment.wrap_text
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O4"
    for index, (_name, width) in enumerate(export.HEADERS, start=1):
        letter = get_column_letter(index)
        assert sheet.column_dimensions[letter].width == pytest.approx(width), letter
    assert book.properties.title == "Реестр. 2025/2026"
    assert book.properties.creator == "Наставник"


def test_the_view_sends_the_file_with_its_length(cast, year, pair, client):
    client.force_login(cast.user("regional"))
    response = client.get(f"/monitoring/organization/{cast.school_a.pk}/registry/export.xlsx?role=mentee")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    assert "reestr_nastavnichestva_" in response["Content-Disposition"]
    rows = _values(load_workbook(io.BytesIO(body)).active)
    assert [r[3] for r in rows[1:]] == ["Андреева", "Борисова"]
    assert [r[0] for r in rows[1:]] == [1, 2]


def test_an_empty_registry_is_the_header_alone():
    handle, count = export.write_registry(iter(()), title="Реестр", subtitle="все учебные годы")
    sheet = _book(handle).active
    assert count == 0
    assert _values(sheet) == [[name for name, _width in export.HEADERS]]
    assert sheet.auto_filter.ref == "A1:O1"


@pytest.mark.parametrize("query", ["date_from=31.02.2026", "date_from=2026-05-01&date_to=2026-01-01", "form=999999"])
def test_bad_filters_export_nothing_with_a_russian_message(cast, year, pair, client, query):
    client.force_login(cast.user("curator"))
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    response = client.get(f"/monitoring/organization/{cast.school_a.pk}/registry/export.xlsx?{query}", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith(f"/monitoring/organization/{cast.school_a.pk}/registry/?")
    assert "Выгрузка не сформирована: исправьте условия отбора." in response.content.decode()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before


def test_another_region_and_participants_get_404(cast, year, pair, client):
    url = f"/monitoring/organization/{cast.school_a.pk}/registry/export.xlsx"
    for name in ("outsider_regional", "outsider", "mentor", "mentee", "no_role"):
        client.force_login(cast.user(name))
        assert client.get(url).status_code == 404, name
    region_url = f"/monitoring/region/{cast.region_a.pk}/registry/export.xlsx?year=all"
    client.force_login(cast.user("outsider_regional"))
    assert client.get(region_url).status_code == 404
    client.force_login(cast.user("regional"))
    assert client.get(region_url).status_code == 200
