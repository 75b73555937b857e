"""The personified registry (seed 002): rows, filters, the streamed XLSX export reopened with openpyxl,
the export in the audit log, scope."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from openpyxl import load_workbook

from nastavnik.monitoring import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(cast, build):
    mentor = build.mentor(cast.user("mentor").person, capacity=2)
    return build.mentorship(mentor, [build.mentee(last_name="Андреева"), build.mentee(last_name="Борисова")])


def _rows(cast, year, **filters):
    return list(
        selectors.registry_rows(
            actor=cast.user("curator"),
            filters=selectors.RegistryFilters(
                academic_year=year, scope_level="organization", scope_pk=cast.school_a.pk, **filters
            ),
        )
    )


def test_every_participant_with_role_form_and_status(cast, year, pair):
    rows = _rows(cast, year)
    assert [(r[3], r[4]) for r in rows] == [("mentee", "Андреева"), ("mentee", "Борисова"), ("mentor", "Зайцева")]
    assert {r[9] for r in rows} == {"Учитель – ученик"}
    assert {r[13] for r in rows} == {"active"}
    assert [r[4] for r in _rows(cast, year, role="mentor")] == ["Зайцева"]
    assert len(_rows(cast, year, category="pupil")) == 2
    assert _rows(cast, year, status="completed") == []


def test_registry_page_is_paginated_and_filtered(cast, year, pair, client):
    client.force_login(cast.user("working_group"))
    response = client.get(f"/monitoring/organization/{cast.school_a.pk}/registry/?role=mentee")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Андреева" in content
    assert "Борисова" in content
    assert "Найдено: 2" in content


def test_export_reads_back_with_headers_filter_and_is_audited(cast, year, pair, client):
    client.force_login(cast.user("curator"))
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    response = client.get(f"/monitoring/organization/{cast.school_a.pk}/registry/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("№", "Организация", "Муниципалитет", "Фамилия", "Имя", "Отчество", "Роль")
    assert [r[3] for r in rows[1:]] == ["Андреева", "Борисова", "Зайцева"]
    assert [r[6] for r in rows[1:]] == ["Наставляемый", "Наставляемый", "Наставник"]
    assert rows[1][14] == "Действует"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O4"
    assert sheet.column_dimensions["B"].width >= 20
    log = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("-pk").first()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1
    assert log.additional_data["export"] == "registry"
    assert log.additional_data["rows"] == 3


def test_participants_and_strangers_do_not_open_the_registry(cast, year, pair, client):
    url = f"/monitoring/organization/{cast.school_a.pk}/registry/export.xlsx"
    for name in ("mentor", "outsider", "outsider_regional"):
        client.force_login(cast.user(name))
        assert client.get(url).status_code == 404, name
