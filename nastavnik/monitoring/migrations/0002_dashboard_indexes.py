"""An index for a problem list of the municipal and regional dashboards (issue 8, Performance).

The table belongs to nastavnik.mentorships; the index serves only monitoring's query, so it is created
here as plain SQL (CREATE INDEX IF NOT EXISTS works on PostgreSQL and SQLite) and left out of the
models' state:

- `monitoring_meeting_starts_at` — «встречи без подтверждения»: the meetings of the last 30 days of the
  whole region. The existing (mentorship, starts_at) index cannot serve a scope of tens of thousands of
  pairs, so the first 20 rows were a parallel scan of the whole meetings table (0.56 s on the generated
  region of 1,000 organisations); by date it reads one month of it (5 ms).

(A partial index of open plan items by deadline was tried for «просроченные пункты планов» and left
out: the open items of past years come first in deadline order, so it did not shorten the list query.)
"""

from django.db import migrations

INDEXES = (("monitoring_meeting_starts_at", "mentorships_meeting (starts_at)"),)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_impact_measurements"),
        ("mentorships", "0004_end_planning_and_carry_over"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES
    ]
