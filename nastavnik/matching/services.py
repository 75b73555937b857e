"""Writes of matching (seed 000, roadmap 5.1–5.3).

Rules owned here:
- an organisation's run is started, edited and approved by its director and curator; a municipal or
  regional run (forms that cross organisations: «студент – ученик», «работодатель – ученик/студент»)
  by a coordinator of the area, and each organisation's curator (or director) confirms its part;
  the working group and the participants only read;
- a run stores its input (the engine's mentees and mentors as JSON), weights, rules and every
  solver's result, so it can be reproduced and compared; bad input never raises: the run is saved
  with what went wrong, in Russian (status «ошибка» when there is nothing to match);
- the curator edits only the chosen solver's proposals of a ready run: lock, remove, swap two
  mentees, assign by hand (an eligible mentor with a free place); edits are locks, and a re-run is a
  new run that keeps the locks (and never proposes a removed pair again);
- approval creates the mentorships through nastavnik.mentorships.services.mentorship_create (a mentor
  with several mentees is one group), once: approving twice creates nothing new; all or nothing;
- runs of more than SYNC_LIMIT mentees execute in a background thread (as the import of participant
  lists does, people/import_services.py); the page polls the progress.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from nastavnik.core.text import date_ru
from nastavnik.orgs.models import AcademicYear, Municipality, Organization, Region
from nastavnik.people.access import access_for, require
from nastavnik.pools.models import MenteeEntry, MentorEntry
from nastavnik.programs.models import MentoringForm

from . import engine, selectors
from .models import ForbiddenPair, MatchingRun, Proposal, RunPart, RunStatus, Solver, Unmatched

logger = logging.getLogger(__name__)

NO_RIGHTS = "Подбор пар ведут руководитель и куратор организации."
NO_AREA_RIGHTS = "Подбор пар по нескольким организациям ведёт координатор муниципалитета или региона."
NO_CONFIRM_RIGHTS = "Часть подбора подтверждают руководитель и куратор своей организации."
CLOSED_YEAR = "{year} закрыт: его данные доступны только для просмотра и отчётов."
NOT_EDITABLE = "Менять пары можно только в готовом, ещё не утверждённом подборе."
SYNC_LIMIT = 2000
BATCH_SIZE = 5000
SOLVERS = tuple(Solver.values)
WEIGHT_MAX = 10
WEIGHT_LABELS = {
    "request": "Запрос наставляемого и компетенции наставника",
    "preference": "Выбор в анкете предпочтений (с обеих сторон)",
    "mutual_first": "Взаимный первый выбор",
    "interests": "Общие интересы",
    "format": "Подходящий формат (очно / дистанционно)",
    "schedule": "Совпадение свободного времени",
    "subject": "Общий предмет или специальность",
    "gender": "Пожелание по полу наставника",
    "age": "Близость по возрасту",
}
RULE_LABELS = {
    "min_age_gap": "Наставник старше не меньше чем на (лет)",
    "min_grade_gap": "Наставник старше не меньше чем на (классов)",
    "same_org": "Только из одной организации",
    "same_municipality": "Только из одного муниципалитета",
    "require_trained": "Только прошедшие обучение наставники",
}
RULE_INTS = ("min_age_gap", "min_grade_gap")
RULE_FLAGS = ("same_org", "same_municipality", "require_trained")
CRASHED = "Подбор прервался из-за внутренней ошибки. Запуск сохранён; повторите его или сообщите администратору."
STALE = "Подбор не отвечал больше 15 минут (сервер был перезапущен): запустите его снова."


# --- rights ----------------------------------------------------------------------------------------
def _org_scope(organization: Organization) -> dict:
    return {
        "org_id": organization.pk,
        "municipality_id": organization.municipality_id,
        "region_id": organization.municipality.region_id,
    }


def can_run_org(user, organization: Organization) -> bool:
    return access_for(user).can_manage(**_org_scope(organization))


def can_run_area(user, *, region: Region, municipality: Municipality | None) -> bool:
    access = access_for(user)
    return (
        access.is_admin
        or region.pk in access.region_ids
        or (municipality is not None and municipality.pk in access.municipality_ids)
    )


def can_manage_run(user, run: MatchingRun) -> bool:
    """Edit, re-run, approve: the organisation's director and curator, or the area's coordinator."""
    if run.organization_id:
        return can_run_org(user, run.organization)
    return can_run_area(user, region=run.region, municipality=run.municipality)


def can_confirm_part(user, part: RunPart) -> bool:
    return can_run_org(user, part.organization)


def _year_closed(organization: Organization, academic_year: AcademicYear) -> bool:
    from nastavnik.programs.services import year_is_closed

    return year_is_closed(organization=organization, academic_year=academic_year)


def _require_open(organization: Organization | None, academic_year: AcademicYear) -> None:
    if organization is not None and _year_closed(organization, academic_year):
        raise ValidationError(CLOSED_YEAR.format(year=str(academic_year).capitalize()))


def require_manage_run(actor, run: MatchingRun) -> None:
    require(can_manage_run(actor, run), NO_RIGHTS if run.organization_id else NO_AREA_RIGHTS)
    _require_open(run.organization, run.academic_year)


# --- weights and rules ----------------------------------------------------------------------------------
def default_weights() -> dict:
    return dataclasses.asdict(engine.Weights())


def clean_weights(data: dict | None) -> dict:
    """Weights from a form or a caller: numbers from 0 to 10 (0 switches a part off)."""
    weights = default_weights()
    errors = {}
    for key, value in (data or {}).items():
        if key not in weights:
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[f"w_{key}"] = f"«{WEIGHT_LABELS[key]}»: укажите число от 0 до {WEIGHT_MAX}."
            continue
        if not 0 <= number <= WEIGHT_MAX or number != number:
            errors[f"w_{key}"] = f"«{WEIGHT_LABELS[key]}»: вес должен быть от 0 до {WEIGHT_MAX}."
            continue
        weights[key] = round(number, 2)
    if errors:
        raise ValidationError(errors)
    return weights


def clean_rules(data: dict | None, form: MentoringForm) -> dict:
    rules = selectors.default_rules(form)
    errors = {}
    for key in RULE_INTS:
        if key in (data or {}):
            try:
                number = int(data[key])
            except (TypeError, ValueError):
                errors[f"r_{key}"] = f"«{RULE_LABELS[key]}»: укажите целое число."
                continue
            if not 0 <= number <= 30:
                errors[f"r_{key}"] = f"«{RULE_LABELS[key]}»: от 0 до 30."
                continue
            rules[key] = number
    for key in RULE_FLAGS:
        if key in (data or {}):
            rules[key] = bool(data[key])
    if errors:
        raise ValidationError(errors)
    rules["excluded"] = [list(p) for p in (data or {}).get("excluded", []) if len(p) == 2]
    return rules


def engine_weights(run: MatchingRun) -> engine.Weights:
    known = {f.name for f in dataclasses.fields(engine.Weights)}
    return engine.Weights(**{k: float(v) for k, v in (run.weights or {}).items() if k in known})


def engine_rules(run: MatchingRun, *, locked=()) -> engine.Rules:
    rules = run.rules or {}
    snapshot = run.snapshot or {}
    forbidden = {tuple(p) for p in snapshot.get("forbidden", [])} | {tuple(p) for p in rules.get("excluded", [])}
    return engine.Rules(
        min_age_gap=int(rules.get("min_age_gap", 0)),
        min_grade_gap=int(rules.get("min_grade_gap", 0)),
        same_org=bool(rules.get("same_org", False)),
        same_municipality=bool(rules.get("same_municipality", False)),
        require_trained=bool(rules.get("require_trained", True)),
        forbidden=frozenset(forbidden),
        locked=tuple(tuple(p) for p in (locked or snapshot.get("locked", []))),
    )


# --- creating and executing a run ---------------------------------------------------------------------------
def _next_number(*, organization, region, municipality, academic_year) -> int:
    qs = MatchingRun.objects.filter(academic_year=academic_year, organization=organization)
    if organization is None:
        qs = qs.filter(region=region, municipality=municipality)
    return (qs.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def _run_create(
    *, actor, organization, region, municipality, organizations, academic_year, form, weights, rules, solver,
    previous, locked,
) -> MatchingRun:  # fmt: skip
    if solver not in SOLVERS:
        raise ValidationError({"solver": "Выберите решение: оптимальное, устойчивое или жадное."})
    run = MatchingRun.objects.create(
        region=region,
        municipality=municipality,
        organization=organization,
        academic_year=academic_year,
        form=form,
        number=_next_number(
            organization=organization, region=region, municipality=municipality, academic_year=academic_year
        ),
        solver=solver,
        weights=clean_weights(weights),
        rules=clean_rules(rules, form),
        snapshot={"locked": [list(p) for p in locked]},
        status=RunStatus.RUNNING,
        previous=previous,
        created_by=actor,
        started_at=timezone.now(),
    )
    if organization is None:
        RunPart.objects.bulk_create([RunPart(run=run, organization=o) for o in organizations])
    return run


def run_create(
    *,
    actor,
    academic_year: AcademicYear,
    form: MentoringForm,
    organization: Organization | None = None,
    organizations: list[Organization] | None = None,
    region: Region | None = None,
    municipality: Municipality | None = None,
    weights: dict | None = None,
    rules: dict | None = None,
    solver: str = Solver.OPTIMAL,
    previous: MatchingRun | None = None,
    locked=(),
    today: dt.date | None = None,
) -> MatchingRun:
    """Start a run: of one organisation (`organization`), or of the area of a coordinator over several
    organisations (`organizations`, with `municipality` or `region`). Small runs finish before this
    returns; larger ones continue in a background thread (status «выполняется»)."""
    from nastavnik.programs.selectors import enabled_forms

    if organization is not None:
        require(can_run_org(actor, organization), NO_RIGHTS)
        _require_open(organization, academic_year)
        if not enabled_forms(organization=organization, academic_year=academic_year).filter(pk=form.pk).exists():
            raise ValidationError({"form": f"Форма «{form.name}» не выбрана в программе организации на этот год."})
        organizations = [organization]
        region, municipality = organization.municipality.region, organization.municipality
    else:
        if municipality is not None:
            region = municipality.region
        if region is None:
            raise ValidationError("Укажите муниципалитет или регион подбора.")
        require(can_run_area(actor, region=region, municipality=municipality), NO_AREA_RIGHTS)
        organizations = list(organizations or [])
        if len(organizations) < 2:
            raise ValidationError({"organizations": "Для общего подбора выберите хотя бы две организации."})
        for org in organizations:
            in_area = (
                org.municipality_id == municipality.pk if municipality else org.municipality.region_id == region.pk
            )
            if not in_area:
                raise ValidationError({"organizations": f"{org.short_name} — не из этого муниципалитета (региона)."})
        if form.code not in selectors.CROSS_ORG_FORMS:
            raise ValidationError(
                {"form": f"Общий подбор по нескольким организациям — для форм, где наставник из другой организации "
                 f"(«Студент – ученик», «Работодатель – ученик», «Работодатель – студент»), а не «{form.name}»."}
            )  # fmt: skip
    run = _run_create(
        actor=actor, organization=organization, region=region, municipality=municipality,
        organizations=organizations, academic_year=academic_year, form=form, weights=weights, rules=rules,
        solver=solver, previous=previous, locked=locked,
    )  # fmt: skip
    mentees, _mentors = selectors.matchable_counts(organizations, academic_year, form)
    if mentees < SYNC_LIMIT:
        run_execute(run.pk, today=today)
    elif transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: start_worker(run.pk))
    else:
        start_worker(run.pk)
    run.refresh_from_db()
    return run


def start_worker(run_id: int) -> threading.Thread:
    """Execute a run in a daemon thread. Tests replace this with a direct call."""
    thread = threading.Thread(target=run_job, args=(run_id,), name=f"matching-run-{run_id}", daemon=True)
    thread.start()
    return thread


def run_job(run_id: int, *, close_connections: bool = True) -> None:
    try:
        run_execute(run_id)
    except Exception:
        logger.exception("matching run %s crashed", run_id)
    finally:
        if close_connections:
            connections.close_all()


def _progress(run: MatchingRun, percent: int) -> None:
    run.progress = percent
    MatchingRun.objects.filter(pk=run.pk).update(progress=percent, updated_at=timezone.now())


def _alternatives_json(alternatives) -> list[dict]:
    return [
        {"mentor_id": a.mentor_id, "score": a.score, "full": a.full, "parts": _parts_json(a.parts)}
        for a in alternatives
    ]


def _parts_json(parts) -> list[dict]:
    return [{"code": p.code, "points": p.points, "text": p.text} for p in parts]


def run_execute(run_id: int, *, today: dt.date | None = None) -> MatchingRun:
    """Load the pools, run every solver, save the proposals. Never raises for bad data: the run ends
    «готов» (with the engine's errors and warnings) or «ошибка» with a Russian message."""
    run = MatchingRun.objects.select_related("organization__municipality", "form", "academic_year").get(pk=run_id)
    today = today or timezone.localdate()
    try:
        _progress(run, 5)
        if run.organization_id:
            organizations = [run.organization]
        else:
            organizations = [p.organization for p in run.parts.select_related("organization__municipality")]
        inputs = selectors.build_inputs(
            organizations=organizations, academic_year=run.academic_year, form=run.form, today=today
        )
        locked = [tuple(p) for p in (run.snapshot or {}).get("locked", [])]
        run.snapshot = {**inputs.to_json(), "locked": [list(p) for p in locked], "date": today.isoformat()}
        run.mentee_count, run.mentor_count = len(inputs.mentees), len(inputs.mentors)
        run.save(update_fields=["snapshot", "mentee_count", "mentor_count", "updated_at"])
        _progress(run, 25)
        problems = _nothing_to_match(run, inputs)
        if problems:
            _finish(run, status=RunStatus.FAILED, errors=problems)
            return run
        weights, rules = engine_weights(run), engine_rules(run, locked=locked)
        # every solver over one prepared problem: the candidate edges and explanations are built once
        results = engine.compare(inputs.mentees, inputs.mentors, weights=weights, rules=rules, solvers=SOLVERS)
        _progress(run, 85)
        with transaction.atomic():
            _save_results(run, results)
    except Exception:
        logger.exception("matching run %s failed", run_id)
        _finish(run, status=RunStatus.FAILED, errors=[CRASHED])
    run.refresh_from_db()
    return run


def _nothing_to_match(run: MatchingRun, inputs: selectors.Inputs) -> list[str]:
    problems = []
    form = f"«{run.form.name}»"
    if not inputs.mentees:
        problems.append(
            f"В базе наставляемых формы {form} нет никого, кого можно подобрать: нужны наставляемые со статусом "
            "«включён в базу», с действующим согласием и ещё без пары."
        )
    if not inputs.mentors:
        if inputs.full_mentors:
            problems.append(f"У всех наставников формы {form} места уже заняты ({len(inputs.full_mentors)}).")
        else:
            problems.append(
                f"В базе наставников формы {form} нет готовых наставников: нужны прошедшие обучение наставники "
                "с действующим согласием."
            )
    return problems


def _finish(run: MatchingRun, *, status: str, errors=(), warnings=(), results=None) -> None:
    run.status = status
    run.errors = list(errors)
    run.warnings = list(warnings)
    if results is not None:
        run.results = results
    run.progress = 100
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "errors", "warnings", "results", "progress", "finished_at", "updated_at"])


