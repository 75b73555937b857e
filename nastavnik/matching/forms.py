"""Input of the matching pages. Parsing only: the services validate and hold the rules."""

from django import forms

from nastavnik.core.forms import DateInput, StyledFormMixin

from . import services
from .models import Solver


class FormChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, form):
        return form.name


class OrganizationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, organization):
        return organization.short_name


class RunForm(StyledFormMixin, forms.Form):
    """Form of mentoring, the solver shown first, the weights of the score and the hard rules."""

    form = FormChoiceField(label="Форма наставничества", queryset=None, empty_label=None)
    solver = forms.ChoiceField(label="Показать сначала решение", choices=Solver.choices, initial=Solver.OPTIMAL)

    def __init__(self, *args, forms_qs, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs
        if organizations is not None:
            self.fields["organizations"] = OrganizationsField(
                label="Организации",
                queryset=organizations,
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            )

    def weight_fields(self):
        return [self[f"w_{key}"] for key in services.WEIGHT_LABELS]

    def rule_fields(self):
        return [self[f"r_{key}"] for key in (*services.RULE_INTS, *services.RULE_FLAGS)]

    def weights(self) -> dict:
        return {key: float(self.cleaned_data[f"w_{key}"]) for key in services.WEIGHT_LABELS}

    def rules(self) -> dict:
        rules = {}
        for key in services.RULE_INTS:
            if self.cleaned_data.get(f"r_{key}") is not None:
                rules[key] = self.cleaned_data[f"r_{key}"]
        for key in services.RULE_FLAGS:
            rules[key] = bool(self.cleaned_data.get(f"r_{key}"))
        return rules


def _add_weight_and_rule_fields(form_class) -> None:
    """The weights and rules come from the services' tables: one field each (declared once)."""
    defaults = services.default_weights()
    for key, label in services.WEIGHT_LABELS.items():
        form_class.base_fields[f"w_{key}"] = forms.DecimalField(
            label=label,
            min_value=0,
            max_value=services.WEIGHT_MAX,
            decimal_places=2,
            initial=defaults[key],
            widget=forms.NumberInput(attrs={"step": "0.5"}),
        )
    for key in services.RULE_INTS:
        form_class.base_fields[f"r_{key}"] = forms.IntegerField(
            label=services.RULE_LABELS[key],
            min_value=0,
            max_value=30,
            required=False,
            help_text="Пусто — как принято для формы (2 года для «ученик – ученик» и «студент – ученик», иначе 0)."
            if key == "min_age_gap"
            else "Пусто — без этого правила.",
        )
    for key in services.RULE_FLAGS:
        form_class.base_fields[f"r_{key}"] = forms.BooleanField(
            label=services.RULE_LABELS[key], required=False, initial=key == "require_trained"
        )


_add_weight_and_rule_fields(RunForm)


class ApproveForm(StyledFormMixin, forms.Form):
    activate = forms.BooleanField(
        label="Сразу закрепить пары (приказ «о закреплении наставнических пар» подписан)", required=False
    )
    start_date = forms.DateField(label="Начало работы пар", required=False, widget=DateInput())
    order_number = forms.CharField(label="Номер приказа", required=False, max_length=50)
    order_date = forms.DateField(label="Дата приказа", required=False, widget=DateInput())


class ForbiddenForm(StyledFormMixin, forms.Form):
    mentee = forms.ModelChoiceField(label="Наставляемый", queryset=None)
    mentor = forms.ModelChoiceField(label="Наставник", queryset=None)
    reason = forms.CharField(label="Причина", max_length=300, help_text="Например: родственники, конфликт")

    def __init__(self, *args, mentees, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = mentees
        self.fields["mentor"].queryset = mentors
