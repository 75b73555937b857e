"""The demo's feedback and care of the relationship, built through the feedback services after the
mentorships exist (run after build_mentorships): commitment agreements (one still waiting for a
mentee), the fit check after the trial meeting with one «нет» and its open re-match offer, ratings
of the past meetings with one low rating, pulses, and one open safety flag — so the curator's home
page shows alerts; then the endings: one pair with a planned ending (the final meeting next week) and
one pair completed by its plan with the final feedback of both sides. A participant with an account
acts as themselves; the others' answers are entered by the platform admin as the curator enters paper
forms. The same on every run (fixed seed; the services never duplicate an answer)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from nastavnik.feedback import services
from nastavnik.mentorships import services as mentorship_services
from nastavnik.mentorships.models import Meeting, MeetingKind, MeetingStatus, Mentorship, MentorshipStatus

SEED = 20261007
GOALS = (
    "Повысить успеваемость по математике до «4» к концу полугодия и подготовиться к контрольной работе.",
    "Освоиться в новом коллективе: найти друзей, вступить в школьный кружок, выступить на классном часе.",
    "Подготовить и защитить индивидуальный проект; научиться планировать своё время.",
    "Пройти адаптацию на рабочем месте: документация, уроки, работа с родителями.",
)
FREQUENCY = ("Раз в неделю, по средам после уроков", "Два раза в месяц, по пятницам", "Раз в неделю, дистанционно")
COMMENTS_GOOD = ("Было полезно, разобрали трудные задачи.", "Понравилось, договорились о следующем шаге.", "")
LOW_COMMENT = "Встреча сорвалась: наставник опоздал на полчаса, ничего не успели."
NO_COMMENT = "Нам трудно найти общий язык, хотелось бы другого наставника."
FLAG_TEXT = "Наставник просит встречаться вне школы и пишет поздно вечером в личные сообщения. Мне неловко."


def build_feedback(*, admin, organization, academic_year, today: dt.date) -> dict[str, int]:
    rng = random.Random(f"{SEED}:{organization.short_name}")
    counts = {"agreements": 0, "ratings": 0, "fit_checks": 0, "pulses": 0, "flags": 0, "planned_endings": 0}
    counts["final_feedback"] = 0
    mentorships = list(
        Mentorship.objects.filter(
            organization=organization, academic_year=academic_year, status=MentorshipStatus.ACTIVE
        )
        .select_related("mentor__user", "organization", "academic_year", "form")
        .prefetch_related("members__person__user")
        .order_by("pk")
    )
    if not mentorships:
        return counts
    day_start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))

    def actor_for(person):
        return person.user if person.user_id else admin

    flag_pair = next((m for m in mentorships if any(mm.person.user_id for mm in m.members.all())), mentorships[-1])
    low_pair = next((m for m in mentorships if m.pk != flag_pair.pk), mentorships[0])
    no_pair = mentorships[1] if len(mentorships) >= 3 and mentorships[1].pk not in (flag_pair.pk,) else None

    for index, m in enumerate(mentorships):
        mentees = [mm.person for mm in m.members.all() if mm.left_on is None]
        # the agreement at the start; the last pair's mentees have not accepted it yet
        services.agreement_save(
            actor=actor_for(m.mentor),
            mentorship=m,
            goals=GOALS[index % len(GOALS)],
            meeting_frequency=FREQUENCY[index % len(FREQUENCY)],
            contacts=f"{m.mentor.short_name}: {m.mentor.phone or m.mentor.email or 'через куратора'}; "
            "писать в мессенджер с 9:00 до 20:00.",
        )
        counts["agreements"] += 1
        if index != len(mentorships) - 1 or len(mentorships) == 1:
            for mentee in mentees:
                services.agreement_accept(actor=actor_for(mentee), mentorship=m, mentee=mentee)

        past = list(
            Meeting.objects.filter(mentorship=m, starts_at__lt=day_start)
            .exclude(status=MeetingStatus.CANCELLED)
            .order_by("starts_at", "pk")
        )
        # the fit check after the trial meeting
        if any(meeting.kind == MeetingKind.TRIAL for meeting in past):
            for person in [m.mentor, *mentees]:
                says_no = m is no_pair and person.pk == mentees[0].pk if mentees else False
                services.fit_check_answer(
                    actor=actor_for(person),
                    mentorship=m,
                    person=person,
                    fits=not says_no,
                    comment=NO_COMMENT if says_no else "",
                )
                counts["fit_checks"] += 1
        # ratings of the last past meetings; one low rating of the latest meeting of one pair
        for meeting in past[-6:]:
            for person in [m.mentor, *mentees]:
                low = m is low_pair and meeting is past[-1] and person.pk != m.mentor_id
                services.meeting_rate(
                    actor=actor_for(person),
                    meeting=meeting,
                    person=person,
                    rating=3 if low else rng.randint(7, 10),
                    comment=LOW_COMMENT if low else rng.choice(COMMENTS_GOOD),
                )
                counts["ratings"] += 1
        # the pulse due now
        if services.pulse_due(m, today):
            for person in [m.mentor, *mentees]:
                services.pulse_answer(
                    actor=actor_for(person),
                    mentorship=m,
                    person=person,
                    score=rng.randint(6, 9),
                    comment=rng.choice(("", "Всё хорошо.", "Хотелось бы встречаться чаще.")),
                    today=today,
                )
                counts["pulses"] += 1

    # one open safety flag, raised by a mentee of the pair (never shown to its mentor)
    mentee = next((mm.person for mm in flag_pair.members.all() if mm.person.user_id), None)
    if mentee is not None:
        services.flag_raise(actor=mentee.user, mentorship=flag_pair, text=FLAG_TEXT)
        counts["flags"] += 1
    elif (first := flag_pair.members.first()) is not None:
        services.flag_raise(actor=admin, mentorship=flag_pair, text=FLAG_TEXT, person=first.person)
        counts["flags"] += 1
    # the planned ending avoids the pairs of the alerts (the flag, the «нет»; the low rating if it can)
    busy = {flag_pair.pk, low_pair.pk, no_pair.pk if no_pair else None}
    _endings(admin, mentorships, busy=busy, spare={low_pair.pk} - {no_pair.pk if no_pair else None},
             today=today, counts=counts, rng=rng)  # fmt: skip
    return counts


FINAL_USEFUL = (
    "Разбор трудных заданий и честные советы, как готовиться.",
    "Поддержка и понятный план: что делать каждую неделю.",
    "Наставляемый стал увереннее, сам предлагает темы встреч.",
)
FINAL_IMPROVE = ("Чаще встречаться очно.", "Раньше начать работу над проектом.", "")


def _final_at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(17, 30)))  # not at a regular meeting's time


def _endings(admin, mentorships, *, busy, spare, today: dt.date, counts, rng) -> None:
    """The final feedback of both sides of the pair completed by its plan (demo/mentorships.py; entered
    as paper forms), and one active pair with a planned ending — the final meeting next week — a pair
    without logins first, so the demo's mentor and mentee keep their pair as it was. Already built:
    nothing changes."""

    def quiet(m):
        return m.mentor.user_id is None and not any(mm.person.user_id for mm in m.members.all())

    first = mentorships[0]
    planned = Mentorship.objects.filter(
        organization=first.organization, academic_year=first.academic_year, planned_end_date__isnull=False
    )
    for done in (
        planned.exclude(status=MentorshipStatus.ACTIVE).select_related("mentor").prefetch_related("members__person")
    ):
        if done.final_feedback.exists():
            continue
        for person, role in services.final_respondents(done):
            services.final_feedback_answer(
                actor=admin, mentorship=done, person=person, goal_reached=rng.randint(8, 10),
                wants_continue=True, wants_to_mentor=rng.random() < 0.5 if role == "mentee" else None,
                most_useful=rng.choice(FINAL_USEFUL), to_improve=rng.choice(FINAL_IMPROVE),
            )  # fmt: skip
            counts["final_feedback"] += 1
    next_week = today + dt.timedelta(days=7)
    if planned.filter(status=MentorshipStatus.ACTIVE).exists() or not first.academic_year.contains(next_week):
        return
    candidates = [m for m in mentorships if m.pk not in busy] or [m for m in mentorships if m.pk in spare]
    if not candidates:
        return
    pair = sorted(candidates, key=lambda m: (not quiet(m), m.pk))[0]
    start = _final_at(next_week)
    mentorship_services.mentorship_plan_end(
        actor=admin, mentorship=pair, reason="completed", starts_at=start, ends_at=start + dt.timedelta(hours=1),
        format="in_person", place="кабинет наставника",
    )  # fmt: skip
    counts["planned_endings"] += 1
