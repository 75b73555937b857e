"""Services of questionnaires (issue item 1; seed 000 items 2.1, 3.3, 5.2, 6.8): the standard templates
and their copies, the builder, campaigns to a class, a role and a list, links (tokens, expiry, single
use or editable), validation of answers, reminders, anonymisation, results and the XLSX."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from nastavnik.people.models import Role, RoleKind
from nastavnik.questionnaires import selectors, services
from nastavnik.questionnaires.models import (
    Campaign,
    CampaignMode,
    Invitation,
    Question,
    Questionnaire,
    QuestionnaireKind,
    QuestionType,
    Response,
    Section,
)
from nastavnik.questionnaires.templates_data import TEMPLATES, template_by_code

from ..factories import PersonFactory
from .conftest import by_code, deadline, valid_request_answers

BASE = "https://nastavnik.example"


def _campaign(cast, questionnaire, **kwargs):
    data = {"audience_kind": "class", "class_name": "7Б", "deadline": deadline()} | kwargs
    return services.campaign_create(actor=cast.user("curator"), questionnaire=questionnaire, **data)


def _messages(error) -> dict:
    return error.value.message_dict


# --- standard templates ---------------------------------------------------------------------------
def test_every_standard_template_is_well_formed():
    kinds = {t.kind for t in TEMPLATES}
    assert kinds == set(QuestionnaireKind.values) - {QuestionnaireKind.OTHER}
    for template in TEMPLATES:
        codes = [q.code for s in template.sections for q in s.questions]
        assert len(codes) == len(set(codes)), template.code
        for index, question in enumerate(q for s in template.sections for q in s.questions):
            if question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
                assert len(question.options) >= 2
            if question.depends_on:
                parent = next(q for s in template.sections for q in s.questions if q.code == question.depends_on)
                assert codes.index(parent.code) < index
                assert question.condition_value in parent.options
    # the same diagnostic items before and after: Monitoring compares them by code
    before = {q.code for s in template_by_code("diagnostics_before").sections for q in s.questions}
    after = {q.code for s in template_by_code("diagnostics_after").sections for q in s.questions}
    assert before < after


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.code)
def test_a_template_is_copied_into_the_organisation(cast, template):
    questionnaire = services.questionnaire_create_from_template(
        actor=cast.user("curator"), organization=cast.school_a, template_code=template.code
    )
    assert questionnaire.organization == cast.school_a
    assert questionnaire.region == cast.region_a
    assert questionnaire.kind == template.kind
    assert questionnaire.template_code == template.code
    assert not questionnaire.is_template
    assert questionnaire.questions.count() == template.question_count
    assert questionnaire.sections.count() == len(template.sections)
    for question in questionnaire.questions.filter(depends_on__isnull=False):
        assert question.depends_on.questionnaire_id == questionnaire.pk
        assert question.condition_value in question.depends_on.options


def test_mentee_request_template_has_the_requests_format_and_interests(request_q):
    q = by_code(request_q)
    assert "Повысить успеваемость по отдельным предметам (низкие образовательные результаты)" in q["request"].options
    assert "Подготовиться к олимпиаде или конкурсу (одарённость)" in q["request"].options
    assert q["format"].options == ["Очно", "Дистанционно", "Очно и дистанционно"]
    assert q["interests"].qtype == QuestionType.TEXT
    assert q["interests"].required
    assert q["request_subjects"].depends_on == q["request"]


def test_preference_template_offers_up_to_three_mentors(cast):
    questionnaire = services.questionnaire_create_from_template(
        actor=cast.user("curator"), organization=cast.school_a, template_code="preference_mentee"
    )
    question = by_code(questionnaire)["preferred_mentors"]
    assert question.qtype == QuestionType.PEOPLE
    assert question.max_choices == 3
    assert question.people_source == "mentor"
    assert question.text == "Кого из наставников вы хотели бы видеть своим наставником? (до 3)"


def test_unknown_template_and_rights(cast):
    with pytest.raises(ValidationError):
        services.questionnaire_create_from_template(
            actor=cast.user("curator"), organization=cast.school_a, template_code="nope"
        )
    for name in ("working_group", "mentor", "outsider", "regional"):
        with pytest.raises(PermissionDenied):
            services.questionnaire_create_from_template(
                actor=cast.user(name), organization=cast.school_a, template_code="mentor"
            )
    assert not Questionnaire.objects.exists()


def test_coordinator_template_is_seen_and_copied_by_the_organisations_of_the_region(cast):
    template = services.questionnaire_create_from_template(
        actor=cast.user("regional"), region=cast.region_a, template_code="satisfaction_mentee"
    )
    assert template.is_template
    assert template.organization is None
    visible = selectors.area_templates_for(actor=cast.user("curator"), organization=cast.school_a)
    assert list(visible) == [template]
    assert not selectors.area_templates_for(actor=cast.user("outsider"), organization=cast.school_b).exists()
    copy = services.questionnaire_copy(actor=cast.user("curator"), source=template, organization=cast.school_a)
    assert copy.organization == cast.school_a
    assert not copy.is_template
    assert copy.source == template
    assert copy.questions.count() == template.questions.count()
    with pytest.raises(PermissionDenied):  # the school's curator does not edit the region's template
        services.section_add(actor=cast.user("curator"), questionnaire=template, title="Ещё")
    with pytest.raises(ValidationError, match="шаблон"):
        services.campaign_create(
            actor=cast.user("regional"), questionnaire=template, audience_kind="class", class_name="7Б",
            deadline=deadline(),
        )  # fmt: skip


# --- the builder ----------------------------------------------------------------------------------
def test_builder_sections_and_questions_of_every_type(cast):
    curator = cast.user("curator")
    questionnaire = services.questionnaire_create(
        actor=curator, organization=cast.school_a, title="  Анкета   родителей ", kind="other"
    )
    assert questionnaire.title == "Анкета родителей"
    first = questionnaire.sections.get()
    second = services.section_add(actor=curator, questionnaire=questionnaire, title="О ребёнке")
    assert second.sort_order == 2
    made = [
        services.question_add(actor=curator, section=first, text="Один", qtype="single", options="Да\nНет\n\n"),
        services.question_add(actor=curator, section=first, text="Много", qtype="multiple", options=["А", "Б", "В"],
                              max_choices=2),
        services.question_add(actor=curator, section=first, text="Шкала", qtype="scale", scale_min_label="плохо",
                              scale_max_label="отлично", options="лишнее\nтоже"),
        services.question_add(actor=curator, section=second, text="Текст", qtype="text", required=False),
        services.question_add(actor=curator, section=second, text="Число", qtype="number", min_value=0, max_value=5),
        services.question_add(actor=curator, section=second, text="Дата", qtype="date"),
        services.question_add(actor=curator, section=second, text="Кто", qtype="people", people_source="mentor"),
    ]  # fmt: skip
    assert [q.qtype for q in services.questions_of(questionnaire)] == [
        "single", "multiple", "scale", "text", "number", "date", "people",
    ]  # fmt: skip
    assert made[0].options == ["Да", "Нет"]
    assert made[0].required
    assert made[2].options == []
    assert made[2].scale_max_label == "отлично"
    assert not made[3].required
    assert [q.sort_order for q in made[3:]] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": " ", "qtype": "text"}, "text", "Напишите вопрос."),
        ({"text": "Q", "qtype": "single", "options": "Да"}, "options", "Нужно хотя бы два варианта"),
        ({"text": "Q", "qtype": "single", "options": "Да\nда"}, "options", "повторяется"),
        ({"text": "Q", "qtype": "multiple", "options": "А\nБ", "max_choices": 3}, "max_choices", "больше числа"),
        ({"text": "Q", "qtype": "number", "min_value": 5, "max_value": 1}, "max_value", "меньше наименьшего"),
        ({"text": "Q", "qtype": "people"}, "people_source", "Выберите, из кого выбирать"),
        ({"text": "Q", "qtype": "wat"}, "qtype", "Выберите тип вопроса."),
    ],
)
def test_builder_explains_bad_questions(cast, request_q, data, field, message):
    section = request_q.sections.first()
    with pytest.raises(ValidationError) as error:
        services.question_add(actor=cast.user("curator"), section=section, **data)
    assert message in " ".join(_messages(error)[field])


def test_conditions_point_up_to_an_option_of_a_choice(cast):
    curator = cast.user("curator")
    questionnaire = services.questionnaire_create(actor=curator, organization=cast.school_a, title="Анкета")
    section = questionnaire.sections.get()
    parent = services.question_add(actor=curator, section=section, text="Опыт?", qtype="single", options="Да\nНет")
    text = services.question_add(actor=curator, section=section, text="Какой?", qtype="text")
    child = services.question_add(
        actor=curator, section=section, text="Опишите", qtype="text", depends_on=parent, condition_value="Да"
    )
    assert child.depends_on == parent
    with pytest.raises(ValidationError) as error:
        services.question_add(actor=curator, section=section, text="X", qtype="text", depends_on=text)
    assert "только по вопросу с вариантами" in _messages(error)["depends_on"][0]
    with pytest.raises(ValidationError) as error:
        services.question_add(
            actor=curator, section=section, text="X", qtype="text", depends_on=parent, condition_value="Может быть"
        )
    assert "Выберите вариант ответа" in _messages(error)["condition_value"][0]
    below = services.question_add(actor=curator, section=section, text="Ещё?", qtype="single", options="Да\nНет")
    with pytest.raises(ValidationError) as error:  # a condition on a question below
        services.question_update(actor=curator, question=parent, depends_on=below, condition_value="Да")
    assert "стоит выше" in _messages(error)["depends_on"][0]
    parent.refresh_from_db()
    with pytest.raises(ValidationError) as error:  # the option a condition names cannot disappear
        services.question_update(actor=curator, question=parent, options="Нет\nИногда")
    assert "От ответа «Да» зависит вопрос «Опишите»" in _messages(error)["options"][0]
    services.question_move(actor=curator, question=text, direction="down")
    with pytest.raises(ValidationError):  # nor can the question it depends on move below it
        services.question_move(actor=curator, question=parent, direction="down")
    services.question_delete(actor=curator, question=parent)
    child.refresh_from_db()
    assert child.depends_on is None
    assert child.condition_value == ""


def test_move_renumbers_and_swaps(cast):
    curator = cast.user("curator")
    questionnaire = services.questionnaire_create(actor=curator, organization=cast.school_a, title="Анкета")
    section = questionnaire.sections.get()
    a, b, c = (services.question_add(actor=curator, section=section, text=t, qtype="text") for t in "АБВ")
    services.question_move(actor=curator, question=c, direction="up")
    assert [q.text for q in services.questions_of(questionnaire)] == ["А", "В", "Б"]
    services.question_move(actor=curator, question=a, direction="up")  # already first: nothing
    assert [q.text for q in services.questions_of(questionnaire)] == ["А", "В", "Б"]
    second = services.section_add(actor=curator, questionnaire=questionnaire, title="Второй")
    services.section_move(actor=curator, section=second, direction="up")
    assert list(questionnaire.sections.order_by("sort_order").values_list("title", flat=True)) == ["Второй", "Вопросы"]
    moved = services.question_update(actor=curator, question=b, section=second)
    assert moved.section == second
    assert services.questions_of(questionnaire)[0] == b


def test_copy_keeps_conditions_inside_the_copy(cast, request_q):
    copy = services.questionnaire_copy(actor=cast.user("curator"), source=request_q)
    assert copy.title == f"{request_q.title} (копия)"
    assert copy.organization == cast.school_a
    assert copy.questions.count() == request_q.questions.count()
    conditional = copy.questions.filter(depends_on__isnull=False)
    assert conditional.count() == 3
    assert all(q.depends_on.questionnaire_id == copy.pk for q in conditional)


def test_a_sent_questionnaire_keeps_its_structure(cast, klass, request_q):
    curator = cast.user("curator")
    _campaign(cast, request_q)
    question = by_code(request_q)["interests"]
    services.question_update(actor=curator, question=question, text="Чем вы увлекаетесь?", help_text="Кратко")
    question.refresh_from_db()
    assert question.text == "Чем вы увлекаетесь?"
    services.question_update(actor=curator, question=question, required=False)  # optional is fine
    for call in (
        lambda: services.question_update(actor=curator, question=question, qtype="number"),
        lambda: services.question_update(actor=curator, question=by_code(request_q)["format"], options="А\nБ"),
        lambda: services.question_add(actor=curator, section=question.section, text="Новый", qtype="text"),
        lambda: services.question_delete(actor=curator, question=question),
        lambda: services.section_delete(actor=curator, section=question.section),
        lambda: services.questionnaire_delete(actor=curator, questionnaire=request_q),
    ):
        with pytest.raises(ValidationError):
            call()
    assert Question.objects.filter(pk=question.pk).exists()


def test_working_group_reads_but_does_not_build(cast, request_q):
    reader = cast.user("working_group")
    assert selectors.questionnaire_get_for(actor=reader, pk=request_q.pk) == request_q
    section = request_q.sections.first()
    for call in (
        lambda: services.section_add(actor=reader, questionnaire=request_q, title="X"),
        lambda: services.question_add(actor=reader, section=section, text="X", qtype="text"),
        lambda: services.questionnaire_update(actor=reader, questionnaire=request_q, title="X", kind="other"),
        lambda: services.questionnaire_delete(actor=reader, questionnaire=request_q),
    ):
        with pytest.raises(PermissionDenied):
            call()


# --- campaigns ------------------------------------------------------------------------------------
def test_campaign_to_a_class_answered_by_guardians(cast, klass, request_q):
    result = _campaign(cast, request_q, guardians_answer=True)
    campaign = result.campaign
    assert result.created == 2
    assert result.skipped == ["Белова Ольга Сергеевна"]
    pairs = set(campaign.invitations.values_list("person_id", "subject_id"))
    assert pairs == {(cast.parent_a.pk, klass.maria.pk), (klass.father.pk, klass.petr.pk)}
    assert campaign.audience == "Класс 7Б (отвечают законные представители)"
    assert campaign.organization == cast.school_a
    assert campaign.region == cast.region_a


def test_campaign_to_a_class_answered_by_pupils(cast, klass, request_q):
    result = _campaign(cast, request_q)
    assert result.created == 3
    assert not result.skipped
    assert set(result.campaign.invitations.values_list("person_id", flat=True)) == {
        klass.maria.pk, klass.petr.pk, klass.olga.pk,
    }  # fmt: skip
    assert all(i.person_id == i.subject_id for i in result.campaign.invitations.all())


def test_campaign_to_everyone_with_a_role_and_to_a_list(cast, klass, request_q):
    mentors = _campaign(cast, request_q, audience_kind="role", role_kind=RoleKind.MENTOR).campaign
    assert mentors.invitations.count() == 3  # the cast's mentor and the two of the class fixture
    assert mentors.audience == "Все наставники"
    chosen = [klass.petr.pk, cast.teacher_a.pk]
    listed = _campaign(cast, request_q, audience_kind="list", person_ids=[str(pk) for pk in chosen]).campaign
    assert sorted(listed.invitations.values_list("person_id", flat=True)) == sorted(chosen)
    with pytest.raises(ValidationError) as error:
        _campaign(cast, request_q, audience_kind="list", person_ids=[klass.petr.pk, cast.person_b.pk])
    assert "не из этой организации" in _messages(error)["person_ids"][0]
    with pytest.raises(ValidationError) as error:
        _campaign(cast, request_q, audience_kind="list", person_ids=[])
    assert _messages(error)["person_ids"] == ["Выберите участников."]
    with pytest.raises(ValidationError) as error:
        _campaign(cast, request_q, class_name="11Я")
    assert _messages(error)["class_name"] == ["В классе (группе) 11Я нет участников."]
    with pytest.raises(ValidationError) as error:
        _campaign(cast, request_q, class_name="7 б", deadline=timezone.localdate() - dt.timedelta(days=1))
    assert "Срок ответа уже прошёл" in _messages(error)["deadline"][0]


def test_tokens_are_unique_long_and_links_expire_at_the_end_of_the_deadline_day(cast, klass, request_q):
    campaign = _campaign(cast, request_q, deadline=deadline(3)).campaign
    tokens = list(campaign.invitations.values_list("token", flat=True))
    assert len(set(tokens)) == len(tokens) == 3
    assert all(len(t) >= 43 and t.replace("-", "").replace("_", "").isalnum() for t in tokens)
    expires = timezone.localtime(campaign.invitations.first().expires_at)
    assert (expires.date(), expires.hour, expires.minute) == (deadline(3), 23, 59)


def test_only_the_curator_or_director_sends(cast, klass, request_q):
    for name in ("working_group", "regional", "mentor"):
        with pytest.raises(PermissionDenied):
            services.campaign_create(
                actor=cast.user(name), questionnaire=request_q, audience_kind="class", class_name="7Б",
                deadline=deadline(),
            )  # fmt: skip
    assert not Campaign.objects.exists()
    assert services.campaign_create(
        actor=cast.user("director"), questionnaire=request_q, audience_kind="class", class_name="7Б",
        deadline=deadline(),
    ).created == 3  # fmt: skip


# --- answering ------------------------------------------------------------------------------------
def test_answers_are_validated_with_russian_messages(cast, klass, request_q):
    token = _campaign(cast, request_q).campaign.invitations.first().token
    q = by_code(request_q)
    with pytest.raises(ValidationError) as error:
        services.response_submit(token=token, answers={})
    messages = _messages(error)
    assert messages[f"q{q['request'].pk}"] == ["Это обязательный вопрос: отметьте хотя бы один вариант."]
    assert messages[f"q{q['format'].pk}"] == ["Это обязательный вопрос: выберите вариант ответа."]
    assert messages[f"q{q['request_need'].pk}"] == ["Это обязательный вопрос: выберите оценку от 1 до 10."]
    assert messages[f"q{q['interests'].pk}"] == ["Это обязательный вопрос: напишите ответ."]
    assert f"q{q['request_subjects'].pk}" not in messages  # conditional and hidden
    assert f"q{q['about'].pk}" not in messages  # optional
    bad = valid_request_answers(request_q) | {str(q["request_need"].pk): "11", str(q["format"].pk): "Пешком"}
    with pytest.raises(ValidationError) as error:
        services.response_submit(token=token, answers=bad)
    assert _messages(error) == {
        f"q{q['request_need'].pk}": ["Выберите оценку от 1 до 10."],
        f"q{q['format'].pk}": ["Выберите один из предложенных вариантов."],
    }
    assert not Response.objects.exists()


def test_conditional_question_is_required_only_when_shown(cast, klass, request_q):
    token = _campaign(cast, request_q).campaign.invitations.first().token
    q = by_code(request_q)
    answers = valid_request_answers(request_q) | {
        str(q["request"].pk): ["Повысить успеваемость по отдельным предметам (низкие образовательные результаты)"],
        str(q["request_olympiad"].pk): "Олимпиада по химии",  # hidden: dropped
    }
    with pytest.raises(ValidationError) as error:
        services.response_submit(token=token, answers=answers)
    assert _messages(error) == {f"q{q['request_subjects'].pk}": ["Это обязательный вопрос: напишите ответ."]}
    answers[str(q["request_subjects"].pk)] = "  Алгебра  "
    response = services.response_submit(token=token, answers=answers)
    assert response.answers[str(q["request_subjects"].pk)] == "Алгебра"
    assert str(q["request_olympiad"].pk) not in response.answers
    assert response.answers[str(q["request_need"].pk)] == 7


def test_questions_revealed_by_the_answers_are_shown_before_saving(cast, klass, request_q):
    """Without JavaScript: the page sent the questions it showed; new ones come back, nothing saved."""
    token = _campaign(cast, request_q).campaign.invitations.first().token
    q = by_code(request_q)
    answers = valid_request_answers(request_q) | {str(q["request"].pk): ["Другое"]}
    shown = [x.pk for x in request_q.questions.filter(depends_on__isnull=True)]
    with pytest.raises(ValidationError) as error:
        services.response_submit(token=token, answers=answers, shown=shown)
    assert "появились дополнительные вопросы" in _messages(error)["__all__"][0]
    assert not Response.objects.exists()


def test_single_use_link_takes_one_answer(cast, klass, request_q):
    invitation = _campaign(cast, request_q).campaign.invitations.first()
    services.response_submit(token=invitation.token, answers=valid_request_answers(request_q))
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    with pytest.raises(ValidationError) as error:
        services.response_submit(token=invitation.token, answers=valid_request_answers(request_q))
    assert error.value.code == "used"
    assert "уже ответили" in error.value.messages[0]
    assert Response.objects.count() == 1


def test_editable_link_takes_changes_until_the_deadline(cast, klass, request_q):
    invitation = _campaign(
        cast, request_q, mode=CampaignMode.EDITABLE, deadline=deadline(2)
    ).campaign.invitations.first()
    q = by_code(request_q)
    first = services.response_submit(token=invitation.token, answers=valid_request_answers(request_q))
    changed = valid_request_answers(request_q) | {str(q["format"].pk): "Дистанционно"}
    second = services.response_submit(token=invitation.token, answers=changed)
    assert second.pk == first.pk
    assert second.answers[str(q["format"].pk)] == "Дистанционно"
    later = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        services.response_submit(token=invitation.token, answers=changed, now=later)
    assert error.value.code == "expired"
    assert "Срок ответа по этой ссылке истёк" in error.value.messages[0]


def test_unknown_and_expired_links(cast, klass, request_q):
    invitation = _campaign(cast, request_q, deadline=deadline(0)).campaign.invitations.first()
    for token in ("", "x" * 500, "нет-такой-ссылки", invitation.token[:-1]):
        with pytest.raises(ValidationError) as error:
            services.response_submit(token=token, answers={})
        assert error.value.code == "unknown"
    tomorrow = timezone.now() + dt.timedelta(days=1, hours=1)
    with pytest.raises(ValidationError) as error:
        services.response_submit(token=invitation.token, answers={}, now=tomorrow)
    assert error.value.code == "expired"


def test_people_choice_accepts_only_offered_people_and_at_most_three(cast, klass):
    questionnaire = services.questionnaire_create_from_template(
        actor=cast.user("curator"), organization=cast.school_a, template_code="preference_mentee"
    )
    q = by_code(questionnaire)
    token = _campaign(cast, questionnaire).campaign.invitations.first().token
    offered = services.offered_people([q["preferred_mentors"]], cast.school_a.pk)[q["preferred_mentors"].pk]
    mentor_ids = [p.pk for p in offered]
    assert sorted(p.last_name for p in offered) == ["Зайцева", "Орлова", "Соколов"]
    base = {str(q["meeting_rating"].pk): 8}
    key = str(q["preferred_mentors"].pk)
    for wrong in (
        [cast.teacher_a.pk],
        [cast.person_b.pk],
        ["abc"],
        [str(klass.petr.pk)],
        ["-1"],
        [mentor_ids[0], 10**30],
    ):
        with pytest.raises(ValidationError) as error:
            services.response_submit(token=token, answers=base | {key: wrong})
        assert _messages(error)[f"q{q['preferred_mentors'].pk}"] == ["Выберите людей из предложенного списка."]
    extra = PersonFactory(organization=cast.school_a, last_name="Четвёртый")
    Role.objects.create(person=extra, kind=RoleKind.MENTOR, organization=cast.school_a)
    with pytest.raises(ValidationError) as error:
        services.response_submit(token=token, answers=base | {key: [*mentor_ids, extra.pk]})
    assert _messages(error)[f"q{q['preferred_mentors'].pk}"] == ["Можно выбрать не больше 3: снимите лишние отметки."]
    response = services.response_submit(token=token, answers=base | {key: [str(mentor_ids[1]), str(mentor_ids[0])]})
    assert response.answers[key] == [mentor_ids[1], mentor_ids[0]]


def test_numbers_dates_and_junk(cast, klass):
    curator = cast.user("curator")
    questionnaire = services.questionnaire_create(actor=curator, organization=cast.school_a, title="Анкета")
    section = questionnaire.sections.get()
    number = services.question_add(actor=curator, section=section, text="Сколько?", qtype="number", max_value=10)
    date = services.question_add(actor=curator, section=section, text="Когда?", qtype="date")
    text = services.question_add(actor=curator, section=section, text="Что?", qtype="text", required=False)
    token = _campaign(cast, questionnaire, mode=CampaignMode.EDITABLE).campaign.invitations.first().token
    cases = [
        ({number.pk: "abc", date.pk: "2026-01-01"}, number, "Введите число, например 5 или 2,5."),
        ({number.pk: "11", date.pk: "2026-01-01"}, number, "Число должно быть не больше 10."),
        ({number.pk: "1", date.pk: "31.02.2026"}, date, "Такой даты нет в календаре."),
        ({number.pk: "1", date.pk: "вчера"}, date, "Введите дату в формате ДД.ММ.ГГГГ, например 01.09.2026."),
        ({number.pk: "1", date.pk: "01.01.1066"}, date, "Проверьте год: дата должна быть между 1900 и 2100 годом."),
        ({number.pk: "1", date.pk: "2026-01-01", text.pk: "я" * 5001}, text,
         "Ответ слишком длинный: не больше 5000 знаков."),
    ]  # fmt: skip
    for answers, question, message in cases:
        with pytest.raises(ValidationError) as error:
            services.response_submit(token=token, answers={str(k): v for k, v in answers.items()})
        assert _messages(error) == {f"q{question.pk}": [message]}
    response = services.response_submit(
        token=token, answers={str(number.pk): " 2,5 ", str(date.pk): "01.09.2026", str(text.pk): "=1+1\x00 ок"}
    )
    assert response.answers == {str(number.pk): 2.5, str(date.pk): "2026-09-01", str(text.pk): "=1+1 ок"}


# --- sending and reminding ------------------------------------------------------------------------
def test_send_and_remind_only_those_who_have_not_answered(cast, klass, request_q):
    campaign = _campaign(cast, request_q, guardians_answer=True).campaign
    result = services.invitations_send(actor=cast.user("curator"), campaign=campaign, base_url=BASE)
    assert (result.emailed, result.without_email) == (1, 1)  # the father has an e-mail, the mother not
    assert mail.outbox[0].to == ["kuznetsov@example.ru"]
    father_invitation = campaign.invitations.get(person=klass.father)
    assert f"{BASE}/questionnaires/a/{father_invitation.token}/" in mail.outbox[0].body
    assert "о ребёнке (Пётр Кузнецов)" in mail.outbox[0].body
    assert services.invitations_send(actor=cast.user("curator"), campaign=campaign, base_url=BASE).emailed == 0

    mother_invitation = campaign.invitations.get(person=cast.parent_a)
    services.response_submit(token=father_invitation.token, answers=valid_request_answers(request_q))
    mail.outbox.clear()
    result = services.invitation_remind(actor=cast.user("curator"), campaign=campaign, base_url=BASE)
    assert (result.emailed, result.without_email) == (0, 1)
    assert mail.outbox == []
    father_invitation.refresh_from_db()
    assert father_invitation.reminded_at is None

    cast.parent_a.email = "ivanova@example.ru"
    cast.parent_a.save()
    result = services.invitation_remind(actor=cast.user("curator"), campaign=campaign, base_url=BASE)
    assert result.emailed == 1
    assert mail.outbox[0].to == ["ivanova@example.ru"]
    assert mail.outbox[0].subject.startswith("Напоминание")
    mother_invitation.refresh_from_db()
    assert mother_invitation.reminded_at is not None
    assert mother_invitation.remind_count == 1
    with pytest.raises(PermissionDenied):
        services.invitation_remind(actor=cast.user("working_group"), campaign=campaign, base_url=BASE)


# --- personal data --------------------------------------------------------------------------------
def test_revoked_consent_anonymises_answers_but_keeps_the_statistics(cast, klass):
    questionnaire = services.questionnaire_create_from_template(
        actor=cast.user("curator"), organization=cast.school_a, template_code="preference_mentee"
    )
    q = by_code(questionnaire)
    campaign = _campaign(cast, questionnaire, guardians_answer=True).campaign
    orlova, sokolov = klass.mentors
    answers = {str(q["meeting_rating"].pk): 9, str(q["preferred_mentors"].pk): [orlova.pk, sokolov.pk]}
    maria_link = campaign.invitations.get(subject=klass.maria)
    petr_link = campaign.invitations.get(subject=klass.petr)
    services.response_submit(token=maria_link.token, answers=answers)
    _total, before = selectors.campaign_results(campaign)

    assert services.responses_anonymize_for(person=klass.maria) == 1
    maria_link.refresh_from_db()
    assert (maria_link.person, maria_link.subject, maria_link.anonymised) == (None, None, True)
    assert maria_link.response.anonymised
    total, after = selectors.campaign_results(campaign)
    assert total == 1
    assert [r.average for r in after] == [r.average for r in before]
    assert selectors.respondent_label(maria_link) == ("Обезличено", "", "")
    with pytest.raises(ValidationError) as error:
        services.response_submit(token=maria_link.token, answers=answers)
    assert error.value.code == "used"

    assert services.responses_anonymize_for(person=klass.petr) == 0  # no answer: the link is deleted
    assert not Invitation.objects.filter(pk=petr_link.pk).exists()

    services.responses_anonymize_for(person=orlova)  # a chosen mentor revokes: out of others' choices
    maria_link.response.refresh_from_db()
    assert maria_link.response.answers[str(q["preferred_mentors"].pk)] == [sokolov.pk]


# --- results and XLSX -----------------------------------------------------------------------------
def _answered_campaign(cast, klass, request_q):
    campaign = _campaign(cast, request_q).campaign
    q = by_code(request_q)
    links = {i.subject_id: i for i in campaign.invitations.all()}
    base = valid_request_answers(request_q)
    services.response_submit(token=links[klass.maria.pk].token, answers=base)
    services.response_submit(
        token=links[klass.petr.pk].token,
        answers=base
        | {
            str(q["request_need"].pk): "10",
            str(q["format"].pk): "Дистанционно",
            str(q["request"].pk): ["Выбрать профессию и профиль обучения", "Другое"],
            str(q["request_other"].pk): '=HYPERLINK("http://x")',
        },
    )
    return campaign, q


def test_results_count_options_and_average_scales(cast, klass, request_q):
    campaign, q = _answered_campaign(cast, klass, request_q)
    total, results = selectors.campaign_results(campaign)
    by_question = {r.question.pk: r for r in results}
    assert total == 2
    need = by_question[q["request_need"].pk]
    assert need.answered == 2
    assert need.average == 8.5
    assert [(o.label, o.count) for o in need.options if o.count] == [("7", 1), ("10", 1)]
    fmt = by_question[q["format"].pk]
    assert [(o.label, o.count, o.percent, o.width) for o in fmt.options] == [
        ("Очно", 1, 50, 50), ("Дистанционно", 1, 50, 50), ("Очно и дистанционно", 0, 0, 0),
    ]  # fmt: skip
    request = {o.label: o.count for o in by_question[q["request"].pk].options}
    assert request["Выбрать профессию и профиль обучения"] == 2
    assert request["Другое"] == 1
    assert by_question[q["interests"].pk].texts == ["Футбол, робототехника"] * 2
    progress = selectors.campaign_progress(campaign)
    assert (progress.total, progress.answered, progress.pending, progress.percent) == (3, 2, 1, 67)


def test_xlsx_export_is_a_real_workbook_and_is_audited(cast, klass, request_q):
    campaign, q = _answered_campaign(cast, klass, request_q)
    content = services.campaign_export(actor=cast.user("working_group"), campaign=campaign)
    book = load_workbook(io.BytesIO(content))
    sheet = book["Ответы"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["№", "Кто ответил", "О ком (ребёнок)", "Класс / группа", "Дата ответа"]
    assert q["request_need"].text in header
    assert q["interests"].text in header
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["B"].width == 32
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 2
    by_name = {row[1]: row for row in rows}
    petr = by_name["Кузнецов Пётр Андреевич"]
    assert petr[3] == "7Б"
    assert petr[header.index(q["request_need"].text)] == 10
    assert petr[header.index(q["format"].text)] == "Дистанционно"
    assert petr[header.index(q["request"].text)] == "Выбрать профессию и профиль обучения; Другое"
    other = sheet.cell(row=rows.index(petr) + 2, column=header.index(q["request_other"].text) + 1)
    assert other.value == '=HYPERLINK("http://x")'
    assert other.data_type == "s"
    summary = book["Сводка"]
    assert [c.value for c in summary[1]] == ["Вопрос", "Ответили", "Вариант", "Количество", "Доля, %", "Среднее"]
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == cast.user("working_group")
    assert entry.additional_data["campaign_id"] == campaign.pk


def test_a_campaign_of_a_questionnaire_without_questions_is_refused(cast, klass):
    questionnaire = services.questionnaire_create(actor=cast.user("curator"), organization=cast.school_a, title="Пусто")
    with pytest.raises(ValidationError, match="нет вопросов"):
        _campaign(cast, questionnaire)
    assert Section.objects.filter(questionnaire=questionnaire).count() == 1
