"""The processing log moves to webui.logs: only Django's picture of the models
changes; its tables (privacy_processingrecord, privacy_processedsubject) and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_processing_detail_without_typed_words"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="ProcessedSubject",
                ),
                migrations.DeleteModel(
                    name="ProcessingRecord",
                ),
            ],
            database_operations=[],
        ),
    ]
