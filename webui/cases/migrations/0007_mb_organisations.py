"""Existing data gets MB organisations: per gemeente one, holding the begeleiders,
coördinatoren and trainers that were members of the gemeente, and guiding its cases."""

from django.db import migrations

MB_ROLES = ("begeleider", "coordinator", "trainer")


def split(apps, schema_editor):
    gemeente_model = apps.get_model("accounts", "Gemeente")
    organisation_model = apps.get_model("accounts", "MbOrganisation")
    membership_model = apps.get_model("accounts", "Membership")
    case_model = apps.get_model("cases", "Case")
    task_model = apps.get_model("tasks", "TaskItem")
    for gemeente in gemeente_model.objects.all():
        members = membership_model.objects.filter(gemeente=gemeente, role__in=MB_ROLES)
        cases = case_model.objects.filter(gemeente=gemeente, mb_organisation=None)
        if not members.exists() and not cases.exists():
            continue
        organisation, _ = organisation_model.objects.get_or_create(
            slug=f"mb-{gemeente.slug}"[:50],
            defaults={"naam": f"MB-organisatie {gemeente.naam}"},
        )
        organisation.gemeenten.add(gemeente)
        for membership in members:
            exists = membership_model.objects.filter(
                user_id=membership.user_id,
                role=membership.role,
                mb_organisation=organisation,
            ).exists()
            if exists:
                membership.delete()
            else:
                membership.gemeente = None
                membership.mb_organisation = organisation
                membership.save()
        task_model.objects.filter(case__in=cases).update(mb_organisation=organisation)
        cases.update(mb_organisation=organisation)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_remove_case_toestemming_gemeente_case_anonymised_at_and_more"),
        ("accounts", "0002_mborganisation_alter_membership_options_and_more"),
        ("tasks", "0002_taskitem_mb_organisation_taskitem_task_queue_mb_role"),
    ]

    operations = [migrations.RunPython(split, migrations.RunPython.noop)]
