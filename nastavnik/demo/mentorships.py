"""The demo's work of pairs (seed 000, stage 6; seed 002), built through the services after the pools.

The demo pools mark some mentees «в паре» and some mentors «работает с наставляемыми» without a pair;
here they become real mentorships (pairs and a group), activated by the order «о закреплении
наставнических пар»; those left without a partner go back (mentee → «включён в базу», mentor →
«прошёл обучение»). The demo mentor login of each organisation is brought back into the mentor pool
(score sheet, approval, training) so that the mentor's page has mentees. Each active pair gets months
of meetings (organisational → trial → planning → weekly regular ones, some ahead), confirmations by
the mentees who have a login, journal entries made from the meetings, and an individual plan in one
of three states: a draft, an approved plan with progress, an approved plan with a new version waiting
for the curator. One pair has reached its goal early (its mentee completed the program) and one ended
early at its own wish (its mentee is back in the base, with the re-match offer). Deterministic.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from nastavnik.consents.selectors import has_valid_consent
from nastavnik.mentorships import services
from nastavnik.mentorships.models import Mentorship, MentorshipStatus
from nastavnik.people.models import Category
from nastavnik.pools import services as pools
from nastavnik.pools.models import CRITERION_CODES, MenteeEntry, MenteeStatus, MentorEntry, MentorStatus, Training
from nastavnik.programs.selectors import enabled_forms

from .pools import _give_consent

SEED = 20260903

PLAN_ITEMS = {
    Category.PUPIL: (
        (
            "Предметные знания по математике",
            "Разбор трудных тем, решение заданий в формате ОГЭ",
            "Оценка «4» за четверть",
        ),
        ("Навыки публичного выступления", "Подготовка и выступление на классном часе", "Выступление перед классом"),
        ("Проектная деятельность", "Выбор темы, план и работа над индивидуальным проектом", "Защищённый проект"),
        ("Самоорганизация", "Ведение планера, разбор домашних заданий на неделю", "Задания сдаются в срок"),
    ),
    Category.STUDENT: (
        ("Адаптация в колледже", "Знакомство с колледжем, студенческим советом, кружками", "Участие в жизни группы"),
        ("Профессиональные компетенции", "Разбор практических заданий по специальности", "Зачёт по практике"),
        ("Подготовка к чемпионату «Профессионалы»", "Тренировки по заданиям прошлых лет", "Участие в отборе"),
        ("Тайм-менеджмент", "Планирование учёбы и подработки", "Нет академических задолженностей"),
    ),
    Category.STAFF: (
        ("Дисциплина на уроке", "Посещение уроков наставника, разбор своих уроков", "Спокойная рабочая атмосфера"),
        ("Работа с документацией", "Рабочая программа, электронный журнал, КТП", "Документы оформлены в срок"),
        ("Работа с родителями", "Подготовка и проведение родительского собрания", "Проведено собрание"),
        ("Подготовка к аттестации", "Портфолио, открытый урок", "Подано заявление на категорию"),
    ),
}
TOPICS = {
    "organizational": (
        "Знакомство и правила работы пары",
        "Познакомились, рассказали о себе, обсудили ожидания, "
        "договорились о формате и частоте встреч, обменялись контактами.",
        "Правила работы согласованы",
    ),
    "trial": (
        "Пробная рабочая встреча",
        "Выполнили первое совместное задание, обсудили, комфортно ли работать вместе.",
        "Решили продолжать работу в паре",
    ),
    "planning": (
        "Планирование: цели и индивидуальный план",
        "Определили цели на год, составили индивидуальный план: мероприятия, сроки, ожидаемые результаты.",
        "Проект индивидуального плана",
    ),
}
REGULAR = (
    ("Разбор трудной темы", "Разобрали тему, на которой возникают ошибки, решили задания.", "Ошибок стало меньше"),
    ("Работа над проектом", "Обсудили план проекта, распределили задачи до следующей встречи.", "План проекта готов"),
    ("Подготовка к выступлению", "Отрепетировали выступление, обсудили вопросы слушателей.", "Выступление готово"),
    ("Итоги месяца", "Обсудили, что получилось за месяц, скорректировали план.", "Скорректирован план"),
    ("Экскурсия", "Посетили предприятие (музей), обсудили увиденное.", "Расширены представления о профессии"),
)
ACTIVITY_BY_TOPIC = {"Экскурсия": "excursion", "Работа над проектом": "practice"}


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _usable_mentor_login(admin, entry: MentorEntry, *, today: dt.date, day) -> MentorEntry:
    """Bring the demo mentor login back into the pool: candidate → score sheet → approved → trained."""
    if entry.status in (MentorStatus.TRAINED, MentorStatus.ACTIVE):
        return entry
    if entry.status in (MentorStatus.LEFT, MentorStatus.DECLINED):
        entry = pools.mentor_set_status(actor=admin, entry=entry, status=MentorStatus.CANDIDATE)
    if not has_valid_consent(entry.person):
        _give_consent(entry.person, admin=admin, on=day(20))
    if entry.status == MentorStatus.CANDIDATE:
        if not pools.score_sheet_complete(entry):
            pools.score_sheet_save(actor=admin, entry=entry, scores=dict.fromkeys(CRITERION_CODES, (3, "")))
        entry = pools.mentor_decide(actor=admin, entry=entry, approve=True, date=day(45), today=today)
    if entry.status == MentorStatus.APPROVED:
        training = (
            Training.objects.filter(organization=entry.organization, academic_year=entry.academic_year)
            .order_by("date", "id")
            .first()
        )
        if training is not None:
            attended = list(training.attendance.filter(attended=True).values_list("mentor_id", flat=True))
            pools.attendance_save(actor=admin, training=training, attended_ids=[*attended, entry.pk], today=today)
            entry.refresh_from_db()
    return entry


def build_mentorships(*, admin, organization, academic_year, today: dt.date) -> dict[str, int]:
    """Mentorships, meetings, plans and journals of one organisation's year. Returns counts."""
    rng = random.Random(f"{SEED}:{organization.short_name}")
    counts = {"mentorships": 0, "meetings": 0, "journal": 0, "plans": 0}
    start = academic_year.start_date

    def day(offset: int) -> dt.date:
        return max(start, min(today, start + dt.timedelta(days=offset)))

    if Mentorship.objects.filter(organization=organization, academic_year=academic_year).exists():
        return counts
    active: list[Mentorship] = []
    for form in enabled_forms(organization=organization, academic_year=academic_year).order_by("sort_order"):
        scope = {"organization": organization, "academic_year": academic_year, "form": form}
        for entry in MentorEntry.objects.filter(**scope, person__user__isnull=False).select_related("person"):
            if entry.status != MentorStatus.LONG_TERM:
                _usable_mentor_login(admin, entry, today=today, day=day)
        mentors = [
            m
            for m in MentorEntry.objects.filter(**scope, status__in=(MentorStatus.ACTIVE, MentorStatus.TRAINED))
            .select_related("person__user")
            .order_by("person__last_name", "person__first_name", "pk")
            if has_valid_consent(m.person)
        ]
        mentors.sort(key=lambda m: (m.person.user_id is None, m.status != MentorStatus.ACTIVE))
        mentees = list(
            MenteeEntry.objects.filter(**scope, status__in=(MenteeStatus.IN_MENTORSHIP, MenteeStatus.COMPLETED))
            .select_related("person__user")
            .order_by("person__last_name", "person__first_name", "pk")
        )
        mentees += list(
            MenteeEntry.objects.filter(
                **scope, status=MenteeStatus.INCLUDED, person__user__isnull=False
            ).select_related("person__user")
        )
        mentees = [m for m in mentees if has_valid_consent(m.person)]
        completed = [m for m in mentees if m.status == MenteeStatus.COMPLETED]
        working = sorted(
            (m for m in mentees if m.status != MenteeStatus.COMPLETED), key=lambda m: m.person.user_id is None
        )

        # pairs that reached their goal early: the mentee has completed the program
        free = {m.pk: m.capacity for m in mentors}
        for index, entry in enumerate(completed):
            mentor = next((m for m in mentors if free[m.pk] > 0), None)
            if mentor is None:
                break
            done = services.mentorship_create(
                actor=admin, organization=organization, academic_year=academic_year, form=form,
                mentor_entry=mentor, mentee_entries=[entry], activate=True, start_date=day(58 + index),
                order_number=f"{60 + index}-о", order_date=day(57),
            )  # fmt: skip
            if index == 0 and day(88) > done.start_date:
                # the first of them ended by its plan: the final meeting, then the final feedback (demo/feedback.py)
                final = _aware(day(88), 17, 30)
                services.mentorship_plan_end(
                    actor=admin, mentorship=done, reason="goal_reached_early", starts_at=final,
                    ends_at=final + dt.timedelta(hours=1), format="in_person", place="актовый зал",
                    topic="Итоговая встреча: цель достигнута", now=final - dt.timedelta(days=2),
                )  # fmt: skip
                services.mentorship_complete_planned(actor=admin, mentorship=done, end_date=day(88))
            else:
                services.mentorship_end(
                    actor=admin, mentorship=done, reason="goal_reached_early", early=True, end_date=day(88),
                    comment="Наставляемый выполнил план раньше срока: исправил оценки и защитил проект",
                )  # fmt: skip
            counts["mentorships"] += 1
            mentor.refresh_from_db()

        # active pairs: the login mentor and the first mentor with places for two take a group of two
        groups: dict[int, list[MenteeEntry]] = {}
        limit, group_made = {}, False
        for mentor in mentors:
            two = free[mentor.pk] >= 2 and (mentor.person.user_id is not None or not group_made)
            group_made = group_made or two
            limit[mentor.pk] = min(free[mentor.pk], 2 if two else 1)
        for entry in working:
            mentor = next((m for m in mentors if len(groups.get(m.pk, [])) < limit[m.pk]), None)
            if mentor is None:
                if entry.status == MenteeStatus.IN_MENTORSHIP:
                    pools.mentee_set_status(
                        actor=admin, entry=entry, status=MenteeStatus.INCLUDED, reason="Наставник ещё не подобран"
                    )
                continue
            groups.setdefault(mentor.pk, []).append(entry)
        for index, mentor in enumerate(mentors):
            mentor.refresh_from_db()
            if mentor.pk not in groups:
                if (
                    mentor.status == MentorStatus.ACTIVE
                    and not Mentorship.objects.filter(mentor_entry=mentor, status=MentorshipStatus.ACTIVE).exists()
                ):
                    pools.mentor_set_status(
                        actor=admin, entry=mentor, status=MentorStatus.TRAINED, reason="Пара ещё не сформирована"
                    )
                continue
            mentorship = services.mentorship_create(
                actor=admin, organization=organization, academic_year=academic_year, form=form, mentor_entry=mentor,
                mentee_entries=groups[mentor.pk], activate=True, start_date=day(56 + 2 * index),
                order_number=f"{71 + index}-о", order_date=day(55),
            )  # fmt: skip
            active.append(mentorship)
            counts["mentorships"] += 1

    for index, mentorship in enumerate(active):
        _activity(admin, mentorship, index=index, rng=rng, today=today, counts=counts)
    # one pair ended early at the mentee's own wish: the mentee is back in the base (re-match offer)
    candidates = [m for m in active if m.mentor.user_id is None and not m.is_group]
    if len(active) >= 2 and candidates:
        ended = min(candidates, key=lambda m: (m.plans.filter(status="submitted").exists(), -m.pk))
        services.mentorship_end(
            actor=admin, mentorship=ended, reason="own_wish", early=True, end_date=max(ended.start_date, day(85)),
            comment="Наставляемый перешёл в другую секцию и попросил завершить работу пары",
        )  # fmt: skip
    return counts