def _summary(result) -> dict:
    return {
        "matched": result.matched_count,
        "total": round(result.total_score, 2),
        "blocking": result.blocking_pairs,
        "seconds": round(result.seconds, 3),
        "unmatched": len(result.unmatched),
    }


def _save_results(run: MatchingRun, results: dict) -> None:
    """Every solver's figures; the proposals and unmatched mentees of the chosen solver (another solver's
    are materialised from the snapshot when the curator chooses it: the engine is deterministic)."""
    errors, warnings = [], []
    for result in results.values():
        errors += [e for e in result.errors if e not in errors]
        warnings += [w for w in result.warnings if w not in warnings]
    _store_proposals(run, results[run.solver])
    _finish(
        run,
        status=RunStatus.READY,
        errors=errors,
        warnings=warnings,
        results={solver: _summary(result) for solver, result in results.items()},
    )


def _store_proposals(run: MatchingRun, result) -> None:
    Proposal.objects.filter(run=run).delete()
    Unmatched.objects.filter(run=run).delete()
    alternatives = result.alternatives
    _insert(
        Proposal,
        (
            {
                "run_id": run.pk,
                "solver": result.solver,
                "mentee_entry_id": pair.mentee_id,
                "mentor_entry_id": pair.mentor_id,
                "score": pair.score,
                "parts": _parts_json(pair.parts),
                "alternatives": _alternatives_json(alternatives.get(pair.mentee_id, ())),
                "locked": pair.locked,
            }
            for pair in result.pairs
        ),
    )
    _insert(
        Unmatched,
        (
            {
                "run_id": run.pk,
                "solver": result.solver,
                "mentee_entry_id": item.mentee_id,
                "code": item.code[:40],
                "text": item.text[:500],
                "alternatives": _alternatives_json(alternatives.get(item.mentee_id, ())),
            }
            for item in result.unmatched
        ),
    )


