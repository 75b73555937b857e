"""The demo region, built through the services and the same on every run.

Белгородская область with two municipalities: a college like seed 000 (Валуйский колледж),
a gymnasium like seed 001 (Гимназия № 9) and a school like seed 002 (Ершовская СОШ), about
300 people with Russian names, parents linked to their children, and a login for every role.
Dates are counted from 1 September of the current academic year, so the demo is always a year
in progress and is the same on every run within that year (fixed random seed).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from nastavnik.orgs import services as org_services
from nastavnik.orgs.models import AcademicYear, Organization, Region
from nastavnik.people import services as people_services
from nastavnik.people.models import Category, Gender, GuardianKind, Person, RoleKind
from nastavnik.programs.models import MentoringForm

from .certification import build_certification
from .consents import build_consents
from .documents import build_documents
from .events import build_events
from .feedback import build_feedback
from .matching import build_matching
from .mentorbase import build_mentorbase
from .mentorships import build_mentorships
from .monitoring import build_monitoring
from .names import FEMALE_NAMES, MALE_NAMES, SURNAMES, feminine_surname
from .pools import build_intake, build_pools
from .previous_year import build_previous_year
from .programs import build_preparation
from .questionnaires import build_questionnaires
from .selfmatch import build_selfmatch

DEMO_PASSWORD = "nastavnik2026"
REGION_CODE = "31"
SEED = 20260901


@dataclass
class Login:
    username: str
    role: str
    person: str


@dataclass
class DemoResult:
    created: bool
    people: int = 0
    logins: list[Login] = field(default_factory=list)


class _Namer:
    """Deterministic, non-repeating Russian names."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def person(self, gender: str, surname: str | None = None, father: tuple | None = None) -> dict:
        for _ in range(1000):
            base = surname or self.rng.choice(SURNAMES)
            dad = father or self.rng.choice(MALE_NAMES)
            if gender == Gender.MALE:
                first = self.rng.choice(MALE_NAMES)[0]
                last, patronymic = base, dad[1]
            else:
                first = self.rng.choice(FEMALE_NAMES)
                last, patronymic = feminine_surname(base), dad[2]
            key = f"{last} {first} {patronymic}"
            if key not in self.used:
                self.used.add(key)
                return {"last_name": last, "first_name": first, "patronymic": patronymic, "gender": gender}
        raise RuntimeError("names exhausted")


