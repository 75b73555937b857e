"""Reads of matching: runs scoped by the user, and the engine's input built from the pools.

The input of a run comes only through selectors of other apps (pools: `matchable_mentees` /
`matchable_mentors`, which apply the consent gate and the statuses) and read-only queries of the
preference questionnaire's answers and of the open mentorships (the places a mentor already gives).
A mentee request and a mentor's competencies are compared as case-folded phrases and as the lemmas of
their nouns (pymorphy3), so that «трудности с математикой» meets «подготовка к ОГЭ по математике».
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from nastavnik.orgs.models import AcademicYear, Organization
from nastavnik.people.access import access_for, require
from nastavnik.pools import selectors as pool_selectors
from nastavnik.pools.models import MenteeEntry, MentorEntry, MentorStatus
from nastavnik.programs.models import MentoringForm

from . import engine
from .models import ForbiddenPair, MatchingRun, Proposal, RunPart, RunStatus, Unmatched

# Forms where the mentor is a peer a little older: the age rule is on by default (2 years).
PEER_FORMS = frozenset({"pupil_pupil", "student_pupil"})
# Forms that cross organisations: a municipal or regional coordinator may match them over several pools.
CROSS_ORG_FORMS = frozenset({"student_pupil", "employer_pupil", "employer_student"})
GENERIC_WORDS = frozenset(
    {"помощь", "трудность", "проблема", "работа", "время", "вопрос", "класс", "год", "раз", "день", "сторона",
     "хотеть", "нужно", "быть", "который", "также", "очень", "пока", "часто"}
)  # fmt: skip
WORD = re.compile(r"[0-9a-zа-яё]+(?:-[0-9a-zа-яё]+)*", re.IGNORECASE)


def require_staff(actor) -> None:
    require(access_for(actor).sees_registers, "Этот раздел доступен сотрудникам организации и координаторам.")


# --- runs -------------------------------------------------------------------------------------------
def visible_runs(actor) -> QuerySet[MatchingRun]:
    """Runs of the user's scope, and municipal/regional runs with a part of the user's organisation."""
    require_staff(actor)
    access = access_for(actor)
    if access.is_admin:
        return MatchingRun.objects.all()
    q = access.scoped_q()
    if access.staff_org_ids:
        q |= Q(pk__in=RunPart.objects.filter(organization_id__in=access.staff_org_ids).values("run_id"))
    return MatchingRun.objects.filter(q)


def run_get_for(*, actor, pk: int) -> MatchingRun:
    qs = visible_runs(actor).select_related(
        "organization__municipality", "municipality", "region", "academic_year", "form", "created_by__person",
        "approved_by__person",
    )  # fmt: skip
    return get_object_or_404(qs, pk=pk)


def runs_of_year(*, organization: Organization, academic_year: AcademicYear) -> QuerySet[MatchingRun]:
    """The organisation's own runs and the area runs that include it, newest first."""
    area = RunPart.objects.filter(organization=organization).values("run_id")
    return (
        MatchingRun.objects.filter(academic_year=academic_year)
        .filter(Q(organization=organization) | Q(pk__in=area))
        .select_related("form", "created_by__person", "approved_by__person", "organization")
        .order_by("-created_at", "-id")
    )


def area_runs(*, actor, region, municipality=None, academic_year: AcademicYear) -> QuerySet[MatchingRun]:
    qs = visible_runs(actor).filter(organization__isnull=True, region=region, academic_year=academic_year)
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    return qs.select_related("form", "municipality", "created_by__person").order_by("-created_at", "-id")


def proposal_get_for(*, actor, pk: int) -> Proposal:
    qs = Proposal.objects.filter(run__in=visible_runs(actor).values("pk")).select_related(
        "run__organization__municipality", "run__academic_year", "run__form", "mentee_entry__person",
        "mentor_entry__person",
    )  # fmt: skip
    return get_object_or_404(qs, pk=pk)


