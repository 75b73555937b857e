"""URL cases of the matching app (runs, the curator's review, forbidden pairs, area matching)."""

from __future__ import annotations

from nastavnik.matching import services
from nastavnik.matching.models import ForbiddenPair, MatchingRun, Proposal
from nastavnik.orgs.services import academic_year_current

from .base import Case
from .core import _org_year, _year
from .pools import _forms


def _run(cast) -> MatchingRun:
    """A ready run of school A with one proposal (the pools' mentor and mentee of «учитель – ученик»)."""
    run = MatchingRun.objects.filter(organization=cast.school_a).first()
    if run is not None:
        return run
    from tests.matching.conftest import Pools

    form = _forms(cast).get(code="teacher_pupil")
    builder = Pools(cast, academic_year_current(), form)
    builder.mentor("Наставникова")
    builder.mentee("Подопечная")
    return services.run_create(
        actor=cast.user("admin"), organization=cast.school_a, academic_year=academic_year_current(), form=form
    )


def _proposal(cast) -> Proposal:
    run = _run(cast)
    return Proposal.objects.filter(run=run, solver=run.solver).first()


def _forbidden(cast) -> ForbiddenPair:
    pair = ForbiddenPair.objects.filter(organization=cast.school_a).first()
    return pair or services.forbidden_add(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=academic_year_current(),
        mentee=cast.pupil_a,
        mentor=cast.teacher_a,
        reason="родственники",
    )


def _run_pk(cast):
    return {"pk": _run(cast).pk}


CASES: dict[str, Case] = {
    "matching:index": Case(listing=True),
    "matching:home": Case(kwargs=_org_year, write=True),
    "matching:run_compare": Case(kwargs=_org_year),
    "matching:forbidden_list": Case(kwargs=_org_year, write=True),
    "matching:forbidden_delete": Case(kwargs=lambda c: {"pk": _forbidden(c).pk}, write=True, post_only=True),
    "matching:area_home": Case(kwargs=lambda c: {"region_pk": c.region_a.pk, "year": _year(c)}, write=True),
    "matching:run_detail": Case(kwargs=_run_pk),
    "matching:run_progress": Case(kwargs=_run_pk),
    "matching:run_choose": Case(kwargs=_run_pk, write=True, post_only=True),
    "matching:run_swap": Case(kwargs=_run_pk, write=True, post_only=True),
    "matching:run_assign": Case(kwargs=_run_pk, write=True, post_only=True),
    "matching:run_rerun": Case(kwargs=_run_pk, write=True, post_only=True),
    "matching:run_approve": Case(kwargs=_run_pk, write=True, post_only=True),
    "matching:run_confirm": Case(kwargs=_run_pk, write=True, post_only=True),
    "matching:proposal_lock": Case(kwargs=lambda c: {"pk": _proposal(c).pk}, write=True, post_only=True),
    "matching:proposal_remove": Case(kwargs=lambda c: {"pk": _proposal(c).pk}, write=True, post_only=True),
}


# --- self-match mode ------------------------------------------------------------------------------------
def _selfmatch_request(cast):
    """An open «учитель – ученик» window of school A with one waiting request (a mentee without an
    account: none of the cast acts for them, so every participant's write is refused)."""
    from nastavnik.matching import selfmatch
    from nastavnik.matching.models import SelfMatchRequest

    existing = SelfMatchRequest.objects.filter(window__organization=cast.school_a).first()
    if existing is not None:
        return existing
    from tests.factories import UserFactory
    from tests.matching.conftest import Pools, enable_forms

    year = academic_year_current()
    form = enable_forms(cast, cast.school_a)["teacher_pupil"]
    selfmatch.window_save(
        actor=cast.user("admin"), organization=cast.school_a, academic_year=year, form=form, enabled=True
    )
    builder = Pools(cast, year, form)
    mentor = builder.mentor("Выбираемая")
    mentee = builder.mentee("Выбирающий", user=UserFactory(username="selfmatch_mentee"))
    return selfmatch.request_create(actor=mentee.person.user, entry=mentee, mentor_entry_id=mentor.pk)


def _selfmatch_pk(cast):
    return {"pk": _selfmatch_request(cast).pk}


CASES.update(
    {
        "matching:selfmatch_settings": Case(kwargs=_org_year, write=True),
        "matching:selfmatch_choose": Case(kwargs=lambda c: {"pk": _selfmatch_request(c).mentee_entry_id}, write=True),
        "matching:selfmatch_incoming": Case(listing=True),
        "matching:selfmatch_withdraw": Case(kwargs=_selfmatch_pk, write=True, post_only=True),
        "matching:selfmatch_answer": Case(kwargs=_selfmatch_pk, write=True, post_only=True),
        "matching:selfmatch_confirm": Case(kwargs=_selfmatch_pk, write=True, post_only=True),
        "matching:selfmatch_reject": Case(kwargs=_selfmatch_pk, write=True, post_only=True),
    }
)
