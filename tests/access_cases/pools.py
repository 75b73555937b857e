"""URL cases of the pools app (mentee and mentor pools, score sheets, training of mentors)."""

from __future__ import annotations

from nastavnik.orgs.services import academic_year_current
from nastavnik.pools import services as pool_services
from nastavnik.pools.models import MenteeEntry, MentorEntry, RequestCategory, ThirdPartyNote, Training
from nastavnik.programs import services as program_services
from nastavnik.programs.models import MentoringForm

from .base import Case
from .core import _org_year, _program
from .questionnaires import _campaign

FORM_CODES = ("pupil_pupil", "teacher_pupil", "teacher_teacher")


def _forms(cast):
    """School A's program runs three forms this year (pools are per form of the program)."""
    program = _program(cast)
    if not program.forms.exists():
        program_services.program_save_step(
            actor=cast.user("admin"),
            program=program,
            step="forms",
            data={"forms": list(MentoringForm.objects.filter(code__in=FORM_CODES))},
        )
    return program.forms.all()


def _mentee(cast) -> MenteeEntry:
    entry = MenteeEntry.objects.filter(organization=cast.school_a).first()
    return entry or pool_services.mentee_add(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=academic_year_current(),
        person=cast.pupil_a,
        form=_forms(cast).get(code="teacher_pupil"),
        request_text="Трудности с математикой",
    )


def _note(cast) -> ThirdPartyNote:
    note = ThirdPartyNote.objects.filter(entry__organization=cast.school_a).first()
    return note or pool_services.note_add(
        actor=cast.user("admin"),
        entry=_mentee(cast),
        author_role="class_teacher",
        author_person=cast.teacher_a,
        text="Стесняется отвечать у доски",
        date=academic_year_current().start_date,
    )


def _mentor(cast) -> MentorEntry:
    entry = MentorEntry.objects.filter(organization=cast.school_a).first()
    return entry or pool_services.mentor_add(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=academic_year_current(),
        person=cast.teacher_a,
        form=_forms(cast).get(code="teacher_pupil"),
        topics=["математика"],
    )


def _training(cast) -> Training:
    training = Training.objects.filter(organization=cast.school_a).first()
    return training or pool_services.training_save(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=academic_year_current(),
        title="Школа наставника",
        date=academic_year_current().start_date,
    )


def _material(cast):
    training = _training(cast)
    material = training.materials.first()
    return material or pool_services.material_add(
        actor=cast.user("admin"), training=training, title="Памятка", url="https://example.ru/pamyatka"
    )


def _category(cast) -> RequestCategory:
    category = RequestCategory.objects.filter(region=cast.region_a).first()
    return category or pool_services.category_save(
        actor=cast.user("admin"), region=cast.region_a, name="Подготовка к сельскохозяйственному профилю"
    )


CASES: dict[str, Case] = {
    "pools:index": Case(listing=True),
    "pools:category_list": Case(listing=True, write=True),
    "pools:category_edit": Case(kwargs=lambda c: {"pk": _category(c).pk}, write=True),
    "pools:overview": Case(kwargs=_org_year),
    "pools:fill_from_campaign": Case(kwargs=lambda c: {"campaign_pk": _campaign(c).pk}, write=True),
    # mentee pool
    "pools:mentee_list": Case(kwargs=_org_year),
    "pools:mentee_add": Case(kwargs=_org_year, write=True),
    "pools:mentee_export": Case(kwargs=_org_year),
    "pools:mentee_detail": Case(kwargs=lambda c: {"pk": _mentee(c).pk}),
    "pools:mentee_edit": Case(kwargs=lambda c: {"pk": _mentee(c).pk}, write=True),
    "pools:mentee_status": Case(kwargs=lambda c: {"pk": _mentee(c).pk}, write=True),
    "pools:note_add": Case(kwargs=lambda c: {"pk": _mentee(c).pk}, write=True),
    "pools:note_delete": Case(kwargs=lambda c: {"pk": _note(c).pk}, write=True),
    # mentor pool
    "pools:mentor_list": Case(kwargs=_org_year),
    "pools:mentor_add": Case(kwargs=_org_year, write=True),
    "pools:mentor_export": Case(kwargs=_org_year),
    "pools:mentor_detail": Case(kwargs=lambda c: {"pk": _mentor(c).pk}),
    "pools:mentor_edit": Case(kwargs=lambda c: {"pk": _mentor(c).pk}, write=True),
    # The working group writes here (it evaluates candidates, seed 000 roadmap 4.1–4.2), so the matrix's
    # «read-only roles get 403» cannot hold: described as a read; tests/pools/test_views.py checks that
    # the working group may score and mentors, mentees and guardians may not.
    "pools:mentor_score": Case(kwargs=lambda c: {"pk": _mentor(c).pk}),
    "pools:mentor_decision": Case(kwargs=lambda c: {"pk": _mentor(c).pk}, write=True),
    "pools:mentor_status": Case(kwargs=lambda c: {"pk": _mentor(c).pk}, write=True),
    # training of mentors
    "pools:training_list": Case(kwargs=_org_year),
    "pools:training_create": Case(kwargs=_org_year, write=True),
    "pools:training_detail": Case(kwargs=lambda c: {"pk": _training(c).pk}),
    "pools:training_edit": Case(kwargs=lambda c: {"pk": _training(c).pk}, write=True),
    "pools:training_attendance": Case(kwargs=lambda c: {"pk": _training(c).pk}, write=True),
    "pools:material_add": Case(kwargs=lambda c: {"pk": _training(c).pk}, write=True),
    "pools:material_download": Case(kwargs=lambda c: {"pk": _material(c).pk}),
    "pools:material_delete": Case(kwargs=lambda c: {"pk": _material(c).pk}, write=True),
}
