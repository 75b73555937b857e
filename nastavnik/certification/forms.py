from django import forms

from nastavnik.core.forms import DateInput, StyledFormMixin

from .models import CaseRequirement


class SchemeForm(StyledFormMixin, forms.Form):
    min_hours = forms.IntegerField(
        label="Обучение, часов не менее", min_value=0, max_value=2000, initial=36, help_text="0 — не требуется"
    )
    trainings_from = forms.DateField(
        label="Учитывать курсы с", required=False, widget=DateInput(), help_text="Пусто — с начала учебного года"
    )
    require_program_year = forms.BooleanField(
        label="Завершённый год программы",
        required=False,
        initial=True,
        help_text="Учебный год организации закрыт, или программа утверждена и завершена хотя бы одна пара",
    )
    report_deadline = forms.DateField(
        label="Отчёт или дайджест сдан не позднее",
        required=False,
        widget=DateInput(),
        help_text="«Отчёт о реализации программы» или «Дайджест для РНЦ» в реестре документов; пусто — не требуется",
    )
    case_status = forms.ChoiceField(label="Кейс практики", choices=CaseRequirement.choices, required=False)


class TrainingForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Название курса", max_length=300)
    provider = forms.CharField(label="Кто проводил", max_length=300, help_text="Например: РНЦ Белгородской области")
    hours = forms.IntegerField(label="Часов", min_value=1, max_value=1000)
    date = forms.DateField(label="Дата окончания", widget=DateInput())
    scan = forms.FileField(label="Скан удостоверения или сертификата", required=False, help_text="PDF, JPG или PNG")


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=(("confirm", "Подтвердить"), ("reject", "Отклонить")))
    reason = forms.CharField(label="Причина отказа", required=False, max_length=500)


class RevokeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="Причина отзыва", max_length=500)