def proposals_of(run: MatchingRun, solver: str | None = None) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(run=run, solver=solver or run.solver)
        .select_related("mentee_entry__person", "mentor_entry__person", "mentee_entry__organization")
        .order_by("mentor_entry__person__last_name", "mentor_entry__person__first_name", "mentor_entry_id",
                  "mentee_entry__person__last_name", "id")
    )  # fmt: skip


def unmatched_of(run: MatchingRun, solver: str | None = None) -> QuerySet[Unmatched]:
    return (
        Unmatched.objects.filter(run=run, solver=solver or run.solver)
        .select_related("mentee_entry__person", "mentee_entry__organization")
        .order_by("mentee_entry__person__last_name", "mentee_entry__person__first_name", "id")
    )


@dataclass
class MentorGroup:
    """The proposals of one mentor: a pair, or a group when the mentor takes several mentees."""

    mentor_entry: MentorEntry
    capacity: int
    proposals: list[Proposal] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return len(self.proposals) > 1


def proposal_groups(run: MatchingRun, solver: str | None = None) -> list[MentorGroup]:
    capacities = {m["id"]: m.get("capacity", 1) for m in (run.snapshot or {}).get("mentors", [])}
    groups: dict[int, MentorGroup] = {}
    for proposal in proposals_of(run, solver):
        group = groups.get(proposal.mentor_entry_id)
        if group is None:
            group = groups[proposal.mentor_entry_id] = MentorGroup(
                proposal.mentor_entry, capacities.get(proposal.mentor_entry_id, proposal.mentor_entry.capacity)
            )
        group.proposals.append(proposal)
    return list(groups.values())


def run_parts(run: MatchingRun) -> list[RunPart]:
    return list(run.parts.select_related("organization", "confirmed_by__person").order_by("organization__short_name"))


def labels_of(run: MatchingRun) -> tuple[dict[int, str], dict[int, str]]:
    """(mentee entry id → ФИО, mentor entry id → ФИО) from the run's snapshot (no query)."""
    snapshot = run.snapshot or {}
    return (
        {m["id"]: m.get("label", "") for m in snapshot.get("mentees", [])},
        {m["id"]: m.get("label", "") for m in snapshot.get("mentors", [])},
    )


# --- forbidden pairs ----------------------------------------------------------------------------------
def forbidden_pairs_for(*, organization: Organization, academic_year: AcademicYear) -> QuerySet[ForbiddenPair]:
    return ForbiddenPair.objects.filter(organization=organization, academic_year=academic_year).select_related(
        "mentee", "mentor", "entered_by__person"
    )


def forbidden_get_for(*, actor, pk: int) -> ForbiddenPair:
    require_staff(actor)
    qs = ForbiddenPair.objects.filter(access_for(actor).scoped_q()).select_related(
        "organization__municipality", "academic_year", "mentee", "mentor"
    )
    return get_object_or_404(qs, pk=pk)


def forbidden_candidates(*, organization: Organization, academic_year: AcademicYear):
    """People of the organisation's pools this year: (mentees, mentors) for the forbidden-pair form."""
    from nastavnik.people.models import Person

    mentee_ids = MenteeEntry.objects.filter(organization=organization, academic_year=academic_year).values("person_id")
    mentor_ids = MentorEntry.objects.filter(academic_year=academic_year, region_id=organization.municipality.region_id)
    mentor_ids = mentor_ids.filter(organization=organization).values("person_id")
    order = ("last_name", "first_name", "patronymic", "pk")
    return Person.objects.filter(pk__in=mentee_ids).order_by(*order), Person.objects.filter(pk__in=mentor_ids).order_by(
        *order
    )


