"""Questionnaire pages as people use them: the curator copies the request questionnaire and sends it
to class 7Б, a parent answers on the public page without an account, the curator sees the progress,
reminds, reads the results and downloads the XLSX; friendly pages for expired, used and unknown
links; the builder (forms and htmx); 403 for the working group, 404 for another organisation.
The cross-cutting checks for every URL are in tests/test_access_matrix.py."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from nastavnik.questionnaires import services
from nastavnik.questionnaires.models import Campaign, Invitation, Question, Questionnaire, Response

from .conftest import by_code, deadline, valid_request_answers

HX = {"HTTP_HX_REQUEST": "true"}


def _content(response) -> str:
    return response.content.decode()


def _no_inline_styles_or_scripts(html: str) -> None:
    """Strict CSP: no style attributes, no inline scripts."""
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)


def _post_answers(questionnaire, answers: dict) -> dict:
    """The form as a browser posts it: q<id> fields and the ids of the questions shown."""
    data = {"_shown": [str(q.pk) for q in questionnaire.questions.filter(depends_on__isnull=True)]}
    for key, value in answers.items():
        data[f"q{key}"] = value
    return data


def _campaign(cast, questionnaire, **kwargs):
    data = {"audience_kind": "class", "class_name": "7Б", "deadline": deadline(), "guardians_answer": True} | kwargs
    return services.campaign_create(actor=cast.user("curator"), questionnaire=questionnaire, **data).campaign


def test_curator_sends_the_request_questionnaire_and_a_parent_answers_on_the_phone(client, cast, klass):
    curator = cast.user("curator")
    client.force_login(curator)
    response = client.get(reverse("questionnaires:index"))
    assert response.status_code == 302  # one organisation: straight to its questionnaires
    page = client.get(response["Location"])
    assert "Анкета наставляемого: запрос на наставничество" in _content(page)
    _no_inline_styles_or_scripts(_content(page))

    response = client.post(reverse("questionnaires:create", args=[cast.school_a.pk]), {"template": "request_mentee"})
    questionnaire = Questionnaire.objects.get(organization=cast.school_a)
    assert response["Location"] == reverse("questionnaires:detail", args=[questionnaire.pk])
    builder = client.get(response["Location"])
    assert "С чем вам хотелось бы получить помощь наставника?" in _content(builder)
    assert "Показывается, если в вопросе" in _content(builder)
    _no_inline_styles_or_scripts(_content(builder))

    url = reverse("questionnaires:campaign_create", args=[questionnaire.pk])
    form = client.get(url)
    assert "7Б (3 чел.)" in _content(form)
    response = client.post(
        url,
        {
            "title": "Запрос: 7Б",
            "audience_kind": "class",
            "class_name": "7Б",
            "guardians_answer": "on",
            "deadline": deadline(10).isoformat(),
            "mode": "single_use",
            "send_now": "on",
        },
        follow=True,
    )
    campaign = Campaign.objects.get()
    assert response.redirect_chain[-1][0] == reverse("questionnaires:campaign", args=[campaign.pk])
    content = _content(response)
    assert "Создано 2 персональные ссылки." in content
    assert "Белова Ольга Сергеевна" in content  # nobody to answer for her: reported
    assert "Ссылки отправлены на почту: 1 адресат." in content
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kuznetsov@example.ru"]
    mother_link = campaign.invitations.get(person=cast.parent_a)
    assert f"/questionnaires/a/{mother_link.token}/" in content  # to pass on by hand (no e-mail)
    assert response.context["progress"].answered == 0

    # the mother answers on her phone: no account, no login
    client.logout()
    url = reverse("questionnaires:answer", args=[mother_link.token])
    page = client.get(url)
    assert page.status_code == 200
    html = _content(page)
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "Анкета о ребёнке: <strong>Мария Иванова</strong>, 7Б" in html
    assert page["Cache-Control"] == "no-store, private"
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    _no_inline_styles_or_scripts(html)
    q = by_code(questionnaire)
    answers = {int(k): v for k, v in valid_request_answers(questionnaire).items()}
    answers[q["interests"].pk] = "Рисование и шахматы"
    done = client.post(url, _post_answers(questionnaire, answers))
    assert done.status_code == 200
    assert "Спасибо! Ответы сохранены" in _content(done)
    again = client.get(url)
    assert "Ответ уже получен" in _content(again)

    # the curator sees 1 of 2 answered, reminds, reads the results and downloads them
    client.force_login(curator)
    progress = client.get(reverse("questionnaires:campaign", args=[campaign.pk]))
    assert progress.context["progress"].answered == 1
    assert progress.context["progress"].total == 2
    assert "ответили (50 %)" in _content(progress)
    _no_inline_styles_or_scripts(_content(progress))
    pending = client.get(reverse("questionnaires:campaign", args=[campaign.pk]) + "?status=pending")
    assert [row["respondent"] for row in pending.context["rows"]] == ["Кузнецов Андрей Петрович"]
    mail.outbox.clear()
    reminded = client.post(reverse("questionnaires:campaign_remind", args=[campaign.pk]), follow=True)
    assert "Напоминание отправлено на почту: 1 адресат." in _content(reminded)
    assert mail.outbox[0].to == ["kuznetsov@example.ru"]

    results = client.get(reverse("questionnaires:results", args=[campaign.pk]))
    html = _content(results)
    assert "Рисование и шахматы" in html
    assert "qb-w-100" in html
    _no_inline_styles_or_scripts(html)
    people = client.get(reverse("questionnaires:results", args=[campaign.pk]) + "?view=people")
    assert "Иванова Ольга" in _content(people)
    assert "о ребёнке: Иванова Мария Петровна" in _content(people)
    export = client.get(reverse("questionnaires:export", args=[campaign.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(export.content))["Ответы"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][1].startswith("Иванова Ольга")


def test_conditional_questions_appear_without_javascript_and_with_htmx(client, cast, klass, request_q):
    token = _campaign(cast, request_q).invitations.get(person=cast.parent_a).token
    url = reverse("questionnaires:answer", args=[token])
    q = by_code(request_q)
    first = client.get(url)
    assert q["request_other"].text not in _content(first)
    answers = {int(k): v for k, v in valid_request_answers(request_q).items()} | {q["request"].pk: ["Другое"]}

    refreshed = client.post(url, {**_post_answers(request_q, answers), "_refresh": "1"}, **HX)
    assert q["request_other"].text in _content(refreshed)
    assert "<html" not in _content(refreshed)  # only the questions are swapped in
    assert not Response.objects.exists()

    page = client.post(url, _post_answers(request_q, answers))  # no JavaScript: the server shows them
    html = _content(page)
    assert "По вашим ответам появились дополнительные вопросы" in html
    assert q["request_other"].text in html
    assert 'value="Другое" checked' in html
    assert not Response.objects.exists()

    answers[q["request_other"].pk] = "Хочу научиться выступать"
    data = _post_answers(request_q, answers)
    data["_shown"].append(str(q["request_other"].pk))
    done = client.post(url, data)
    assert "Спасибо" in _content(done)
    assert Response.objects.get().answers[str(q["request_other"].pk)] == "Хочу научиться выступать"


def test_required_questions_are_explained_in_russian(client, cast, klass, request_q):
    token = _campaign(cast, request_q).invitations.first().token
    url = reverse("questionnaires:answer", args=[token])
    q = by_code(request_q)
    page = client.post(url, _post_answers(request_q, {q["request_need"].pk: "999", q["interests"].pk: "Спорт"}))
    html = _content(page)
    assert page.status_code == 200
    assert "Проверьте ответы: 4 вопроса требуют внимания" in html
    assert "Это обязательный вопрос: отметьте хотя бы один вариант." in html
    assert "Выберите оценку от 1 до 10." in html
    assert ">Спорт</textarea>" in html  # what was typed stays
    assert not Response.objects.exists()


def test_editable_link_shows_the_answers_to_change(client, cast, klass, request_q):
    invitation = _campaign(cast, request_q, mode="editable_until_deadline").invitations.first()
    services.response_submit(token=invitation.token, answers=valid_request_answers(request_q))
    url = reverse("questionnaires:answer", args=[invitation.token])
    page = client.get(url)
    html = _content(page)
    assert "Вы уже ответили на анкету" in html
    assert "Сохранить изменения" in html
    assert 'value="Очно" checked' in html
    assert ">Футбол, робототехника</textarea>" in html
    q = by_code(request_q)
    answers = {int(k): v for k, v in valid_request_answers(request_q).items()} | {q["format"].pk: "Дистанционно"}
    done = client.post(url, _post_answers(request_q, answers))
    assert "Изменить ответы можно по этой же ссылке" in _content(done)
    assert Response.objects.get().answers[str(q["format"].pk)] == "Дистанционно"


def test_friendly_pages_for_expired_used_and_unknown_links(client, cast, klass, request_q):
    campaign = _campaign(cast, request_q)
    expired, used = campaign.invitations.order_by("pk")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    services.response_submit(token=used.token, answers=valid_request_answers(request_q))

    page = client.get(reverse("questionnaires:answer", args=[expired.token]))
    assert page.status_code == 410
    assert "Срок ответа истёк" in _content(page)
    assert "обратитесь к куратору программы" in _content(page)
    posted = client.post(reverse("questionnaires:answer", args=[expired.token]), {"q1": "x"})
    assert posted.status_code == 410
    page = client.get(reverse("questionnaires:answer", args=[used.token]))
    assert page.status_code == 200
    assert "Вы уже ответили на эту анкету. Спасибо!" in _content(page)
    for token in ("no-such-token", "x" * 200, "%00", "юникод"):
        page = client.get(reverse("questionnaires:answer", args=[token]))
        assert page.status_code == 404
        assert "Ссылка не найдена" in _content(page)
        _no_inline_styles_or_scripts(_content(page))


def test_junk_posted_to_the_answer_page_never_breaks_it(client, cast, klass, request_q):
    token = _campaign(cast, request_q, mode="editable_until_deadline").invitations.first().token
    url = reverse("questionnaires:answer", args=[token])
    junk = {f"q{q.pk}": ["\x00", "=cmd|' /C calc'!A0", "9" * 400] for q in request_q.questions.all()}
    junk |= {"_shown": ["abc", "-1", "9" * 40]}
    response = client.post(url, junk)
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in _content(response)
    junk["_shown"] = [str(q.pk) for q in request_q.questions.all()]
    response = client.post(url, junk)
    assert response.status_code == 200
    assert "Проверьте ответы" in _content(response)
    assert not Response.objects.exists()


# --- the builder ----------------------------------------------------------------------------------
def test_builder_adds_a_conditional_question_and_moves_it_with_htmx(client, cast, request_q):
    client.force_login(cast.user("curator"))
    q = by_code(request_q)
    section = q["format"].section
    url = reverse("questionnaires:question_create", args=[section.pk])
    form = client.get(url)
    assert "Если «Как вам удобнее встречаться с наставником?» — «Дистанционно»" in _content(form)
    index = q["format"].options.index("Дистанционно")
    response = client.post(
        url,
        {
            "text": "Есть ли дома компьютер с камерой?",
            "qtype": "single",
            "required": "on",
            "section": section.pk,
            "options": "Да\nНет",
            "condition": f"{q['format'].pk}|{index}",
        },
    )
    assert response.status_code == 302
    question = Question.objects.get(text="Есть ли дома компьютер с камерой?")
    assert question.depends_on == q["format"]
    assert question.condition_value == "Дистанционно"

    moved = client.post(reverse("questionnaires:question_move", args=[question.pk]), {"direction": "up"}, **HX)
    assert moved.status_code == 200
    assert 'id="builder-sections"' in _content(moved)
    assert "<html" not in _content(moved)

    def order():
        return [x.code or "new" for x in services.questions_of(request_q) if x.section_id == section.pk]

    assert order() == ["format", "time_per_week", "new", "mentor_kind"]
    client.post(reverse("questionnaires:question_move", args=[question.pk]), {"direction": "up"}, **HX)
    assert order() == ["format", "new", "time_per_week", "mentor_kind"]
    refused = client.post(reverse("questionnaires:question_move", args=[question.pk]), {"direction": "up"}, **HX)
    assert "показывается по ответу на вопрос" in _content(refused)  # cannot climb above its condition
    assert order() == ["format", "new", "time_per_week", "mentor_kind"]

    bad = client.post(url, {"text": "Вопрос", "qtype": "single", "section": section.pk, "options": "Одно"})
    assert bad.status_code == 200
    assert "Нужно хотя бы два варианта ответа" in _content(bad)


def test_builder_edits_titles_sections_and_deletes(client, cast, request_q):
    client.force_login(cast.user("curator"))
    response = client.post(
        reverse("questionnaires:edit", args=[request_q.pk]),
        {"title": "Анкета 7Б", "kind": "request_mentee", "intro": "Здравствуйте!"},
    )
    assert response.status_code == 302
    request_q.refresh_from_db()
    assert (request_q.title, request_q.intro) == ("Анкета 7Б", "Здравствуйте!")
    client.post(reverse("questionnaires:section_create", args=[request_q.pk]), {"title": "Дополнительно"})
    section = request_q.sections.get(title="Дополнительно")
    client.post(reverse("questionnaires:section_edit", args=[section.pk]), {"title": "Прочее"})
    section.refresh_from_db()
    assert section.title == "Прочее"
    client.post(reverse("questionnaires:section_delete", args=[section.pk]))
    assert not request_q.sections.filter(pk=section.pk).exists()
    preview = client.get(reverse("questionnaires:preview", args=[request_q.pk]))
    assert "Опишите, с чем нужна помощь" in _content(preview)  # conditional ones shown, with a note
    _no_inline_styles_or_scripts(_content(preview))
    copy = client.post(reverse("questionnaires:copy", args=[request_q.pk]))
    assert Questionnaire.objects.filter(title="Анкета 7Б (копия)").exists()
    assert copy.status_code == 302
    client.post(reverse("questionnaires:delete", args=[request_q.pk]))
    assert not Questionnaire.objects.filter(pk=request_q.pk).exists()


def test_campaign_form_explains_a_missing_class(client, cast, klass, request_q):
    client.force_login(cast.user("curator"))
    response = client.post(
        reverse("questionnaires:campaign_create", args=[request_q.pk]),
        {"audience_kind": "class", "deadline": deadline().isoformat(), "mode": "single_use"},
    )
    assert response.status_code == 200
    assert "Выберите класс или группу." in _content(response)
    response = client.post(
        reverse("questionnaires:campaign_create", args=[request_q.pk]),
        {"audience_kind": "list", "person_ids": [str(klass.petr.pk)], "deadline": deadline().isoformat(),
         "mode": "single_use"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Campaign.objects.get().invitations.get().person == klass.petr


# --- rights ---------------------------------------------------------------------------------------
def test_working_group_reads_everything_and_changes_nothing(client, cast, klass, request_q):
    campaign = _campaign(cast, request_q)
    question = request_q.questions.first()
    client.force_login(cast.user("working_group"))
    builder = client.get(reverse("questionnaires:detail", args=[request_q.pk]))
    assert builder.status_code == 200
    assert "Разослать" not in _content(builder)
    progress = client.get(reverse("questionnaires:campaign", args=[campaign.pk]))
    assert progress.status_code == 200
    assert "Напомнить ещё раз" not in _content(progress)
    assert "/questionnaires/a/" not in _content(progress)  # links only for those who send them
    assert client.get(reverse("questionnaires:results", args=[campaign.pk])).status_code == 200
    assert client.get(reverse("questionnaires:export", args=[campaign.pk])).status_code == 200
    for url, data in (
        (reverse("questionnaires:question_edit", args=[question.pk]), {"text": "Иначе", "qtype": "text"}),
        (reverse("questionnaires:campaign_remind", args=[campaign.pk]), {}),
        (reverse("questionnaires:campaign_create", args=[request_q.pk]), {"audience_kind": "class"}),
        (reverse("questionnaires:create", args=[cast.school_a.pk]), {"template": "mentor"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "руководитель и куратор организации" in _content(response)
    question.refresh_from_db()
    assert question.text != "Иначе"
    assert Campaign.objects.count() == 1
    assert Questionnaire.objects.count() == 1


@pytest.mark.parametrize("stranger", ["outsider", "outsider_regional"])
def test_another_organisation_gets_404(client, cast, klass, request_q, stranger):
    campaign = _campaign(cast, request_q)
    client.force_login(cast.user(stranger))
    for url in (
        reverse("questionnaires:detail", args=[request_q.pk]),
        reverse("questionnaires:campaign", args=[campaign.pk]),
        reverse("questionnaires:results", args=[campaign.pk]),
        reverse("questionnaires:export", args=[campaign.pk]),
        reverse("questionnaires:org", args=[cast.school_a.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("questionnaires:campaign_remind", args=[campaign.pk])).status_code == 404


def test_participants_without_staff_roles_get_403(client, cast, request_q):
    client.force_login(cast.user("mentor"))
    assert client.get(reverse("questionnaires:index")).status_code == 403
    assert client.get(reverse("questionnaires:detail", args=[request_q.pk])).status_code == 403


def test_regional_coordinator_makes_a_template_for_the_schools(client, cast):
    client.force_login(cast.user("regional"))
    index = client.get(reverse("questionnaires:index"))
    assert "Ершовская СОШ" in _content(index)
    assert "Новый шаблон для организаций" in _content(index)
    response = client.post(
        reverse("questionnaires:area_create"), {"owner": f"region:{cast.region_a.pk}", "template": "diagnostics_before"}
    )
    template = Questionnaire.objects.get()
    assert response.status_code == 302
    assert template.is_template
    assert template.region == cast.region_a
    client.force_login(cast.user("curator"))
    org = client.get(reverse("questionnaires:org", args=[cast.school_a.pk]))
    assert "Шаблоны муниципалитета и региона" in _content(org)
    client.post(reverse("questionnaires:copy", args=[template.pk]), {"organization": cast.school_a.pk})
    copy = Questionnaire.objects.get(organization=cast.school_a)
    assert copy.template_code == "diagnostics_before"
    assert copy.source == template
    client.force_login(cast.user("outsider_regional"))
    bad = client.post(reverse("questionnaires:area_create"), {"owner": f"region:{cast.region_a.pk}"})
    assert bad.status_code == 200
    assert Questionnaire.objects.count() == 2


def test_a_sent_questionnaire_question_form_changes_only_the_wording(client, cast, klass, request_q):
    _campaign(cast, request_q)
    question = by_code(request_q)["format"]
    client.force_login(cast.user("curator"))
    url = reverse("questionnaires:question_edit", args=[question.pk])
    page = client.get(url)
    assert "Анкета уже разослана" in _content(page)
    assert re.search(r'<select name="qtype"[^>]*disabled', _content(page))
    response = client.post(
        url,
        {"text": "Где удобнее встречаться?", "help_text": "", "required": "on", "section": question.section_id,
         "qtype": "text", "options": "Совсем\nдругие"},
    )  # fmt: skip
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Где удобнее встречаться?"
    assert question.qtype == "single"
    assert question.options == ["Очно", "Дистанционно", "Очно и дистанционно"]


def test_a_link_of_a_person_removed_from_the_list_no_longer_works(client, cast, klass, request_q):
    invitation = _campaign(cast, request_q).invitations.get(subject=klass.petr)
    klass.father.delete()
    page = client.get(reverse("questionnaires:answer", args=[invitation.token]))
    assert page.status_code == 410
    assert "Ссылка больше не действует" in _content(page)


def test_answer_page_keeps_the_referrer_on_the_site_so_chromium_can_post_it(client, cast, klass, request_q):
    """With «Referrer-Policy: no-referrer» Chromium posts the form with `Origin: null` and Django's
    CSRF check refuses every parent's answer (found by the browser test of the pools path)."""
    from nastavnik.questionnaires import services

    campaign = services.campaign_create(
        actor=cast.user("curator"), questionnaire=request_q, audience_kind="class", class_name="7Б",
        deadline=deadline(5),
    ).campaign  # fmt: skip
    page = client.get(reverse("questionnaires:answer", args=[campaign.invitations.first().token]))

    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cache-Control"] == "no-store, private"
