from django.db import migrations

from inspections.evidence.problem_types import ensure_default_problem_types


def seed(apps, schema_editor):
    ensure_default_problem_types(apps.get_model("inspections", "ProblemType"), apps.get_model("geo", "HotspotCategory"))


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("geo", "0002_seed_hotspot_categories")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