class DemoBuilder:
    def __init__(self, stdout=None, today: dt.date | None = None):
        self.today = today or timezone.localdate()
        self.year_start = AcademicYear.start_year_for(self.today)
        self.rng = random.Random(SEED)
        self.names = _Namer(self.rng)
        self.logins: list[Login] = []
        self.staff: dict[int, list[Person]] = {}
        self.count = 0
        self.stdout = stdout

    # --- helpers -------------------------------------------------------------------------
    def _birth(self, age_on_sep1: int) -> dt.date:
        """A birth date that makes the person `age_on_sep1` years old on 1 September of the demo year."""
        start = dt.date(self.year_start - age_on_sep1 - 1, 9, 2)
        return start + dt.timedelta(days=self.rng.randrange(365))

    def _person(self, org: Organization | None, *, region: Region | None = None, municipality=None, **data) -> Person:
        person = people_services.person_create(
            actor=self.admin, organization=org, region=region, municipality=municipality, **data
        )
        self.count += 1
        return person

    def _login(self, person: Person, username: str, role_label: str) -> None:
        people_services.account_create(actor=self.admin, person=person, username=username, password=DEMO_PASSWORD)
        self.logins.append(Login(username, role_label, person.full_name))

    def _role(self, person: Person, kind: str, org: Organization | None = None, **scope) -> None:
        people_services.role_grant(actor=self.admin, person=person, kind=kind, organization=org, **scope)

    def _email(self, person: Person, domain: str) -> str:
        from nastavnik.people.services import transliterate

        return f"{transliterate(person.last_name)}.{transliterate(person.first_name[:1])}{person.pk}@{domain}"

    # --- the region ------------------------------------------------------------------------
    def build(self) -> DemoResult:
        user_model = get_user_model()
        with transaction.atomic():
            self.admin = user_model.objects.create_superuser(
                username="admin", email="admin@nastavnik.local", password=DEMO_PASSWORD
            )
            self.region = Region.objects.create(name="Белгородская область", code=REGION_CODE)
            self.region = org_services.region_save(
                actor=self.admin,
                region=self.region,
                name="Белгородская область",
                code=REGION_CODE,
                mentoring_centre="Региональный наставнический центр Белгородской области",
            )
            admin_person = self._person(
                None, region=self.region, last_name="Соколов", first_name="Андрей", patronymic="Викторович",
                gender=Gender.MALE, category=Category.STAFF, position="администратор платформы",
                email="admin@nastavnik.local",
            )  # fmt: skip
            people_services.account_attach(actor=self.admin, person=admin_person, user=self.admin)
            self._role(admin_person, RoleKind.PLATFORM_ADMIN)
            self.logins.append(Login("admin", "Администратор платформы", admin_person.full_name))
            org_services.academic_year_current(today=dt.date(self.year_start, 9, 1))
            org_services.academic_year_current(today=dt.date(self.year_start - 1, 9, 1))

            valuyki = org_services.municipality_save(
                actor=self.admin, region=self.region, name="Валуйский муниципальный округ"
            )
            belgorod = org_services.municipality_save(actor=self.admin, region=self.region, name="Город Белгород")
            self._coordinators(valuyki, belgorod)

            college = org_services.organization_create(
                actor=self.admin, municipality=valuyki, kind="college",
                name="Областное государственное автономное профессиональное образовательное учреждение «Валуйский колледж»",
                short_name="Валуйский колледж", address="309996, Белгородская область, г. Валуйки, ул. Никольская, д. 1",
                phone="+7 (47236) 3-00-01", email="college@valuyki.example.ru", website="https://valuyki-college.example.ru",
            )  # fmt: skip
            school = org_services.organization_create(
                actor=self.admin, municipality=valuyki, kind="school",
                name="Муниципальное бюджетное общеобразовательное учреждение «Ершовская средняя общеобразовательная школа»",
                short_name="Ершовская СОШ", address="309990, Белгородская область, Валуйский округ, с. Ершово, ул. Школьная, д. 5",
                phone="+7 (47236) 5-12-34", email="ershovo-school@example.ru",
            )  # fmt: skip
            gymnasium = org_services.organization_create(
                actor=self.admin, municipality=belgorod, kind="gymnasium",
                name="Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 9» г. Белгорода",
                short_name="Гимназия № 9", address="308000, г. Белгород, ул. Победы, д. 9",
                phone="+7 (4722) 33-09-09", email="gymnasium9@example.ru", website="https://gymnasium9.example.ru",
            )  # fmt: skip
            self._partners(college, school, gymnasium)
            self._college(college)
            self._general_school(
                gymnasium, prefix="gymnasium", classes=["5А", "6Б", "7Б", "8А", "9А", "10А", "11А"],
                per_class=9, teachers=15, domain="gymnasium9.example.ru", alumni=0,
            )  # fmt: skip
            self._general_school(
                school, prefix="school", classes=["5А", "7А", "8Б", "9А", "10А"],
                per_class=8, teachers=12, domain="ershovo-school.example.ru", alumni=3,
            )  # fmt: skip
            year = org_services.academic_year_current(today=self.today)
            for org in (college, gymnasium, school):
                build_preparation(
                    admin=self.admin, organization=org, staff=self.staff[org.pk], academic_year=year, today=self.today
                )
                build_consents(admin=self.admin, organization=org)
                build_questionnaires(admin=self.admin, organization=org, academic_year=year, today=self.today)
                build_pools(admin=self.admin, organization=org, academic_year=year, today=self.today)
                # pairs first: matching must not match the pool's «в паре» mentees again, feedback,
                # documents and events read the pairs
                for build in (
                    build_mentorships,
                    build_feedback,
                    build_matching,
                    build_documents,
                    build_events,
                    build_monitoring,
                ):
                    build(admin=self.admin, organization=org, academic_year=year, today=self.today)
            # the previous year, completed and closed by each curator (issue 10.9): pairs, ceremony, awards,
            # the published case, the report; before the mentor base and certification, which read it
            previous = org_services.academic_year_current(today=dt.date(self.year_start - 1, 9, 1))
            for org in (college, gymnasium, school):
                build_previous_year(admin=self.admin, organization=org, previous_year=previous, current_year=year)
            # self-match (issue 6.4) in the gymnasium: the autumn intake of «Ученик – ученик» has mentees
            # without a pair; an open window with requests waiting for the mentors and one accepted
            build_intake(
                admin=self.admin, organization=gymnasium, academic_year=year, today=self.today, mentees=4, mentors=3,
                form=MentoringForm.objects.get(code="pupil_pupil"),
            )  # fmt: skip
            made = build_selfmatch(
                admin=self.admin, organization=gymnasium, academic_year=year, today=self.today, slug="gymnasium"
            )
            for username in made["logins"]:
                person = Person.objects.get(user__username=username)
                role = "Наставник" if ".mentor." in username else "Наставляемый"
                self.logins.append(Login(username, f"{role} (самостоятельный выбор наставника)", person.full_name))
            # the region's long-term mentor base with requests between organisations, curator certification
            build_mentorbase(self.region, admin=self.admin, today=self.today)
            build_certification(self.region, admin=self.admin, academic_year=year, today=self.today)
        return DemoResult(created=True, people=self.count, logins=self.logins)

    def _coordinators(self, valuyki, belgorod) -> None:
        regional = self._person(
            None, region=self.region, last_name="Лебедева", first_name="Ирина", patronymic="Николаевна",
            gender=Gender.FEMALE, category=Category.STAFF, birth_date=dt.date(1979, 3, 14),
            position="руководитель регионального наставнического центра", email="lebedeva.i@rnc31.example.ru",
        )  # fmt: skip
        self._role(regional, RoleKind.REGIONAL_COORDINATOR, region=self.region)
        self._login(regional, "region", "Региональный координатор (Белгородская область)")
        for municipality, data, username in (
            (valuyki, ("Морозов", "Олег", "Петрович", Gender.MALE, dt.date(1975, 6, 2)), "valuyki"),
            (
                belgorod,
                ("Ковалёва", "Светлана", "Игоревна", Gender.FEMALE, dt.date(1983, 11, 21)),
                "belgorod",
            ),
        ):
            last, first, patronymic, gender, born = data
            person = self._person(
                None, municipality=municipality, last_name=last, first_name=first, patronymic=patronymic,
                gender=gender, category=Category.STAFF, birth_date=born,
                position="специалист управления образования",
            )  # fmt: skip
            self._role(person, RoleKind.MUNICIPAL_COORDINATOR, municipality=municipality)
            self._login(person, username, f"Муниципальный координатор ({municipality.name})")

    def _partners(self, college, school, gymnasium) -> None:
        for name, kind, inn, contact, orgs in (
            ("АО «Валуйский комбинат растительных масел»", "employer", "3126000011", "Гусев Павел Андреевич", [college, school]),
            ("ФГАОУ ВО «Белгородский государственный национальный исследовательский университет»", "university",
             "3123035312", "Орлова Елена Викторовна", [gymnasium, college]),
            ("Белгородское региональное отделение «Движения первых»", "ngo", "", "Титов Максим Сергеевич", [gymnasium, school]),
        ):  # fmt: skip
            org_services.partner_save(
                actor=self.admin,
                region=self.region,
                organizations=orgs,
                name=name,
                kind=kind,
                inn=inn,
                contact_person=contact,
            )

    # --- staff ------------------------------------------------------------------------------
    def _staff(self, org, *, domain, n, subjects, prefix, logins_for=("director", "curator", "group")):
        staff = []
        for i in range(n):
            gender = Gender.FEMALE if self.rng.random() < 0.75 else Gender.MALE
            name = self.names.person(gender)
            birth = self._birth(self.rng.randint(24, 62))  # drawn in the same order as before
            # the last three are young teachers (started this year, a year ago, two years ago); the others
            # started at 22–25 and have at least 4 years (no draw from the random stream: the rest stays as it was)
            if i >= n - 3:
                teaching_since = dt.date(self.year_start - (n - 1 - i), 9, 1)
            else:
                age = self.year_start - birth.year
                teaching_since = dt.date(self.year_start - max(4, age - 22 - i % 4), 9, 1)
            person = self._person(
                org, **name, category=Category.STAFF, birth_date=birth,
                teaching_since=teaching_since,
                position="учитель" if org.kind != "college" else "преподаватель",
                subject=subjects[i % len(subjects)], phone=f"+7 (900) {100 + i:03d}-{org.pk:02d}-{i:02d}",
            )  # fmt: skip
            person.email = self._email(person, domain)
            people_services.person_update(actor=self.admin, person=person, email=person.email)
            staff.append(person)
        self.staff[org.pk] = staff
        director, curator, group = staff[0], staff[1], staff[2]
        people_services.person_update(actor=self.admin, person=director, position="директор", subject="")
        people_services.person_update(
            actor=self.admin, person=curator, position="заместитель директора по воспитательной работе"
        )
        self._role(director, RoleKind.DIRECTOR, org, start_date=dt.date(2019, 8, 30))
        self._role(curator, RoleKind.CURATOR, org, start_date=dt.date(self.year_start, 9, 1))
        self._role(curator, RoleKind.WORKING_GROUP, org, start_date=dt.date(self.year_start, 9, 1))
        self._role(group, RoleKind.WORKING_GROUP, org, start_date=dt.date(self.year_start, 9, 1))
        self._role(staff[3], RoleKind.WORKING_GROUP, org, start_date=dt.date(self.year_start, 9, 1))
        labels = {"director": "Руководитель", "curator": "Куратор", "group": "Член рабочей группы"}
        for key, person in zip(("director", "curator", "group"), (director, curator, group), strict=True):
            if key in logins_for:
                self._login(person, f"{prefix}.{key}", f"{labels[key]} ({org.short_name})")
        return staff

    # --- pupils and parents --------------------------------------------------------------------
    def _child_with_parent(self, org, *, age, category, class_name, with_parent: bool):
        father = self.rng.choice(MALE_NAMES)
        surname = self.rng.choice(SURNAMES)
        gender = Gender.MALE if self.rng.random() < 0.5 else Gender.FEMALE
        child = self._person(
            org, **self.names.person(gender, surname=surname, father=father), category=category,
            birth_date=self._birth(age), class_name=class_name,
        )  # fmt: skip
        parent = None
        if with_parent and child.age_on(self.today) < 18:
            if self.rng.random() < 0.7:
                data, kind = self.names.person(Gender.FEMALE, surname=surname), GuardianKind.MOTHER
            else:
                data = self.names.person(Gender.MALE, surname=surname)
                data["first_name"] = father[0]
                kind = GuardianKind.FATHER
            parent = self._person(
                org, **data, category=Category.PARENT, birth_date=self._birth(age + self.rng.randint(22, 34)),
                phone=f"+7 (9{self.rng.randint(10, 99)}) {self.rng.randint(100, 999)}-{self.rng.randint(10, 99)}-{self.rng.randint(10, 99)}",
            )  # fmt: skip
            people_services.guardian_link(actor=self.admin, child=child, guardian=parent, kind=kind)
        return child, parent

    def _general_school(self, org, *, prefix, classes, per_class, teachers, domain, alumni):
        subjects = ["математика", "русский язык и литература", "физика", "химия", "биология", "история",
                    "английский язык", "информатика", "география", "физическая культура"]  # fmt: skip
        staff = self._staff(org, domain=domain, n=teachers, subjects=subjects, prefix=prefix)
        pupils = []
        for class_name in classes:
            grade = int(class_name[:-1])
            for i in range(per_class):
                child, parent = self._child_with_parent(
                    org, age=grade + 6, category=Category.PUPIL, class_name=class_name, with_parent=i % 5 != 4
                )
                pupils.append((child, parent, grade))
        for i in range(alumni):
            self._person(
                org, **self.names.person(Gender.FEMALE if i % 2 else Gender.MALE), category=Category.ALUMNUS,
                birth_date=self._birth(20 + i), subject="выпускник 20" + str(17 + i),
            )  # fmt: skip
        # Mentors: teachers (учитель–ученик, учитель–учитель) and senior pupils (ученик–ученик).
        mentors = staff[4:8] + [c for c, _p, g in pupils if g >= 10][:4]
        mentees = [c for c, p, g in pupils if g <= 8 and p is not None][:10] + staff[-2:]
        for person in mentors:
            self._role(person, RoleKind.MENTOR, org)
        for person in mentees:
            self._role(person, RoleKind.MENTEE, org)
        self._login(mentors[0], f"{prefix}.mentor", f"Наставник ({org.short_name})")
        mentee = mentees[0]
        self._login(mentee, f"{prefix}.mentee", f"Наставляемый ({org.short_name})")
        parent = mentee.guardian_links.get().guardian
        self._login(parent, f"{prefix}.parent", f"Законный представитель ({org.short_name})")

    def _college(self, org):
        subjects = ["технология машиностроения", "электрические станции и сети", "экономика",
                    "информационные системы", "математика", "иностранный язык"]  # fmt: skip
        staff = self._staff(org, domain="valuyki-college.example.ru", n=12, subjects=subjects, prefix="college")
        students = []
        for group, course in (
            ("ТМ-11", 1),
            ("ЭС-11", 1),
            ("ТМ-21", 2),
            ("ИС-21", 2),
            ("ТМ-31", 3),
            ("ЭС-31", 3),
        ):
            for i in range(9):
                age = 15 + course
                child, parent = self._child_with_parent(
                    org,
                    age=age,
                    category=Category.STUDENT,
                    class_name=group,
                    with_parent=course == 1 and i % 3 != 2,
                )
                students.append((child, parent, course))
        employers = []
        for i in range(4):
            person = self._person(
                org, **self.names.person(Gender.MALE if i % 2 == 0 else Gender.FEMALE), category=Category.EMPLOYER,
                birth_date=self._birth(30 + 5 * i), position=("инженер-технолог", "мастер участка",
                "специалист по персоналу", "главный энергетик")[i],
                subject="АО «Валуйский комбинат растительных масел»",
            )  # fmt: skip
            employers.append(person)
        mentors = [s for s, _p, c in students if c == 3][:6] + staff[4:7] + employers[:2]
        mentees = [s for s, p, c in students if c == 1 and p is not None][:10] + [s for s, _p, c in students if c == 2][
            :3
        ]
        for person in mentors:
            self._role(person, RoleKind.MENTOR, org)
        for person in mentees:
            self._role(person, RoleKind.MENTEE, org)
        self._login(mentors[0], "college.mentor", "Наставник — студент 3 курса (Валуйский колледж)")
        mentee = mentees[0]
        self._login(mentee, "college.mentee", "Наставляемый — студент 1 курса (Валуйский колледж)")
        parent = mentee.guardian_links.get().guardian
        self._login(parent, "college.parent", "Законный представитель (Валуйский колледж)")


