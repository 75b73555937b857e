from django import forms

from nastavnik.core.forms import DateInput, ServiceValidatedMixin, StyledFormMixin
from nastavnik.orgs.models import Municipality, Organization, Region

from .models import Category, GuardianKind, Person, RoleKind


class PersonForm(StyledFormMixin, ServiceValidatedMixin, forms.ModelForm):
    """A person of an organisation; coordinators may also add staff of a municipality or region."""

    organization = forms.ModelChoiceField(label="Организация", queryset=Organization.objects.none())
    municipality = forms.ModelChoiceField(
        label="или муниципалитет (сотрудник органа управления образованием)",
        queryset=Municipality.objects.none(),
        required=False,
    )
    region = forms.ModelChoiceField(
        label="или регион (сотрудник регионального центра)", queryset=Region.objects.none(), required=False
    )

    class Meta:
        model = Person
        fields = [
            "organization", "municipality", "region", "last_name", "first_name", "patronymic", "gender",
            "birth_date", "category", "class_name", "position", "subject", "teaching_since", "email", "phone",
        ]  # fmt: skip
        widgets = {"birth_date": DateInput(), "teaching_since": DateInput()}
        help_texts = {"gender": "Если не указать, определится по отчеству."}

    def __init__(self, *args, organizations=None, municipalities=None, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].required = False
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            if organizations.count() == 1:
                self.fields["organization"].initial = organizations.first().pk
        for name, queryset in (("municipality", municipalities), ("region", regions)):
            if queryset is None or not queryset.exists():
                del self.fields[name]
            else:
                self.fields[name].queryset = queryset
                if "organization" in self.fields:
                    self.fields["organization"].required = False

    def clean(self):
        data = super().clean()
        if "organization" in self.fields:
            chosen = [n for n in ("organization", "municipality", "region") if data.get(n)]
            if not chosen:
                self.add_error("organization", "Укажите организацию участника.")
            elif len(chosen) > 1:
                self.add_error(chosen[1], "Выберите что-то одно: организацию, муниципалитет или регион.")
        return data


class PersonFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label="Поиск", required=False, widget=forms.TextInput(attrs={"placeholder": "ФИО, класс, почта"})
    )
    organization = forms.ModelChoiceField(
        label="Организация",
        required=False,
        queryset=Organization.objects.none(),
        empty_label="Все организации",
    )
    category = forms.ChoiceField(label="Категория", required=False, choices=[("", "Все категории"), *Category.choices])
    class_name = forms.ChoiceField(label="Класс / группа", required=False)
    role = forms.ChoiceField(label="Роль", required=False, choices=[("", "Все роли"), *RoleKind.choices])
    without_guardian = forms.BooleanField(label="Несовершеннолетние без законного представителя", required=False)

    def __init__(self, *args, organizations, class_names, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["class_name"].choices = [("", "Все классы"), *((c, c) for c in class_names)]
        if organizations.count() <= 1:
            self.fields["organization"].widget = forms.HiddenInput()


class RoleForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Роль")
    organization = forms.ModelChoiceField(label="Организация", required=False, queryset=Organization.objects.none())
    municipality = forms.ModelChoiceField(label="Муниципалитет", required=False, queryset=Municipality.objects.none())
    region = forms.ModelChoiceField(label="Регион", required=False, queryset=Region.objects.none())
    start_date = forms.DateField(label="С", required=False, widget=DateInput())
    end_date = forms.DateField(label="По", required=False, widget=DateInput())

    def __init__(self, *args, kinds, organizations, municipalities, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, RoleKind(k).label) for k in kinds]
        self.fields["organization"].queryset = organizations
        self.fields["municipality"].queryset = municipalities
        self.fields["region"].queryset = regions
        for name, qs in (("municipality", municipalities), ("region", regions)):
            if not qs.exists():
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "Дата окончания раньше даты начала.")
        return data


class GuardianForm(StyledFormMixin, forms.Form):
    guardian = forms.ModelChoiceField(label="Законный представитель", queryset=Person.objects.none())
    kind = forms.ChoiceField(label="Кем приходится", choices=GuardianKind.choices)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = candidates
