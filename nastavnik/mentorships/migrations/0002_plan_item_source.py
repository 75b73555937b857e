import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mentorships", "0001_mentorships_meetings_plans_journal"),
    ]

    operations = [
        migrations.AddField(
            model_name="planitem",
            name="source_item",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="mentorships.planitem",
                verbose_name="пункт предыдущей версии",
            ),
        ),
    ]
