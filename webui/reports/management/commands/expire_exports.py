from django.core.management.base import BaseCommand

from webui.reports.services import export_runs_expire


class Command(BaseCommand):
    help = (
        "Delete the background exports (and their files) past their keeping time"
        " (WEGWIJS_EXPORT_KEEP_HOURS). Each new background export does this too;"
        " schedule it where exports are rare."
    )

    def handle(self, *args, **options):
        removed = export_runs_expire()
        self.stdout.write(f"{removed} verlopen export(s) verwijderd.")
