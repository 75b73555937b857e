"""The year's report on the program of mentoring and the digest for the regional mentoring centre:
reopened with python-docx — the title, the organisation, the date, the indicators of monitoring (with
«нет данных» where there is nothing to divide by), and never a minor's name."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from nastavnik.core.text import date_ru, years_before
from nastavnik.documents.generators import registry
from nastavnik.documents.models import IssuedDocument
from nastavnik.events.models import PracticeCase
from nastavnik.mentorships.models import Mentorship, MentorshipMentee
from nastavnik.people.models import Category
from nastavnik.pools.models import MenteeEntry, MentorEntry
from nastavnik.programs.models import MentoringForm
from tests.documents.conftest import _scoped
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def table_rows(doc, header: str) -> dict[str, list[str]]:
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == header)
    return {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}


@pytest.fixture
def minor_mentor_pair(cast, year, mentorship):
    """A 15-year-old pupil «Малышева» mentors a 12-year-old «Крошкина» in «Ученик – ученик», no meetings:
    both are minors and must not be named in the problems."""
    today = timezone.localdate()
    form = MentoringForm.objects.get(code="pupil_pupil")
    mentor = PersonFactory(
        organization=cast.school_a, last_name="Малышева", first_name="Ольга", category=Category.PUPIL,
        class_name="9А", birth_date=years_before(today, 15),
    )  # fmt: skip
    mentee = PersonFactory(
        organization=cast.school_a, last_name="Крошкина", first_name="Вера", category=Category.PUPIL,
        class_name="6А", birth_date=years_before(today, 12),
    )  # fmt: skip
    mentor_entry = _scoped(MentorEntry(status="active"), cast, year, mentor, form)
    mentee_entry = _scoped(MenteeEntry(status="in_mentorship"), cast, year, mentee, form)
    pair = Mentorship.objects.create(
        organization=cast.school_a, municipality=cast.municipality_a, region=cast.region_a, academic_year=year,
        form=form, mentor=mentor, mentor_entry=mentor_entry, status="active", start_date=year.start_date,
        mentees_key=str(mentee_entry.pk),
    )  # fmt: skip
    MentorshipMentee.objects.create(
        mentorship=pair, person=mentee, mentee_entry=mentee_entry, joined_on=year.start_date
    )
    return pair


def test_report_has_the_indicators_forms_chart_and_no_minor_names(
    cast, year, group, approved_program, roadmap, mentorship, minor_mentor_pair, org_options
):
    day = timezone.localdate() if year.contains(timezone.localdate()) else year.start_date
    result = registry.get("program_report").render(
        actor=cast.user("curator"), options=org_options(date=day.isoformat(), number="1")
    )
    assert result.filename == "Отчёт о реализации программы наставничества № 1.docx"
    doc = Document(io.BytesIO(result.content))
    lines = [p.text for p in doc.paragraphs if p.text.strip()]
    assert lines[0] == cast.school_a.name
    assert lines[1] == "ОТЧЁТ"
    assert lines[2] == (f"о реализации программы наставничества в {year.start_year}/{year.start_year + 1} учебном году")
    assert lines[3] == date_ru(day)
    text = all_text(doc)
    assert "Реализуемая программа: Программа наставничества «Вместе — к успеху» (утверждена)." in text
    assert "Цель программы: Охватить наставничеством не менее 10 % обучающихся к 31 мая." in text

    indicators = table_rows(doc, "Показатель")
    assert indicators["Охват студентов наставничеством"] == ["нет данных", "≥ 10 %", "—"]  # a school: no students
    assert indicators["Удовлетворённость участием"] == ["нет данных", "≥ 8 баллов из 10", "—"]
    assert indicators["Наставляемые, которые хотят стать наставниками"] == [
        "нет данных",
        "ориентир не установлен",
        "—",
    ]
    assert indicators["Выполнение индивидуальных планов"][1:] == ["≥ 90 %", "нет"]  # one item, not done
    assert indicators["Выполнение индивидуальных планов"][0].startswith("0 %")

    forms = table_rows(doc, "Форма наставничества")
    assert forms["Учитель – ученик"] == ["1", "0", "1"]
    assert forms["Ученик – ученик"] == ["1", "0", "1"]
    assert forms["Итого"] == ["2", "0", "2"]

    images = [r for r in doc.part.rels.values() if r.reltype.endswith("/image")]
    assert len(images) == 1
    assert images[0].target_part.blob[:8] == b"\x89PNG\r\n\x1a\n"

    # problems: both pairs are stale; the adult mentor is named, the minor one is not
    assert (
        "Действующих пар без встреч и записей журнала более 30 дней: 2 (наставник: Сидоров П. И. — «Учитель – ученик»)."
        in text
    )
    for minor in (cast.pupil_a.last_name, "Малышева", "Крошкина"):
        assert minor not in text
    # plans for the next year: the roadmap items not done
    assert "Продолжить работу по невыполненным пунктам дорожной карты:" in text
    assert "Опубликованных кейсов наставнической практики нет." in text
    assert doc.tables[-1].rows[0].cells[1].text == "Т. А. Павлова"


def test_report_without_pairs_says_so_and_uses_the_fixed_plans(cast, year, org_options):
    doc = Document(
        io.BytesIO(registry.get("program_report").render(actor=cast.user("curator"), options=org_options()).content)
    )
    text = all_text(doc)
    assert "Программа наставничества на учебный год не разработана." in text
    assert "Наставнические пары и группы в учебном году не сформированы." in text
    assert "В следующем учебном году планируется продолжить реализацию целевой модели наставничества" in text
    indicators = table_rows(doc, "Показатель")
    assert indicators["Выполнение индивидуальных планов"][0] == "нет данных"
    assert indicators["Согласия на обработку персональных данных"][0] == "нет данных"
    digest = Document(
        io.BytesIO(registry.get("regional_digest").render(actor=cast.user("curator"), options=org_options()).content)
    )
    figures = table_rows(digest, "Показатель")
    assert figures["Согласия на обработку персональных данных"] == ["нет данных"]
    assert figures["Выполнение индивидуальных планов"] == ["нет данных"]
    assert figures["Действующих и завершённых пар (групп)"] == ["0"]
    assert "Кейсы наставнической практики в учебном году не опубликованы." in all_text(digest)


def test_digest_has_key_figures_best_practice_and_curator(
    cast, year, group, approved_program, mentorship, minor_mentor_pair, org_options
):
    curator = group["curator"]
    curator.phone, curator.email = "+7 (47236) 3-12-45", "petrova@example.ru"
    curator.save()
    PracticeCase.objects.create(
        organization=cast.school_a, municipality=cast.municipality_a, region=cast.region_a, academic_year=year,
        title="Олимпиада без страха", form=mentorship.form, topic="подготовка к олимпиаде", problem="Страх",
        actions="Занятия", results="Трое из пяти наставляемых стали призёрами муниципального этапа.",
        author_name="Сидоров П. И.", status="published",
    )  # fmt: skip
    result = registry.get("regional_digest").render(
        actor=cast.user("curator"), options=org_options(date=year.start_date.isoformat(), number="2")
    )
    doc = Document(io.BytesIO(result.content))
    lines = [p.text for p in doc.paragraphs if p.text.strip()]
    assert lines[:5] == [
        cast.school_a.name,
        "ДАЙДЖЕСТ",
        f"Итоги реализации целевой модели наставничества в {year.start_year}/{year.start_year + 1} учебном году",
        "для регионального наставнического центра",
        date_ru(year.start_date),
    ]
    figures = table_rows(doc, "Показатель")
    assert figures["Участников наставнических пар и групп (наставников и наставляемых)"] == ["4"]
    assert figures["Действующих и завершённых пар (групп)"] == ["2"]
    assert figures["Согласия на обработку персональных данных"] == ["0 %"]  # nobody in the pools has consented
    text = all_text(doc)
    assert (
        "– «Ученик – ученик»: действуют — 1, завершены — 0;\n– «Учитель – ученик»: действуют — 1, завершены — 0."
        in text
    )
    assert "«Олимпиада без страха» (форма «Учитель – ученик», тема: подготовка к олимпиаде)." in text
    assert "Трое из пяти наставляемых стали призёрами муниципального этапа." in text
    assert (
        "Петрова Анна Сергеевна, заместитель директора по учебно-воспитательной работе; "
        "тел. +7 (47236) 3-12-45, petrova@example.ru." in text
    )
    assert "Мероприятий в учебном году не проводилось." in text
    for minor in (cast.pupil_a.last_name, "Малышева", "Крошкина"):
        assert minor not in text


def test_both_are_on_the_documents_page_and_go_into_the_register(client_for, cast, year, group):
    client = client_for("curator")
    page = client.get(reverse("documents:year", args=[cast.school_a.pk, year.start_year])).content.decode()
    for identifier, title in (
        ("program_report", "Отчёт о реализации программы наставничества"),
        ("regional_digest", "Дайджест для регионального наставнического центра"),
    ):
        assert title in page
        assert reverse("documents:issue", args=[cast.school_a.pk, year.start_year, identifier]) in page
    assert "появятся вместе с мониторингом" not in page

    response = client.post(
        reverse("documents:issue", args=[cast.school_a.pk, year.start_year, "regional_digest"]),
        {"date": year.start_date.isoformat(), "number": ""},
    )
    assert response.status_code == 302
    issued = IssuedDocument.objects.get(organization=cast.school_a, generator_id="regional_digest")
    assert issued.title == "Дайджест для регионального наставнического центра"


def test_another_organisation_cannot_make_the_report(cast, year, org_options):
    from django.http import Http404

    with pytest.raises(Http404):
        registry.get("program_report").build_context(actor=cast.user("outsider"), options=org_options())


def test_digest_names_an_event_kind_once_and_without_brackets_in_brackets():
    from nastavnik.documents.generators.report import _event_kind
    from nastavnik.events.models import Event

    assert _event_kind(Event(kind="final", title="Торжественное завершение программы")) == "Итоговое мероприятие"
    assert _event_kind(Event(kind="info", title="Информационная встреча о программе наставничества")) == ""
    assert _event_kind(Event(kind="forum", title="Форум наставников")) == "Региональный форум"
