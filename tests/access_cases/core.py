"""URL cases of the foundation and preparation apps (people, orgs, programs)."""

from __future__ import annotations

from nastavnik.orgs import services as org_services
from nastavnik.orgs.models import PartnerAgreement
from nastavnik.orgs.services import academic_year_current
from nastavnik.people.models import GuardianLink, Role, RoleKind
from nastavnik.programs import services as program_services
from nastavnik.programs.models import MentoringForm, Program, Roadmap, WorkingGroupMeeting, WorkingGroupMember

from .base import Case


def _role_of(cast):
    return Role.objects.get_or_create(person=cast.teacher_a, kind=RoleKind.MENTOR, organization=cast.school_a)[0]


def _guardian_link(cast):
    return GuardianLink.objects.get(child=cast.pupil_a)


def _year(cast) -> int:
    return academic_year_current().start_year


def _org_year(cast):
    return {"org_pk": cast.school_a.pk, "year": _year(cast)}


def _program(cast):
    program = Program.objects.filter(organization=cast.school_a).first()
    return program or program_services.program_create(
        actor=cast.user("admin"), organization=cast.school_a, title="Программа школы A"
    )


def _roadmap(cast):
    roadmap = Roadmap.objects.filter(organization=cast.school_a).first()
    return roadmap or program_services.roadmap_from_template(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=academic_year_current(),
        template_code="seed000",
    )


def _member(cast):
    member = WorkingGroupMember.objects.filter(organization=cast.school_a).first()
    return member or program_services.group_member_add(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=academic_year_current(),
        person=cast.teacher_a,
        position="member",
        start_date=academic_year_current().start_date,
    )


def _meeting(cast):
    meeting = WorkingGroupMeeting.objects.filter(organization=cast.school_a).first()
    return meeting or program_services.group_meeting_save(
        actor=cast.user("admin"),
        organization=cast.school_a,
        academic_year=academic_year_current(),
        date=academic_year_current().start_date,
        agenda="О внедрении целевой модели",
    )


def _agreement(cast):
    agreement = PartnerAgreement.objects.filter(organization=cast.school_a).first()
    return agreement or org_services.agreement_create(
        actor=cast.user("admin"),
        partner=cast.partner_a,
        organization=cast.school_a,
        subject="Сотрудничество",
        start_date=academic_year_current().start_date,
    )


