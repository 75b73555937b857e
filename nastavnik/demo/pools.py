"""The demo's mentee and mentor pools (seed 000, roadmap 2.x–4.x and 7.8; seed 001), built through the
pools services after the preparation stage and the consents exist.

Each organisation gets its people with the roles «наставник» and «наставляемый» into the pools of the
forms its program runs, in every status: mentees from candidates to completed and left, mentors from
unscored candidates through score sheets of the working group, decisions, two trainings with
attendance, to active mentors and the long-term base. Consents are recorded (as scans) for the people
included, except one person left without a consent and one whose consent was revoked (and who
therefore left the pools), so that every state is visible. The same on every run (fixed seed).
`build_intake` adds an autumn intake to one form (called by demo/matching.py for the college's pending
«Студент – студент» run): included mentees not yet in pairs and trained mentors with free places.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from nastavnik.consents.models import Consent, ConsentKind, ConsentMethod, kind_for_age
from nastavnik.consents.selectors import has_valid_consent
from nastavnik.people.models import Category, Person, Role, RoleKind
from nastavnik.pools import services
from nastavnik.pools.models import CRITERION_CODES, MenteeStatus, MentorStatus, RequestCategory, Source
from nastavnik.programs.selectors import enabled_forms

SEED = 20260902

MENTEE_PLAN = (
    MenteeStatus.INCLUDED, MenteeStatus.IN_MENTORSHIP, MenteeStatus.INCLUDED, MenteeStatus.COMPLETED,
    MenteeStatus.CANDIDATE, MenteeStatus.IN_MENTORSHIP, MenteeStatus.INCLUDED, MenteeStatus.LEFT,
)  # fmt: skip
MENTOR_PLAN = (
    "active", "trained", "approved", "candidate_scored", "long_term", "declined",
    "candidate", "left", "active", "trained",
)  # fmt: skip

REQUESTS = {
    Category.PUPIL: (
        ("Низкие образовательные результаты", "Трудности с математикой, по итогам четверти «3» и «2»"),
        ("Низкая учебная мотивация", "Не видит смысла в учёбе, часто не выполняет домашние задания"),
        ("Адаптация в новом коллективе", "Перешёл из другой школы, пока нет друзей в классе"),
        ("Одарённость / подготовка к олимпиадам", "Хочет готовиться к региональному этапу олимпиады по биологии"),
        ("Выбор профессии", "Не определился с профилем обучения в 10 классе"),
        ("Трудности в общении", "Стесняется выступать, избегает групповой работы"),
        ("Социальная активность", "Хочет вести проект в «Движении первых»"),
    ),
    Category.STUDENT: (
        ("Адаптация в новом коллективе", "Первокурсник из района, живёт в общежитии, трудно привыкает"),
        ("Низкие образовательные результаты", "Задолженности по инженерной графике"),
        ("Выбор профессии", "Выбирает место производственной практики"),
        ("Проектная и исследовательская деятельность", "Хочет участвовать в чемпионате «Профессионалы»"),
    ),
    Category.STAFF: (
        ("Адаптация молодого педагога", "Первый год работы: дисциплина на уроках, документация"),
        ("Работа с родителями", "Нужна помощь в подготовке родительских собраний"),
        ("Профессиональное развитие", "Подготовка к аттестации на первую категорию"),
    ),
}
NOTES = (
    ("class_teacher", "Часто отвлекается на уроках, но охотно помогает одноклассникам."),
    ("psychologist", "Повышенная тревожность в ситуации проверки знаний; рекомендована поддержка взрослого."),
    ("teacher", "Хорошо справляется с практическими заданиями, трудности с теорией."),
    ("parent", "Дома жалуется, что не понимает новые темы; просим помочь с организацией занятий."),
    ("social_worker", "Семья многодетная, ребёнку не хватает внимания взрослых."),
)
TOPICS = {
    Category.STAFF: ("подготовка к ОГЭ по предмету «{subject}»", "адаптация молодого педагога", "работа с родителями",
                     "проектная деятельность", "олимпиадная подготовка"),
    Category.PUPIL: ("помощь с домашними заданиями", "адаптация в 5 классе", "школьные проекты", "волонтёрство"),
    Category.STUDENT: ("адаптация первокурсника", "подготовка к сессии", "студенческие проекты", "спорт"),
    Category.EMPLOYER: ("профессиональные пробы на предприятии", "выбор профессии", "подготовка к практике"),
    Category.ALUMNUS: ("выбор профессии", "поступление в вуз", "студенческая жизнь"),
}  # fmt: skip
AVAILABILITY = (
    "вторник и четверг после 15:00", "по средам, 14:00–16:00", "суббота, первая половина дня",
    "после уроков, по договорённости", "один раз в неделю, дистанционно по вечерам",
)  # fmt: skip
MATERIALS = (
    ("Методические рекомендации по внедрению целевой модели наставничества (Р-145)",
     "https://docs.example.ru/mentoring/r-145-recommendations.pdf"),
    ("Памятка наставнику: первая встреча с наставляемым", "https://docs.example.ru/mentoring/first-meeting.pdf"),
    ("Шаблон индивидуального плана развития", "https://docs.example.ru/mentoring/individual-plan.docx"),
    ("Запись вебинара регионального наставнического центра", "https://video.example.ru/rnc31/webinar-mentors"),
)  # fmt: skip


def _people_with_role(organization, kind) -> list[Person]:
    ids = Role.objects.filter(organization=organization, kind=kind).values("person_id")
    return list(Person.objects.filter(pk__in=ids).order_by("last_name", "first_name", "patronymic", "pk"))


def _fitting_form(person: Person, forms, *, as_mentor: bool, rng: random.Random):
    fitting = [f for f in forms if person.category in (f.mentor_categories if as_mentor else f.mentee_categories)]
    return rng.choice(fitting) if fitting else None


def _first_guardian(person: Person) -> Person | None:
    link = person.guardian_links.select_related("guardian").order_by("id").first()
    return link.guardian if link else None


def _give_consent(person: Person, *, admin, on: dt.date) -> Consent | None:
    """A scan of the signed paper form, as the curator records it (the guardian signs for a minor)."""
    kind = kind_for_age(person.age) or ConsentKind.ADULT
    guardian = _first_guardian(person) if kind != ConsentKind.ADULT else None
    if kind != ConsentKind.ADULT and guardian is None:
        return None  # a minor without a linked guardian cannot sign: stays without a consent
    signer = guardian.full_name if kind == ConsentKind.GUARDIAN_FOR_CHILD else person.full_name
    try:
        from nastavnik.consents.services import consent_text

        text = consent_text(person=person, kind=kind, guardian=guardian, on=on)
    except (ImportError, ValidationError):
        text = "Согласие на обработку персональных данных участника программы наставничества (152-ФЗ)."
    return Consent.objects.create(
        person=person,
        organization=person.organization,
        kind=kind,
        method=ConsentMethod.SCAN,
        signer_name=signer,
        guardian=guardian,
        text=text,
        given_at=timezone.make_aware(dt.datetime.combine(on, dt.time(12, 0))),
        recorded_by=admin,
    )


def build_pools(*, admin, organization, academic_year, today: dt.date) -> dict[str, int]:
    """Fill the pools and the training of mentors of one organisation's year. Returns counts."""
    services.request_categories_sync()
    rng = random.Random(f"{SEED}:{organization.short_name}")
    forms = list(enabled_forms(organization=organization, academic_year=academic_year).order_by("sort_order"))
    counts = {"mentees": 0, "mentors": 0, "trainings": 0, "consents": 0}
    if not forms:
        return counts
    start = academic_year.start_date

    def day(offset: int) -> dt.date:
        return max(start, min(today, start + dt.timedelta(days=offset)))

    categories = {c.name: c for c in RequestCategory.objects.filter(region=None)}
    scorers = [
        role.person.user
        for role in Role.objects.filter(
            organization=organization, kind=RoleKind.WORKING_GROUP, person__user__isnull=False
        ).select_related("person__user")
    ] or [admin]
    authors = list(Person.objects.filter(organization=organization, category=Category.STAFF).order_by("pk")[4:10])

    def consent(person: Person) -> None:
        if not has_valid_consent(person) and _give_consent(person, admin=admin, on=day(20)):
            counts["consents"] += 1

    # --- who stays without a consent, and who revokes it -----------------------------------------------
    mentees = [
        (p, f)
        for p in _people_with_role(organization, RoleKind.MENTEE)
        if (f := _fitting_form(p, forms, as_mentor=False, rng=rng))
    ]
    mentors = [
        (p, f)
        for p in _people_with_role(organization, RoleKind.MENTOR)
        if (f := _fitting_form(p, forms, as_mentor=True, rng=rng))
    ]
    unsigned = [p for p, _f in mentees if not Consent.objects.filter(person=p).exists()]
    no_consent = unsigned[-1] if unsigned else None
    revoking = next((p for p in unsigned[:-1] if p.age is None or p.age >= 14 or _first_guardian(p)), None)

    # --- mentee pool ---------------------------------------------------------------------------------------
    for index, (person, form) in enumerate(mentees):
        target = MENTEE_PLAN[index % len(MENTEE_PLAN)]
        if person == no_consent:
            target = MenteeStatus.CANDIDATE
        if person == revoking:
            target = MenteeStatus.INCLUDED
        options = REQUESTS.get(person.category, REQUESTS[Category.PUPIL])
        picked = rng.sample(options, k=min(len(options), rng.choice((1, 1, 2))))
        entry = services.mentee_add(
            actor=admin, organization=organization, academic_year=academic_year, person=person, form=form,
            categories=[categories[name] for name, _text in picked if name in categories],
            request_text=picked[0][1], preferred_format=rng.choice(("in_person", "in_person", "remote", "any")),
            source=rng.choice((Source.QUESTIONNAIRE, Source.QUESTIONNAIRE, Source.THIRD_PARTY, Source.NOMINATION)),
            source_note=f"анкета наставляемого от {day(25):%d.%m.%Y}",
        )  # fmt: skip
        counts["mentees"] += 1
        if index % 3 == 0:
            role, text = NOTES[index % len(NOTES)]
            guardian = _first_guardian(person) if role == "parent" else None
            author = guardian or (rng.choice(authors) if authors and role in ("class_teacher", "teacher") else None)
            services.note_add(
                actor=admin, entry=entry, author_role=role, text=text, date=day(30), today=today,
                author_person=author, author_name="" if author else "Орлова Елена Викторовна",
            )  # fmt: skip
        if target == MenteeStatus.CANDIDATE:
            continue
        consent(person)
        if not has_valid_consent(person):
            continue  # a minor without a linked guardian: stays a candidate without a consent
        path = {
            MenteeStatus.INCLUDED: (MenteeStatus.INCLUDED,),
            MenteeStatus.IN_MENTORSHIP: (MenteeStatus.INCLUDED, MenteeStatus.IN_MENTORSHIP),
            MenteeStatus.COMPLETED: (MenteeStatus.INCLUDED, MenteeStatus.IN_MENTORSHIP, MenteeStatus.COMPLETED),
            MenteeStatus.LEFT: (MenteeStatus.INCLUDED, MenteeStatus.LEFT),
        }.get(target, ())
        for status in path:
            reason = "Переезд семьи в другой город" if status == MenteeStatus.LEFT else ""
            services.mentee_set_status(actor=admin, entry=entry, status=status, reason=reason)

    # --- mentor pool -----------------------------------------------------------------------------------------
    by_plan: dict[str, list] = {}
    for index, (person, form) in enumerate(mentors):
        plan = MENTOR_PLAN[index % len(MENTOR_PLAN)]
        topics = [
            t.format(subject=person.subject or "математика")
            for t in rng.sample(TOPICS.get(person.category, TOPICS[Category.STAFF]), k=2)
        ]
        competencies = (
            f"{person.position or person.get_category_display()}"
            + (f", {person.subject}" if person.subject else "")
            + "; опыт работы с группой, готовность делиться опытом"
        )
        entry = services.mentor_add(
            actor=admin, organization=organization, academic_year=academic_year, person=person, form=form,
            source=Source.NOMINATION if person.category == Category.STAFF and index % 2 else Source.QUESTIONNAIRE,
            source_note="выдвинут методическим объединением" if index % 2 else f"анкета от {day(35):%d.%m.%Y}",
            competencies=competencies, topics=topics, capacity=rng.choice((1, 1, 2, 3)),
            availability=rng.choice(AVAILABILITY), preferred_format=rng.choice(("in_person", "any", "remote")),
        )  # fmt: skip
        counts["mentors"] += 1
        by_plan.setdefault(plan, []).append(entry)
        if plan == "candidate":
            continue
        low = plan == "declined"
        for scorer in scorers:
            scores = {
                code: (rng.choice((0, 1, 1)) if low else rng.choice((2, 2, 3, 3, 1)), "") for code in CRITERION_CODES
            }
            scores["desire"] = (scores["desire"][0], "сам(а) вызвался(лась) участвовать" if not low else "")
            services.score_sheet_save(actor=scorer, entry=entry, scores=scores)
        if plan == "candidate_scored":
            continue
        if plan == "declined":
            services.mentor_decide(
                actor=admin, entry=entry, approve=False, date=day(45), today=today,
                comment="Недостаточно ресурса времени в этом учебном году",
            )  # fmt: skip
            continue
        consent(person)
        if not has_valid_consent(person):
            continue
        services.mentor_decide(actor=admin, entry=entry, approve=True, date=day(45), today=today)
        if plan == "left":
            services.mentor_set_status(
                actor=admin, entry=entry, status=MentorStatus.LEFT, reason="Перевод на работу в другую организацию"
            )

    # --- training of mentors (roadmap 4.3–4.4) -------------------------------------------------------------------
    to_train = by_plan.get("trained", []) + by_plan.get("active", []) + by_plan.get("long_term", [])
    first = services.training_save(
        actor=admin, organization=organization, academic_year=academic_year,
        title="Школа наставника: роль наставника, первая встреча, индивидуальный план", date=day(55),
        place=f"{organization.short_name}, актовый зал", trainer="Региональный наставнический центр",
        program="1. Целевая модель наставничества: формы и этапы.\n2. Роль и позиция наставника.\n"
        "3. Первая (организационная) и пробная встречи.\n4. Индивидуальный план развития и журнал наставника.",
    )  # fmt: skip
    second = services.training_save(
        actor=admin, organization=organization, academic_year=academic_year,
        title="Практикум: обратная связь и мотивация наставляемого", date=day(70),
        place="дистанционно (вебинар)", trainer="педагог-психолог",
        program="1. Техники обратной связи.\n2. Работа с мотивацией.\n3. Разбор трудных случаев.",
    )  # fmt: skip
    for training, materials in ((first, MATERIALS[:3]), (second, MATERIALS[3:])):
        for title, url in materials:
            services.material_add(actor=admin, training=training, title=title, url=url)
    counts["trainings"] = 2
    early_candidate = by_plan.get("candidate_scored", [])[:1]  # attended before the decision: trained_at only
    services.attendance_save(
        actor=admin, training=first, attended_ids=[e.pk for e in to_train + early_candidate], today=today
    )
    services.attendance_save(actor=admin, training=second, attended_ids=[e.pk for e in to_train[::2]], today=today)
    for entry in by_plan.get("active", []):
        entry.refresh_from_db()
        services.mentor_set_status(actor=admin, entry=entry, status=MentorStatus.ACTIVE)
    for entry in by_plan.get("long_term", []):
        entry.refresh_from_db()
        services.mentor_set_status(actor=admin, entry=entry, status=MentorStatus.ACTIVE)
        services.mentor_set_status(
            actor=admin, entry=entry, status=MentorStatus.LONG_TERM, reason="Готов(а) продолжить в следующем году"
        )

    # --- a revoked consent: the person leaves both pools (what the consents app does on revocation) ---------
    if revoking is not None:
        for given in Consent.objects.filter(person=revoking, revoked_at__isnull=True):
            given.revoked_at = timezone.make_aware(dt.datetime.combine(day(60), dt.time(10, 0)))
            given.revocation_reason = "Заявление законного представителя об отзыве согласия"
            given.save(update_fields=["revoked_at", "revocation_reason", "updated_at"])
        services.pools_leave_for(
            person=revoking,
            reason="Отзыв согласия на обработку персональных данных: заявление законного представителя",
        )
    return counts