def _insert(model, rows) -> None:
    """Insert rows (attname → value). On PostgreSQL through COPY: a region's 100,000 proposals with their
    explanations in JSON are several times faster than bulk_create, which builds each column in Python;
    elsewhere through bulk_create. Rows bypass django-auditlog either way (as bulk_create does): the
    run itself is in the audit log, its proposals are its result."""
    now = timezone.now()
    if connection.vendor != "postgresql":
        model.objects.bulk_create((model(**row, created_at=now, updated_at=now) for row in rows), batch_size=BATCH_SIZE)
        return
    import json

    from django.core.serializers.json import DjangoJSONEncoder
    from django.db.models import JSONField
    from psycopg import sql

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    defaults["created_at"] = defaults["updated_at"] = now
    json_names = {f.attname for f in fields if isinstance(f, JSONField)}
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            values = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                if f.attname in json_names and value is not None:
                    value = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
                values.append(value)
            copy.write_row(values)


def run_mark_stale(run: MatchingRun) -> MatchingRun:
    """A run left «выполняется» by a restarted server ends as an error (called by the page)."""
    if selectors.run_is_stale(run):
        _finish(run, status=RunStatus.FAILED, errors=[STALE])
    return run


# --- the curator's edits ------------------------------------------------------------------------------------
def _require_editable(actor, run: MatchingRun) -> MatchingRun:
    """The run as it is now (locked for the edit: two edits of one run never interleave)."""
    require_manage_run(actor, run)
    run = (
        MatchingRun.objects.select_for_update(of=("self",))
        .select_related("organization__municipality", "form", "academic_year", "region", "municipality")
        .get(pk=run.pk)
    )
    if run.status != RunStatus.READY:
        raise ValidationError(NOT_EDITABLE)
    return run


