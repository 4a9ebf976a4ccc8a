"""The content types of the moved models follow them, so the permissions given on
them and the admin's history of them stay attached (a fresh database has none yet:
Django makes content types after migrating)."""

from django.db import migrations

MOVED = {
    ("cases", "auditevent"),
    ("privacy", "processingrecord"),
    ("privacy", "processedsubject"),
}


def forwards(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    for app_label, model in MOVED:
        if not content_types.objects.filter(app_label="logs", model=model).exists():
            content_types.objects.filter(app_label=app_label, model=model).update(
                app_label="logs"
            )


def backwards(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    for app_label, model in MOVED:
        if not content_types.objects.filter(app_label=app_label, model=model).exists():
            content_types.objects.filter(app_label="logs", model=model).update(
                app_label=app_label
            )


class Migration(migrations.Migration):
    dependencies = [
        ("logs", "0001_moved_to_logs"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
