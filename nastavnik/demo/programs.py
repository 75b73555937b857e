"""The demo's preparation stage: each organisation has its working group, the initial-state
analysis, an approved program (built step by step through the constructor's service) and a
roadmap in progress — past items done with evidence, two left overdue, this month's in progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from nastavnik.people.models import Role, RoleKind
from nastavnik.programs import services
from nastavnik.programs.hints import NORMATIVE_BASE_DEFAULT
from nastavnik.programs.models import ItemStatus, MentoringForm

PROFILES = {
    "college": {
        "title": "Программа наставничества ОГАПОУ «Валуйский колледж» «Профессиональный старт»",
        "problem": (
            "Высокий процент студентов первого курса (18 %) бросают учёбу или переводятся после первого года; "
            "выпускники слабо ориентированы на предприятия Валуйского округа."
        ),
        "goal": (
            "Снизить долю студентов, отчисленных после первого курса, с 18 % до 10 % к 30 июня "
            "за счёт наставничества студентов старших курсов и специалистов предприятий."
        ),
        "audience": "Студенты 1 курса, нуждающиеся в адаптации; студенты 2 курса, выбирающие место практики.",
        "implementers": (
            "Куратор программы, рабочая группа колледжа, наставники из числа студентов 3 курса, "
            "специалисты АО «Валуйский комбинат растительных масел»."
        ),
        "forms": ["student_student", "employer_student"],
        "template": "seed000",
        "results": [
            ("quantitative", "Доля студентов 1 курса, охваченных наставничеством", Decimal(30), "%"),
            ("quantitative", "Количество наставнических пар и групп", Decimal(15), "пар"),
            ("qualitative", "Рост удовлетворённости студентов первого курса обучением в колледже", None, ""),
        ],
    },
    "gymnasium": {
        "title": "Программа наставничества МБОУ «Гимназия № 9» «Вместе — к успеху»",
        "problem": (
            "Молодые учителя (стаж до 3 лет) испытывают трудности в первые годы работы: из 6 молодых "
            "специалистов за последние три года двое ушли из гимназии."
        ),
        "goal": (
            "Сохранить в гимназии 100 % молодых учителей к концу 2026/2027 учебного года и вовлечь не менее "
            "20 % обучающихся 5–8 классов в наставничество «ученик–ученик»."
        ),
        "audience": "Молодые учителя со стажем до 3 лет; обучающиеся 5–8 классов с низкой учебной мотивацией.",
        "implementers": "Куратор, методический совет гимназии, опытные учителя, актив старшеклассников.",
        "forms": ["teacher_teacher", "pupil_pupil"],
        "template": "seed000",
        "results": [
            ("quantitative", "Доля молодых учителей, оставшихся работать в гимназии", Decimal(100), "%"),
            ("quantitative", "Доля обучающихся 5–8 классов, вовлечённых в наставничество", Decimal(20), "%"),
            ("qualitative", "Повышение учебной мотивации наставляемых", None, ""),
        ],
    },
    "school": {
        "title": "Программа наставничества МБОУ «Ершовская СОШ» на 2026/2027 учебный год",
        "problem": (
            "Низкая учебная мотивация части обучающихся 5–8 классов и отсутствие системы поддержки "
            "молодых педагогов сельской школы."
        ),
        "goal": (
            "Охватить наставничеством не менее 10 % обучающихся каждой целевой группы и выполнить "
            "индивидуальные планы не менее чем на 90 % к 31 мая."
        ),
        "audience": "Обучающиеся 5–8 классов; молодые педагоги; выпускники и родители как наставники.",
        "implementers": "Куратор, рабочая группа школы, педагоги-наставники, выпускники школы.",
        "forms": ["pupil_pupil", "teacher_pupil"],
        "template": "seed002",
        "results": [
            ("quantitative", "Доля обучающихся каждой целевой группы, охваченных наставничеством", Decimal(10), "%"),
            ("quantitative", "Выполнение индивидуальных планов", Decimal(90), "%"),
            ("qualitative", "Положительная динамика учебной мотивации наставляемых", None, ""),
        ],
    },
}


def build_preparation(*, admin, organization, staff, academic_year, today: dt.date) -> None:
    services.mentoring_forms_sync()
    profile = PROFILES[organization.kind]
    curator, member_a, member_b = staff[1], staff[2], staff[3]
    start = academic_year.start_date
    for person, position, duties in (
        (curator, "curator", "организация и координация реализации программы наставничества"),
        (member_a, "member", "формирование баз наставников и наставляемых, мониторинг"),
        (member_b, "member", "информационное сопровождение, работа с партнёрами"),
    ):
        services.group_member_add(
            actor=admin, organization=organization, academic_year=academic_year, person=person,
            position=position, duties=duties, start_date=start,
        )  # fmt: skip
    services.group_meeting_save(
        actor=admin, organization=organization, academic_year=academic_year, date=start + dt.timedelta(days=6),
        agenda="1. О внедрении целевой модели наставничества в 2026/2027 учебном году.\n"
        "2. Об утверждении дорожной карты.",
        decisions="1. Принять к сведению информацию куратора.\n2. Утвердить дорожную карту, назначить ответственных.",
        attendees=[curator, member_a, member_b],
    )  # fmt: skip
    services.analysis_save(
        actor=admin, organization=organization, academic_year=academic_year,
        needs={"pupils": "адаптация в 5 классе, низкая мотивация в 7–8 классах",
               "young_teachers": "методическая поддержка, работа с родителями",
               "students": "адаптация первокурсников, выбор места практики"},
        existing_practice="Шефство старшеклассников над младшими, методическое объединение молодых учителей.",
        resources="Педагоги с опытом наставничества, партнёры, актовый зал и кабинет для встреч.",
        risks="Нехватка времени у педагогов-наставников; формальный подход к встречам.",
        conclusions=profile["problem"],
    )  # fmt: skip
    build_program(admin=admin, organization=organization, academic_year=academic_year)

    roadmap = services.roadmap_from_template(
        actor=admin, organization=organization, academic_year=academic_year, template_code=profile["template"]
    )
    overdue_left = 2
    for item in roadmap.items.order_by("sort_order"):
        if item.due_date < today:
            if overdue_left and item.sort_order % 5 == 3:
                overdue_left -= 1
                continue
            services.roadmap_item_set_status(
                actor=admin, item=item, status=ItemStatus.DONE,
                evidence_text=f"Протокол заседания рабочей группы № 1 от {start + dt.timedelta(days=6):%d.%m.%Y}",
                today=min(item.due_date, today),
            )  # fmt: skip
        elif item.start_date <= today:
            services.roadmap_item_set_status(actor=admin, item=item, status=ItemStatus.IN_PROGRESS)


def _of_year(text: str, academic_year) -> str:
    """The profiles are written for the demo year 2026/2027; another year gets its own numbers."""
    return text.replace("2026/2027", f"{academic_year.start_year}/{academic_year.start_year + 1}")


def build_program(*, admin, organization, academic_year):
    """The program of the year, built step by step through the constructor and approved by the director."""
    profile = {
        k: _of_year(v, academic_year) if isinstance(v, str) else v for k, v in PROFILES[organization.kind].items()
    }
    director_user = Role.objects.get(organization=organization, kind=RoleKind.DIRECTOR).person.user
    start = academic_year.start_date
    program_title = profile["title"]
    program = services.program_create(
        actor=admin, organization=organization, academic_year=academic_year, title=program_title
    )
    forms = list(MentoringForm.objects.filter(code__in=profile["forms"]))
    steps = {
        "problem": {"title": program_title, "problem": profile["problem"]},
        "goal": {"goal": profile["goal"]},
        "audience": {"target_audience": profile["audience"]},
        "results": {
            "results": [
                {"kind": kind, "text": text, "target_value": target, "unit": unit}
                for kind, text, target, unit in profile["results"]
            ]
        },
        "implementers": {"implementers": profile["implementers"]},
        "resources": {
            "resources": {
                "human": "Куратор, 3 члена рабочей группы, наставники из числа педагогов и обучающихся.",
                "material": "Кабинет для встреч, компьютерный класс, доступ к сети Интернет.",
                "informational": "Раздел «Наставничество» на сайте, группа ВКонтакте.",
            }
        },
        "normative": {
            "acts": [{"level": level, "title": title} for level, title in NORMATIVE_BASE_DEFAULT]
            + [{"level": "local", "title": f"Положение о наставничестве в {organization.short_name}"}]
        },
        "forms": {"forms": forms},
        "duration": {"start_date": start, "end_date": academic_year.end_date.replace(month=6, day=30)},
    }
    for step, data in steps.items():
        services.program_save_step(actor=admin, program=program, step=step, data=data)
    services.program_approve(actor=director_user, program=program)
    return program