def _snapshot_maps(run: MatchingRun):
    mentees, mentors, _forbidden = selectors.inputs_from_snapshot(run.snapshot or {})
    return {m.id: m for m in mentees}, {m.id: m for m in mentors}


def _check_pair(run: MatchingRun, mentee_id: int, mentor_id: int, mentees, mentors) -> tuple[float, list[dict]]:
    """Hard rules of the run for a pair the curator makes by hand; the score and its parts."""
    mentee, mentor = mentees.get(mentee_id), mentors.get(mentor_id)
    if mentee is None or mentor is None:
        raise ValidationError("Этого участника нет во входных данных подбора: перезапустите подбор.")
    reason = engine.eligibility(mentee, mentor, engine_rules(run))
    if reason is not None:
        text = getattr(engine, "REASON_TEXTS", {}).get(reason, reason)
        raise ValidationError(f"{mentor.label} и {mentee.label} не могут быть парой: {text}.")
    score, parts = engine.score_pair(mentee, mentor, engine_weights(run))
    return score, _parts_json(parts)


@transaction.atomic
def run_choose_solver(*, actor, run: MatchingRun, solver: str) -> MatchingRun:
    """Show another solver's result instead: it is computed again from the run's snapshot (the same
    input gives the same output), keeping the pairs locked so far."""
    run = _require_editable(actor, run)
    if solver not in (run.results or {}):
        raise ValidationError("Такого решения в этом подборе нет.")
    if solver == run.solver:
        return run
    mentees, mentors, _forbidden = selectors.inputs_from_snapshot(run.snapshot or {})
    locked = _locked_pairs(run)
    rules = engine_rules(run, locked=locked) if locked else engine_rules(run)
    result = engine.solve(mentees, mentors, weights=engine_weights(run), rules=rules, solver=solver)
    run.solver = solver
    run.save(update_fields=["solver", "updated_at"])
    _store_proposals(run, result)
    return run


