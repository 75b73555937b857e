"""Reads of the pools and of the training of mentors.

Pages first resolve the organisation and year through `programs.selectors.organization_year_for`
(another organisation is a 404, a participant a 403) and then read here; objects reached by their
own id go through the `*_get_for(actor=…)` functions, scoped by the user. Lists are a fixed number
of SQL queries whatever their length: counts and averages are subqueries, the consent is one
EXISTS per row (consents.selectors.annotate_consent), categories are prefetched.

`matchable_mentors` / `matchable_mentees` are what matching reads: only people with a valid consent,
mentees included in the pool and not yet in a pair, mentors approved and trained (or already active).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from nastavnik.consents.selectors import annotate_consent, valid_consent_q
from nastavnik.core.text import search_key
from nastavnik.orgs.models import AcademicYear, Organization
from nastavnik.people.access import access_for, require
from nastavnik.people.models import Person, Role, RoleKind
from nastavnik.programs.models import MentoringForm

from . import services
from .models import (
    CRITERIA,
    CriterionScore,
    MenteeEntry,
    MenteeStatus,
    MentorEntry,
    MentorStatus,
    RequestCategory,
    ThirdPartyNote,
    Training,
    TrainingAttendance,
    TrainingMaterial,
)

MATCHABLE_MENTEE_STATUSES = (MenteeStatus.INCLUDED,)
MATCHABLE_MENTOR_STATUSES = (MentorStatus.TRAINED, MentorStatus.ACTIVE)


def require_staff(actor) -> None:
    require(access_for(actor).sees_registers, "Этот раздел доступен сотрудникам организации и координаторам.")


@dataclass(frozen=True)
class PoolRights:
    manage: bool  # director, curator: every write of the pools
    score: bool  # + working group: score sheets of mentor candidates
    closed: bool  # the year is closed: nothing is written


def rights_for(user, organization: Organization, academic_year: AcademicYear) -> PoolRights:
    closed = services.year_is_closed(organization, academic_year)
    return PoolRights(
        manage=services.can_manage_pools(user, organization) and not closed,
        score=services.can_score(user, organization) and not closed,
        closed=closed,
    )


def _count(queryset, ref: str = "pk") -> Coalesce:
    """A correlated COUNT(*) as an annotation (no join, so several can sit side by side)."""
    counted = queryset.order_by().values(ref).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# --- catalogue of requests ---------------------------------------------------------------------------
def categories_for_region(region_id: int | None, *, active_only: bool = True) -> QuerySet[RequestCategory]:
    qs = RequestCategory.objects.filter(Q(region__isnull=True) | Q(region_id=region_id))
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("sort_order", "name")


def category_list_for(*, actor) -> QuerySet[RequestCategory]:
    """The defaults and the categories of the regions the user belongs to."""
    require_staff(actor)
    access = access_for(actor)
    qs = RequestCategory.objects.select_related("region")
    if not access.is_admin:
        region_ids = set(access.region_ids) | set(access.municipality_region.values()) | set(access.org_region.values())
        qs = qs.filter(Q(region__isnull=True) | Q(region_id__in=region_ids))
    return qs.order_by("region__name", "sort_order", "name")


def category_get_for(*, actor, pk: int) -> RequestCategory:
    return get_object_or_404(category_list_for(actor=actor), pk=pk)


def editable_regions_for(*, actor):
    from nastavnik.orgs.models import Region

    access = access_for(actor)
    if access.is_admin:
        return Region.objects.order_by("name")
    return Region.objects.filter(pk__in=access.region_ids).order_by("name")


# --- mentee pool ------------------------------------------------------------------------------------------
def mentee_pool_for(
    *,
    organization: Organization,
    academic_year: AcademicYear,
    form_id: int | None = None,
    status: str = "",
    category_id: int | None = None,
    class_name: str = "",
    query: str = "",
) -> QuerySet[MenteeEntry]:
    qs = MenteeEntry.objects.filter(organization=organization, academic_year=academic_year)
    if form_id:
        qs = qs.filter(form_id=form_id)
    if status:
        qs = qs.filter(status=status)
    if category_id:
        qs = qs.filter(pk__in=MenteeEntry.categories.through.objects.filter(requestcategory_id=category_id).values(
            "menteeentry_id"
        ))  # fmt: skip
    if class_name:
        qs = qs.filter(person__class_name=class_name)
    for token in search_key(query).split():
        qs = qs.filter(person__search_key__contains=token)
    qs = annotate_consent(qs, person_ref="person_id").annotate(
        note_count=_count(ThirdPartyNote.objects.filter(entry=OuterRef("pk")), "entry")
    )
    return (
        qs.select_related("person", "form")
        .prefetch_related(Prefetch("categories", queryset=RequestCategory.objects.order_by("sort_order", "name")))
        .order_by("person__last_name", "person__first_name", "person__patronymic", "form__sort_order", "id")
    )


def mentee_class_names(*, organization: Organization, academic_year: AcademicYear) -> list[str]:
    names = (
        MenteeEntry.objects.filter(organization=organization, academic_year=academic_year)
        .exclude(person__class_name="")
        .values_list("person__class_name", flat=True)
        .distinct()
    )
    return sorted(set(names), key=lambda n: (not n[:1].isdigit(), int("".join(c for c in n if c.isdigit()) or 0), n))


def _entry_scope(actor, model):
    require_staff(actor)
    return model.objects.filter(access_for(actor).scoped_q())


def mentee_entry_get_for(*, actor, pk: int) -> MenteeEntry:
    qs = (
        annotate_consent(_entry_scope(actor, MenteeEntry), person_ref="person_id")
        .select_related("person", "form", "organization__municipality", "academic_year")
        .prefetch_related(
            "categories", Prefetch("notes", queryset=ThirdPartyNote.objects.select_related("author_person"))
        )
    )
    return get_object_or_404(qs, pk=pk)


def note_get_for(*, actor, pk: int) -> ThirdPartyNote:
    entries = _entry_scope(actor, MenteeEntry).values("pk")
    qs = ThirdPartyNote.objects.filter(entry__in=entries).select_related(
        "entry__organization__municipality", "entry__academic_year", "entry__person"
    )
    return get_object_or_404(qs, pk=pk)


# --- mentor pool ------------------------------------------------------------------------------------------
def _score_annotations() -> dict:
    scores = CriterionScore.objects.filter(entry=OuterRef("pk")).order_by()
    return {
        "score_avg": Subquery(scores.values("entry").annotate(a=Avg("score")).values("a")),
        "scorer_count": Coalesce(
            Subquery(
                scores.values("entry").annotate(n=Count("scored_by", distinct=True)).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        "training_count": _count(TrainingAttendance.objects.filter(mentor=OuterRef("pk"), attended=True), "mentor"),
    }


def mentor_pool_for(
    *,
    organization: Organization,
    academic_year: AcademicYear,
    form_id: int | None = None,
    status: str = "",
    query: str = "",
) -> QuerySet[MentorEntry]:
    qs = MentorEntry.objects.filter(organization=organization, academic_year=academic_year)
    if form_id:
        qs = qs.filter(form_id=form_id)
    if status:
        qs = qs.filter(status=status)
    for token in search_key(query).split():
        qs = qs.filter(person__search_key__contains=token)
    return (
        annotate_consent(qs, person_ref="person_id")
        .annotate(**_score_annotations())
        .select_related("person", "form")
        .order_by("person__last_name", "person__first_name", "person__patronymic", "form__sort_order", "id")
    )


def mentor_entry_get_for(*, actor, pk: int) -> MentorEntry:
    qs = (
        annotate_consent(_entry_scope(actor, MentorEntry), person_ref="person_id")
        .annotate(**_score_annotations())
        .select_related("person", "form", "organization__municipality", "academic_year", "decided_by__person")
    )
    return get_object_or_404(qs, pk=pk)


@dataclass
class ScoreSheetView:
    """The score sheets of a candidate as a table: criteria × evaluators, with averages."""

    scorers: list[str]
    rows: list[tuple[str, str, list[int | None], float | None, list[str]]]  # code, name, scores, average, comments
    complete_sheets: int
    total_avg: float | None
    mine: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def is_complete(self) -> bool:
        return self.complete_sheets > 0


def score_sheets(entry: MentorEntry, *, actor=None) -> ScoreSheetView:
    scores = list(CriterionScore.objects.filter(entry=entry).order_by("scorer_name", "scored_by_id", "id"))
    scorer_keys: list[tuple] = []
    for s in scores:
        key = (s.scored_by_id, s.scorer_name)
        if key not in scorer_keys:
            scorer_keys.append(key)
    by_key = {(s.scored_by_id, s.scorer_name, s.criterion): s for s in scores}
    rows = []
    for code, name in CRITERIA:
        values = [by_key.get((*k, code)) for k in scorer_keys]
        numbers = [v.score for v in values if v is not None]
        comments = [f"{v.scorer_name}: {v.comment}" for v in values if v is not None and v.comment]
        average = round(sum(numbers) / len(numbers), 2) if numbers else None
        rows.append((code, name, [v.score if v else None for v in values], average, comments))
    complete = sum(1 for k in scorer_keys if all((*k, code) in by_key for code, _n in CRITERIA))
    all_numbers = [s.score for s in scores]
    mine = {}
    if actor is not None:
        mine = {s.criterion: (s.score, s.comment) for s in scores if s.scored_by_id == actor.pk}
    return ScoreSheetView(
        scorers=[name for _pk, name in scorer_keys],
        rows=rows,
        complete_sheets=complete,
        total_avg=round(sum(all_numbers) / len(all_numbers), 2) if all_numbers else None,
        mine=mine,
    )


def mentor_trainings(entry: MentorEntry) -> QuerySet[TrainingAttendance]:
    return entry.attendance.filter(attended=True).select_related("training").order_by("training__date")


# --- who may be added -------------------------------------------------------------------------------------
def pool_candidates(*, organization: Organization, academic_year: AcademicYear, as_mentor: bool) -> QuerySet[Person]:
    """People of the organisation whose category fits one of the forms it runs this year, those
    holding the role (mentor / mentee) first."""
    from nastavnik.programs.selectors import enabled_forms

    forms = enabled_forms(organization=organization, academic_year=academic_year)
    categories = set()
    for form in forms:
        categories |= set(form.mentor_categories if as_mentor else form.mentee_categories)
    kind = RoleKind.MENTOR if as_mentor else RoleKind.MENTEE
    qs = Person.objects.filter(organization=organization)
    if categories:
        qs = qs.filter(category__in=categories)
    has_role = Exists(Role.objects.filter(person=OuterRef("pk"), kind=kind, organization=organization))
    return qs.annotate(has_role=has_role).order_by("-has_role", "last_name", "first_name", "patronymic", "pk")


def forms_of_year(*, organization: Organization, academic_year: AcademicYear) -> QuerySet[MentoringForm]:
    from nastavnik.programs.selectors import enabled_forms

    return enabled_forms(organization=organization, academic_year=academic_year).order_by("sort_order", "name")


def staff_authors(*, organization: Organization) -> QuerySet[Person]:
    """Who may be the author of third-party information: staff and parents of the organisation."""
    return Person.objects.filter(organization=organization, category__in=["staff", "parent"]).order_by(
        "last_name", "first_name", "patronymic"
    )


# --- matching reads these ------------------------------------------------------------------------------------
def matchable_mentees(
    organization: Organization, academic_year: AcademicYear, form: MentoringForm
) -> QuerySet[MenteeEntry]:
    """Mentees ready to be matched in a form: included in the pool, not yet in a pair, valid consent."""
    return (
        MenteeEntry.objects.filter(
            organization=organization, academic_year=academic_year, form=form, status__in=MATCHABLE_MENTEE_STATUSES
        )
        .filter(valid_consent_q("person__"))
        .select_related("person", "form")
        .prefetch_related("categories")
        .order_by("person__last_name", "person__first_name", "id")
    )


def matchable_mentors(
    organization: Organization, academic_year: AcademicYear, form: MentoringForm
) -> QuerySet[MentorEntry]:
    """Mentors ready to be matched in a form: approved and trained (or already active), valid consent."""
    return (
        MentorEntry.objects.filter(
            organization=organization, academic_year=academic_year, form=form, status__in=MATCHABLE_MENTOR_STATUSES
        )
        .filter(valid_consent_q("person__"))
        .select_related("person", "form")
        .order_by("person__last_name", "person__first_name", "id")
    )


# --- summary --------------------------------------------------------------------------------------------------
@dataclass
class FormReadiness:
    form: MentoringForm
    mentees: int
    mentees_ready: int
    mentors: int
    mentors_ready: int
    capacity_ready: int


@dataclass
class PoolSummary:
    mentee_counts: list[tuple[str, str, int]]  # status, label, count
    mentor_counts: list[tuple[str, str, int]]
    mentees_total: int
    mentors_total: int
    mentees_ready: int
    mentors_ready: int
    capacity_ready: int
    mentees_without_consent: int
    mentors_without_consent: int
    forms: list[FormReadiness]


def pool_summary(*, organization: Organization, academic_year: AcademicYear) -> PoolSummary:
    """Counts by status and «ready for matching» per form: two grouped queries and the forms."""
    consent = valid_consent_q("person__")
    scope = {"organization": organization, "academic_year": academic_year}
    mentee_rows = list(
        MenteeEntry.objects.filter(**scope)
        .values("form_id", "status")
        .annotate(
            n=Count("pk"),
            ready=Count("pk", filter=consent & Q(status__in=MATCHABLE_MENTEE_STATUSES)),
            no_consent=Count("pk", filter=~consent),
        )
        .order_by()
    )
    mentor_rows = list(
        MentorEntry.objects.filter(**scope)
        .values("form_id", "status")
        .annotate(
            n=Count("pk"),
            ready=Count("pk", filter=consent & Q(status__in=MATCHABLE_MENTOR_STATUSES)),
            capacity=Sum("capacity", filter=consent & Q(status__in=MATCHABLE_MENTOR_STATUSES)),
            no_consent=Count("pk", filter=~consent),
        )
        .order_by()
    )
    form_ids = {r["form_id"] for r in mentee_rows} | {r["form_id"] for r in mentor_rows}
    forms = list(
        MentoringForm.objects.filter(
            Q(pk__in=form_ids) | Q(pk__in=forms_of_year(organization=organization, academic_year=academic_year))
        ).order_by("sort_order", "name")
    )

    def total(rows, key, form_id=None):
        return sum((r[key] or 0) for r in rows if form_id is None or r["form_id"] == form_id)

    def by_status(rows, statuses):
        counts = dict.fromkeys(statuses.values, 0)
        for r in rows:
            counts[r["status"]] += r["n"]
        return [(value, statuses(value).label, counts[value]) for value in statuses.values]

    return PoolSummary(
        mentee_counts=by_status(mentee_rows, MenteeStatus),
        mentor_counts=by_status(mentor_rows, MentorStatus),
        mentees_total=total(mentee_rows, "n"),
        mentors_total=total(mentor_rows, "n"),
        mentees_ready=total(mentee_rows, "ready"),
        mentors_ready=total(mentor_rows, "ready"),
        capacity_ready=total(mentor_rows, "capacity"),
        mentees_without_consent=total(mentee_rows, "no_consent"),
        mentors_without_consent=total(mentor_rows, "no_consent"),
        forms=[
            FormReadiness(
                form=f,
                mentees=total(mentee_rows, "n", f.pk),
                mentees_ready=total(mentee_rows, "ready", f.pk),
                mentors=total(mentor_rows, "n", f.pk),
                mentors_ready=total(mentor_rows, "ready", f.pk),
                capacity_ready=total(mentor_rows, "capacity", f.pk),
            )
            for f in forms
        ],
    )


# --- trainings --------------------------------------------------------------------------------------------------
def training_list(*, organization: Organization, academic_year: AcademicYear) -> QuerySet[Training]:
    return (
        Training.objects.filter(organization=organization, academic_year=academic_year)
        .annotate(
            material_count=_count(TrainingMaterial.objects.filter(training=OuterRef("pk")), "training"),
            attended_count=_count(
                TrainingAttendance.objects.filter(training=OuterRef("pk"), attended=True), "training"
            ),
        )
        .order_by("-date", "-id")
    )


def training_get_for(*, actor, pk: int) -> Training:
    qs = _entry_scope(actor, Training).select_related("organization__municipality", "academic_year")
    return get_object_or_404(qs.prefetch_related("materials"), pk=pk)


def material_get_for(*, actor, pk: int) -> TrainingMaterial:
    trainings = _entry_scope(actor, Training).values("pk")
    qs = TrainingMaterial.objects.filter(training__in=trainings).select_related(
        "training__organization__municipality", "training__academic_year"
    )
    return get_object_or_404(qs, pk=pk)


def attendance_checklist(training: Training) -> QuerySet[MentorEntry]:
    """The mentors of the organisation's year who may attend, with a tick where they attended."""
    here = TrainingAttendance.objects.filter(training=training, mentor=OuterRef("pk"), attended=True)
    qs = MentorEntry.objects.filter(
        organization_id=training.organization_id,
        academic_year_id=training.academic_year_id,
        status__in=services.ATTENDANCE_STATUSES,
    )
    return (
        annotate_consent(qs, person_ref="person_id")
        .annotate(attended_here=Exists(here))
        .select_related("person", "form")
        .order_by("person__last_name", "person__first_name", "form__sort_order", "id")
    )


