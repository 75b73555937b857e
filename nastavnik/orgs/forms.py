from django import forms

from nastavnik.core.forms import DateInput, ServiceValidatedMixin, StyledFormMixin

from .models import Municipality, Organization, OrganizationKind, Partner, Region


class RegionForm(StyledFormMixin, ServiceValidatedMixin, forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name", "code", "mentoring_centre"]


class MunicipalityForm(StyledFormMixin, ServiceValidatedMixin, forms.ModelForm):
    class Meta:
        model = Municipality
        fields = ["name"]


class OrganizationForm(StyledFormMixin, ServiceValidatedMixin, forms.ModelForm):
    municipality = forms.ModelChoiceField(label="Муниципалитет", queryset=Municipality.objects.none())
    website = forms.URLField(label="Сайт", required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["municipality", "name", "short_name", "kind", "address", "phone", "email", "website"]

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is None:
            del self.fields["municipality"]
        else:
            self.fields["municipality"].queryset = municipalities


class OrganizationFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="Поиск", required=False)
    kind = forms.ChoiceField(label="Тип", required=False, choices=[("", "Все типы"), *OrganizationKind.choices])
    municipality = forms.ModelChoiceField(
        label="Муниципалитет",
        required=False,
        queryset=Municipality.objects.none(),
        empty_label="Все муниципалитеты",
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class PartnerForm(StyledFormMixin, ServiceValidatedMixin, forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "inn", "contact_person", "phone", "email", "organizations"]
        widgets = {"organizations": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = organizations

    def clean_inn(self):
        inn = self.cleaned_data["inn"].strip()
        if inn and (not inn.isdigit() or len(inn) not in (10, 12)):
            raise forms.ValidationError("ИНН состоит из 10 цифр (организация) или 12 цифр (ИП).")
        return inn


class AcademicYearForm(StyledFormMixin, forms.Form):
    start_year = forms.IntegerField(label="Год начала", min_value=2000, max_value=2100, help_text="2027 → 2027/2028")


class AgreementForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label="Организация", queryset=None)
    number = forms.CharField(label="Номер", required=False, max_length=50)
    subject = forms.CharField(label="Предмет соглашения", max_length=500)
    start_date = forms.DateField(label="Действует с", widget=DateInput())
    end_date = forms.DateField(label="Действует по", widget=DateInput(), required=False)
    contact = forms.CharField(label="Контактное лицо партнёра", required=False, max_length=200)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "Окончание раньше начала.")
        return data
