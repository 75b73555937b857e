"""Input of the mentor base pages. Parsing only: the services validate and hold the rules."""

from django import forms

from nastavnik.core.forms import DateInput, StyledFormMixin
from nastavnik.orgs.models import OrganizationKind


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        details = person.position or person.get_category_display().lower()
        return f"{person.full_name} ({details})"


class FormChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, form):
        return form.name


class BaseFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="ФИО, компетенция или тема", required=False, max_length=100)
    form = FormChoiceField(label="Форма", queryset=None, required=False, empty_label="все формы")
    status = forms.ChoiceField(
        label="Статус", choices=[("active", "в базе"), ("left", "выбывшие"), ("", "все")], required=False
    )

    def __init__(self, *args, forms_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs


class NearbyForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="Компетенция, тема или ФИО", required=False, max_length=100)
    form = FormChoiceField(label="Форма", queryset=None, required=False, empty_label="все формы")
    scope = forms.ChoiceField(
        label="Где искать",
        choices=[("municipality", "в своём муниципалитете"), ("region", "во всём регионе")],
        required=False,
    )

    def __init__(self, *args, forms_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs


class RegionFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="Компетенция, тема или ФИО", required=False, max_length=100)
    form = FormChoiceField(label="Форма", queryset=None, required=False, empty_label="все формы")
    municipality = forms.ModelChoiceField(
        label="Муниципалитет", queryset=None, required=False, empty_label="все муниципалитеты"
    )
    kind = forms.ChoiceField(
        label="Тип организации", choices=[("", "все типы"), *OrganizationKind.choices], required=False
    )

    def __init__(self, *args, forms_qs, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs
        self.fields["municipality"].queryset = municipalities


class AddForm(StyledFormMixin, forms.Form):
    person = PersonChoiceField(label="Наставник", queryset=None, empty_label="выберите участника")
    reason = forms.CharField(
        label="Основание",
        max_length=500,
        help_text="Например: «наставник года, выдвинут методсоветом», «вёл пару в прошлой организации»",
    )
    note = forms.CharField(label="Заметка", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class EditForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label="Заметка куратора", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    available_elsewhere = forms.BooleanField(label="Готов наставлять в других организациях", required=False)
    consent_confirmed = forms.BooleanField(
        label="Наставник согласен, чтобы кураторы других организаций региона видели его ФИО, организацию, "
        "должность, формы и компетенции (без телефона и почты)",
        required=False,
    )


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="Причина", max_length=500)


class RequestForm(StyledFormMixin, forms.Form):
    form = FormChoiceField(label="Форма наставничества", queryset=None, empty_label="выберите форму")
    need = forms.CharField(
        label="Что нужно",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Например: «наставник для двух молодых учителей математики», «подготовка к олимпиаде»",
    )
    period_start = forms.DateField(label="Нужен с", widget=DateInput())
    period_end = forms.DateField(label="по", widget=DateInput())
    comment = forms.CharField(label="Комментарий", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, forms_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs


class DecideForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Решение", choices=[("accept", "Принять"), ("decline", "Отклонить")], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Комментарий", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="При отказе обязателен",
    )  # fmt: skip