@transaction.atomic
def proposal_lock(*, actor, proposal: Proposal, locked: bool) -> Proposal:
    run = _require_editable(actor, proposal.run)
    _require_chosen(proposal, run)
    proposal.locked = locked
    proposal.save(update_fields=["locked", "updated_at"])
    return proposal


def _require_chosen(proposal: Proposal, run: MatchingRun) -> None:
    if proposal.run_id != run.pk or proposal.solver != run.solver:
        raise ValidationError("Эта пара — из другого решения: сначала выберите его.")


@transaction.atomic
def proposal_remove(*, actor, proposal: Proposal) -> Unmatched:
    """The mentee loses the proposed mentor; a re-run will not propose this pair again."""
    run = _require_editable(actor, proposal.run)
    _require_chosen(proposal, run)
    pair = [proposal.mentee_entry_id, proposal.mentor_entry_id]
    rules = dict(run.rules or {})
    excluded = [list(p) for p in rules.get("excluded", [])]
    if pair not in excluded:
        excluded.append(pair)
    rules["excluded"] = excluded
    run.rules = rules
    run.save(update_fields=["rules", "updated_at"])
    mentor_name = proposal.mentor_entry.person.full_name
    item, _ = Unmatched.objects.update_or_create(
        run=run,
        solver=proposal.solver,
        mentee_entry_id=proposal.mentee_entry_id,
        defaults={
            "code": "removed",
            "text": f"пара убрана куратором (наставник — {mentor_name})",
            "alternatives": proposal.alternatives,
        },
    )
    proposal.delete()
    return item


