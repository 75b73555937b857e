"""The public answer page `/questionnaires/a/<token>/`: a personal link, no login, made for a phone.

Conditional questions appear without JavaScript: the page lists the questions it showed (`_shown`);
when the answers reveal more, nothing is saved and the page comes back with them. With htmx, a change
of a choice re-renders the questions at once (`_refresh`). Expired, used and unknown links get a
friendly page of their own."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import answers as answer_rules
from . import selectors, services
from .models import LIST_TYPES, Question, QuestionType

LINK_STATUS = {"unknown": 404, "expired": 410, "withdrawn": 410, "used": 200}


@dataclass
class Choice:
    value: str
    label: str
    checked: bool
    hint: str = ""


@dataclass
class Field:
    question: Question
    name: str
    value: str = ""
    error: str = ""
    choices: list[Choice] = field(default_factory=list)
    controls: bool = False  # other questions depend on it: a change re-renders the form (htmx)

    @property
    def input_id(self) -> str:
        return f"id_{self.name}"


def _person_label(person) -> str:
    detail = person.class_name or person.position
    return f"{person.full_name}, {detail}" if detail else person.full_name


def form_sections(questions, display: dict, errors: dict, visible: set, offered: dict) -> list[tuple]:
    """[(section, [Field…])] of the shown questions, with what was entered and the messages."""
    controlling = {q.depends_on_id for q in questions if q.depends_on_id}
    sections: list[tuple] = []
    for question in questions:
        if question.pk not in visible:
            continue
        name = answer_rules.field_name(question)
        value = display.get(question.pk)
        values = value if isinstance(value, list) else ([value] if value not in (None, "") else [])
        item = Field(
            question=question,
            name=name,
            value="" if isinstance(value, list) or value is None else str(value),
            error=errors.get(name, ""),
            controls=question.pk in controlling,
        )
        if question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            item.choices = [Choice(option, option, option in values) for option in question.options]
        elif question.qtype == QuestionType.SCALE:
            item.choices = [Choice(str(n), str(n), str(n) in values) for n in range(1, 11)]
        elif question.qtype == QuestionType.PEOPLE:
            item.choices = [
                Choice(str(person.pk), _person_label(person), str(person.pk) in values)
                for person in offered.get(question.pk, [])
            ]
        if sections and sections[-1][0].pk == question.section_id:
            sections[-1][1].append(item)
        else:
            sections.append((question.section, [item]))
    return sections


def raw_answers(post, questions) -> dict[str, object]:
    """The POSTed form as the service takes it: {question id: text or list of texts}."""
    raw = {}
    for question in questions:
        name = answer_rules.field_name(question)
        if question.qtype in LIST_TYPES:
            raw[str(question.pk)] = post.getlist(name)
        else:
            raw[str(question.pk)] = post.get(name, "")
    return raw


def _display_of(raw: dict) -> dict:
    return {int(key): value for key, value in raw.items()}


def _headers(response):
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # «same-origin», not «no-referrer»: with no referrer Chromium posts the answer form with
    # `Origin: null`, which Django's CSRF check refuses; the link still never leaks to other sites.
    response["Referrer-Policy"] = "same-origin"
    return response


def _link_page(request, invitation, error: ValidationError):
    code = getattr(error, "code", None) or "unknown"
    response = render(
        request,
        "questionnaires/answer_link.html",
        {
            "code": code,
            "message": " ".join(error.messages),
            "invitation": invitation if code != "unknown" else None,
            "title": "Анкета",
        },
        status=LINK_STATUS.get(code, 404),
    )
    return _headers(response)


@require_http_methods(["GET", "POST"])
def answer(request, token):
    invitation = selectors.invitation_for_token(token)
    now = timezone.now()
    error = services.link_error(invitation, now)
    if error is not None:
        return _link_page(request, invitation, error)
    campaign = invitation.campaign
    questions = services.questions_of(campaign.questionnaire)
    offered = services.offered_people(
        questions, campaign.organization_id, exclude=(invitation.subject_id, invitation.person_id)
    )
    offered_ids = {pk: [p.pk for p in people] for pk, people in offered.items()}
    errors: dict[str, str] = {}
    top_error = ""
    if request.method == "POST":
        raw = raw_answers(request.POST, questions)
        display = _display_of(raw)
        if "_refresh" not in request.POST:
            shown = None  # a form without the list (not the page's own) is validated as a whole
            if "_shown" in request.POST:
                shown = {int(v) for v in request.POST.getlist("_shown") if v.isascii() and v.isdigit() and len(v) < 19}
            try:
                services.response_submit(token=token, answers=raw, now=now, shown=shown)
            except ValidationError as failure:
                if not hasattr(failure, "error_dict") and getattr(failure, "code", None) in LINK_STATUS:
                    return _link_page(request, invitation, failure)
                if hasattr(failure, "error_dict"):
                    errors = {key: messages[0] for key, messages in failure.message_dict.items()}
                    top_error = errors.pop("__all__", "")
                else:
                    top_error = " ".join(failure.messages)
            else:
                response = render(
                    request,
                    "questionnaires/answer_done.html",
                    {"invitation": invitation, "campaign": campaign, "title": "Спасибо!"},
                )
                return _headers(response)
    else:
        stored = getattr(invitation, "response", None)
        display = answer_rules.display_values(questions, stored.answers if stored else {})
    values = answer_rules.lenient_values(questions, {str(k): v for k, v in display.items()}, offered_ids)
    visible = answer_rules.visible_ids(questions, values)
    context = {
        "invitation": invitation,
        "campaign": campaign,
        "questionnaire": campaign.questionnaire,
        "respondent": invitation.person,
        "subject": invitation.subject if invitation.subject_id != invitation.person_id else None,
        "sections": form_sections(questions, display, errors, visible, offered),
        "shown": sorted(visible),
        "top_error": top_error,
        "error_count": len(errors),
        "deadline": timezone.localtime(invitation.expires_at).date(),
        "editing": invitation.answered_at is not None,
        "title": campaign.questionnaire.title,
    }
    template = "questionnaires/answer.html"
    if request.method == "POST" and "_refresh" in request.POST and request.htmx:
        template = "questionnaires/answer.html#questions"
    return _headers(render(request, template, context))
