"""The indicators (KPI) of the target model, computed live from the data of the other apps.

Seed 002 (sample roadmap, column «Показатели эффективности»): at least 10 % of each target group in
mentoring; 100 % consents to the processing of personal data (under 14 — through the legal
representative); individual plans done at least to 90 %; diagnostics every quarter; the personified
registry; the federal aim of Р-145 — at least 70 % of pupils aged 10–18 involved.

Every indicator is one row of `INDICATORS` (code, Russian name, the definition shown on hover, the
target, the unit, how it is computed) and its value comes from a handful of SQL aggregates over the
scope (an organisation, a municipality or a region) — no Python loop over rows, the same number of
queries whatever the size. A share whose denominator is 0 is `None`, shown as «нет данных».

«Young teachers (0–3 years)» are read from `Person.teaching_since` (дата начала педагогической
деятельности): a person of the staff category whose teaching began within 3 years before the end of
the academic year (and not after it). A teacher without that date is not counted either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Value,
    When,
)

from nastavnik.core.text import years_before

GREEN, YELLOW, RED, GREY, NEUTRAL = "green", "yellow", "red", "grey", "neutral"
LIGHT_LABELS = {
    GREEN: "достигнут",
    YELLOW: "близко к цели",
    RED: "не достигнут",
    GREY: "нет данных",
    NEUTRAL: "цель не задана",
}
# Mentorships of the year that count as «participation»: working now or completed this year.
PARTICIPATING = ("active", "completed")
SATISFACTION_CODES = ("satisfaction_mentee", "satisfaction_mentor")
SCALE_CODES = ("comfort", "usefulness", "plan_clarity", "support", "expectations")
YOUNG_YEARS = 3  # «молодой педагог»: стаж до 3 лет
RETENTION_YEARS = 2  # «остались через 2 года»
PLAN_TARGET = 90


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: str  # shown on hover and under «?»
    target: float | None
    unit: str  # "%" or "баллов из 10"
    computed: str  # how it is computed (for the «?» explanation)
    source: str = ""  # the document the target comes from
    higher_is_better: bool = True

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "ориентир не установлен"
        value = f"{self.target:g}".replace(".", ",")
        return f"≥ {value} {self.unit}" if self.higher_is_better else f"≤ {value} {self.unit}"


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "coverage_pupils",
        "Охват обучающихся наставничеством",
        "Доля обучающихся школы, которые участвуют в наставнической паре или группе этого учебного года "
        "(наставляемыми или наставниками).",
        10,
        "%",
        "обучающиеся в действующих или завершённых в этом году парах ÷ все обучающиеся организации × 100",
        "документ 002: не менее 10 % каждой целевой группы",
    ),
    Indicator(
        "coverage_pupils_10_18",
        "Охват обучающихся 10–18 лет",
        "Федеральный ориентир целевой модели: не менее 70 % детей от 10 до 18 лет вовлечены в наставничество.",
        70,
        "%",
        "обучающиеся 10–18 лет (на сегодня) в парах этого года ÷ все обучающиеся 10–18 лет × 100",
        "распоряжение Минпросвещения № Р-145",
    ),
    Indicator(
        "coverage_students",
        "Охват студентов наставничеством",
        "Доля студентов (СПО) в наставнических парах и группах этого года.",
        10,
        "%",
        "студенты в парах этого года ÷ все студенты организации × 100",
        "документ 002: не менее 10 % каждой целевой группы",
    ),
    Indicator(
        "coverage_staff",
        "Охват педагогов наставничеством",
        "Доля педагогов и сотрудников, которые участвуют в парах этого года наставниками или наставляемыми.",
        10,
        "%",
        "педагоги в парах этого года ÷ все педагоги организации × 100",
        "документ 002: 10 % от общего числа педагогических работников",
    ),
    Indicator(
        "learners_as_mentors",
        "Доля обучающихся и студентов — наставников",
        "Сколько обучающихся и студентов сами стали наставниками (формы «ученик – ученик», «студент – ученик»…).",
        10,
        "%",
        "обучающиеся и студенты — наставники пар этого года ÷ все обучающиеся и студенты × 100",
        "документ 002: база наставников из числа обучающихся",
    ),
    Indicator(
        "young_teachers_mentored",
        "Доля молодых педагогов (стаж 0–3 года) с наставником",
        "Молодой педагог — участник категории «Педагог / сотрудник», у которого дата начала педагогической "
        "деятельности не раньше чем за 3 года до конца учебного года (и не позже его конца). «С наставником» — "
        "наставляемый действующей или завершённой в этом году пары. Педагоги без даты начала стажа не считаются.",
        None,
        "%",
        "молодые педагоги — наставляемые пар этого года ÷ все молодые педагоги организации × 100",
        "документ 002: поддержка молодых специалистов",
    ),
    Indicator(
        "young_teachers_retained",
        "Молодые педагоги, оставшиеся через 2 года",
        "Берутся молодые педагоги (стаж 0–3 года на конец того года), которые были наставляемыми действующей "
        "или завершённой пары этой организации (муниципалитета, региона) за два учебных года до выбранного "
        "(для 2026/2027 — в 2024/2025). Остались — те из них, кто сегодня по-прежнему в категории «Педагог / "
        "сотрудник» и числится в какой-либо организации того же региона.",
        None,
        "%",
        "из них сегодня педагоги организаций региона ÷ молодые педагоги — наставляемые пар учебного года "
        "двумя годами раньше × 100",
        "документ 004: молодые учителя, остающиеся работать после первых двух лет",
    ),
    Indicator(
        "partners_involved",
        "Доля партнёров с действующим соглашением",
        "Партнёры (предприятия, вузы, НКО), работающие с организацией, у которых есть действующее соглашение.",
        None,
        "%",
        "партнёры с соглашением, действующим сегодня ÷ все партнёры организации × 100",
    ),
    Indicator(
        "consents",
        "Согласия на обработку персональных данных",
        "Участники баз наставников и наставляемых этого года с действующим согласием (152-ФЗ); до 14 лет "
        "согласие даёт законный представитель — согласие другого вида не засчитывается.",
        100,
        "%",
        "участники с действующим согласием нужного вида ÷ все участники баз этого года × 100",
        "документ 002: 100 % согласий, до 14 лет — через законных представителей",
    ),
    Indicator(
        "plans_done",
        "Выполнение индивидуальных планов",
        "Средняя выполненность пунктов утверждённых индивидуальных планов пар этого года (выполненный пункт — "
        "100 %, отменённые не считаются).",
        90,
        "%",
        "среднее «выполнено, %» по пунктам утверждённых планов",
        "документ 002: планы реализованы не менее чем на 90 %",
    ),
    Indicator(
        "roadmap_on_time",
        "Пункты дорожной карты, выполненные в срок",
        "Из пунктов дорожной карты, срок которых уже наступил, — выполненные не позже срока.",
        100,
        "%",
        "выполнено не позже срока ÷ пункты со сроком до сегодняшнего дня × 100",
    ),
    Indicator(
        "diagnostics_quarter",
        "Диагностика в этом квартале",
        "Доля наставляемых действующих пар, у которых есть измерение мониторинга влияния за текущий квартал "
        "(вручную, из файла или из диагностической анкеты).",
        100,
        "%",
        "наставляемые с измерением за квартал ÷ наставляемые действующих пар × 100",
        "документ 002: диагностика 1 раз в квартал, 100 % участников",
    ),
    Indicator(
        "satisfaction",
        "Удовлетворённость участием",
        "Средняя оценка по шкалам 1–10 анкет удовлетворённости наставляемых и наставников (комфорт общения, "
        "полезность встреч, понятность плана, поддержка, оправданность ожиданий).",
        8,
        "баллов из 10",
        "среднее всех ответов по пяти шкалам анкет удовлетворённости этого года",
        "ориентир платформы: 8 из 10",
    ),
    Indicator(
        "want_to_mentor",
        "Наставляемые, которые хотят стать наставниками",
        "Доля ответивших «Да» на вопрос «Хотели бы вы сами стать наставником в будущем?».",
        None,
        "%",
        "«Да» ÷ все ответы на этот вопрос в анкетах удовлетворённости наставляемых × 100",
    ),
)
BY_CODE = {i.code: i for i in INDICATORS}


@dataclass(frozen=True)
class IndicatorValue:
    indicator: Indicator
    value: float | None
    numerator: float | None = None
    denominator: float | None = None

    @property
    def light(self) -> str:
        return light_for(self.indicator, self.value)

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]

    @property
    def value_text(self) -> str:
        if self.value is None:
            return "нет данных"
        number = f"{self.value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
        return f"{number} %" if self.indicator.unit == "%" else f"{number} из 10"

    @property
    def detail(self) -> str:
        if self.value is None or self.denominator is None:
            return ""
        if self.indicator.code == "plans_done":
            return f"планов, выполненных на {PLAN_TARGET} % и более: {self.numerator} из {self.denominator}"
        return f"{_num(self.numerator)} из {_num(self.denominator)}"


def _num(value) -> str:
    return f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


def light_for(indicator: Indicator, value: float | None) -> str:
    if value is None:
        return GREY
    if indicator.target is None:
        return NEUTRAL  # a value to watch, no target to light up against
    target = indicator.target
    if value >= target:
        return GREEN
    return YELLOW if value >= 0.8 * target else RED


def percent_text(value: float | None) -> str:
    """«12,5 %», «10 %»; «нет данных» for None (the dashboards' filter and the documents)."""
    if value is None:
        return "нет данных"
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " %"


def share(numerator, denominator) -> float | None:
    """A percentage, or None when there is nothing to divide by (never a ZeroDivisionError)."""
    if not denominator:
        return None
    return round(100.0 * float(numerator or 0) / float(denominator), 1)


# --- the scope ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """An organisation, a municipality or a region in one academic year, seen on `today`."""

    level: str  # "organization" | "municipality" | "region"
    pk: int
    academic_year: object
    today: dt.date

    def q(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}{self.level}_id": self.pk})

    def org_q(self, prefix: str = "") -> Q:
        """Organisations of the scope (an Organization queryset)."""
        if self.level == "organization":
            return Q(**{f"{prefix}pk": self.pk})
        if self.level == "municipality":
            return Q(**{f"{prefix}municipality_id": self.pk})
        return Q(**{f"{prefix}municipality__region_id": self.pk})

    @property
    def quarter_start(self) -> dt.date:
        month = (self.today.month - 1) // 3 * 3 + 1
        return dt.date(self.today.year, month, 1)


def participating_mentorships(scope: Scope):
    from nastavnik.mentorships.models import Mentorship

    return Mentorship.objects.filter(scope.q(), academic_year=scope.academic_year, status__in=PARTICIPATING)


def involvement_ids(scope: Scope):
    """(mentee person ids, mentor person ids) of the participating mentorships of the scope and year:
    subqueries for `pk IN (…)`, which PostgreSQL runs once each as a hashed subplan."""
    from nastavnik.mentorships.models import Mentorship, MentorshipMentee

    year = scope.academic_year
    mentees = MentorshipMentee.objects.filter(
        scope.q("mentorship__"), mentorship__academic_year=year, mentorship__status__in=PARTICIPATING
    ).values("person_id")
    mentors = Mentorship.objects.filter(scope.q(), academic_year=year, status__in=PARTICIPATING).values("mentor_id")
    return mentees, mentors


def flag(subquery) -> ExpressionWrapper:
    return ExpressionWrapper(Q(pk__in=subquery), output_field=BooleanField())


def _sql(queryset) -> tuple[str, list]:
    """A queryset's SQL for a subquery of raw SQL: without the model's default ordering."""
    sql, params = queryset.order_by().query.sql_with_params()
    return sql, list(params)


def _fence() -> str:
    """What keeps a subquery in FROM a subquery: PostgreSQL pulls a plain one up into the outer query, and
    then every `t.f_…` of every FILTER clause became its own copy of the flag's subplan (the regional
    dashboard built the mentees' hash five times: 19 subplans × 3 processes, 5 s at 200,000 people).
    OFFSET 0 is the planner's fence, without the tuplestore a MATERIALIZED common table expression writes
    (9 MB to a temporary file at 200,000 people). SQLite keeps the subquery as it is."""
    return " OFFSET 0" if connection.vendor == "postgresql" else ""


def over_flags(
    inner, select: str, params: list, tail: str = "", *, lazy: tuple[str, list] | None = None
) -> list[tuple]:
    """Run `SELECT {select} FROM (inner) t {tail}`: the flags of each person are computed once in the inner
    query (not once per FILTER clause, which is what an ORM aggregate over annotations does). `lazy` — the
    SELECT list of a middle query over the inner one (`s.…`), for the flags that are worth probing only when
    another flag of the person is set (CASE WHEN s.f_pool THEN … END)."""
    inner_sql, inner_params = _sql(inner)
    fence = _fence()
    source, source_params = f"({inner_sql}{fence})", inner_params
    if lazy is not None:
        lazy_select, lazy_params = lazy
        source = f"(SELECT {lazy_select} FROM {source} s{fence})"
        source_params = [*lazy_params, *inner_params]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM {source} t {tail}", [*params, *source_params])
        return cursor.fetchall()


# --- the computation: a fixed number of aggregates --------------------------------------------------------
def compute(
    scope: Scope,
    *,
    people_by_org: dict[int, dict] | None = None,
    plans: dict | None = None,
    roadmap: dict | None = None,
) -> list[IndicatorValue]:
    """The indicators of the scope. `people_by_org` — the per-organisation people counts of
    `people_numbers_by_organization` when the caller has them already (the municipal and regional
    dashboards: their organisation table needs the same scan of the people); `plans` and `roadmap` — the
    numbers of `_plan_numbers` and `_roadmap_numbers` when given (the region's stored figures, figures.py)."""
    # 1 query, or none when the per-organisation counts are given
    people = _people_numbers(scope) if people_by_org is None else sum_people_numbers(people_by_org.values())
    plans = _plan_numbers(scope) if plans is None else plans  # 1
    roadmap = _roadmap_numbers(scope) if roadmap is None else roadmap  # 1
    partners = _partner_numbers(scope)  # 1
    satisfaction = satisfaction_numbers(scope)  # 1
    retention = _retention_numbers(scope)  # 1
    values = {
        "coverage_pupils": (people["pupils_in"], people["pupils"]),
        "coverage_pupils_10_18": (people["teens_in"], people["teens"]),
        "coverage_students": (people["students_in"], people["students"]),
        "coverage_staff": (people["staff_in"], people["staff"]),
        "learners_as_mentors": (people["learners_mentors"], people["learners"]),
        "young_teachers_mentored": (people["young_mentored"], people["young"]),
        "young_teachers_retained": (retention["retained"], retention["cohort"]),
        "partners_involved": (partners["involved"], partners["total"]),
        "consents": (people["consented"], people["participants"]),
        "roadmap_on_time": (roadmap["on_time"], roadmap["due"]),
        "diagnostics_quarter": (people["diagnosed"], people["active_mentees"]),
        "want_to_mentor": (satisfaction["become_yes"], satisfaction["become_total"]),
    }
    result = []
    for indicator in INDICATORS:
        code = indicator.code
        if code == "plans_done":
            value = plans["avg"]
            result.append(
                IndicatorValue(indicator, round(value, 1) if value is not None else None, plans["done"], plans["plans"])
            )
        elif code == "satisfaction":
            value = satisfaction["avg"]
            result.append(IndicatorValue(indicator, round(value, 1) if value is not None else None, None, None))
        else:
            numerator, denominator = values[code]
            result.append(IndicatorValue(indicator, share(numerator, denominator), numerator, denominator))
    return result


def _people_numbers(scope: Scope) -> dict:
    (row,) = _people_rows(scope, by_organization=False)
    return row


def people_numbers_by_organization(scope: Scope) -> dict[int, dict]:
    """The counts of `_people_numbers` for each organisation of the scope: {organization id: counts}."""
    return {row.pop("organization_id"): row for row in _people_rows(scope, by_organization=True)}


def sum_people_numbers(rows) -> dict:
    """The scope's counts from its organisations' counts (every person belongs to one organisation)."""
    total = dict.fromkeys(PEOPLE_COUNTS, 0)
    for row in rows:
        for name in PEOPLE_COUNTS:
            total[name] += row[name]
    return total


PEOPLE_COUNTS = (
    "pupils", "pupils_in", "teens", "teens_in", "students", "students_in", "staff", "staff_in", "learners",
    "learners_mentors", "young", "young_mentored", "participants", "consented", "active_mentees", "diagnosed",
)  # fmt: skip


def _people_rows(scope: Scope, *, by_organization: bool) -> list[dict]:
    from nastavnik.consents.models import Consent, ConsentKind
    from nastavnik.mentorships.models import MentorshipMentee
    from nastavnik.people.models import Person
    from nastavnik.pools.models import MenteeEntry, MentorEntry

    from .models import Measurement

    year, today = scope.academic_year, scope.today
    mentees, mentors = involvement_ids(scope)
    valid = Consent.objects.filter(revoked_at__isnull=True)
    if scope.level == "organization":
        valid = valid.filter(scope.q("person__"))
    # a municipality or a region: the outer scan already keeps only the scope's people, and hashing the
    # valid consents as they are (one sequential scan) is several times cheaper than joining them to the
    # region's people first (a merge join over two indexes: 0.7 s for each of the two flags at 200,000)
    # both pools in one hashed subplan (a UNION ALL): one probe for each person, not two for most
    pools = (
        MenteeEntry.objects.filter(scope.q(), academic_year=year)
        .order_by()
        .values("person_id")
        .union(MentorEntry.objects.filter(scope.q(), academic_year=year).order_by().values("person_id"), all=True)
    )
    inner = (
        Person.objects.filter(scope.q(), organization__isnull=False)
        .order_by()
        .annotate(
            f_mentee=flag(mentees),
            f_mentor=flag(mentors),
            f_pool=flag(pools),
        )
        .values_list(
            "id", "organization_id", "category", "birth_date", "teaching_since", "f_mentee", "f_mentor", "f_pool"
        )
    )  # fmt: skip
    # The flags below are probed only for the people they can count: a consent for the members of the pools
    # (the right kind for the age), an active membership and a diagnostic for the mentees. Every probe of a
    # hashed subplan costs, and the eight flags of 200,000 people were half of the regional dashboard.
    guardian_sql, guardian_params = _sql(valid.filter(kind=ConsentKind.GUARDIAN_FOR_CHILD).values("person_id"))
    consent_sql, consent_params = _sql(valid.values("person_id"))
    active_sql, active_params = _sql(
        MentorshipMentee.objects.filter(
            scope.q("mentorship__"), mentorship__academic_year=year, mentorship__status="active",
            left_on__isnull=True,
        ).values("person_id")
    )  # fmt: skip
    diag_sql, diag_params = _sql(
        Measurement.objects.filter(scope.q(), measured_on__gte=scope.quarter_start, measured_on__lte=today).values(
            "person_id"
        )
    )
    b14 = years_before(today, 14)
    lazy = (
        "s.organization_id AS organization_id, s.category AS category, s.birth_date AS birth_date, "
        "s.teaching_since AS teaching_since, s.f_mentee AS f_mentee, s.f_mentor AS f_mentor, s.f_pool AS f_pool, "
        # under 14 the legal representative's consent, else any valid consent (152-ФЗ)
        f"CASE WHEN s.f_pool THEN CASE WHEN s.birth_date > %s THEN s.id IN ({guardian_sql}) "
        f"ELSE s.id IN ({consent_sql}) END END AS f_consented, "
        f"CASE WHEN s.f_mentee THEN s.id IN ({active_sql}) END AS f_active, "
        f"CASE WHEN s.f_mentee THEN s.id IN ({diag_sql}) END AS f_diag",
        [b14, *guardian_params, *consent_params, *active_params, *diag_params],
    )
    b10, b19 = years_before(today, 10), years_before(today, 19)
    year_end = year.end_date
    teen = "t.birth_date <= %s AND t.birth_date > %s"
    young = "t.teaching_since > %s AND t.teaching_since <= %s"
    involved = "(t.f_mentee OR t.f_mentor)"
    # counted per category (GROUP BY it) and put together below: no comparison of the category's text in
    # each of sixteen FILTER clauses for each of 200,000 people
    per_category = [
        ("all", "", []),
        ("involved", involved, []),
        ("teen", teen, [b10, b19]),
        ("teen_in", f"{teen} AND {involved}", [b10, b19]),
        ("mentor", "t.f_mentor", []),
        ("young", young, [years_before(year_end, YOUNG_YEARS), year_end]),
        ("young_mentored", f"{young} AND t.f_mentee", [years_before(year_end, YOUNG_YEARS), year_end]),
        ("pool", "t.f_pool", []),
        ("consented", "t.f_consented", []),
        ("active", "t.f_active", []),
        ("diagnosed", "t.f_active AND t.f_diag", []),
    ]  # fmt: skip
    select = ", ".join(f"COUNT(*) FILTER (WHERE {sql})" if sql else "COUNT(*)" for _name, sql, _params in per_category)
    params = [p for _name, _sql, ps in per_category for p in ps]
    names = [name for name, _sql, _params in per_category]
    if by_organization:
        rows = over_flags(inner, f"t.organization_id, t.category, {select}", params,
                          "GROUP BY t.organization_id, t.category", lazy=lazy)  # fmt: skip
    else:
        rows = [
            (None, *row) for row in over_flags(inner, f"t.category, {select}", params, "GROUP BY t.category", lazy=lazy)
        ]
    # {organization: {category: {name: count}}}, then the sixteen counts of each organisation
    grouped: dict = {}
    for organization_id, category, *counts in rows:
        grouped.setdefault(organization_id, {})[category] = dict(zip(names, (int(c or 0) for c in counts), strict=True))
    result = []
    for organization_id, by_category in grouped.items():
        row = _people_counts(by_category)
        if by_organization:
            row = {"organization_id": organization_id, **row}
        result.append(row)
    if not by_organization and not result:
        result = [dict.fromkeys(PEOPLE_COUNTS, 0)]
    return result


def _people_counts(by_category: dict[str, dict[str, int]]) -> dict:
    """The sixteen counts of PEOPLE_COUNTS from the per-category counts of `_people_rows`."""
    from nastavnik.people.models import Category

    empty = {}

    def of(category, name: str) -> int:
        return by_category.get(category.value, empty).get(name, 0)

    def total(name: str) -> int:
        return sum(counts[name] for counts in by_category.values())

    pupil, student, staff = Category.PUPIL, Category.STUDENT, Category.STAFF
    row = {
        "pupils": of(pupil, "all"),
        "pupils_in": of(pupil, "involved"),
        "teens": of(pupil, "teen"),
        "teens_in": of(pupil, "teen_in"),
        "students": of(student, "all"),
        "students_in": of(student, "involved"),
        "staff": of(staff, "all"),
        "staff_in": of(staff, "involved"),
        "learners": of(pupil, "all") + of(student, "all"),
        "learners_mentors": of(pupil, "mentor") + of(student, "mentor"),
        "young": of(staff, "young"),
        "young_mentored": of(staff, "young_mentored"),
        "participants": total("pool"),
        "consented": total("consented"),
        "active_mentees": total("active"),
        "diagnosed": total("diagnosed"),
    }
    assert tuple(row) == PEOPLE_COUNTS
    return row


def _retention_numbers(scope: Scope) -> dict:
    """Young teachers who were mentees of the scope's participating pairs RETENTION_YEARS academic years
    before the scope's year (young at the end of that year), and how many of them are staff of an
    organisation of the same region today: one aggregate over the memberships of that year."""
    from nastavnik.mentorships.models import MentorshipMentee
    from nastavnik.people.models import Category

    start_year = scope.academic_year.start_year - RETENTION_YEARS
    then_end = dt.date(start_year + 1, 8, 31)  # AcademicYear.end_date of that year
    # the card keeps today's category only: a mentee with a teaching start date is taken for a teacher then,
    # and one who is no longer «педагог / сотрудник» today (or has no organisation) has left
    cohort = Q(person__teaching_since__gt=years_before(then_end, YOUNG_YEARS), person__teaching_since__lte=then_end)
    stayed = Q(
        person__category=Category.STAFF,
        person__organization__isnull=False,
        person__region_id=F("mentorship__region_id"),
    )
    return MentorshipMentee.objects.filter(
        scope.q("mentorship__"),
        cohort,
        mentorship__academic_year__start_year=start_year,
        mentorship__status__in=PARTICIPATING,
    ).aggregate(
        cohort=Count("person_id", distinct=True),
        retained=Count("person_id", distinct=True, filter=stayed),
    )


def approved_plan_items(scope: Scope):
    """The items of the plans in force (the approved version) of the scope's pairs of the year, cancelled
    items left out, with `ITEM_DONE` the completion an item counts for (done = 100 %, else its progress):
    what «Выполнение индивидуальных планов» averages, per plan."""
    from nastavnik.mentorships.models import PlanItem

    return (
        PlanItem.objects.filter(
            scope.q("plan__mentorship__"),
            plan__mentorship__academic_year=scope.academic_year,
            plan__mentorship__status__in=PARTICIPATING,
            plan__status="approved",
        )
        .exclude(status="cancelled")
        .order_by()
    )


ITEM_DONE = Case(When(status="done", then=Value(100)), default=F("progress"), output_field=FloatField())


def _plan_numbers(scope: Scope) -> dict:
    """The mean completion of the plans in force and how many are done to 90 %: one query — the per-plan
    means are one GROUP BY over the items, aggregated again outside (not a correlated subquery per plan,
    run three times for each of the region's 30,000 plans)."""
    per_plan = approved_plan_items(scope).values("plan_id").annotate(completion=Avg(ITEM_DONE))
    row = per_plan.aggregate(
        avg=Avg("completion"),
        plans=Count("plan_id"),
        done=Count("plan_id", filter=Q(completion__gte=PLAN_TARGET)),
    )
    return {"avg": float(row["avg"]) if row["avg"] is not None else None, "plans": row["plans"], "done": row["done"]}


def plans_by_organization(scope: Scope) -> dict[int, dict]:
    """{organization: plans, the sum of their completion, those done to PLAN_TARGET %} — the completion of a
    plan as «Выполнение индивидуальных планов» counts it: the per-plan means of `approved_plan_items`, grouped
    again per organisation in SQL (the area summary's table and the region's stored figures)."""
    per_plan = (
        approved_plan_items(scope)
        .annotate(o=F("plan__mentorship__organization_id"))
        .values("plan_id", "o")
        .annotate(c=Avg(ITEM_DONE))
    )
    sql, params = per_plan.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.o, COUNT(*), SUM(t.c), SUM(CASE WHEN t.c >= %s THEN 1 ELSE 0 END) FROM ({sql}) t GROUP BY t.o",
            [PLAN_TARGET, *params],
        )
        rows = cursor.fetchall()
    return {o: {"plans": int(n), "plans_completion": float(total or 0), "plans_done": int(done or 0)}
            for o, n, total, done in rows}  # fmt: skip


