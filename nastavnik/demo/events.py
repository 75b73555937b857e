"""The demo's completion and dissemination (seed 000, stage 7), built through the events services after
the pools: for each organisation the events of the year (an informing meeting and a training in the
past with registrations and attendance, the group meeting for forming pairs, the final ceremony at the
end of May with invitations), nominations with decisions, one published practice case, one news item
and an enabled public page; once per region a regional forum. The same on every run (dates from the
academic year, no randomness); calling it again for an organisation changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.events import services
from nastavnik.events.models import Event, PublicPage
from nastavnik.mentorships.models import Mentorship, MentorshipStatus
from nastavnik.people.models import Person, Role, RoleKind
from nastavnik.pools.models import MentorEntry, MentorStatus
from nastavnik.programs.selectors import enabled_forms

CASE_TEXT = {
    "college": (
        "Адаптация первокурсников через наставничество студентов старших курсов",
        "адаптация первокурсников",
        "Каждый пятый первокурсник из сельских районов к ноябрю имел задолженности и думал об отчислении.",
        "Студенты 3–4 курсов вели еженедельные встречи в общежитии и в мастерских; куратор группы и наставник "
        "вместе составили индивидуальные планы; прошли две экскурсии на предприятие-партнёр.",
        "Задолженности к концу семестра закрыли 9 из 11 наставляемых; отчислений в группе нет (в прошлом году — 3); "
        "удовлетворённость наставляемых — 4,6 из 5.",
    ),
    "default": (
        "Учитель – ученик: от «тройки» к уверенной «четвёрке» по математике",
        "низкие образовательные результаты",
        "У группы семиклассников к октябрю была неуспеваемость по математике и низкая учебная мотивация.",
        "Наставник-учитель вёл встречи два раза в неделю: разбор ошибок контрольных, задачи с практическим "
        "содержанием, мини-проект «Математика вокруг нас»; родители получали короткие отчёты раз в месяц.",
        "Средний балл группы вырос с 2,9 до 3,8; все 6 наставляемых аттестованы за полугодие; доля выполненных "
        "пунктов индивидуальных планов — 92 %.",
    ),
}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.get_current_timezone())


def _people(organization, kind) -> list[Person]:
    ids = Role.objects.filter(organization=organization, kind=kind).values("person_id")
    return list(Person.objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk"))


def _region_forum(*, admin, organization, academic_year) -> None:
    region = organization.municipality.region
    title = "Региональный форум наставников"
    forum_day = dt.date(academic_year.start_year + 1, 4, 16)
    if Event.objects.filter(region=region, organization__isnull=True, title=title).exists():
        return
    services.event_save(
        actor=admin, region=region, kind="forum", title=title,
        starts_at=_at(forum_day, 10), ends_at=_at(forum_day, 15),
        place="Белгородский институт развития образования, ул. Студенческая, д. 14",
        description="Пленарное заседание, площадки по формам наставничества, награждение лучших наставников региона.",
        audience_roles=["mentor", "curator", "director"], is_public=True,
    )  # fmt: skip


def build_events(*, admin, organization, academic_year, today: dt.date) -> dict[str, int]:
    if PublicPage.objects.filter(organization=organization).exists():
        return {"events": 0}
    _region_forum(admin=admin, organization=organization, academic_year=academic_year)
    start = academic_year.start_date
    mentors = _people(organization, RoleKind.MENTOR)
    mentees = _people(organization, RoleKind.MENTEE)
    guardians = _people(organization, RoleKind.GUARDIAN)
    place = organization.address or organization.short_name

    def event(kind, title, day, hour, description, roles=(), public=False):
        return services.event_save(
            actor=admin, organization=organization, kind=kind, title=title, starts_at=_at(day, hour),
            ends_at=_at(day, hour + 2), place=place, description=description, audience_roles=roles, is_public=public,
        )  # fmt: skip

    info = event(
        "info", "Информационная встреча о программе наставничества", start + dt.timedelta(days=16), 16,
        "Что такое целевая модель наставничества, формы наставничества в нашей организации, как стать наставником "
        "или наставляемым (документ 000, этап 1).", public=True,
    )  # fmt: skip
    training = event(
        "training", "Школа наставника: технологии общения и мотивации", start + dt.timedelta(days=38), 15,
        "Обучение наставников (документ 004, этап 5): этапы наставнического цикла, первая встреча, обратная связь.",
        roles=["mentor"],
    )  # fmt: skip
    group = event(
        "group", "Групповая встреча наставников и наставляемых для формирования пар", start + dt.timedelta(days=52),
        16, "Знакомство, игровые задания, анкета предпочтений (документ 000, пункт 5.1).", roles=["mentor", "mentee"],
    )  # fmt: skip
    final_day = dt.date(academic_year.start_year + 1, 5, 22)
    final = event(
        "final", "Торжественное завершение программы наставничества", final_day, 14,
        "Подведение итогов, выступления наставнических пар, награждение лучших наставников (документ 000, 7.1–7.2). "
        "Приглашаются участники программы, их родные, партнёры и представители администрации.", public=True,
    )  # fmt: skip
    counts = {"events": 4, "registrations": 0, "attended": 0}
    for ev, people in (
        (info, mentors[:6] + guardians[:4]),
        (training, mentors[:8]),
        (group, mentors[:6] + mentees[:8]),
    ):
        registrations = [services.registration_add(actor=admin, event=ev, person=p) for p in people]
        counts["registrations"] += len(registrations)
        if ev.starts_at <= timezone.now():
            present = [r.pk for i, r in enumerate(registrations) if i % 5 != 4]  # one in five did not come
            counts["attended"] += services.attendance_save(actor=admin, event=ev, attended_ids=present)
    for person in mentors[:10] + mentees[:6]:  # invitations to the ceremony (7.1)
        services.registration_add(actor=admin, event=final, person=person)
        counts["registrations"] += 1

    # nominations (7.2): the best mentors of the year's pool; the director and working group decide one
    best = list(
        MentorEntry.objects.filter(
            organization=organization, academic_year=academic_year,
            status__in=[MentorStatus.ACTIVE, MentorStatus.TRAINED, MentorStatus.LONG_TERM],
        ).select_related("person", "form").order_by("person__last_name", "pk")[:2]
    )  # fmt: skip
    for number, entry in enumerate(best):
        award = services.award_nominate(
            actor=admin, organization=organization, academic_year=academic_year, nomination="best_mentor",
            mentor=entry.person, form=entry.form, event=final,
            justification="Наставляемые выполнили индивидуальные планы более чем на 90 %, наставник провёл все "
            "запланированные встречи и поделился опытом на методическом объединении.",
        )  # fmt: skip
        if number == 0:
            services.award_decide(actor=admin, award=award, awarded=True, comment="Решение рабочей группы")

    # one published case (7.5–7.6): from a completed mentorship when there is one
    forms = list(enabled_forms(organization=organization, academic_year=academic_year))
    pair = Mentorship.objects.filter(organization=organization, status=MentorshipStatus.COMPLETED).first()
    title, topic, problem, actions, results = CASE_TEXT.get(organization.kind, CASE_TEXT["default"])
    form = pair.form if pair else (forms[0] if forms else None)
    if form is not None:
        case = services.case_save(
            actor=admin, organization=organization, academic_year=academic_year, mentorship=pair, title=title,
            form=form, topic=topic, problem=problem, actions=actions, results=results,
        )  # fmt: skip
        case = services.case_submit(actor=admin, case=case)
        services.case_moderate(actor=admin, case=case, decision="approve", comment="Рекомендован к публикации")
        counts["cases"] = 1

    news = services.publication_save(
        actor=admin, organization=organization, academic_year=academic_year, event=info,
        title="Стартовала программа наставничества", rubric="Наставничество",
        text="В нашей организации прошла информационная встреча о целевой модели наставничества. Участники узнали о "
        "формах наставничества и о том, как стать наставником. Анкеты для будущих наставников и наставляемых "
        "можно заполнить до конца месяца.",
    )  # fmt: skip
    services.publication_publish(actor=admin, publication=news)
    services.public_page_save(
        actor=admin, organization=organization, enabled=True, show_program=True, show_curator=True, show_forms=True,
        show_events=True, show_cases=True, show_news=True,
        intro=f"{organization.short_name} реализует целевую модель наставничества (распоряжение Минпросвещения "
        "России от 25.12.2019 № Р-145). Здесь — программа, формы наставничества, мероприятия и лучшие практики.",
    )  # fmt: skip
    return counts
