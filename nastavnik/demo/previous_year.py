"""The demo's previous academic year, completed (issue 10, item 9): in each organisation the program was
approved and the roadmap done; three pairs (the current year's mentors and mentees, who worked together a
year before) met from October to May, kept the journal and the plan, and completed through the final
meeting with the final feedback; the impact was measured on entry and on exit; the final ceremony was
held with awards, the region published a case, a news item told about the ceremony, the annual report
went into the register — and the curator closed the year by its checklist, so it is read-only and the
mentor's portfolio has a year behind it. Once per region, the previous year's forum.

Built after the current year, through the services; the closing copies to the current year only what
it does not have yet. The same on every run; a second call for an organisation changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nastavnik.documents import services as document_services
from nastavnik.events import services as events
from nastavnik.events.models import Event
from nastavnik.feedback import services as feedback
from nastavnik.mentorships import services as mentorships
from nastavnik.mentorships.models import Mentorship
from nastavnik.people.models import RoleKind
from nastavnik.pools import services as pools
from nastavnik.pools.models import CRITERION_CODES, MenteeEntry, MenteeStatus, MentorEntry
from nastavnik.programs import services as programs
from nastavnik.programs.models import ItemStatus, Program, Roadmap
from nastavnik.programs.selectors import year_closed_at

from .mentorships import REGULAR, TOPICS, _plan
from .monitoring import build_monitoring
from .programs import PROFILES, build_program
from .roles import region_user_with_role, user_with_role

PAIRS = 3
CASES = {  # by the form of the case's pair
    "student_student": (
        "Наставник-студент: первый курс без задолженностей",
        "адаптация первокурсников",
        "Первокурсники из сельских районов к ноябрю отставали по профессиональным модулям и пропускали занятия.",
        "Студенты третьего курса раз в неделю разбирали с первокурсниками практические задания в мастерских, "
        "помогли составить расписание самостоятельной работы и познакомили с работой студенческого совета.",
        "Все наставляемые закрыли сессию без задолженностей; пропуски сократились с 14 до 5 часов в месяц; "
        "двое наставляемых сами стали наставниками.",
    ),
    "teacher_teacher": (
        "Первый год молодого учителя: от трудного урока к открытому",
        "адаптация молодого педагога",
        "Молодой учитель в первые месяцы работы испытывал трудности с дисциплиной на уроке и с документацией.",
        "Наставник посещал уроки молодого коллеги раз в неделю, вместе они разбирали урок по схеме анализа, "
        "готовили рабочую программу и родительское собрание; в марте молодой учитель дал открытый урок.",
        "Открытый урок оценён методическим советом на 5 баллов из 5; замечаний по документации — 0 (в октябре "
        "было 6); молодой учитель остался работать в гимназии на второй год.",
    ),
    "pupil_pupil": (
        "Ученик – ученик: старшеклассники помогают младшим",
        "адаптация и учебная мотивация",
        "Младшие школьники путались в расписании, забывали задания и боялись отвечать у доски.",
        "Наставники из старших классов встречались с наставляемыми после уроков: вели вместе дневник, готовились "
        "к ответам, придумали игру по правилам школы и провели её для всего класса.",
        "Доля наставляемых без неудовлетворительных отметок за год выросла с 80 до 96 %; тревожность по "
        "опроснику Филлипса снизилась у 7 из 9 наставляемых.",
    ),
}
DEFAULT_CASE = (
    "Учитель – ученик: год подготовки к олимпиаде",
    "подготовка к олимпиаде",
    "Способные ученики не участвовали в олимпиадах: не верили в себя и не знали, как готовиться.",
    "Наставник-учитель раз в неделю разбирал с учениками олимпиадные задачи прошлых лет, в феврале провёл "
    "пробную олимпиаду, родители получали короткие отчёты раз в месяц.",
    "Трое из пяти наставляемых прошли на муниципальный этап, один стал призёром; средний балл по предмету "
    "вырос с 4,1 до 4,6.",
)


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _templates(organization, current_year) -> list[tuple[Mentorship, object]]:
    """(current pair, one of its mentees): the mentors and mentees of this year who worked together a year
    before — a mentee with a login first, each mentor and each mentee once."""
    found, mentors, mentees = [], set(), set()
    pairs = (
        Mentorship.objects.filter(organization=organization, academic_year=current_year)
        .select_related("form", "mentor_entry", "mentor")
        .prefetch_related("members__person__user", "members__mentee_entry")
        .order_by("pk")
    )
    for pair in pairs:
        members = sorted(pair.members.all(), key=lambda m: (m.person.user_id is None, m.pk))
        member = next((m for m in members if m.person_id not in mentees), None)
        if member is None or pair.mentor_id in mentors:
            continue
        found.append((pair, member))
        mentors.add(pair.mentor_id)
        mentees.add(member.person_id)
    found.sort(key=lambda item: item[1].person.user_id is None)
    return found[:PAIRS]


def _pool(admin, organization, year, templates, *, day, last_day) -> list[tuple[MentorEntry, MenteeEntry]]:
    training = pools.training_save(
        actor=admin, organization=organization, academic_year=year, title="Школа наставника", date=day(38),
        place=organization.short_name, trainer="куратор программы",
        program="Роль наставника, этапы работы пары, первая встреча, индивидуальный план, обратная связь.",
    )  # fmt: skip
    entries = []
    for pair, member in templates:
        mentor = pools.mentor_add(
            actor=admin, organization=organization, academic_year=year, person=pair.mentor, form=pair.form,
            source="nomination", source_note="выдвинут рабочей группой", competencies=pair.mentor_entry.competencies,
            topics=pair.mentor_entry.topics, capacity=1, preferred_format=pair.mentor_entry.preferred_format,
        )  # fmt: skip
        pools.score_sheet_save(actor=admin, entry=mentor, scores=dict.fromkeys(CRITERION_CODES, (3, "")))
        mentor = pools.mentor_decide(actor=admin, entry=mentor, approve=True, date=day(30), today=last_day)
        mentee = pools.mentee_add(
            actor=admin, organization=organization, academic_year=year, person=member.person, form=pair.form,
            request_text=member.mentee_entry.request_text if member.mentee_entry_id else "",
        )  # fmt: skip
        mentee = pools.mentee_set_status(actor=admin, entry=mentee, status=MenteeStatus.INCLUDED)
        entries.append((mentor, mentee))
    pools.attendance_save(actor=admin, training=training, attended_ids=[m.pk for m, _ in entries], today=last_day)
    return [(MentorEntry.objects.get(pk=m.pk), mentee) for m, mentee in entries]


def _pair_year(admin, organization, year, mentor, mentee, *, index: int, day, counts) -> Mentorship:
    """October to May: meetings, journal, plan, then the final meeting and the final feedback."""
    pair = mentorships.mentorship_create(
        actor=admin, organization=organization, academic_year=year, form=mentor.form, mentor_entry=mentor,
        mentee_entries=[mentee], activate=True, start_date=day(45 + index), order_number=f"{41 + index}-о",
        order_date=day(44),
    )  # fmt: skip
    user = mentee.person.user
    hour = 15 + index % 2
    for n in range(12):  # every other week from October to April
        kind = ("organizational", "trial", "planning")[n] if n < 3 else "regular"
        topic, content, result = TOPICS[kind] if kind in TOPICS else REGULAR[(n + index) % len(REGULAR)]
        starts = _aware(day(48 + index + 16 * n), hour)
        meeting = mentorships.meeting_schedule(
            actor=admin, mentorship=pair, kind=kind, starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
            format="in_person", place="кабинет наставника", topic=topic, now=starts - dt.timedelta(days=3),
        )  # fmt: skip
        entry = mentorships.journal_from_meeting(actor=admin, meeting=meeting)
        mentorships.journal_update(
            actor=admin, entry=entry, date=entry.date, format=entry.format, participation=entry.participation,
            activity="dialogue", topic=topic, content=content, result=result,
        )  # fmt: skip
        if user is not None:
            mentorships.meeting_confirm(actor=user, meeting=meeting, now=meeting.ends_at + dt.timedelta(hours=2))
        counts["meetings"] += 1
    _plan(admin, pair, state=2, counts=counts, today=year.end_date)

    final_day = dt.date(year.start_year + 1, 5, 18 + index)
    final = mentorships.mentorship_plan_end(
        actor=admin, mentorship=pair, reason="completed", starts_at=_aware(final_day, hour),
        ends_at=_aware(final_day, hour + 1), format="in_person", place="актовый зал",
        topic="Итоговая встреча: что получилось за год", now=_aware(final_day - dt.timedelta(days=10), 9),
    )  # fmt: skip
    for person in (pair.mentor, mentee.person):
        feedback.final_feedback_answer(
            actor=admin, mentorship=pair, person=person, goal_reached=9 - index % 2, wants_continue=True,
            most_useful="Регулярные встречи и понятный план на каждый месяц",
            to_improve="Начинать работу пары раньше, в сентябре", wants_to_mentor=True,
        )  # fmt: skip
    if user is not None:  # the mentee confirms the final meeting: the pair is completed
        mentorships.meeting_confirm(actor=user, meeting=final, now=final.ends_at + dt.timedelta(hours=1))
    else:
        mentorships.mentorship_complete_planned(actor=admin, mentorship=pair, end_date=final_day)
    pair.refresh_from_db()
    counts["mentorships"] += 1
    return pair


def _roadmap(admin, organization, year) -> None:
    roadmap = Roadmap.objects.filter(organization=organization, academic_year=year).first()
    if roadmap is None:
        roadmap = programs.roadmap_from_template(
            actor=admin, organization=organization, academic_year=year,
            template_code=PROFILES[organization.kind]["template"],
        )  # fmt: skip
    for item in roadmap.items.order_by("sort_order"):
        if item.status != ItemStatus.DONE:
            programs.roadmap_item_set_status(
                actor=admin, item=item, status=ItemStatus.DONE, today=item.due_date,
                evidence_text=f"Отчёт куратора от {item.due_date:%d.%m.%Y}",
            )  # fmt: skip


def _forum(admin, organization, year) -> None:
    region = organization.municipality.region
    day = dt.date(year.start_year + 1, 4, 17)
    title = f"Региональный форум наставников {year.start_year}/{year.start_year + 1} учебного года"
    if Event.objects.filter(region=region, organization__isnull=True, title=title).exists():
        return
    events.event_save(
        actor=admin, region=region, kind="forum", title=title, starts_at=_aware(day, 10), ends_at=_aware(day, 15),
        place="Белгородский институт развития образования, ул. Студенческая, д. 14",
        description="Итоги года: лучшие практики организаций, награждение лучших наставников региона.",
        audience_roles=["mentor", "curator", "director"], is_public=True,
    )  # fmt: skip


def _completion(admin, regional, organization, year, pairs, *, day) -> dict[str, int]:
    """The ceremony with the pairs invited and present, two awards, the case, the news item."""
    place = organization.address or organization.short_name
    ceremony_day = dt.date(year.start_year + 1, 5, 27)
    info = events.event_save(
        actor=admin, organization=organization, kind="info", title="Информационная встреча о программе наставничества",
        starts_at=_aware(day(16), 16), ends_at=_aware(day(16), 18), place=place, is_public=True,
        description="Что такое целевая модель наставничества и как стать наставником или наставляемым.",
    )  # fmt: skip
    ceremony = events.event_save(
        actor=admin, organization=organization, kind="final", title="Торжественное завершение программы наставничества",
        starts_at=_aware(ceremony_day, 14), ends_at=_aware(ceremony_day, 16), place=place, is_public=True,
        description="Подведение итогов года, выступления наставнических пар, награждение лучших наставников.",
    )  # fmt: skip
    people = [person for pair in pairs for person in (pair.mentor, *(m.person for m in pair.members.all()))]
    for event in (info, ceremony):
        registrations = [events.registration_add(actor=admin, event=event, person=person) for person in people]
        events.attendance_save(actor=admin, event=event, attended_ids=[r.pk for r in registrations])
    best = events.award_nominate(
        actor=admin, organization=organization, academic_year=year, nomination="best_mentor", mentor=pairs[0].mentor,
        form=pairs[0].form, event=ceremony,
        justification="Наставляемый выполнил индивидуальный план полностью, все встречи проведены и записаны в журнал.",
    )  # fmt: skip
    events.award_decide(actor=admin, award=best, awarded=True, comment="Решение рабочей группы")
    counts = {"events": 2, "awards": 1, "cases": 0}
    if len(pairs) > 1:
        pair_award = events.award_nominate(
            actor=admin, organization=organization, academic_year=year, nomination="best_pair", mentorship=pairs[1],
            event=ceremony, justification="Пара достигла цели плана и представила результаты на итоговой встрече.",
        )  # fmt: skip
        events.award_decide(actor=admin, award=pair_award, awarded=True, comment="Решение рабочей группы")
        counts["awards"] += 1
    title, topic, problem, actions, results = CASES.get(pairs[0].form.code, DEFAULT_CASE)
    case = events.case_save(
        actor=admin, organization=organization, academic_year=year, mentorship=pairs[0], title=title,
        form=pairs[0].form, topic=topic, problem=problem, actions=actions, results=results,
    )  # fmt: skip
    case = events.case_submit(actor=admin, case=case)
    case = events.case_moderate(actor=admin, case=case, decision="approve", comment="Рекомендован региону")
    events.case_moderate(actor=regional, case=case, decision="approve", comment="Опубликован в библиотеке кейсов")
    counts["cases"] = 1
    news = events.publication_save(
        actor=admin, organization=organization, academic_year=year, event=ceremony,
        title="Итоги года наставничества", rubric="Наставничество",
        text="В нашей организации прошло торжественное завершение программы наставничества. Наставнические пары "
        "рассказали о том, чего добились за год, лучших наставников наградили грамотами. Спасибо всем "
        "участникам программы!",
    )  # fmt: skip
    events.publication_publish(actor=admin, publication=news)
    return counts


def build_previous_year(*, admin, organization, previous_year, current_year) -> dict[str, int]:
    counts = {"mentorships": 0, "meetings": 0, "journal": 0, "plans": 0}
    if year_closed_at(organization=organization, academic_year=previous_year) is not None:
        return counts
    templates = _templates(organization, current_year)
    if not templates:
        return counts
    curator = user_with_role(organization, RoleKind.CURATOR, admin)
    regional = region_user_with_role(organization.municipality.region, RoleKind.REGIONAL_COORDINATOR, admin)
    start, last_day = previous_year.start_date, previous_year.end_date

    def day(offset: int) -> dt.date:
        return start + dt.timedelta(days=offset)

    if not Program.objects.filter(organization=organization, academic_year=previous_year).exists():
        programs.group_member_add(
            actor=admin, organization=organization, academic_year=previous_year, person=curator.person,
            position="curator", duties="организация и координация реализации программы наставничества",
            start_date=start,
        )  # fmt: skip
        build_program(admin=admin, organization=organization, academic_year=previous_year)
    _roadmap(admin, organization, previous_year)
    entries = _pool(admin, organization, previous_year, templates, day=day, last_day=last_day)
    pairs = [
        _pair_year(admin, organization, previous_year, mentor, mentee, index=index, day=day, counts=counts)
        for index, (mentor, mentee) in enumerate(entries)
    ]
    build_monitoring(admin=admin, organization=organization, academic_year=previous_year, today=last_day)
    _forum(admin, organization, previous_year)
    counts.update(_completion(admin, regional, organization, previous_year, pairs, day=day))
    # the year's report and the digest for the regional mentoring centre (seed 002), in the register
    for generator_id, day_of_june in (("program_report", 5), ("regional_digest", 10)):
        document_services.document_issue(
            actor=admin, generator_id=generator_id,
            options={"organization_id": organization.pk, "year": previous_year.start_year,
                     "date": dt.date(previous_year.start_year + 1, 6, day_of_june).isoformat(),
                     "request_key": f"demo-{organization.pk}-{previous_year.start_year}-{generator_id}"},
        )  # fmt: skip
    programs.year_close(
        actor=curator, organization=organization, academic_year=previous_year, confirm=True,
        now=_aware(dt.date(previous_year.start_year + 1, 6, 26), 12),
    )  # fmt: skip
    return counts
