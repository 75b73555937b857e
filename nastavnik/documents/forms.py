"""Input of the documents pages (the options of each document are the generators' own forms)."""

from __future__ import annotations

from django import forms

from nastavnik.core.forms import StyledFormMixin

from .generators import registry
from .models import DocumentSettings
from .services import FONTS


class SettingsForm(StyledFormMixin, forms.ModelForm):
    font_name = forms.ChoiceField(label="Шрифт", choices=[(f, f) for f in FONTS])

    class Meta:
        model = DocumentSettings
        fields = [
            "font_name", "font_size", "text_name", "place", "order_number_pattern", "number_pattern",
            "signatory_position", "signatory_name",
        ]  # fmt: skip

    def _post_clean(self):  # the service validates (with the messages the user should see)
        pass


class ScanForm(StyledFormMixin, forms.Form):
    scan = forms.FileField(label="Подписанный скан (PDF, JPG, PNG, до 20 МБ)")


class TemplateUploadForm(StyledFormMixin, forms.Form):
    generator_id = forms.ChoiceField(label="Документ")
    name = forms.CharField(label="Название шаблона", max_length=200, required=False)
    file = forms.FileField(label="Файл шаблона .docx", help_text="Поля docxtpl: {{ document.number }} и т. п.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["generator_id"].choices = [
            (g.identifier, g.title_ru) for g in registry.GENERATORS.values() if g.custom_templates
        ]


class RegisterFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label="Поиск",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "Номер, название, ФИО или дата 01.09.2026"}),
    )
    kind = forms.ChoiceField(label="Вид документа", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Все документы"), *registry.choices()]


class BatchForm(StyledFormMixin, forms.Form):
    generator_id = forms.ChoiceField(label="Документ")
    role = forms.ChoiceField(label="Кому", choices=(("mentor", "Наставникам"), ("mentee", "Наставляемым")))
    date = forms.DateField(label="Дата документов", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label="За что (необязательно)", required=False, max_length=300)
    people = forms.MultipleChoiceField(label="Участники", widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["generator_id"].choices = [
            (g.identifier, g.title_ru) for g in registry.GENERATORS.values() if g.batch_role
        ]
        self.fields["people"].choices = [(str(p.pk), p.full_name) for p in participants]
        self.fields["people"].widget.attrs["class"] = "form-check-input"
