"""Fill the default catalogue of mentee requests (nastavnik/pools/catalogue.py, pure data).

Rows are matched by their case-folded name, so the migration may run again after the catalogue
grows; admins and coordinators edit the catalogue in the app afterwards."""

from django.db import migrations


def load_categories(apps, schema_editor):
    from nastavnik.core.text import search_key
    from nastavnik.pools.catalogue import DEFAULT_REQUEST_CATEGORIES

    RequestCategory = apps.get_model("pools", "RequestCategory")
    for order, name in enumerate(DEFAULT_REQUEST_CATEGORIES, start=1):
        RequestCategory.objects.update_or_create(
            region=None, name_key=search_key(name), defaults={"name": name, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("pools", "0001_initial")]

    operations = [migrations.RunPython(load_categories, migrations.RunPython.noop)]