# --- questionnaire campaigns to the people of a pool («всем наставникам формы») ------------------------------
GONE_MENTEE = (MenteeStatus.LEFT,)
GONE_MENTOR = (MentorStatus.LEFT, MentorStatus.DECLINED)


def pool_audiences(*, organization: Organization, academic_year: AcademicYear) -> list[tuple[str, str]]:
    """(value, label) for each form's mentors and mentees in the pools of the year, with how many:
    «Наставники формы «Ученик – ученик» (12 чел.)». The value is «mentor:<form id>» / «mentee:<form id>»."""
    choices = []
    for pool, model, gone, title in (
        ("mentor", MentorEntry, GONE_MENTOR, "Наставники"),
        ("mentee", MenteeEntry, GONE_MENTEE, "Наставляемые"),
    ):
        rows = (
            model.objects.filter(organization=organization, academic_year=academic_year)
            .exclude(status__in=gone)
            .values("form_id", "form__name", "form__sort_order")
            .annotate(n=Count("person", distinct=True))
            .order_by("form__sort_order", "form__name")
        )
        choices += [(f"{pool}:{r['form_id']}", f"{title} формы «{r['form__name']}» ({r['n']} чел.)") for r in rows]
    return choices


def pool_audience_people(
    *, organization: Organization, academic_year: AcademicYear, value: str
) -> tuple[list[Person], str] | None:
    """The people of one pool and form (not those who left), and the label of the audience; None when
    the value names no pool of this organisation's year."""
    pool, _sep, form_id = (value or "").partition(":")
    models = {"mentor": (MentorEntry, GONE_MENTOR, "Наставники"), "mentee": (MenteeEntry, GONE_MENTEE, "Наставляемые")}
    if pool not in models or not form_id.isdigit():
        return None
    model, gone, title = models[pool]
    form = MentoringForm.objects.filter(pk=int(form_id)).first()
    if form is None:
        return None
    ids = (
        model.objects.filter(organization=organization, academic_year=academic_year, form=form)
        .exclude(status__in=gone)
        .values("person_id")
    )
    people = list(Person.objects.filter(pk__in=ids).order_by("pk"))
    return people, f"{title} формы «{form.name}»"
