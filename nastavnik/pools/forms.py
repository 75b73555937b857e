"""Input of the pools pages. Parsing only: the services validate and hold the rules."""

from django import forms

from nastavnik.core.forms import DateInput, StyledFormMixin

from .models import CRITERIA, SCORE_SCALE, AuthorRole, Format, MenteeStatus, MentorStatus, Source

TOPICS_HELP = "По одной теме в строке, например: «подготовка к ОГЭ по математике», «адаптация в 5 классе»."


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        details = person.class_name or person.position or person.get_category_display().lower()
        role = " ★" if getattr(person, "has_role", False) else ""
        return f"{person.full_name} ({details}){role}"


class FormChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, form):
        return form.name


class MenteeFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="ФИО", required=False, max_length=100)
    form = FormChoiceField(label="Форма", queryset=None, required=False, empty_label="все формы")
    status = forms.ChoiceField(label="Статус", choices=[("", "все статусы"), *MenteeStatus.choices], required=False)
    category = forms.ModelChoiceField(label="Запрос", queryset=None, required=False, empty_label="все запросы")
    class_name = forms.ChoiceField(label="Класс (группа)", required=False)

    def __init__(self, *args, forms_qs, categories, class_names, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs
        self.fields["category"].queryset = categories
        self.fields["class_name"].choices = [("", "все классы"), *((n, n) for n in class_names)]


class MentorFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="ФИО", required=False, max_length=100)
    form = FormChoiceField(label="Форма", queryset=None, required=False, empty_label="все формы")
    status = forms.ChoiceField(label="Статус", choices=[("", "все статусы"), *MentorStatus.choices], required=False)

    def __init__(self, *args, forms_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs


class _EntryFields(forms.Form):
    preferred_format = forms.ChoiceField(label="Предпочтительный формат", choices=Format.choices, initial=Format.ANY)
    source = forms.ChoiceField(
        label="Источник",
        choices=[choice for choice in Source.choices if choice[0] != Source.OUTSIDE],  # set by the mentor base only
        initial=Source.QUESTIONNAIRE,
    )
    source_note = forms.CharField(
        label="Откуда сведения", required=False, max_length=300, help_text="Например: анкета от 12.10, решение МО"
    )


class MenteeEditForm(StyledFormMixin, _EntryFields):
    categories = forms.ModelMultipleChoiceField(
        label="Запросы", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    request_text = forms.CharField(
        label="Запрос своими словами", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["categories", "request_text", "preferred_format", "source", "source_note"]

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = categories
        self.fields["categories"].widget.attrs["class"] = "form-check-input"


class MenteeAddForm(MenteeEditForm):
    person = PersonChoiceField(label="Участник", queryset=None, help_text="★ — участник с ролью «Наставляемый».")
    form = FormChoiceField(label="Форма наставничества", queryset=None)
    field_order = ["person", "form", *MenteeEditForm.field_order]

    def __init__(self, *args, people, forms_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["form"].queryset = forms_qs


class StatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label="Новый статус")
    reason = forms.CharField(label="Основание", required=False, max_length=500)

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses.choices


class NoteForm(StyledFormMixin, forms.Form):
    author_role = forms.ChoiceField(label="Кто сообщает", choices=AuthorRole.choices)
    author_person = PersonChoiceField(label="Автор — участник организации", queryset=None, required=False)
    author_name = forms.CharField(label="или ФИО автора", required=False, max_length=300)
    date = forms.DateField(label="Дата", widget=DateInput())
    text = forms.CharField(label="Сведения о запросе", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author_person"].queryset = authors


class MentorEditForm(StyledFormMixin, _EntryFields):
    competencies = forms.CharField(label="Компетенции, опыт", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    topics = forms.CharField(
        label="Темы, с которыми может помочь",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=TOPICS_HELP,
    )
    capacity = forms.IntegerField(label="Сколько наставляемых может взять", min_value=1, max_value=30, initial=1)
    availability = forms.CharField(
        label="Когда свободен", required=False, max_length=300, help_text="Например: вторник и четверг после 15:00"
    )
    field_order = ["competencies", "topics", "capacity", "availability", "preferred_format", "source", "source_note"]

    def clean_topics(self):
        return [line.strip() for line in self.cleaned_data["topics"].splitlines() if line.strip()]


class MentorAddForm(MentorEditForm):
    person = PersonChoiceField(label="Участник", queryset=None, help_text="★ — участник с ролью «Наставник».")
    form = FormChoiceField(label="Форма наставничества", queryset=None)
    field_order = ["person", "form", *MentorEditForm.field_order]

    def __init__(self, *args, people, forms_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["form"].queryset = forms_qs


class ScoreSheetForm(forms.Form):
    """One score sheet: the nine criteria of seed 001, each 0–3 with an optional comment."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in CRITERIA:
            self.fields[f"score_{code}"] = forms.TypedChoiceField(
                label=name,
                choices=SCORE_SCALE,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": f"Оцените критерий «{name}»."},
            )
            self.fields[f"comment_{code}"] = forms.CharField(
                label=f"Комментарий: {name}",
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def rows(self):
        return [(code, name, self[f"score_{code}"], self[f"comment_{code}"]) for code, name in CRITERIA]

    def scores(self) -> dict[str, tuple[int, str]]:
        return {
            code: (self.cleaned_data[f"score_{code}"], self.cleaned_data.get(f"comment_{code}", ""))
            for code, _name in CRITERIA
        }


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Решение", choices=[("approve", "Одобрить"), ("decline", "Отказать")], widget=forms.RadioSelect
    )
    date = forms.DateField(label="Дата решения", widget=DateInput())
    comment = forms.CharField(label="Комментарий (при отказе — причина)", required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class TrainingForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Тема", max_length=300)
    date = forms.DateField(label="Дата", widget=DateInput())
    place = forms.CharField(label="Место", required=False, max_length=300)
    trainer = forms.CharField(label="Кто проводит", required=False, max_length=300)
    program = forms.CharField(label="Программа обучения", required=False, widget=forms.Textarea(attrs={"rows": 5}))


class MaterialForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Название", required=False, max_length=300)
    file = forms.FileField(label="Файл", required=False)
    url = forms.URLField(label="Ссылка", required=False, assume_scheme="https")


class CategoryForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="Название", max_length=200)
    region = forms.ModelChoiceField(
        label="Каталог", queryset=None, required=False, empty_label="общий для всех регионов"
    )
    sort_order = forms.IntegerField(label="Порядок", min_value=0, max_value=1000, initial=100)
    is_active = forms.BooleanField(label="Используется", required=False, initial=True)

    def __init__(self, *args, regions, allow_default: bool, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        if not allow_default:
            self.fields["region"].required = True
            self.fields["region"].empty_label = None
        if edit:
            del self.fields["region"]


class FillFromCampaignForm(StyledFormMixin, forms.Form):
    form = FormChoiceField(label="Форма наставничества", queryset=None, empty_label="выберите форму")
    include_with_consent = forms.BooleanField(
        label="Сразу включить в базу тех, у кого есть согласие на обработку персональных данных",
        required=False,
        initial=True,
    )

    def __init__(self, *args, forms, as_mentor: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms
        if as_mentor:
            # a mentor candidate is approved only after the score sheet of the working group (seed 001)
            del self.fields["include_with_consent"]