def demo_exists() -> bool:
    return Region.objects.filter(code=REGION_CODE).exists()


def demo_logins() -> list[Login]:
    """The logins of an already loaded demo, read back from the database."""
    user_model = get_user_model()
    rows = []
    for user in user_model.objects.filter(person__region__code=REGION_CODE).select_related("person").order_by("pk"):
        person = user.person
        roles = (
            ", ".join(
                f"{r.get_kind_display()} ({r.scope_name})" for r in person.roles.all() if r.kind != RoleKind.GUARDIAN
            )
            or "Законный представитель"
        )
        rows.append(Login(user.username, roles, person.full_name))
    return rows


@transaction.atomic
def demo_delete() -> None:
    """Remove the demo region and its logins (for --reset)."""
    from nastavnik.orgs.models import Municipality, Partner

    region = Region.objects.filter(code=REGION_CODE).first()
    if region is None:
        return
    from nastavnik.consents.models import Consent, ConsentRequest

    for model in (Consent, ConsentRequest):
        model.objects.filter(organization__municipality__region=region).delete()
    _delete_owned_by(region)
    people = Person.objects.filter(region=region)
    user_ids = list(people.exclude(user=None).values_list("user_id", flat=True))
    people.delete()
    get_user_model().objects.filter(pk__in=user_ids).delete()
    Partner.objects.filter(region=region).delete()
    Organization.objects.filter(municipality__region=region).delete()
    Municipality.objects.filter(region=region).delete()
    region.delete()


def _delete_owned_by(region: Region) -> None:
    """Delete the rows of every model owned by the region (a `region` column: programs, roadmaps,
    questionnaires, campaigns, pools…), in whatever order PROTECT allows."""
    from django.apps import apps
    from django.db.models import ProtectedError

    from nastavnik.orgs.models import Municipality, Partner

    keep = {Person, Municipality, Partner, Organization}

    def owner_filter(model) -> dict | None:
        """Rows of the region: by a `region` column, else by an `organization` one (documents…)."""
        fields = {f.name: f for f in model._meta.fields if f.is_relation}
        if "region" in fields and fields["region"].related_model is Region:
            return {"region": region}
        if "organization" in fields and fields["organization"].related_model is Organization:
            return {"organization__municipality__region": region}
        return None

    pending = [model for model in apps.get_models() if model not in keep and owner_filter(model) is not None]
    while pending:
        progressed = False
        for model in list(pending):
            try:
                model.objects.filter(**owner_filter(model)).delete()
            except ProtectedError:
                continue
            pending.remove(model)
            progressed = True
        if not progressed:
            raise RuntimeError(f"cannot delete demo data of {pending}")
