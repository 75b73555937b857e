"""Two indexes for the municipal and regional dashboards of monitoring (issue 8, Performance), measured on
the generated region of 1,000 organisations (benchmarks/bench_monitoring.py):

- `journal_mentorship_date` (mentorship, date) — «пары без встреч 30 дней» asks, for each of the region's
  37,000 active pairs, whether it has a journal entry in the last 30 days (NOT EXISTS): an index-only probe
  instead of reading each pair's entries from the table by the mentorship index (twice per dashboard:
  the list and the count per organisation). It also serves a pair's journal in date order.
- `plan_item_plan_status_progress` (plan, status, progress) — «выполнение индивидуальных планов» averages
  the items of each approved plan: an index-only scan in plan order (the 390,000 items are read from the
  index, 12 MB, not from the 62 MB table): about a third of that query.

The models declare them too (Meta.indexes of JournalEntry and PlanItem), so `makemigrations --check` stays
clean.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mentorships", "0004_end_planning_and_carry_over"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="journalentry",
            index=models.Index(fields=["mentorship", "date"], name="journal_mentorship_date"),
        ),
        migrations.AddIndex(
            model_name="planitem",
            index=models.Index(fields=["plan", "status", "progress"], name="plan_item_plan_status_progress"),
        ),
    ]
