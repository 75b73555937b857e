"""Input of the builder and of a campaign. Parsing only: the services validate and explain."""

from django import forms

from nastavnik.core.forms import DateInput, StyledFormMixin

from .models import AudienceKind, CampaignMode, PeopleSource, QuestionnaireKind, QuestionType
from .services import ROLE_AUDIENCE


class QuestionnaireForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Название анкеты", max_length=300)
    kind = forms.ChoiceField(label="Вид анкеты", choices=QuestionnaireKind.choices, initial=QuestionnaireKind.OTHER)
    intro = forms.CharField(
        label="Вступление",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Что увидит отвечающий над вопросами: зачем анкета и сколько времени займёт.",
    )
    is_template = forms.BooleanField(label="Это шаблон (его не рассылают, по нему делают копии)", required=False)


class NewQuestionnaireForm(StyledFormMixin, forms.Form):
    """«Новая анкета»: by a standard template, or empty with a title."""

    template = forms.CharField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="Название новой анкеты", max_length=300, required=False)
    kind = forms.ChoiceField(
        label="Вид анкеты", choices=QuestionnaireKind.choices, initial=QuestionnaireKind.OTHER, required=False
    )


class SectionForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Название раздела", max_length=300)
    description = forms.CharField(label="Пояснение", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class QuestionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="Вопрос", max_length=500)
    help_text = forms.CharField(label="Подсказка под вопросом", max_length=500, required=False)
    qtype = forms.ChoiceField(label="Тип вопроса", choices=QuestionType.choices, initial=QuestionType.SINGLE)
    required = forms.BooleanField(label="Обязательный вопрос", required=False, initial=True)
    section = forms.ModelChoiceField(label="Раздел", queryset=None, empty_label=None)
    options = forms.CharField(
        label="Варианты ответа (по одному в строке)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Для вопросов «один вариант» и «несколько вариантов». Для «да/нет» напишите две строки: Да и Нет.",
    )
    max_choices = forms.IntegerField(
        label="Можно выбрать не больше",
        required=False,
        min_value=1,
        max_value=50,
        help_text="Для «несколько вариантов» и «выбор людей»; пусто — без ограничения.",
    )
    scale_min_label = forms.CharField(label="Подпись к 1", max_length=100, required=False, help_text="Для шкалы.")
    scale_max_label = forms.CharField(label="Подпись к 10", max_length=100, required=False, help_text="Для шкалы.")
    min_value = forms.FloatField(label="Наименьшее число", required=False, help_text="Для числа.")
    max_value = forms.FloatField(label="Наибольшее число", required=False, help_text="Для числа.")
    people_source = forms.ChoiceField(
        label="Из кого выбирать",
        required=False,
        choices=[("", "—"), *PeopleSource.choices],
        help_text="Для «выбор людей»: список берётся из участников организации с этой ролью.",
    )
    condition = forms.ChoiceField(label="Показывать вопрос", required=False)

    LOCKED_FIELDS = ("qtype", "options", "max_choices", "min_value", "max_value", "people_source", "condition")

    def __init__(self, *args, sections, conditions, locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections
        self.fields["condition"].choices = [("", "Всегда"), *((v, f"Если {label}") for v, label in conditions)]
        if locked:  # a sent questionnaire: only the wording changes (the initial values are kept)
            for name in self.LOCKED_FIELDS:
                self.fields[name].disabled = True

    def clean_min_value(self):
        return _finite(self.cleaned_data.get("min_value"))

    def clean_max_value(self):
        return _finite(self.cleaned_data.get("max_value"))

    def service_data(self, questions_by_id: dict) -> dict:
        """The cleaned data as the services take it (the condition split into question and option)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "condition"}
        depends_on, value = None, ""
        condition = self.cleaned_data.get("condition") or ""
        if "|" in condition:
            question_id, index = condition.split("|", 1)
            parent = questions_by_id.get(int(question_id)) if question_id.isdigit() else None
            if parent is not None and index.isdigit() and int(index) < len(parent.options):
                depends_on, value = parent, parent.options[int(index)]
        data["depends_on"], data["condition_value"] = depends_on, value
        return data


def _finite(value):
    if value is not None and (value != value or value in (float("inf"), float("-inf"))):
        raise forms.ValidationError("Введите обычное число.")
    return value


def condition_initial(question) -> str:
    if question.depends_on_id and question.depends_on and question.condition_value in question.depends_on.options:
        return f"{question.depends_on_id}|{question.depends_on.options.index(question.condition_value)}"
    return ""


class CampaignForm(StyledFormMixin, forms.Form):
    title = forms.CharField(
        label="Название рассылки", max_length=300, required=False, help_text="Например, «7Б, сентябрь»."
    )
    audience_kind = forms.ChoiceField(
        label="Кому отправить", choices=AudienceKind.choices, widget=forms.RadioSelect, initial=AudienceKind.CLASS
    )
    class_name = forms.ChoiceField(label="Класс или группа", required=False)
    role_kind = forms.ChoiceField(label="Роль", required=False, choices=[("", "—"), *ROLE_AUDIENCE.items()])
    person_ids = forms.MultipleChoiceField(label="Участники", required=False, widget=forms.CheckboxSelectMultiple)
    pool = forms.ChoiceField(label="База и форма наставничества", required=False)
    guardians_answer = forms.BooleanField(
        label="За несовершеннолетних отвечают законные представители (родители)",
        required=False,
        help_text="Ссылку получит один из законных представителей ребёнка; у кого их нет — ссылка не создаётся.",
    )
    deadline = forms.DateField(label="Ответить до (включительно)", widget=DateInput())
    mode = forms.ChoiceField(
        label="Ссылки", choices=CampaignMode.choices, widget=forms.RadioSelect, initial=CampaignMode.SINGLE_USE
    )
    send_now = forms.BooleanField(
        label="Сразу отправить ссылки на электронную почту тем, у кого она указана", required=False, initial=True
    )

    def __init__(self, *args, classes, people, pools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].choices = [("", "—"), *pools]
        self.fields["class_name"].choices = [("", "—"), *((name, f"{name} ({n} чел.)") for name, n in classes)]
        self.fields["person_ids"].choices = [(str(p.pk), p.full_name) for p in people]
        for name in ("audience_kind", "mode", "person_ids"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class RemindForm(forms.Form):
    invitation = forms.IntegerField(required=False, min_value=1)
