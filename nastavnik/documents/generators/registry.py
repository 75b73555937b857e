"""{identifier: generator}: views, services, the batch runner and the benchmark look generators up here."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .awards import Certificate, ThankYouLetter
from .base import DocumentGenerator
from .certification import CuratorCertificateDocument
from .consent import ConsentForm
from .lists import MenteePoolList, MentorPoolList
from .mentorship import IndividualPlanDocument, JournalDocument, MentorshipChangeOrder, PairsOrder
from .orders import OrderImplementation, OrderWorkingGroup
from .program import ProgramDocument, RoadmapDocument
from .protocol import MeetingProtocol
from .regulation import Regulation
from .report import RegionalDigest, YearReport

GENERATORS: dict[str, DocumentGenerator] = {
    generator.identifier: generator
    for generator in (
        OrderImplementation(),
        OrderWorkingGroup(),
        Regulation(),
        ProgramDocument(),
        RoadmapDocument(),
        MeetingProtocol(),
        PairsOrder(),
        MentorshipChangeOrder(),
        IndividualPlanDocument(),
        JournalDocument(),
        ConsentForm(),
        Certificate(),
        ThankYouLetter(),
        CuratorCertificateDocument(),
        MenteePoolList(),
        MentorPoolList(),
        YearReport(),
        RegionalDigest(),
    )
}


def get(identifier: str) -> DocumentGenerator:
    try:
        return GENERATORS[identifier]
    except KeyError:
        raise ValidationError(f"Неизвестный вид документа «{identifier}».") from None


def choices() -> list[tuple[str, str]]:
    return [(g.identifier, g.title_ru) for g in GENERATORS.values()]
