"""What «the same demo» means, app by app: the rows a rebuilt region must reproduce exactly."""

from __future__ import annotations

from nastavnik.certification.models import CuratorCertificate, CuratorTraining
from nastavnik.documents.models import IssuedDocument
from nastavnik.events.models import Award, Event, EventRegistration, PracticeCase
from nastavnik.feedback.models import FinalFeedback
from nastavnik.matching.models import MatchingRun, Proposal, SelfMatchRequest, Unmatched
from nastavnik.mentorbase.models import BaseMentor, MentorRequest
from nastavnik.mentorships.models import IndividualPlan, JournalEntry, Meeting, Mentorship, MentorshipMentee
from nastavnik.monitoring.models import Measurement
from nastavnik.people.models import Person
from nastavnik.pools.models import CriterionScore, MenteeEntry, MentorEntry


def people():
    return list(
        Person.objects.order_by("organization__short_name", "last_name", "first_name", "patronymic").values_list(
            "last_name", "first_name", "patronymic", "birth_date", "class_name", "category"
        )
    )


def pools():
    return (
        sorted(MenteeEntry.objects.values_list("person__last_name", "person__first_name", "form__code", "status")),
        sorted(MentorEntry.objects.values_list("person__last_name", "person__first_name", "form__code", "status")),
        sorted(CriterionScore.objects.values_list("entry__person__last_name", "criterion", "score")),
    )


def mentorships():
    return (
        sorted(Mentorship.objects.values_list("mentor__last_name", "status", "start_date", "end_reason")),
        sorted(MentorshipMentee.objects.values_list("person__last_name", "mentorship__mentor__last_name")),
        Meeting.objects.count(),
        sorted(IndividualPlan.objects.values_list("mentorship__mentor__last_name", "number", "status")),
        JournalEntry.objects.count(),
    )


def matching():
    return (
        sorted(MatchingRun.objects.values_list("organization__short_name", "form__code", "status", "number")),
        sorted(
            Proposal.objects.values_list(
                "run__organization__short_name", "mentee_entry__person__last_name", "mentor_entry__person__last_name",
                "score",
            )
        ),
        sorted(Unmatched.objects.values_list("mentee_entry__person__last_name", "code")),
    )  # fmt: skip


def documents():
    return sorted(IssuedDocument.objects.values_list("organization__short_name", "generator_id", "number", "date"))


def events():
    return (
        sorted(Event.objects.values_list("title", "kind", "starts_at")),
        EventRegistration.objects.count(),
        sorted(Award.objects.values_list("nomination", "status")),
        sorted(PracticeCase.objects.values_list("title", "status")),
    )


def monitoring():
    return sorted(Measurement.objects.values_list("person__last_name", "parameter", "stage", "value"))


def selfmatch():
    return sorted(
        SelfMatchRequest.objects.values_list(
            "mentee_entry__person__last_name", "mentor_entry__person__last_name", "status", "expires_on"
        )
    )


def mentorbase():
    return (
        sorted(BaseMentor.objects.values_list("person__last_name", "organization__short_name", "status")),
        sorted(MentorRequest.objects.values_list("from_organization__short_name", "status")),
    )


def certification():
    return (
        sorted(CuratorTraining.objects.values_list("person__last_name", "hours", "status")),
        sorted(CuratorCertificate.objects.values_list("person__last_name")),
    )


def final_feedback():
    return sorted(FinalFeedback.objects.values_list("person__last_name", "goal_reached"))


def everything():
    return {
        "people": people(),
        "pools": pools(),
        "mentorships": mentorships(),
        "matching": matching(),
        "documents": documents(),
        "events": events(),
        "monitoring": monitoring(),
        "selfmatch": selfmatch(),
        "mentorbase": mentorbase(),
        "certification": certification(),
        "final_feedback": final_feedback(),
    }
