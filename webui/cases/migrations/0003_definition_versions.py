"""Cases move from the old per-gemeente diagram versions to the versioned definitions
(diagrams and forms together); the old versions are carried over unchanged."""

import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _set_hash(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return digest.hexdigest()


def carry_over(apps, schema_editor):
    old_versions = apps.get_model("cases", "WorkflowVersion")
    if not old_versions.objects.exists():
        return
    from forms.registry import shipped_form_files

    blob = apps.get_model("definitions", "Blob")
    version_model = apps.get_model("definitions", "DefinitionVersion")
    case_model = apps.get_model("cases", "Case")
    submission_model = apps.get_model("cases", "Submission")
    forms = shipped_form_files()
    numbers: dict[int, int] = {}
    mapping: dict[int, int] = {}
    for old in old_versions.objects.order_by("gemeente_id", "deployed_at", "id"):
        files = {**old.files, **forms}
        blob.objects.bulk_create(
            [blob(sha256=_sha(text), content=text) for text in files.values()],
            ignore_conflicts=True,
        )
        numbers[old.gemeente_id] = numbers.get(old.gemeente_id, 0) + 1
        new = version_model.objects.create(
            gemeente_id=old.gemeente_id,
            number=numbers[old.gemeente_id],
            files={name: _sha(text) for name, text in files.items()},
            content_hash=_set_hash(files),
            note="Overgenomen uit de opslag van vóór de procesversies",
            deployed_by_id=old.deployed_by_id,
            deployed_at=old.deployed_at,
            is_active=old.is_active,
        )
        mapping[old.pk] = new.pk
    for case in case_model.objects.all():
        case.new_version_id = mapping[case.version_id]
        case.save(update_fields=["new_version"])
        submission_model.objects.filter(case=case).update(
            version_id=mapping[case.version_id]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_consent_and_submission_role"),
        ("definitions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="new_version",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="definitions.definitionversion",
            ),
        ),
        migrations.AddField(
            model_name="submission",
            name="version",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="definitions.definitionversion",
            ),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveField(model_name="case", name="version"),
        migrations.DeleteModel(name="WorkflowVersion"),
        migrations.RenameField(
            model_name="case", old_name="new_version", new_name="version"
        ),
        migrations.AlterField(
            model_name="case",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="definitions.definitionversion",
            ),
        ),
        migrations.AlterField(
            model_name="submission",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="definitions.definitionversion",
            ),
        ),
    ]
