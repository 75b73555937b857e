"""Standard questionnaires shipped with the product, worded for a school or a college. A curator
copies one into the organisation (services.questionnaire_create_from_template) and edits the copy.

- the mentee request questionnaire (seed 000 item 2.1, seed 001 stage 4 «банк наставляемых с
  перечнем запросов»);
- the mentor questionnaire (seed 000 item 3.3) built on the selection criteria of seed 001: desire,
  experience, competencies and communication, time, positive experience, fit to the requests, civic
  position, motivation;
- the preference questionnaires after the group meeting (seed 000 item 5.2);
- the satisfaction questionnaires of mentees and mentors (seed 000 item 6.8);
- diagnostics before and after the program (seed 000 items 3.2, 4.1 and the second stage of impact
  monitoring): the same items with the same codes, so that Monitoring compares them.

Question codes are stable: Monitoring and matching find answers by `code`, whatever the curator
renamed. A condition names the code of an earlier single or multiple question and one of its options.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import PeopleSource, QuestionnaireKind, QuestionType

YES_NO = ("Да", "Нет")
AGREE_MIN, AGREE_MAX = "совсем не согласен", "полностью согласен"


@dataclass(frozen=True)
class Q:
    code: str
    qtype: str
    text: str
    required: bool = True
    options: tuple[str, ...] = ()
    help_text: str = ""
    max_choices: int | None = None
    scale_min_label: str = ""
    scale_max_label: str = ""
    min_value: float | None = None
    max_value: float | None = None
    people_source: str = ""
    depends_on: str = ""  # the code of an earlier question
    condition_value: str = ""


@dataclass(frozen=True)
class S:
    title: str
    questions: tuple[Q, ...]
    description: str = ""


@dataclass(frozen=True)
class Template:
    code: str
    kind: str
    title: str
    intro: str
    sections: tuple[S, ...] = field(default_factory=tuple)
    purpose: str = ""  # where in the cycle it is used (seed 000 item)

    @property
    def question_count(self) -> int:
        return sum(len(s.questions) for s in self.sections)


def _scale(code, text, *, low="очень плохо", high="отлично", required=True, help_text=""):
    return Q(code, QuestionType.SCALE, text, required, scale_min_label=low, scale_max_label=high, help_text=help_text)


def _agree(code, text):
    return _scale(code, text, low=AGREE_MIN, high=AGREE_MAX)


def _yes_no(code, text, *, required=True, options=YES_NO):
    return Q(code, QuestionType.SINGLE, text, required, options=options)


REQUESTS = (
    "Повысить успеваемость по отдельным предметам (низкие образовательные результаты)",
    "Адаптироваться в новом классе, школе или колледже",
    "Подготовиться к олимпиаде или конкурсу (одарённость)",
    "Выбрать профессию и профиль обучения",
    "Выполнить проект или исследование",
    "Включиться в социальную активность: волонтёрство, самоуправление, добровольчество",
    "Научиться общаться, договариваться, справляться с трудностями в отношениях",
    "Другое",
)
FORMATS = ("Очно", "Дистанционно", "Очно и дистанционно")
MENTOR_KINDS = (
    "Педагог",
    "Старшеклассник",
    "Студент",
    "Выпускник",
    "Представитель профессии (работодатель)",
    "Родитель другого ученика",
    "Не имеет значения",
)

REQUEST_MENTEE = Template(
    code="request_mentee",
    kind=QuestionnaireKind.REQUEST_MENTEE,
    title="Анкета наставляемого: запрос на наставничество",
    purpose="000, п. 2.1 — анкетирование желающих принять участие в программе (база наставляемых)",
    intro=(
        "Эта анкета поможет подобрать наставника, который сможет помочь именно вам. "
        "Если вы заполняете анкету за ребёнка, отвечайте вместе с ним или от его имени. "
        "Заполнение займёт около 5 минут."
    ),
    sections=(
        S(
            "Запрос",
            (
                Q(
                    "request",
                    QuestionType.MULTIPLE,
                    "С чем вам хотелось бы получить помощь наставника?",
                    options=REQUESTS,
                    help_text="Можно выбрать несколько вариантов.",
                ),
                Q(
                    "request_subjects",
                    QuestionType.TEXT,
                    "По каким предметам нужна помощь?",
                    depends_on="request",
                    condition_value=REQUESTS[0],
                ),
                Q(
                    "request_olympiad",
                    QuestionType.TEXT,
                    "К какой олимпиаде или конкурсу (по какому предмету) вы готовитесь?",
                    depends_on="request",
                    condition_value=REQUESTS[2],
                ),
                Q(
                    "request_other",
                    QuestionType.TEXT,
                    "Опишите, с чем нужна помощь",
                    depends_on="request",
                    condition_value="Другое",
                ),
                _scale(
                    "request_need",
                    "Насколько вам сейчас нужна поддержка наставника?",
                    low="почти не нужна",
                    high="очень нужна",
                ),
                Q(
                    "request_result",
                    QuestionType.TEXT,
                    "Чего вы хотите достичь к концу учебного года?",
                    required=False,
                ),
            ),
        ),
        S(
            "Формат работы",
            (
                Q("format", QuestionType.SINGLE, "Как вам удобнее встречаться с наставником?", options=FORMATS),
                Q(
                    "time_per_week",
                    QuestionType.SINGLE,
                    "Сколько времени в неделю вы готовы уделять встречам?",
                    options=("До 1 часа", "1–2 часа", "Более 2 часов"),
                ),
                Q(
                    "mentor_kind",
                    QuestionType.MULTIPLE,
                    "Кого вы хотели бы видеть своим наставником?",
                    required=False,
                    options=MENTOR_KINDS,
                ),
            ),
        ),
        S(
            "Интересы",
            (
                Q("interests", QuestionType.TEXT, "Ваши интересы и увлечения"),
                Q("favourite_subjects", QuestionType.TEXT, "Любимые учебные предметы", required=False),
                Q("about", QuestionType.TEXT, "Что ещё наставнику полезно знать о вас?", required=False),
            ),
        ),
    ),
)

MENTOR_AREAS = (
    "Помощь в учёбе по предметам",
    "Адаптация в новом коллективе",
    "Подготовка к олимпиадам и конкурсам",
    "Профориентация, выбор профессии",
    "Проектная и исследовательская деятельность",
    "Социальная активность, волонтёрство",
    "Поддержка молодого педагога",
    "Методическая помощь педагогу",
    "Другое",
)

MENTOR = Template(
    code="mentor",
    kind=QuestionnaireKind.MENTOR,
    title="Анкета наставника",
    purpose="000, п. 3.3 — анкетирование потенциальных наставников; критерии отбора наставника (001)",
    intro=(
        "Спасибо, что готовы стать наставником! Ответы помогут куратору понять ваш опыт и возможности "
        "и подобрать наставляемых, которым вы сможете помочь больше всего."
    ),
    sections=(
        S(
            "Желание и мотивация",
            (
                Q("motivation_text", QuestionType.TEXT, "Почему вы хотите стать наставником?"),
                Q(
                    "motivation",
                    QuestionType.MULTIPLE,
                    "Что для вас важно в наставничестве?",
                    options=(
                        "Передать свой опыт",
                        "Помочь в трудной ситуации",
                        "Развить собственные навыки",
                        "Участвовать в жизни школы (колледжа)",
                        "Профессиональный рост",
                        "Другое",
                    ),
                ),
                _scale("readiness", "Насколько вы готовы участвовать в программе?", low="сомневаюсь", high="полностью"),
            ),
        ),
        S(
            "Опыт",
            (
                _yes_no("has_experience", "Был ли у вас опыт наставничества?"),
                Q(
                    "experience_text",
                    QuestionType.TEXT,
                    "Опишите этот опыт: с кем, как долго, каким был результат",
                    depends_on="has_experience",
                    condition_value="Да",
                ),
                Q(
                    "professional_experience",
                    QuestionType.TEXT,
                    "Ваш профессиональный опыт: должность, стаж, сфера деятельности",
                ),
                Q(
                    "positive_experience",
                    QuestionType.TEXT,
                    "Каким положительным жизненным или профессиональным опытом вы готовы поделиться?",
                    required=False,
                ),
            ),
        ),
        S(
            "Компетенции",
            (
                Q(
                    "areas",
                    QuestionType.MULTIPLE,
                    "В чём вы можете помогать наставляемым?",
                    options=MENTOR_AREAS,
                    help_text="Отметьте то, что соответствует запросам наставляемых, с которыми вы готовы работать.",
                ),
                _scale("communication", "Умение выстраивать общение, слушать собеседника", low="слабо", high="отлично"),
                _scale("planning", "Умение ставить цели и планировать работу", low="слабо", high="отлично"),
                _scale("expertise", "Знание своего предмета или профессии", low="слабо", high="отлично"),
            ),
            description="Оцените себя честно: это нужно для подбора пары и обучения наставников, а не для оценки.",
        ),
        S(
            "Ресурс времени и формат",
            (
                Q(
                    "time_per_month",
                    QuestionType.SINGLE,
                    "Сколько времени в месяц вы готовы уделять наставничеству?",
                    options=("До 2 часов", "2–4 часа", "4–8 часов", "Более 8 часов"),
                ),
                Q("format", QuestionType.SINGLE, "Какой формат встреч вам удобен?", options=FORMATS),
                Q(
                    "mentee_count",
                    QuestionType.NUMBER,
                    "Сколько наставляемых вы готовы взять?",
                    min_value=1,
                    max_value=10,
                ),
            ),
        ),
        S(
            "Гражданская позиция",
            (
                _yes_no(
                    "civic",
                    "Участвуете ли вы в общественной или волонтёрской деятельности, работе родительского "
                    "или управляющего совета?",
                ),
                Q(
                    "civic_text",
                    QuestionType.TEXT,
                    "Где и в какой роли?",
                    required=False,
                    depends_on="civic",
                    condition_value="Да",
                ),
            ),
        ),
    ),
)

PREFERENCE_MENTEE = Template(
    code="preference_mentee",
    kind=QuestionnaireKind.PREFERENCE,
    title="Анкета предпочтений наставляемого (после групповой встречи)",
    purpose="000, п. 5.2 — анкетирование на предмет предпочитаемого наставника после групповой встречи",
    intro=(
        "Вы познакомились с наставниками на групповой встрече. Отметьте, с кем из них вам хотелось бы работать: "
        "куратор постарается учесть ваш выбор при формировании пар."
    ),
    sections=(
        S(
            "Выбор наставника",
            (
                Q(
                    "preferred_mentors",
                    QuestionType.PEOPLE,
                    "Кого из наставников вы хотели бы видеть своим наставником? (до 3)",
                    max_choices=3,
                    people_source=PeopleSource.MENTORS,
                ),
                Q("preference_reason", QuestionType.TEXT, "Почему вы выбрали этих наставников?", required=False),
                _scale("meeting_rating", "Насколько полезной была для вас групповая встреча?"),
                Q(
                    "matching_notes",
                    QuestionType.TEXT,
                    "Что ещё важно учесть при подборе наставника?",
                    required=False,
                ),
            ),
        ),
    ),
)

PREFERENCE_MENTOR = Template(
    code="preference_mentor",
    kind=QuestionnaireKind.PREFERENCE,
    title="Анкета предпочтений наставника (после групповой встречи)",
    purpose="000, п. 5.2 — анкетирование на предмет предпочитаемого наставляемого после групповой встречи",
    intro="Отметьте, с кем из наставляемых вам хотелось бы работать: куратор учтёт выбор при формировании пар.",
    sections=(
        S(
            "Выбор наставляемых",
            (
                Q(
                    "preferred_mentees",
                    QuestionType.PEOPLE,
                    "С кем из наставляемых вы хотели бы работать? (до 3)",
                    max_choices=3,
                    people_source=PeopleSource.MENTEES,
                ),
                Q("preference_reason", QuestionType.TEXT, "Почему вы выбрали этих участников?", required=False),
                _yes_no(
                    "group_ready",
                    "Готовы ли вы работать с группой наставляемых?",
                    options=("Да", "Нет", "Только с парой"),
                ),
            ),
        ),
    ),
)

SATISFACTION_MENTEE = Template(
    code="satisfaction_mentee",
    kind=QuestionnaireKind.SATISFACTION_MENTEE,
    title="Удовлетворённость участием в программе: наставляемый",
    purpose="000, п. 6.8 — мониторинг личной удовлетворённости участием в программе наставничества",
    intro="Оцените, пожалуйста, работу с наставником. Анкета займёт 3 минуты; ответы помогут сделать программу лучше.",
    sections=(
        S(
            "Оценка работы с наставником",
            (
                _scale("comfort", "Комфорт общения с наставником"),
                _scale("usefulness", "Полезность встреч"),
                _scale("plan_clarity", "Понятность плана работы"),
                _scale("support", "Насколько вы ощущали поддержку наставника"),
                _scale("expectations", "Насколько оправдались ваши ожидания от программы"),
            ),
            description="1 — очень плохо, 10 — отлично.",
        ),
        S(
            "Итоги",
            (
                _yes_no("enough_meetings", "Достаточно ли было встреч с наставником?"),
                Q(
                    "meetings_wanted",
                    QuestionType.NUMBER,
                    "Сколько встреч в месяц было бы удобно?",
                    required=False,
                    min_value=1,
                    max_value=30,
                    depends_on="enough_meetings",
                    condition_value="Нет",
                ),
                _yes_no("continue", "Хотели бы вы продолжить работу с наставником?"),
                _yes_no("become_mentor", "Хотели бы вы сами стать наставником в будущем?"),
                Q("most_useful", QuestionType.TEXT, "Что было самым полезным?", required=False),
                Q("improve", QuestionType.TEXT, "Что можно улучшить?", required=False),
            ),
        ),
    ),
)

SATISFACTION_MENTOR = Template(
    code="satisfaction_mentor",
    kind=QuestionnaireKind.SATISFACTION_MENTOR,
    title="Удовлетворённость участием в программе: наставник",
    purpose="000, п. 6.8 — мониторинг личной удовлетворённости участием в программе наставничества",
    intro="Оцените, пожалуйста, свою работу в программе наставничества. Ответы увидит куратор программы.",
    sections=(
        S(
            "Оценка работы в паре (группе)",
            (
                _scale("comfort", "Комфорт общения с наставляемым"),
                _scale("usefulness", "Полезность встреч для наставляемого"),
                _scale("plan_clarity", "Понятность плана работы"),
                _scale("support", "Насколько вы ощущали поддержку куратора и рабочей группы"),
                _scale("expectations", "Насколько оправдались ваши ожидания от программы"),
            ),
            description="1 — очень плохо, 10 — отлично.",
        ),
        S(
            "Итоги",
            (
                _yes_no("enough_meetings", "Достаточно ли было встреч с наставляемым?"),
                _yes_no("continue", "Хотите ли вы продолжить работу наставником?"),
                _yes_no("recommend", "Порекомендовали бы вы коллегам стать наставником?"),
                Q("difficulties", QuestionType.TEXT, "С какими трудностями вы столкнулись?", required=False),
                Q("support_needed", QuestionType.TEXT, "Какая помощь куратора была бы полезна?", required=False),
            ),
        ),
    ),
)

DIAGNOSTIC_SECTIONS = (
    S(
        "Самооценка",
        (
            _agree("self_esteem_confident", "Я уверен(а) в своих силах"),
            _agree("self_esteem_satisfied", "Я доволен(льна) собой"),
            _agree("self_esteem_cope", "Я могу справиться с трудной задачей"),
        ),
        description="Отметьте, насколько вы согласны с каждым утверждением: 1 — совсем не согласен, 10 — полностью.",
    ),
    S(
        "Тревожность",
        (
            _agree("anxiety_tests", "Я сильно волнуюсь перед контрольной работой или ответом у доски"),
            _agree("anxiety_help", "Мне трудно обратиться за помощью к учителю или одноклассникам"),
            _agree("anxiety_mistakes", "Я часто переживаю, что сделаю что-то не так"),
        ),
    ),
    S(
        "Учебная мотивация",
        (
            _agree("motivation_interest", "Мне интересно учиться"),
            _agree("motivation_purpose", "Я понимаю, зачем мне нужны знания"),
            _agree("motivation_goals", "Я ставлю себе цели в учёбе и добиваюсь их"),
        ),
    ),
)

DIAGNOSTICS_BEFORE = Template(
    code="diagnostics_before",
    kind=QuestionnaireKind.DIAGNOSTICS,
    title="Диагностика наставляемого: входная (до начала программы)",
    purpose="000, п. 3.2 — оценка участников-наставляемых для мониторинга влияния программы (первый этап)",
    intro=(
        "Здесь нет правильных и неправильных ответов. Отвечайте так, как чувствуете сейчас: "
        "в конце программы вы ответите на те же вопросы, и мы увидим, что изменилось."
    ),
    sections=DIAGNOSTIC_SECTIONS,
)

DIAGNOSTICS_AFTER = Template(
    code="diagnostics_after",
    kind=QuestionnaireKind.DIAGNOSTICS,
    title="Диагностика наставляемого: итоговая (после завершения программы)",
    purpose="000, этап 7 — второй этап мониторинга влияния программы (сравнение с входной диагностикой)",
    intro="Ответьте на те же вопросы, что и в начале программы: так мы увидим, что изменилось.",
    sections=(
        *DIAGNOSTIC_SECTIONS,
        S(
            "Изменения",
            (Q("changes", QuestionType.TEXT, "Что изменилось для вас за время участия в программе?", required=False),),
        ),
    ),
)

TEMPLATES: tuple[Template, ...] = (
    REQUEST_MENTEE,
    MENTOR,
    PREFERENCE_MENTEE,
    PREFERENCE_MENTOR,
    SATISFACTION_MENTEE,
    SATISFACTION_MENTOR,
    DIAGNOSTICS_BEFORE,
    DIAGNOSTICS_AFTER,
)
TEMPLATES_BY_CODE = {t.code: t for t in TEMPLATES}


def template_by_code(code: str) -> Template:
    return TEMPLATES_BY_CODE[code]
