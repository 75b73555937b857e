"""The demo's impact monitoring (the second stage, seed 000 stage 7): entry and exit measurements of
grades, attendance and self-esteem for some mentees of each organisation and, for the comparison the
monitoring page shows, for some of their classmates who are not in a mentorship. Built through the
monitoring services after the pools and mentorships demos; the same on every run (fixed seed, dates
counted from 1 September of the demo year)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from nastavnik.mentorships.models import MentorshipMentee
from nastavnik.monitoring import services
from nastavnik.monitoring.models import Measurement
from nastavnik.people.models import Category, Person
from nastavnik.pools.models import MenteeEntry

SEED = 20260908
MENTEES_MEASURED = 12
CLASSMATES_MEASURED = 8
# (parameter, entry range, the usual change of a mentee, of a classmate)
PLAN = (
    ("grades", (2.8, 3.8), 0.35, 0.05),
    ("attendance", (78, 92), 5, 0),
    ("self_esteem", (3, 6), 1.5, 0.2),
)


def _mentees(organization, academic_year) -> list[Person]:
    ids = list(
        MentorshipMentee.objects.filter(
            mentorship__organization=organization, mentorship__academic_year=academic_year
        ).values_list("person_id", flat=True)
    )
    if not ids:
        ids = list(
            MenteeEntry.objects.filter(
                organization=organization, academic_year=academic_year, status__in=("in_mentorship", "completed")
            ).values_list("person_id", flat=True)
        )
    return list(Person.objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk")[:MENTEES_MEASURED])


def _value(rng: random.Random, low, high, parameter: str) -> Decimal:
    value = rng.uniform(low, high)
    return Decimal(str(round(value, 1 if parameter != "attendance" else 0)))


def build_monitoring(*, admin, organization, academic_year, today: dt.date) -> int:
    """Returns the number of measurements recorded (0 on a repeated run: nothing changes)."""
    rng = random.Random(f"{SEED}-{organization.short_name}")
    entry_day = academic_year.start_date + dt.timedelta(days=14)
    if entry_day > today:
        return 0
    exit_day = min(today, academic_year.start_date + dt.timedelta(days=85))
    mentees = _mentees(organization, academic_year)
    classes = {p.class_name for p in mentees if p.class_name}
    classmates = list(
        Person.objects.filter(organization=organization, class_name__in=classes,
                              category__in=(Category.PUPIL, Category.STUDENT))
        .exclude(pk__in=[p.pk for p in mentees])
        .order_by("last_name", "first_name", "pk")[:CLASSMATES_MEASURED]
    )  # fmt: skip
    before = Measurement.objects.filter(organization=organization, academic_year=academic_year).count()
    for people, is_mentee in ((mentees, True), (classmates, False)):
        for person in people:
            for parameter, (low, high), gain, drift in PLAN:
                start = _value(rng, low, high, parameter)
                services.measurement_save(
                    actor=admin, organization=organization, academic_year=academic_year, person=person,
                    parameter=parameter, stage="entry", value=start, measured_on=entry_day, today=today,
                )  # fmt: skip
                if exit_day <= entry_day:
                    continue
                change = (gain if is_mentee else drift) + rng.uniform(-0.3, 0.3) * (gain or 1)
                low_bound, high_bound = (
                    (1, 5) if parameter == "grades" else (0, 100) if parameter == "attendance" else (1, 10)
                )
                end = min(Decimal(high_bound), max(Decimal(low_bound), start + Decimal(str(round(change, 1)))))
                services.measurement_save(
                    actor=admin, organization=organization, academic_year=academic_year, person=person,
                    parameter=parameter, stage="exit", value=end, measured_on=exit_day, today=today,
                )  # fmt: skip
    return Measurement.objects.filter(organization=organization, academic_year=academic_year).count() - before
