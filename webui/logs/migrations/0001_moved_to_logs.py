"""The logs take over the models of the audit (from cases) and the processing log
(from privacy) on the tables those apps made: no table is created or moved."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("privacy", "0004_moved_to_logs"),
        ("cases", "0015_moved_to_logs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProcessingRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(
                                db_index=True, verbose_name="tijdstip"
                            ),
                        ),
                        ("request_id", models.CharField(blank=True, max_length=32)),
                        (
                            "user_id",
                            models.BigIntegerField(
                                blank=True, db_index=True, null=True
                            ),
                        ),
                        (
                            "username",
                            models.CharField(
                                blank=True, max_length=150, verbose_name="gebruiker"
                            ),
                        ),
                        (
                            "roles",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="rollen"
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("inzien", "dossier ingezien"),
                                    ("lijst", "lijst ingezien"),
                                    ("taak", "taak ingezien"),
                                    ("wijzigen", "gewijzigd of vastgelegd"),
                                    ("exporteren", "geëxporteerd"),
                                    ("beheer", "ingezien in het beheer"),
                                    ("geweigerd", "toegang geweigerd"),
                                    ("inloggen_mislukt", "inloggen mislukt"),
                                    ("inzage", "inzageverzoek uitgevoerd"),
                                    ("geanonimiseerd", "geanonimiseerd"),
                                    ("log_doorzocht", "verwerkingenlog doorzocht"),
                                    ("gebruikers", "gebruikersbeheer"),
                                ],
                                max_length=20,
                                verbose_name="handeling",
                            ),
                        ),
                        (
                            "categories",
                            models.JSONField(
                                blank=True, default=list, verbose_name="categorieën"
                            ),
                        ),
                        (
                            "ground",
                            models.CharField(
                                blank=True, max_length=300, verbose_name="grondslag"
                            ),
                        ),
                        ("detail", models.JSONField(blank=True, default=dict)),
                    ],
                    options={
                        "verbose_name": "verwerking",
                        "verbose_name_plural": "verwerkingen",
                        "db_table": "privacy_processingrecord",
                        "ordering": ["-at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("event", models.CharField(max_length=50)),
                        ("detail", models.JSONField(blank=True, default=dict)),
                        ("at", models.DateTimeField()),
                        (
                            "case",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="audit_events",
                                to="cases.case",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_auditevent",
                        "ordering": ["at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="ProcessedSubject",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("case_id", models.BigIntegerField(blank=True, null=True)),
                        (
                            "case_reference",
                            models.CharField(
                                db_index=True, max_length=20, verbose_name="dossier"
                            ),
                        ),
                        (
                            "gemeente_id",
                            models.BigIntegerField(
                                blank=True, db_index=True, null=True
                            ),
                        ),
                        (
                            "mb_organisation_id",
                            models.BigIntegerField(
                                blank=True, db_index=True, null=True
                            ),
                        ),
                        (
                            "record",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="subjects",
                                to="logs.processingrecord",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "betrokkene",
                        "verbose_name_plural": "betrokkenen",
                        "db_table": "privacy_processedsubject",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