def _course(person: Person) -> int:
    """The course of a college student from the group name («ТМ-21» → 2); 0 when unknown."""
    digits = [c for c in person.class_name or "" if c.isdigit()]
    return int(digits[0]) if digits else 0


def _can_consent(person: Person) -> bool:
    if has_valid_consent(person):
        return True
    kind = kind_for_age(person.age)
    return kind == ConsentKind.ADULT or (kind is not None and _first_guardian(person) is not None)


def build_intake(*, admin, organization, academic_year, form, today: dt.date, mentees: int = 7, mentors: int = 3):
    """The October intake into the pools of one form (seed 000, roadmap 2.x and 4.x once more): after the
    group meeting more students answer the questionnaire — juniors become mentees (consent, request,
    inclusion), seniors become mentors (score sheets of the working group, approval, the first training),
    so that the form has people to match besides those already in pairs. Adds mentees until `mentees`
    are ready to be matched and `mentors` new trained mentors with free places. Returns counts."""
    from nastavnik.pools.models import MenteeEntry, MentorEntry, Training
    from nastavnik.pools.selectors import matchable_mentees

    counts = {"mentees": 0, "mentors": 0, "consents": 0}
    rng = random.Random(f"{SEED}:intake:{organization.short_name}:{form.code}")
    start = academic_year.start_date

    def day(offset: int) -> dt.date:
        return max(start, min(today, start + dt.timedelta(days=offset)))

    scope = {"organization": organization, "academic_year": academic_year}
    taken = set(MenteeEntry.objects.filter(**scope).values_list("person_id", flat=True))
    taken |= set(MentorEntry.objects.filter(**scope).values_list("person_id", flat=True))
    people = [
        p
        for p in Person.objects.filter(organization=organization)
        .exclude(pk__in=taken)
        .order_by("last_name", "first_name", "patronymic", "pk")
        if _can_consent(p)
    ]
    senior = [p for p in people if p.category in form.mentor_categories and kind_for_age(p.age) == ConsentKind.ADULT]
    senior.sort(key=lambda p: -_course(p))
    new_mentors = senior[:mentors]
    junior = [p for p in people if p.category in form.mentee_categories and p not in new_mentors]
    junior.sort(key=_course)
    need = max(0, mentees - matchable_mentees(organization, academic_year, form).count())
    new_mentees = junior[:need]

    def consent(person: Person) -> None:
        if not has_valid_consent(person) and _give_consent(person, admin=admin, on=day(40)):
            counts["consents"] += 1

    categories = {c.name: c for c in RequestCategory.objects.filter(region=None)}
    options = REQUESTS.get(form.mentee_categories[0] if form.mentee_categories else "", REQUESTS[Category.PUPIL])
    for index, person in enumerate(new_mentees):
        fitting = [o for o in options if _course(person) <= 1 or "ервокурсник" not in o[1]] or list(options)
        name, text = fitting[index % len(fitting)]
        entry = services.mentee_add(
            actor=admin, organization=organization, academic_year=academic_year, person=person, form=form,
            categories=[categories[name]] if name in categories else [], request_text=text,
            preferred_format=("in_person", "any", "in_person", "remote")[index % 4], source=Source.QUESTIONNAIRE,
            source_note=f"анкета наставляемого от {day(40):%d.%m.%Y} (осенний набор)",
        )  # fmt: skip
        consent(person)
        services.mentee_set_status(actor=admin, entry=entry, status=MenteeStatus.INCLUDED)
        counts["mentees"] += 1

    scorers = [
        role.person.user
        for role in Role.objects.filter(
            organization=organization, kind=RoleKind.WORKING_GROUP, person__user__isnull=False
        ).select_related("person__user")
    ] or [admin]
    added = []
    topics = TOPICS.get(form.mentor_categories[0] if form.mentor_categories else "", TOPICS[Category.STAFF])
    for index, person in enumerate(new_mentors):
        entry = services.mentor_add(
            actor=admin, organization=organization, academic_year=academic_year, person=person, form=form,
            source=Source.QUESTIONNAIRE, source_note=f"анкета наставника от {day(40):%d.%m.%Y} (осенний набор)",
            competencies=f"{person.get_category_display()}, группа {person.class_name}; "
            "актив студенческого совета, помогает одногруппникам с учёбой",
            topics=[topics[index % len(topics)], topics[(index + 1) % len(topics)]], capacity=(2, 2, 1)[index % 3],
            availability=AVAILABILITY[index % len(AVAILABILITY)], preferred_format=("any", "in_person")[index % 2],
        )  # fmt: skip
        for scorer in scorers:
            scores = {code: (rng.choice((2, 3, 3)), "") for code in CRITERION_CODES}
            scores["desire"] = (3, "сам(а) вызвался(лась) участвовать")
            services.score_sheet_save(actor=scorer, entry=entry, scores=scores)
        consent(person)
        added.append(services.mentor_decide(actor=admin, entry=entry, approve=True, date=day(45), today=today))
        counts["mentors"] += 1
    training = Training.objects.filter(**scope).order_by("date", "id").first()
    if training is not None and added:
        attended = list(training.attendance.filter(attended=True).values_list("mentor_id", flat=True))
        services.attendance_save(
            actor=admin, training=training, attended_ids=[*attended, *(e.pk for e in added)], today=today
        )
    return counts
