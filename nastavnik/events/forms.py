"""Input of the events pages. Parsing only: the services validate and hold the rules."""

from django import forms

from nastavnik.core.forms import DateInput, StyledFormMixin
from nastavnik.orgs.models import OrganizationKind

from .models import AUDIENCE_ROLES, CaseStatus, EventKind, MaterialKind, Nomination


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return getattr(obj, "name", None) or str(obj)


class OrgChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.short_name


class EventForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Вид мероприятия", choices=EventKind.choices)
    title = forms.CharField(label="Название", max_length=300)
    starts_at = forms.DateTimeField(label="Начало", widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(
        label="Окончание", widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"], required=False
    )
    place = forms.CharField(
        label="Место", max_length=300, required=False, help_text="Актовый зал, кабинет 21 или ссылка"
    )
    description = forms.CharField(label="Описание, программа", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    audience_roles = forms.MultipleChoiceField(
        label="Для кого (пусто — для всех)", choices=AUDIENCE_ROLES, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    audience_forms = forms.ModelMultipleChoiceField(
        label="Формы наставничества", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    audience_organizations = OrgChoiceField(
        label="Организации-участники (пусто — все организации территории)", queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    registration_open = forms.BooleanField(label="Открыта запись участников", required=False, initial=True)
    capacity = forms.IntegerField(label="Мест (пусто — без ограничения)", required=False, min_value=1)
    is_public = forms.BooleanField(label="Показывать на открытой странице организации", required=False)

    def __init__(self, *args, forms_qs, organizations_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience_forms"].queryset = forms_qs
        self.fields["audience_forms"].label_from_instance = lambda f: f.name
        if organizations_qs is None:
            del self.fields["audience_organizations"]
        else:
            self.fields["audience_organizations"].queryset = organizations_qs


class MaterialForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Вид", choices=MaterialKind.choices)
    title = forms.CharField(label="Название", max_length=300, required=False)
    file = forms.FileField(label="Файл", required=False)
    url = forms.URLField(label="Ссылка", required=False, assume_scheme="https")
    is_public = forms.BooleanField(label="Можно публиковать на открытой странице", required=False)


class NominateForm(StyledFormMixin, forms.Form):
    nomination = forms.ChoiceField(label="Номинация", choices=Nomination.choices)
    mentor = forms.ModelChoiceField(label="Наставник (для «Лучший наставник»)", queryset=None, required=False)
    mentorship = forms.ModelChoiceField(label="Пара (для «Лучшая наставническая пара»)", queryset=None, required=False)
    form = NamedChoiceField(label="Форма наставничества (номинация по форме)", queryset=None, required=False)
    event = forms.ModelChoiceField(label="Награждение на мероприятии", queryset=None, required=False)
    justification = forms.CharField(label="Обоснование", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, mentors, pairs, forms_qs, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].label_from_instance = lambda p: p.full_name
        self.fields["mentorship"].queryset = pairs
        self.fields["mentorship"].label_from_instance = lambda m: (
            f"{m.mentor.full_name} — «{m.form.name}» ({m.get_status_display().lower()})"
        )
        self.fields["form"].queryset = forms_qs
        self.fields["event"].queryset = events
        self.fields["event"].label_from_instance = lambda e: f"{e.title} ({e.local_start:%d.%m.%Y})"


class DecisionForm(StyledFormMixin, forms.Form):
    awarded = forms.ChoiceField(label="Решение", choices=[("yes", "Наградить"), ("no", "Не награждать")])
    comment = forms.CharField(label="Комментарий (при отказе — обязательно)", max_length=500, required=False)


class CaseForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Название кейса", max_length=300)
    form = NamedChoiceField(label="Форма наставничества", queryset=None)
    topic = forms.CharField(label="Тема", max_length=200, help_text="Например: адаптация первокурсников")
    problem = forms.CharField(label="Проблема (запрос)", widget=forms.Textarea(attrs={"rows": 4}))
    actions = forms.CharField(label="Что было сделано", widget=forms.Textarea(attrs={"rows": 6}))
    results = forms.CharField(
        label="Результаты (с цифрами)", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Например: средний балл вырос с 3,2 до 4,1; 5 из 6 пунктов плана выполнены",
    )  # fmt: skip

    def __init__(self, *args, forms_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs


class CaseMaterialForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Название", max_length=300, required=False)
    file = forms.FileField(label="Файл", required=False)
    url = forms.URLField(label="Ссылка", required=False, assume_scheme="https")


class ModerateForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Решение",
        choices=[("approve", "Одобрить"), ("return", "Вернуть автору"), ("unpublish", "Снять с публикации")],
    )
    comment = forms.CharField(label="Замечания", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConsentForm(StyledFormMixin, forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    signer_name = forms.CharField(label="Кто дал согласие (законный представитель)", max_length=300)
    given_on = forms.DateField(label="Дата согласия", widget=DateInput())


class CaseFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="Поиск", required=False, max_length=100)
    topic = forms.CharField(label="Тема", required=False, max_length=100)
    form = NamedChoiceField(label="Форма", queryset=None, required=False, empty_label="все формы")
    org_kind = forms.ChoiceField(
        label="Тип организации", choices=[("", "все типы"), *OrganizationKind.choices], required=False
    )
    status = forms.ChoiceField(label="Статус", choices=[("", "все"), *CaseStatus.choices], required=False)

    def __init__(self, *args, forms_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs


class PublicPageForm(StyledFormMixin, forms.Form):
    enabled = forms.BooleanField(label="Открытая страница включена", required=False)
    intro = forms.CharField(
        label="О наставничестве в организации", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    show_program = forms.BooleanField(label="Показывать утверждённую программу наставничества", required=False)
    show_curator = forms.BooleanField(label="Показывать контакты куратора", required=False)
    show_forms = forms.BooleanField(label="Показывать формы наставничества", required=False)
    show_events = forms.BooleanField(label="Показывать мероприятия (отмеченные для открытой страницы)", required=False)
    show_cases = forms.BooleanField(label="Показывать опубликованные кейсы", required=False)
    show_news = forms.BooleanField(label="Показывать новости", required=False)


class PublicationForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Заголовок", max_length=300)
    rubric = forms.CharField(
        label="Рубрика", max_length=100, required=False, initial="Наставничество",
        help_text="Рубрика на сайте и в группе ВКонтакте (документ 002)",
    )  # fmt: skip
    text = forms.CharField(label="Текст", widget=forms.Textarea(attrs={"rows": 8}))
    event = forms.ModelChoiceField(label="О мероприятии", queryset=None, required=False)
    case = forms.ModelChoiceField(label="О кейсе", queryset=None, required=False)

    def __init__(self, *args, events, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self.fields["event"].label_from_instance = lambda e: f"{e.title} ({e.local_start:%d.%m.%Y})"
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: c.title


class ImageForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="Изображение")
    caption = forms.CharField(label="Подпись", max_length=300, required=False)
