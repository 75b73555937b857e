"""Fill the catalogue of forms of mentoring from seed 002 (nastavnik/programs/catalogue.py, pure data).

Rows are matched by code, so the migration can run again after the catalogue grows; the
platform admin may edit the texts afterwards in /admin/."""

from django.db import migrations


def load_forms(apps, schema_editor):
    from nastavnik.programs.catalogue import MENTORING_FORMS

    MentoringForm = apps.get_model("programs", "MentoringForm")
    for order, spec in enumerate(MENTORING_FORMS, start=1):
        MentoringForm.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "mentor_categories": list(spec.mentor_categories),
                "mentee_categories": list(spec.mentee_categories),
                "mentor_description": spec.mentor_description,
                "mentee_description": spec.mentee_description,
                "typical_requests": list(spec.typical_requests),
                "documents": list(spec.documents),
                "work_formats": list(spec.work_formats),
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(load_forms, migrations.RunPython.noop)]
