"""Writes of consents (152-ФЗ). Rules owned here:
- who signs follows the age of the person today: under 14 the legal representative, 14–17 the
  minor together with the representative, 18+ the person; a birth date is needed to know it;
- an electronic consent goes through a one-time link (expires, single use) and records the text
  shown, the moment, the IP address and the browser; a paper one is a scan of the signed form;
- revocation keeps the fact and the date, takes the person out of the pools and anonymises their
  questionnaire answers.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nastavnik.core.declension import Case, decline_fio
from nastavnik.core.text import date_ru, normalize_spaces
from nastavnik.people.access import access_for, require
from nastavnik.people.models import Person

from .models import Consent, ConsentKind, ConsentMethod, ConsentRequest, kind_for_age

NO_RIGHTS = "Согласия оформляют руководитель и куратор организации."
SCAN_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}
SCAN_MAX_BYTES = 10 * 1024 * 1024

PURPOSES = (
    "участия в реализации программы наставничества (целевой модели наставничества обучающихся, "
    "распоряжение Министерства просвещения Российской Федерации от 25.12.2019 № Р-145): формирования баз "
    "наставников и наставляемых, подбора наставнических пар и групп, ведения индивидуальных планов и журналов "
    "наставника, мониторинга и подготовки отчётности"
)
DATA = (
    "фамилия, имя, отчество; пол; дата рождения; класс (группа), должность, предмет или специальность; "
    "контактный телефон и адрес электронной почты; сведения об участии в программе наставничества, ответы на "
    "анкеты, результаты мониторинга"
)
ACTIONS = (
    "сбор, запись, систематизация, накопление, хранение, уточнение (обновление, изменение), извлечение, "
    "использование, передача (предоставление, доступ) в региональный наставнический центр в обобщённом виде, "
    "обезличивание, блокирование, удаление, уничтожение"
)


def _require_manage(actor, person: Person) -> None:
    require(
        access_for(actor).can_manage_owner_of(person),
        NO_RIGHTS,
    )


def required_kind(person: Person) -> str:
    kind = kind_for_age(person.age)
    if kind is None:
        raise ValidationError("Укажите дату рождения участника: от возраста зависит, кто подписывает согласие.")
    return kind


def first_guardian(person: Person) -> Person | None:
    link = person.guardian_links.select_related("guardian").order_by("id").first()
    return link.guardian if link else None


def consent_text(*, person: Person, kind: str, guardian: Person | None, on: dt.date | None = None) -> str:
    """The consent in Russian, as shown on the link page and printed on the paper form."""
    on = on or timezone.localdate()
    organization = person.organization
    operator = organization.name if organization else str(person.region)
    address = f", адрес: {organization.address}" if organization and organization.address else ""
    born = f", {person.birth_date:%d.%m.%Y} года рождения" if person.birth_date else ""
    if kind == ConsentKind.ADULT:
        opening = f"Я, {person.full_name}{born}, "
        whose = "моих персональных данных"
    else:
        if guardian is None:
            raise ValidationError("Укажите законного представителя: без него согласие несовершеннолетнего не оформить.")
        child = decline_fio(
            person.last_name, person.first_name, person.patronymic, gender=person.gender, case=Case.GENITIVE
        )
        opening = f"Я, {guardian.full_name}, являясь законным представителем {child}{born}, "
        whose = "персональных данных моего ребёнка (подопечного)"
        if kind == ConsentKind.MINOR_WITH_GUARDIAN:
            opening = f"Мы, {person.full_name}{born}, и {guardian.full_name}, законный представитель, "
            whose = "персональных данных несовершеннолетнего"
    return (
        f"{opening}в соответствии со статьёй 9 Федерального закона от 27.07.2006 № 152-ФЗ "
        f"«О персональных данных» даю (даём) согласие оператору — {operator}{address} — на обработку {whose} "
        f"в целях {PURPOSES}.\n\n"
        f"Перечень персональных данных: {DATA}.\n\n"
        f"Перечень действий: {ACTIONS}; обработка ведётся с использованием средств автоматизации и без них.\n\n"
        "Согласие действует до окончания участия в программе наставничества и хранения документов по ней "
        "в сроки, установленные законодательством, и может быть отозвано письменным заявлением оператору. "
        "После отзыва участник исключается из баз программы, а его ответы на анкеты обезличиваются.\n\n"
        f"Дата: {date_ru(on)}"
    )


@transaction.atomic
def consent_request_create(*, actor, person: Person, days_valid: int = 14, now=None) -> ConsentRequest:
    """A one-time link for an electronic consent (an open, unexpired one is reused)."""
    _require_manage(actor, person)
    if person.organization_id is None:
        raise ValidationError("Согласие оформляется в организации участника.")
    kind = required_kind(person)
    guardian = first_guardian(person) if kind != ConsentKind.ADULT else None
    if kind != ConsentKind.ADULT and guardian is None:
        raise ValidationError(
            "Сначала укажите законного представителя: до 18 лет согласие даётся с его участием (до 14 — им самим)."
        )
    now = now or timezone.now()
    open_request = ConsentRequest.objects.filter(person=person, used_at__isnull=True).first()
    if open_request is not None:
        if open_request.is_open_on(now) and open_request.kind == kind:
            return open_request
        open_request.delete()
    return ConsentRequest.objects.create(
        person=person,
        organization_id=person.organization_id,
        kind=kind,
        guardian=guardian,
        token=secrets.token_urlsafe(32),
        expires_at=now + dt.timedelta(days=days_valid),
        created_by=actor,
    )


@transaction.atomic
def consent_give(
    *,
    token: str,
    agree: bool,
    minor_agrees: bool = False,
    ip_address: str | None = None,
    user_agent: str = "",
    now=None,
) -> Consent:
    """The person (or the representative) agrees on the link page."""
    now = now or timezone.now()
    request = ConsentRequest.objects.select_for_update().filter(token=token).select_related("person").first()
    if request is None or request.used_at is not None or request.expires_at <= now:
        raise ValidationError("Ссылка недействительна: она уже использована или срок её действия истёк.")
    if not agree:
        raise ValidationError("Чтобы дать согласие, отметьте «Согласен(на)».")
    if request.kind == ConsentKind.MINOR_WITH_GUARDIAN and not minor_agrees:
        raise ValidationError("С 14 лет согласие даёт и сам несовершеннолетний: отметьте оба пункта.")
    person = request.person
    signer = request.guardian.full_name if request.guardian else person.full_name
    if request.kind == ConsentKind.MINOR_WITH_GUARDIAN:
        signer = f"{person.full_name}; {request.guardian.full_name}"
    consent = Consent.objects.create(
        person=person,
        organization=request.organization,
        kind=request.kind,
        method=ConsentMethod.ELECTRONIC,
        signer_name=signer,
        guardian=request.guardian,
        text=consent_text(person=person, kind=request.kind, guardian=request.guardian, on=timezone.localdate(now)),
        given_at=now,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:400],
    )
    request.used_at = now
    request.save(update_fields=["used_at", "updated_at"])
    return consent


@transaction.atomic
def consent_record_scan(*, actor, person: Person, scan, given_on: dt.date, signer_name: str = "") -> Consent:
    """Record a paper consent: the signed form, scanned."""
    _require_manage(actor, person)
    kind = required_kind(person)
    name = scan.name.lower()
    if not any(name.endswith(ext) for ext in SCAN_TYPES):
        raise ValidationError({"scan": "Загрузите скан в формате PDF, JPG или PNG."})
    if scan.size > SCAN_MAX_BYTES:
        raise ValidationError({"scan": "Файл больше 10 МБ: отсканируйте с меньшим разрешением."})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": "Дата подписания не может быть в будущем."})
    guardian = first_guardian(person) if kind != ConsentKind.ADULT else None
    if kind != ConsentKind.ADULT and guardian is None:
        raise ValidationError("Сначала укажите законного представителя.")
    default_signer = guardian.full_name if kind == ConsentKind.GUARDIAN_FOR_CHILD else person.full_name
    return Consent.objects.create(
        person=person,
        organization_id=person.organization_id,
        kind=kind,
        method=ConsentMethod.SCAN,
        signer_name=normalize_spaces(signer_name) or default_signer,
        guardian=guardian,
        text=consent_text(person=person, kind=kind, guardian=guardian, on=given_on),
        given_at=timezone.make_aware(dt.datetime.combine(given_on, dt.time(12, 0))),
        scan=scan,
        recorded_by=actor,
    )


@transaction.atomic
def consent_revoke(*, actor, consent: Consent, reason: str, now=None) -> dict[str, int]:
    """Revoke: the fact and the date stay; the person leaves the pools; their answers are anonymised."""
    _require_manage(actor, consent.person)
    if consent.revoked_at is not None:
        raise ValidationError("Согласие уже отозвано.")
    if not normalize_spaces(reason):
        raise ValidationError({"reason": "Укажите основание отзыва (например, заявление от такой-то даты)."})
    consent.revoked_at = now or timezone.now()
    consent.revocation_reason = normalize_spaces(reason)
    consent.save(update_fields=["revoked_at", "revocation_reason", "updated_at"])
    effects = {"pools": 0, "answers": 0}
    if not Consent.objects.filter(person=consent.person, revoked_at__isnull=True).exists():
        effects = _withdraw_everywhere(consent.person, consent.revocation_reason)
    return effects


def _withdraw_everywhere(person: Person, reason: str) -> dict[str, int]:
    # Consents sit below the pools and the questionnaires; revocation reaches up to them on purpose.
    from nastavnik.pools.services import pools_leave_for
    from nastavnik.questionnaires.services import responses_anonymize_for

    return {
        "pools": pools_leave_for(person=person, reason=f"Отзыв согласия на обработку персональных данных: {reason}"),
        "answers": responses_anonymize_for(person=person),
    }


def log_scan_download(*, actor, consent: Consent) -> None:
    """Opening the scan of a signed consent is an export of personal data: it goes to the audit log."""
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        consent,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        changes={"export": ["скан согласия", consent.person.full_name]},
        additional_data={"export": "consent_scan", "person_id": consent.person_id},
    )
