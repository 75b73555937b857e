"""manage.py generate_region --orgs 1000 --participants 200000 --years 2

A realistic region for benchmarks, written with bulk inserts (nastavnik/monitoring/generator.py)."""

from django.core.management.base import BaseCommand, CommandError

from nastavnik.monitoring.generator import Generator
from nastavnik.orgs.models import Region


class Command(BaseCommand):
    help = "Создать большой регион для замеров (bulk_create, без сервисов; одинаковый при каждом запуске)."

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=1000, help="организаций (по умолчанию 1000)")
        parser.add_argument("--participants", type=int, default=200_000, help="участников (по умолчанию 200 000)")
        parser.add_argument("--years", type=int, default=2, help="учебных лет (по умолчанию 2)")
        parser.add_argument("--seed", type=int, default=20260901)
        parser.add_argument("--code", default="G1", help="код региона (должен быть новым)")

    def handle(self, *args, orgs, participants, years, seed, code, **options):
        if orgs < 1 or participants < orgs or years < 1:
            raise CommandError("Нужно: --orgs ≥ 1, --participants ≥ --orgs, --years ≥ 1.")
        if Region.objects.filter(code=code).exists():
            raise CommandError(f"Регион с кодом {code} уже есть: укажите другой --code.")
        generator = Generator(
            orgs=orgs, participants=participants, years=years, seed=seed, code=code,
            say=lambda text: self.stdout.write(text),
        )  # fmt: skip
        stats = generator.run()
        self.stdout.write(
            self.style.SUCCESS(
                f"Регион «{generator.region.name}» (id {generator.region.pk}): организаций {stats.organizations:,}, "
                f"людей {stats.people:,}, пар {stats.mentorships:,}, встреч {stats.meetings:,}, "
                f"записей журнала {stats.journal:,}, пунктов планов {stats.plan_items:,}, "
                f"измерений {stats.measurements:,} — {stats.seconds:.1f} с"
            )
        )
