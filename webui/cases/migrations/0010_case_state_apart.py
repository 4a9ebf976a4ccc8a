"""The engine state moves out of the case row into a table of its own, so that lists,
queues and exports never select it (issue 10)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_open_phases"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseState",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="engine_state",
                        serialize=False,
                        to="cases.case",
                    ),
                ),
                ("state", models.TextField()),
            ],
            options={
                "verbose_name": "engine-toestand",
                "verbose_name_plural": "engine-toestanden",
            },
        ),
        migrations.RunSQL(
            "INSERT INTO cases_casestate (case_id, state)"
            " SELECT id, state FROM cases_case",
            reverse_sql="UPDATE cases_case SET state = (SELECT s.state FROM"
            " cases_casestate s WHERE s.case_id = cases_case.id)",
        ),
        migrations.RemoveField(model_name="case", name="state"),
    ]
