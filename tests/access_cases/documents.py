"""URL cases of the documents app (generators, register, scans, settings, own templates, batches)."""

from __future__ import annotations

import functools
import tempfile

from django.core.files.base import ContentFile
from django.test import override_settings

from nastavnik.documents import services as document_services
from nastavnik.documents.generators import registry
from nastavnik.documents.models import BatchJob, CustomTemplate, IssuedDocument
from nastavnik.documents.templating import sample_template
from nastavnik.orgs.services import academic_year_current

from .base import Case
from .core import _org_year


@functools.cache
def _media_root() -> str:
    return tempfile.mkdtemp(prefix="nastavnik-matrix-media-")


def _in_tmp_media(helper):
    """Files the matrix makes go to a temporary MEDIA_ROOT, not the checkout's data/media."""

    @functools.wraps(helper)
    def wrapped(cast):
        with override_settings(MEDIA_ROOT=_media_root()):
            return helper(cast)

    return wrapped


@_in_tmp_media
def _document(cast) -> IssuedDocument:
    document = IssuedDocument.objects.filter(organization=cast.school_a).first()
    if document is None:
        year = academic_year_current()
        document = document_services.document_issue(
            actor=cast.user("admin"),
            generator_id="regulation",
            options={"organization_id": cast.school_a.pk, "year": year.start_year, "date": year.start_date.isoformat()},
        ).document
    return document


def _version(cast):
    return _document(cast).versions.first()


@_in_tmp_media
def _with_scan(cast) -> IssuedDocument:
    document = _document(cast)
    if not document.scan:
        scan = ContentFile(b"%PDF-1.4 signed", name="scan.pdf")
        document_services.document_attach_scan(actor=cast.user("admin"), document=document, scan=scan)
    return document


@_in_tmp_media
def _template(cast) -> CustomTemplate:
    template = CustomTemplate.objects.filter(organization=cast.school_a).first()
    if template is None:
        content = sample_template(registry.get("regulation"))
        template = document_services.template_upload(
            actor=cast.user("admin"),
            organization=cast.school_a,
            generator_id="regulation",
            file=ContentFile(content, name="Положение.docx"),
            name="Наш бланк",
        )
        # the matrix checks access, not the template: keep the built-in layout in use
        document_services.template_set_active(actor=cast.user("admin"), template=template, is_active=False)
    return template


def _batch(cast) -> BatchJob:
    batch = BatchJob.objects.filter(organization=cast.school_a).first()
    return batch or BatchJob.objects.create(
        organization=cast.school_a,
        academic_year=academic_year_current(),
        generator_id="certificate",
        person_ids=[cast.teacher_a.pk],
        total=1,
        created_by=cast.user("admin"),
    )


def _issue(cast):
    return {**_org_year(cast), "generator_id": "order_implementation"}


CASES: dict[str, Case] = {
    "documents:index": Case(listing=True),
    "documents:year": Case(kwargs=_org_year),
    "documents:register_export": Case(kwargs=_org_year),
    "documents:issue": Case(kwargs=_issue, write=True),
    "documents:settings": Case(kwargs=_org_year, write=True),
    "documents:templates": Case(kwargs=_org_year, write=True),
    "documents:template_sample": Case(kwargs=lambda c: {**_org_year(c), "generator_id": "regulation"}),
    "documents:batch": Case(kwargs=_org_year, write=True),
    "documents:template_preview": Case(kwargs=lambda c: {"pk": _template(c).pk}),
    "documents:template_toggle": Case(kwargs=lambda c: {"pk": _template(c).pk}, write=True),
    "documents:batch_status": Case(kwargs=lambda c: {"pk": _batch(c).pk}),
    "documents:batch_download": Case(kwargs=lambda c: {"pk": _batch(c).pk}),
    "documents:document_detail": Case(kwargs=lambda c: {"pk": _document(c).pk}),
    "documents:document_regenerate": Case(kwargs=lambda c: {"pk": _document(c).pk}, write=True),
    "documents:document_scan": Case(kwargs=lambda c: {"pk": _document(c).pk}, write=True),
    "documents:scan_download": Case(kwargs=lambda c: {"pk": _with_scan(c).pk}),
    "documents:version_download": Case(kwargs=lambda c: {"pk": _version(c).pk}),
    "documents:version_pdf": Case(kwargs=lambda c: {"pk": _version(c).pk}),
}
