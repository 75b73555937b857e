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
