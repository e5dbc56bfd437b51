from django.db import migrations

from geo.categories import DEFAULT_CATEGORIES


def seed(apps, schema_editor):
    HotspotCategory = apps.get_model("geo", "HotspotCategory")
    for order, (code, name, name_en, color) in enumerate(DEFAULT_CATEGORIES, start=1):
        HotspotCategory.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "color": color, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
