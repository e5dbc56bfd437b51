from django.db import migrations

from geo.categories import ensure_default_categories


def seed(apps, schema_editor):
    ensure_default_categories(apps.get_model("geo", "HotspotCategory"))


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
