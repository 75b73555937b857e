from django import forms

from nastavnik.core.forms import DateInput, StyledFormMixin


class ScanForm(StyledFormMixin, forms.Form):
    scan = forms.FileField(label="Скан подписанного согласия (PDF, JPG, PNG, до 10 МБ)")
    given_on = forms.DateField(label="Дата подписания", widget=DateInput())
    signer_name = forms.CharField(label="Подписант (если не тот, кто указан по умолчанию)", required=False)


class RevokeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="Основание отзыва", max_length=300)


class GiveForm(forms.Form):
    agree = forms.BooleanField(
        label="Согласен(на) на обработку персональных данных на условиях, изложенных выше", required=False
    )
    minor_agrees = forms.BooleanField(label="Я, несовершеннолетний участник, тоже даю согласие", required=False)