# --- the engine's input ----------------------------------------------------------------------------------
@functools.cache
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@functools.lru_cache(maxsize=200_000)
def _lemma(word: str) -> str | None:
    """The noun lemma of a word (None for other parts of speech and for very short or generic words)."""
    if len(word) < 3 or word.isdigit():
        return None
    parsed = _morph().parse(word)
    if not parsed:
        return None
    best = parsed[0]
    tag = best.tag
    if "NOUN" not in tag and "Abbr" not in tag and "LATN" not in tag:
        return None
    lemma = best.normal_form.replace("ё", "е")
    return None if lemma in GENERIC_WORDS else lemma


def keywords(text: str) -> list[str]:
    """Case-folded noun lemmas of a text, in order, without repeats."""
    result = []
    for match in WORD.finditer(text.casefold()):
        lemma = _lemma(match.group(0))
        if lemma and lemma not in result:
            result.append(lemma)
    return result


def _phrase(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split()).strip(' .;,«»"')


def request_terms(categories: Iterable[str], request_text: str) -> tuple[str, ...]:
    """A mentee's requests: the category names (phrases) and the nouns of the categories and the text."""
    terms: list[str] = []
    names = [c for c in categories if c]
    for name in names:
        phrase = _phrase(name)
        if phrase and phrase not in terms:
            terms.append(phrase)
    for word in keywords(" ".join([*names, request_text or ""])):
        if word not in terms:
            terms.append(word)
    return tuple(terms)


SPLIT = re.compile(r"[\n;,]+")


def competency_terms(competencies: str, topics: Iterable[str]) -> tuple[str, ...]:
    """A mentor's competencies and topics: the phrases and their nouns."""
    phrases = [_phrase(p) for p in SPLIT.split(competencies or "")] + [_phrase(t) for t in topics or () if t]
    terms: list[str] = []
    for phrase in phrases:
        if phrase and phrase not in terms:
            terms.append(phrase)
    for word in keywords(" ".join(phrases)):
        if word not in terms:
            terms.append(word)
    return tuple(terms)


STUDENT_COURSE = re.compile(r"-(\d)")


def grade_of(class_name: str, category: str = "") -> int | None:
    """«7Б» → 7; a student group «ТМ-21» → course 2 as 200 (the engine's convention); else None."""
    class_name = (class_name or "").strip()
    digits = re.match(r"\d+", class_name)
    if digits:
        number = int(digits.group(0))
        return number if category != "student" else number * 100
    if category == "student":
        course = STUDENT_COURSE.search(class_name)
        if course:
            return int(course.group(1)) * 100
    return None


def default_rules(form: MentoringForm) -> dict:
    """The hard rules of a form (changeable per run): peers must be older by 2 years by default."""
    return {
        "min_age_gap": 2 if form.code in PEER_FORMS else 0,
        "min_grade_gap": 0,
        "same_org": False,
        "same_municipality": False,
        "require_trained": True,
    }


@dataclass
class Inputs:
    mentees: list[engine.Mentee]
    mentors: list[engine.Mentor]
    forbidden: list[tuple[int, int]]
    organization_ids: list[int]
    full_mentors: list[int] = field(default_factory=list)  # whose every place is already taken

    def to_json(self) -> dict:
        return {
            "mentees": [_jsonable(m) for m in self.mentees],
            "mentors": [_jsonable(m) for m in self.mentors],
            "forbidden": [list(p) for p in self.forbidden],
            "organizations": self.organization_ids,
            "full_mentors": self.full_mentors,
        }


def _jsonable(obj) -> dict:
    data = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value != f.default:
            data[f.name] = list(value) if isinstance(value, tuple) else value
    data["id"] = obj.id
    return data


def _from_json(cls, data: dict):
    names = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in data.items():
        if key in names:
            kwargs[key] = tuple(value) if isinstance(value, list) else value
    return cls(**kwargs)


def inputs_from_snapshot(snapshot: dict) -> tuple[list[engine.Mentee], list[engine.Mentor], frozenset]:
    mentees = [_from_json(engine.Mentee, m) for m in snapshot.get("mentees", [])]
    mentors = [_from_json(engine.Mentor, m) for m in snapshot.get("mentors", [])]
    forbidden = frozenset((a, b) for a, b in snapshot.get("forbidden", []))
    return mentees, mentors, forbidden