@transaction.atomic
def proposals_swap(*, actor, first: Proposal, second: Proposal) -> tuple[Proposal, Proposal]:
    """Two mentees exchange their mentors; both new pairs are checked and locked."""
    run = _require_editable(actor, first.run)
    if second.run_id != run.pk:
        raise ValidationError("Обе пары должны быть из одного подбора.")
    _require_chosen(first, run)
    _require_chosen(second, run)
    if first.pk == second.pk or first.mentor_entry_id == second.mentor_entry_id:
        raise ValidationError("Выберите двух наставляемых у разных наставников.")
    mentees, mentors = _snapshot_maps(run)
    score_a, parts_a = _check_pair(run, first.mentee_entry_id, second.mentor_entry_id, mentees, mentors)
    score_b, parts_b = _check_pair(run, second.mentee_entry_id, first.mentor_entry_id, mentees, mentors)
    first.mentor_entry_id, second.mentor_entry_id = second.mentor_entry_id, first.mentor_entry_id
    first.score, first.parts, second.score, second.parts = score_a, parts_a, score_b, parts_b
    for proposal in (first, second):
        proposal.locked = proposal.manual = True
        proposal.save(update_fields=["mentor_entry", "score", "parts", "locked", "manual", "updated_at"])
    return first, second


@transaction.atomic
def proposal_assign(*, actor, run: MatchingRun, mentee_entry_id: int, mentor_entry_id: int) -> Proposal:
    """Assign a mentee (unmatched, or moved from another mentor) to an eligible mentor with a free place."""
    run = _require_editable(actor, run)
    mentees, mentors = _snapshot_maps(run)
    score, parts = _check_pair(run, mentee_entry_id, mentor_entry_id, mentees, mentors)
    current = Proposal.objects.filter(run=run, solver=run.solver, mentee_entry_id=mentee_entry_id).first()
    if current is not None and current.mentor_entry_id == mentor_entry_id:
        return current
    taken = Proposal.objects.filter(run=run, solver=run.solver, mentor_entry_id=mentor_entry_id).count()
    mentor = mentors[mentor_entry_id]
    if taken >= mentor.capacity:
        raise ValidationError(
            f"У наставника {mentor.label} все места заняты ({mentor.capacity}): сначала уберите одну из его пар "
            "или поменяйте наставляемых местами."
        )
    alternatives = []
    left = Unmatched.objects.filter(run=run, solver=run.solver, mentee_entry_id=mentee_entry_id).first()
    if left is not None:
        alternatives = left.alternatives
        left.delete()
    if current is not None:
        current.mentor_entry_id = mentor_entry_id
        current.score, current.parts = score, parts
        current.locked = current.manual = True
        current.save(update_fields=["mentor_entry", "score", "parts", "locked", "manual", "updated_at"])
        return current
    return Proposal.objects.create(
        run=run,
        solver=run.solver,
        mentee_entry_id=mentee_entry_id,
        mentor_entry_id=mentor_entry_id,
        score=score,
        parts=parts,
        alternatives=alternatives,
        locked=True,
        manual=True,
    )


def _locked_pairs(run: MatchingRun) -> list[tuple[int, int]]:
    return list(
        Proposal.objects.filter(run=run, solver=run.solver, locked=True)
        .order_by("id")
        .values_list("mentee_entry_id", "mentor_entry_id")
    )