def roadmap_items_due(scope: Scope):
    """The roadmap items of the scope's organisations for the year whose deadline has passed."""
    from nastavnik.programs.models import RoadmapItem

    return RoadmapItem.objects.filter(
        scope.q("roadmap__"),
        roadmap__organization__isnull=False,
        roadmap__academic_year=scope.academic_year,
        due_date__lt=scope.today,
    )


def roadmap_counts() -> dict:
    """What «Пункты дорожной карты, выполненные в срок» counts over `roadmap_items_due`."""
    return {"due": Count("pk"), "on_time": Count("pk", filter=Q(status="done", done_at__lte=F("due_date")))}


def _roadmap_numbers(scope: Scope) -> dict:
    return roadmap_items_due(scope).aggregate(**roadmap_counts())


def _partner_numbers(scope: Scope) -> dict:
    from nastavnik.orgs.models import Organization, Partner, PartnerAgreement

    orgs = Organization.objects.filter(scope.org_q()).values("pk")
    today = scope.today
    active = PartnerAgreement.objects.filter(
        partner_id=OuterRef("pk"), organization__in=orgs, start_date__lte=today
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    qs = Partner.objects.filter(pk__in=Partner.organizations.through.objects.filter(organization__in=orgs).values(
        "partner_id"
    ))  # fmt: skip
    return qs.annotate(has_agreement=Exists(active)).aggregate(
        total=Count("pk"), involved=Count("pk", filter=Q(has_agreement=True))
    )


# --- satisfaction: answers are JSON keyed by question id, aggregated in SQL -------------------------------
def _json_each(alias: str) -> str:
    if connection.vendor == "postgresql":
        return f"jsonb_each_text(r.answers) AS {alias}"
    return f"json_each(r.answers) AS {alias}"


def _cast_id() -> str:
    return "CAST(q.id AS TEXT)" if connection.vendor != "postgresql" else "q.id::text"


def _number(expr: str) -> str:
    return f"CAST({expr} AS REAL)" if connection.vendor != "postgresql" else f"({expr})::numeric"


def _satisfaction_sql(scope: Scope, select: str, group: str = "", extra_where: str = "") -> tuple[str, list]:
    """Rows of (response, answer) of the satisfaction questionnaires of the scope and year, joined to the
    question by id (the JSON key) — one SQL statement on SQLite and PostgreSQL alike."""
    year = scope.academic_year
    params: list = [scope.pk, *SATISFACTION_CODES, *SCALE_CODES, "become_mentor", year.start_date, year.end_date]
    scale_list = ", ".join(["%s"] * len(SCALE_CODES))
    sql = f"""
        SELECT {select}
        FROM questionnaires_response r
        JOIN questionnaires_campaign c ON c.id = r.campaign_id
        JOIN questionnaires_questionnaire qn ON qn.id = c.questionnaire_id
        JOIN questionnaires_invitation i ON i.id = r.invitation_id
        CROSS JOIN {_json_each("a")}
        JOIN questionnaires_question q ON {_cast_id()} = a.key AND q.questionnaire_id = qn.id
        WHERE c.{scope.level}_id = %s
          AND qn.template_code IN (%s, %s)
          AND (q.code IN ({scale_list}) OR q.code = %s)
          AND r.submitted_at >= %s AND r.submitted_at < %s
          {extra_where}
        {group}
    """
    # the year's last day is inclusive: compare with the next day
    params[-1] = year.end_date + dt.timedelta(days=1)
    return sql, params


def _scale_value_sql() -> str:
    return f"CASE WHEN q.code IN ({', '.join(repr(c) for c in SCALE_CODES)}) THEN {_number('a.value')} END"


def satisfaction_numbers(scope: Scope) -> dict:
    scale = _scale_value_sql()
    select = (
        f"AVG({scale}), COUNT({scale}), "
        "SUM(CASE WHEN q.code = 'become_mentor' AND a.value = 'Да' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN q.code = 'become_mentor' THEN 1 ELSE 0 END)"
    )
    sql, params = _satisfaction_sql(scope, select)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        avg, count, yes, total = cursor.fetchone()
    return {
        "avg": float(avg) if avg is not None else None,
        "answers": count or 0,
        "become_yes": int(yes or 0),
        "become_total": int(total or 0),
    }


def satisfaction_by(scope: Scope, by: str) -> list[tuple]:
    """Average satisfaction grouped by `month` (of the answer), `organization`, `questionnaire`
    (mentee / mentor) or `form` (of the respondent's mentorship of the year): [(key, avg, answers)]."""
    scale = _scale_value_sql()
    if by == "month":
        key = (
            "to_char(r.submitted_at, 'YYYY-MM')"
            if connection.vendor == "postgresql"
            else "strftime('%%Y-%%m', r.submitted_at)"
        )
        sql, params = _satisfaction_sql(scope, f"{key}, AVG({scale}), COUNT({scale})", f"GROUP BY {key} ORDER BY {key}")
    elif by == "organization":
        sql, params = _satisfaction_sql(
            scope, f"c.organization_id, AVG({scale}), COUNT({scale})", "GROUP BY c.organization_id"
        )
    elif by == "questionnaire":
        sql, params = _satisfaction_sql(
            scope, f"qn.template_code, AVG({scale}), COUNT({scale})", "GROUP BY qn.template_code"
        )
    elif by in ("form", "mentorship"):
        # the respondent's (the subject's) mentorship of the year: as mentee or as mentor
        column = "m.form_id" if by == "form" else "m.id"
        select = f"{column}, AVG({scale}), COUNT({scale})"
        sql, params = _satisfaction_sql(scope, select, f"GROUP BY {column}")
        join = """
            JOIN mentorships_mentorship m ON m.academic_year_id = %s AND m.status IN ('active', 'completed') AND (
                m.mentor_id = i.subject_id OR EXISTS (
                    SELECT 1 FROM mentorships_mentorshipmentee mm
                    WHERE mm.mentorship_id = m.id AND mm.person_id = i.subject_id
                ))
            WHERE"""
        sql = sql.replace("WHERE", join, 1)
        params = [scope.academic_year.pk, *params]
    else:
        raise ValueError(by)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(key, float(avg) if avg is not None else None, count) for key, avg, count in cursor.fetchall()]


def as_decimal(value: float | None) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None