def _activity(admin, mentorship: Mentorship, *, index: int, rng: random.Random, today: dt.date, counts) -> None:
    year = mentorship.academic_year
    members = list(mentorship.members.select_related("person__user"))
    users = [m.person.user for m in members if m.person.user_id]
    now = timezone.now()
    hour = 14 + index % 3
    dates = [mentorship.start_date + dt.timedelta(days=d) for d in (3, 10, 17)]
    while dates[-1] + dt.timedelta(days=7) <= today + dt.timedelta(days=21):
        dates.append(dates[-1] + dt.timedelta(days=7))
    kinds = ["organizational", "trial", "planning"]
    past_index = 0
    for n, when in enumerate(d for d in dates if year.contains(d)):
        kind = kinds[n] if n < len(kinds) else "regular"
        topic, content, result = TOPICS[kind] if kind in TOPICS else REGULAR[(n + index) % len(REGULAR)]
        remote = n % 4 == 3
        starts = _aware(when, hour)
        meeting = services.meeting_schedule(
            actor=admin, mentorship=mentorship, kind=kind, starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
            format="remote" if remote else "in_person", place="" if remote else rng.choice(
                ("кабинет наставника", "библиотека", "кабинет 12", "актовый зал")
            ), link="https://vk.com/call/nastavnik-demo" if remote else "", topic=topic,
            now=min(now, starts) - dt.timedelta(days=2),
        )  # fmt: skip
        counts["meetings"] += 1
        if meeting.ends_at > now:
            continue
        past_index += 1
        if past_index == 5:
            services.meeting_cancel(actor=admin, meeting=meeting, reason="Болезнь наставляемого, встреча перенесена")
            continue
        if past_index % 4 != 0:  # most held meetings are in the journal
            entry = services.journal_from_meeting(actor=admin, meeting=meeting)
            services.journal_update(
                actor=admin, entry=entry, date=entry.date, format=entry.format, participation=entry.participation,
                activity=ACTIVITY_BY_TOPIC.get(topic, "dialogue"), topic=topic, content=content, result=result,
            )  # fmt: skip
            counts["journal"] += 1
        for user in users:
            if rng.random() < 0.75:
                services.meeting_confirm(actor=user, meeting=meeting, now=meeting.ends_at + dt.timedelta(hours=2))
    _plan(admin, mentorship, state=index % 3 if not users else 2, counts=counts, today=today)


