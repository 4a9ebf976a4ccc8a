"""Records written before the log kept typed words out: addresses lose their query
string (``?zoek=<a name>``), log searches keep which boxes were used, not what was
typed in them. The only change the log ever gets, once, so that anonymisation can
trust it holds no name."""

from django.db import migrations


def _cut(detail, action):
    if action == "log_doorzocht":
        return {"velden": sorted(k for k in detail if k != "velden")}
    kept = {}
    for key, value in detail.items():
        if isinstance(value, str) and value.startswith("/") and "?" in value:
            path, _sep, query = value.partition("?")
            kept[key] = path
            names = {part.partition("=")[0][:30] for part in query.split("&")}
            if names - {""}:
                kept[f"{key}_parameters"] = sorted(names - {""})[:20]
        else:
            kept[key] = value
    return kept


def forwards(apps, schema_editor):
    # The base manager is a plain one: the append-only guard of the log's own
    # manager does not apply here, on purpose.
    records = apps.get_model("privacy", "ProcessingRecord")._base_manager
    changed = []
    for pk, action, detail in records.values_list("pk", "action", "detail").iterator(
        chunk_size=2000
    ):
        if not isinstance(detail, dict) or not detail:
            continue
        if action == "log_doorzocht" and "velden" in detail:
            continue
        cut = _cut(detail, action)
        if cut != detail:
            changed.append((pk, cut))
    for pk, cut in changed:
        records.filter(pk=pk).update(detail=cut)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_processing_log_user_changes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
