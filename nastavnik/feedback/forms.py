"""Forms of feedback: they parse the input; the services check it (with Russian messages)."""

from django import forms

from nastavnik.core.forms import StyledFormMixin

from .models import RATING_MAX, RATING_MIN

RANGE_MESSAGE = f"Оценка — целое число от {RATING_MIN} до {RATING_MAX}."
SCALE = [(str(n), str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]


def _score_field(label, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        help_text=help_text,
        error_messages={"required": "Поставьте оценку от 1 до 10.", "invalid_choice": RANGE_MESSAGE},
    )


def _fix_radios(form):
    """StyledFormMixin styles every widget as a text input; radios get their own classes here."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.RadioSelect):
            scale = field.choices == SCALE
            field.widget.attrs["class"] = "btn-check" if scale else "form-check-input"


class PersonChoiceMixin:
    """«За кого отвечаете» when the actor answers for more than one person (a guardian of two children)."""

    def add_person_field(self, people):
        self.people = {str(p.pk): p for p in people}
        if len(people) > 1:
            self.fields = {
                "person": forms.ChoiceField(
                    label="За кого отвечаете", choices=[(str(p.pk), p.full_name) for p in people]
                ),
                **self.fields,
            }

    def chosen_person(self):
        if "person" in self.fields:
            return self.people.get(self.cleaned_data.get("person"))
        return next(iter(self.people.values()), None)


class AgreementForm(StyledFormMixin, forms.Form):
    goals = forms.CharField(
        label="Цели совместной работы",
        widget=forms.Textarea({"rows": 4}),
        help_text="Чего хотим достичь к концу программы: например, «подготовиться к олимпиаде по биологии».",
    )
    meeting_frequency = forms.CharField(
        label="Как часто встречаемся", max_length=300, help_text="Например: раз в неделю, по средам после уроков"
    )
    contacts = forms.CharField(
        label="Как связаться друг с другом",
        widget=forms.Textarea({"rows": 3}),
        help_text="Телефон, мессенджер, почта и удобное время для связи.",
    )


class FitCheckForm(PersonChoiceMixin, StyledFormMixin, forms.Form):
    fits = forms.TypedChoiceField(
        label="Подходим ли мы друг другу?",
        choices=[("yes", "Да, продолжаем"), ("no", "Нет, нам не подходит")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Ответьте «да» или «нет»."},
    )
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text="Если «нет» — что не так? Ответ видит только куратор, не другая сторона.",
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_person_field(list(people))
        _fix_radios(self)


class RatingForm(StyledFormMixin, forms.Form):
    rating = _score_field("Как прошла встреча? (1 — очень плохо, 10 — отлично)")
    comment = forms.CharField(
        label="Комментарий", required=False, widget=forms.Textarea({"rows": 3}), help_text="Что было полезно, что нет."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _fix_radios(self)


class PulseForm(PersonChoiceMixin, StyledFormMixin, forms.Form):
    score = _score_field("Как вы оцениваете отношения в паре? (1 — очень плохо, 10 — отлично)")
    comment = forms.CharField(
        label="Что можно улучшить?",
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text="Ответ видит только куратор.",
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_person_field(list(people))
        _fix_radios(self)


class FlagForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label="Что вас беспокоит?",
        widget=forms.Textarea({"rows": 5}),
        help_text="Сообщение получит только куратор программы. Другая сторона пары его не увидит.",
    )


class FlagCloseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label="Что сделано", widget=forms.Textarea({"rows": 3}))


class AlertSettingsForm(StyledFormMixin, forms.Form):
    low_rating = forms.IntegerField(label="Низкая оценка — не выше", min_value=1, max_value=9)
    missed_in_a_row = forms.IntegerField(label="Пропущенных встреч подряд", min_value=1, max_value=10)
    inactive_days = forms.IntegerField(label="Дней без активности", min_value=7, max_value=365)


class RematchForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Решение",
        choices=[("keep", "Сохранить пару"), ("rematch", "Подобрать другую пару")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Комментарий", required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _fix_radios(self)


YES_NO = [("yes", "Да"), ("no", "Нет")]


class FinalFeedbackForm(PersonChoiceMixin, StyledFormMixin, forms.Form):
    """The final feedback (issue 7.5). `mentee_side` — the question «стать наставником» is asked of mentees."""

    goal_reached = _score_field("Насколько достигнута цель работы пары? (1 — совсем нет, 10 — полностью)")
    most_useful = forms.CharField(label="Что было самым полезным?", required=False, widget=forms.Textarea({"rows": 3}))
    to_improve = forms.CharField(label="Что стоит улучшить?", required=False, widget=forms.Textarea({"rows": 3}))
    wants_continue = forms.ChoiceField(
        label="Хотите продолжить участие в наставничестве?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Ответьте «да» или «нет»."},
    )
    wants_to_mentor = forms.ChoiceField(
        label="Хотите сами стать наставником?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label="Комментарий", required=False, widget=forms.Textarea({"rows": 2}), help_text="Ответ видит куратор."
    )

    def __init__(self, *args, people=(), mentee_side=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_person_field(list(people))
        if not mentee_side:
            del self.fields["wants_to_mentor"]
        _fix_radios(self)
