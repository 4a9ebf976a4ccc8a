"""AuditEvent moves to webui.logs: only Django's picture of the models changes; the
table cases_auditevent and its rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_consent_category_begeleiding"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="AuditEvent",
                ),
            ],
            database_operations=[],
        ),
    ]