CASES: dict[str, Case] = {
    "home": Case(listing=True),
    "password_change": Case(listing=True),
    "password_change_done": Case(listing=True),
    # people
    "people:list": Case(listing=True),
    "people:create": Case(listing=True, write=True),
    "people:detail": Case(kwargs=lambda c: {"pk": c.pupil_a.pk}),
    "people:edit": Case(kwargs=lambda c: {"pk": c.pupil_a.pk}, write=True),
    "people:delete": Case(kwargs=lambda c: {"pk": c.pupil_a.pk}, write=True),
    "people:history": Case(kwargs=lambda c: {"pk": c.pupil_a.pk}),
    "people:role_add": Case(kwargs=lambda c: {"pk": c.teacher_a.pk}, write=True),
    "people:role_delete": Case(kwargs=lambda c: {"pk": c.teacher_a.pk, "role_pk": _role_of(c).pk}, write=True),
    "people:guardian_add": Case(kwargs=lambda c: {"pk": c.pupil_a.pk}, write=True),
    "people:guardian_delete": Case(kwargs=lambda c: {"pk": c.pupil_a.pk, "link_pk": _guardian_link(c).pk}, write=True),
    "people:account_create": Case(kwargs=lambda c: {"pk": c.teacher_a.pk}, write=True),
    "people:account_reset": Case(kwargs=lambda c: {"pk": c.parent_a.pk}, write=True),
    # organisations
    "orgs:region_list": Case(listing=True),
    "orgs:region_create": Case(listing=True, write=True),
    "orgs:region_detail": Case(kwargs=lambda c: {"pk": c.region_a.pk}),
    "orgs:region_edit": Case(kwargs=lambda c: {"pk": c.region_a.pk}, write=True),
    "orgs:municipality_create": Case(kwargs=lambda c: {"region_pk": c.region_a.pk}, write=True),
    "orgs:municipality_detail": Case(kwargs=lambda c: {"pk": c.municipality_a.pk}),
    "orgs:municipality_edit": Case(kwargs=lambda c: {"pk": c.municipality_a.pk}, write=True),
    "orgs:municipality_delete": Case(kwargs=lambda c: {"pk": c.municipality_a.pk}, write=True),
    "orgs:organization_list": Case(listing=True),
    "orgs:organization_create": Case(listing=True, write=True),
    "orgs:organization_detail": Case(kwargs=lambda c: {"pk": c.school_a.pk}),
    "orgs:organization_edit": Case(kwargs=lambda c: {"pk": c.school_a.pk}, write=True),
    "orgs:organization_delete": Case(kwargs=lambda c: {"pk": c.school_a.pk}, write=True),
    "orgs:partner_list": Case(listing=True),
    "orgs:partner_create": Case(listing=True, write=True),
    "orgs:partner_detail": Case(kwargs=lambda c: {"pk": c.partner_a.pk}),
    "orgs:partner_edit": Case(kwargs=lambda c: {"pk": c.partner_a.pk}, write=True),
    "orgs:partner_delete": Case(kwargs=lambda c: {"pk": c.partner_a.pk}, write=True),
    "orgs:year_list": Case(listing=True, write=True),
    "orgs:agreement_create": Case(kwargs=lambda c: {"pk": c.partner_a.pk}, write=True),
    "orgs:agreement_delete": Case(kwargs=lambda c: {"pk": _agreement(c).pk}, write=True),
    # programs, forms, working group, roadmap, analysis, the year
    "programs:index": Case(listing=True),
    "programs:form_list": Case(listing=True),
    "programs:form_detail": Case(kwargs=lambda c: {"pk": MentoringForm.objects.first().pk}, shared=True),
    "programs:smart_check": Case(listing=True, post_only=True),
    "programs:area_program_create": Case(listing=True, post_only=True, write=True),
    "programs:year": Case(kwargs=_org_year),
    "programs:program_create": Case(kwargs=_org_year, write=True),
    "programs:program_detail": Case(kwargs=lambda c: {"pk": _program(c).pk}),
    "programs:program_step": Case(kwargs=lambda c: {"pk": _program(c).pk, "step": "goal"}, write=True),
    "programs:program_approve": Case(kwargs=lambda c: {"pk": _program(c).pk}, write=True),
    "programs:program_new_version": Case(kwargs=lambda c: {"pk": _program(c).pk}, write=True),
    "programs:group": Case(kwargs=_org_year),
    "programs:group_member_add": Case(kwargs=_org_year, write=True),
    "programs:group_member_delete": Case(kwargs=lambda c: {"pk": _member(c).pk}, write=True),
    "programs:meeting_create": Case(kwargs=_org_year, write=True),
    "programs:meeting_detail": Case(kwargs=lambda c: {"pk": _meeting(c).pk}),
    "programs:meeting_edit": Case(kwargs=lambda c: {"pk": _meeting(c).pk}, write=True),
    "programs:roadmap": Case(kwargs=_org_year),
    "programs:roadmap_load": Case(kwargs=_org_year, write=True),
    "programs:roadmap_timeline": Case(kwargs=_org_year),
    "programs:item_create": Case(kwargs=lambda c: {"roadmap_pk": _roadmap(c).pk}, write=True),
    "programs:item_edit": Case(kwargs=lambda c: {"pk": _roadmap(c).items.first().pk}, write=True),
    "programs:item_delete": Case(kwargs=lambda c: {"pk": _roadmap(c).items.first().pk}, write=True),
    "programs:item_status": Case(kwargs=lambda c: {"pk": _roadmap(c).items.first().pk}, write=True),
    "programs:analysis": Case(kwargs=_org_year, write=True),
    "programs:year_rollover": Case(kwargs=_org_year, write=True),
    "programs:year_close": Case(kwargs=_org_year, write=True),
    "programs:year_close_marks": Case(kwargs=_org_year, write=True),
}
