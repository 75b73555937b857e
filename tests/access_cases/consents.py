"""URL cases of the consents app."""

from __future__ import annotations

from django.utils import timezone

from nastavnik.consents.models import Consent, ConsentRequest

from .base import Case


def _consent(cast):
    consent = Consent.objects.filter(person=cast.teacher_a).first()
    return consent or Consent.objects.create(
        person=cast.teacher_a,
        organization=cast.school_a,
        kind="adult",
        method="scan",
        signer_name=cast.teacher_a.full_name,
        text="Согласие",
        given_at=timezone.now(),
    )


def _token(cast):
    request = ConsentRequest.objects.filter(person=cast.teacher_a).first()
    request = request or ConsentRequest.objects.create(
        person=cast.teacher_a,
        organization=cast.school_a,
        kind="adult",
        token="test-token-of-school-a-0123456789abcdef",
        expires_at=timezone.now() + timezone.timedelta(days=3),
    )
    return {"token": request.token}


CASES = {
    "consents:person": Case(kwargs=lambda c: {"pk": c.pupil_a.pk}),
    "consents:request_create": Case(kwargs=lambda c: {"pk": c.teacher_a.pk}, write=True),
    "consents:blank": Case(kwargs=lambda c: {"pk": c.pupil_a.pk}),
    "consents:scan_upload": Case(kwargs=lambda c: {"pk": c.teacher_a.pk}, write=True),
    "consents:revoke": Case(kwargs=lambda c: {"pk": _consent(c).pk}, write=True),
    "consents:scan_download": Case(kwargs=lambda c: {"pk": _consent(c).pk}),
    "consents:organization": Case(kwargs=lambda c: {"org_pk": c.school_a.pk}),
    "consents:give": Case(kwargs=_token, public=True),
}