def _plan(admin, mentorship: Mentorship, *, state: int, counts, today: dt.date) -> None:
    """state 0: a draft; 1: approved, with a new version waiting for the curator; 2: approved, with progress."""
    category = mentorship.members.select_related("person").first().person.category
    rows = PLAN_ITEMS.get(category, PLAN_ITEMS[Category.PUPIL])
    year = mentorship.academic_year
    plan = services.plan_start(actor=admin, mentorship=mentorship)
    services.plan_save_goal(
        actor=admin, plan=plan, lock_version=plan.lock_version,
        goal="Раскрыть потенциал наставляемого: повысить учебные результаты и уверенность в себе к концу учебного года",
    )  # fmt: skip
    for k, (competency, activity, expected) in enumerate(rows[:3]):
        deadline = min(year.end_date, mentorship.start_date + dt.timedelta(days=20 + 45 * k))
        services.plan_item_add(
            actor=admin, plan=plan, competency=competency, activity=activity, deadline=deadline,
            format="in_person" if k != 2 else "remote", expected_result=expected, lock_version=plan.lock_version,
        )  # fmt: skip
    counts["plans"] += 1
    if state == 0:
        return
    services.plan_submit(actor=admin, plan=plan, lock_version=plan.lock_version)
    plan.refresh_from_db()
    services.plan_approve(actor=admin, plan=plan, lock_version=plan.lock_version)
    for item in plan.items.order_by("position"):
        plan.refresh_from_db()
        if item.deadline < today:
            services.plan_item_progress(
                actor=admin, item=item, status="done", progress=100, lock_version=plan.lock_version,
                achieved_result=f"Выполнено: {item.expected_result.lower()}",
            )  # fmt: skip
        elif item.position == 2:
            services.plan_item_progress(
                actor=admin, item=item, status="in_progress", progress=40, lock_version=plan.lock_version
            )
    if state == 1:
        second = services.plan_start(actor=admin, mentorship=mentorship)
        competency, activity, expected = rows[3]
        services.plan_item_add(
            actor=admin, plan=second, competency=competency, activity=activity,
            deadline=min(year.end_date, today + dt.timedelta(days=60)), format="in_person", expected_result=expected,
            lock_version=second.lock_version,
        )  # fmt: skip
        services.plan_submit(actor=admin, plan=second, lock_version=second.lock_version)
        services.plan_comment(actor=admin, plan=second, text="Добавили пункт по просьбе наставляемого.")