def run_rerun(*, actor, run: MatchingRun, today: dt.date | None = None) -> MatchingRun:
    """A new run on the current pools with the same form, weights and rules, keeping the locked pairs
    (every pair the curator made by hand is locked) and never proposing a removed pair again."""
    run = MatchingRun.objects.select_related("organization__municipality", "form", "academic_year").get(pk=run.pk)
    require_manage_run(actor, run)
    if run.status == RunStatus.APPROVED:
        raise ValidationError("Подбор уже утверждён: пары созданы. Для новых наставляемых запустите новый подбор.")
    if run.status == RunStatus.RUNNING and not selectors.run_is_stale(run):
        raise ValidationError("Подбор ещё выполняется: дождитесь результата.")
    locked = _locked_pairs(run)
    return run_create(
        actor=actor,
        academic_year=run.academic_year,
        form=run.form,
        organization=run.organization,
        organizations=[p.organization for p in run.parts.select_related("organization__municipality")],
        region=run.region,
        municipality=run.municipality,
        weights=run.weights,
        rules=run.rules,
        solver=run.solver,
        previous=run,
        locked=locked,
        today=today,
    )


# --- approval ----------------------------------------------------------------------------------------------
def _create_mentorships(*, actor, run: MatchingRun, proposals, activate: bool, start_date, order_number, order_date):
    """One mentorship per mentor (and mentee organisation): a pair, or a group. Collects every problem
    and raises them together, so that nothing is created unless all of it can be."""
    from nastavnik.mentorships.services import mentorship_create

    groups: dict[tuple[int, int], list[Proposal]] = defaultdict(list)
    for proposal in proposals:
        groups[(proposal.mentor_entry_id, proposal.mentee_entry.organization_id)].append(proposal)
    problems = []
    created = 0
    for (_mentor_id, _org_id), items in groups.items():
        mentee_entries = [p.mentee_entry for p in items]
        try:
            with transaction.atomic():
                mentorship = mentorship_create(
                    actor=actor,
                    organization=mentee_entries[0].organization,
                    academic_year=run.academic_year,
                    form=run.form,
                    mentor_entry=items[0].mentor_entry,
                    mentee_entries=mentee_entries,
                    start_date=start_date,
                    activate=activate,
                    order_number=order_number,
                    order_date=order_date,
                    source="matching",
                    source_ref=f"run:{run.pk}",
                )
        except ValidationError as error:
            names = ", ".join(p.mentee_entry.person.full_name for p in items)
            problems.append(f"{items[0].mentor_entry.person.full_name} — {names}: {' '.join(error.messages)}")
            continue
        Proposal.objects.filter(pk__in=[p.pk for p in items]).update(mentorship_id=mentorship.pk)
        created += 1
    if problems:
        raise ValidationError(["Пары не созданы, подбор не утверждён:", *problems])
    return created


def _proposals_for_approval(run: MatchingRun, organization: Organization | None = None):
    qs = Proposal.objects.filter(run=run, solver=run.solver).select_related(
        "mentee_entry__person", "mentee_entry__organization__municipality", "mentor_entry__person"
    )
    if organization is not None:
        qs = qs.filter(mentee_entry__organization=organization)
    return list(qs.order_by("mentor_entry_id", "mentee_entry_id"))


@transaction.atomic
def run_approve(
    *,
    actor,
    run: MatchingRun,
    activate: bool = False,
    start_date: dt.date | None = None,
    order_number: str = "",
    order_date: dt.date | None = None,
) -> MatchingRun:
    """Approve an organisation's run: the chosen solver's pairs become mentorships (proposed, or active
    from `start_date` when `activate` — the order «о закреплении наставнических пар»). Idempotent."""
    run = (
        MatchingRun.objects.select_for_update(of=("self",))
        .select_related("organization__municipality", "form")
        .get(pk=run.pk)
    )
    require_manage_run(actor, run)
    if run.status == RunStatus.APPROVED:
        return run
    if run.organization_id is None:
        raise ValidationError("Общий подбор утверждают организации: каждая подтверждает свою часть.")
    if run.status != RunStatus.READY:
        raise ValidationError("Утвердить можно только готовый подбор.")
    proposals = _proposals_for_approval(run)
    if not proposals:
        raise ValidationError("В выбранном решении нет ни одной пары: утверждать нечего.")
    if activate and start_date is None:
        start_date = timezone.localdate()
    _check_start(run, start_date)
    _create_mentorships(
        actor=actor, run=run, proposals=proposals, activate=activate, start_date=start_date,
        order_number=order_number, order_date=order_date,
    )  # fmt: skip
    run.status = RunStatus.APPROVED
    run.approved_by = actor
    run.approved_at = timezone.now()
    run.activate = activate
    run.save(update_fields=["status", "approved_by", "approved_at", "activate", "updated_at"])
    _supersede_others(run)
    return run


