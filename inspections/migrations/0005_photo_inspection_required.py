from django.db import migrations, models


def photos_belong_to_their_findings_inspection(apps, schema_editor):
    Photo = apps.get_model("inspections", "Photo")
    for photo in Photo.objects.filter(inspection__isnull=True).select_related("finding"):
        photo.inspection_id = photo.finding.inspection_id
        photo.save(update_fields=["inspection"])


class Migration(migrations.Migration):
    dependencies = [("inspections", "0004_photo_upload_session_and_inspection_photos")]

    operations = [
        migrations.RunPython(photos_belong_to_their_findings_inspection, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="photo",
            name="inspection",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE,
                related_name="photos",
                to="inspections.inspection",
                verbose_name="inspection",
            ),
        ),
    ]
