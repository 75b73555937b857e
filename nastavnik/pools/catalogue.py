"""The default catalogue of mentee requests (seed 000, roadmap 2: «база наставляемых с перечнем
запросов»; seed 002: typical requests of the forms of mentoring). Pure data: the data migration
loads it, admins and regional coordinators add their own categories in the app."""

DEFAULT_REQUEST_CATEGORIES = (
    "Низкие образовательные результаты",
    "Низкая учебная мотивация",
    "Адаптация в новом коллективе",
    "Одарённость / подготовка к олимпиадам",
    "Выбор профессии",
    "Социальная активность",
    "Трудности в общении",
    "Проектная и исследовательская деятельность",
    "Адаптация молодого педагога",
    "Профессиональное развитие",
    "Работа с родителями",
)

# The options of the standard mentee request questionnaire (questionnaires/templates_data.py,
# REQUESTS) → the request category a mentee who chose it gets in the pool. A curator's copy of the
# questionnaire may rename options; an option that is itself a category name also maps (by key).
REQUEST_OPTION_CATEGORY = {
    "Повысить успеваемость по отдельным предметам (низкие образовательные результаты)": (
        "Низкие образовательные результаты"
    ),
    "Адаптироваться в новом классе, школе или колледже": "Адаптация в новом коллективе",
    "Подготовиться к олимпиаде или конкурсу (одарённость)": "Одарённость / подготовка к олимпиадам",
    "Выбрать профессию и профиль обучения": "Выбор профессии",
    "Выполнить проект или исследование": "Проектная и исследовательская деятельность",
    "Включиться в социальную активность: волонтёрство, самоуправление, добровольчество": "Социальная активность",
    "Научиться общаться, договариваться, справляться с трудностями в отношениях": "Трудности в общении",
}
# The «format» question of the request and mentor questionnaires → Format of the pool entry.
FORMAT_ANSWERS = {"Очно": "in_person", "Дистанционно": "remote", "Очно и дистанционно": "any"}
