"""Forms of monitoring pages: filters of the registry, an impact measurement, the import file."""

from __future__ import annotations

from django import forms

from nastavnik.mentorships.models import MentorshipStatus
from nastavnik.people.models import Category
from nastavnik.programs.models import MentoringForm

from .models import Parameter, Stage

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class RegistryFilterForm(forms.Form):
    date_from = forms.DateField(label="Период с", required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label="по", required=False, widget=DATE_INPUT)
    organization = forms.ModelChoiceField(
        label="Организация", queryset=None, required=False, empty_label="все организации",
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    form = forms.ModelChoiceField(
        label="Форма наставничества", queryset=MentoringForm.objects.order_by("sort_order", "name"), required=False,
        empty_label="все формы", widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    status = forms.ChoiceField(
        label="Статус пары",
        required=False,
        choices=[("", "действующие и завершённые"), *MentorshipStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    category = forms.ChoiceField(
        label="Категория",
        required=False,
        choices=[("", "все категории"), *Category.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    role = forms.ChoiceField(
        label="Роль",
        required=False,
        choices=[("", "наставники и наставляемые"), ("mentor", "наставники"), ("mentee", "наставляемые")],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("Начало периода позже его конца.")
        return data


class MeasurementForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Участник", queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    parameter = forms.ChoiceField(
        label="Параметр", choices=Parameter.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    stage = forms.ChoiceField(label="Этап", choices=Stage.choices, widget=forms.Select(attrs={"class": "form-select"}))
    value = forms.CharField(
        label="Значение", max_length=10,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
        help_text="Успеваемость — средний балл 1–5, посещаемость — 0–100 %, остальное — 1–10.",
    )  # fmt: skip
    measured_on = forms.DateField(label="Дата измерения", widget=DATE_INPUT)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: (
            f"{p.full_name}{' · ' + p.class_name if p.class_name else ''}"
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Файл XLSX",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
        help_text="Столбцы: ФИО, Дата рождения (если есть тёзки), Параметр, Этап, Значение, Дата измерения.",
    )
