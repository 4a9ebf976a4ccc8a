from django.core.management.base import BaseCommand

from webui.reports.services import export_runs_expire, export_runs_sweep


class Command(BaseCommand):
    help = (
        "Delete the background exports (and their files) past their keeping time"
        " (WEGWIJS_EXPORT_KEEP_HOURS), and mark the ones stuck past"
        " WEGWIJS_BACKGROUND_TIMEOUT_MINUTES as failed. Each new background export"
        " and each export page does this too; schedule it where exports are rare."
    )

    def handle(self, *args, **options):
        stuck = export_runs_sweep()
        removed = export_runs_expire()
        self.stdout.write(f"{stuck} vastgelopen export(s) als mislukt gemarkeerd.")
        self.stdout.write(f"{removed} verlopen export(s) verwijderd.")
