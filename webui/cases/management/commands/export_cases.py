from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from exports import cases_workbook
from webui.accounts.models import Gemeente
from webui.cases.selectors import export_rows


class Command(BaseCommand):
    help = "Write the case-status workbook (one row per case) to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="", help="File to write (.xlsx).")
        parser.add_argument(
            "--gemeente",
            action="append",
            default=[],
            help="Gemeente slug; repeat for several. Default: all.",
        )

    def handle(self, *args, output: str, gemeente: list[str], **options):
        today = timezone.localdate()
        gemeenten = Gemeente.objects.all()
        if gemeente:
            gemeenten = gemeenten.filter(slug__in=gemeente)
            unknown = set(gemeente) - set(gemeenten.values_list("slug", flat=True))
            if unknown:
                raise CommandError(f"Onbekende gemeente: {', '.join(sorted(unknown))}")
        path = Path(output or f"wegwijs-dossiers-{today:%Y-%m-%d}.xlsx")
        rows = list(export_rows(gemeenten=gemeenten, today=today))
        cases_workbook(rows).save(path)
        self.stdout.write(f"{len(rows)} dossiers geschreven naar {path}")
