"""Forms of the work of pairs: they parse input; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from nastavnik.core.forms import DateInput, StyledFormMixin

from .models import (
    EARLY_END_REASONS,
    Activity,
    EndReason,
    MeetingKind,
    MentorshipStatus,
    Participation,
    PlanItemStatus,
    WorkFormat,
)
from .services import PLANNED_END_REASONS

REASON_FROM_LIST = "Выберите причину завершения из списка."


class FilterForm(StyledFormMixin, forms.Form):
    form = forms.ModelChoiceField(label="Форма наставничества", queryset=None, required=False, empty_label="Все формы")
    status = forms.ChoiceField(label="Статус", required=False, choices=[("", "Все статусы"), *MentorshipStatus.choices])

    def __init__(self, *args, forms_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs


class MentorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        free = obj.capacity - getattr(obj, "taken", 0)
        return f"{obj.person.full_name} — {obj.get_status_display().lower()}, свободно мест: {free} из {obj.capacity}"


class MenteeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        person = obj.person
        extra = f", {person.class_name}" if person.class_name else ""
        request = ", ".join(c.name for c in obj.categories.all()) or obj.request_text[:80]
        return f"{person.full_name}{extra}" + (f" — {request}" if request else "")


class CreateForm(StyledFormMixin, forms.Form):
    """Pick the form of mentoring, then the mentor, then the mentees (htmx reloads the choices)."""

    form = forms.ModelChoiceField(label="Форма наставничества", queryset=None, empty_label="— выберите форму —")
    mentor_entry = MentorChoiceField(label="Наставник", queryset=None, empty_label="— выберите наставника —")
    mentee_entries = MenteeChoiceField(
        label="Наставляемые (один — пара, несколько — группа)", queryset=None, widget=forms.CheckboxSelectMultiple
    )
    activate = forms.BooleanField(
        label="Закрепить сразу (приказ о закреплении наставнических пар издан)", required=False
    )
    start_date = forms.DateField(label="Начало работы пары", required=False, widget=DateInput())
    order_number = forms.CharField(label="Номер приказа", required=False, max_length=50)
    order_date = forms.DateField(label="Дата приказа", required=False, widget=DateInput())

    def __init__(self, *args, forms_qs, mentors_qs, mentees_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs
        self.fields["mentor_entry"].queryset = mentors_qs
        self.fields["mentee_entries"].queryset = mentees_qs
        self.fields["mentee_entries"].widget.attrs["class"] = "form-check-input"
        self.fields["form"].widget.attrs.update({"data-pick": "form"})


class ActivateForm(StyledFormMixin, forms.Form):
    start_date = forms.DateField(label="Начало работы пары", widget=DateInput())
    order_number = forms.CharField(label="Номер приказа", required=False, max_length=50)
    order_date = forms.DateField(label="Дата приказа", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"start_date": timezone.localdate(), "order_date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class EndForm(StyledFormMixin, forms.Form):
    early = forms.TypedChoiceField(
        label="Как завершается",
        choices=[("0", "Программа выполнена"), ("1", "Досрочно")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    reason = forms.ChoiceField(
        label="Причина досрочного завершения",
        required=False,
        choices=[("", "—"), *[(r.value, r.label) for r in EndReason if r in EARLY_END_REASONS]],
    )
    comment = forms.CharField(label="Комментарий", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    end_date = forms.DateField(label="Дата окончания", widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"end_date": timezone.localdate(), "early": "0"})
        super().__init__(*args, **kwargs)
        self.fields["early"].widget.attrs["class"] = "form-check-input"


class PlanEndForm(StyledFormMixin, forms.Form):
    """A planned ending: the reason from the list and the final meeting (the services check both)."""

    reason = forms.ChoiceField(
        label="Причина завершения",
        choices=[("", "— выберите —"), *[(r.value, r.label) for r in EndReason if r in PLANNED_END_REASONS]],
        error_messages={"required": REASON_FROM_LIST, "invalid_choice": REASON_FROM_LIST},
    )
    date = forms.DateField(label="Дата итоговой встречи", widget=DateInput())
    start_time = forms.TimeField(label="Начало", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label="Окончание", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    format = forms.ChoiceField(label="Формат", choices=WorkFormat.choices, initial=WorkFormat.IN_PERSON)
    place = forms.CharField(label="Место", required=False, max_length=300)
    link = forms.URLField(
        label="Ссылка (для дистанционной встречи)", required=False, max_length=500, assume_scheme="https"
    )
    topic = forms.CharField(label="Тема", max_length=300, initial="Итоговая встреча: подводим итоги")

    def __init__(self, *args, **kwargs):
        import datetime as dt

        kwargs.setdefault(
            "initial",
            {"date": timezone.localdate() + dt.timedelta(days=7), "start_time": "15:00", "end_time": "16:00"},
        )
        super().__init__(*args, **kwargs)


# --- meetings -----------------------------------------------------------------------------------------------
class MeetingForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Вид встречи", choices=MeetingKind.choices, initial=MeetingKind.REGULAR)
    date = forms.DateField(label="Дата", widget=DateInput())
    start_time = forms.TimeField(label="Начало", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label="Окончание", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    format = forms.ChoiceField(label="Формат", choices=WorkFormat.choices, initial=WorkFormat.IN_PERSON)
    place = forms.CharField(label="Место", required=False, max_length=300)
    link = forms.URLField(
        label="Ссылка (для дистанционной встречи)", required=False, max_length=500, assume_scheme="https"
    )
    topic = forms.CharField(label="Тема", max_length=300)


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="Причина отмены", max_length=300)


# --- the individual plan ------------------------------------------------------------------------------------
class PlanGoalForm(StyledFormMixin, forms.Form):
    goal = forms.CharField(
        label="Цель реализации целевой модели наставничества в данной паре (группе)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class PlanItemForm(StyledFormMixin, forms.Form):
    competency = forms.CharField(
        label="Наименование компетенций, которые необходимо сформировать, развить",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    activity = forms.CharField(label="Содержание деятельности", widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label="Сроки", widget=DateInput())
    format = forms.ChoiceField(label="Формат (очный / дистанционный)", choices=WorkFormat.choices)
    expected_result = forms.CharField(
        label="Ожидаемый результат", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class PlanProgressForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label="Статус", choices=PlanItemStatus.choices)
    progress = forms.IntegerField(label="Выполнено, %", min_value=0, max_value=100)
    achieved_result = forms.CharField(
        label="Достигнутый результат", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="Комментарий", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


# --- the journal --------------------------------------------------------------------------------------------
class JournalForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label="Дата встречи", widget=DateInput())
    format = forms.ChoiceField(label="Формат", choices=WorkFormat.choices)
    participation = forms.ChoiceField(label="Форма встречи", choices=Participation.choices)
    activity = forms.ChoiceField(label="Вид работы", choices=Activity.choices)
    topic = forms.CharField(label="Цель (тема встречи)", max_length=300)
    content = forms.CharField(label="Содержание", widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label="Результат", required=False, widget=forms.Textarea(attrs={"rows": 2}))