def matchable_counts(organizations: list[Organization], academic_year: AcademicYear, form) -> tuple[int, int]:
    mentees, mentors = matchable_entries(list(organizations), academic_year, form)
    return mentees.count(), mentors.count()


def _open_places(mentor_ids) -> dict[int, int]:
    """Mentees already in the mentors' proposed or active mentorships (read-only, one grouped query;
    `mentor_ids` may be a subquery)."""
    from nastavnik.mentorships.models import OPEN_STATUSES, MentorshipMentee

    rows = (
        MentorshipMentee.objects.filter(
            mentorship__mentor_entry_id__in=mentor_ids, mentorship__status__in=OPEN_STATUSES, left_on__isnull=True
        )
        .values("mentorship__mentor_entry_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["mentorship__mentor_entry_id"]: r["n"] for r in rows}


def _busy_mentees(mentee_ids) -> set[int]:
    """Mentees already in a proposed or active mentorship (they are not matched again)."""
    from nastavnik.mentorships.models import OPEN_STATUSES, MentorshipMentee

    return set(
        MentorshipMentee.objects.filter(
            mentee_entry_id__in=mentee_ids, mentorship__status__in=OPEN_STATUSES, left_on__isnull=True
        ).values_list("mentee_entry_id", flat=True)
    )


def matchable_entries(organizations: list[Organization], academic_year: AcademicYear, form):
    """(mentee entries, mentor entries) ready for matching: the pools' `matchable_mentees` /
    `matchable_mentors` for one organisation; for an area run the same filters (the pools' matchable
    statuses and the consents' gate) over all its organisations in one query each — a query per
    organisation would be thousands of queries for a region."""
    from nastavnik.consents.selectors import valid_consent_q

    if len(organizations) == 1:
        organization = organizations[0]
        return (
            pool_selectors.matchable_mentees(organization, academic_year, form),
            pool_selectors.matchable_mentors(organization, academic_year, form),
        )
    scope = {"organization__in": organizations, "academic_year": academic_year, "form": form}
    mentees = MenteeEntry.objects.filter(**scope, status__in=pool_selectors.MATCHABLE_MENTEE_STATUSES)
    mentors = MentorEntry.objects.filter(**scope, status__in=pool_selectors.MATCHABLE_MENTOR_STATUSES)
    order = ("person__last_name", "person__first_name", "id")
    return (
        mentees.filter(valid_consent_q("person__")).order_by(*order),
        mentors.filter(valid_consent_q("person__")).order_by(*order),
    )


def preference_choices(organization_ids: list[int], academic_year: AcademicYear) -> dict[int, list[int]]:
    """Person id → the person ids they chose in the latest answer to a preference questionnaire
    (a «choice of people» question) of these organisations this year, most wanted first."""
    from nastavnik.questionnaires.models import Question, QuestionnaireKind, QuestionType, Response

    questions = list(
        Question.objects.filter(
            qtype=QuestionType.PEOPLE,
            questionnaire__kind=QuestionnaireKind.PREFERENCE,
            questionnaire__organization_id__in=organization_ids,
        ).values_list("pk", "questionnaire_id")
    )
    if not questions:
        return {}
    keys: dict[int, list[str]] = defaultdict(list)
    for pk, questionnaire_id in questions:
        keys[questionnaire_id].append(str(pk))
    start = dt.datetime.combine(academic_year.start_date, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(academic_year.end_date, dt.time.max, tzinfo=dt.UTC)
    responses = (
        Response.objects.filter(
            campaign__questionnaire_id__in=keys,
            campaign__organization_id__in=organization_ids,
            anonymised=False,
            submitted_at__range=(start, end),
        )
        .order_by("submitted_at", "pk")
        .values_list("answers", "campaign__questionnaire_id", "invitation__subject_id", "invitation__person_id")
    )
    choices: dict[int, list[int]] = {}
    for answers, questionnaire_id, subject_id, person_id in responses.iterator():
        who = subject_id or person_id
        if not who:
            continue
        chosen: list[int] = []
        for key in keys[questionnaire_id]:
            for value in (answers or {}).get(key) or []:
                if isinstance(value, int) and value not in chosen:
                    chosen.append(value)
        if chosen:
            choices[who] = chosen  # the latest answer wins
    return choices


def _format(value: str) -> str:
    return value if value in ("in_person", "remote") else "any"


PERSON_FIELDS = (
    "person_id", "person__last_name", "person__first_name", "person__patronymic", "person__birth_date",
    "person__class_name", "person__category", "person__gender",
)  # fmt: skip


def _age(born: dt.date | None, day: dt.date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _name(last: str, first: str, patronymic: str) -> str:
    return " ".join(p for p in (last, first, patronymic) if p)


def build_inputs(
    *, organizations: list[Organization], academic_year: AcademicYear, form: MentoringForm, today: dt.date
) -> Inputs:
    """The engine's mentees and mentors of the pools of these organisations (one form, one year): a
    fixed number of queries whatever the size (rows read as tuples, no model instances)."""
    from nastavnik.people.models import Category

    org_ids = [o.pk for o in organizations]
    municipality_of = {o.pk: o.municipality_id for o in organizations}
    mentee_qs, mentor_qs = matchable_entries(organizations, academic_year, form)
    busy = _busy_mentees(mentee_qs.order_by().values("pk"))
    used = _open_places(mentor_qs.order_by().values("pk"))
    categories: dict[int, list[str]] = defaultdict(list)
    through = MenteeEntry.categories.through.objects.filter(menteeentry_id__in=mentee_qs.order_by().values("pk"))
    for entry_id, name in through.order_by("requestcategory__sort_order", "requestcategory__name").values_list(
        "menteeentry_id", "requestcategory__name"
    ):
        categories[entry_id].append(name)
    mentee_rows = [
        row
        for row in mentee_qs.values_list("pk", "organization_id", "request_text", "preferred_format", *PERSON_FIELDS)
        if row[0] not in busy
    ]
    mentor_rows = list(
        mentor_qs.values_list(
            "pk", "organization_id", "competencies", "topics", "preferred_format", "capacity", "status",
            "person__subject", *PERSON_FIELDS,
        )
    )  # fmt: skip
    choices = preference_choices(org_ids, academic_year)
    mentor_of_person = {row[8]: row[0] for row in mentor_rows}
    mentee_of_person = {row[4]: row[0] for row in mentee_rows}

    mentees = []
    for (
        pk,
        org_id,
        request_text,
        fmt,
        person_id,
        last,
        first,
        patronymic,
        born,
        class_name,
        category,
        gender,
    ) in mentee_rows:
        mentees.append(
            engine.Mentee(
                id=pk,
                label=_name(last, first, patronymic),
                org_id=org_id,
                municipality_id=municipality_of.get(org_id, 0),
                age=_age(born, today),
                grade=grade_of(class_name, category),
                gender=gender or "",
                requests=request_terms(categories.get(pk, ()), request_text),
                format=_format(fmt),
                preferences=tuple(mentor_of_person[p] for p in choices.get(person_id, []) if p in mentor_of_person),
            )
        )
    mentors, full = [], []
    trained = (MentorStatus.TRAINED, MentorStatus.ACTIVE, MentorStatus.LONG_TERM)
    for row in mentor_rows:
        pk, org_id, competencies, topics, fmt, capacity, status, subject = row[:8]
        person_id, last, first, patronymic, born, class_name, category, gender = row[8:]
        free = capacity - used.get(pk, 0)
        if free <= 0:
            full.append(pk)
            continue
        mentors.append(
            engine.Mentor(
                id=pk,
                label=_name(last, first, patronymic),
                org_id=org_id,
                municipality_id=municipality_of.get(org_id, 0),
                age=_age(born, today),
                grade=grade_of(class_name, category) if category != Category.STAFF else None,
                gender=gender or "",
                competencies=competency_terms(competencies, topics),
                format=_format(fmt),
                subject=_phrase(subject) if subject else "",
                capacity=free,
                preferences=tuple(mentee_of_person[p] for p in choices.get(person_id, []) if p in mentee_of_person),
                approved=True,
                trained=status in trained,
            )
        )
    forbidden = []
    pairs = ForbiddenPair.objects.filter(organization_id__in=org_ids, academic_year=academic_year).values_list(
        "mentee_id", "mentor_id"
    )
    for mentee_person, mentor_person in pairs:
        mentor_entry, mentee_entry = mentor_of_person.get(mentor_person), mentee_of_person.get(mentee_person)
        if mentor_entry is not None and mentee_entry is not None:
            forbidden.append((mentee_entry, mentor_entry))
    return Inputs(
        mentees=mentees, mentors=mentors, forbidden=sorted(forbidden), organization_ids=org_ids, full_mentors=full
    )


def eligible_mentors(run: MatchingRun, mentee_id: int) -> list[tuple[engine.Mentor, float, int]]:
    """Mentors of the run's snapshot the curator may assign to a mentee by hand: eligible by the run's
    rules, best score first, with (mentor, score, places taken in the chosen solver's proposals)."""
    from . import services

    mentees, mentors, _forbidden = inputs_from_snapshot(run.snapshot or {})
    mentee = next((m for m in mentees if m.id == mentee_id), None)
    if mentee is None:
        return []
    rules = services.engine_rules(run)
    weights = services.engine_weights(run)
    taken = dict(
        Proposal.objects.filter(run=run, solver=run.solver)
        .values("mentor_entry_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_entry_id", "n")
        .order_by()
    )
    result = []
    for mentor in mentors:
        if engine.eligibility(mentee, mentor, rules) is None:
            score, _parts = engine.score_pair(mentee, mentor, weights)
            result.append((mentor, score, taken.get(mentor.id, 0)))
    result.sort(key=lambda item: (-item[1], item[0].label, item[0].id))
    return result


def run_summary(run: MatchingRun) -> list[dict]:
    """The solvers side by side: label, matched, total score, blocking pairs, seconds, chosen."""
    rows = []
    for code, label in engine.SOLVER_LABELS.items():
        data = (run.results or {}).get(code)
        if data is None:
            continue
        rows.append({"code": code, "label": label, "chosen": code == run.solver, **data})
    return rows


def run_is_stale(run: MatchingRun, *, now=None) -> bool:
    from django.utils import timezone

    if run.status != RunStatus.RUNNING:
        return False
    return (now or timezone.now()) - run.updated_at > dt.timedelta(minutes=15)


def compare_runs(first: MatchingRun, second: MatchingRun) -> dict:
    """Two runs side by side: their figures and the mentees whose mentor differs."""

    def pairs(run):
        return dict(
            Proposal.objects.filter(run=run, solver=run.solver).values_list("mentee_entry_id", "mentor_entry_id")
        )

    a, b = pairs(first), pairs(second)
    mentee_labels = {**labels_of(second)[0], **labels_of(first)[0]}
    mentor_labels = {**labels_of(second)[1], **labels_of(first)[1]}
    changed = []
    for mentee_id in sorted(set(a) | set(b), key=lambda i: (mentee_labels.get(i, ""), i)):
        if a.get(mentee_id) != b.get(mentee_id):
            changed.append(
                {
                    "mentee": mentee_labels.get(mentee_id, f"№ {mentee_id}"),
                    "first": mentor_labels.get(a.get(mentee_id), "") if mentee_id in a else "",
                    "second": mentor_labels.get(b.get(mentee_id), "") if mentee_id in b else "",
                }
            )
    return {"same": len(set(a.items()) & set(b.items())), "changed": changed}
