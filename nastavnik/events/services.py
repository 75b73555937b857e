"""Writes of events, awards, cases, publication consents, public pages and news.

Rules owned here:
- an event belongs to an organisation, a municipality or a region (`organization=None`); its organiser
  (director/curator of the organisation, the coordinator of the municipality or region) edits it,
  marks attendance and adds materials; a participant registers themselves (if the event is aimed at
  their role and has not started), the curator registers the people of their organisation;
- the curator (or director) nominates a mentor or a pair with a justification; the working group, the
  director or the coordinators of the area decide («награждён» / «не награждён» with a reason);
- a practice case is written by the curator or by the mentor of a completed mentorship; it goes
  draft → curator → region → published; each step forward is refused while the text names a minor
  (a mentee under 18 of the mentorship, or any minor of the organisation) who has no publication
  consent — with the name and the reason; the same check guards the publishing of news;
- revoking a publication consent takes the cases and news naming the person off the public pages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from nastavnik.core.text import date_ru, normalize_spaces, search_key
from nastavnik.orgs.models import AcademicYear, Municipality, Organization, Region, scope_of
from nastavnik.people.access import access_for, require
from nastavnik.people.models import Person, RoleKind

from .models import (
    AUDIENCE_ROLE_NAMES,
    Award,
    AwardStatus,
    CaseMaterial,
    CaseStatus,
    Event,
    EventKind,
    EventMaterial,
    EventRegistration,
    MaterialKind,
    Nomination,
    PracticeCase,
    Publication,
    PublicationConsent,
    PublicationImage,
    PublicPage,
)

NO_RIGHTS = (
    "Мероприятия ведёт организатор: руководитель или куратор организации, координатор муниципалитета или региона."
)
NO_AWARD_RIGHTS = "Выдвигают на награду куратор и руководитель организации."
NO_DECISION_RIGHTS = "Решение о награждении принимают рабочая группа, руководитель организации или координатор."
NO_CASE_RIGHTS = "Кейс пишут куратор организации или наставник завершённой пары."
NO_PAGE_RIGHTS = "Открытую страницу и новости ведут руководитель и куратор организации."
CLOSED_YEAR = "{year} закрыт: его данные доступны только для просмотра."
MAX_UPLOAD = 20 * 1024 * 1024
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")


# --- shared -----------------------------------------------------------------------------------------------
def _scope(obj) -> dict:
    return {"org_id": obj.organization_id, "municipality_id": obj.municipality_id, "region_id": obj.region_id}


def can_manage_owner(user, obj) -> bool:
    """Organiser rights over an event, case or news item (or anything with the scope columns)."""
    return access_for(user).can_manage(**_scope(obj))


def can_manage_org(user, organization: Organization) -> bool:
    return access_for(user).can_manage(
        org_id=organization.pk, municipality_id=organization.municipality_id, region_id=organization.region_id
    )


def _require_open(organization: Organization | None, academic_year: AcademicYear) -> None:
    from nastavnik.programs.services import year_is_closed

    if year_is_closed(organization=organization, academic_year=academic_year):
        raise PermissionDenied(CLOSED_YEAR.format(year=str(academic_year).capitalize()))


def _require_open_of(obj) -> None:
    """A closed year is read-only (issue 10.8): its events, registrations, awards, cases and news are not
    created or changed any more. Taking something off the public pages (unpublishing, deleting a case, a
    news item or a photo) stays possible — personal data must be removable at any time."""
    _require_open(obj.organization, obj.academic_year)


def _clean_text(value: str, field: str, label: str, *, required: bool = True, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"Заполните поле «{label}»."})
    if max_length and len(value) > max_length:
        raise ValidationError({field: f"Не длиннее {max_length} символов."})
    return value


def _check_upload(file, *, image: bool = False) -> None:
    if file is None:
        return
    if file.size > MAX_UPLOAD:
        raise ValidationError({"file": "Файл больше 20 МБ."})
    if image:
        head = file.read(16)
        file.seek(0)
        is_webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        if not (head.startswith(IMAGE_SIGNATURES) or is_webp):
            raise ValidationError({"file": "Загрузите изображение: JPEG, PNG, GIF или WebP."})


def _year_of(day: dt.date) -> AcademicYear:
    from nastavnik.orgs.services import academic_year_current

    return academic_year_current(today=day)


# --- minors and publication consents ---------------------------------------------------------------------
def _surname_stem(surname: str) -> str:
    """«Иванова» → «иванов», «Белый» → «бел»: declined forms of the surname start with the stem."""
    key = search_key(surname)
    for ending in ("ая", "ий", "ый", "ой", "а", "я", "ь"):
        if key.endswith(ending) and len(key) - len(ending) >= 3:
            return key[: -len(ending)]
    return key


def minors_named(text: str, *, organization: Organization | None, mentorship=None, today: dt.date | None = None):
    """Minors (under 18 today) named by surname in `text`: the mentees of the mentorship and the minors of
    the organisation. Returns [(person, has_publication_consent)], each person once."""
    from nastavnik.core.text import years_before

    today = today or timezone.localdate()
    adult_born_before = years_before(today, 18)
    candidates: dict[int, Person] = {}
    if mentorship is not None:
        for member in mentorship.members.select_related("person"):
            candidates[member.person_id] = member.person
    if organization is not None:
        for person in Person.objects.filter(organization=organization, birth_date__gt=adult_born_before):
            candidates.setdefault(person.pk, person)
    words = set(re.findall(r"[\wё-]+", search_key(text)))
    named = []
    for person in candidates.values():
        if person.birth_date is None or person.birth_date <= adult_born_before:
            continue
        stem = _surname_stem(person.last_name)
        if stem and any(word.startswith(stem) for word in words):
            named.append(person)
    if not named:
        return []
    consented = set(
        PublicationConsent.objects.filter(person__in=named, revoked_at__isnull=True).values_list("person_id", flat=True)
    )
    named.sort(key=lambda p: (p.last_name, p.first_name))
    return [(person, person.pk in consented) for person in named]


def _require_no_unconsented_minors(text: str, *, organization, mentorship=None, what: str) -> None:
    missing = [p for p, ok in minors_named(text, organization=organization, mentorship=mentorship) if not ok]
    if missing:
        names = ", ".join(p.short_name for p in missing)
        raise ValidationError(
            f"{what} называет несовершеннолетних без согласия на публикацию: {names}. Уберите фамилии из текста "
            "или внесите согласие законного представителя на публикацию (раздел «Несовершеннолетние в тексте»)."
        )


def _case_text(case: PracticeCase) -> str:
    return "\n".join((case.title, case.topic, case.problem, case.actions, case.results))


@transaction.atomic
def publication_consent_record(*, actor, person: Person, signer_name: str, given_on: dt.date) -> PublicationConsent:
    require(person.organization_id is not None and can_manage_org(actor, person.organization), NO_PAGE_RIGHTS)
    signer_name = normalize_spaces(signer_name)
    if not signer_name:
        raise ValidationError({"signer_name": "Укажите, кто дал согласие (для ребёнка — законный представитель)."})
    if given_on is None or given_on > timezone.localdate():
        raise ValidationError({"given_on": "Укажите дату согласия (не позже сегодняшнего дня)."})
    existing = PublicationConsent.objects.filter(person=person, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    return PublicationConsent.objects.create(
        person=person, organization=person.organization, signer_name=signer_name[:300], given_on=given_on,
        recorded_by=actor,
    )  # fmt: skip


@transaction.atomic
def publication_consent_revoke(*, actor, consent: PublicationConsent) -> int:
    """Revoke; every published case and news item of the organisation that names the person is taken off
    the public pages at once (cases go back to the region's review, news to drafts). Returns how many."""
    require(can_manage_org(actor, consent.organization), NO_PAGE_RIGHTS)
    if consent.revoked_at is not None:
        return 0
    consent.revoked_at = timezone.now()
    consent.save()
    person = consent.person
    hidden = 0
    for case in PracticeCase.objects.filter(organization=consent.organization, status=CaseStatus.PUBLISHED):
        if _names(person, _case_text(case)):
            case.status = CaseStatus.REGION_REVIEW
            case.moderation_comment = f"Снят с публикации: отозвано согласие на публикацию ({person.short_name})."
            case.save()
            hidden += 1
    for news in Publication.objects.filter(organization=consent.organization, is_published=True):
        if _names(person, f"{news.title}\n{news.text}"):
            news.is_published = False
            news.save()
            hidden += 1
    return hidden


def _names(person: Person, text: str) -> bool:
    stem = _surname_stem(person.last_name)
    return any(word.startswith(stem) for word in re.findall(r"[\wё-]+", search_key(text)))


# --- events ----------------------------------------------------------------------------------------------
def _clean_roles(roles: Iterable[str]) -> str:
    roles = [r for r in dict.fromkeys(roles or ()) if r]
    unknown = [r for r in roles if r not in AUDIENCE_ROLE_NAMES]
    if unknown:
        raise ValidationError({"audience_roles": "Неизвестная роль в списке участников."})
    return f",{','.join(roles)}," if roles else ""


@transaction.atomic
def event_save(
    *,
    actor,
    event: Event | None = None,
    organization: Organization | None = None,
    municipality: Municipality | None = None,
    region: Region | None = None,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    place: str = "",
    description: str = "",
    audience_roles: Iterable[str] = (),
    audience_forms: Iterable = (),
    audience_organizations: Iterable[Organization] = (),
    registration_open: bool = True,
    capacity: int | None = None,
    is_public: bool = False,
) -> Event:
    """Create (owner given by organization / municipality / region) or change an event."""
    if event is not None:
        organization, municipality, region = event.organization, event.municipality, event.region
        _require_open_of(event)
    else:
        organization, municipality, region = scope_of(organization, municipality, region)
    access = access_for(actor)
    require(
        access.can_manage(
            org_id=organization.pk if organization else None,
            municipality_id=municipality.pk if municipality else None,
            region_id=region.pk,
        ),
        NO_RIGHTS,
    )
    if kind not in EventKind.values:
        raise ValidationError({"kind": "Выберите вид мероприятия."})
    if kind == EventKind.FORUM and organization is not None:
        raise ValidationError({"kind": "Региональный форум проводит регион или муниципалитет, а не организация."})
    title = _clean_text(title, "title", "Название", max_length=300)
    if starts_at is None:
        raise ValidationError({"starts_at": "Укажите дату и время начала."})
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": "Окончание должно быть позже начала."})
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": "Число мест — не меньше 1 (или оставьте пустым)."})
    academic_year = _year_of(timezone.localtime(starts_at).date())
    _require_open(organization, academic_year)
    audience_organizations = list(audience_organizations or ())
    if audience_organizations:
        if organization is not None:
            raise ValidationError(
                {"audience_organizations": "Организации-участники выбирают для мероприятий муниципалитета и региона."}
            )
        foreign = [
            o
            for o in audience_organizations
            if o.municipality.region_id != region.pk or (municipality and o.municipality_id != municipality.pk)
        ]
        if foreign:
            raise ValidationError({"audience_organizations": f"«{foreign[0].short_name}» — не из вашей территории."})
    if event is None:
        event = Event(
            region=region, municipality=municipality, organization=organization, academic_year=academic_year,
            created_by=actor,
        )  # fmt: skip
    event.academic_year = academic_year
    event.kind = kind
    event.title = title
    event.starts_at = starts_at
    event.ends_at = ends_at
    event.place = normalize_spaces(place)[:300]
    event.description = (description or "").strip()
    event.audience_roles = _clean_roles(audience_roles)
    event.registration_open = bool(registration_open)
    event.capacity = capacity
    event.is_public = bool(is_public)
    event.save()
    event.audience_forms.set(list(audience_forms or ()))
    event.audience_organizations.set(audience_organizations)
    return event


@transaction.atomic
def event_delete(*, actor, event: Event) -> None:
    require(can_manage_owner(actor, event), NO_RIGHTS)
    _require_open_of(event)
    for material in event.materials.all():
        if material.file:
            material.file.delete(save=False)
    event.delete()


def _person_in_event_scope(event: Event, person: Person) -> bool:
    if event.organization_id:
        return person.organization_id == event.organization_id
    if person.region_id != event.region_id or person.organization_id is None:
        return False
    if event.municipality_id and person.municipality_id != event.municipality_id:
        return False
    orgs = set(event.audience_organizations.values_list("pk", flat=True))
    return not orgs or person.organization_id in orgs


def _in_audience_forms(event: Event, person: Person) -> bool:
    """No forms chosen: everyone; otherwise the person is in the mentor or mentee pool of one of them."""
    from nastavnik.pools.models import MenteeEntry, MentorEntry

    form_ids = list(event.audience_forms.values_list("pk", flat=True))
    if not form_ids:
        return True
    pools = {"person": person, "form_id__in": form_ids, "academic_year_id": event.academic_year_id}
    return MentorEntry.objects.filter(**pools).exists() or MenteeEntry.objects.filter(**pools).exists()


@transaction.atomic
def registration_add(*, actor, event: Event, person: Person | None = None) -> EventRegistration:
    """A participant registers themselves (`person` None or their own); the organiser, or the curator of
    the person's organisation, registers others. Registering twice returns the same registration."""
    access = access_for(actor)
    own = person is None or person.pk == access.person_id
    if own:
        if access.person_id is None:
            raise ValidationError("У вашей учётной записи нет карточки участника: записаться нельзя.")
        person = Person.objects.get(pk=access.person_id)
    existing = EventRegistration.objects.filter(event=event, person=person).first()
    if existing is not None:
        return existing
    _require_open_of(event)
    if own:
        if not event.registration_open:
            raise ValidationError("Запись на это мероприятие закрыта.")
        if event.has_started:
            raise ValidationError("Мероприятие уже началось: записаться нельзя.")
        roles = event.role_codes
        if roles and not (set(roles) & set(access.kinds)) and not access.is_admin:
            raise ValidationError(f"Мероприятие для: {', '.join(n.lower() for n in event.role_names)}.")
        if not _person_in_event_scope(event, person) and not access.is_admin:
            raise ValidationError("Мероприятие не для участников вашей организации.")
        if access.is_participant_only and not _in_audience_forms(event, person):
            names = ", ".join(f"«{f.name}»" for f in event.audience_forms.all())
            raise ValidationError(f"Мероприятие для участников форм наставничества: {names}.")
    else:
        organiser = can_manage_owner(actor, event)
        own_curator = person.organization_id is not None and can_manage_org(actor, person.organization)
        require(organiser or own_curator, "Записывать других участников могут организатор и куратор их организации.")
        if not _person_in_event_scope(event, person):
            raise ValidationError(f"{person.full_name} — не из организаций, для которых это мероприятие.")
    if event.capacity is not None and event.registrations.count() >= event.capacity:
        raise ValidationError(f"Все места заняты ({event.capacity}).")
    try:
        with transaction.atomic():
            return EventRegistration.objects.create(event=event, person=person, registered_by=actor)
    except IntegrityError:
        return EventRegistration.objects.get(event=event, person=person)


@transaction.atomic
def registration_cancel(*, actor, registration: EventRegistration) -> None:
    access = access_for(actor)
    event = registration.event
    own = registration.person_id == access.person_id
    organiser = can_manage_owner(actor, event)
    curator = registration.person.organization_id is not None and can_manage_org(
        actor, registration.person.organization
    )
    require(own or organiser or curator, "Отменить запись могут сам участник, организатор и куратор.")
    _require_open_of(event)
    if registration.attended is not None:
        raise ValidationError("Посещение уже отмечено: запись не отменяют.")
    if own and not (organiser or curator) and event.has_started:
        raise ValidationError("Мероприятие уже началось: запись не отменяют.")
    registration.delete()


@transaction.atomic
def attendance_save(*, actor, event: Event, attended_ids: Iterable[int]) -> int:
    """The organiser marks who came (everyone registered: present or absent). Returns the number present."""
    require(can_manage_owner(actor, event), NO_RIGHTS)
    _require_open_of(event)
    if not event.has_started:
        raise ValidationError(
            f"Мероприятие назначено на {date_ru(event.local_start.date())}: посещение отмечают после начала."
        )
    ids = {int(pk) for pk in attended_ids}
    registrations = list(event.registrations.all())
    unknown = ids - {r.pk for r in registrations}
    if unknown:
        raise ValidationError("В списке есть участник, не записанный на это мероприятие.")
    for registration in registrations:
        value = registration.pk in ids
        if registration.attended != value:
            registration.attended = value
            registration.marked_by = actor
            registration.save()
    return len(ids)


@transaction.atomic
def material_add(
    *, actor, event: Event, kind: str = MaterialKind.MATERIAL, title: str = "", file=None, url: str = "",
    is_public: bool = False,
) -> EventMaterial:  # fmt: skip
    require(can_manage_owner(actor, event), NO_RIGHTS)
    _require_open_of(event)
    if kind not in MaterialKind.values:
        raise ValidationError({"kind": "Выберите: материал или фотография."})
    if kind == MaterialKind.PHOTO and not file:
        raise ValidationError({"file": "Загрузите файл фотографии."})
    if not file and not url:
        raise ValidationError("Загрузите файл или укажите ссылку.")
    _check_upload(file, image=kind == MaterialKind.PHOTO)
    title = normalize_spaces(title) or getattr(file, "name", "") or url
    return EventMaterial.objects.create(
        event=event, kind=kind, title=title[:300], file=file or "", url=url or "", is_public=bool(is_public)
    )


@transaction.atomic
def material_delete(*, actor, material: EventMaterial) -> None:
    require(can_manage_owner(actor, material.event), NO_RIGHTS)
    if material.file:
        material.file.delete(save=False)
    material.delete()


# --- awards ----------------------------------------------------------------------------------------------
def can_decide_award(user, award: Award) -> bool:
    access = access_for(user)
    if access.is_admin or access.covers_area(region_id=award.region_id, municipality_id=award.municipality_id):
        return True
    kinds = access.kinds_in(award.organization_id)
    return bool(kinds & {RoleKind.WORKING_GROUP, RoleKind.DIRECTOR})


@transaction.atomic
def award_nominate(
    *,
    actor,
    organization: Organization,
    academic_year: AcademicYear,
    nomination: str,
    justification: str,
    mentor: Person | None = None,
    mentorship=None,
    form=None,
    event: Event | None = None,
) -> Award:
    from nastavnik.pools.models import MentorEntry

    require(can_manage_org(actor, organization), NO_AWARD_RIGHTS)
    _require_open(organization, academic_year)
    if nomination not in Nomination.values:
        raise ValidationError({"nomination": "Выберите номинацию."})
    justification = _clean_text(justification, "justification", "Обоснование")
    if len(justification) < 20:
        raise ValidationError({"justification": "Обоснуйте выдвижение: чего добились наставник и наставляемые."})
    if nomination == Nomination.BEST_PAIR:
        if mentorship is None:
            raise ValidationError({"mentorship": "Для номинации «Лучшая наставническая пара» выберите пару."})
        if mentorship.organization_id != organization.pk or mentorship.academic_year_id != academic_year.pk:
            raise ValidationError({"mentorship": "Пара не из этой организации и учебного года."})
        mentor, form = mentorship.mentor, mentorship.form
    else:
        if mentor is None:
            raise ValidationError({"mentor": "Выберите наставника."})
        in_pool = MentorEntry.objects.filter(person=mentor, organization=organization, academic_year=academic_year)
        if form is not None:
            in_pool = in_pool.filter(form=form)
        if not in_pool.exists():
            raise ValidationError(
                {"mentor": f"{mentor.full_name} нет в базе наставников организации этого года"
                 + (f" по форме «{form.name}»." if form else ".")}
            )  # fmt: skip
    if event is not None and (
        event.organization_id not in (None, organization.pk) or event.region_id != organization.region_id
    ):
        raise ValidationError({"event": "Мероприятие не этой организации."})
    if Award.objects.filter(
        academic_year=academic_year, organization=organization, nomination=nomination, mentor=mentor, form=form
    ).exists():
        raise ValidationError(f"{mentor.full_name} уже выдвинут(а) в этой номинации в {academic_year}.")
    return Award.objects.create(
        region=organization.municipality.region, municipality=organization.municipality, organization=organization,
        academic_year=academic_year, nomination=nomination, form=form, mentor=mentor, mentorship=mentorship,
        event=event, justification=justification, nominated_by=actor,
    )  # fmt: skip


@transaction.atomic
def award_decide(*, actor, award: Award, awarded: bool, comment: str = "") -> Award:
    require(can_decide_award(actor, award), NO_DECISION_RIGHTS)
    _require_open(award.organization, award.academic_year)
    comment = normalize_spaces(comment)
    if not awarded and not comment:
        raise ValidationError({"comment": "Укажите причину, по которой наставник не награждён."})
    award.status = AwardStatus.AWARDED if awarded else AwardStatus.NOT_AWARDED
    award.decision_comment = comment[:500]
    award.decided_by = actor
    award.decided_at = timezone.now()
    award.save()
    return award


@transaction.atomic
def award_delete(*, actor, award: Award) -> None:
    require(can_manage_org(actor, award.organization), NO_AWARD_RIGHTS)
    _require_open_of(award)
    if award.status != AwardStatus.NOMINATED:
        raise ValidationError("Решение уже принято: выдвижение не удаляют.")
    award.delete()


# --- cases -----------------------------------------------------------------------------------------------
def can_write_case_from(user, mentorship) -> bool:
    """The mentor of the mentorship or the organisation's curator/director."""
    access = access_for(user)
    return can_manage_org(user, mentorship.organization) or (
        access.person_id is not None and mentorship.mentor_id == access.person_id
    )


def can_edit_case(user, case: PracticeCase) -> bool:
    if case.status not in (CaseStatus.DRAFT, CaseStatus.CURATOR_REVIEW):
        return False
    if can_manage_owner(user, case):
        return True
    return case.status == CaseStatus.DRAFT and case.author_id is not None and case.author_id == user.pk


def can_moderate_case(user, case: PracticeCase) -> bool:
    access = access_for(user)
    if case.status == CaseStatus.CURATOR_REVIEW:
        return can_manage_owner(user, case)
    if case.status in (CaseStatus.REGION_REVIEW, CaseStatus.PUBLISHED):
        return access.is_admin or case.region_id in access.region_ids
    return False


def _check_results(results: str) -> str:
    results = _clean_text(results, "results", "Результаты")
    if not re.search(r"\d", results):
        raise ValidationError({"results": "Опишите результаты в цифрах: сколько, на сколько процентов, какие баллы."})
    return results


@transaction.atomic
def case_save(
    *,
    actor,
    title: str,
    form,
    topic: str,
    problem: str,
    actions: str,
    results: str,
    case: PracticeCase | None = None,
    organization: Organization | None = None,
    academic_year: AcademicYear | None = None,
    mentorship=None,
) -> PracticeCase:
    from nastavnik.mentorships.models import MentorshipStatus

    if case is not None:
        require(can_edit_case(actor, case), "Кейс на проверке или опубликован: изменить его нельзя.")
        _require_open_of(case)
    else:
        if mentorship is not None:
            organization, academic_year = mentorship.organization, mentorship.academic_year
            require(can_write_case_from(actor, mentorship), NO_CASE_RIGHTS)
            if mentorship.status != MentorshipStatus.COMPLETED:
                raise ValidationError("Кейс пишут по завершённой паре: эта пара ещё не завершена.")
        else:
            require(can_manage_org(actor, organization), NO_CASE_RIGHTS)
        if academic_year is None:
            academic_year = _year_of(timezone.localdate())
        _require_open(organization, academic_year)
    if form is None:
        raise ValidationError({"form": "Выберите форму наставничества."})
    title = _clean_text(title, "title", "Название кейса", max_length=300)
    topic = _clean_text(topic, "topic", "Тема", max_length=200)
    problem = _clean_text(problem, "problem", "Проблема")
    actions = _clean_text(actions, "actions", "Что было сделано")
    results = _check_results(results)
    if case is None:
        person = getattr(actor, "person", None)
        case = PracticeCase(
            region=organization.municipality.region, municipality=organization.municipality,
            organization=organization, academic_year=academic_year, mentorship=mentorship, author=actor,
            author_name=person.full_name if person else actor.get_username(),
        )  # fmt: skip
    case.title, case.form, case.topic = title, form, topic
    case.problem, case.actions, case.results = problem, actions, results
    case.search_key = search_key(title, topic, problem, actions, results)
    case.save()
    return case


def _require_case_clear(case: PracticeCase) -> None:
    _require_no_unconsented_minors(
        _case_text(case), organization=case.organization, mentorship=case.mentorship, what="Кейс"
    )


@transaction.atomic
def case_submit(*, actor, case: PracticeCase) -> PracticeCase:
    """Send a draft for moderation: to the curator, or (written by the curator) straight to the region."""
    require(can_edit_case(actor, case) and case.status == CaseStatus.DRAFT, "Отправить на проверку можно черновик.")
    _require_open_of(case)
    _require_case_clear(case)
    case.status = CaseStatus.REGION_REVIEW if can_manage_owner(actor, case) else CaseStatus.CURATOR_REVIEW
    case.moderation_comment = ""
    case.save()
    return case


@transaction.atomic
def case_moderate(*, actor, case: PracticeCase, decision: str, comment: str = "") -> PracticeCase:
    """«approve»: curator → region → published; «return»: back to the author with remarks;
    «unpublish» (region): off the public pages, back to the region's review."""
    require(can_moderate_case(actor, case), "Этот шаг проверки кейса выполняют куратор, затем регион.")
    if case.status == CaseStatus.CURATOR_REVIEW:
        _require_open_of(case)  # the region moderates and publishes the cases of a closed year too
    comment = (comment or "").strip()
    if decision == "approve":
        if case.status == CaseStatus.PUBLISHED:
            return case
        _require_case_clear(case)
        if case.status == CaseStatus.CURATOR_REVIEW:
            case.status = CaseStatus.REGION_REVIEW
        else:
            case.status = CaseStatus.PUBLISHED
            case.published_at = timezone.now()
            case.published_by = actor
        case.moderation_comment = comment
    elif decision in ("return", "unpublish"):
        if not comment:
            raise ValidationError({"comment": "Напишите, что исправить."})
        if decision == "unpublish" and case.status != CaseStatus.PUBLISHED:
            raise ValidationError("Кейс не опубликован.")
        case.status = CaseStatus.DRAFT if decision == "return" else CaseStatus.REGION_REVIEW
        case.moderation_comment = comment
    else:
        raise ValidationError("Неизвестное решение.")
    case.save()
    return case


@transaction.atomic
def case_delete(*, actor, case: PracticeCase) -> None:
    access = access_for(actor)
    allowed = (
        can_manage_owner(actor, case)
        or access.covers_area(region_id=case.region_id)
        or (case.status == CaseStatus.DRAFT and case.author_id == actor.pk)
    )
    require(allowed, "Удалить кейс могут автор (черновик), куратор и региональный координатор.")
    for material in case.materials.all():
        if material.file:
            material.file.delete(save=False)
    case.delete()


@transaction.atomic
def case_material_add(*, actor, case: PracticeCase, title: str = "", file=None, url: str = "") -> CaseMaterial:
    require(can_edit_case(actor, case), "Материалы добавляют, пока кейс не отправлен в регион.")
    _require_open_of(case)
    if not file and not url:
        raise ValidationError("Загрузите файл или укажите ссылку.")
    _check_upload(file)
    title = normalize_spaces(title) or getattr(file, "name", "") or url
    return CaseMaterial.objects.create(case=case, title=title[:300], file=file or "", url=url or "")


@transaction.atomic
def case_material_delete(*, actor, material: CaseMaterial) -> None:
    require(can_edit_case(actor, material.case), "Материалы удаляют, пока кейс не отправлен в регион.")
    if material.file:
        material.file.delete(save=False)
    material.delete()


# --- public page and news --------------------------------------------------------------------------------
PAGE_TOGGLES = ("enabled", "show_program", "show_curator", "show_forms", "show_events", "show_cases", "show_news")


@transaction.atomic
def public_page_save(*, actor, organization: Organization, intro: str = "", **toggles) -> PublicPage:
    require(can_manage_org(actor, organization), NO_PAGE_RIGHTS)
    unknown = set(toggles) - set(PAGE_TOGGLES)
    if unknown:
        raise ValidationError(f"Неизвестные настройки: {', '.join(sorted(unknown))}.")
    page, _ = PublicPage.objects.get_or_create(organization=organization)
    page.intro = (intro or "").strip()
    for name, value in toggles.items():
        setattr(page, name, bool(value))
    page.save()
    return page


@transaction.atomic
def publication_save(
    *,
    actor,
    title: str,
    text: str,
    rubric: str = "",
    publication: Publication | None = None,
    organization: Organization | None = None,
    academic_year: AcademicYear | None = None,
    event: Event | None = None,
    case: PracticeCase | None = None,
) -> Publication:
    if publication is not None:
        organization = publication.organization
    require(organization is not None and can_manage_org(actor, organization), NO_PAGE_RIGHTS)
    if publication is not None:
        _require_open_of(publication)
    else:
        academic_year = academic_year or _year_of(timezone.localdate())
        _require_open(organization, academic_year)
    title = _clean_text(title, "title", "Заголовок", max_length=300)
    text = _clean_text(text, "text", "Текст")
    rubric = normalize_spaces(rubric) or "Наставничество"
    if event is not None and event.organization_id not in (None, organization.pk):
        raise ValidationError({"event": "Мероприятие другой организации."})
    if case is not None and case.organization_id != organization.pk and case.status != CaseStatus.PUBLISHED:
        raise ValidationError({"case": "Кейс другой организации ещё не опубликован."})
    if publication is None:
        publication = Publication(
            region=organization.municipality.region, municipality=organization.municipality,
            organization=organization, academic_year=academic_year or _year_of(timezone.localdate()),
            created_by=actor,
        )  # fmt: skip
    publication.title, publication.text, publication.rubric = title, text, rubric[:100]
    publication.event, publication.case = event, case
    if publication.is_published:
        _require_no_unconsented_minors(f"{title}\n{text}", organization=organization, what="Публикация")
    publication.save()
    return publication


@transaction.atomic
def publication_publish(*, actor, publication: Publication, publish: bool = True) -> Publication:
    require(can_manage_org(actor, publication.organization), NO_PAGE_RIGHTS)
    if publish:
        _require_open_of(publication)
        _require_no_unconsented_minors(
            f"{publication.title}\n{publication.text}", organization=publication.organization, what="Публикация"
        )
        publication.is_published = True
        publication.published_at = publication.published_at or timezone.now()
    else:
        publication.is_published = False
    publication.save()
    return publication


@transaction.atomic
def publication_image_add(*, actor, publication: Publication, file, caption: str = "") -> PublicationImage:
    require(can_manage_org(actor, publication.organization), NO_PAGE_RIGHTS)
    _require_open_of(publication)
    if not file:
        raise ValidationError({"file": "Загрузите изображение."})
    _check_upload(file, image=True)
    return PublicationImage.objects.create(publication=publication, file=file, caption=normalize_spaces(caption)[:300])


@transaction.atomic
def publication_delete(*, actor, publication: Publication) -> None:
    require(can_manage_org(actor, publication.organization), NO_PAGE_RIGHTS)
    for image in publication.images.all():
        image.file.delete(save=False)
    publication.delete()
