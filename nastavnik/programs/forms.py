"""Input of the constructor steps and of the preparation pages. Parsing only: services validate."""

from django import forms

from nastavnik.core.forms import DateInput, StyledFormMixin

from .models import ActLevel, GroupPosition, ItemStatus, MentoringForm, ResourceKind, ResultKind
from .services import TARGET_GROUPS

TEXTAREA = {"rows": 5}


class ProgramCreateForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Название программы", max_length=300, initial="Программа наставничества")


class AreaProgramForm(StyledFormMixin, forms.Form):
    """A coordinator's own program: of a municipality or of a region."""

    title = forms.CharField(label="Название программы", max_length=300)
    scope = forms.ChoiceField(label="Чья программа")

    def __init__(self, *args, municipalities, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(f"r{r.pk}", str(r)) for r in regions] + [
            (f"m{m.pk}", str(m)) for m in municipalities
        ]


class ProblemStepForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Название программы", max_length=300)
    problem = forms.CharField(
        label="Проблемная ситуация, которую поможет решить программа",
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
    )


class GoalStepForm(StyledFormMixin, forms.Form):
    goal = forms.CharField(label="Цель программы", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AudienceStepForm(StyledFormMixin, forms.Form):
    target_audience = forms.CharField(
        label="Кому нужна эта программа", widget=forms.Textarea(attrs=TEXTAREA), required=False
    )


class ImplementersStepForm(StyledFormMixin, forms.Form):
    implementers = forms.CharField(
        label="Кто реализует программу, какая структура, кто соорганизаторы",
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
    )


class ResultForm(StyledFormMixin, forms.Form):
    # an empty first choice keeps the blank extra rows of the formset «unchanged» (not validated)
    kind = forms.ChoiceField(label="Вид", choices=[("", "— вид —"), *ResultKind.choices], required=False)
    text = forms.CharField(label="Результат", max_length=500, required=False)
    target_value = forms.DecimalField(label="Цель", required=False, max_digits=12, decimal_places=2, min_value=0)
    unit = forms.CharField(label="Единица", required=False, max_length=30)

    def clean(self):
        data = super().clean()
        if data.get("text") and not data.get("kind"):
            self.add_error("kind", "Укажите вид результата.")
        if data.get("kind") and not data.get("text"):
            self.add_error("text", "Опишите результат.")
        if data.get("kind") == ResultKind.QUANTITATIVE and data.get("text") and data.get("target_value") is None:
            self.add_error("target_value", "У количественного результата укажите целевое значение.")
        return data


ResultFormSet = forms.formset_factory(ResultForm, extra=2, can_delete=True)


class ResourcesStepForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ResourceKind.choices:
            self.fields[kind] = forms.CharField(
                label=f"{label} ресурсы", required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
        self._style()

    def _style(self):
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class ActForm(StyledFormMixin, forms.Form):
    level = forms.ChoiceField(label="Уровень", choices=[("", "— уровень —"), *ActLevel.choices], required=False)
    title = forms.CharField(label="Реквизиты и название", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("level"):
            self.add_error("level", "Укажите уровень акта.")
        return data


ActFormSet = forms.formset_factory(ActForm, extra=1, can_delete=True)


class FormsStepForm(forms.Form):
    forms = forms.ModelMultipleChoiceField(
        label="Формы наставничества", queryset=MentoringForm.objects.all(), widget=forms.CheckboxSelectMultiple,
        required=False,
    )  # fmt: skip


class DurationStepForm(StyledFormMixin, forms.Form):
    start_date = forms.DateField(label="Начало реализации", widget=DateInput())
    end_date = forms.DateField(label="Окончание реализации", widget=DateInput())


class GroupMemberForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(label="Участник", queryset=None)
    position = forms.ChoiceField(label="Роль в группе", choices=GroupPosition.choices, initial=GroupPosition.MEMBER)
    duties = forms.CharField(label="Обязанности", required=False, max_length=300)
    start_date = forms.DateField(label="С", widget=DateInput())
    end_date = forms.DateField(label="По", widget=DateInput(), required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = candidates


class MeetingForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label="Дата заседания", widget=DateInput())
    agenda = forms.CharField(label="Повестка", widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label="Решения", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    attendees = forms.ModelMultipleChoiceField(
        label="Присутствовали", queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = attendees
        self.fields["attendees"].widget.attrs["class"] = "form-check-input"


class RoadmapLoadForm(forms.Form):
    template = forms.ChoiceField(label="Шаблон", widget=forms.RadioSelect)

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.code, t.title) for t in templates]


class RoadmapItemForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label="№", required=False, max_length=10)
    section = forms.CharField(label="Раздел", required=False, max_length=300)
    content = forms.CharField(label="Содержание", widget=forms.Textarea(attrs={"rows": 3}))
    start_date = forms.DateField(label="Начало", widget=DateInput())
    due_date = forms.DateField(label="Срок", widget=DateInput())
    responsible = forms.ModelChoiceField(label="Ответственный", queryset=None, required=False)
    expected_result = forms.CharField(
        label="Ожидаемый результат", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    indicators = forms.CharField(
        label="Показатели эффективности", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, responsibles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = responsibles


class ItemStatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label="Статус", choices=ItemStatus.choices)
    evidence_text = forms.CharField(label="Подтверждение (документ, протокол)", required=False, max_length=1000)
    evidence_url = forms.URLField(label="Ссылка", required=False, assume_scheme="https")
    evidence_file = forms.FileField(label="Файл", required=False)

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload and upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError("Файл больше 20 МБ: приложите файл поменьше или ссылку.")
        return upload


class AnalysisForm(StyledFormMixin, forms.Form):
    existing_practice = forms.CharField(
        label="Имеющиеся наставнические практики", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    resources = forms.CharField(
        label="Ресурсы (кадры, помещения, партнёры)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    risks = forms.CharField(label="Риски", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    conclusions = forms.CharField(
        label="Выводы (перейдут в раздел «Проблема» программы)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in TARGET_GROUPS:
            self.fields[f"need_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
            )

    def needs(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"need_{key}", "") for key, _label in TARGET_GROUPS}