def _supersede_others(run: MatchingRun) -> int:
    """The organisation's other ready runs of the form and year proposed the same mentees (a run takes all
    who may be matched when it starts): once one is approved they are «заменён утверждённым подбором»,
    read-only, so that nobody approves a stale proposal."""
    return (
        MatchingRun.objects.filter(
            organization_id=run.organization_id, academic_year_id=run.academic_year_id, form_id=run.form_id,
            status=RunStatus.READY,
        )
        .exclude(pk=run.pk)
        .update(status=RunStatus.SUPERSEDED, updated_at=timezone.now())
    )  # fmt: skip


def _check_start(run: MatchingRun, start_date: dt.date | None) -> None:
    if start_date is not None and not run.academic_year.contains(start_date):
        year = run.academic_year
        raise ValidationError(
            {"start_date": f"Дата начала работы пар — в пределах учебного года: с {date_ru(year.start_date)} "
             f"по {date_ru(year.end_date)}."}
        )  # fmt: skip


@transaction.atomic
def run_confirm_part(
    *, actor, run: MatchingRun, organization: Organization, activate: bool = False, start_date: dt.date | None = None
) -> RunPart:
    """An organisation's curator confirms its part of a municipal or regional run: the pairs of its
    mentees become mentorships in the organisation. When every part is confirmed the run is approved."""
    run = MatchingRun.objects.select_for_update(of=("self",)).select_related("form", "academic_year").get(pk=run.pk)
    part = (
        RunPart.objects.select_related("organization__municipality").filter(run=run, organization=organization).first()
    )
    if part is None:
        raise ValidationError("Эта организация не участвует в подборе.")
    require(can_confirm_part(actor, part), NO_CONFIRM_RIGHTS)
    _require_open(part.organization, run.academic_year)
    if part.confirmed_at is not None:
        return part
    if run.status != RunStatus.READY:
        raise ValidationError("Подтвердить можно только готовый подбор.")
    if activate and start_date is None:
        start_date = timezone.localdate()
    _check_start(run, start_date)
    proposals = _proposals_for_approval(run, organization=part.organization)
    if proposals:
        _create_mentorships(
            actor=actor, run=run, proposals=proposals, activate=activate, start_date=start_date,
            order_number="", order_date=None,
        )  # fmt: skip
    part.confirmed_at, part.confirmed_by = timezone.now(), actor
    part.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    if not run.parts.filter(confirmed_at__isnull=True).exists():
        run.status = RunStatus.APPROVED
        run.approved_by, run.approved_at = actor, timezone.now()
        run.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return part


# --- forbidden pairs --------------------------------------------------------------------------------------
@transaction.atomic
def forbidden_add(
    *, actor, organization: Organization, academic_year: AcademicYear, mentee, mentor, reason: str
) -> ForbiddenPair:
    from nastavnik.core.text import normalize_spaces

    require(can_run_org(actor, organization), NO_RIGHTS)
    _require_open(organization, academic_year)
    reason = normalize_spaces(reason or "")
    errors = {}
    if not reason:
        errors["reason"] = "Укажите причину (например: родственники, конфликт)."
    if mentee.pk == mentor.pk:
        errors["mentor"] = "Выберите двух разных людей."
    if mentee.organization_id != organization.pk:
        errors["mentee"] = "Наставляемый должен быть участником этой организации."
    if errors:
        raise ValidationError(errors)
    existing = ForbiddenPair.objects.filter(
        organization=organization, academic_year=academic_year, mentee=mentee, mentor=mentor
    ).first()
    if existing is not None:
        return existing
    return ForbiddenPair.objects.create(
        region=organization.municipality.region,
        municipality=organization.municipality,
        organization=organization,
        academic_year=academic_year,
        mentee=mentee,
        mentor=mentor,
        reason=reason[:300],
        entered_by=actor,
    )


@transaction.atomic
def forbidden_delete(*, actor, pair: ForbiddenPair) -> None:
    require(can_run_org(actor, pair.organization), NO_RIGHTS)
    _require_open(pair.organization, pair.academic_year)
    pair.delete()


__all__ = [
    "MenteeEntry",
    "MentorEntry",
    "forbidden_add",
    "forbidden_delete",
    "proposal_assign",
    "proposal_lock",
    "proposal_remove",
    "proposals_swap",
    "run_approve",
    "run_choose_solver",
    "run_confirm_part",
    "run_create",
    "run_execute",
    "run_rerun",
]
